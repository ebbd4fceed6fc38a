/**
 * River's `linear_model.ALMAClassifier` (`river/linear_model/alma.py`).
 */
import type { ClassLabel, Classifier, EstimatorJSON, Features, Proba } from "../base.ts";
import { binaryLabel, check, isFiniteNumber, sigmoid } from "../math.ts";
import { expectKind, registerEstimator } from "../registry.ts";

/** ALMAClassifier parameters (River defaults). */
export interface ALMAClassifierParams {
  /** Norm order (default 2); must be > 1. */
  p?: number;
  /** Margin fraction (default 0.9), in (0, 1]. */
  alpha?: number;
  /** Margin scale (default 1 / 0.9). */
  B?: number;
  /** Step scale (default sqrt(2)). */
  C?: number;
}

/**
 * Approximate Large Margin Algorithm (Gentile 2001), binary labels `true` / `false` mapped to ±1.
 * On a margin error (`y·w·x < (1 - alpha)·gamma`, `gamma = B·sqrt(p-1)/sqrt(k)`) it adds
 * `eta·y·x` (`eta = C/(sqrt(p-1)·sqrt(k))`), divides the touched weights by `max(1, ‖w‖_p)` and
 * increments `k` (which starts at 1). `predictProbaOne` is `sigmoid(w·x)`; ties predict false.
 *
 * @example
 * const model = new ALMAClassifier();
 * model.learnOne({ a: 1 }, true);
 * model.predictOne({ a: 1 }); // true
 * @see https://github.com/online-ml/river/blob/0.19.0/river/linear_model/alma.py
 */
export class ALMAClassifier implements Classifier {
  readonly kind = "ALMAClassifier";
  readonly params: Readonly<Required<ALMAClassifierParams>>;
  #w = new Map<string, number>();
  #k = 1;

  constructor(params: ALMAClassifierParams = {}) {
    const p = params.p ?? 2;
    const alpha = params.alpha ?? 0.9;
    const B = params.B ?? 1 / 0.9;
    const C = params.C ?? 2 ** 0.5;
    const who = "ALMAClassifier";
    check(isFiniteNumber(p) && p > 1, who, "p must be > 1");
    check(isFiniteNumber(alpha) && alpha > 0 && alpha <= 1, who, "alpha must be in (0, 1]");
    check(isFiniteNumber(B) && B > 0, who, "B must be > 0");
    check(isFiniteNumber(C) && C > 0, who, "C must be > 0");
    this.params = Object.freeze({ p, alpha, B, C });
  }

  /** Number of updates + 1 (River's `k`). */
  get k(): number {
    return this.#k;
  }

  #rawDot(x: Features): number {
    const w = this.#w;
    let sum = 0;
    for (const key in x) {
      const wi = w.get(key);
      if (wi !== undefined) sum += x[key]! * wi;
    }
    return sum;
  }

  #norm(): number {
    const p = this.params.p;
    let sum = 0;
    if (p === 2) {
      for (const v of this.#w.values()) sum += v * v;
      return Math.sqrt(sum);
    }
    for (const v of this.#w.values()) sum += Math.abs(v) ** p;
    return sum ** (1 / p);
  }

  learnOne(x: Features, y: ClassLabel): void {
    const yy = binaryLabel(y, this.kind) ? 1 : -1;
    const { p, alpha, B, C } = this.params;
    const gamma = (B * Math.sqrt(p - 1)) / Math.sqrt(this.#k);
    if (yy * this.#rawDot(x) < (1 - alpha) * gamma) {
      const eta = C / (Math.sqrt(p - 1) * Math.sqrt(this.#k));
      const w = this.#w;
      for (const key in x) w.set(key, (w.get(key) ?? 0) + eta * yy * x[key]!);
      const denom = Math.max(1, this.#norm());
      for (const key in x) w.set(key, w.get(key)! / denom);
      this.#k += 1;
    }
  }

  predictProbaOne(x: Features): Proba {
    const yp = sigmoid(this.#rawDot(x));
    return new Map<ClassLabel, number>([
      [false, 1 - yp],
      [true, yp],
    ]);
  }

  predictOne(x: Features): ClassLabel {
    const yp = sigmoid(this.#rawDot(x));
    return yp > 1 - yp;
  }

  clone(): this {
    return new ALMAClassifier(this.params) as this;
  }

  toJSON(): EstimatorJSON {
    return { kind: this.kind, params: { ...this.params }, state: { w: [...this.#w], k: this.#k } };
  }

  /** Rebuilds a model from `toJSON()` output. */
  static fromJSON(json: EstimatorJSON): ALMAClassifier {
    expectKind(json, "ALMAClassifier");
    const model = new ALMAClassifier(json.params as ALMAClassifierParams);
    const state = json.state as { w: [string, number][]; k: number };
    model.#w = new Map(state.w);
    model.#k = state.k;
    return model;
  }
}

registerEstimator("ALMAClassifier", ALMAClassifier.fromJSON);
