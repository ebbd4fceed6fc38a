import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Classifier, EstimatorJSON, Features } from "../base.ts";
import { describeClassifierContract } from "../checks/classifier.contract.ts";
import { estimatorFromJSON } from "../registry.ts";
import { HoeffdingTreeClassifier } from "./hoeffding-tree-classifier.ts";

/** A seeded stream: class = x0 > 0.5 (with 5% label noise), plus a noise feature. */
function stream(n: number, seed = 1): { x: Features; y: boolean }[] {
  let s = seed;
  const r = () => ((s = (s * 16807) % 2147483647) - 1) / 2147483646;
  return Array.from({ length: n }, () => {
    const x = { x0: r(), x1: r() };
    return { x, y: r() < 0.05 ? x.x0 <= 0.5 : x.x0 > 0.5 };
  });
}

function accuracy(m: Classifier, data: { x: Features; y: boolean }[]): number {
  return data.filter(({ x, y }) => m.predictOne(x) === y).length / data.length;
}

describeClassifierContract("HoeffdingTreeClassifier", { create: () => new HoeffdingTreeClassifier() });
describeClassifierContract("HoeffdingTreeClassifier(gracePeriod=20, string labels)", {
  create: () => new HoeffdingTreeClassifier({ gracePeriod: 20 }),
  labels: ["no", "yes"],
});
describeClassifierContract("HoeffdingTreeClassifier(mc, gini)", {
  create: () => new HoeffdingTreeClassifier({ gracePeriod: 20, leafPrediction: "mc", splitCriterion: "gini" }),
});

describe("HoeffdingTreeClassifier", () => {
  it("has River 0.19's defaults", () => {
    const p = new HoeffdingTreeClassifier().params;
    assert.equal(p.gracePeriod, 200);
    assert.equal(p.delta, 1e-7);
    assert.equal(p.tau, 0.05);
    assert.equal(p.splitCriterion, "info_gain");
    assert.equal(p.leafPrediction, "nba");
    assert.equal(p.nbThreshold, 0);
    assert.equal(p.maxDepth, null);
    assert.equal(p.nSplits, 10);
    assert.equal(p.meritPreprune, true);
  });

  it("predicts nothing before learning, as River", () => {
    const m = new HoeffdingTreeClassifier();
    assert.equal(m.predictProbaOne({ a: 1 }).size, 0);
    assert.equal(m.predictOne({ a: 1 }), undefined);
  });

  it("lists classes in sorted order with probabilities summing to 1", () => {
    const m = new HoeffdingTreeClassifier();
    m.learnOne({ a: 1 }, true);
    m.learnOne({ a: 0 }, false);
    const p = m.predictProbaOne({ a: 1 });
    assert.deepEqual([...p.keys()], [false, true]);
    assert.ok(Math.abs([...p.values()].reduce((s, v) => s + v, 0) - 1) < 1e-12);
  });

  it("splits on the informative feature and learns the concept", () => {
    const m = new HoeffdingTreeClassifier({ gracePeriod: 50 });
    for (const { x, y } of stream(3000)) m.learnOne(x, y);
    assert.ok(m.size.branches >= 1);
    const json = m.toJSON() as EstimatorJSON & { state: { root: { feature?: string } } };
    assert.equal(json.state.root.feature, "x0");
    assert.ok(accuracy(m, stream(1000, 99)) > 0.9);
  });

  it("handles multi-class string labels", () => {
    const m = new HoeffdingTreeClassifier({ gracePeriod: 30 });
    const label = (v: number) => (v < 0.33 ? "low" : v < 0.66 ? "mid" : "high");
    for (const { x } of stream(3000, 5)) m.learnOne(x, label(x.x0!));
    assert.deepEqual([...m.predictProbaOne({ x0: 0.1, x1: 0.5 }).keys()], ["high", "low", "mid"]);
    assert.equal(m.predictOne({ x0: 0.1, x1: 0.5 }), "low");
    assert.equal(m.predictOne({ x0: 0.9, x1: 0.5 }), "high");
  });

  it("respects maxDepth", () => {
    const m = new HoeffdingTreeClassifier({ gracePeriod: 20, maxDepth: 1 });
    for (const { x, y } of stream(5000, 3)) m.learnOne(x, y);
    assert.ok(m.size.depth <= 1);
  });

  it("routes samples missing the split feature down the most common path", () => {
    const m = new HoeffdingTreeClassifier({ gracePeriod: 50 });
    for (const { x, y } of stream(2000)) m.learnOne(x, y);
    assert.ok(m.size.branches >= 1);
    assert.notEqual(m.predictOne({ x1: 0.3 }), undefined);
    m.learnOne({ x1: 0.3 }, true);
  });

  it("supports mc and nb leaves and the gini criterion", () => {
    for (const params of [{ leafPrediction: "mc" as const }, { leafPrediction: "nb" as const }, { splitCriterion: "gini" as const }]) {
      const m = new HoeffdingTreeClassifier({ gracePeriod: 50, ...params });
      for (const { x, y } of stream(3000)) m.learnOne(x, y);
      assert.ok(accuracy(m, stream(1000, 42)) > 0.85, JSON.stringify(params));
    }
  });

  it("a snapshot round trip continues identically", () => {
    const data = stream(4000, 8);
    const m = new HoeffdingTreeClassifier({ gracePeriod: 50 });
    for (const { x, y } of data.slice(0, 1500)) m.learnOne(x, y);
    const copy = estimatorFromJSON<HoeffdingTreeClassifier>(JSON.parse(JSON.stringify(m.toJSON())));
    for (const { x, y } of data.slice(1500)) {
      assert.deepEqual(copy.predictProbaOne(x), m.predictProbaOne(x));
      m.learnOne(x, y);
      copy.learnOne(x, y);
    }
    assert.deepEqual(copy.toJSON(), m.toJSON());
  });

  it("clone() is unfitted with the same params", () => {
    const m = new HoeffdingTreeClassifier({ gracePeriod: 10 });
    m.learnOne({ a: 1 }, true);
    const c = m.clone();
    assert.deepEqual(c.params, m.params);
    assert.equal(c.predictOne({ a: 1 }), undefined);
  });

  it("rejects bad parameters with INVALID_ARGUMENT", () => {
    assert.throws(() => new HoeffdingTreeClassifier({ gracePeriod: 0 }), { code: "INVALID_ARGUMENT" });
    assert.throws(() => new HoeffdingTreeClassifier({ leafPrediction: "x" as "mc" }), { code: "INVALID_ARGUMENT" });
  });
});
