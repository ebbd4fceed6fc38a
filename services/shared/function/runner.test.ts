/**
 * Delivery semantics of the function runner on the real memory transport: publish-before-ack,
 * at-most-once, retries with backoff, nack → redelivery → dead-letter topic.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createMemoryStore, createMemoryTransport } from "../transport/memory/memory-transport.ts";
import { createFunctionRunner } from "./runner.ts";
import {
  backlog,
  bytes,
  gate,
  jsonCodec,
  parse,
  publishMany,
  quietLogger,
  readTopic,
  recordingTransport,
  waitFor,
  type TraceEvent,
} from "./test-helpers.ts";

interface In {
  n: number;
}
const codec = jsonCodec<In>();
const base = { codec, logger: quietLogger, retryBackoffMs: 1, nackDelayMs: 5 } as const;

describe("function runner: delivery", () => {
  it("at-least-once: every output is acked by the broker before the input is acked", async () => {
    const inner = await createMemoryTransport();
    const trace: TraceEvent[] = [];
    const runner = createFunctionRunner<In>({
      ...base,
      name: "fan",
      transport: recordingTransport(inner, trace),
      inputs: ["in"],
      process: async (input, ctx) => {
        await new Promise((r) => setTimeout(r, input.n % 3));
        ctx.publish("out-a", codec, { n: input.n });
        ctx.publish("out-b", codec, { n: input.n });
      },
    });
    await runner.start();
    await publishMany(inner, "in", [0, 1, 2, 3, 4, 5].map((n) => ({ n })));
    await waitFor(() => runner.stats().processed === 6, "6 processed");
    await runner.stop();
    const ins = await readTopic(inner, "in");
    for (const msg of ins) {
      const n = parse<In>(msg.payload).n;
      const ack = trace.findIndex((e) => e.kind === "ack" && e.messageId === msg.messageId);
      const outs = trace.flatMap((e, i) => (e.kind === "publish" && parse<In>(bytes(JSON.parse(e.payload))).n === n ? [i] : []));
      assert.ok(ack >= 0, `input ${n} acked`);
      assert.equal(outs.length, 2, `input ${n}: two outputs`);
      for (const i of outs) assert.ok(i < ack, `input ${n}: output published at ${i}, before the ack at ${ack}`);
    }
    assert.deepEqual((await backlog(inner, "in", "fan")).backlog, 0);
    await inner.close();
  });

  it("at-least-once: a rejected publish leaves the input unacked; it is redelivered and then acked", async () => {
    const inner = await createMemoryTransport();
    const trace: TraceEvent[] = [];
    const seen: number[] = [];
    const runner = createFunctionRunner<In>({
      ...base,
      name: "rejecting",
      transport: recordingTransport(inner, trace),
      inputs: ["in"],
      maxRetries: 0,
      process: (input, ctx) => {
        seen.push(ctx.record.redeliveryCount);
        ctx.publish("out", codec, { n: input.n });
        // The broker rejects a non-finite event time: the second output fails on the first delivery.
        ctx.publish("out", codec, { n: -1 }, { eventTime: ctx.record.redeliveryCount === 0 ? Number.NaN : 1 });
      },
    });
    await runner.start();
    await inner.publish("in", bytes({ n: 7 }));
    await waitFor(() => runner.stats().processed === 1, "processed after redelivery");
    await runner.stop();
    assert.deepEqual(seen, [0, 1]);
    const settled = trace.filter((e) => e.kind !== "publish").map((e) => e.kind);
    assert.deepEqual(settled, ["nack", "ack"], "not acked after the failed publish");
    assert.equal(runner.stats().failed, 1);
    assert.equal((await backlog(inner, "in", "rejecting")).backlog, 0);
    await inner.close();
  });

  it("at-least-once: a transport closed mid-process acks nothing; the next runner gets the message", async () => {
    const store = createMemoryStore();
    const first = await createMemoryTransport({ store });
    const release = gate();
    let entered = false;
    const runnerA = createFunctionRunner<In>({
      ...base,
      name: "closing",
      transport: first,
      inputs: ["in"],
      maxRetries: 1,
      process: async (input, ctx) => {
        entered = true;
        await release.promise;
        ctx.publish("out", codec, { n: input.n });
      },
    });
    await runnerA.start();
    await first.publish("in", bytes({ n: 1 }));
    await waitFor(() => entered, "process entered");
    await first.close();
    release.open();
    await waitFor(() => runnerA.stats().failed === 1, "delivery failed");
    await runnerA.stop();
    assert.equal(runnerA.stats().processed, 0);

    const second = await createMemoryTransport({ store });
    const redeliveries: number[] = [];
    const runnerB = createFunctionRunner<In>({
      ...base,
      name: "closing",
      transport: second,
      inputs: ["in"],
      process: (input, ctx) => {
        redeliveries.push(ctx.record.redeliveryCount);
        ctx.publish("out", codec, { n: input.n });
      },
    });
    await runnerB.start();
    await waitFor(() => runnerB.stats().processed === 1, "redelivered and processed");
    await runnerB.stop();
    assert.deepEqual(redeliveries, [1]);
    assert.deepEqual((await readTopic(second, "out")).map((m) => parse<In>(m.payload).n), [1]);
    assert.equal((await backlog(second, "in", "closing")).backlog, 0);
    await second.close();
  });

  it("at-most-once: the input is acked before process(); a failure loses it (failed, never redelivered)", async () => {
    const inner = await createMemoryTransport();
    const trace: TraceEvent[] = [];
    let calls = 0;
    const runner = createFunctionRunner<In>({
      ...base,
      name: "amo",
      transport: recordingTransport(inner, trace),
      inputs: ["in"],
      guarantee: "at-most-once",
      maxRetries: 3,
      process: (input, ctx) => {
        calls++;
        trace.push({ kind: "mark", label: ctx.record.messageId });
        // An output that the broker rejects: after an output may be out, at-most-once never retries.
        ctx.publish("out", codec, { n: input.n }, { eventTime: Number.NaN });
      },
    });
    await runner.start();
    await publishMany(inner, "in", [{ n: 1 }, { n: 2 }]);
    await waitFor(() => runner.stats().failed === 2, "both failed");
    assert.equal(calls, 2, "no retry once publishing started");
    for (const msg of await readTopic(inner, "in")) {
      const ack = trace.findIndex((e) => e.kind === "ack" && e.messageId === msg.messageId);
      const processed = trace.findIndex((e) => e.kind === "mark" && e.label === msg.messageId);
      assert.ok(ack >= 0 && ack < processed, "acked before process() ran");
    }
    assert.equal(trace.filter((e) => e.kind === "nack").length, 0);
    assert.deepEqual(await backlog(inner, "in", "amo"), { backlog: 0, unacked: 0 }, "nothing left to redeliver");
    assert.equal(runner.stats().received, 2, "no redelivery");
    await runner.stop();
    await inner.close();
  });

  it("at-most-once: a throwing process() is retried in-process (nothing was published), then lost", async () => {
    const transport = await createMemoryTransport();
    let calls = 0;
    const runner = createFunctionRunner<In>({
      ...base,
      name: "amo-throw",
      transport,
      inputs: ["in"],
      guarantee: "at-most-once",
      maxRetries: 2,
      process: () => {
        calls++;
        throw new Error("boom");
      },
    });
    await runner.start();
    await transport.publish("in", bytes({ n: 1 }));
    await waitFor(() => runner.stats().failed === 1, "failed");
    assert.equal(calls, 3);
    assert.deepEqual(await backlog(transport, "in", "amo-throw"), { backlog: 0, unacked: 0 });
    await runner.stop();
    assert.equal(runner.stats().received, 1);
    await transport.close();
  });

  it("retries with exponential backoff, nacks, is redelivered with redeliveryCount+1, then dead-lettered", async () => {
    const transport = await createMemoryTransport();
    const attempts: { rc: number; at: number }[] = [];
    const runner = createFunctionRunner<In>({
      ...base,
      name: "flaky",
      transport,
      inputs: ["in"],
      maxRetries: 2,
      retryBackoffMs: 10,
      maxRedeliveries: 2,
      process: (_input, ctx) => {
        attempts.push({ rc: ctx.record.redeliveryCount, at: performance.now() });
        throw new Error("always");
      },
    });
    await runner.start();
    const id = await transport.publish("in", bytes({ n: 9 }), { key: "k1", properties: { "event-id": "e9", custom: "x" }, eventTime: 1234 });
    await waitFor(() => runner.stats().deadLettered === 1, "dead-lettered");
    const dlq = await readTopic(transport, "in-flaky-DLQ");
    await runner.stop();
    assert.deepEqual(attempts.map((a) => a.rc), [0, 0, 0, 1, 1, 1, 2, 2, 2]);
    for (let d = 0; d < 3; d++) {
      const [a, b, c] = attempts.slice(d * 3, d * 3 + 3);
      assert.ok(b.at - a.at >= 9, `first backoff ≥ 10 ms (was ${b.at - a.at})`);
      assert.ok(c.at - b.at >= 19, `second backoff ≥ 20 ms (was ${c.at - b.at})`);
    }
    assert.equal(dlq.length, 1);
    assert.equal(dlq[0].key, "k1");
    assert.equal(dlq[0].eventTime, 1234);
    assert.deepEqual(parse<In>(dlq[0].payload), { n: 9 });
    assert.equal(dlq[0].properties["event-id"], "e9");
    assert.equal(dlq[0].properties.custom, "x");
    assert.equal(dlq[0].properties.REAL_TOPIC, "in");
    assert.equal(dlq[0].properties.ORIGIN_MESSAGE_ID, id);
    const stats = runner.stats();
    assert.deepEqual([stats.received, stats.retried, stats.failed, stats.processed], [3, 6, 3, 0]);
    assert.equal((await backlog(transport, "in", "flaky")).backlog, 0);
    await transport.close();
  });

});
