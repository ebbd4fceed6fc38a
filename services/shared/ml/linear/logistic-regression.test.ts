import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RtmlError } from "../../errors.ts";
import { SGD } from "../optim/sgd.ts";
import { logLossGradient } from "../optim/losses.ts";
import { estimatorFromJSON } from "../registry.ts";
import { LogisticRegression } from "./logistic-regression.ts";

describe("LogisticRegression", () => {
  it("has River's defaults", () => {
    assert.deepEqual(new LogisticRegression().params, {
      optimizer: { kind: "SGD", params: { lr: 0.01 } },
      l2: 0,
      interceptInit: 0,
      interceptLr: 0.01,
      clipGradient: 1e12,
    });
  });

  it("predicts {false: .5, true: .5} and so false before learning (ties go to the first key)", () => {
    const model = new LogisticRegression();
    assert.deepEqual([...model.predictProbaOne({ a: 1 })], [[false, 0.5], [true, 0.5]]);
    assert.equal(model.predictOne({ a: 1 }), false);
  });

  it("follows River's update order: gradient at current weights, intercept step, SGD step", () => {
    const model = new LogisticRegression({ lr: 0.1 });
    model.learnOne({ a: 2, b: -1 }, true);
    // logit 0 → gradient -1/(e^0 + 1) = -0.5
    assert.equal(model.intercept, 0.005);
    assert.deepEqual([...model.weights], [["a", 0.1], ["b", -0.05]]);
    const g2 = logLossGradient(false, 0.1 * 1 + 0.005);
    model.learnOne({ a: 1 }, false);
    assert.equal(model.intercept, 0.005 - 0.01 * g2);
    assert.equal(model.weights.get("a"), 0.1 - 0.1 * (1 * g2));
    assert.equal(model.weights.get("b"), -0.05);
    const p = 1 / (1 + Math.exp(-(model.weights.get("a")! * 3 + model.intercept)));
    assert.equal(model.predictProbaOne({ a: 3 }).get(true), p);
  });

  it("applies L2 to the weights of the features in x only", () => {
    const model = new LogisticRegression({ lr: 1, l2: 0.5, interceptLr: 0 });
    model.learnOne({ a: 1 }, true); // w_a = 0.5
    model.learnOne({ b: 1 }, true); // a untouched
    assert.equal(model.weights.get("a"), 0.5);
    const g = logLossGradient(true, 0.5);
    model.learnOne({ a: 1 }, true);
    assert.equal(model.weights.get("a"), 0.5 - (1 * g + 0.5 * 0.5));
    assert.equal(model.intercept, 0);
  });

  it("clips the loss gradient", () => {
    const model = new LogisticRegression({ lr: 1, clipGradient: 0.1 });
    model.learnOne({ a: 1 }, true);
    assert.equal(model.weights.get("a"), 0.1);
  });

  it("uses River's log-loss gradient shortcuts beyond |z| = 18", () => {
    assert.equal(logLossGradient(true, 20), Math.exp(-20) * -1);
    assert.equal(logLossGradient(true, -20), -1);
    assert.equal(logLossGradient(false, 0), 0.5);
  });

  it("accepts booleans or 0/1 labels, and rejects others", () => {
    const model = new LogisticRegression();
    model.learnOne({ a: 1 }, 1);
    model.learnOne({ a: 1 }, 0);
    assert.throws(() => model.learnOne({ a: 1 }, "yes"), (e: unknown) => e instanceof RtmlError && e.code === "INVALID_ARGUMENT");
  });

  it("validates its parameters", () => {
    assert.throws(() => new LogisticRegression({ lr: 0.1, optimizer: new SGD() }), RtmlError);
    assert.throws(() => new LogisticRegression({ lr: -1 }), RtmlError);
    assert.throws(() => new LogisticRegression({ l2: -1 }), RtmlError);
    assert.throws(() => new LogisticRegression({ clipGradient: 0 }), RtmlError);
  });

  it("round-trips with its optimizer state, and clones with a fresh optimizer", () => {
    const model = new LogisticRegression({ optimizer: new SGD({ lr: 0.2 }) });
    model.learnOne({ a: 1, b: 2 }, true);
    const json = JSON.parse(JSON.stringify(model.toJSON()));
    assert.equal(json.state.optimizer.state.nIterations, 1);
    const copy = estimatorFromJSON<LogisticRegression>(json);
    assert.deepEqual(copy.toJSON(), model.toJSON());
    const clone = model.clone();
    assert.deepEqual((clone.toJSON().state as { optimizer: { state: unknown } }).optimizer.state, { nIterations: 0 });
    assert.equal(clone.weights.size, 0);
  });
});

describe("SGD", () => {
  it("steps w -= lr * g and counts iterations", () => {
    const opt = new SGD({ lr: 0.1 });
    const w = new Map([["a", 1]]);
    opt.step(w, { a: 2, b: -1 });
    assert.deepEqual([...w], [["a", 0.8], ["b", 0.1]]);
    assert.equal(opt.nIterations, 1);
    assert.equal(opt.learningRate, 0.1);
  });
});
