import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { addEvent, aggregate, previousTime, type EntityWindowState } from "./windows.ts";

const H = 3_600_000;
const D = 24 * H;

/** Builds a state from (time, value) pairs fed in the given order. */
function feed(events: [number, number][], horizon = 7 * D): EntityWindowState {
  let s: EntityWindowState | undefined;
  for (const [t, x] of events) s = addEvent(s, t, [x], horizon);
  return s!;
}

describe("windows: pandas rolling('<w>') semantics", () => {
  it("covers (t - w, t]: the current event is in, an event exactly w earlier is out", () => {
    const s = feed([[0, 10], [1 * H, 20], [24 * H, 30]]);
    // At t = 24h the 1-day window is (0, 24h]: the event at 0 is out, 1h and 24h are in.
    const a = aggregate(s, 0, 24 * H, D);
    assert.equal(a.count, 2);
    assert.equal(a.sum, 50);
    assert.equal(a.mean, 25);
    // One millisecond earlier, (−1ms, 24h−1ms] holds 0 and 1h.
    assert.deepEqual(aggregate(s, 0, 24 * H - 1, D).count, 2);
    assert.equal(aggregate(s, 0, 24 * H - 1, D).sum, 30);
  });

  it("computes count/sum/mean/std (sample, ddof=1)/min/max exactly on a hand example", () => {
    // values 2, 4, 4, 4, 5, 5, 7, 9: mean 5, squared deviations sum 32, sample var 32/7.
    const s = feed([2, 4, 4, 4, 5, 5, 7, 9].map((x, i) => [i * 1000, x]));
    const a = aggregate(s, 0, 7000, D);
    assert.deepEqual({ ...a, std: undefined }, { count: 8, sum: 40, mean: 5, std: undefined, min: 2, max: 9 });
    assert.ok(Math.abs(a.std - Math.sqrt(32 / 7)) < 1e-12);
    // A sub-window: (2500, 7000] holds 4, 5, 5, 7, 9 → mean 6, sample var (4+1+1+1+9)/4 = 4.
    const b = aggregate(s, 0, 7000, 4500);
    assert.deepEqual(b, { count: 5, sum: 30, mean: 6, std: 2, min: 4, max: 9 });
  });

  it("is stable for large values with a small spread (no sum-of-squares cancellation)", () => {
    const s = feed([1e9 + 1, 1e9 + 2, 1e9 + 3].map((x, i) => [i, x]));
    assert.equal(aggregate(s, 0, 2, D).std, 1);
  });

  it("gives one event a std of 0 and an empty window 0 everywhere", () => {
    const s = feed([[0, 42]]);
    assert.deepEqual(aggregate(s, 0, 0, D), { count: 1, sum: 42, mean: 42, std: 0, min: 42, max: 42 });
    assert.deepEqual(aggregate(s, 0, 2 * D, D), { count: 0, sum: 0, mean: 0, std: 0, min: 0, max: 0 });
    assert.deepEqual(aggregate(s, 0, -1, D), { count: 0, sum: 0, mean: 0, std: 0, min: 0, max: 0 });
  });

  it("inserts a late event in place and counts it only from its own time on", () => {
    const s = feed([[0, 1], [2 * H, 3], [1 * H, 2]]);
    assert.deepEqual(s.t, [0, 1 * H, 2 * H]);
    assert.deepEqual(s.v, [[1, 2, 3]]);
    assert.equal(s.last, 2 * H);
    // As of the late event's time, the later event (2h) is not in its window.
    assert.deepEqual(aggregate(s, 0, 1 * H, D), { count: 2, sum: 3, mean: 1.5, std: Math.SQRT1_2, min: 1, max: 2 });
    assert.equal(aggregate(s, 0, 2 * H, D).count, 3);
  });

  it("places an event with a tied time after the earlier arrivals (pandas row order)", () => {
    const s = feed([[0, 1], [H, 2], [H, 3], [0, 4]]);
    assert.deepEqual(s.t, [0, 0, H, H]);
    assert.deepEqual(s.v, [[1, 4, 2, 3]]);
  });

  it("prunes what no window needs: events at or before newest - horizon", () => {
    const s = feed([[0, 1], [D, 2], [2 * D, 3], [3 * D, 4]], 2 * D);
    assert.deepEqual(s.t, [2 * D, 3 * D]);
    assert.deepEqual(s.v, [[3, 4]]);
    // A late event older than the horizon still gets its own aggregate, then goes at the next prune.
    const late = addEvent(s, 0, [9], 2 * D);
    assert.equal(late.t[0], 0);
    assert.equal(addEvent(late, 3 * D + 1, [5], 2 * D).t[0], 2 * D);
  });

  it("does not modify the previous state", () => {
    const s = feed([[0, 1], [H, 2]]);
    const copy = structuredClone(s);
    addEvent(s, 30 * D, [3], D);
    addEvent(s, H / 2, [3], D);
    assert.deepEqual(s, copy);
  });

  it("skips missing values (NaN, or null after a JSON round trip) but keeps their times", () => {
    const s = addEvent(addEvent(feed([[0, 1]]), 1, [Number.NaN], D), 2, [3], D);
    const restored = JSON.parse(JSON.stringify(s)) as EntityWindowState;
    assert.equal(restored.v[0][1], null);
    for (const st of [s, restored]) assert.deepEqual(aggregate(st, 0, 2, D), { count: 2, sum: 4, mean: 2, std: Math.SQRT2, min: 1, max: 3 });
  });

  it("keeps one column per aggregated field", () => {
    let s: EntityWindowState | undefined;
    s = addEvent(s, 0, [1, 10], D);
    s = addEvent(s, 1, [2, 20], D);
    assert.equal(aggregate(s, 0, 1, D).sum, 3);
    assert.equal(aggregate(s, 1, 1, D).sum, 30);
  });

  it("finds the previous event time at or before a time", () => {
    const s = feed([[0, 1], [H, 2]]);
    assert.equal(previousTime(s, H - 1), 0);
    assert.equal(previousTime(s, H), H);
    assert.equal(previousTime(s, -1), undefined);
    assert.equal(previousTime(undefined, 0), undefined);
  });
});
