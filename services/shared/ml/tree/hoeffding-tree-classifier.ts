/**
 * Hoeffding Tree (VFDT) classifier, a port of River 0.19 `tree.HoeffdingTreeClassifier` with Gaussian
 * splitters for numeric features and River's defaults.
 */
import { RtmlError } from "../../errors.ts";
import type { ClassLabel, Classifier, EstimatorJSON, Features, Proba } from "../base.ts";
import { check, readSnapshot } from "../drift/common.ts";
import { registerEstimator } from "../registry.ts";
import { compareLabels } from "./labels.ts";
import { argmax, bestSplitSuggestions, isPure, leafPrediction, learnLeaf, newLeaf, sortToLeaf, totalWeight } from "./leaf.ts";
import type { Branch, Leaf, LeafPrediction, TreeNode } from "./leaf.ts";
import { GiniSplitCriterion, InfoGainSplitCriterion } from "./split-criterion.ts";
import type { SplitCriterion } from "./split-criterion.ts";
import { nodeFromJSON, nodeToJSON } from "./tree-json.ts";
import type { NodeJSON } from "./tree-json.ts";

/** HoeffdingTreeClassifier parameters (River names in camelCase). */
export interface HoeffdingTreeParams {
  /** Weight a leaf must see between split attempts. Default 200. */
  gracePeriod: number;
  /** Maximum depth; null = unlimited (River's None). */
  maxDepth: number | null;
  /** "info_gain" (default) or "gini". */
  splitCriterion: "info_gain" | "gini";
  /** Allowed split error (River's `delta`). Default 1e-7. */
  delta: number;
  /** Tie-breaking threshold. Default 0.05. */
  tau: number;
  /** Leaf predictor: "mc", "nb" or "nba" (default). */
  leafPrediction: LeafPrediction;
  /** Weight before naive Bayes is used by "nb" leaves. Default 0. */
  nbThreshold: number;
  /** Split points per numeric feature (GaussianSplitter `n_splits`). Default 10. */
  nSplits: number;
  /** Minimum weight fraction of each branch. Default 0.01. */
  minBranchFraction: number;
  /** Drop features far behind the best one. Default false. */
  removePoorAttrs: boolean;
  /** Consider "no split" as a candidate. Default true. */
  meritPreprune: boolean;
  /** A leaf whose majority class holds more than this share of its weight stops growing. Default 0.99. */
  maxShareToSplit: number;
}

/** River 0.19 defaults. */
export const HOEFFDING_TREE_DEFAULTS: Readonly<HoeffdingTreeParams> = Object.freeze({
  gracePeriod: 200,
  maxDepth: null,
  splitCriterion: "info_gain",
  delta: 1e-7,
  tau: 0.05,
  leafPrediction: "nba",
  nbThreshold: 0,
  nSplits: 10,
  minBranchFraction: 0.01,
  removePoorAttrs: false,
  meritPreprune: true,
  maxShareToSplit: 0.99,
});

/** Validates and completes HT parameters. */
export function hoeffdingTreeParams(params: Partial<HoeffdingTreeParams>, name = "HoeffdingTreeClassifier"): HoeffdingTreeParams {
  const p = { ...HOEFFDING_TREE_DEFAULTS, ...params };
  check(p.gracePeriod > 0, `${name}: gracePeriod must be positive`);
  check(p.maxDepth === null || p.maxDepth >= 0, `${name}: maxDepth must be null or non-negative`);
  check(p.splitCriterion === "info_gain" || p.splitCriterion === "gini", `${name}: splitCriterion must be info_gain or gini`);
  check(p.delta > 0 && p.delta < 1, `${name}: delta must be in (0, 1)`);
  check(p.tau >= 0, `${name}: tau must be non-negative`);
  check(p.leafPrediction === "mc" || p.leafPrediction === "nb" || p.leafPrediction === "nba", `${name}: leafPrediction must be mc, nb or nba`);
  check(Number.isInteger(p.nSplits) && p.nSplits > 0, `${name}: nSplits must be a positive integer`);
  check(p.minBranchFraction >= 0 && p.minBranchFraction < 1, `${name}: minBranchFraction must be in [0, 1)`);
  check(p.maxShareToSplit > 0 && p.maxShareToSplit <= 1, `${name}: maxShareToSplit must be in (0, 1]`);
  return p;
}

/** Serialised learned state. */
export interface HoeffdingTreeState {
  classes: ClassLabel[];
  weightSeen: number;
  root: NodeJSON | null;
}

/**
 * Incremental decision tree that splits a leaf once the Hoeffding bound says the best feature is better
 * than the runner-up. The first prediction (before any learning) is an empty map, as in River.
 * Memory management (`max_size`) is not ported beyond its effect while River's size estimates are still 0
 * (see `deactivateOnNullSplit`): trees grow until `maxDepth`. Leaves whose majority class holds more than
 * `maxShareToSplit` (0.99) of their weight do not split (the attempt resets their splitters), as in River 0.19.
 *
 * @example
 * const ht = new HoeffdingTreeClassifier({ gracePeriod: 50 });
 * ht.learnOne({ a: 1 }, true);
 * ht.predictOne({ a: 1 }); // true
 * @see https://github.com/online-ml/river/blob/0.19.0/river/tree/hoeffding_tree_classifier.py
 */
export class HoeffdingTreeClassifier implements Classifier {
  readonly kind: string = "HoeffdingTreeClassifier";
  readonly acceptsSampleWeight = true;
  readonly params: Readonly<HoeffdingTreeParams>;
  protected root: TreeNode | null = null;
  protected weightSeen = 0;
  protected classes: ClassLabel[] = [];
  protected readonly criterion: SplitCriterion;

  constructor(params: Partial<HoeffdingTreeParams> = {}) {
    this.params = Object.freeze(hoeffdingTreeParams(params));
    this.criterion =
      this.params.splitCriterion === "gini"
        ? new GiniSplitCriterion(this.params.minBranchFraction)
        : new InfoGainSplitCriterion(this.params.minBranchFraction);
  }

  /** Number of leaves and branches (for tests and telemetry). */
  get size(): { leaves: number; branches: number; depth: number } {
    const out = { leaves: 0, branches: 0, depth: 0 };
    const walk = (n: TreeNode | null): void => {
      if (n === null) return;
      out.depth = Math.max(out.depth, n.depth);
      if (n.type === "leaf") out.leaves++;
      else {
        out.branches++;
        walk(n.children[0]);
        walk(n.children[1]);
      }
    };
    walk(this.root);
    return out;
  }

  /** A new leaf (hook for subclasses: ARF leaves sample features). */
  protected newLeaf(stats: Map<ClassLabel, number>, depth: number): Leaf {
    return newLeaf(stats, depth);
  }

  /** Features a leaf observes (hook for subclasses); undefined = all of x. */
  protected leafFeatures(_leaf: Leaf, _x: Features): Iterable<string> | undefined {
    return undefined;
  }

  protected addClass(y: ClassLabel): void {
    if (this.classes.includes(y)) return;
    this.classes.push(y);
    this.classes.sort(compareLabels);
  }

  learnOne(x: Features, y: ClassLabel, w = 1): void {
    this.addClass(y);
    this.weightSeen += w;
    if (this.root === null) this.root = this.newLeaf(new Map(), 0);
    let parent: Branch | null = null;
    let branchNo = -1;
    let node: TreeNode = this.root;
    while (node.type === "branch") {
      const v = x[node.feature];
      if (v === undefined) break;
      parent = node;
      branchNo = v <= node.threshold ? 0 : 1;
      node = node.children[branchNo]!;
    }
    const p = this.params;
    if (node.type === "leaf") {
      learnLeaf(node, x, y, w, p.leafPrediction, p.nSplits, this.leafFeatures(node, x));
      if (node.splitters !== null) {
        if (node.depth >= (p.maxDepth ?? Infinity)) node.splitters = null;
        else {
          const seen = totalWeight(node.stats);
          if (seen - node.lastSplitAttemptAt >= p.gracePeriod) {
            this.attemptSplit(node, parent, branchNo);
            node.lastSplitAttemptAt = seen;
          }
        }
      }
    } else {
      // The split feature is missing: learn in the most common path, without attempting a split.
      const leaf = sortToLeaf(node, x);
      learnLeaf(leaf, x, y, w, p.leafPrediction, p.nSplits, this.leafFeatures(leaf, x));
    }
  }

  /** River `_attempt_to_split`; returns the new branch when the leaf was split. */
  protected attemptSplit(leaf: Leaf, parent: Branch | null, branchNo: number): Branch | undefined {
    if (isPure(leaf.stats)) return undefined;
    const p = this.params;
    const suggestions = bestSplitSuggestions(leaf, this.criterion, p.meritPreprune, p.maxShareToSplit);
    suggestions.sort((a, b) => (a.merit < b.merit ? -1 : b.merit < a.merit ? 1 : 0));
    let shouldSplit = false;
    if (suggestions.length < 2) shouldSplit = suggestions.length > 0;
    else {
      const range = this.criterion.rangeOfMerit(leaf.stats);
      const n = totalWeight(leaf.stats);
      const bound = Math.sqrt((range * range * Math.log(1.0 / p.delta)) / (2.0 * n));
      const best = suggestions[suggestions.length - 1]!;
      const second = suggestions[suggestions.length - 2]!;
      if (best.merit - second.merit > bound || bound < p.tau) shouldSplit = true;
      if (p.removePoorAttrs && p.leafPrediction === "mc" && leaf.splitters !== null) {
        for (const s of suggestions) {
          if (s.feature && best.merit - s.merit > bound) {
            leaf.splitters.delete(s.feature);
            leaf.disabled.add(s.feature);
          }
        }
      }
    }
    if (!shouldSplit) return undefined;
    const decision = suggestions[suggestions.length - 1]!;
    if (decision.feature === undefined || decision.childrenStats === undefined) {
      this.deactivateOnNullSplit(leaf); // pre-pruning: the null split wins
      return undefined;
    }
    const branch: Branch = {
      type: "branch",
      depth: leaf.depth,
      feature: decision.feature,
      threshold: decision.threshold,
      stats: leaf.stats,
      children: [this.newLeaf(decision.childrenStats[0], leaf.depth + 1), this.newLeaf(decision.childrenStats[1], leaf.depth + 1)],
    };
    if (parent === null) this.root = branch;
    else parent.children[branchNo] = branch;
    return branch;
  }

  /**
   * The null split won (pre-pruning, or a leaf dominated by one class): River deactivates the leaf, then
   * its memory manager (`_enforce_size_limit`, run after every decided split attempt) re-activates every
   * inactive leaf of the tree above `maxDepth`, with fresh, empty splitters. With River's size estimates
   * still 0 (they are first measured after `memory_estimate_period` = 1e6 samples), the net effect is that
   * the leaf forgets its splitters and keeps growing.
   */
  protected deactivateOnNullSplit(leaf: Leaf): void {
    leaf.splitters = leaf.depth < (this.params.maxDepth ?? Infinity) ? new Map() : null;
  }

  predictProbaOne(x: Features): Proba {
    const proba: Proba = new Map();
    for (const c of this.classes) proba.set(c, 0);
    if (this.root !== null) {
      const leaf = sortToLeaf(this.root, x);
      for (const [c, v] of leafPrediction(leaf, x, this.params.leafPrediction, this.params.nbThreshold)) proba.set(c, v);
    }
    return proba;
  }

  predictOne(x: Features): ClassLabel | undefined {
    return argmax(this.predictProbaOne(x));
  }

  clone(): this {
    return new HoeffdingTreeClassifier(this.params) as this;
  }

  protected stateJSON(): HoeffdingTreeState {
    return { classes: [...this.classes], weightSeen: this.weightSeen, root: this.root === null ? null : nodeToJSON(this.root) };
  }

  protected restoreState(s: HoeffdingTreeState): void {
    if (!Array.isArray(s.classes)) throw new RtmlError("INVALID_ARGUMENT", `${this.kind} snapshot: bad state`);
    this.classes = [...s.classes];
    this.weightSeen = s.weightSeen;
    this.root = s.root === null ? null : nodeFromJSON(s.root);
  }

  toJSON(): EstimatorJSON {
    return { kind: this.kind, params: { ...this.params }, state: this.stateJSON() };
  }

  /** Rebuilds a tree from {@link HoeffdingTreeClassifier.toJSON} output. */
  static fromJSON(json: EstimatorJSON): HoeffdingTreeClassifier {
    const { params, state } = readSnapshot<HoeffdingTreeParams, HoeffdingTreeState>(json, "HoeffdingTreeClassifier");
    const t = new HoeffdingTreeClassifier(params);
    if (state !== undefined) t.restoreState(state);
    return t;
  }
}

registerEstimator("HoeffdingTreeClassifier", HoeffdingTreeClassifier.fromJSON);
