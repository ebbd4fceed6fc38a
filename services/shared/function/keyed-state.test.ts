/**
 * Keyed state: the store on its own (transactions, commit, compacted changelog, restore) and through
 * the runner (visible within a message, committed only on success, durable across a restart).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createMemoryStore, createMemoryTransport } from "../transport/memory/memory-transport.ts";
import { createStateStore } from "./keyed-state.ts";
import { createFunctionRunner } from "./runner.ts";
import type { FunctionConfig } from "./types.ts";
import { bytes, jsonCodec, publishMany, quietLogger, readTopic, text, waitFor } from "./test-helpers.ts";

interface In {
  n: number;
}
const codec = jsonCodec<In>();

describe("keyed state store", () => {
  it("commitLast: those records are written only after the commit's other records are acked", async () => {
    const inner = await createMemoryTransport();
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const transport = {
      ...inner,
      name: inner.name,
      publish: async (topic: string, payload: Uint8Array, options?: { key?: string }) => {
        order.push(`sent ${options?.key}`);
        if (options?.key === "state") await held; // the broker is slow to ack the state record
        const id = await inner.publish(topic, payload, options);
        order.push(`acked ${options?.key}`);
        return id;
      },
    };
    const store = createStateStore(transport, "s-changelog", { commitLast: (key) => key.startsWith("marker") });
    await store.restore();
    const txn = store.begin();
    txn.put("marker:e1", 1);
    txn.put("state", { n: 1 });
    const committing = store.commit(txn.changes);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(order, ["sent state"], "the marker waits for the state record");
    release();
    await committing;
    assert.deepEqual(order, ["sent state", "acked state", "sent marker:e1", "acked marker:e1"]);
    assert.deepEqual(store.get("state"), { n: 1 });
    await inner.close();
  });

  it("commitLast: a crash after the state records and before the deferred ones loses neither on restore", async () => {
    const inner = await createMemoryTransport();
    let crashed = false;
    const crashing = {
      ...inner,
      name: inner.name,
      publish: (topic: string, payload: Uint8Array, options?: { key?: string }) => {
        if (options?.key?.startsWith("marker")) {
          crashed = true;
          return new Promise<string>(() => {}); // the process dies here: never written
        }
        return inner.publish(topic, payload, options);
      },
    };
    const isMarker = (key: string) => key.startsWith("marker");
    const before = createStateStore(crashing, "s-changelog", { commitLast: isMarker });
    await before.restore();
    const txn = before.begin();
    txn.put("state", { n: 1 });
    txn.put("other", 2);
    txn.put("marker:e1", 1);
    txn.delete("marker:e0");
    void before.commit(txn.changes);
    await waitFor(() => crashed, "the deferred write");
    const after = createStateStore(inner, "s-changelog", { commitLast: isMarker });
    await after.restore();
    assert.deepEqual([after.get("state"), after.get("other"), after.get("marker:e1"), after.has("marker:e0")], [{ n: 1 }, 2, 1, false]);
    await inner.close();
  });

  it("a transaction sees its own writes; the store sees them only after commit", async () => {
    const transport = await createMemoryTransport();
    const store = createStateStore(transport, "s-changelog");
    await store.restore();
    const txn = store.begin();
    txn.put("a", { x: 1 });
    assert.deepEqual(txn.get("a"), { x: 1 });
    assert.equal(txn.incr("c"), 1, "missing counts as 0");
    assert.equal(txn.incr("c", 5), 6);
    txn.put("gone", 1);
    txn.delete("gone");
    assert.equal(txn.get("gone"), undefined);
    assert.equal(store.get("a"), undefined, "not visible before commit");
    txn.close();
    assert.throws(() => txn.put("late", 1), { code: "FAILED_PRECONDITION" });
    await store.commit(txn.changes);
    assert.deepEqual(store.get("a"), { x: 1 });
    assert.equal(store.get("c"), 6);
    assert.equal(store.has("gone"), false);
    const next = store.begin();
    next.put("a", undefined); // JSON has no undefined: a delete
    next.delete("c");
    await store.commit(next.changes);
    assert.equal(store.has("a"), false);
    assert.equal(store.size, 0);
    await transport.close();
  });

  it("writes one changelog record per key, tombstones for deletes; restore rebuilds the state", async () => {
    const broker = createMemoryStore();
    const first = await createMemoryTransport({ store: broker });
    const store = createStateStore(first, "s-changelog");
    await store.restore();
    for (let i = 0; i < 5; i++) {
      const txn = store.begin();
      txn.incr("count");
      txn.put(`k${i}`, { i });
      if (i > 0) txn.delete(`k${i - 1}`);
      await store.commit(txn.changes);
    }
    const raw = await readTopic(first, "s-changelog");
    assert.deepEqual(
      raw.map((m) => [m.key, text(m.payload)]),
      [
        ["count", "5"],
        ["k4", '{"i":4}'],
      ],
      "compacted: latest per key, deleted keys gone",
    );
    await first.close();
    const second = await createMemoryTransport({ store: broker });
    const restored = createStateStore(second, "s-changelog");
    await restored.restore();
    assert.deepEqual([...restored.keys()].sort(), ["count", "k4"]);
    assert.equal(restored.get("count"), 5);
    assert.deepEqual(restored.get("k4"), { i: 4 });
    await second.close();
  });

  it("a failed commit applies nothing and leaves no trace a restore would bring back", async () => {
    const broker = createMemoryStore({ maxMessageBytes: 64 });
    const transport = await createMemoryTransport({ store: broker });
    const store = createStateStore(transport, "s-changelog");
    await store.restore();
    const ok = store.begin();
    ok.put("a", 1);
    await store.commit(ok.changes);
    const txn = store.begin();
    txn.put("a", 2); // sent fine
    txn.put("big", "x".repeat(100)); // rejected: larger than the broker accepts
    await assert.rejects(store.commit(txn.changes), { code: "INVALID_ARGUMENT" });
    assert.equal(store.get("a"), 1);
    assert.equal(store.has("big"), false);
    const restored = createStateStore(transport, "s-changelog");
    await restored.restore();
    assert.equal(restored.get("a"), 1, "the failed commit's write to a was undone in the changelog");
    assert.equal(restored.has("big"), false);
    await transport.close();
  });
});

function statefulConfig(transport: FunctionConfig<In>["transport"], process: FunctionConfig<In>["process"]): FunctionConfig<In> {
  return { name: "counter", transport, inputs: ["in"], codec, process, stateful: true, logger: quietLogger, retryBackoffMs: 1, nackDelayMs: 5 };
}

describe("keyed state through the runner", () => {
  it("writes are visible within the message and committed only when the attempt succeeds", async () => {
    const transport = await createMemoryTransport();
    const observed: unknown[] = [];
    const runner = createFunctionRunner<In>(
      statefulConfig(transport, (_input, ctx) => {
        const attempt = observed.length;
        observed.push([ctx.state.get("x"), ctx.state.get("c")]);
        ctx.state.put("x", `attempt-${attempt}`);
        assert.equal(ctx.state.get("x"), `attempt-${attempt}`);
        ctx.state.incr("c");
        if (attempt === 0) throw new Error("first attempt fails after writing");
      }),
    );
    await runner.start();
    await transport.publish("in", bytes({ n: 1 }));
    await waitFor(() => runner.stats().processed === 1, "processed");
    assert.deepEqual(observed, [
      [undefined, undefined],
      [undefined, undefined],
    ]);
    assert.equal(runner.state.get("x"), "attempt-1");
    assert.equal(runner.state.get("c"), 1);
    await runner.stop();
    await transport.close();
  });

  it("a failed output publish discards the attempt's state writes", async () => {
    const transport = await createMemoryTransport();
    const runner = createFunctionRunner<In>({
      ...statefulConfig(transport, (input, ctx) => {
        ctx.state.incr("c");
        ctx.publish("out", codec, input, { eventTime: ctx.record.redeliveryCount === 0 ? Number.NaN : 1 });
      }),
      maxRetries: 0,
    });
    await runner.start();
    await transport.publish("in", bytes({ n: 1 }));
    await waitFor(() => runner.stats().processed === 1, "processed on redelivery");
    assert.equal(runner.stats().failed, 1);
    assert.equal(runner.state.get("c"), 1, "counted once");
    await runner.stop();
    await transport.close();
  });

  it("is durable through the changelog: a new runner on a new transport restores it", async () => {
    const broker = createMemoryStore();
    const first = await createMemoryTransport({ store: broker });
    const count = (transport: typeof first) =>
      createFunctionRunner<In>(
        statefulConfig(transport, (input, ctx) => {
          const key = ctx.record.key as string;
          ctx.state.incr(key);
          ctx.state.put(`${key}:last`, { n: input.n });
          if (input.n === 3) ctx.state.delete(`${key}:last`);
        }),
      );
    const a = count(first);
    await a.start();
    await publishMany(first, "in", [0, 1, 2, 3, 4, 5].map((n) => ({ n })), (i) => ({ key: i % 2 === 0 ? "even" : "odd" }));
    await waitFor(() => a.stats().processed === 6, "6 processed");
    await a.stop();
    await first.close();

    const second = await createMemoryTransport({ store: broker });
    const b = count(second);
    await b.start();
    assert.equal(b.state.get("even"), 3);
    assert.equal(b.state.get("odd"), 3);
    assert.deepEqual(b.state.get("even:last"), { n: 4 });
    assert.deepEqual(b.state.get("odd:last"), { n: 5 });
    await publishMany(second, "in", [{ n: 3 }], () => ({ key: "odd" }));
    await waitFor(() => b.stats().processed === 1, "processed after restart");
    assert.equal(b.state.get("odd"), 4, "counting continues from the restored value");
    assert.equal(b.state.get("odd:last"), undefined);
    const changelog = await readTopic(second, "counter-state-changelog");
    assert.deepEqual(changelog.map((m) => m.key).sort(), ["even", "even:last", "odd"], "compacted; the delete is a tombstone");
    await b.stop();
    await second.close();
  });

  it("a function that is not stateful reads nothing and cannot write", async () => {
    const transport = await createMemoryTransport();
    const errors: unknown[] = [];
    const runner = createFunctionRunner<In>({
      name: "stateless",
      transport,
      inputs: ["in"],
      codec,
      logger: quietLogger,
      process: (_input, ctx) => {
        assert.equal(ctx.state.get("x"), undefined);
        for (const write of [() => ctx.state.put("x", 1), () => ctx.state.incr("x"), () => ctx.state.delete("x")]) {
          try {
            write();
          } catch (err) {
            errors.push((err as { code?: string }).code);
          }
        }
      },
    });
    await runner.start();
    await transport.publish("in", bytes({ n: 1 }));
    await waitFor(() => runner.stats().processed === 1, "processed");
    assert.deepEqual(errors, ["FAILED_PRECONDITION", "FAILED_PRECONDITION", "FAILED_PRECONDITION"]);
    assert.equal(runner.state.get("x"), undefined);
    await runner.stop();
    await transport.close();
  });
});
