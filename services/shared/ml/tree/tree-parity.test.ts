/**
 * River 0.19.0 benchmark parity (reference/ml-parity.md §3): HoeffdingTreeClassifier() with progressive
 * validation on Phishing and Bananas. The brief allows ±0.5 pt; this port reproduces River's counts
 * exactly, so the tests also pin the published digits.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import type { ClassLabel, Classifier, Features } from "../base.ts";
import { AdaptiveRandomForestClassifier } from "./adaptive-random-forest-classifier.ts";
import { HoeffdingTreeClassifier } from "./hoeffding-tree-classifier.ts";

const FIXTURES = new URL("../../../../test/fixtures/", import.meta.url);

/** Reads a CSV fixture (optionally gzipped) into samples; `label` column = `positive` → true. */
function loadBinaryFixture(file: string, label: string, positive = "1"): { x: Features; y: boolean }[] {
  const raw = readFileSync(new URL(file, FIXTURES));
  const text = file.endsWith(".gz") ? gunzipSync(raw).toString("utf8") : raw.toString("utf8");
  const lines = text.trim().split(/\r?\n/);
  const head = lines[0]!.split(",");
  return lines.slice(1).map((line) => {
    const v = line.split(",");
    const x: Features = {};
    let y = false;
    head.forEach((h, i) => {
      if (h === label) y = v[i] === positive;
      else x[h] = Number(v[i]);
    });
    return { x, y };
  });
}

/** Progressive validation with River's rules; returns accuracy, binary F1 (pos = true) and counts. */
function progressiveScore(model: Classifier, data: readonly { x: Features; y: ClassLabel }[]) {
  let n = 0;
  let correct = 0;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const { x, y } of data) {
    const p = model.predictOne(x);
    if (p !== undefined) {
      n++;
      if (p === y) correct++;
      if (p === true && y === true) tp++;
      else if (p === true) fp++;
      else if (y === true) fn++;
    }
    model.learnOne(x, y);
  }
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { n, correct, accuracy: n === 0 ? 0 : correct / n, f1 };
}

describe("HoeffdingTreeClassifier parity with River 0.19.0", () => {
  it("Phishing: accuracy 0.879904 (1099/1249), F1 0.860595", () => {
    const r = progressiveScore(new HoeffdingTreeClassifier(), loadBinaryFixture("phishing.csv.gz", "is_phishing"));
    assert.equal(r.n, 1249, "the first sample is not scored (empty prediction)");
    assert.ok(Math.abs(r.accuracy - 0.879904) <= 0.005, `accuracy ${r.accuracy} not within 0.5 pt`);
    assert.equal(r.correct, 1099);
    assert.equal(r.accuracy.toFixed(6), "0.879904");
    assert.equal(r.f1.toFixed(6), "0.860595");
  });

  it("Bananas: accuracy 0.642197, F1 0.503405", () => {
    const r = progressiveScore(new HoeffdingTreeClassifier(), loadBinaryFixture("bananas.csv", "label"));
    assert.equal(r.n, 5299);
    assert.ok(Math.abs(r.accuracy - 0.642197) <= 0.005, `accuracy ${r.accuracy} not within 0.5 pt`);
    assert.equal(r.accuracy.toFixed(6), "0.642197");
    assert.equal(r.f1.toFixed(6), "0.503405");
  });
});

/**
 * ARFClassifier(seed=42): River 0.19.0 Phishing 0.907926, Bananas 0.88696. Seeded ensembles are held to
 * ±1 pt (reference/ml-parity.md §3 allows 1–2 pt). This port draws CPython's Mersenne Twister in River's
 * order; it lands at 0.902322 / 0.885828 (6 and 3 samples from River 0.19.0 run here, 0.907126 / 0.886394),
 * so some draw or tie still differs.
 */
describe("AdaptiveRandomForestClassifier(seed=42) parity with River 0.19.0", () => {
  it("Phishing: accuracy within 1 pt of 0.907926", () => {
    const r = progressiveScore(new AdaptiveRandomForestClassifier({ seed: 42 }), loadBinaryFixture("phishing.csv.gz", "is_phishing"));
    assert.equal(r.n, 1249);
    assert.ok(Math.abs(r.accuracy - 0.907926) <= 0.01, `accuracy ${r.accuracy}`);
  });

  it("Bananas: accuracy within 1 pt of 0.88696", () => {
    const r = progressiveScore(new AdaptiveRandomForestClassifier({ seed: 42 }), loadBinaryFixture("bananas.csv", "label"));
    assert.equal(r.n, 5299);
    assert.ok(Math.abs(r.accuracy - 0.88696) <= 0.01, `accuracy ${r.accuracy}`);
  });
});
