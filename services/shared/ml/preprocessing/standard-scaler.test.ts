import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RtmlError } from "../../errors.ts";
import { estimatorFromJSON } from "../registry.ts";
import { StandardScaler } from "./standard-scaler.ts";

// River docstring input: random.seed(42); uniform(8, 12) for x and y, six times (exact CPython values).
const X = [
  [10.557707193831535, 8.100043020890668],
  [9.100117273476478, 8.892842952595291],
  [10.94588485665605, 10.706797949691644],
  [11.568718270819382, 8.347755330517664],
  [9.687687278741082, 8.119188877752281],
  [8.874551899214413, 10.021421152413449],
].map(([x, y]) => ({ x: x!, y: y! }));

describe("StandardScaler", () => {
  it("reproduces River's docstring (learn_one then transform_one)", () => {
    const scaler = new StandardScaler();
    const expected = [
      [0.0, 0.0],
      [-0.999, 0.999],
      [0.937, 1.35],
      [1.129, -0.651],
      [-0.776, -0.729],
      [-1.274, 0.992],
    ];
    X.forEach((x, i) => {
      scaler.learnOne(x);
      const z = scaler.transformOne(x);
      // River runs doctests with pytest's NUMBER flag: equal up to the printed precision (1e-3).
      assert.ok(Math.abs(z["x"]! - expected[i]![0]!) <= 1e-3 + 1e-12, `row ${i} x: ${z["x"]}`);
      assert.ok(Math.abs(z["y"]! - expected[i]![1]!) <= 1e-3 + 1e-12, `row ${i} y: ${z["y"]}`);
    });
  });

  it("keeps Welford's running mean and population variance", () => {
    const scaler = new StandardScaler();
    for (const v of [3, 5, 4, 7, 10, 12]) scaler.learnOne({ a: v });
    assert.ok(Math.abs(scaler.mean("a") - 41 / 6) < 1e-12);
    const mean = 41 / 6;
    const popVar = [3, 5, 4, 7, 10, 12].reduce((s, v) => s + (v - mean) ** 2, 0) / 6;
    assert.ok(Math.abs(scaler.variance("a") - popVar) < 1e-12);
  });

  it("gives 0 for a constant or unseen feature and only returns the features of x", () => {
    const scaler = new StandardScaler();
    scaler.learnOne({ c: 2, a: 1 });
    scaler.learnOne({ c: 2, a: 3 });
    assert.deepEqual(scaler.transformOne({ c: 2, a: 3, u: 5 }), { c: 0, a: 1, u: 0 });
    assert.deepEqual(scaler.transformOne({}), {});
  });

  it("withStd=false only centres", () => {
    const scaler = new StandardScaler({ withStd: false });
    scaler.learnOne({ a: 1 });
    scaler.learnOne({ a: 3 });
    assert.deepEqual(scaler.transformOne({ a: 5, u: 5 }), { a: 3, u: 5 });
    assert.equal(scaler.variance("a"), 0);
  });

  it("does not mutate x, clones unfitted, and round-trips through JSON", () => {
    const scaler = new StandardScaler();
    for (const x of X) scaler.learnOne(Object.freeze({ ...x }));
    const copy = estimatorFromJSON<StandardScaler>(JSON.parse(JSON.stringify(scaler.toJSON())));
    assert.deepEqual(copy.transformOne(X[0]!), scaler.transformOne(X[0]!));
    assert.deepEqual(scaler.clone().transformOne(X[0]!), { x: 0, y: 0 });
    assert.deepEqual(scaler.clone().params, { withStd: true });
  });

  it("rejects bad parameters", () => {
    assert.throws(() => new StandardScaler({ withStd: "yes" as unknown as boolean }), RtmlError);
  });
});
