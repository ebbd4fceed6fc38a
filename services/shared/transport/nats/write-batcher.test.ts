import assert from "node:assert/strict";
import { test } from "node:test";
import { createWriteBatcher } from "./write-batcher.ts";

test("deferred writes run together, in order, in one later turn of the event loop", async () => {
  const b = createWriteBatcher();
  const ran: string[] = [];
  b.defer(() => ran.push("a"));
  await Promise.resolve(); // a microtask later: still waiting for the turn
  b.defer(() => ran.push("b"));
  assert.equal(ran.length, 0);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(ran, ["a", "b"]);
  b.defer(() => ran.push("c"));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(ran, ["a", "b", "c"]);
});

test("flush runs the pending writes at once, and only once", async () => {
  const b = createWriteBatcher();
  const ran: string[] = [];
  b.defer(() => ran.push("a"));
  b.flush();
  assert.deepEqual(ran, ["a"]);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(ran, ["a"]);
});
