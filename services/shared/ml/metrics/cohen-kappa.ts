/**
 * River's `metrics.CohenKappa`.
 */
import type { Metric } from "../base.ts";
import { ConfusionMatrixMetric } from "./confusion-matrix.ts";

/**
 * Cohen's kappa `(p0 - pe) / (1 - pe)`: `p0` is accuracy, `pe` the chance agreement
 * `Σ_c (row_c / n)(col_c / n)`; 0 when undefined. Multiclass.
 *
 * @example
 * const k = new CohenKappa();
 * const t = ["cat", "ant", "cat", "cat", "ant", "bird"], p = ["ant", "ant", "cat", "cat", "ant", "cat"];
 * t.forEach((y, i) => k.update(y, p[i]));
 * k.get(); // 0.428571…
 * @see https://github.com/online-ml/river/blob/0.19.0/river/metrics/kappa.py
 */
export class CohenKappa extends ConfusionMatrixMetric implements Metric {
  readonly name = "CohenKappa";

  get(): number {
    const n = this.cm.nSamples;
    if (n === 0) return 0;
    const p0 = this.cm.sumDiag / n;
    let pe = 0;
    for (const c of this.cm.classes) {
      pe += ((this.cm.sumRow.get(c) ?? 0) / n) * ((this.cm.sumCol.get(c) ?? 0) / n);
    }
    return pe === 1 ? 0 : (p0 - pe) / (1 - pe);
  }
}
