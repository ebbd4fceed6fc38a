/**
 * River's binary `metrics.F1` (`FBeta` with beta = 1).
 */
import { BinaryLabelMetric } from "./binary-metric.ts";

/**
 * Binary F1 of the positive label (default true): `2·p·r / (p + r)` from precision `p` and recall `r`,
 * 0 when undefined. Only the positive class counts, as River's `metrics.F1`.
 *
 * @example
 * const f1 = new F1();
 * for (const [t, p] of [[false, false], [false, false], [false, true], [true, true], [true, false], [true, false]])
 *   f1.update(t, p);
 * f1.get(); // 0.4
 * @see https://github.com/online-ml/river/blob/0.19.0/river/metrics/fbeta.py
 */
export class F1 extends BinaryLabelMetric {
  readonly name = "F1";

  get(): number {
    const p = this.counts.precision();
    const r = this.counts.recall();
    const d = p + r;
    return d === 0 ? 0 : (2 * p * r) / d;
  }
}
