/**
 * Kappa-temporal (River ≤ 0.10 `metrics.KappaT`; Bifet et al. 2013): accuracy relative to the
 * no-change classifier, which predicts the previous true label.
 */
import type { ClassLabel, Metric, Proba } from "../base.ts";
import { asLabel } from "./confusion-matrix.ts";

/**
 * `(p0 - pe) / (1 - pe)` where `p0` is accuracy and `pe` the accuracy of the no-change classifier
 * (true label equal to the previous true label); 0 when undefined. Negative when the model is worse
 * than repeating the last label (as on Elec2). The first sample never counts as a no-change hit.
 * `revert` is FIFO-exact when given the `sampleCorrection` read after the matching `update`
 * (`Rolling` does this).
 *
 * @example
 * const k = new KappaT();
 * const t = ["cat", "ant", "cat", "cat", "ant", "bird"], p = ["ant", "ant", "cat", "cat", "ant", "cat"];
 * t.forEach((y, i) => k.update(y, p[i]));
 * k.get(); // 0.6
 * @see https://github.com/online-ml/river/blob/0.10.0/river/metrics/kappa.py
 */
export class KappaT implements Metric {
  readonly name = "KappaT";
  readonly bigger_is_better = true;
  readonly requiresLabels = true;
  #n = 0;
  #correct = 0;
  #noChangeCorrect = 0;
  #hasLast = false;
  #lastTrue: ClassLabel = false;
  /** Whether the last update was a no-change hit (pass to `revert`). */
  sampleCorrection = false;

  update(yTrue: ClassLabel, yPred: ClassLabel | Proba | undefined, w = 1): void {
    const p = asLabel(yPred);
    if (p === undefined) return;
    this.#n += 1;
    if (p === yTrue) this.#correct += w;
    this.sampleCorrection = this.#hasLast && this.#lastTrue === yTrue;
    if (this.sampleCorrection) this.#noChangeCorrect += w;
    this.#hasLast = true;
    this.#lastTrue = yTrue;
  }

  /** Undoes an update; `correction` is the `sampleCorrection` recorded right after it. */
  revert(yTrue: ClassLabel, yPred: ClassLabel | Proba | undefined, w = 1, correction?: unknown): void {
    const p = asLabel(yPred);
    if (p === undefined) return;
    this.#n -= 1;
    if (p === yTrue) this.#correct -= w;
    if (correction === true) this.#noChangeCorrect -= w;
  }

  get(): number {
    if (this.#n === 0) return 0;
    const p0 = this.#correct / this.#n;
    const pe = this.#noChangeCorrect / this.#n;
    return pe === 1 ? 0 : (p0 - pe) / (1 - pe);
  }
}
