/**
 * River's `metrics.Rolling`: any revertible metric over the last `windowSize` updates.
 */
import type { ClassLabel, Metric, Proba } from "../base.ts";
import { check } from "../math.ts";

type Revertible = Metric & {
  revert(yTrue: ClassLabel, yPred: ClassLabel | Proba | undefined, w?: number, correction?: unknown): void;
  update(yTrue: ClassLabel, yPred: ClassLabel | Proba | undefined, w?: number): void;
  readonly sampleCorrection?: unknown;
};

/**
 * Keeps the last `windowSize` `(yTrue, yPred)` pairs in a ring buffer; when full, the oldest pair is
 * reverted from the wrapped metric before the new one is added. The wrapped metric must have `revert`.
 *
 * @example
 * const acc = new Rolling(new Accuracy(), 2);
 * acc.update(true, false); acc.update(true, true); acc.update(true, true);
 * acc.get(); // 1
 * @see https://github.com/online-ml/river/blob/0.19.0/river/metrics/rolling.py
 */
export class Rolling implements Metric {
  readonly name: string;
  readonly bigger_is_better: boolean;
  readonly requiresLabels: boolean;
  readonly metric: Revertible;
  readonly windowSize: number;
  readonly #yTrue: ClassLabel[];
  readonly #yPred: (ClassLabel | Proba | undefined)[];
  readonly #w: Float64Array;
  readonly #corr: unknown[];
  #start = 0;
  #size = 0;

  constructor(metric: Metric, windowSize: number) {
    check(typeof metric?.revert === "function", "Rolling", `${metric?.name} has no revert`);
    check(Number.isInteger(windowSize) && windowSize >= 1, "Rolling", "windowSize must be an integer >= 1");
    this.metric = metric as Revertible;
    this.windowSize = windowSize;
    this.name = `Rolling(${metric.name}, ${windowSize})`;
    this.bigger_is_better = metric.bigger_is_better ?? true;
    this.requiresLabels = metric.requiresLabels ?? true;
    this.#yTrue = new Array<ClassLabel>(windowSize);
    this.#yPred = new Array<ClassLabel | Proba | undefined>(windowSize);
    this.#w = new Float64Array(windowSize);
    this.#corr = new Array<unknown>(windowSize);
  }

  /** Number of pairs in the window. */
  get size(): number {
    return this.#size;
  }

  update(yTrue: ClassLabel, yPred: ClassLabel | Proba | undefined, w = 1): void {
    let slot: number;
    if (this.#size === this.windowSize) {
      slot = this.#start;
      this.metric.revert(this.#yTrue[slot]!, this.#yPred[slot], this.#w[slot]!, this.#corr[slot]);
      this.#start = (this.#start + 1) % this.windowSize;
    } else {
      slot = (this.#start + this.#size) % this.windowSize;
      this.#size += 1;
    }
    this.metric.update(yTrue, yPred, w);
    this.#yTrue[slot] = yTrue;
    this.#yPred[slot] = yPred;
    this.#w[slot] = w;
    this.#corr[slot] = this.metric.sampleCorrection;
  }

  /** Reverts from the wrapped metric only (as River); the pair stays in the window. */
  revert(yTrue: ClassLabel, yPred: ClassLabel | Proba | undefined, w = 1): void {
    this.metric.revert(yTrue, yPred, w);
  }

  get(): number {
    return this.metric.get();
  }
}
