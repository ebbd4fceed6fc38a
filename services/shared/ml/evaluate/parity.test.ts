/**
 * Parity with River on real data (test/fixtures; see reference/ml-parity.md §1, §3, §4). The
 * reference numbers are River's printed outputs; we assert them at the precision River printed.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import { parse } from "csv-parse/sync";
import type { Classifier, Features } from "../base.ts";
import { createPipeline, Pipeline } from "../compose/pipeline.ts";
import { ALMAClassifier } from "../linear/alma-classifier.ts";
import { LogisticRegression } from "../linear/logistic-regression.ts";
import { Accuracy } from "../metrics/accuracy.ts";
import { F1 } from "../metrics/f1.ts";
import { ROCAUC } from "../metrics/roc-auc.ts";
import { GaussianNB } from "../naive-bayes/gaussian-nb.ts";
import { StandardScaler } from "../preprocessing/standard-scaler.ts";
import { progressiveValScore, type Sample } from "./progressive-val-score.ts";

const FIXTURES = new URL("../../../../test/fixtures/", import.meta.url);

/** Reads a fixture CSV (gzipped or not); every column but `label` is a float feature, in file order. */
function loadCsv(file: string, label: string): Sample[] {
  const raw = readFileSync(new URL(file, FIXTURES));
  const text = (file.endsWith(".gz") ? gunzipSync(raw) : raw).toString("utf8");
  const rows = parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  return rows.map((row) => {
    const x: Features = {};
    for (const [k, v] of Object.entries(row)) if (k !== label) x[k] = Number.parseFloat(v);
    return [x, row[label] === "1"] as const; // River: "1" → True
  });
}

const phishing = loadCsv("phishing.csv.gz", "is_phishing");
const bananas = loadCsv("bananas.csv", "label");

/** `round(v, digits)`, for comparing with River's printed figures. */
const round = (v: number, digits: number): number => Number(v.toFixed(digits));

function accF1(data: readonly Sample[], model: Classifier): { acc: Accuracy; f1: F1 } {
  const [acc, f1] = progressiveValScore(data, model, [new Accuracy(), new F1()] as const);
  return { acc, f1 };
}

const lr = (lr: number) => createPipeline(new StandardScaler(), new LogisticRegression({ lr }));
const alma = () => createPipeline(new StandardScaler(), new ALMAClassifier());
/** River ≤ 0.15 pipelines updated the scaler in predict_one (now `compose.learn_during_predict()`). */
const legacy = (model: Classifier) =>
  new Pipeline({ transformers: [new StandardScaler()], model, learnDuringPredict: true });

describe("fixtures", () => {
  it("have River's row counts and class balance", () => {
    assert.equal(phishing.length, 1250);
    assert.equal(phishing.filter(([, y]) => y === true).length, 548);
    assert.equal(Object.keys(phishing[0]![0]).length, 9);
    assert.equal(bananas.length, 5300);
    assert.equal(bananas.filter(([, y]) => y === true).length, 2376);
  });
});

describe("River 0.19.0 binary-classification benchmark (Accuracy / F1)", () => {
  const table: [string, readonly Sample[], () => Classifier, number, number][] = [
    ["Phishing, StandardScaler | LR(SGD 0.005)", phishing, () => lr(0.005), 0.8872, 0.871233],
    ["Phishing, StandardScaler | ALMA", phishing, alma, 0.8256, 0.810764],
    ["Phishing, GaussianNB", phishing, () => new GaussianNB(), 0.884708, 0.871429],
    ["Bananas, StandardScaler | LR(SGD 0.005)", bananas, () => lr(0.005), 0.543208, 0.197015],
    ["Bananas, StandardScaler | ALMA", bananas, alma, 0.506415, 0.482595],
    ["Bananas, GaussianNB", bananas, () => new GaussianNB(), 0.61521, 0.413912],
  ];
  for (const [name, data, create, accRef, f1Ref] of table) {
    it(`${name}: ${accRef} / ${f1Ref}`, () => {
      const { acc, f1 } = accF1(data, create());
      assert.equal(round(acc.get(), 6), accRef);
      assert.equal(round(f1.get(), 6), f1Ref);
    });
  }

  it("scores every sample for LR (1109/1250) but skips GaussianNB's first, empty prediction (1105/1249)", () => {
    const lrAcc = accF1(phishing, lr(0.005)).acc;
    assert.deepEqual([lrAcc.cm.sumDiag, lrAcc.cm.totalWeight], [1109, 1250]);
    const nbAcc = accF1(phishing, new GaussianNB()).acc;
    assert.deepEqual([nbAcc.cm.sumDiag, nbAcc.cm.totalWeight], [1105, 1249]);
  });
});

describe("River docstrings on Phishing", () => {
  it("StandardScaler | LogisticRegression(SGD(0.1)): Accuracy 88.96%, F1 0.878521", () => {
    const { acc, f1 } = accF1(phishing, lr(0.1));
    assert.equal(round(acc.get() * 100, 2), 88.96);
    assert.equal(round(f1.get(), 6), 0.878521);
  });

  it("StandardScaler | ALMAClassifier(): Accuracy 82.56%", () => {
    assert.equal(round(accF1(phishing, alma()).acc.get() * 100, 2), 82.56);
  });

  it("README loop (predict_one, learn_one, default LogisticRegression): Accuracy 89.28%", () => {
    const model = createPipeline(new StandardScaler(), new LogisticRegression());
    const acc = new Accuracy();
    for (const [x, y] of phishing) {
      const yPred = model.predictOne(x);
      model.learnOne(x, y);
      acc.update(y, yPred);
    }
    assert.equal(round(acc.get() * 100, 2), 89.28);
  });

  it("StandardScaler | LogisticRegression(), ROCAUC every 200 (progressive_validation.py @ 002ab6ce, pre-0.19 pipeline)", () => {
    const trace: [number, number][] = [];
    progressiveValScore(phishing, legacy(new LogisticRegression()), new ROCAUC(), {
      step: 200,
      onCheckpoint: (n, [m]) => trace.push([n, round(m!.get() * 100, 2)]),
    });
    assert.deepEqual(trace, [
      [200, 89.8], [400, 92.09], [600, 93.13], [800, 93.99], [1000, 94.74], [1200, 95.03], [1250, 95.04],
    ]);
  });
});

describe("River 0.15.0 benchmark (pipelines then learned the scaler in predict_one)", () => {
  it("Phishing LR(SGD 0.005): 0.888 / 0.872263", () => {
    const { acc, f1 } = accF1(phishing, legacy(new LogisticRegression({ lr: 0.005 })));
    assert.equal(round(acc.get(), 6), 0.888);
    assert.equal(round(f1.get(), 6), 0.872263);
  });

  it("Phishing ALMA: 0.8264 / 0.811795", () => {
    const { acc, f1 } = accF1(phishing, legacy(new ALMAClassifier()));
    assert.equal(round(acc.get(), 6), 0.8264);
    assert.equal(round(f1.get(), 6), 0.811795);
  });

  it("Bananas LR(SGD 0.005): 0.543019 / 0.195349", () => {
    const { acc, f1 } = accF1(bananas, legacy(new LogisticRegression({ lr: 0.005 })));
    assert.equal(round(acc.get(), 6), 0.543019);
    assert.equal(round(f1.get(), 6), 0.195349);
  });
});
