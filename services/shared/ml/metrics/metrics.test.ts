import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ClassLabel, Metric, Proba } from "../base.ts";
import { RtmlError } from "../../errors.ts";
import { Accuracy, CohenKappa, F1, KappaT, LogLoss, Precision, ROCAUC, Recall, Rolling } from "./index.ts";
import { mulberry32 } from "../checks/prng.ts";

const close = (a: number, b: number, tol = 1e-6) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

function feed(m: Metric, yTrue: readonly ClassLabel[], yPred: readonly (ClassLabel | Proba)[]): Metric {
  yTrue.forEach((y, i) => m.update(y, yPred[i]));
  return m;
}

describe("metrics (River docstrings)", () => {
  const t6 = [false, false, false, true, true, true];
  const p6 = [false, false, true, true, false, false];

  it("F1 40%, Precision 50%, Recall 33.3%", () => {
    close(feed(new F1(), t6, p6).get(), 0.4);
    close(feed(new Precision(), t6, p6).get(), 0.5);
    close(feed(new Recall(), t6, p6).get(), 1 / 3);
  });

  it("F1 with another positive label counts that class only", () => {
    close(feed(new F1({ posVal: false }), t6, p6).get(), 4 / 7); // tp 2, fp 2, fn 1
    close(feed(new F1({ posVal: "b" }), ["a", "b", "b"], ["b", "b", "a"]).get(), 0.5);
    assert.equal(new F1().get(), 0);
  });

  it("Accuracy", () => {
    close(feed(new Accuracy(), [0, 1, 2, 2, 2], [0, 0, 2, 2, 1]).get(), 0.6);
    assert.equal(new Accuracy().get(), 0);
  });

  it("ROCAUC 87.50% (10 thresholds) and 75.00% (20)", () => {
    const t = [false, false, true, true];
    const p = [0.1, 0.4, 0.35, 0.8];
    close(feed(new ROCAUC(), t, p).get(), 0.875);
    close(feed(new ROCAUC({ nThresholds: 20 }), t, p).get(), 0.75);
    const asProba = p.map((v) => new Map<ClassLabel, number>([[false, 1 - v], [true, v]]));
    close(feed(new ROCAUC(), t, asProba).get(), 0.875);
  });

  it("CohenKappa 0.428571 and KappaT 0.6", () => {
    const t = ["cat", "ant", "cat", "cat", "ant", "bird"];
    const p = ["ant", "ant", "cat", "cat", "ant", "cat"];
    close(feed(new CohenKappa(), t, p).get(), 0.428571);
    close(feed(new KappaT(), t, p).get(), 0.6);
    assert.equal(new CohenKappa().get(), 0);
    assert.equal(new KappaT().get(), 0);
  });

  it("LogLoss 0.105360, 0.105360, 0.144621, 0.216161", () => {
    const m = new LogLoss();
    const got: number[] = [];
    [[true, 0.9], [false, 0.1], [false, 0.2], [true, 0.65]].forEach(([y, p]) => {
      m.update(y as boolean, p as number);
      got.push(m.get());
    });
    [0.10536, 0.10536, 0.144621, 0.216161].forEach((v, i) => close(got[i]!, v));
    assert.equal(m.bigger_is_better, false);
    assert.equal(m.requiresLabels, false);
  });

  it("label metrics take the argmax of a Proba (first key on ties)", () => {
    const acc = new Accuracy();
    acc.update(false, new Map<ClassLabel, number>([[false, 0.5], [true, 0.5]]));
    assert.equal(acc.get(), 1);
  });
});

describe("Rolling", () => {
  const rnd = mulberry32(3);
  const pairs = Array.from({ length: 60 }, () => {
    const y = rnd() < 0.4;
    const p = Math.min(1, Math.max(0, (y ? 0.65 : 0.35) + (rnd() - 0.5) * 0.8));
    return [y, p] as const;
  });
  const window = 7;
  const cases: [string, () => Metric, boolean][] = [
    ["Accuracy", () => new Accuracy(), true],
    ["F1", () => new F1(), true],
    ["Precision", () => new Precision(), true],
    ["Recall", () => new Recall(), true],
    ["CohenKappa", () => new CohenKappa(), true],
    ["ROCAUC", () => new ROCAUC(), false],
    ["LogLoss", () => new LogLoss(), false],
  ];
  for (const [name, make, labels] of cases) {
    it(`Rolling(${name}) equals ${name} over the last ${window} pairs`, () => {
      const rolling = new Rolling(make(), window);
      pairs.forEach(([y, p], i) => {
        rolling.update(y, labels ? p > 0.5 : p);
        const fresh = make();
        for (const [yy, pp] of pairs.slice(Math.max(0, i + 1 - window), i + 1)) fresh.update(yy, labels ? pp > 0.5 : pp);
        close(rolling.get(), fresh.get(), 1e-9);
      });
      assert.equal((rolling as Rolling).size, window);
    });
  }

  it("Rolling(KappaT) reverts each sample's own no-change hit", () => {
    const rolling = new Rolling(new KappaT(), 3);
    const ys = ["a", "a", "b", "b", "b", "a"];
    const ps = ["a", "b", "b", "b", "a", "a"];
    const hits = ys.map((y, i) => i > 0 && ys[i - 1] === y);
    ys.forEach((y, i) => {
      rolling.update(y, ps[i]);
      const lo = Math.max(0, i - 2);
      const n = i + 1 - lo;
      const p0 = ys.slice(lo, i + 1).filter((v, j) => v === ps[lo + j]).length / n;
      const pe = hits.slice(lo, i + 1).filter(Boolean).length / n;
      close(rolling.get(), pe === 1 ? 0 : (p0 - pe) / (1 - pe), 1e-12);
    });
  });

  it("needs a revertible metric and a positive window", () => {
    assert.throws(() => new Rolling({ name: "x", update() {}, get: () => 0 }, 3), RtmlError);
    assert.throws(() => new Rolling(new Accuracy(), 0), RtmlError);
  });
});
