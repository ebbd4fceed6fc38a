import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Classifier, Features } from "../base.ts";
import { describeClassifierContract } from "../checks/classifier.contract.ts";
import { loadFixture } from "../evaluate/fixtures.ts";
import { progressiveValScore } from "../evaluate/progressive-val-score.ts";
import { Accuracy } from "../metrics/accuracy.ts";
import { F1 } from "../metrics/f1.ts";
import { estimatorFromJSON } from "../registry.ts";
import { HoeffdingAdaptiveTreeClassifier } from "./hoeffding-adaptive-tree-classifier.ts";
import { HoeffdingTreeClassifier } from "./hoeffding-tree-classifier.ts";

describeClassifierContract("HoeffdingAdaptiveTreeClassifier", { create: (seed) => new HoeffdingAdaptiveTreeClassifier({ seed }) });
describeClassifierContract("HoeffdingAdaptiveTreeClassifier(gracePeriod=20, nb, no bootstrap, string labels)", {
  create: (seed) => new HoeffdingAdaptiveTreeClassifier({ seed, gracePeriod: 20, leafPrediction: "nb", bootstrapSampling: false }),
  labels: ["no", "yes"],
});

/** Abrupt concept drift half way: the label flips from a > 0.5 to a <= 0.5. */
function drifting(n: number, seed: number): { x: Features; y: boolean }[] {
  let s = seed;
  const r = () => ((s = (s * 16807) % 2147483647) - 1) / 2147483646;
  return Array.from({ length: n }, (_, i) => {
    const x = { a: r(), b: r(), c: r() };
    return { x, y: i >= n / 2 ? x.a <= 0.5 : x.a > 0.5 };
  });
}

function tailAccuracy(m: Classifier, data: { x: Features; y: boolean }[], tail: number): number {
  let ok = 0;
  data.forEach(({ x, y }, i) => {
    if (i >= data.length - tail && m.predictOne(x) === y) ok++;
    m.learnOne(x, y);
  });
  return ok / tail;
}

describe("HoeffdingAdaptiveTreeClassifier", () => {
  it("has River 0.19's defaults", () => {
    const p = new HoeffdingAdaptiveTreeClassifier().params;
    assert.equal(p.gracePeriod, 200);
    assert.equal(p.delta, 1e-7);
    assert.equal(p.bootstrapSampling, true);
    assert.equal(p.driftWindowThreshold, 300);
    assert.equal(p.switchSignificance, 0.05);
    assert.equal(p.driftDetector.kind, "ADWIN");
    assert.equal((p.driftDetector.params as { delta: number }).delta, 0.002);
  });

  it("adapts to an abrupt concept drift (alternate trees), where a plain Hoeffding tree lags", () => {
    const data = drifting(8000, 3);
    const hat = new HoeffdingAdaptiveTreeClassifier({ seed: 1, gracePeriod: 50 });
    const accHat = tailAccuracy(hat, data, 1500);
    const accHt = tailAccuracy(new HoeffdingTreeClassifier({ gracePeriod: 50 }), data, 1500);
    assert.ok(hat.stats.alternates >= 1, JSON.stringify(hat.stats));
    assert.ok(accHat > 0.9, `HAT tail accuracy ${accHat}`);
    assert.ok(accHat > accHt, `HAT ${accHat} vs HT ${accHt}`);
  });

  it("a snapshot taken mid-stream, with alternate trees, continues identically", () => {
    const data = drifting(6000, 5);
    const a = new HoeffdingAdaptiveTreeClassifier({ seed: 7, gracePeriod: 50 });
    for (const { x, y } of data.slice(0, 4000)) a.learnOne(x, y);
    const b = estimatorFromJSON<HoeffdingAdaptiveTreeClassifier>(JSON.parse(JSON.stringify(a.toJSON())));
    for (const { x, y } of data.slice(4000)) {
      assert.deepEqual(b.predictProbaOne(x), a.predictProbaOne(x));
      a.learnOne(x, y);
      b.learnOne(x, y);
    }
    assert.deepEqual(b.stats, a.stats);
  });
});

/** River 0.19.0 benchmark, HoeffdingAdaptiveTreeClassifier(seed=42): this port reproduces River's counts. */
describe("HoeffdingAdaptiveTreeClassifier(seed=42) parity with River 0.19.0", () => {
  const table = [
    ["Phishing", "phishing.csv.gz", "is_phishing", 0.874299, 0.856095],
    ["Bananas", "bananas.csv", "label", 0.616531, 0.42825],
  ] as const;
  for (const [name, file, label, accRef, f1Ref] of table) {
    it(`${name}: ${accRef} / ${f1Ref}`, () => {
      const [acc, f1] = progressiveValScore(loadFixture(file, label), new HoeffdingAdaptiveTreeClassifier({ seed: 42 }), [new Accuracy(), new F1()] as const);
      assert.ok(Math.abs(acc.get() - accRef) <= 0.01, `accuracy ${acc.get()} not within 1 pt`);
      assert.equal(Number(acc.get().toFixed(6)), accRef);
      assert.equal(Number(f1.get().toFixed(6)), f1Ref);
    });
  }
});
