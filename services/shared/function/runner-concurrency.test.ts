/**
 * Concurrency of the function runner on the real memory transport: the in-flight bound, per-key
 * order, subscription types across runners, and stop().
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createMemoryTransport } from "../transport/memory/memory-transport.ts";
import type { SubscriptionType, Transport } from "../transport/transport.ts";
import { createFunctionRunner } from "./runner.ts";
import type { FunctionConfig, FunctionRunner } from "./types.ts";
import { backlog, bytes, gate, jsonCodec, publishMany, quietLogger, settleTurns, waitFor } from "./test-helpers.ts";

interface In {
  n: number;
  k?: string;
}
const codec = jsonCodec<In>();
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

function runnerOn(transport: Transport, cfg: Partial<FunctionConfig<In>> & Pick<FunctionConfig<In>, "name" | "process">): FunctionRunner {
  return createFunctionRunner<In>({ transport, inputs: ["in"], codec, logger: quietLogger, retryBackoffMs: 1, nackDelayMs: 5, ...cfg });
}

/** Counts concurrent process() calls. */
function concurrency() {
  let running = 0;
  let max = 0;
  return {
    enter() {
      running++;
      if (running > max) max = running;
    },
    leave() {
      running--;
    },
    get running() {
      return running;
    },
    get max() {
      return max;
    },
  };
}

describe("function runner: concurrency", () => {
  for (const guarantee of ["at-least-once", "at-most-once"] as const) {
    it(`${guarantee}: never more than maxInFlight process() calls at once; the rest wait in the broker`, async () => {
      const transport = await createMemoryTransport();
      const c = concurrency();
      const release = gate();
      const runner = runnerOn(transport, {
        name: `bounded-${guarantee}`,
        guarantee,
        maxInFlight: 4,
        process: async () => {
          c.enter();
          await release.promise;
          await delay(1);
          c.leave();
        },
      });
      await runner.start();
      await publishMany(transport, "in", Array.from({ length: 40 }, (_, n) => ({ n })), (i) => ({ key: `k${i}` }));
      await waitFor(() => c.running === 4, "4 running");
      await settleTurns(20);
      assert.equal(c.running, 4);
      assert.equal(runner.stats().inFlight, 4);
      assert.ok(runner.stats().received <= 4, "no more taken from the broker than the bound");
      release.open();
      await waitFor(() => runner.stats().processed === 40, "all processed");
      assert.equal(c.max, 4);
      await runner.stop();
      await transport.close();
    });
  }

  it("the in-flight bound holds across several input topics", async () => {
    const transport = await createMemoryTransport();
    const c = concurrency();
    const runner = runnerOn(transport, {
      name: "two-inputs",
      inputs: ["in-a", "in-b"],
      maxInFlight: 3,
      process: async () => {
        c.enter();
        await delay(2);
        c.leave();
      },
    });
    await runner.start();
    await publishMany(transport, "in-a", Array.from({ length: 20 }, (_, n) => ({ n })), (i) => ({ key: `a${i}` }));
    await publishMany(transport, "in-b", Array.from({ length: 20 }, (_, n) => ({ n })), (i) => ({ key: `b${i}` }));
    await waitFor(() => runner.stats().processed === 40, "all processed");
    assert.ok(c.max <= 3, `max concurrency ${c.max} ≤ 3`);
    assert.ok(c.max >= 2, `inputs run concurrently (max ${c.max})`);
    await runner.stop();
    await transport.close();
  });

  it("keeps each key's messages in publish order while different keys run concurrently", async () => {
    const transport = await createMemoryTransport();
    const c = concurrency();
    const perKeyActive = new Map<string, number>();
    const order = new Map<string, number[]>();
    const runner = runnerOn(transport, {
      name: "ordered",
      maxInFlight: 16,
      process: async (input, ctx) => {
        const key = ctx.record.key as string;
        c.enter();
        perKeyActive.set(key, (perKeyActive.get(key) ?? 0) + 1);
        assert.equal(perKeyActive.get(key), 1, `one message of ${key} at a time`);
        await delay(Math.random() * 3);
        (order.get(key) ?? order.set(key, []).get(key))?.push(input.n);
        perKeyActive.set(key, (perKeyActive.get(key) ?? 0) - 1);
        c.leave();
      },
    });
    await runner.start();
    const keys = 20;
    const perKey = 30;
    const values = Array.from({ length: keys * perKey }, (_, i) => ({ n: Math.floor(i / keys), k: `k${i % keys}` }));
    await publishMany(transport, "in", values, (i) => ({ key: values[i].k }));
    await waitFor(() => runner.stats().processed === keys * perKey, "all processed");
    await runner.stop();
    assert.equal(order.size, keys);
    for (const [key, ns] of order) assert.deepEqual(ns, Array.from({ length: perKey }, (_, i) => i), `order of ${key}`);
    assert.ok(c.max > 1, `different keys ran concurrently (max ${c.max})`);
    assert.equal(runner.stats().failed, 0);
    await transport.close();
  });

  async function twoRunners(type: SubscriptionType, messages: number, keys: number) {
    const transport = await createMemoryTransport();
    const byRunner = [new Map<string, number[]>(), new Map<string, number[]>()];
    const runners = [0, 1].map((r) =>
      runnerOn(transport, {
        name: `two-${type}`,
        subscriptionType: type,
        maxInFlight: 4,
        process: async (input, ctx) => {
          await delay(1);
          const key = ctx.record.key ?? "";
          (byRunner[r].get(key) ?? byRunner[r].set(key, []).get(key))?.push(input.n);
        },
      }),
    );
    for (const runner of runners) await runner.start();
    await publishMany(transport, "in", Array.from({ length: messages }, (_, n) => ({ n })), (i) => ({ key: `k${i % keys}` }));
    await waitFor(() => runners[0].stats().processed + runners[1].stats().processed === messages, "all processed");
    return { transport, runners, byRunner };
  }

  it("shared: two runners split the work, each message processed once", async () => {
    const { transport, runners, byRunner } = await twoRunners("shared", 60, 60);
    const all = byRunner.flatMap((m) => [...m.values()].flat()).sort((a, b) => a - b);
    assert.deepEqual(all, Array.from({ length: 60 }, (_, i) => i));
    assert.ok(runners.every((r) => r.stats().processed > 0), "both runners worked");
    for (const r of runners) await r.stop();
    await transport.close();
  });

  it("key_shared: a key stays on one runner, in order; both runners get keys", async () => {
    const { transport, runners, byRunner } = await twoRunners("key_shared", 200, 20);
    for (const [key, ns] of byRunner[0]) assert.ok(!byRunner[1].has(key), `${key} on one runner only`);
    for (const m of byRunner) for (const [key, ns] of m) assert.deepEqual(ns, [...ns].sort((a, b) => a - b), `order of ${key}`);
    assert.ok(byRunner.every((m) => m.size > 0), "both runners got keys");
    for (const r of runners) await r.stop();
    await transport.close();
  });

  it("failover: one runner is active; the other takes over when it stops", async () => {
    const { transport, runners } = await twoRunners("failover", 30, 5);
    const active = runners.findIndex((r) => r.stats().processed === 30);
    assert.ok(active >= 0, "one runner processed everything");
    assert.equal(runners[1 - active].stats().received, 0);
    await runners[active].stop();
    await publishMany(transport, "in", [{ n: 100 }]);
    await waitFor(() => runners[1 - active].stats().processed === 1, "standby took over");
    await runners[1 - active].stop();
    await transport.close();
  });

  it("exclusive: a second runner on the subscription is refused", async () => {
    const transport = await createMemoryTransport();
    const a = runnerOn(transport, { name: "excl", subscriptionType: "exclusive", process: () => {} });
    const b = runnerOn(transport, { name: "excl", subscriptionType: "exclusive", process: () => {} });
    await a.start();
    await assert.rejects(b.start(), { code: "FAILED_PRECONDITION" });
    await transport.publish("in", bytes({ n: 1 }));
    await waitFor(() => a.stats().processed === 1, "the first still consumes");
    await b.stop();
    await a.stop();
    await transport.close();
  });

  it("stop() waits for in-flight messages to finish and be acked; the rest go to the next runner", async () => {
    const transport = await createMemoryTransport();
    const release = gate();
    const c = concurrency();
    const done: number[] = [];
    const first = runnerOn(transport, {
      name: "stopping",
      maxInFlight: 3,
      process: async (input) => {
        c.enter();
        await release.promise;
        done.push(input.n);
        c.leave();
      },
    });
    await first.start();
    await publishMany(transport, "in", Array.from({ length: 10 }, (_, n) => ({ n })));
    await waitFor(() => c.running === 3, "3 in flight");
    let stopped = false;
    const stopping = first.stop().then(() => (stopped = true));
    await settleTurns(20);
    assert.equal(stopped, false, "stop() waits for in-flight messages");
    release.open();
    await stopping;
    assert.equal(done.length, 3);
    assert.equal(first.stats().processed, 3);
    assert.equal(first.stats().inFlight, 0);
    assert.equal((await backlog(transport, "in", "stopping")).backlog, 7, "the 3 were acked before close");
    const second = runnerOn(transport, { name: "stopping", process: (input) => void done.push(input.n) });
    await second.start();
    await waitFor(() => second.stats().processed === 7, "the rest processed by the next runner");
    await second.stop();
    assert.deepEqual([...done].sort((a, b) => a - b), Array.from({ length: 10 }, (_, i) => i), "each exactly once");
    await transport.close();
  });

  it("stop() keeps its in-flight messages: a co-consumer never gets them while they are processed", async () => {
    const transport = await createMemoryTransport();
    const release = gate();
    const processed: string[] = [];
    const slow = runnerOn(transport, {
      name: "handover",
      maxInFlight: 8,
      process: async (input) => {
        await release.promise;
        processed.push(`slow:${input.n}`);
      },
    });
    await slow.start();
    await publishMany(transport, "in", [{ n: 0 }, { n: 1 }]);
    await waitFor(() => slow.stats().inFlight === 2, "2 in flight on the slow runner");
    const fast = runnerOn(transport, { name: "handover", maxInFlight: 8, process: (input) => void processed.push(`fast:${input.n}`) });
    await fast.start();
    const stopping = slow.stop();
    // Messages arriving while the slow runner stops: some are routed to it and must be left unacked.
    await publishMany(transport, "in", [2, 3, 4, 5, 6, 7].map((n) => ({ n })));
    await settleTurns(20);
    release.open();
    await stopping;
    await waitFor(() => processed.length >= 8, "all 8 processed");
    await settleTurns(20);
    await fast.stop();
    const ns = processed.map((p) => Number(p.split(":")[1])).sort((a, b) => a - b);
    assert.deepEqual(ns, [0, 1, 2, 3, 4, 5, 6, 7], `each exactly once: ${processed.join(" ")}`);
    assert.ok(processed.includes("slow:0") && processed.includes("slow:1"));
    await transport.close();
  });

  it("start() and stop() are idempotent, and a stopped runner starts again", async () => {
    const transport = await createMemoryTransport();
    const seen: number[] = [];
    const runner = runnerOn(transport, { name: "restartable", process: (input) => void seen.push(input.n) });
    await Promise.all([runner.start(), runner.start()]);
    assert.equal((await transport.stats("in")).subscriptions.restartable.consumers, 1);
    await transport.publish("in", bytes({ n: 1 }));
    await waitFor(() => seen.length === 1, "first message");
    await Promise.all([runner.stop(), runner.stop()]);
    assert.equal((await transport.stats("in")).subscriptions.restartable.consumers, 0);
    await transport.publish("in", bytes({ n: 2 }));
    await runner.start();
    await waitFor(() => seen.length === 2, "second message after restart");
    assert.deepEqual(seen, [1, 2]);
    await runner.stop();
    await transport.close();
  });
});
