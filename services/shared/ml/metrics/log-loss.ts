/**
 * River's binary `metrics.LogLoss`.
 */
import type { ClassLabel, Metric, Proba } from "../base.ts";
import { clamp } from "../math.ts";

/** LogLoss parameters. */
export interface LogLossParams {
  /** The positive label (default true). */
  posVal?: ClassLabel;
}

/**
 * Mean binary cross-entropy, `-log p` for positives and `-log(1 - p)` otherwise, with `p = P(pos)`
 * clamped to [1e-15, 1 - 1e-15] (a label prediction counts as p = 1 or 0). Lower is better.
 *
 * @example
 * const m = new LogLoss();
 * m.update(true, 0.9); m.get(); // 0.105360…
 * @see https://github.com/online-ml/river/blob/0.19.0/river/metrics/log_loss.py
 */
export class LogLoss implements Metric {
  readonly name = "LogLoss";
  readonly bigger_is_better = false;
  readonly requiresLabels = false;
  readonly posVal: ClassLabel;
  #n = 0;
  #mean = 0;

  constructor(params: LogLossParams = {}) {
    this.posVal = params.posVal ?? true;
  }

  #eval(yTrue: ClassLabel, yPred: ClassLabel | Proba | undefined): number {
    let p: number;
    if (yPred instanceof Map) p = yPred.get(this.posVal) ?? 0;
    else if (typeof yPred === "number") p = yPred;
    else p = yPred === this.posVal ? 1 : 0;
    p = clamp(p, 1e-15, 1 - 1e-15);
    return yTrue === this.posVal ? -Math.log(p) : -Math.log(1 - p);
  }

  update(yTrue: ClassLabel, yPred: ClassLabel | Proba | undefined, w = 1): void {
    const x = this.#eval(yTrue, yPred);
    this.#n += w;
    this.#mean += (w / this.#n) * (x - this.#mean);
  }

  revert(yTrue: ClassLabel, yPred: ClassLabel | Proba | undefined, w = 1): void {
    const x = this.#eval(yTrue, yPred);
    this.#n -= w;
    if (this.#n <= 0) {
      this.#n = 0;
      this.#mean = 0;
    } else this.#mean -= (w / this.#n) * (x - this.#mean);
  }

  get(): number {
    return this.#mean;
  }
}
