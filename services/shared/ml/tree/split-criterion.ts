/**
 * Split criteria of River 0.19 (`tree/split_criterion/`): information gain (the default) and Gini.
 */
import type { ClassLabel } from "../base.ts";

/** Scores a candidate split of a class distribution. */
export interface SplitCriterion {
  meritOfSplit(pre: Map<ClassLabel, number>, post: Map<ClassLabel, number>[]): number;
  rangeOfMerit(pre: Map<ClassLabel, number>): number;
}

function sumValues(d: Map<ClassLabel, number>): number {
  let s = 0;
  for (const v of d.values()) s += v;
  return s;
}

/**
 * The total weight of each branch and their sum, or undefined when fewer than two branches hold more
 * than `minFrac` of the weight: River then scores the split -inf, whatever the criterion.
 */
function branchWeights(dists: Map<ClassLabel, number>[], minFrac: number): { weights: number[]; total: number } | undefined {
  let total = 0;
  const weights = dists.map((d) => {
    const s = sumValues(d);
    total += s;
    return s;
  });
  let n = 0;
  if (total > 0) for (const s of weights) if (s / total > minFrac) n++;
  return n < 2 ? undefined : { weights, total };
}

function entropy(d: Map<ClassLabel, number>): number {
  let e = 0;
  let sums = 0;
  for (const v of d.values()) {
    if (v > 0) {
      e -= v * Math.log2(v);
      sums += v;
    }
  }
  return sums > 0 ? (e + sums * Math.log2(sums)) / sums : 0;
}

/** River `InfoGainSplitCriterion(min_branch_fraction)`. */
export class InfoGainSplitCriterion implements SplitCriterion {
  readonly minBranchFraction: number;
  constructor(minBranchFraction = 0.01) {
    this.minBranchFraction = minBranchFraction;
  }
  meritOfSplit(pre: Map<ClassLabel, number>, post: Map<ClassLabel, number>[]): number {
    const branches = branchWeights(post, this.minBranchFraction);
    if (branches === undefined) return -Infinity;
    const { weights, total } = branches;
    let e = 0;
    for (let i = 0; i < post.length; i++) e += weights[i]! * entropy(post[i]!);
    return entropy(pre) - e / total;
  }
  rangeOfMerit(pre: Map<ClassLabel, number>): number {
    return Math.log2(pre.size > 2 ? pre.size : 2);
  }
}

/** River `GiniSplitCriterion(min_branch_fraction)`. */
export class GiniSplitCriterion implements SplitCriterion {
  readonly minBranchFraction: number;
  constructor(minBranchFraction = 0.01) {
    this.minBranchFraction = minBranchFraction;
  }
  meritOfSplit(_pre: Map<ClassLabel, number>, post: Map<ClassLabel, number>[]): number {
    const branches = branchWeights(post, this.minBranchFraction);
    if (branches === undefined) return -Infinity;
    const { weights, total } = branches;
    let gini = 0;
    for (let i = 0; i < post.length; i++) {
      const w = weights[i]!;
      let g = 1;
      if (w !== 0) {
        for (const v of post[i]!.values()) {
          const f = v / w;
          g -= f * f;
        }
      }
      gini += (w / total) * g;
    }
    return 1 - gini;
  }
  rangeOfMerit(): number {
    return 1;
  }
}
