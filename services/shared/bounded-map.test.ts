import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createBoundedMap, createBoundedSet } from "./bounded-map.ts";

describe("bounded map and set", () => {
  it("evicts the oldest live entry, skipping deleted ones, and keeps an updated key's age", () => {
    const m = createBoundedMap<number>(3);
    assert.equal(m.set("a", 1), undefined);
    m.set("b", 2);
    m.set("c", 3);
    m.set("a", 10); // update: still the oldest
    assert.deepEqual(m.set("d", 4), ["a", 10]);
    m.delete("b");
    assert.equal(m.set("e", 5), undefined, "room after the delete");
    assert.deepEqual(m.set("f", 6), ["c", 3]);
    m.delete("d");
    m.set("d", 7); // re-added: now the youngest
    assert.deepEqual(m.set("g", 8), ["e", 5]);
    assert.deepEqual(["d", "f", "g"].map((k) => m.get(k)), [7, 6, 8]);
    assert.equal(m.size, 3);
  });

  it("matches a reference model over a long random workload (compaction included)", () => {
    const cap = 50;
    const m = createBoundedMap<number>(cap);
    const ref: string[] = [];
    let s = 1;
    const r = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    for (let i = 0; i < 20_000; i++) {
      const k = `k${Math.floor(r() * 200)}`;
      if (r() < 0.3) {
        assert.equal(m.delete(k), ref.includes(k));
        if (ref.includes(k)) ref.splice(ref.indexOf(k), 1);
        continue;
      }
      const evicted = m.set(k, i);
      if (!ref.includes(k)) ref.push(k);
      const want = ref.length > cap ? ref.shift() : undefined;
      assert.equal(evicted?.[0], want);
      assert.equal(m.size, ref.length);
    }
  });

  it("bounds a set the same way", () => {
    const s = createBoundedSet(2);
    s.add("a");
    s.add("b");
    assert.equal(s.add("c"), "a");
    assert.equal(s.has("a"), false);
    assert.equal(s.size, 2);
  });
});
