import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ClassLabel, Classifier, EstimatorJSON, Features, Proba, Transformer } from "../base.ts";
import { LogisticRegression } from "../linear/logistic-regression.ts";
import { StandardScaler } from "../preprocessing/standard-scaler.ts";
import { estimatorFromJSON } from "../registry.ts";
import { createPipeline, Pipeline } from "./pipeline.ts";

/** Records every call, to check the order River 0.19 uses. */
function recorders(log: string[]): { t: Transformer; m: Classifier } {
  const t: Transformer = {
    kind: "T",
    params: {},
    clone: () => t,
    toJSON: (): EstimatorJSON => ({ kind: "T", params: {}, state: null }),
    learnOne: (x: Features) => void log.push(`T.learn ${JSON.stringify(x)}`),
    transformOne: (x: Features) => {
      log.push(`T.transform ${JSON.stringify(x)}`);
      return { z: (x["a"] ?? 0) * 10 };
    },
  };
  const m: Classifier = {
    kind: "M",
    params: {},
    clone: () => m,
    toJSON: (): EstimatorJSON => ({ kind: "M", params: {}, state: null }),
    learnOne: (x: Features, y: ClassLabel) => void log.push(`M.learn ${JSON.stringify(x)} ${String(y)}`),
    predictProbaOne: (x: Features): Proba => {
      log.push(`M.proba ${JSON.stringify(x)}`);
      return new Map([[true, 1]]);
    },
    predictOne: (x: Features) => {
      log.push(`M.predict ${JSON.stringify(x)}`);
      return true;
    },
  };
  return { t, m };
}

describe("Pipeline", () => {
  it("learnOne: the transformer learns x, then transforms it, then the model learns (River 0.19)", () => {
    const log: string[] = [];
    const { t, m } = recorders(log);
    const p = createPipeline(t, m);
    p.learnOne({ a: 1 }, true);
    assert.deepEqual(log, ['T.learn {"a":1}', 'T.transform {"a":1}', 'M.learn {"z":10} true']);
  });

  it("predictOne / predictProbaOne only transform", () => {
    const log: string[] = [];
    const { t, m } = recorders(log);
    const p = createPipeline(t, m);
    assert.equal(p.predictOne({ a: 2 }), true);
    p.predictProbaOne({ a: 2 });
    assert.deepEqual(log, ['T.transform {"a":2}', 'M.predict {"z":20}', 'T.transform {"a":2}', 'M.proba {"z":20}']);
  });

  it("learnDuringPredict moves the transformer update from learnOne to predict", () => {
    const log: string[] = [];
    const { t, m } = recorders(log);
    const p = new Pipeline({ transformers: [t], model: m, learnDuringPredict: true });
    p.predictOne({ a: 1 });
    p.learnOne({ a: 1 }, false);
    assert.deepEqual(log, [
      'T.learn {"a":1}',
      'T.transform {"a":1}',
      'M.predict {"z":10}',
      'T.transform {"a":1}',
      'M.learn {"z":10} false',
    ]);
  });

  it("a prediction does not change the scaler", () => {
    const p = createPipeline(new StandardScaler(), new LogisticRegression());
    p.learnOne({ a: 1 }, true);
    p.learnOne({ a: 3 }, false);
    const before = JSON.stringify(p.toJSON());
    p.predictProbaOne({ a: 100 });
    assert.equal(JSON.stringify(p.toJSON()), before);
  });

  it("round-trips through the registry and clones every step", () => {
    const p = createPipeline(new StandardScaler(), new LogisticRegression({ lr: 0.1 }));
    for (let i = 0; i < 20; i++) p.learnOne({ a: i, b: i % 3 }, i % 2 === 0);
    const copy = estimatorFromJSON<Pipeline>(JSON.parse(JSON.stringify(p.toJSON())));
    assert.deepEqual(copy.predictProbaOne({ a: 4, b: 1 }), p.predictProbaOne({ a: 4, b: 1 }));
    const clone = p.clone();
    assert.notEqual(clone.transformers[0], p.transformers[0]);
    assert.deepEqual([...clone.predictProbaOne({ a: 4 })], [[false, 0.5], [true, 0.5]]);
    assert.deepEqual(clone.params, p.params);
  });
});
