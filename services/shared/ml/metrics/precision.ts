/**
 * River's binary `metrics.Precision`.
 */
import { BinaryLabelMetric } from "./binary-metric.ts";

/**
 * `tp / (tp + fp)` for the positive label (default true); 0 when undefined.
 *
 * @example
 * const m = new Precision();
 * m.update(true, true); m.update(false, true);
 * m.get(); // 0.5
 * @see https://github.com/online-ml/river/blob/0.19.0/river/metrics/precision.py
 */
export class Precision extends BinaryLabelMetric {
  readonly name = "Precision";

  get(): number {
    return this.counts.precision();
  }
}
