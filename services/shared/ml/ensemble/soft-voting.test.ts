import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RtmlError } from "../../errors.ts";
import type { ClassLabel, Classifier, EstimatorJSON, Features, Proba } from "../base.ts";
import { describeClassifierContract } from "../checks/classifier.contract.ts";
import { createPipeline } from "../compose/pipeline.ts";
import { AveragedLogisticRegression } from "../linear/averaged-logistic-regression.ts";
import { LogisticRegression } from "../linear/logistic-regression.ts";
import { GaussianNB } from "../naive-bayes/gaussian-nb.ts";
import { StandardScaler } from "../preprocessing/standard-scaler.ts";
import { estimatorFromJSON } from "../registry.ts";
import { SoftVotingClassifier } from "./soft-voting.ts";

describeClassifierContract("SoftVotingClassifier(LR at 3 rates)", {
  create: () => new SoftVotingClassifier({ models: [0.005, 0.05, 0.5].map((lr) => new LogisticRegression({ lr })) }),
});
describeClassifierContract("StandardScaler | SoftVotingClassifier(LR, AveragedLR, GaussianNB)", {
  create: () => createPipeline(new StandardScaler(), new SoftVotingClassifier({
    models: [new LogisticRegression(), new AveragedLogisticRegression({ lr: 0.1, averageWindow: 50 }), new GaussianNB()],
  })),
});
describeClassifierContract("SoftVotingClassifier(GaussianNB), string labels", {
  create: () => new SoftVotingClassifier({ models: [new GaussianNB()] }),
  labels: ["no", "yes"],
});

/** A small deterministic stream over a, b (b sometimes missing). */
function rows(n: number): [Features, boolean][] {
  const out: [Features, boolean][] = [];
  for (let i = 0; i < n; i++) {
    const a = Math.sin(i * 1.7) * 2;
    const x: Features = i % 3 === 0 ? { a } : { a, b: Math.cos(i * 0.9) };
    out.push([x, a + (x["b"] ?? 0) * 0.5 + Math.sin(i * 12.9) * 0.5 > 0]);
  }
  return out;
}

/** A fixed prediction, for exact arithmetic. */
class Fixed implements Classifier {
  readonly kind = "Fixed";
  readonly params = {};
  learned: [Features, ClassLabel, number | undefined][] = [];
  readonly proba: [ClassLabel, number][];
  constructor(proba: [ClassLabel, number][]) {
    this.proba = proba;
  }
  learnOne(x: Features, y: ClassLabel, w?: number): void {
    this.learned.push([x, y, w]);
  }
  predictProbaOne(): Proba {
    return new Map(this.proba);
  }
  predictOne(): ClassLabel | undefined {
    return undefined;
  }
  clone(): this {
    return new Fixed(this.proba) as this;
  }
  toJSON(): EstimatorJSON {
    return { kind: this.kind, params: {}, state: null };
  }
}

describe("SoftVotingClassifier", () => {
  it("predicts the mean of its members' probabilities, learned by each on the same samples", () => {
    const rates = [0.005, 0.01, 0.02, 0.05];
    const alone = rates.map((lr) => new AveragedLogisticRegression({ lr, averageWindow: 30 }));
    const ens = new SoftVotingClassifier({ models: rates.map((lr) => new AveragedLogisticRegression({ lr, averageWindow: 30 })) });
    for (const [x, y] of rows(300)) {
      const p = ens.predictProbaOne(x);
      const mean = alone.reduce((s, m) => s + m.predictProbaOne(x).get(true)!, 0) / alone.length;
      assert.ok(Math.abs(p.get(true)! - mean) < 1e-15, `P(true) ${p.get(true)} vs ${mean}`);
      assert.ok(Math.abs(p.get(false)! - (1 - mean)) < 1e-15);
      for (const m of alone) m.learnOne(x, y);
      ens.learnOne(x, y);
    }
    // The members are trained exactly as alone: the mean of equal models is that model.
    const one = new SoftVotingClassifier({ models: [new LogisticRegression({ lr: 0.1 }), new LogisticRegression({ lr: 0.1 })] });
    const lr = new LogisticRegression({ lr: 0.1 });
    for (const [x, y] of rows(100)) {
      one.learnOne(x, y, 2);
      lr.learnOne(x, y, 2);
    }
    assert.deepEqual(one.predictProbaOne({ a: 0.4, b: -1 }), lr.predictProbaOne({ a: 0.4, b: -1 }));
  });

  it("leaves out members with an empty prediction, counts a missing class as 0, and passes weights on", () => {
    const a = new Fixed([[false, 0.2], [true, 0.8]]);
    const b = new Fixed([["x", 1]]);
    const empty = new Fixed([]);
    const ens = new SoftVotingClassifier({ models: [a, empty, b] });
    assert.deepEqual([...ens.predictProbaOne({})], [[false, 0.1], [true, 0.4], ["x", 0.5]]);
    assert.equal(ens.predictOne({}), "x");
    assert.deepEqual([...new SoftVotingClassifier({ models: [empty] }).predictProbaOne({})], []);
    assert.equal(new SoftVotingClassifier({ models: [empty] }).predictOne({}), undefined);
    ens.learnOne({ q: 1 }, true, 3);
    ens.learnOne({ q: 2 }, false);
    for (const m of [a, empty, b]) assert.deepEqual(m.learned, [[{ q: 1 }, true, 3], [{ q: 2 }, false, undefined]]);
    assert.equal(ens.acceptsSampleWeight, false);
    assert.equal(new SoftVotingClassifier({ models: [new LogisticRegression(), new AveragedLogisticRegression()] }).acceptsSampleWeight, true);
  });

  it("validates its members", () => {
    assert.throws(() => new SoftVotingClassifier({ models: [] }), RtmlError);
    assert.throws(() => new SoftVotingClassifier({ models: [{} as Classifier] }), RtmlError);
    const lr = new LogisticRegression();
    assert.throws(() => new SoftVotingClassifier({ models: [lr, lr] }), RtmlError);
  });

  it("lists its members' kinds and parameters, round-trips, and clones unfitted", () => {
    const ens = new SoftVotingClassifier({ models: [new LogisticRegression({ lr: 0.02 }), new AveragedLogisticRegression({ lr: 0.05 })] });
    assert.deepEqual((ens.params.models as { kind: string }[]).map((m) => m.kind), ["LogisticRegression", "AveragedLogisticRegression"]);
    for (const [x, y] of rows(50)) ens.learnOne(x, y);
    const copy = estimatorFromJSON<SoftVotingClassifier>(JSON.parse(JSON.stringify(ens.toJSON())));
    assert.deepEqual(copy.toJSON(), ens.toJSON());
    const clone = ens.clone();
    assert.deepEqual(clone.params, ens.params);
    assert.deepEqual([...clone.predictProbaOne({ a: 1 })], [[false, 0.5], [true, 0.5]]);
  });
});
