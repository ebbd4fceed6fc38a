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
  #keys: string[] = [];
  #cached: FeatureStats[] = [];

  constructor(params: StandardScalerParams = {}) {
    const withStd = params.withStd ?? true;
    check(typeof withStd === "boolean", "StandardScaler", "withStd must be a boolean");
    this.#withStd = withStd;
    this.params = Object.freeze({ withStd });
  }

  /** Updates the running mean (and variance) of every feature in `x`. */
  learnOne(x: Features): void {
    const ss = this.#resolve(x, true)!;
    const withStd = this.#withStd;
    let i = 0;
    for (const key in x) {
      const xi = x[key]!;
      const s = ss[i++]!;
      s.n += 1;
      const oldMean = s.mean;
      s.mean += (xi - oldMean) / s.n;
      if (withStd) s.var += ((xi - oldMean) * (xi - s.mean) - s.var) / s.n;
    }
  }

  /**
   * The stats of x's features, in x's key order. Streams with a fixed schema present the same keys in
   * the same order every time, so the last resolution is cached and reused after a cheap identity check
   * of the keys (a hot-path saving of one Map lookup per feature). Without `create`, null when some
   * feature has no stats yet.
   */
  #resolve(x: Features, create: boolean): FeatureStats[] | null {
    const keys = this.#keys;
    let i = 0;
    let same = true;
    for (const k in x) {
      if (i >= keys.length || keys[i] !== k) {
        same = false;
        break;
      }
      i++;
    }
    if (same && i === keys.length) return this.#cached;
    const ks: string[] = [];
    const ss: FeatureStats[] = [];
    for (const k in x) {
      let st = this.#stats.get(k);
      if (st === undefined) {
        if (!create) return null;
        st = { n: 0, mean: 0, var: 0 };
        this.#stats.set(k, st);
      }
      ks.push(k);
      ss.push(st);
    }
    this.#keys = ks;
    this.#cached = ss;
    return ss;
  }

  transformOne(x: Features): Features {
    const out: Features = {};
    const ss = this.#resolve(x, false);
    if (ss !== null) {
      let i = 0;
      for (const key in x) {
        const s = ss[i++]!;
        const xi = x[key]!;
        if (!this.#withStd) out[key] = xi - s.mean;
        else out[key] = s.var > 0 ? (xi - s.mean) / Math.sqrt(s.var) : 0;
      }
      return out;
    }
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
