/**
 * River's `preprocessing.StandardScaler` (`river/preprocessing/scale.py`, 0.19).
 */
import type { EstimatorJSON, Features, Transformer } from "../base.ts";
import { check } from "../math.ts";
import { expectKind, registerEstimator } from "../registry.ts";

/** StandardScaler parameters. */
export interface StandardScalerParams {
  /** Divide by the running standard deviation (River `with_std`, default true). */
  withStd?: boolean;
}

interface FeatureStats {
  n: number;
  mean: number;
  var: number;
}

/**
 * Scales each feature to zero mean and unit variance with running (Welford) statistics:
 * `mean += (x - mean) / n; var += ((x - oldMean) * (x - mean) - var) / n` (population variance).
 * `transformOne` gives `(x - mean) / sqrt(var)`, or 0 while the variance is 0; a feature never seen
 * is transformed as if mean = var = 0. Only the features present in `x` are returned.
 *
 * @example
 * const scaler = new StandardScaler();
 * scaler.learnOne({ a: 1 }); scaler.learnOne({ a: 3 });
 * scaler.transformOne({ a: 3 }); // { a: 1 }
 * @see https://github.com/online-ml/river/blob/0.19.0/river/preprocessing/scale.py
 */
export class StandardScaler implements Transformer {
  readonly kind = "StandardScaler";
  readonly params: Readonly<Required<StandardScalerParams>>;
  readonly #withStd: boolean;
  #stats = new Map<string, FeatureStats>();

  constructor(params: StandardScalerParams = {}) {
    const withStd = params.withStd ?? true;
    check(typeof withStd === "boolean", "StandardScaler", "withStd must be a boolean");
    this.#withStd = withStd;
    this.params = Object.freeze({ withStd });
  }

  /** Updates the running mean (and variance) of every feature in `x`. */
  learnOne(x: Features): void {
    const stats = this.#stats;
    for (const key in x) {
      const xi = x[key]!;
      let s = stats.get(key);
      if (s === undefined) {
        s = { n: 0, mean: 0, var: 0 };
        stats.set(key, s);
      }
      s.n += 1;
      const oldMean = s.mean;
      s.mean += (xi - oldMean) / s.n;
      if (this.#withStd) s.var += ((xi - oldMean) * (xi - s.mean) - s.var) / s.n;
    }
  }

  /** Scales `x` without learning from it. */
  transformOne(x: Features): Features {
    const out: Features = {};
    const stats = this.#stats;
    for (const key in x) {
      const xi = x[key]!;
      const s = stats.get(key);
      const mean = s === undefined ? 0 : s.mean;
      if (!this.#withStd) {
        out[key] = xi - mean;
        continue;
      }
      const v = s === undefined ? 0 : s.var;
      out[key] = v > 0 ? (xi - mean) / Math.sqrt(v) : 0;
    }
    return out;
  }

  /** Running mean of a feature (0 when unseen). */
  mean(feature: string): number {
    return this.#stats.get(feature)?.mean ?? 0;
  }

  /** Running population variance of a feature (0 when unseen). */
  variance(feature: string): number {
    return this.#stats.get(feature)?.var ?? 0;
  }

  clone(): this {
    return new StandardScaler(this.params) as this;
  }

  toJSON(): EstimatorJSON {
    const stats: [string, number, number, number][] = [];
    for (const [k, s] of this.#stats) stats.push([k, s.n, s.mean, s.var]);
    return { kind: this.kind, params: { ...this.params }, state: { stats } };
  }

  /** Rebuilds a scaler from `toJSON()` output. */
  static fromJSON(json: EstimatorJSON): StandardScaler {
    expectKind(json, "StandardScaler");
    const scaler = new StandardScaler(json.params as StandardScalerParams);
    const state = json.state as { stats: [string, number, number, number][] };
    for (const [k, n, mean, v] of state.stats) scaler.#stats.set(k, { n, mean, var: v });
    return scaler;
  }
}

registerEstimator("StandardScaler", StandardScaler.fromJSON);
