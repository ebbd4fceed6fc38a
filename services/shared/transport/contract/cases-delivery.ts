/** Contract cases: what a message carries, and ack / nack / ack timeout / dead letter / permits. */
import assert from "node:assert/strict";
import type { InboundMessage } from "../transport.ts";
import { bytes, receiver, sameBytes, text } from "./helpers.ts";
import type { ContractCase } from "./transport.contract.ts";

const TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

/** Properties as a plain object (for deepEqual). */
function props(message: InboundMessage): Record<string, string> {
  return { ...message.properties };
}

export const deliveryCases: readonly ContractCase[] = [
  {
    title: "round-trips payload bytes and properties byte-exact",
    async run(ctx) {
      const t = await ctx.open();
      const topic = ctx.topic("bytes");
      const r = receiver(await t.subscribe(topic, { subscription: "s", type: "exclusive" }));
      const everyByte = Uint8Array.from({ length: 256 }, (_, i) => i);
      const payloads = [everyByte, bytes("héllo wörld ✓ 🚀 \u0000 end"), new Uint8Array(0)];
      const properties = {
        traceparent: TRACEPARENT,
        tracestate: "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE",
        "event-id": "evt-ünïcødé-✓-🚀",
        "schema-version": "3",
        "x-empty": "",
        "x-json": '{"a":[1,2],"b":"c=d; e"}',
      };
      for (const payload of payloads) await t.publish(topic, payload, { properties });
      const got = await r.take(payloads.length, ctx.patience);
      got.forEach((m, i) => {
        assert.ok(sameBytes(m.payload, payloads[i]), `payload ${i} differs`);
        assert.deepEqual(props(m), properties);
        assert.equal(m.topic, topic);
        assert.equal(m.redeliveryCount, 0);
      });
      await Promise.all(got.map((m) => m.ack()));
    },
  },
  {
    title: "copies the payload: a later mutation by the publisher changes nothing",
    async run(ctx) {
      const t = await ctx.open();
      const topic = ctx.topic("copy");
      const r = receiver(await t.subscribe(topic, { subscription: "s", type: "exclusive" }));
      const payload = bytes("original");
      const properties: Record<string, string> = { a: "1" };
      await t.publish(topic, payload, { properties });
      payload.fill(0);
      properties.a = "2";
      const [m] = await r.take(1, ctx.patience);
      assert.equal(text(m.payload), "original");
      assert.equal(m.properties.a, "1");
      await m.ack();
    },
  },
  {
    title: "delivers keys, eventTime and publishTime",
    async run(ctx) {
      const t = await ctx.open();
      const topic = ctx.topic("meta");
      const r = receiver(await t.subscribe(topic, { subscription: "s", type: "exclusive" }));
      const before = Date.now();
      await t.publish(topic, bytes("keyed"), { key: "entity-42/ü", eventTime: 1_700_000_000_123 });
      await t.publish(topic, bytes("bare"));
      const [keyed, bare] = await r.take(2, ctx.patience);
      assert.equal(keyed.key, "entity-42/ü");
      assert.equal(keyed.eventTime, 1_700_000_000_123);
      assert.equal(bare.key, undefined);
      assert.equal(bare.eventTime, undefined);
      for (const m of [keyed, bare]) {
        assert.ok(Math.abs(m.publishTime - before) < 60_000, `publishTime ${m.publishTime} is not near now`);
        await m.ack();
      }
    },
  },
  {
    title: "returns distinct message ids that match the delivered ones",
    async run(ctx) {
      const t = await ctx.open();
      const topic = ctx.topic("ids");
      const r = receiver(await t.subscribe(topic, { subscription: "s", type: "exclusive" }));
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push(await t.publish(topic, bytes(`m${i}`)));
      assert.equal(new Set(ids).size, 5);
      const got = await r.take(5, ctx.patience);
      assert.deepEqual(
        got.map((m) => m.messageId),
        ids,
      );
      assert.deepEqual(
        got.map((m) => text(m.payload)),
        ["m0", "m1", "m2", "m3", "m4"],
      );
      await Promise.all(got.map((m) => m.ack()));
    },
  },
  {
    title: "ack prevents redelivery",
    async run(ctx) {
      const t = await ctx.open();
      const topic = ctx.topic("ack");
      const options = { subscription: "s", type: "shared", ackTimeoutMs: 1000, nackDelayMs: 100 } as const;
      const sub = await t.subscribe(topic, options);
      const r = receiver(sub);
      await t.publish(topic, bytes("once"));
      const [m] = await r.take(1, ctx.patience);
      await m.ack();
      assert.equal(await r.next(ctx.ms(1500)), undefined, "an acked message was redelivered (ack timeout)");
      await sub.close();
      const again = receiver(await t.subscribe(topic, options));
      assert.equal(await again.next(ctx.quiet), undefined, "an acked message was redelivered to a new consumer");
    },
  },
  {
    title: "nack redelivers with an incremented redeliveryCount",
    async run(ctx) {
      const t = await ctx.open();
      const topic = ctx.topic("nack");
      const r = receiver(await t.subscribe(topic, { subscription: "s", type: "shared", nackDelayMs: 100 }));
      const id = await t.publish(topic, bytes("retry me"), { key: "k", properties: { traceparent: TRACEPARENT } });
      const [first] = await r.take(1, ctx.patience);
      assert.equal(first.redeliveryCount, 0);
      await first.nack();
      const [second] = await r.take(1, ctx.patience);
      assert.equal(second.messageId, id);
      assert.equal(second.redeliveryCount, 1);
      assert.equal(text(second.payload), "retry me");
      assert.equal(second.key, "k");
      assert.equal(second.properties.traceparent, TRACEPARENT);
      await second.nack();
      const [third] = await r.take(1, ctx.patience);
      assert.equal(third.redeliveryCount, 2);
      await third.ack();
      assert.equal(await r.next(ctx.quiet), undefined);
    },
  },
  {
    title: "ack timeout redelivers an unacknowledged message",
    async run(ctx) {
      const t = await ctx.open();
      const topic = ctx.topic("ack-timeout");
      // 1000 ms: Pulsar's minimum ack timeout.
      const r = receiver(await t.subscribe(topic, { subscription: "s", type: "shared", ackTimeoutMs: 1000 }));
      const id = await t.publish(topic, bytes("slow"));
      const [first] = await r.take(1, ctx.patience);
      assert.equal(first.redeliveryCount, 0);
      const [second] = await r.take(1, ctx.patience + ctx.ms(1000));
      assert.equal(second.messageId, id);
      assert.ok(second.redeliveryCount >= 1, `redeliveryCount ${second.redeliveryCount}`);
      await second.ack();
    },
  },
  {
    title: "dead-letters a message after maxRedeliveries, keeping its properties",
    async run(ctx) {
      const t = await ctx.open();
      const topic = ctx.topic("dlq");
      const deadLetterTopic = ctx.topic("dlq-target");
      const dead = receiver(await t.subscribe(deadLetterTopic, { subscription: "dlq-reader", type: "exclusive" }));
      const r = receiver(
        await t.subscribe(topic, { subscription: "s", type: "shared", nackDelayMs: 50, maxRedeliveries: 2, deadLetterTopic }),
      );
      const properties = { traceparent: TRACEPARENT, "event-id": "e-1" };
      await t.publish(topic, bytes("poison"), { key: "k1", properties });
      for (let i = 0; i <= 2; i++) {
        const [m] = await r.take(1, ctx.patience);
        assert.equal(m.redeliveryCount, i);
        await m.nack();
      }
      const [d] = await dead.take(1, ctx.patience);
      assert.equal(text(d.payload), "poison");
      assert.equal(d.key, "k1");
      assert.equal(d.properties.traceparent, TRACEPARENT);
      assert.equal(d.properties["event-id"], "e-1");
      assert.ok(String(d.properties.REAL_TOPIC).includes(topic), `REAL_TOPIC ${d.properties.REAL_TOPIC}`);
      await d.ack();
      assert.equal(await r.next(ctx.quiet), undefined, "a dead-lettered message was delivered again");
    },
  },
  {
    title: "dead-letter topic defaults to <topic>-<subscription>-DLQ",
    async run(ctx) {
      const t = await ctx.open();
      const topic = ctx.topic("dlq-default");
      const dead = receiver(await t.subscribe(`${topic}-s-DLQ`, { subscription: "dlq-reader", type: "exclusive" }));
      const r = receiver(await t.subscribe(topic, { subscription: "s", type: "shared", nackDelayMs: 50, maxRedeliveries: 1 }));
      await t.publish(topic, bytes("poison"));
      for (let i = 0; i <= 1; i++) await (await r.take(1, ctx.patience))[0].nack();
      const [d] = await dead.take(1, ctx.patience);
      assert.equal(text(d.payload), "poison");
      await d.ack();
    },
  },
  {
    title: "receiverQueueSize bounds unacknowledged deliveries",
    async run(ctx) {
      const t = await ctx.open();
      const topic = ctx.topic("permits");
      const r = receiver(await t.subscribe(topic, { subscription: "s", type: "shared", receiverQueueSize: 5 }));
      for (let i = 0; i < 20; i++) await t.publish(topic, bytes(`m${i}`));
      const first = await r.take(5, ctx.patience);
      assert.equal(await r.next(ctx.quiet), undefined, "more than receiverQueueSize unacked messages were delivered");
      await first[0].ack();
      const [sixth] = await r.take(1, ctx.patience);
      assert.equal(text(sixth.payload), "m5");
      assert.equal(await r.next(ctx.quiet), undefined, "one ack released more than one delivery");
      await Promise.all([...first, sixth].map((m) => m.ack()));
      const rest: string[] = [];
      for (let i = 0; i < 14; i++) {
        const [m] = await r.take(1, ctx.patience);
        rest.push(text(m.payload));
        await m.ack();
      }
      assert.deepEqual(
        rest,
        Array.from({ length: 14 }, (_, i) => `m${i + 6}`),
      );
    },
  },
];
