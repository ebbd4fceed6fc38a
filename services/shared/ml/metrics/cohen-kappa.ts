/**
 * River's `metrics.CohenKappa`.
 */
import type { ClassLabel, Metric, Proba } from "../base.ts";
import { asLabel, ConfusionMatrix } from "./confusion-matrix.ts";

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
export class CohenKappa implements Metric {
  readonly name = "CohenKappa";
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
