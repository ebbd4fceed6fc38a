/** The event-id window on its own: staging several ids before one commit (a batch), confirm and abort. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createDedupWindow, SEEN_PREFIX } from "./dedup.ts";
import { DELETE } from "./keyed-state.ts";

describe("dedup window", () => {
  it("ids staged together evict the oldest committed ids once each, and never each other", () => {
    const w = createDedupWindow(3);
    for (const id of ["a", "b", "c"]) w.confirm(id, w.stage(id, new Map()));
    const changes = new Map<string, unknown>();
    const staged = ["d", "e"].map((id) => [id, w.stage(id, changes)] as const);
    assert.deepEqual(staged.map(([, evicted]) => evicted), [["a"], ["b"]]);
    assert.equal(changes.get(SEEN_PREFIX + "a"), DELETE);
    assert.equal(changes.get(SEEN_PREFIX + "d"), 1);
    for (const [id, evicted] of staged) w.confirm(id, evicted);
    assert.deepEqual(["a", "b", "c", "d", "e"].map((id) => w.has(id)), [false, false, true, true, true]);
    assert.equal(w.size, 3);
  });

  it("an aborted commit forgets nothing and remembers nothing", () => {
    const w = createDedupWindow(2);
    for (const id of ["a", "b"]) w.confirm(id, w.stage(id, new Map()));
    const evicted = w.stage("c", new Map());
    assert.deepEqual(evicted, ["a"]);
    w.abort("c", evicted);
    assert.deepEqual([w.has("a"), w.has("b"), w.has("c")], [true, true, false]);
    assert.deepEqual(w.stage("c", new Map()), ["a"], "the same id is chosen again");
  });
});
