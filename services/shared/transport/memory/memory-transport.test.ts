/** Memory-specific behaviour beyond the transport contract (test/contract runs the contract). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isRtmlError } from "../../errors.ts";
import { bytes, receiver, text } from "../contract/helpers.ts";
import type { Transport } from "../transport.ts";
import {
  createMemoryStore,
  createMemoryTransport,
  ORIGIN_MESSAGE_ID,
  REAL_TOPIC,
} from "./memory-transport.ts";
import { firstSeq, storeState } from "./store.ts";

const code = (...codes: Parameters<typeof isRtmlError>[1][]) => (err: unknown) => isRtmlError(err, ...codes);

async function withTransport(fn: (t: Transport) => Promise<void>): Promise<void> {
  const t = await createMemoryTransport();
  try {
    await fn(t);
  } finally {
    await t.close();
  }
}

describe("memory transport", () => {
  it("runs the createMemoryTransport @example", async () => {
    const transport = await createMemoryTransport();
    const sub = await transport.subscribe("greetings", { subscription: "s", type: "shared" });
    await transport.publish("greetings", new TextEncoder().encode("hi"), { key: "k1" });
    const seen: string[] = [];
    for await (const msg of sub) {
      seen.push(text(msg.payload));
      await msg.ack();
      break; // leaving the loop closes the consumer
    }
    assert.deepEqual(seen, ["hi"]);
    assert.equal((await transport.stats("greetings")).subscriptions.s.consumers, 0);
    await transport.close();
  });

  it("runs the MemoryStore @example: a new transport over the store sees retained messages", async () => {
    const store = createMemoryStore();
    const a = await createMemoryTransport({ store });
    await a.publish("t", new Uint8Array([1]));
    await a.close();
    const b = await createMemoryTransport({ store });
    const got = [];
    for await (const m of b.read("t")) got.push([...m.payload]);
    assert.deepEqual(got, [[1]]);
    assert.deepEqual(store.topicNames(), ["t"]);
    await b.close();
  });

  it("failover: the first consumer by name is active; a smaller name takes over queued messages", () =>
    withTransport(async (t) => {
      const b = receiver(await t.subscribe("fo", { subscription: "s", type: "failover", consumerName: "b" }));
      const c = receiver(await t.subscribe("fo", { subscription: "s", type: "failover", consumerName: "c" }));
      await t.publish("fo", bytes("m0"));
      assert.equal(text((await b.take(1, 1000))[0].payload), "m0");
      await t.publish("fo", bytes("m1")); // queued at b, not yet pulled
      const a = receiver(await t.subscribe("fo", { subscription: "s", type: "failover", consumerName: "a" }));
      assert.equal(text((await a.take(1, 1000))[0].payload), "m1");
      assert.equal(await b.next(50), undefined);
      assert.equal(await c.next(50), undefined);
    }));

  it("a consumer mutating its payload changes nothing for other subscriptions or redeliveries", () =>
    withTransport(async (t) => {
      const one = receiver(await t.subscribe("mut", { subscription: "one", type: "shared", nackDelayMs: 0 }));
      const two = receiver(await t.subscribe("mut", { subscription: "two", type: "shared" }));
      await t.publish("mut", bytes("abc"));
      const [m] = await one.take(1, 1000);
      m.payload.fill(0x7a);
      await m.nack();
      assert.equal(text((await one.take(1, 1000))[0].payload), "abc");
      assert.equal(text((await two.take(1, 1000))[0].payload), "abc");
    }));

  it("dead-letters with REAL_TOPIC and ORIGIN_MESSAGE_ID after maxRedeliveries + 1 deliveries", () =>
    withTransport(async (t) => {
      const dlq = receiver(await t.subscribe("in-s-DLQ", { subscription: "d", type: "exclusive" }));
      const r = receiver(await t.subscribe("in", { subscription: "s", type: "shared", maxRedeliveries: 0 }));
      const id = await t.publish("in", bytes("x"), { key: "k", eventTime: 5, properties: { p: "v" } });
      await (await r.take(1, 1000))[0].nack(0);
      const [d] = await dlq.take(1, 1000);
      assert.deepEqual({ ...d.properties }, { p: "v", [REAL_TOPIC]: "in", [ORIGIN_MESSAGE_ID]: id });
      assert.equal(d.key, "k");
      assert.equal(d.eventTime, 5);
      assert.equal((await t.stats("in")).subscriptions.s.backlog, 0);
    }));

  it("nack(delayMs) overrides the subscription's nackDelayMs", () =>
    withTransport(async (t) => {
      const r = receiver(await t.subscribe("nd", { subscription: "s", type: "shared", nackDelayMs: 60_000 }));
      await t.publish("nd", bytes("x"));
      await (await r.take(1, 1000))[0].nack(0);
      const [again] = await r.take(1, 1000);
      const started = Date.now();
      await again.nack(150);
      const [third] = await r.take(1, 2000);
      assert.ok(Date.now() - started >= 140, `redelivered after ${Date.now() - started} ms`);
      assert.equal(third.redeliveryCount, 2);
    }));

  it("frees acknowledged messages: the retained log stays below the slowest cursor", async () => {
    const store = createMemoryStore();
    const t = await createMemoryTransport({ store });
    const sub = await t.subscribe("trim", { subscription: "s", type: "shared", receiverQueueSize: 100 });
    let n = 0;
    const done = (async () => {
      for await (const m of sub) {
        await m.ack();
        if (++n === 10_000) break;
      }
    })();
    for (let i = 0; i < 10_000; i++) await t.publish("trim", bytes(`m${i}`));
    await done;
    const topic = storeState(store).topics.get("trim");
    assert.ok(topic !== undefined);
    assert.ok(topic.nextSeq - firstSeq(topic) < 300, `retained ${topic.nextSeq - firstSeq(topic)}`);
    assert.ok(topic.log.length < 2048, `log array of ${topic.log.length}`);
    await t.close();
  });

  it("retains at most retainWithoutSubscriptions messages on a topic without subscriptions", async () => {
    const t = await createMemoryTransport({ retainWithoutSubscriptions: 10 });
    for (let i = 0; i < 25; i++) await t.publish("cap", bytes(`m${i}`));
    const got: string[] = [];
    for await (const m of t.read("cap")) got.push(text(m.payload));
    assert.deepEqual(got, Array.from({ length: 10 }, (_, i) => `m${i + 15}`));
    assert.equal((await t.stats("cap")).published, 25);
    await t.close();
  });

  it("delivers a burst without a macrotask per message", () =>
    withTransport(async (t) => {
      const sub = await t.subscribe("burst", { subscription: "s", type: "shared" });
      for (let i = 0; i < 500; i++) await t.publish("burst", bytes(`m${i}`));
      let macrotask = false;
      setImmediate(() => (macrotask = true));
      let n = 0;
      for await (const m of sub) {
        await m.ack();
        if (++n === 500) break;
      }
      assert.equal(macrotask, false);
    }));

  it("key_shared: a recently joined consumer waits until earlier in-flight messages are acked", () =>
    withTransport(async (t) => {
      const a = receiver(await t.subscribe("ksj", { subscription: "s", type: "key_shared", consumerName: "a" }));
      for (let i = 0; i < 20; i++) await t.publish("ksj", bytes(`early-${i}`), { key: `k${i}` });
      const early = await a.take(20, 1000);
      const b = receiver(await t.subscribe("ksj", { subscription: "s", type: "key_shared", consumerName: "b" }));
      for (let i = 0; i < 20; i++) await t.publish("ksj", bytes(`late-${i}`), { key: `k${i}` });
      const lateAtA = [];
      for (let m = await a.next(30); m !== undefined; m = await a.next(30)) lateAtA.push(m);
      assert.equal(await b.next(50), undefined, "b received a key while an earlier message of it was in flight");
      await Promise.all(early.map((m) => m.ack()));
      const lateAtB = await b.take(20 - lateAtA.length, 1000);
      assert.ok(lateAtB.length > 0 && lateAtA.length > 0, `split ${lateAtA.length}/${lateAtB.length}`);
    }));

  it("rejects bad arguments with INVALID_ARGUMENT", () =>
    withTransport(async (t) => {
      const bad = code("INVALID_ARGUMENT");
      await assert.rejects(t.publish("", bytes("x")), bad);
      await assert.rejects(t.publish("t", "x" as unknown as Uint8Array), bad);
      await assert.rejects(t.publish("t", bytes("x"), { properties: { n: 1 as unknown as string } }), bad);
      await assert.rejects(t.publish("t", bytes("x"), { eventTime: Number.NaN }), bad);
      await assert.rejects(t.subscribe("t", { subscription: "", type: "shared" }), bad);
      await assert.rejects(t.subscribe("t", { subscription: "s", type: "fanout" as "shared" }), bad);
      await assert.rejects(t.subscribe("t", { subscription: "s", type: "shared", receiverQueueSize: 0 }), bad);
      await assert.rejects(t.subscribe("t", { subscription: "s", type: "shared", maxRedeliveries: -1 }), bad);
      await assert.rejects(createMemoryTransport({ store: createMemoryStore(), sweepTickMs: 5 }), bad);
      const small = await createMemoryTransport({ maxMessageBytes: 4 });
      await assert.rejects(small.publish("t", new Uint8Array(5)), bad);
      await small.close();
    }));

  it("rejects a subscription type mismatch, and unsubscribe while others are connected", () =>
    withTransport(async (t) => {
      const first = await t.subscribe("tm", { subscription: "s", type: "shared" });
      await assert.rejects(t.subscribe("tm", { subscription: "s", type: "failover" }), code("FAILED_PRECONDITION"));
      const second = await t.subscribe("tm", { subscription: "s", type: "shared" });
      await assert.rejects(first.unsubscribe(), code("FAILED_PRECONDITION"));
      await second.close();
      await first.unsubscribe();
      assert.deepEqual((await t.stats("tm")).subscriptions, {});
      await assert.rejects(t.stats("no-such-topic"), code("NOT_FOUND"));
    }));

  it("after close: ack rejects FAILED_PRECONDITION, nack resolves, read() rejects, tailing reads end", async () => {
    const t = await createMemoryTransport();
    const r = receiver(await t.subscribe("ac", { subscription: "s", type: "shared" }));
    await t.publish("ac", bytes("x"));
    const [m] = await r.take(1, 1000);
    const tail = t.read("ac", { untilEnd: false })[Symbol.asyncIterator]();
    assert.equal((await tail.next()).done, false);
    const pending = tail.next();
    await t.close();
    assert.equal((await pending).done, true);
    await assert.rejects(m.ack(), code("FAILED_PRECONDITION"));
    await m.nack();
    await assert.rejects(t.read("ac")[Symbol.asyncIterator]().next(), code("FAILED_PRECONDITION"));
    await assert.rejects(t.subscribe("ac", { subscription: "s", type: "shared" }), code("FAILED_PRECONDITION"));
  });

  it("accepts a Buffer and delivers a plain byte-equal Uint8Array", () =>
    withTransport(async (t) => {
      const r = receiver(await t.subscribe("buf", { subscription: "s", type: "shared" }));
      await t.publish("buf", Buffer.from("héllo"));
      const [m] = await r.take(1, 1000);
      assert.equal(Object.getPrototypeOf(m.payload), Uint8Array.prototype);
      assert.equal(Buffer.from(m.payload.buffer, m.payload.byteOffset, m.payload.byteLength).toString(), "héllo");
    }));
});
