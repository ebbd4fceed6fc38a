/** Contract cases: the four subscription types and how consumers share a subscription's cursor. */
import assert from "node:assert/strict";
import { isRtmlError } from "../../errors.ts";
import type { InboundMessage } from "../transport.ts";
import { bytes, receiver, text, type Receiver } from "./helpers.ts";
import type { ContractCase } from "./transport.contract.ts";

/**
 * Consumes from several receivers concurrently (acking unless `ack` is false) until `total`
 * messages arrived or `ms` passed; returns what each receiver got.
 */
async function drain(receivers: Receiver[], total: number, ms: number, ack = true): Promise<InboundMessage[][]> {
  const got: InboundMessage[][] = receivers.map(() => []);
  const deadline = Date.now() + ms;
  let count = 0;
  await Promise.all(
    receivers.map(async (r, i) => {
      while (count < total && Date.now() < deadline) {
        const m = await r.next(Math.min(50, Math.max(1, deadline - Date.now())));
        if (m === undefined) continue;
        got[i].push(m);
        count++;
        if (ack) await m.ack();
      }
    }),
  );
  return got;
}

function payloads(messages: InboundMessage[]): string[] {
  return messages.map((m) => text(m.payload));
}

export const subscriptionCases: readonly ContractCase[] = [
  {
    title: "key_shared preserves per-key order across several consumers",
    async run(ctx) {
      const t = await ctx.open();
      const topic = ctx.topic("key-shared");
      const receivers: Receiver[] = [];
      for (let c = 0; c < 3; c++) {
        const options = { subscription: "ks", type: "key_shared", consumerName: `ks-${c}`, receiverQueueSize: 20 } as const;
        receivers.push(receiver(await t.subscribe(topic, options)));
      }
      const keys = 12;
      const perKey = 20;
      const published: Promise<string>[] = [];
      for (let i = 0; i < perKey; i++) {
        for (let k = 0; k < keys; k++) published.push(t.publish(topic, bytes(`${k}:${i}`), { key: `key-${k}` }));
      }
      await Promise.all(published);
      const got = await drain(receivers, keys * perKey, ctx.patience * 2);
      const owner = new Map<string, number>();
      const sequence = new Map<string, number[]>();
      got.forEach((messages, consumer) => {
        for (const m of messages) {
          const key = m.key as string;
          assert.equal(owner.get(key) ?? consumer, consumer, `${key} went to two consumers`);
          owner.set(key, consumer);
          const seqs = sequence.get(key) ?? [];
          seqs.push(Number(text(m.payload).split(":")[1]));
          sequence.set(key, seqs);
        }
      });
      assert.equal(sequence.size, keys);
      for (const [key, seqs] of sequence) assert.deepEqual(seqs, Array.from({ length: perKey }, (_, i) => i), key);
      assert.ok(got.filter((m) => m.length > 0).length >= 2, "all keys went to one consumer");
    },
  },
  {
    title: "shared distributes messages over two or more consumers",
    async run(ctx) {
      const t = await ctx.open();
      const topic = ctx.topic("shared");
      const receivers: Receiver[] = [];
      for (let c = 0; c < 2; c++) {
        const options = { subscription: "sh", type: "shared", consumerName: `sh-${c}`, receiverQueueSize: 10 } as const;
        receivers.push(receiver(await t.subscribe(topic, options)));
      }
      const n = 100;
      await Promise.all(Array.from({ length: n }, (_, i) => t.publish(topic, bytes(`m${i}`))));
      const got = await drain(receivers, n, ctx.patience * 2);
      const all = got.flatMap(payloads);
      assert.equal(all.length, n, "messages lost or duplicated");
      assert.equal(new Set(all).size, n, "a message was delivered twice");
      for (const messages of got) assert.ok(messages.length >= 10, `a consumer got only ${messages.length} of ${n}`);
    },
  },
  {
    title: "failover delivers to one active consumer and fails over when it closes",
    async run(ctx) {
      const t = await ctx.open();
      const topic = ctx.topic("failover");
      const subs = [];
      for (const name of ["fo-b", "fo-a"]) {
        subs.push(await t.subscribe(topic, { subscription: "fo", type: "failover", consumerName: name }));
      }
      const receivers = subs.map(receiver);
      for (let i = 0; i < 10; i++) await t.publish(topic, bytes(`m${i}`));
      const got = await drain(receivers, 10, ctx.patience, false);
      const active = got.findIndex((m) => m.length > 0);
      assert.ok(active >= 0, "nothing delivered");
      assert.deepEqual(payloads(got[active]), Array.from({ length: 10 }, (_, i) => `m${i}`));
      assert.equal(got[1 - active].length, 0, "the standby consumer received messages");
      await Promise.all(got[active].slice(0, 7).map((m) => m.ack()));
      await subs[active].close();
      for (let i = 10; i < 13; i++) await t.publish(topic, bytes(`m${i}`));
      const standby = receivers[1 - active];
      const after = await standby.take(6, ctx.patience);
      assert.deepEqual(payloads(after), ["m7", "m8", "m9", "m10", "m11", "m12"]);
      await Promise.all(after.map((m) => m.ack()));
    },
  },
  {
    title: "exclusive rejects a second consumer",
    async run(ctx) {
      const t = await ctx.open();
      const topic = ctx.topic("exclusive");
      const first = await t.subscribe(topic, { subscription: "ex", type: "exclusive" });
      await assert.rejects(
        t.subscribe(topic, { subscription: "ex", type: "exclusive" }),
        (err: unknown) => isRtmlError(err, "FAILED_PRECONDITION", "ALREADY_EXISTS"),
      );
      await first.close();
      const again = await t.subscribe(topic, { subscription: "ex", type: "exclusive" });
      await t.publish(topic, bytes("after"));
      const [m] = await receiver(again).take(1, ctx.patience);
      assert.equal(text(m.payload), "after");
      await m.ack();
    },
  },
  {
    title: "closing a consumer redelivers its unacked messages to another consumer",
    async run(ctx) {
      const t = await ctx.open();
      const topic = ctx.topic("close-redeliver");
      const a = await t.subscribe(topic, { subscription: "s", type: "shared", consumerName: "a" });
      for (let i = 0; i < 5; i++) await t.publish(topic, bytes(`m${i}`));
      const held = await receiver(a).take(5, ctx.patience);
      await held[0].ack();
      const b = receiver(await t.subscribe(topic, { subscription: "s", type: "shared", consumerName: "b" }));
      assert.equal(await b.next(ctx.quiet), undefined, "a message held by a live consumer went to another one");
      await a.close();
      const got = await b.take(4, ctx.patience);
      assert.deepEqual(payloads(got).sort(), ["m1", "m2", "m3", "m4"]);
      await Promise.all(got.map((m) => m.ack()));
    },
  },
  {
    title: "each subscription receives every message",
    async run(ctx) {
      const t = await ctx.open();
      const topic = ctx.topic("fan-out");
      const one = receiver(await t.subscribe(topic, { subscription: "one", type: "exclusive" }));
      const two = receiver(await t.subscribe(topic, { subscription: "two", type: "shared" }));
      for (let i = 0; i < 10; i++) await t.publish(topic, bytes(`m${i}`));
      const expected = Array.from({ length: 10 }, (_, i) => `m${i}`);
      for (const r of [one, two]) {
        const got = await r.take(10, ctx.patience);
        assert.deepEqual(payloads(got), expected);
        await Promise.all(got.map((m) => m.ack()));
      }
    },
  },
];
