import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Classifier, Features } from "../base.ts";
import { describeClassifierContract } from "../checks/classifier.contract.ts";
import { createPipeline } from "../compose/pipeline.ts";
import { loadFixture } from "../evaluate/fixtures.ts";
import { LogisticRegression } from "../linear/logistic-regression.ts";
import { Accuracy } from "../metrics/accuracy.ts";
import { LogLoss } from "../metrics/log-loss.ts";
import { GaussianNB } from "../naive-bayes/gaussian-nb.ts";
import { StandardScaler } from "../preprocessing/standard-scaler.ts";
import { estimatorFromJSON } from "../registry.ts";
import { HoeffdingTreeClassifier } from "../tree/hoeffding-tree-classifier.ts";
import { balancedWeights, ClassWeightedClassifier } from "./class-weight.ts";
import { RandomOverSampler, RandomSampler, RandomUnderSampler } from "./random.ts";

const dist = [[false, 0.4], [true, 0.6]] as const;
describeClassifierContract("RandomUnderSampler(LR)", { create: (seed) => new RandomUnderSampler({ classifier: new LogisticRegression(), desiredDist: dist, seed }) });
describeClassifierContract("RandomOverSampler(GaussianNB)", { create: (seed) => new RandomOverSampler({ classifier: new GaussianNB(), desiredDist: dist, seed }) });
describeClassifierContract("RandomSampler(HT, string labels)", {
  create: (seed) => new RandomSampler({ classifier: new HoeffdingTreeClassifier({ gracePeriod: 20 }), desiredDist: [["no", 0.5], ["yes", 0.5]], samplingRate: 0.8, seed }),
  labels: ["no", "yes"],
});
describeClassifierContract("ClassWeightedClassifier(StandardScaler | LR)", {
  create: (seed) => new ClassWeightedClassifier({ classifier: createPipeline(new StandardScaler(), new LogisticRegression()), weights: [[true, 3]], seed }),
});
describeClassifierContract("ClassWeightedClassifier(GaussianNB), repetition", {
  create: (seed) => new ClassWeightedClassifier({ classifier: new GaussianNB(), weights: [[true, 2.5]], seed }),
});

/**
 * River 0.19.0 run here on Phishing (CPython 3.11): `StandardScaler() | imblearn.X(LogisticRegression(),
 * desired_dist={False: 0.4, True: 0.6}, seed=42)`, predict_proba_one → LogLoss and Accuracy → learn_one.
 */
describe("River 0.19.0 parity on Phishing (imblearn wrappers, seed 42)", () => {
  const phishing = loadFixture("phishing.csv.gz", "is_phishing");
  const run = (model: Classifier): [number, number] => {
    const ll = new LogLoss();
    const acc = new Accuracy();
    for (const [x, y] of phishing) {
      const p = model.predictProbaOne(x);
      ll.update(y, p);
      acc.update(y, model.predictOne(x));
      model.learnOne(x, y);
    }
    return [ll.get(), acc.get()];
  };
  const table: [string, () => Classifier, number, number][] = [
    ["RandomUnderSampler", () => new RandomUnderSampler({ classifier: new LogisticRegression(), desiredDist: dist, seed: 42 }), 0.35794913033791953, 0.8832],
    ["RandomOverSampler", () => new RandomOverSampler({ classifier: new LogisticRegression(), desiredDist: dist, seed: 42 }), 0.32696029745713184, 0.8848],
    ["RandomSampler(rate 0.8)", () => new RandomSampler({ classifier: new LogisticRegression(), desiredDist: dist, samplingRate: 0.8, seed: 42 }), 0.36248531756621144, 0.8768],
  ];
  for (const [name, create, llRef, accRef] of table) {
    it(`${name}: LogLoss ${llRef.toFixed(6)}, Accuracy ${accRef}`, () => {
      const [ll, acc] = run(createPipeline(new StandardScaler(), create()));
      assert.ok(Math.abs(ll - llRef) < 1e-9, `LogLoss ${ll}`);
      assert.equal(acc, accRef);
    });
  }
});

describe("imbalanced-stream wrappers", () => {
  const rare = (n: number): [Features, boolean][] => {
    let s = 11;
    const r = () => ((s = (s * 16807) % 2147483647) - 1) / 2147483646;
    return Array.from({ length: n }, () => {
      const y = r() < 0.02;
      return [{ a: (y ? 1 : -1) + r() * 3 - 1.5, b: r() }, y];
    });
  };

  it("under-sampling learns the rare class always and the frequent one rarely", () => {
    let learned = 0;
    const spy = new LogisticRegression();
    const orig = spy.learnOne.bind(spy);
    spy.learnOne = (x, y, w) => ((learned += 1), orig(x, y, w));
    const m = new RandomUnderSampler({ classifier: spy, desiredDist: [[false, 0.5], [true, 0.5]], seed: 1 });
    const data = rare(5000);
    for (const [x, y] of data) m.learnOne(x, y);
    const pos = data.filter(([, y]) => y).length;
    assert.ok(learned >= pos && learned < 3 * pos, `learned ${learned} of ${data.length}, ${pos} positive`);
  });

  it("class weights pass to models with sample weights, and raise the rare class's scores", () => {
    const data = rare(5000);
    const plain = createPipeline(new StandardScaler(), new LogisticRegression());
    const weighted = new ClassWeightedClassifier({ classifier: createPipeline(new StandardScaler(), new LogisticRegression()), weights: balancedWeights(0.02) });
    assert.equal(weighted.classifier.acceptsSampleWeight, true);
    for (const [x, y] of data) {
      plain.learnOne(x, y);
      weighted.learnOne(x, y);
    }
    const probe = { a: 1, b: 0.5 };
    assert.ok(weighted.predictProbaOne(probe).get(true)! > plain.predictProbaOne(probe).get(true)!);
  });

  it("weight 1 changes nothing: LR learned through the wrapper equals plain LR", () => {
    const a = new LogisticRegression();
    const b = new ClassWeightedClassifier({ classifier: new LogisticRegression(), weights: [[true, 1]] });
    for (const [x, y] of rare(500)) {
      a.learnOne(x, y);
      b.learnOne(x, y);
    }
    assert.deepEqual(b.classifier.toJSON(), a.toJSON());
  });

  it("snapshots round-trip mid-stream", () => {
    const data = rare(3000);
    const m = new RandomOverSampler({ classifier: new LogisticRegression(), desiredDist: [[false, 0.7], [true, 0.3]], seed: 3 });
    for (const [x, y] of data.slice(0, 1500)) m.learnOne(x, y);
    const c = estimatorFromJSON<RandomOverSampler>(JSON.parse(JSON.stringify(m.toJSON())));
    for (const [x, y] of data.slice(1500)) {
      m.learnOne(x, y);
      c.learnOne(x, y);
    }
    assert.deepEqual(c.toJSON(), m.toJSON());
  });

  it("rejects a desired distribution that does not sum to 1, and unknown labels", () => {
    assert.throws(() => new RandomUnderSampler({ classifier: new LogisticRegression(), desiredDist: [[true, 0.5], [false, 0.6]] }));
    const m = new RandomUnderSampler({ classifier: new LogisticRegression(), desiredDist: [[true, 1]] });
    m.learnOne({ a: 1 }, true);
    assert.throws(() => m.learnOne({ a: 1 }, false));
  });
});
