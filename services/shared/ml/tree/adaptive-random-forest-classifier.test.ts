import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Features } from "../base.ts";
import { describeClassifierContract } from "../checks/classifier.contract.ts";
import { estimatorFromJSON } from "../registry.ts";
import { AdaptiveRandomForestClassifier } from "./adaptive-random-forest-classifier.ts";

describeClassifierContract("AdaptiveRandomForestClassifier", {
  create: (seed) => new AdaptiveRandomForestClassifier({ seed, nModels: 5 }),
});
describeClassifierContract("AdaptiveRandomForestClassifier(mc, no detectors, string labels)", {
  create: (seed) => new AdaptiveRandomForestClassifier({ seed, nModels: 3, leafPrediction: "mc", driftDetector: null, warningDetector: null }),
  labels: ["no", "yes"],
});

function stream(n: number, seed: number): { x: Features; y: boolean }[] {
  let s = seed;
  const r = () => ((s = (s * 16807) % 2147483647) - 1) / 2147483646;
  return Array.from({ length: n }, (_, i) => {
    const x = { a: r(), b: r(), c: r(), d: r() };
    const flip = i >= n / 2; // abrupt concept drift half way
    return { x, y: flip ? x.a <= 0.5 : x.a > 0.5 };
  });
}

describe("AdaptiveRandomForestClassifier", () => {
  it("has River 0.19's ARF defaults", () => {
    const p = new AdaptiveRandomForestClassifier().params;
    assert.equal(p.nModels, 10);
    assert.equal(p.maxFeatures, "sqrt");
    assert.equal(p.lambdaValue, 6);
    assert.equal(p.gracePeriod, 50);
    assert.equal(p.delta, 0.01);
    assert.equal(p.tau, 0.05);
    assert.equal(p.leafPrediction, "nba");
    assert.deepEqual(p.driftDetector?.params, { delta: 0.001, clock: 32, maxBuckets: 5, minWindowLength: 5, gracePeriod: 10 });
    assert.equal((p.warningDetector?.params as { delta: number }).delta, 0.01);
  });

  it("recovers from an abrupt concept drift", () => {
    const data = stream(6000, 3);
    const m = new AdaptiveRandomForestClassifier({ seed: 1 });
    let lateCorrect = 0;
    data.forEach(({ x, y }, i) => {
      if (i >= 5000 && m.predictOne(x) === y) lateCorrect++;
      m.learnOne(x, y);
    });
    assert.ok(lateCorrect / 1000 > 0.85, `accuracy after drift ${lateCorrect / 1000}`);
  });

  it("same seed, same forest; another seed, another forest", () => {
    const data = stream(1500, 9);
    const run = (seed: number) => {
      const m = new AdaptiveRandomForestClassifier({ seed, nModels: 4 });
      for (const { x, y } of data) m.learnOne(x, y);
      return JSON.stringify(m.toJSON().state);
    };
    assert.equal(run(5), run(5));
    assert.notEqual(run(5), run(6));
  });

  it("a snapshot round trip continues identically (random stream included)", () => {
    const data = stream(3000, 4);
    const m = new AdaptiveRandomForestClassifier({ seed: 42, nModels: 4 });
    for (const { x, y } of data.slice(0, 1600)) m.learnOne(x, y);
    const copy = estimatorFromJSON<AdaptiveRandomForestClassifier>(JSON.parse(JSON.stringify(m.toJSON())));
    for (const { x, y } of data.slice(1600)) {
      assert.deepEqual(copy.predictProbaOne(x), m.predictProbaOne(x));
      m.learnOne(x, y);
      copy.learnOne(x, y);
    }
    assert.deepEqual(copy.toJSON(), m.toJSON());
  });

  it("rejects bad parameters", () => {
    assert.throws(() => new AdaptiveRandomForestClassifier({ nModels: 0 }), { code: "INVALID_ARGUMENT" });
    assert.throws(() => new AdaptiveRandomForestClassifier({ maxFeatures: "half" as "sqrt" }), { code: "INVALID_ARGUMENT" });
  });
});
