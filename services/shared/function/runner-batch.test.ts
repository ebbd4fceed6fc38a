/**
 * Group commit (runner.ts `runBatch`): messages of one key that queued behind its message in flight run
 * as one batch, on the real memory transport. Checks that batches form, that they commit each key once,
 * and that a failure anywhere in a batch leaves exactly-once effects (it falls back to one by one).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createMemoryTransport } from "../transport/memory/memory-transport.ts";
import type { Transport } from "../transport/transport.ts";
import { SEEN_PREFIX } from "./dedup.ts";
import { createFunctionRunner } from "./runner.ts";
import type { FunctionConfig, FunctionRunner } from "./types.ts";
import { backlog, gate, jsonCodec, parse, publishMany, quietLogger, readTopic, waitFor } from "./test-helpers.ts";

interface In {
  n: number;
}
const codec = jsonCodec<In>();
const ids = (key: string | undefined = "k") => (i: number) => ({ key, properties: { "event-id": `e${i}` } });
const values = (count: number): In[] => Array.from({ length: count }, (_, i) => ({ n: i }));

function summing(transport: Transport, seen: number[], extra: Partial<FunctionConfig<In>> = {}): FunctionRunner {
  return createFunctionRunner<In>({
    name: "sum",
    transport,
    inputs: ["in"],
    codec,
    stateful: true,
    dedupByEventId: true,
    logger: quietLogger,
    retryBackoffMs: 1,
    nackDelayMs: 5,
    process: (input, ctx) => {
      seen.push(input.n);
      ctx.state.incr("total", input.n);
      ctx.publish("out", codec, { n: input.n }, { key: ctx.record.key });
    },
    ...extra,
  });
}

/** The real transport, counting the changelog records written for the key `total` (the topic is compacted). */
function countingCommits(inner: Transport): { transport: Transport; commits: () => number } {
  let commits = 0;
  const transport: Transport = {
    ...inner,
    name: inner.name,
    publish: (topic, payload, options) => {
      if (topic === "sum-state-changelog" && options?.key === "total") commits++;
      return inner.publish(topic, payload, options);
    },
  };
  return { transport, commits: () => commits };
}

const settled = (r: FunctionRunner, n: number) => () => r.stats().processed + r.stats().duplicates >= n;
const sumTo = (count: number) => (count * (count - 1)) / 2;

describe("function runner: batches of one key (group commit)", () => {
  it("processes a key's backlog in order, commits the key far fewer times than messages, acks all", async () => {
    const inner = await createMemoryTransport();
    const { transport, commits } = countingCommits(inner);
    const seen: number[] = [];
    const first = gate();
    const runner = summing(transport, seen, {
      process: async (input, ctx) => {
        if (input.n === 0) await first.promise; // everything else queues behind the first message
        seen.push(input.n);
        ctx.state.incr("total", input.n);
        ctx.publish("out", codec, { n: input.n }, { key: ctx.record.key });
      },
    });
    await runner.start();
    await publishMany(transport, "in", values(50), ids());
    await waitFor(() => runner.stats().inFlight === 50, "all 50 taken");
    first.open();
    await waitFor(settled(runner, 50), "all processed");
    assert.deepEqual(seen, values(50).map((v) => v.n), "per-key order");
    assert.equal(runner.state.get("total"), sumTo(50));
    assert.deepEqual((await readTopic(transport, "out")).map((m) => parse<In>(m.payload).n), values(50).map((v) => v.n), "outputs in order");
    assert.equal(commits(), 2, "the first message alone, then the 49 behind it in one commit");
    assert.deepEqual(await backlog(transport, "in", "sum"), { backlog: 0, unacked: 0 });
    await runner.stop();
    await inner.close();
  });

  it("maxBatch bounds a batch; maxBatch 1 commits every message", async () => {
    for (const [maxBatch, commits] of [[10, 1 + 5], [1, 50]] as const) {
      const inner = await createMemoryTransport();
      const { transport, commits: count } = countingCommits(inner);
      const first = gate();
      const runner = summing(transport, [], {
        maxBatch,
        process: async (input, ctx) => {
          if (input.n === 0) await first.promise;
          ctx.state.incr("total", input.n);
        },
      });
      await runner.start();
      await publishMany(transport, "in", values(50), ids());
      await waitFor(() => runner.stats().inFlight === 50, "all 50 taken");
      first.open();
      await waitFor(settled(runner, 50), "all processed");
      assert.equal(runner.state.get("total"), sumTo(50));
      assert.equal(count(), commits, `maxBatch ${maxBatch}`);
      await runner.stop();
      await inner.close();
    }
    const transport = await createMemoryTransport();
    assert.throws(() => summing(transport, [], { maxBatch: 0 }), { code: "INVALID_ARGUMENT" });
    await transport.close();
  });

  it("a duplicate event id inside one batch is processed once", async () => {
    const transport = await createMemoryTransport();
    const seen: number[] = [];
    const first = gate();
    const runner = summing(transport, seen, {
      process: async (input, ctx) => {
        if (input.n === 0) await first.promise;
        seen.push(input.n);
        ctx.state.incr("total", input.n);
      },
    });
    await runner.start();
    await publishMany(transport, "in", [{ n: 0 }, { n: 1 }, { n: 2 }, { n: 1 }, { n: 3 }], (i) => ({ key: "k", properties: { "event-id": ["a", "b", "c", "b", "d"][i] } }));
    await waitFor(() => runner.stats().inFlight === 5, "all taken");
    first.open();
    await waitFor(settled(runner, 5), "all settled");
    assert.deepEqual(seen, [0, 1, 2, 3]);
    assert.equal(runner.stats().duplicates, 1);
    assert.equal(runner.state.get("total"), 6);
    assert.ok(runner.state.get(SEEN_PREFIX + "d") !== undefined, "event ids committed with the batch");
    await runner.stop();
    await transport.close();
  });

  it("process() failing inside a batch: the batch runs again one by one, every event counted once", async () => {
    const transport = await createMemoryTransport();
    const seen: number[] = [];
    const first = gate();
    let failures = 0;
    const runner = summing(transport, seen, {
      maxRetries: 0,
      process: async (input, ctx) => {
        if (input.n === 0) await first.promise;
        seen.push(input.n);
        if (input.n === 7 && failures++ < 2) throw new Error("transient");
        ctx.state.incr("total", input.n);
        ctx.publish("out", codec, { n: input.n });
      },
    });
    await runner.start();
    await publishMany(transport, "in", values(20), ids());
    await waitFor(() => runner.stats().inFlight === 20, "all taken");
    first.open();
    await waitFor(() => runner.state.get("total") === sumTo(20) && runner.stats().inFlight === 0, "every event counted");
    assert.equal(failures, 3, "failed in the batch, again alone (nacked), then redelivered and processed");
    assert.equal(runner.state.get("total"), sumTo(20), "no event counted twice");
    const outs = (await readTopic(transport, "out")).map((m) => parse<In>(m.payload).n);
    assert.deepEqual([...new Set(outs)].sort((a, b) => a - b), values(20).map((v) => v.n), "every event's output published (some twice: at-least-once)");
    assert.deepEqual(await backlog(transport, "in", "sum"), { backlog: 0, unacked: 0 });
    await runner.stop();
    await transport.close();
  });

  it("a publish failing inside a batch: nothing committed by the batch, then each message alone", async () => {
    const inner = await createMemoryTransport();
    let failOnce = true;
    const transport: Transport = {
      ...inner,
      name: inner.name,
      publish: (topic, payload, options) => {
        if (topic === "out" && parse<In>(payload).n === 5 && failOnce) {
          failOnce = false;
          return Promise.reject(new Error("broker refused"));
        }
        return inner.publish(topic, payload, options);
      },
    };
    const seen: number[] = [];
    const first = gate();
    const runner = summing(transport, seen, {
      process: async (input, ctx) => {
        if (input.n === 0) await first.promise;
        seen.push(input.n);
        ctx.state.incr("total", input.n);
        ctx.publish("out", codec, { n: input.n });
      },
    });
    await runner.start();
    await publishMany(inner, "in", values(10), ids());
    await waitFor(() => runner.stats().inFlight === 10, "all taken");
    first.open();
    await waitFor(settled(runner, 10), "all processed");
    assert.equal(runner.state.get("total"), sumTo(10));
    assert.equal(runner.stats().processed, 10);
    assert.deepEqual(seen, [0, ...values(10).map((v) => v.n).slice(1), ...values(10).map((v) => v.n).slice(1)], "the batch, then its messages one by one");
    await runner.stop();
    await inner.close();
  });
});
