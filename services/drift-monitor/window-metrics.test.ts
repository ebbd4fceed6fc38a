import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Accuracy, CohenKappa, F1, KappaT, ROCAUC } from "../shared/ml/metrics/index.ts";
import { createWindowMetrics } from "./window-metrics.ts";

/** A seeded uniform in [0, 1). */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

interface Sample { y: boolean; pred: boolean; score: number }

function stream(n: number, seed: number): Sample[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => {
    const y = r() < 0.3;
    const score = Math.min(1, Math.max(0, (y ? 0.65 : 0.35) + (r() - 0.5) * 0.8));
    return { y, pred: score > 0.5, score };
  });
}

/** River's metrics fed only the given samples: what Rolling must equal over the last N. */
function fresh(samples: Sample[]) {
  const acc = new Accuracy(), kappa = new CohenKappa(), f1 = new F1(), auc = new ROCAUC();
  for (const s of samples) {
    acc.update(s.y, s.pred);
    kappa.update(s.y, s.pred);
    f1.update(s.y, s.pred);
    auc.update(s.y, new Map([[true, s.score], [false, 1 - s.score]]));
  }
  return { accuracy: acc.get(), kappa: kappa.get(), f1: f1.get(), roc_auc: auc.get() };
}

/** Accuracy, Cohen's kappa and F1 from the confusion counts, by hand. */
function byHand(samples: Sample[]) {
  let tp = 0, fp = 0, fn = 0, tn = 0;
  for (const s of samples) {
    if (s.y && s.pred) tp++;
    else if (!s.y && s.pred) fp++;
    else if (s.y) fn++;
    else tn++;
  }
  const n = samples.length;
  const p0 = (tp + tn) / n;
  const pe = ((tp + fn) / n) * ((tp + fp) / n) + ((tn + fp) / n) * ((tn + fn) / n);
  return { accuracy: p0, kappa: (p0 - pe) / (1 - pe), f1: (2 * tp) / (2 * tp + fp + fn) };
}

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} vs ${b}`);

describe("window metrics", () => {
  it("equal River's metrics over the last N samples (Rolling semantics), at every step", () => {
    const N = 50;
    const data = stream(400, 3);
    const m = createWindowMetrics(N);
    data.forEach((s, i) => {
      m.update(String(s.y), { label: String(s.pred), score: s.score });
      if (i % 7 !== 0 && i !== data.length - 1) return;
      const last = data.slice(Math.max(0, i + 1 - N), i + 1);
      const got = m.values();
      const want = fresh(last);
      for (const k of ["accuracy", "kappa", "f1", "roc_auc"] as const) close(got[k], want[k], `${k} at ${i}`);
      if (i >= N) {
        const hand = byHand(last);
        for (const k of ["accuracy", "kappa", "f1"] as const) close(got[k], hand[k], `${k} by hand at ${i}`);
      }
    });
  });

  it("with window 0 are cumulative and add kappa_t", () => {
    const data = stream(300, 9);
    const m = createWindowMetrics(0);
    const kt = new KappaT();
    for (const s of data) {
      m.update(String(s.y), { label: String(s.pred), score: s.score });
      kt.update(s.y, s.pred);
    }
    const got = m.values();
    const want = fresh(data);
    for (const k of ["accuracy", "kappa", "f1", "roc_auc"] as const) close(got[k], want[k], k);
    close(got.kappa_t, kt.get(), "kappa_t");
    assert.equal(createWindowMetrics(10).values().kappa_t, undefined);
  });

  it("has no ROC AUC once labels are not binary", () => {
    const m = createWindowMetrics(10);
    m.update("UP", { label: "UP", score: 0 });
    m.update("DOWN", { label: "UP", score: 0 });
    const v = m.values();
    assert.equal(v.accuracy, 0.5);
    assert.equal(v.roc_auc, undefined);
  });
});
