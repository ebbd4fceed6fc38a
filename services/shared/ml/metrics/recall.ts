/**
 * River's binary `metrics.Recall`.
 */
import { BinaryLabelMetric } from "./binary-metric.ts";

/**
 * `tp / (tp + fn)` for the positive label (default true); 0 when undefined.
 *
 * @example
 * const m = new Recall();
 * m.update(true, true); m.update(true, false);
 * m.get(); // 0.5
 * @see https://github.com/online-ml/river/blob/0.19.0/river/metrics/recall.py
 */
export class Recall extends BinaryLabelMetric {
  readonly name = "Recall";

  get(): number {
    return this.counts.recall();
  }
}
