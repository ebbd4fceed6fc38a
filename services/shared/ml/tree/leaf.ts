/**
 * Hoeffding-tree nodes as plain data, and the leaf operations of River 0.19 (`tree/nodes/leaf.py`,
 * `htc_nodes.py`, `tree/utils.py do_naive_bayes_prediction`).
 */
import type { ClassLabel, Features } from "../base.ts";
import { GaussianSplitter, nullSplit } from "./gaussian-splitter.ts";
import type { SplitSuggestion } from "./gaussian-splitter.ts";
import type { SplitCriterion } from "./split-criterion.ts";

/** How a leaf predicts: majority class, naive Bayes, or naive Bayes adaptive. */
export type LeafPrediction = "mc" | "nb" | "nba";

/** A learning leaf. `splitters === null` means the leaf is inactive (no more growth). */
export interface Leaf {
  type: "leaf";
  depth: number;
  stats: Map<ClassLabel, number>;
  splitters: Map<string, GaussianSplitter> | null;
  disabled: Set<string>;
  lastSplitAttemptAt: number;
  mcCorrect: number;
  nbCorrect: number;
  /** ARF leaves: the random feature subset this leaf observes (sampled at its first learning step). */
  featureIndices?: string[];
}

/** A numeric binary split: `x[feature] <= threshold` goes left. */
export interface Branch {
  type: "branch";
  depth: number;
  feature: string;
  threshold: number;
  stats: Map<ClassLabel, number>;
  children: [TreeNode, TreeNode];
}

export type TreeNode = Leaf | Branch;

/** Sum of a class distribution, left to right. */
export function totalWeight(stats: Map<ClassLabel, number>): number {
  let s = 0;
  for (const v of stats.values()) s += v;
  return s;
}

/** River's `total_weight` of a node (a branch sums its children). */
export function nodeWeight(n: TreeNode): number {
  return n.type === "leaf" ? totalWeight(n.stats) : nodeWeight(n.children[0]) + nodeWeight(n.children[1]);
}

/** A new active leaf. */
export function newLeaf(stats: Map<ClassLabel, number>, depth: number): Leaf {
  return {
    type: "leaf",
    depth,
    stats,
    splitters: new Map(),
    disabled: new Set(),
    lastSplitAttemptAt: totalWeight(stats),
    mcCorrect: 0,
    nbCorrect: 0,
  };
}

/** River `most_common_path`: the heavier child, left on ties. */
export function mostCommonChild(b: Branch): TreeNode {
  return nodeWeight(b.children[0]) < nodeWeight(b.children[1]) ? b.children[1] : b.children[0];
}

/** Descends to a leaf; a missing split feature follows the most common path. */
export function sortToLeaf(node: TreeNode, x: Features): Leaf {
  let n = node;
  while (n.type === "branch") {
    const v = x[n.feature];
    n = v === undefined ? mostCommonChild(n) : v <= n.threshold ? n.children[0] : n.children[1];
  }
  return n;
}

/** First key with the largest value (Python's `max(d, key=d.get)`). */
export function argmax<K>(d: Map<K, number>): K | undefined {
  let best: K | undefined;
  let bestV = -Infinity;
  let first = true;
  for (const [k, v] of d) {
    if (first || v > bestV) {
      best = k;
      bestV = v;
      first = false;
    }
  }
  return best;
}

/** Majority-class prediction: the normalised class distribution. */
export function mcPrediction(stats: Map<ClassLabel, number>): Map<ClassLabel, number> {
  const total = totalWeight(stats);
  const out = new Map<ClassLabel, number>();
  for (const [k, v] of stats) out.set(k, total === 0 ? v : v / total);
  return out;
}

/** River `do_naive_bayes_prediction`; undefined when nothing was observed. */
export function nbPrediction(
  x: Features,
  stats: Map<ClassLabel, number>,
  splitters: Map<string, GaussianSplitter> | null,
): Map<ClassLabel, number> | undefined {
  const total = totalWeight(stats);
  if (stats.size === 0 || total === 0) return undefined;
  const votes = new Map<ClassLabel, number>();
  let maxLl = -Infinity;
  for (const [c, w] of stats) {
    let v = 0;
    if (w > 0) {
      v = Math.log(w / total);
      if (splitters !== null) {
        for (const [f, s] of splitters) {
          const xv = x[f];
          if (xv === undefined) continue;
          const p = s.condProba(xv, c);
          v += p > 0 ? Math.log(p) : 0;
        }
      }
    }
    votes.set(c, v);
    if (v > maxLl) maxLl = v;
  }
  let sum = 0;
  for (const v of votes.values()) sum += Math.exp(v - maxLl);
  const lse = maxLl + Math.log(sum);
  for (const [c, v] of votes) votes.set(c, Math.exp(v - lse));
  return votes;
}

/** The leaf's class probabilities (River `prediction`). */
export function leafPrediction(leaf: Leaf, x: Features, mode: LeafPrediction, nbThreshold: number): Map<ClassLabel, number> {
  const active = leaf.splitters !== null;
  if (mode === "nba" && active && leaf.nbCorrect >= leaf.mcCorrect) {
    return nbPrediction(x, leaf.stats, leaf.splitters) ?? mcPrediction(leaf.stats);
  }
  if (mode === "nb" && active && totalWeight(leaf.stats) >= nbThreshold) {
    return nbPrediction(x, leaf.stats, leaf.splitters) ?? mcPrediction(leaf.stats);
  }
  return mcPrediction(leaf.stats);
}

/**
 * Updates a leaf with one sample (River `HTLeaf.learn_one`, with NBA's correctness bookkeeping first).
 * `features`, when given, restricts which features get splitters (ARF's random subspace).
 */
export function learnLeaf(leaf: Leaf, x: Features, y: ClassLabel, w: number, mode: LeafPrediction, nSplits: number, features?: Iterable<string>): void {
  if (mode === "nba" && leaf.splitters !== null) {
    if (leaf.stats.size === 0 || argmax(leaf.stats) === y) leaf.mcCorrect += w;
    const nb = nbPrediction(x, leaf.stats, leaf.splitters);
    if (nb !== undefined && argmax(nb) === y) leaf.nbCorrect += w;
  }
  leaf.stats.set(y, (leaf.stats.get(y) ?? 0) + w);
  const splitters = leaf.splitters;
  if (splitters === null) return;
  const keys = features ?? Object.keys(x);
  for (const f of keys) {
    const v = x[f];
    if (v === undefined || leaf.disabled.has(f)) continue;
    let s = splitters.get(f);
    if (s === undefined) {
      s = new GaussianSplitter(nSplits);
      splitters.set(f, s);
    }
    s.update(v, y, w);
  }
}

/** True when fewer than two classes have non-zero weight. */
export function isPure(stats: Map<ClassLabel, number>): boolean {
  let count = 0;
  for (const v of stats.values()) if (v !== 0 && ++count === 2) return false;
  return true;
}

/**
 * River `best_split_suggestions`: the null split (when pre-pruning) then one per feature. When the
 * majority class holds more than `maxShareToSplit` of the leaf's weight, only the null split is offered
 * (River's `LeafMajorityClass.best_split_suggestions`), which deactivates the leaf.
 */
export function bestSplitSuggestions(leaf: Leaf, criterion: SplitCriterion, meritPreprune: boolean, maxShareToSplit = 1): SplitSuggestion[] {
  let maj = 0;
  let total = 0;
  for (const v of leaf.stats.values()) {
    total += v;
    if (v > maj) maj = v;
  }
  if (maj !== 0 && maj / total > maxShareToSplit) return [nullSplit()];
  const out: SplitSuggestion[] = [];
  if (meritPreprune) out.push(nullSplit());
  if (leaf.splitters !== null) {
    for (const [f, s] of leaf.splitters) out.push(s.bestEvaluatedSplitSuggestion(criterion, leaf.stats, f));
  }
  return out;
}
