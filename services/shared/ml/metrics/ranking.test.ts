import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AveragePrecision, ExactROCAUC, RecallAtBudget } from "./ranking.ts";
import { ROCAUC } from "./roc-auc.ts";

const toy: [boolean, number][] = [[false, 0.1], [false, 0.4], [true, 0.35], [true, 0.8]];

function feed<M extends { update(y: boolean, p: number): void }>(m: M, rows: [boolean, number][]): M {
  for (const [y, p] of rows) m.update(y, p);
  return m;
}

function random(n: number, seed: number, rate: number): [boolean, number][] {
  let s = seed;
  const r = () => ((s = (s * 16807) % 2147483647) - 1) / 2147483646;
  return Array.from({ length: n }, () => {
    const y = r() < rate;
    return [y, Math.round((y ? 0.2 + r() * 0.3 : r() * 0.3) * 100) / 100]; // rounded: many ties
  });
}

describe("ExactROCAUC", () => {
  it("is the Mann-Whitney statistic (ties count one half)", () => {
    assert.equal(feed(new ExactROCAUC(), toy).get(), 0.75);
    const rows = random(2000, 5, 0.05);
    let wins = 0;
    let pairs = 0;
    for (const [yp, sp] of rows) {
      if (!yp) continue;
      for (const [yn, sn] of rows) {
        if (yn) continue;
        pairs++;
        wins += sp > sn ? 1 : sp === sn ? 0.5 : 0;
      }
    }
    assert.ok(Math.abs(feed(new ExactROCAUC(), rows).get() - wins / pairs) < 1e-12);
  });

  it("differs from River's 10-threshold approximation on low scores", () => {
    const rows = random(2000, 7, 0.02).map(([y, p]) => [y, p / 10] as [boolean, number]);
    const exact = feed(new ExactROCAUC(), rows).get();
    const approx = feed(new ROCAUC(), rows).get();
    assert.ok(exact > 0.9, `exact ${exact}`);
    assert.ok(approx < exact - 0.1, `approx ${approx}`);
  });

  it("is 0 with one class, and a revert undoes an update", () => {
    assert.equal(feed(new ExactROCAUC(), [[true, 0.3], [true, 0.5]]).get(), 0);
    const m = feed(new ExactROCAUC(), toy);
    m.update(false, 0.9);
    m.revert(false, 0.9);
    assert.equal(m.get(), 0.75);
  });
});

describe("AveragePrecision", () => {
  it("matches scikit-learn's average_precision_score", () => {
    assert.ok(Math.abs(feed(new AveragePrecision(), toy).get() - 0.8333333333333333) < 1e-12);
    // sklearn: average_precision_score([0,1,1,0,1], [0.5,0.5,0.9,0.1,0.2]) == 0.8055555555555556
    const rows: [boolean, number][] = [[false, 0.5], [true, 0.5], [true, 0.9], [false, 0.1], [true, 0.2]];
    assert.ok(Math.abs(feed(new AveragePrecision(), rows).get() - 0.8055555555555556) < 1e-12);
  });

  it("is the positive rate for a constant score, and 0 without positives", () => {
    const rows = random(1000, 3, 0.1).map(([y]) => [y, 0.5] as [boolean, number]);
    const rate = rows.filter(([y]) => y).length / rows.length;
    assert.ok(Math.abs(feed(new AveragePrecision(), rows).get() - rate) < 1e-12);
    assert.equal(feed(new AveragePrecision(), [[false, 0.2]]).get(), 0);
  });
});

describe("RecallAtBudget", () => {
  it("counts the positives among the top-scored alerts", () => {
    assert.equal(feed(new RecallAtBudget({ alerts: 1 }), toy).get(), 0.5);
    assert.equal(feed(new RecallAtBudget({ alerts: 3 }), toy).get(), 1);
    assert.equal(feed(new RecallAtBudget({ fraction: 0.25 }), toy).get(), 0.5);
  });

  it("splits ties at the cut-off pro rata", () => {
    const rows: [boolean, number][] = [[true, 0.9], [true, 0.5], [false, 0.5], [false, 0.5], [false, 0.5]];
    // 2 alerts: the 0.9 positive, then one of four tied at 0.5 (one positive): 1 + 1/4 of 1
    assert.ok(Math.abs(feed(new RecallAtBudget({ alerts: 2 }), rows).get() - 1.25 / 2) < 1e-12);
  });

  it("takes exactly one of alerts and fraction", () => {
    assert.throws(() => new RecallAtBudget({}));
    assert.throws(() => new RecallAtBudget({ alerts: 1, fraction: 0.1 }));
  });
});
