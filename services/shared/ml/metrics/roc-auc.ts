/**
 * River's approximate `metrics.ROCAUC` (`river/metrics/roc_auc.py`).
 */
import type { ClassLabel, Metric, Proba } from "../base.ts";
import { check } from "../math.ts";

/** ROCAUC parameters. */
export interface ROCAUCParams {
  /** Number of thresholds discretising the ROC curve (default 10). */
  nThresholds?: number;
  /** The positive label (default true). */
  posVal?: ClassLabel;
}

/**
 * ROC AUC approximated on `nThresholds` evenly spaced thresholds `i/(n-1)` (the first lowered and the
 * last raised by 1e-7): one 2×2 table per threshold (predicted positive iff `P(pos) > t`), then the
 * trapezoidal area under (FPR, TPR). Fed probabilities (`requiresLabels` false): a Proba, or a number
 * taken as `P(pos)`.
 *
 * @example
 * const auc = new ROCAUC();
 * [[false, 0.1], [false, 0.4], [true, 0.35], [true, 0.8]].forEach(([y, p]) => auc.update(y as boolean, p as number));
 * auc.get(); // 0.875
 * @see https://github.com/online-ml/river/blob/0.19.0/river/metrics/roc_auc.py
 */
export class ROCAUC implements Metric {
  readonly name = "ROCAUC";
  readonly bigger_is_better = true;
  readonly requiresLabels = false;
  readonly nThresholds: number;
  readonly posVal: ClassLabel;
  readonly #thresholds: Float64Array;
  readonly #tp: Float64Array;
  readonly #fp: Float64Array;
  readonly #fn: Float64Array;
  readonly #tn: Float64Array;

  constructor(params: ROCAUCParams = {}) {
    const n = params.nThresholds ?? 10;
    check(Number.isInteger(n) && n >= 2, "ROCAUC", "nThresholds must be an integer >= 2");
    this.nThresholds = n;
    this.posVal = params.posVal ?? true;
    this.#thresholds = new Float64Array(n);
    for (let i = 0; i < n; i++) this.#thresholds[i] = i / (n - 1);
    this.#thresholds[0]! -= 1e-7;
    this.#thresholds[n - 1]! += 1e-7;
    this.#tp = new Float64Array(n);
    this.#fp = new Float64Array(n);
    this.#fn = new Float64Array(n);
    this.#tn = new Float64Array(n);
  }

  #pTrue(yPred: ClassLabel | Proba | undefined): number {
    if (yPred instanceof Map) return yPred.get(this.posVal) ?? 0;
    if (typeof yPred === "number") return yPred;
    return yPred === this.posVal ? 1 : 0;
  }

  #add(yTrue: ClassLabel, yPred: ClassLabel | Proba | undefined, w: number): void {
    const actual = yTrue === this.posVal;
    const p = this.#pTrue(yPred);
    for (let i = 0; i < this.nThresholds; i++) {
      const predicted = p > this.#thresholds[i]!;
      if (actual) {
        if (predicted) this.#tp[i]! += w;
        else this.#fn[i]! += w;
      } else if (predicted) this.#fp[i]! += w;
      else this.#tn[i]! += w;
    }
  }

  update(yTrue: ClassLabel, yPred: ClassLabel | Proba | undefined, w = 1): void {
    this.#add(yTrue, yPred, w);
  }

  revert(yTrue: ClassLabel, yPred: ClassLabel | Proba | undefined, w = 1): void {
    this.#add(yTrue, yPred, -w);
  }

  get(): number {
    const n = this.nThresholds;
    let area = 0;
    let prevX = 0;
    let prevY = 0;
    for (let i = 0; i < n; i++) {
      const tp = this.#tp[i]!;
      const fn = this.#fn[i]!;
      const fp = this.#fp[i]!;
      const tn = this.#tn[i]!;
      const tpr = tp + fn === 0 ? 0 : tp / (tp + fn);
      const fpr = fp + tn === 0 ? 0 : fp / (fp + tn);
      if (i > 0) area += ((fpr - prevX) * (tpr + prevY)) / 2;
      prevX = fpr;
      prevY = tpr;
    }
    return 0 - area; // River: -trapezoid(x=fpr, y=tpr); 0 - area avoids -0
  }
}
