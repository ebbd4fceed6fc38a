/** Contract cases: positions, stats, close, reconnect, read(), compaction, many topics, unsubscribe. */
import assert from "node:assert/strict";
import { isRtmlError } from "../../errors.ts";
import type { InboundMessage, Transport } from "../transport.ts";
import { bytes, eventually, receiver, text } from "./helpers.ts";
import type { ContractCase } from "./transport.contract.ts";

function payloads(messages: InboundMessage[]): string[] {
  return messages.map((m) => text(m.payload));
}

async function readAll(t: Transport, topic: string): Promise<InboundMessage[]> {
  const out: InboundMessage[] = [];
  for await (const m of t.read(topic)) out.push(m);
  return out;
}

export const lifecycleCases: readonly ContractCase[] = [
  {
    title: "initialPosition latest skips earlier messages, earliest replays them",
    async run(ctx) {
      const t = await ctx.open();
      const topic = ctx.topic("position");
      await t.ensureTopic(topic);
      await t.publish(topic, bytes("old-1"));
      await t.publish(topic, bytes("old-2"));
      const late = receiver(await t.subscribe(topic, { subscription: "late", type: "exclusive", initialPosition: "latest" }));
      const early = receiver(await t.subscribe(topic, { subscription: "early", type: "exclusive", initialPosition: "earliest" }));
      await t.publish(topic, bytes("new"));
      const [fromLate] = await late.take(1, ctx.patience);
      assert.equal(text(fromLate.payload), "new");
      assert.equal(await late.next(ctx.quiet), undefined);
      const fromEarly = await early.take(3, ctx.patience);
      assert.deepEqual(payloads(fromEarly), ["old-1", "old-2", "new"]);
      await Promise.all([fromLate, ...fromEarly].map((m) => m.ack()));
    },
  },
  {
    title: "backlog stats count published and unacknowledged messages",
    async run(ctx) {
      const t = await ctx.open();
      const topic = ctx.topic("stats");
      const r = receiver(await t.subscribe(topic, { subscription: "s", type: "exclusive" }));
      for (let i = 0; i < 10; i++) await t.publish(topic, bytes(`m${i}`));
      await eventually(
        "published 10, backlog 10",
        async () => {
          const s = await t.stats(topic);
          return s.published === 10 && s.subscriptions.s?.backlog === 10;
        },
        ctx.patience,
      );
      const got = await r.take(4, ctx.patience);
      await Promise.all(got.map((m) => m.ack()));
      await eventually("backlog 6 after 4 acks", async () => (await t.stats(topic)).subscriptions.s?.backlog === 6, ctx.patience);
      const s = (await t.stats(topic)).subscriptions.s;
      assert.equal(s.consumers, 1);
      assert.ok(s.unacked >= 0 && s.unacked <= s.backlog, `unacked ${s.unacked} vs backlog ${s.backlog}`);
    },
  },
  {
    title: "close() is idempotent, ends iterations, and publish after close rejects with FAILED_PRECONDITION",
    async run(ctx) {
      const t = await ctx.open();
      const topic = ctx.topic("close");
      const r = receiver(await t.subscribe(topic, { subscription: "s", type: "shared" }));
      const waiting = r.next(ctx.patience);
      await t.close();
      await t.close();
      assert.equal(await waiting, undefined);
      assert.ok(r.ended, "the iteration did not end on close()");
      await assert.rejects(t.publish(topic, bytes("late")), (err: unknown) => isRtmlError(err, "FAILED_PRECONDITION"));
    },
  },
  {
    title: "closing a subscription ends its iteration",
    async run(ctx) {
      const t = await ctx.open();
      const topic = ctx.topic("sub-close");
      const sub = await t.subscribe(topic, { subscription: "s", type: "shared" });
      const r = receiver(sub);
      const waiting = r.next(ctx.patience);
      await sub.close();
      assert.equal(await waiting, undefined);
      assert.ok(r.ended);
    },
  },
  {
    title: "a new transport resumes the subscription: unacked messages are delivered again",
    async run(ctx) {
      const first = await ctx.open();
      const topic = ctx.topic("reconnect");
      const options = { subscription: "s", type: "shared" } as const;
      const r1 = receiver(await first.subscribe(topic, options));
      for (let i = 0; i < 5; i++) await first.publish(topic, bytes(`m${i}`));
      const got = await r1.take(5, ctx.patience);
      await got[0].ack();
      await got[1].ack();
      await first.close();
      const second = await ctx.open();
      const r2 = receiver(await second.subscribe(topic, options));
      await second.publish(topic, bytes("m5"));
      const again = await r2.take(4, ctx.patience);
      assert.deepEqual(payloads(again).sort(), ["m2", "m3", "m4", "m5"]);
      await Promise.all(again.map((m) => m.ack()));
      assert.equal(await r2.next(ctx.quiet), undefined);
    },
  },
  {
    title: "read() returns the topic from the start up to its end at call time",
    async run(ctx) {
      const t = await ctx.open();
      const topic = ctx.topic("read");
      for (let i = 0; i < 5; i++) await t.publish(topic, bytes(`m${i}`), { key: `k${i % 2}` });
      const all = await readAll(t, topic);
      assert.deepEqual(payloads(all), ["m0", "m1", "m2", "m3", "m4"]);
      assert.deepEqual(
        all.map((m) => m.key),
        ["k0", "k1", "k0", "k1", "k0"],
      );
      const tail = t.read(topic, { untilEnd: false })[Symbol.asyncIterator]();
      for (let i = 0; i < 5; i++) assert.equal(text(((await tail.next()).value as InboundMessage).payload), `m${i}`);
      const pending = tail.next();
      await t.publish(topic, bytes("m5"));
      const next = await pending;
      assert.equal(next.done, false);
      assert.equal(text((next.value as InboundMessage).payload), "m5");
      await tail.return?.();
    },
  },
  {
    title: "read() of a compacted topic returns the latest message per key and honours tombstones",
    async run(ctx) {
      const t = await ctx.open();
      const topic = ctx.topic("compacted");
      await t.ensureTopic(topic, { compacted: true });
      const writes: [string, string][] = [
        ["a", "a1"], ["b", "b1"], ["a", "a2"], ["c", "c1"], ["b", ""], ["a", "a3"], ["d", "d1"], ["d", ""],
      ];
      for (const [key, value] of writes) await t.publish(topic, bytes(value), { key });
      const got = await readAll(t, topic);
      const latest = Object.fromEntries(got.map((m) => [m.key, text(m.payload)]));
      assert.deepEqual(latest, { a: "a3", c: "c1" });
      assert.equal(got.length, 2, "a key appeared twice");
    },
  },
  {
    title: "handles 50 topics at once",
    async run(ctx) {
      const t = await ctx.open();
      const topics = Array.from({ length: 50 }, (_, i) => ctx.topic(`many-${i}`));
      const receivers = await Promise.all(topics.map(async (topic) => receiver(await t.subscribe(topic, { subscription: "s", type: "exclusive" }))));
      await Promise.all(topics.flatMap((topic) => [0, 1, 2].map((i) => t.publish(topic, bytes(`${topic}#${i}`)))));
      await Promise.all(
        receivers.map(async (r, i) => {
          const got = await r.take(3, ctx.patience * 2);
          assert.deepEqual(payloads(got).sort(), [0, 1, 2].map((n) => `${topics[i]}#${n}`));
          await Promise.all(got.map((m) => m.ack()));
        }),
      );
    },
  },
  {
    title: "unsubscribe deletes the subscription",
    async run(ctx) {
      const t = await ctx.open();
      const topic = ctx.topic("unsubscribe");
      const sub = await t.subscribe(topic, { subscription: "gone", type: "exclusive" });
      await t.publish(topic, bytes("before"));
      await receiver(sub).take(1, ctx.patience);
      await sub.unsubscribe();
      await eventually("the subscription to disappear", async () => !("gone" in (await t.stats(topic)).subscriptions), ctx.patience);
      const fresh = receiver(await t.subscribe(topic, { subscription: "gone", type: "exclusive", initialPosition: "latest" }));
      await t.publish(topic, bytes("after"));
      const [m] = await fresh.take(1, ctx.patience);
      assert.equal(text(m.payload), "after");
      await m.ack();
    },
  },
];
