import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RtmlError } from "../../errors.ts";
import { SGD } from "../optim/sgd.ts";
import { estimatorFromJSON } from "../registry.ts";
import { AveragedLogisticRegression } from "./averaged-logistic-regression.ts";
import { LogisticRegression } from "./logistic-regression.ts";

/** A small deterministic stream over a, b (b sometimes missing). */
function rows(n: number): [Record<string, number>, boolean][] {
  const out: [Record<string, number>, boolean][] = [];
  for (let i = 0; i < n; i++) {
    const a = Math.sin(i * 1.7) * 2;
    const x: Record<string, number> = i % 3 === 0 ? { a } : { a, b: Math.cos(i * 0.9) };
    out.push([x, a + (x["b"] ?? 0) * 0.5 + Math.sin(i * 12.9) * 0.5 > 0]);
  }
  return out;
}

describe("AveragedLogisticRegression", () => {
  it("has LogisticRegression's (River's) defaults, averaging from the start over a 100k window", () => {
    assert.deepEqual(new AveragedLogisticRegression().params, {
      optimizer: { kind: "SGD", params: { lr: 0.01 } },
      l2: 0,
      interceptInit: 0,
      interceptLr: 0.01,
      clipGradient: 1e12,
      averageStart: 0,
      averageWindow: 100_000,
    });
  });

  it("predicts {false: .5, true: .5} and so false before learning", () => {
    const model = new AveragedLogisticRegression();
    assert.deepEqual([...model.predictProbaOne({ a: 1 })], [[false, 0.5], [true, 0.5]]);
    assert.equal(model.predictOne({ a: 1 }), false);
  });

  it("takes LogisticRegression's SGD steps exactly; averageWindow 1 predicts as LogisticRegression", () => {
    const lr = new LogisticRegression({ lr: 0.1, l2: 0.01 });
    const avg = new AveragedLogisticRegression({ lr: 0.1, l2: 0.01 });
    const last = new AveragedLogisticRegression({ lr: 0.1, l2: 0.01, averageWindow: 1 });
    for (const [x, y] of rows(200)) {
      for (const m of [lr, avg, last]) m.learnOne(x, y, 1.5);
      assert.deepEqual(avg.sgdWeights, lr.weights);
      assert.equal(avg.sgdIntercept, lr.intercept);
      assert.equal(last.predictProbaOne(x).get(true), lr.predictProbaOne(x).get(true));
    }
  });

  it("predicts with the uniform average of the iterates w_1 … w_t (Polyak–Ruppert)", () => {
    const lr = new LogisticRegression({ lr: 0.5 });
    const avg = new AveragedLogisticRegression({ lr: 0.5, averageWindow: null });
    const sum = new Map<string, number>();
    let sumB = 0;
    const data = rows(50);
    for (const [x, y] of data) {
      lr.learnOne(x, y);
      avg.learnOne(x, y);
      for (const [k, v] of lr.weights) sum.set(k, (sum.get(k) ?? 0) + v);
      sumB += lr.intercept;
    }
    for (const [k, v] of sum) assert.ok(Math.abs(avg.weights.get(k)! - v / data.length) < 1e-12, k);
    assert.ok(Math.abs(avg.intercept - sumB / data.length) < 1e-12);
    const x = { a: 0.3, b: -1 };
    const z = avg.weights.get("a")! * 0.3 - avg.weights.get("b")! + avg.intercept;
    assert.ok(Math.abs(avg.predictProbaOne(x).get(true)! - 1 / (1 + Math.exp(-z))) < 1e-15);
  });

  it("starts the average after averageStart updates, and turns exponential after averageWindow", () => {
    const lr = new LogisticRegression({ lr: 0.5 });
    const avg = new AveragedLogisticRegression({ lr: 0.5, averageStart: 10, averageWindow: 5 });
    let ref = 0;
    rows(40).forEach(([x, y], i) => {
      lr.learnOne(x, y);
      avg.learnOne(x, y);
      const t = i + 1;
      const w = lr.weights.get("a")!;
      ref = t <= 10 ? w : ref + Math.max(1 / (t - 10), 1 / 5) * (w - ref);
      if (t <= 10) assert.equal(avg.weights.get("a"), w);
      assert.ok(Math.abs(avg.weights.get("a")! - ref) < 1e-12, `t ${t}`);
    });
    assert.equal(avg.nUpdates, 40);
  });

  it("validates its parameters", () => {
    assert.throws(() => new AveragedLogisticRegression({ lr: 0.1, optimizer: new SGD() }), RtmlError);
    assert.throws(() => new AveragedLogisticRegression({ lr: -1 }), RtmlError);
    assert.throws(() => new AveragedLogisticRegression({ averageStart: -1 }), RtmlError);
    assert.throws(() => new AveragedLogisticRegression({ averageStart: 1.5 }), RtmlError);
    assert.throws(() => new AveragedLogisticRegression({ averageWindow: 0 }), RtmlError);
    assert.throws(() => new AveragedLogisticRegression({ averageWindow: Infinity }), RtmlError);
  });

  it("round-trips with its state and optimizer, and clones unfitted", () => {
    const model = new AveragedLogisticRegression({ lr: 0.2, averageStart: 3, averageWindow: null });
    for (const [x, y] of rows(20)) model.learnOne(x, y);
    const json = JSON.parse(JSON.stringify(model.toJSON()));
    assert.equal(json.params.averageWindow, null);
    const copy = estimatorFromJSON<AveragedLogisticRegression>(json);
    assert.deepEqual(copy.toJSON(), model.toJSON());
    for (const [x, y] of rows(5)) {
      copy.learnOne(x, y);
      model.learnOne(x, y);
    }
    assert.deepEqual(copy.toJSON(), model.toJSON());
    const clone = model.clone();
    assert.deepEqual(clone.params, model.params);
    assert.equal(clone.nUpdates, 0);
    assert.equal(clone.weights.size, 0);
  });
});
