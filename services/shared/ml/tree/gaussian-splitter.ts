/**
 * River 0.19 `tree.splitter.GaussianSplitter`: one Gaussian (Welford, ddof=1) per class for a numeric
 * feature; split candidates are `nSplits` equally spaced thresholds between the observed min and max.
 */
import type { ClassLabel } from "../base.ts";
import { getVar, newVar, updateVar } from "../drift/common.ts";
import type { VarState } from "../drift/common.ts";
import { erf } from "./erf.ts";
import type { SplitCriterion } from "./split-criterion.ts";

/** Per-class estimator: min, max and a running variance. */
export interface ClassGaussian {
  min: number;
  max: number;
  v: VarState;
}

/** A split candidate (River's `BranchFactory`); `feature === undefined` is the null split. */
export interface SplitSuggestion {
  merit: number;
  feature: string | undefined;
  threshold: number;
  childrenStats: [Map<ClassLabel, number>, Map<ClassLabel, number>] | undefined;
}

/** The null split, merit −∞. */
export function nullSplit(): SplitSuggestion {
  return { merit: -Infinity, feature: undefined, threshold: NaN, childrenStats: undefined };
}

const TAU = 2 * Math.PI;
const SQRT2 = Math.sqrt(2.0);

/** Gaussian pdf as River's `proba.Gaussian.__call__` (0 when the variance is 0). */
export function gaussianPdf(g: ClassGaussian, x: number): number {
  const variance = getVar(g.v);
  if (variance) {
    const d = x - g.v.mean;
    const p = Math.exp((d * d) / (-2 * variance)) / Math.sqrt(TAU * variance);
    return Number.isFinite(p) ? p : 0;
  }
  return 0;
}

/** Gaussian CDF as River's `proba.Gaussian.cdf` (0 when sigma is 0: Python's ZeroDivisionError path). */
export function gaussianCdf(g: ClassGaussian, x: number): number {
  const denom = Math.sqrt(getVar(g.v)) * SQRT2;
  if (denom === 0) return 0;
  return 0.5 * (1.0 + erf((x - g.v.mean) / denom));
}

/** Observes one numeric feature, per class. */
export class GaussianSplitter {
  readonly nSplits: number;
  /** Class → estimator, in first-seen order (the order matters for floating-point sums). */
  readonly perClass: Map<ClassLabel, ClassGaussian>;

  constructor(nSplits: number, perClass: Map<ClassLabel, ClassGaussian> = new Map()) {
    this.nSplits = nSplits;
    this.perClass = perClass;
  }

  update(x: number, y: ClassLabel, w: number): void {
    let g = this.perClass.get(y);
    if (g === undefined) {
      g = { min: x, max: x, v: newVar() };
      this.perClass.set(y, g);
    } else {
      if (x < g.min) g.min = x;
      if (x > g.max) g.max = x;
    }
    updateVar(g.v, x, w);
  }

  /** p(x | y). */
  condProba(x: number, y: ClassLabel): number {
    const g = this.perClass.get(y);
    return g === undefined ? 0 : gaussianPdf(g, x);
  }

  bestEvaluatedSplitSuggestion(criterion: SplitCriterion, preSplit: Map<ClassLabel, number>, feature: string): SplitSuggestion {
    let best = nullSplit();
    let min = Infinity;
    let max = -Infinity;
    for (const g of this.perClass.values()) {
      if (g.min < min) min = g.min;
      if (g.max > max) max = g.max;
    }
    if (!(min < Infinity)) return best;
    const binSize = (max - min) / (this.nSplits + 1.0);
    for (let i = 0; i < this.nSplits; i++) {
      const splitValue = min + binSize * (i + 1);
      if (!(min < splitValue && splitValue < max)) continue;
      const post = this.#binarySplit(splitValue);
      const merit = criterion.meritOfSplit(preSplit, post);
      if (merit > best.merit) best = { merit, feature, threshold: splitValue, childrenStats: post };
    }
    return best;
  }

  #binarySplit(splitValue: number): [Map<ClassLabel, number>, Map<ClassLabel, number>] {
    const lhs = new Map<ClassLabel, number>();
    const rhs = new Map<ClassLabel, number>();
    for (const [k, g] of this.perClass) {
      const n = g.v.n;
      if (splitValue < g.min) rhs.set(k, n);
      else if (splitValue >= g.max) lhs.set(k, n);
      else {
        const l = gaussianCdf(g, splitValue) * n;
        lhs.set(k, l);
        rhs.set(k, n - l);
      }
    }
    return [lhs, rhs];
  }
}
