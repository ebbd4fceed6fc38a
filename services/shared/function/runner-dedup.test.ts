/** Effectively-once by event id (dedupByEventId) on the real memory transport. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createMemoryStore, createMemoryTransport } from "../transport/memory/memory-transport.ts";
import type { Transport } from "../transport/transport.ts";
import { SEEN_PREFIX } from "./dedup.ts";
import type { FunctionConfig, FunctionRunner } from "./types.ts";
import { backlog, jsonCodec, onceRunner, publishMany, readTopic, waitFor } from "./test-helpers.ts";

interface In {
  n: number;
  pad?: string;
}
const codec = jsonCodec<In>();
const eventIds = (ids: string[], key: string | undefined = "k") => (i: number) => ({ key, properties: { "event-id": ids[i] } });

function dedupRunner(transport: Transport, calls: string[], extra: Partial<FunctionConfig<In>> = {}): FunctionRunner {
  const process: FunctionConfig<In>["process"] = (input, ctx) => {
    calls.push(ctx.record.properties["event-id"]);
    ctx.state.incr("total", input.n);
  };
  return onceRunner<In>({ name: "once", transport, codec, process, ...extra });
}

const done = (r: FunctionRunner, n: number) => () => r.stats().processed + r.stats().duplicates === n;

describe("function runner: effectively-once by event id", () => {
  it("needs stateful", async () => {
    const transport = await createMemoryTransport();
    assert.throws(() => dedupRunner(transport, [], { stateful: false }), { code: "INVALID_ARGUMENT" });
    await transport.close();
  });

  it("acks an already processed event id without calling process() again", async () => {
    const transport = await createMemoryTransport();
    const calls: string[] = [];
    const runner = dedupRunner(transport, calls);
    await runner.start();
    await publishMany(transport, "in", [{ n: 1 }, { n: 2 }, { n: 1 }, { n: 2 }], eventIds(["e1", "e2", "e1", "e2"]));
    await waitFor(done(runner, 4), "all settled");
    assert.deepEqual(calls, ["e1", "e2"]);
    assert.equal(runner.stats().duplicates, 2);
    assert.equal(runner.state.get("total"), 3, "the aggregate counts each event once");
    assert.deepEqual(await backlog(transport, "in", "once"), { backlog: 0, unacked: 0 });
    await runner.stop();
    await transport.close();
  });

  it("remembers processed ids across a restart (restored from the changelog)", async () => {
    const broker = createMemoryStore();
    const first = await createMemoryTransport({ store: broker });
    const calls: string[] = [];
    const a = dedupRunner(first, calls);
    await a.start();
    await publishMany(first, "in", [{ n: 1 }, { n: 2 }], eventIds(["e1", "e2"]));
    await waitFor(done(a, 2), "first run");
    await a.stop();
    await first.close();
    const second = await createMemoryTransport({ store: broker });
    const b = dedupRunner(second, calls);
    await b.start();
    await publishMany(second, "in", [{ n: 1 }, { n: 3 }, { n: 2 }], eventIds(["e1", "e3", "e2"]));
    await waitFor(done(b, 3), "second run");
    assert.deepEqual(calls, ["e1", "e2", "e3"]);
    assert.equal(b.stats().duplicates, 2);
    assert.equal(b.state.get("total"), 6);
    await b.stop();
    await second.close();
  });

  it("an event whose commit failed is not remembered: its redelivery is processed, also after a restart", async () => {
    const broker = createMemoryStore({ maxMessageBytes: 64 });
    const first = await createMemoryTransport({ store: broker });
    const calls: string[] = [];
    // A value too large for the changelog makes the commit fail after the event-id marker may have
    // been sent: e1 fails on its first delivery only, e2 on every delivery (then dead-lettered).
    const a = dedupRunner(first, calls, {
      maxRetries: 0,
      maxRedeliveries: 1,
      process: (input, ctx) => {
        calls.push(ctx.record.properties["event-id"]);
        const fail = input.n === 2 || ctx.record.redeliveryCount === 0;
        ctx.state.put("last", fail ? "x".repeat(100) : input.n);
      },
    });
    await a.start();
    await publishMany(first, "in", [{ n: 1 }, { n: 2 }], eventIds(["e1", "e2"]));
    await waitFor(() => a.stats().processed === 1 && a.stats().deadLettered === 1, "e1 processed, e2 dead-lettered");
    assert.deepEqual([...calls].sort(), ["e1", "e1", "e2", "e2"], "the redelivery of a failed commit is processed");
    assert.equal(a.stats().duplicates, 0);
    await a.stop();
    await first.close();
    const second = await createMemoryTransport({ store: broker });
    const b = dedupRunner(second, calls);
    await b.start();
    await publishMany(second, "in", [{ n: 1 }, { n: 5 }], eventIds(["e1", "e2"]));
    await waitFor(done(b, 2), "second run");
    assert.equal(b.stats().duplicates, 1, "e1 committed, so remembered");
    assert.deepEqual(calls.slice(4), ["e2"], "e2 never committed, so processed");
    assert.equal(b.state.get("total"), 5);
    await b.stop();
    await second.close();
  });

  it("bounds the remembered ids to dedupWindow; the oldest are deleted with tombstones", async () => {
    const transport = await createMemoryTransport();
    const calls: string[] = [];
    // One message per commit: a batch's own ids are never evicted by the same commit (see maxBatch).
    const runner = dedupRunner(transport, calls, { dedupWindow: 3, maxBatch: 1 });
    await runner.start();
    await publishMany(transport, "in", [1, 1, 1, 1, 1].map((n) => ({ n })), eventIds(["e1", "e2", "e3", "e4", "e5"]));
    await waitFor(done(runner, 5), "5 processed");
    const changelog = await readTopic(transport, "once-state-changelog");
    const seen = changelog.flatMap((m) => (m.key?.startsWith(SEEN_PREFIX) ? [m.key.slice(SEEN_PREFIX.length)] : []));
    assert.deepEqual(seen, ["e3", "e4", "e5"]);
    await publishMany(transport, "in", [{ n: 1 }, { n: 1 }], eventIds(["e1", "e5"]));
    await waitFor(done(runner, 7), "7 settled");
    assert.deepEqual(calls, ["e1", "e2", "e3", "e4", "e5", "e1"], "e1 was forgotten, e5 remembered");
    assert.equal(runner.stats().duplicates, 1);
    await runner.stop();
    await transport.close();
  });

  it("never processes two copies of a keyless event concurrently", async () => {
    const transport = await createMemoryTransport();
    const calls: string[] = [];
    const runner = dedupRunner(transport, calls, {
      process: async (input, ctx) => {
        calls.push(ctx.record.properties["event-id"]);
        await new Promise((r) => setTimeout(r, 5));
        ctx.state.incr("total", input.n);
      },
    });
    await runner.start();
    await publishMany(transport, "in", [{ n: 1 }, { n: 1 }, { n: 2 }], eventIds(["e1", "e1", "e2"], undefined));
    await waitFor(done(runner, 3), "settled");
    assert.deepEqual([...calls].sort(), ["e1", "e2"]);
    assert.equal(runner.state.get("total"), 3);
    await runner.stop();
    await transport.close();
  });

  it("treats an empty event id as none: such messages are all processed", async () => {
    const transport = await createMemoryTransport();
    const calls: string[] = [];
    const runner = dedupRunner(transport, calls);
    await runner.start();
    await publishMany(transport, "in", [{ n: 1 }, { n: 2 }, { n: 3 }], eventIds(["", "", "e1"]));
    await waitFor(done(runner, 3), "settled");
    assert.deepEqual(calls, ["", "", "e1"]);
    assert.equal(runner.stats().duplicates, 0);
    assert.equal(runner.state.get("total"), 6);
    await runner.stop();
    await transport.close();
  });
});
