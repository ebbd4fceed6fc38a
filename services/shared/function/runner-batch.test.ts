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
import type { FunctionConfig, FunctionRunner } from "./types.ts";
import { backlog, gate, jsonCodec, onceRunner, parse, publishMany, readTopic, waitFor } from "./test-helpers.ts";

interface In {
  n: number;
}
const codec = jsonCodec<In>();
const ids = (key: string | undefined = "k") => (i: number) => ({ key, properties: { "event-id": `e${i}` } });
const values = (count: number): In[] => Array.from({ length: count }, (_, i) => ({ n: i }));

/**
 * The runner under test: sums `n` into the state `total` and publishes it to "out", after `fail(n)` had
 * its say. Its first message (n 0) waits for the gate that `feed` opens once all it published are taken,
 * so every message behind the first queues up for one batch.
 */
function summing(transport: Transport, extra: Partial<FunctionConfig<In>> & { fail?: (n: number) => boolean } = {}) {
  const { fail, ...config } = extra;
  const seen: number[] = [];
  const first = gate();
  const runner = onceRunner<In>({
    name: "sum",
    transport,
    codec,
    process: async (input, ctx) => {
      if (input.n === 0) await first.promise;
      seen.push(input.n);
      if (fail?.(input.n) === true) throw new Error("transient");
      ctx.state.incr("total", input.n);
      ctx.publish("out", codec, { n: input.n }, { key: ctx.record.key });
    },
    ...config,
  });
  const feed = async (inputs: In[], options = ids()): Promise<void> => {
    await runner.start();
    await publishMany(transport, "in", inputs, options);
    await waitFor(() => runner.stats().inFlight === inputs.length, `all ${inputs.length} taken`);
    first.open();
  };
  return { runner, seen, feed };
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
    const { runner, seen, feed } = summing(transport);
    await feed(values(50));
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
      const { runner, feed } = summing(transport, { maxBatch });
      await feed(values(50));
      await waitFor(settled(runner, 50), "all processed");
      assert.equal(runner.state.get("total"), sumTo(50));
      assert.equal(count(), commits, `maxBatch ${maxBatch}`);
      await runner.stop();
      await inner.close();
    }
    const transport = await createMemoryTransport();
    assert.throws(() => summing(transport, { maxBatch: 0 }), { code: "INVALID_ARGUMENT" });
    await transport.close();
  });

  it("a duplicate event id inside one batch is processed once", async () => {
    const transport = await createMemoryTransport();
    const { runner, seen, feed } = summing(transport);
    await feed([{ n: 0 }, { n: 1 }, { n: 2 }, { n: 1 }, { n: 3 }], (i) => ({ key: "k", properties: { "event-id": ["a", "b", "c", "b", "d"][i] } }));
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
    let failures = 0;
    const { runner, feed } = summing(transport, { maxRetries: 0, fail: (n) => n === 7 && failures++ < 2 });
    await feed(values(20));
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
    const { runner, seen, feed } = summing(transport);
    await feed(values(10));
    await waitFor(settled(runner, 10), "all processed");
    assert.equal(runner.state.get("total"), sumTo(10));
    assert.equal(runner.stats().processed, 10);
    assert.deepEqual(seen, [0, ...values(10).map((v) => v.n).slice(1), ...values(10).map((v) => v.n).slice(1)], "the batch, then its messages one by one");
    await runner.stop();
    await inner.close();
  });
});
