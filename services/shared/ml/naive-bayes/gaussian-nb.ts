/**
 * River's `naive_bayes.GaussianNB` (`river/naive_bayes/gaussian.py` + `base.py`, 0.19).
 */
import type { ClassLabel, Classifier, EstimatorJSON, Features, Proba } from "../base.ts";
import { argmaxProba } from "../math.ts";
import { expectKind, registerEstimator } from "../registry.ts";

/** GaussianNB takes no parameters. */
export type GaussianNBParams = Record<string, never>;

/** River `proba.Gaussian` over `stats.Var(ddof=1)`: `n`, running mean, sum of squared deviations. */
interface Gaussian {
  n: number;
  mean: number;
  s: number;
}

const TAU = 2 * Math.PI;

/** River `proba.Gaussian.__call__`: the pdf, or 0 while the (sample) variance is 0. */
function gaussianPdf(g: Gaussian, x: number): number {
  const variance = g.n > 1 ? g.s / (g.n - 1) : 0;
  if (!variance) return 0;
  return Math.exp((x - g.mean) ** 2 / (-2 * variance)) / Math.sqrt(TAU * variance);
}

/**
 * Gaussian naive Bayes: one Gaussian per class × feature. The joint log-likelihood of class `c` is
 * `log P(c) + Σ_features log(1e-9 + pdf_c(x_f))` (a feature the class never saw has pdf 0), and
 * probabilities are its softmax. Classes keep first-seen order, so ties go to the class seen first.
 * Returns `{}` before anything was learned. Labels may be any ClassLabel (multiclass).
 *
 * @example
 * const nb = new GaussianNB();
 * nb.learnOne({ a: -1 }, "neg"); nb.learnOne({ a: -2 }, "neg");
 * nb.learnOne({ a: 1 }, "pos"); nb.learnOne({ a: 2 }, "pos");
 * nb.predictOne({ a: 1.5 }); // "pos"
 * @see https://github.com/online-ml/river/blob/0.19.0/river/naive_bayes/gaussian.py
 */
export class GaussianNB implements Classifier {
  readonly kind = "GaussianNB";
  readonly params: Readonly<GaussianNBParams> = Object.freeze({});
  #classCounts = new Map<ClassLabel, number>();
  #total = 0;
  /** class → feature → Gaussian. A class enters only once it has learned a non-empty x (as River). */
  #gaussians = new Map<ClassLabel, Map<string, Gaussian>>();

  /** GaussianNB has no parameters; the argument exists for symmetry with the other estimators. */
  constructor(_params: GaussianNBParams = {}) {
    void _params;
  }

  learnOne(x: Features, y: ClassLabel): void {
    this.#classCounts.set(y, (this.#classCounts.get(y) ?? 0) + 1);
    this.#total += 1;
    let perClass = this.#gaussians.get(y);
    for (const key in x) {
      if (perClass === undefined) {
        perClass = new Map();
        this.#gaussians.set(y, perClass);
      }
      let g = perClass.get(key);
      if (g === undefined) {
        g = { n: 0, mean: 0, s: 0 };
        perClass.set(key, g);
      }
      const xi = x[key]!;
      const oldMean = g.mean;
      g.n += 1;
      g.mean += (1 / g.n) * (xi - g.mean);
      g.s += (xi - oldMean) * (xi - g.mean);
    }
  }

  /** Unnormalised `log P(c) + log P(x|c)` per class, River's `joint_log_likelihood`. */
  jointLogLikelihood(x: Features): Map<ClassLabel, number> {
    const jll = new Map<ClassLabel, number>();
    for (const [c, perClass] of this.#gaussians) {
      let ll = 0;
      for (const key in x) {
        const g = perClass.get(key);
        ll += Math.log(1e-9 + (g === undefined ? 0 : gaussianPdf(g, x[key]!)));
      }
      jll.set(c, Math.log(this.#classCounts.get(c)! / this.#total) + ll);
    }
    return jll;
  }

  predictProbaOne(x: Features): Proba {
    const jll = this.jointLogLikelihood(x);
    if (jll.size === 0) return jll;
    let max = -Infinity;
    for (const v of jll.values()) if (v > max) max = v;
    let sum = 0;
    for (const v of jll.values()) sum += Math.exp(v - max);
    const lse = max + Math.log(sum);
    for (const [c, v] of jll) jll.set(c, Math.exp(v - lse));
    return jll;
  }

  predictOne(x: Features): ClassLabel | undefined {
    return argmaxProba(this.predictProbaOne(x));
  }

  clone(): this {
    return new GaussianNB() as this;
  }

  toJSON(): EstimatorJSON {
    const gaussians: [ClassLabel, [string, number, number, number][]][] = [];
    for (const [c, perClass] of this.#gaussians) {
      const rows: [string, number, number, number][] = [];
      for (const [k, g] of perClass) rows.push([k, g.n, g.mean, g.s]);
      gaussians.push([c, rows]);
    }
    return { kind: this.kind, params: {}, state: { classCounts: [...this.#classCounts], gaussians } };
  }

  /** Rebuilds a model from `toJSON()` output. */
  static fromJSON(json: EstimatorJSON): GaussianNB {
    expectKind(json, "GaussianNB");
    const state = json.state as {
      classCounts: [ClassLabel, number][];
      gaussians: [ClassLabel, [string, number, number, number][]][];
    };
    const model = new GaussianNB();
    model.#classCounts = new Map(state.classCounts);
    model.#total = 0;
    for (const [, n] of state.classCounts) model.#total += n;
    for (const [c, rows] of state.gaussians) {
      model.#gaussians.set(c, new Map(rows.map(([k, n, mean, s]) => [k, { n, mean, s }])));
    }
    return model;
  }
}

registerEstimator("GaussianNB", GaussianNB.fromJSON);
