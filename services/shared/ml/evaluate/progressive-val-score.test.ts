import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ClassLabel, Classifier, EstimatorJSON, Features, Proba } from "../base.ts";
import { Accuracy } from "../metrics/accuracy.ts";
import { LogLoss } from "../metrics/log-loss.ts";
import { ROCAUC } from "../metrics/roc-auc.ts";
import { progressiveValScore, type Sample } from "./progressive-val-score.ts";

/** A classifier that logs calls; it predicts the last label it learned ({} / undefined before). */
function recorder(log: string[]): Classifier {
  let last: ClassLabel | undefined;
  const m: Classifier = {
    kind: "Rec",
    params: {},
    clone: () => m,
    toJSON: (): EstimatorJSON => ({ kind: "Rec", params: {}, state: null }),
    learnOne: (x: Features, y: ClassLabel) => {
      log.push(`L${x["i"]}`);
      last = y;
    },
    predictProbaOne: (x: Features): Proba => {
      log.push(`P${x["i"]}`);
      return last === undefined ? new Map() : new Map([[last, 1]]);
    },
    predictOne: (x: Features) => {
      log.push(`P${x["i"]}`);
      return last;
    },
  };
  return m;
}

const data: Sample[] = Array.from({ length: 6 }, (_, i) => [{ i }, i % 2 === 0] as const);

describe("progressiveValScore", () => {
  it("predicts then learns each sample (no delay; delay 0 and 1 are the same, as in River)", () => {
    for (const delay of [undefined, 0, 1]) {
      const log: string[] = [];
      progressiveValScore(data, recorder(log), new Accuracy(), delay === undefined ? {} : { delay });
      assert.deepEqual(log, ["P0", "L0", "P1", "L1", "P2", "L2", "P3", "L3", "P4", "L4", "P5", "L5"]);
    }
  });

  it("with delay d, reveals sample i's label just before predicting sample i + d", () => {
    const log: string[] = [];
    progressiveValScore(data, recorder(log), new Accuracy(), { delay: 2 });
    assert.deepEqual(log, ["P0", "P1", "L0", "P2", "L1", "P3", "L2", "P4", "L3", "P5", "L4", "L5"]);
  });

  it("supports per-sample delays (sorted by reveal time, ties in arrival order)", () => {
    const log: string[] = [];
    progressiveValScore(data, recorder(log), new Accuracy(), { delay: (x) => (x["i"] === 0 ? 4 : 1) });
    assert.deepEqual(log, ["P0", "P1", "L1", "P2", "L2", "P3", "L0", "L3", "P4", "L4", "P5", "L5"]);
  });

  it("skips the metric when the prediction is undefined or {} but still learns", () => {
    const acc = progressiveValScore(data, recorder([]), new Accuracy());
    assert.equal(acc.cm.totalWeight, 5); // sample 0 had no prediction
    assert.equal(acc.get(), 0); // labels alternate, the model repeats the last one
    const [auc, acc2] = progressiveValScore(data, recorder([]), [new ROCAUC(), new Accuracy()] as const);
    assert.equal(acc2.cm.totalWeight, 5);
    assert.equal(auc.get(), 0);
  });

  it("uses predictProbaOne when a metric needs probabilities, and labels for the others", () => {
    const log: string[] = [];
    const [ll, acc] = progressiveValScore(data, recorder(log), [new LogLoss(), new Accuracy()] as const);
    assert.ok(log.includes("P0"));
    assert.equal(acc.cm.totalWeight, 5);
    assert.ok(ll.get() > 30); // every prediction is confidently wrong
  });

  it("reports checkpoints every `step` answers and at the end", () => {
    const seen: number[] = [];
    progressiveValScore(data, recorder([]), new Accuracy(), { step: 4, onCheckpoint: (n) => seen.push(n) });
    assert.deepEqual(seen, [4, 6]);
  });
});
