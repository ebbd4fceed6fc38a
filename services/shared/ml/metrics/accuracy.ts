/**
 * River's `metrics.Accuracy`.
 */
import type { ClassLabel, Metric, Proba } from "../base.ts";
import { asLabel, ConfusionMatrix } from "./confusion-matrix.ts";

/**
 * Share of correct predictions: `Σ diagonal / total weight` (0 before any update).
 *
 * @example
 * const acc = new Accuracy();
 * acc.update(true, true); acc.update(true, false);
 * acc.get(); // 0.5
 * @see https://github.com/online-ml/river/blob/0.19.0/river/metrics/accuracy.py
 */
export class Accuracy implements Metric {
  readonly name = "Accuracy";
  readonly bigger_is_better = true;
  readonly requiresLabels = true;
  readonly cm = new ConfusionMatrix();

  update(yTrue: ClassLabel, yPred: ClassLabel | Proba | undefined, w = 1): void {
    const p = asLabel(yPred);
    if (p !== undefined) this.cm.update(yTrue, p, w);
  }

  revert(yTrue: ClassLabel, yPred: ClassLabel | Proba | undefined, w = 1): void {
    const p = asLabel(yPred);
    if (p !== undefined) this.cm.revert(yTrue, p, w);
  }

  get(): number {
    return this.cm.totalWeight === 0 ? 0 : this.cm.sumDiag / this.cm.totalWeight;
  }
}
