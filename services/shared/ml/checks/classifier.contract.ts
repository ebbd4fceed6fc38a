/**
 * The classifier contract (River's `utils.estimator_checks` for classifiers), run with node:test
 * against every Classifier of the library: `describeClassifierContract("GaussianNB", { create })`.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ClassLabel, Classifier, Features, Proba } from "../base.ts";
import { estimatorFromJSON } from "../registry.ts";
import { mulberry32 } from "./prng.ts";

/** Names of the contract's checks, usable as keys of `skip`. */
export const CLASSIFIER_CHECKS = [
  "learnOne does not mutate x",
  "emerging and disappearing features",
  "feature order is irrelevant",
  "clone gives an unfitted independent model",
  "same seed gives same predictions",
  "predictProbaOne sums to 1",
  "toJSON/fromJSON round trip predicts identically",
  "no NaN on constant or missing features",
] as const;

/** A contract check name. */
export type ClassifierCheck = (typeof CLASSIFIER_CHECKS)[number];

/** Options of `describeClassifierContract`. */
export interface ClassifierContractOptions {
  /** A fresh, unfitted classifier; seeded models must use `seed`. */
  create: (seed: number) => Classifier;
  /** Check name → reason: the check is reported as skipped with that reason. */
  skip?: Partial<Record<ClassifierCheck, string>>;
  /** The two labels to learn (default `[false, true]`). */
  labels?: readonly [ClassLabel, ClassLabel];
  /** Samples in the training stream (default 300). */
  nSamples?: number;
}

type Row = [Features, ClassLabel];

/** A noisy linearly separable stream over features a, b, c (some samples lack some features). */
function stream(n: number, labels: readonly [ClassLabel, ClassLabel], seed: number, keys = ["a", "b", "c"]): Row[] {
  const rnd = mulberry32(seed);
  const rows: Row[] = [];
  for (let i = 0; i < n; i++) {
    const x: Features = {};
    for (const k of keys) x[k] = rnd() * 4 - 2;
    const score = (x["a"] ?? 0) + 0.5 * (x["b"] ?? 0) - (x["c"] ?? 0) + (rnd() - 0.5);
    rows.push([x, score > 0 ? labels[1] : labels[0]]);
  }
  return rows;
}

function train(model: Classifier, rows: readonly Row[]): void {
  for (const [x, y] of rows) model.learnOne(x, y);
}

function probas(model: Classifier, rows: readonly Row[]): Proba[] {
  return rows.map(([x]) => model.predictProbaOne(x));
}

function assertFiniteProba(p: Proba, where: string): void {
  for (const [c, v] of p) assert.ok(Number.isFinite(v) && v >= 0 && v <= 1, `${where}: P(${String(c)}) = ${v}`);
}

function assertClose(a: Proba[], b: Proba[], tol: number): void {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) {
    assert.deepEqual([...a[i]!.keys()], [...b[i]!.keys()], `sample ${i}: classes differ`);
    for (const [c, v] of a[i]!) assert.ok(Math.abs(v - b[i]!.get(c)!) <= tol, `sample ${i}: P(${String(c)}) ${v} vs ${b[i]!.get(c)}`);
  }
}

/** Registers a node:test `describe` block with every contract check for one classifier. */
export function describeClassifierContract(name: string, options: ClassifierContractOptions): void {
  const { create, skip = {}, labels = [false, true], nSamples = 300 } = options;
  const check = (title: ClassifierCheck, fn: () => void): void => {
    const reason = skip[title];
    if (reason === undefined) it(title, fn);
    else it(title, { skip: reason }, fn);
  };
  const rows = stream(nSamples, labels, 1);
  const test = stream(50, labels, 2);

  describe(`${name} classifier contract`, () => {
    check("learnOne does not mutate x", () => {
      const model = create(42);
      for (const [x, y] of rows) {
        const frozen = Object.freeze({ ...x });
        model.predictProbaOne(frozen);
        model.learnOne(frozen, y);
        model.predictOne(frozen);
        assert.deepEqual(frozen, x);
      }
    });

    check("emerging and disappearing features", () => {
      const model = create(42);
      train(model, stream(100, labels, 3, ["a", "b"]));
      train(model, stream(100, labels, 4, ["a", "b", "c"]));
      train(model, stream(100, labels, 5, ["b", "c", "d"]));
      for (const keys of [["a"], ["c", "d"], ["e"], ["a", "b", "c", "d", "e"]]) {
        for (const [x] of stream(10, labels, 6, keys)) {
          const p = model.predictProbaOne(x);
          assert.ok(p.size > 0, "no prediction after learning");
          assertFiniteProba(p, `keys ${keys.join(",")}`);
          assert.notEqual(model.predictOne(x), undefined);
        }
      }
    });

    check("feature order is irrelevant", () => {
      const a = create(42);
      const b = create(42);
      const reversed = (x: Features): Features => Object.fromEntries(Object.entries(x).reverse());
      for (const [x, y] of rows) {
        a.learnOne(x, y);
        b.learnOne(reversed(x), y);
      }
      assertClose(probas(a, test), test.map(([x]) => b.predictProbaOne(reversed(x))), 1e-12);
      for (const [x] of test) assert.equal(a.predictOne(x), b.predictOne(reversed(x)));
    });

    check("clone gives an unfitted independent model", () => {
      const model = create(42);
      train(model, rows);
      const before = probas(model, test);
      const clone = model.clone();
      assert.notEqual(clone, model);
      assert.equal(clone.kind, model.kind);
      assert.deepEqual(clone.params, model.params);
      assert.deepEqual(probas(clone, test), probas(create(42), test), "clone is not unfitted");
      train(clone, rows.slice(0, 50));
      assert.deepEqual(probas(model, test), before, "training the clone changed the original");
    });

    check("same seed gives same predictions", () => {
      const a = create(7);
      const b = create(7);
      train(a, rows);
      train(b, rows);
      assert.deepEqual(probas(a, test), probas(b, test));
      assert.deepEqual(test.map(([x]) => a.predictOne(x)), test.map(([x]) => b.predictOne(x)));
    });

    check("predictProbaOne sums to 1", () => {
      const model = create(42);
      for (const [x, y] of rows) {
        const p = model.predictProbaOne(x);
        if (p.size > 0) {
          let sum = 0;
          for (const v of p.values()) sum += v;
          assert.ok(Math.abs(sum - 1) <= 1e-9, `sum ${sum}`);
          assertFiniteProba(p, "stream");
        }
        model.learnOne(x, y);
      }
    });

    check("toJSON/fromJSON round trip predicts identically", () => {
      const model = create(42);
      train(model, rows.slice(0, 200));
      const copy = estimatorFromJSON<Classifier>(JSON.parse(JSON.stringify(model.toJSON())));
      assert.equal(copy.kind, model.kind);
      assert.deepEqual(probas(copy, test), probas(model, test));
      assert.deepEqual(test.map(([x]) => copy.predictOne(x)), test.map(([x]) => model.predictOne(x)));
      train(model, rows.slice(200));
      train(copy, rows.slice(200));
      assert.deepEqual(probas(copy, test), probas(model, test), "learning diverged after the round trip");
      assert.deepEqual(JSON.parse(JSON.stringify(copy.toJSON())), JSON.parse(JSON.stringify(model.toJSON())));
    });

    check("no NaN on constant or missing features", () => {
      const model = create(42);
      const rnd = mulberry32(9);
      for (let i = 0; i < 200; i++) {
        const y = rnd() < 0.5 ? labels[0] : labels[1];
        const x: Features = { constant: 1, zero: 0 };
        if (rnd() < 0.5) x["sometimes"] = y === labels[1] ? 1 : -1;
        model.learnOne(i % 10 === 0 ? {} : x, y);
        for (const probe of [x, {}, { constant: 1 }, { unseen: 3 }]) {
          const p = model.predictProbaOne(probe);
          assertFiniteProba(p, JSON.stringify(probe));
        }
      }
      assert.notEqual(model.predictOne({ constant: 1, zero: 0 }), undefined);
    });
  });
}
