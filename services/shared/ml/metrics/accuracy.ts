/**
 * River's `metrics.Accuracy`.
 */
import type { Metric } from "../base.ts";
import { ConfusionMatrixMetric } from "./confusion-matrix.ts";

/**
 * Share of correct predictions: `Σ diagonal / total weight` (0 before any update).
 *
 * @example
 * const acc = new Accuracy();
 * acc.update(true, true); acc.update(true, false);
 * acc.get(); // 0.5
 * @see https://github.com/online-ml/river/blob/0.19.0/river/metrics/accuracy.py
 */
export class Accuracy extends ConfusionMatrixMetric implements Metric {
  readonly name = "Accuracy";

  get(): number {
    return this.cm.totalWeight === 0 ? 0 : this.cm.sumDiag / this.cm.totalWeight;
  }
}
