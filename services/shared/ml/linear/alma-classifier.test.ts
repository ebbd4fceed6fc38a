import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RtmlError } from "../../errors.ts";
import { estimatorFromJSON } from "../registry.ts";
import { ALMAClassifier } from "./alma-classifier.ts";

describe("ALMAClassifier", () => {
  it("has River's defaults", () => {
    assert.deepEqual(new ALMAClassifier().params, { p: 2, alpha: 0.9, B: 1 / 0.9, C: 2 ** 0.5 });
  });

  it("predicts false (0.5 / 0.5) before learning", () => {
    assert.deepEqual([...new ALMAClassifier().predictProbaOne({ a: 1 })], [[false, 0.5], [true, 0.5]]);
    assert.equal(new ALMAClassifier().predictOne({ a: 1 }), false);
  });

  it("updates on a margin error, renormalises by max(1, ‖w‖₂) and increments k", () => {
    const model = new ALMAClassifier();
    model.learnOne({ a: 3, b: 4 }, true);
    // k = 1: gamma = B, eta = C = √2; w = √2·(3, 4), ‖w‖ = 5√2 → w = (0.6, 0.8)
    assert.equal(model.k, 2);
    const w = (model.toJSON().state as { w: [string, number][] }).w;
    assert.ok(Math.abs(w[0]![1] - 0.6) < 1e-15 && Math.abs(w[1]![1] - 0.8) < 1e-15);
    // margin y·w·x = 5 ≥ (1 - 0.9)·B/√2: no update
    model.learnOne({ a: 3, b: 4 }, true);
    assert.equal(model.k, 2);
    // a negative with a positive margin: update with eta = √2/√2 = 1
    model.learnOne({ a: 1 }, false);
    assert.equal(model.k, 3);
    assert.equal(model.predictOne({ a: 1, b: 0 }), false);
  });

  it("rejects non-binary labels and bad parameters", () => {
    assert.throws(() => new ALMAClassifier().learnOne({ a: 1 }, "cat"), RtmlError);
    assert.throws(() => new ALMAClassifier({ p: 1 }), RtmlError);
    assert.throws(() => new ALMAClassifier({ alpha: 0 }), RtmlError);
  });

  it("supports p ≠ 2 and round-trips k and w", () => {
    const model = new ALMAClassifier({ p: 3 });
    for (let i = 0; i < 20; i++) model.learnOne({ a: i % 3, b: (i * 7) % 5 }, i % 2 === 0);
    const copy = estimatorFromJSON<ALMAClassifier>(JSON.parse(JSON.stringify(model.toJSON())));
    assert.equal(copy.k, model.k);
    assert.deepEqual(copy.predictProbaOne({ a: 1, b: 2 }), model.predictProbaOne({ a: 1, b: 2 }));
  });
});
