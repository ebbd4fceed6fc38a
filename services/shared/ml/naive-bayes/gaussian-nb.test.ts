import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { estimatorFromJSON } from "../registry.ts";
import { GaussianNB } from "./gaussian-nb.ts";

describe("GaussianNB", () => {
  it("reproduces River's docstring", () => {
    const X = [[-1, -1], [-2, -1], [-3, -2], [1, 1], [2, 1], [3, 2]];
    const Y = [1, 1, 1, 2, 2, 2];
    const model = new GaussianNB();
    X.forEach(([a, b], i) => model.learnOne({ 0: a!, 1: b! }, Y[i]!));
    assert.equal(model.predictOne({ 0: -0.8, 1: -1 }), 1);
  });

  it("returns {} and undefined before learning", () => {
    const model = new GaussianNB();
    assert.equal(model.predictProbaOne({ a: 1 }).size, 0);
    assert.equal(model.predictOne({ a: 1 }), undefined);
  });

  it("computes log P(c) + Σ log(1e-9 + pdf) with the sample variance, then a softmax", () => {
    const model = new GaussianNB();
    for (const [v, y] of [[1, "a"], [3, "a"], [10, "b"]] as const) model.learnOne({ f: v }, y);
    const jll = model.jointLogLikelihood({ f: 2 });
    const pdfA = Math.exp(-((2 - 2) ** 2) / (2 * 2)) / Math.sqrt(2 * Math.PI * 2); // mean 2, var 2
    assert.ok(Math.abs(jll.get("a")! - (Math.log(2 / 3) + Math.log(1e-9 + pdfA))) < 1e-12);
    // one sample → variance 0 → pdf 0
    assert.ok(Math.abs(jll.get("b")! - (Math.log(1 / 3) + Math.log(1e-9))) < 1e-12);
    const p = model.predictProbaOne({ f: 2 });
    assert.deepEqual([...p.keys()], ["a", "b"]);
    assert.ok(Math.abs(p.get("a")! + p.get("b")! - 1) < 1e-12);
    assert.equal(model.predictOne({ f: 2 }), "a");
  });

  it("gives unseen features pdf 0 and keeps first-seen class order", () => {
    const model = new GaussianNB();
    model.learnOne({ f: 1 }, true);
    model.learnOne({ f: 1 }, false);
    const p = model.predictProbaOne({ g: 5 });
    assert.deepEqual([...p.keys()], [true, false]);
    assert.ok(Math.abs(p.get(true)! - 0.5) < 1e-12 && p.get(true) === p.get(false));
    assert.equal(model.predictOne({ g: 5 }), true);
  });

  it("round-trips through JSON", () => {
    const model = new GaussianNB();
    for (let i = 0; i < 30; i++) model.learnOne({ a: i % 7, b: i / 3 }, i % 3 === 0 ? "x" : 2);
    const copy = estimatorFromJSON<GaussianNB>(JSON.parse(JSON.stringify(model.toJSON())));
    assert.deepEqual(copy.predictProbaOne({ a: 1, b: 2 }), model.predictProbaOne({ a: 1, b: 2 }));
  });
});
