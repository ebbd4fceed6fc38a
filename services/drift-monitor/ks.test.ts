import { test } from "node:test";
import assert from "node:assert/strict";
import { ksCritical, ksStatistic } from "./ks.ts";

test("identical samples have KS 0, disjoint ones 1", () => {
  assert.equal(ksStatistic([1, 2, 3], [1, 2, 3]), 0);
  assert.equal(ksStatistic([1, 2, 3], [10, 11]), 1);
});

test("KS matches a hand-computed value and scipy's ks_2samp statistic", () => {
  // scipy.stats.ks_2samp([1,2,3,4], [3,4,5,6]).statistic == 0.5
  assert.equal(ksStatistic([1, 2, 3, 4], [3, 4, 5, 6]), 0.5);
});

test("the critical value shrinks with sample size", () => {
  assert.ok(ksCritical(1000, 1000) < ksCritical(100, 100));
  assert.ok(Math.abs(ksCritical(1000, 1000, 0.05) - 0.0607) < 1e-3);
});
