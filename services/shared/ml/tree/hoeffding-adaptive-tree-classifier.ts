/**
 * Hoeffding Adaptive Tree classifier (Bifet & Gavaldà 2009), a port of River 0.19
 * `tree.HoeffdingAdaptiveTreeClassifier` (`tree/hoeffding_adaptive_tree_classifier.py`,
 * `tree/nodes/hatc_nodes.py`): every node watches its 0/1 error stream with its own ADWIN; a drift grows
 * an alternate leaf beside a branch, which replaces the branch's subtree once significantly better.
 * Leaves bootstrap-sample with Poisson(1) weights drawn from CPython's Mersenne Twister in River's order.
 * River's quirks are kept on purpose, for parity: a Poisson draw of 0 keeps the weight (the sample is
 * still learned), and an alternate leaf that splits takes its branch's place at once.
 */
import type { ClassLabel, Classifier, DriftDetector, EstimatorJSON, Features, Proba } from "../base.ts";
import { ADWIN } from "../drift/adwin.ts";
import { check, newMean, readSnapshot, updateMean } from "../drift/common.ts";
import { PythonRandom, poisson } from "../drift/mersenne-twister.ts";
import type { PythonRandomState } from "../drift/mersenne-twister.ts";
import { estimatorFromJSON, registerEstimator } from "../registry.ts";
import { HOEFFDING_TREE_DEFAULTS, HoeffdingTreeClassifier, hoeffdingTreeParams } from "./hoeffding-tree-classifier.ts";
import type { HoeffdingTreeParams } from "./hoeffding-tree-classifier.ts";
import { argmax, learnLeaf, mcPrediction, mostCommonChild, nbPrediction, newLeaf, nodeWeight, totalWeight } from "./leaf.ts";
import type { Leaf } from "./leaf.ts";
import { adaFromJSON, adaToJSON } from "./hat-nodes.ts";
import type { Ada, AdaBranch, AdaLeaf, AdaNode, AdaNodeJSON } from "./hat-nodes.ts";

/** HAT parameters: the Hoeffding tree's plus River's adaptive ones. */
export interface HoeffdingAdaptiveTreeParams extends HoeffdingTreeParams {
  /** Poisson(1) bootstrap weights in the leaves. Default true. */
  bootstrapSampling: boolean;
  /** Samples both a branch and its alternate must see before they are compared. Default 300. */
  driftWindowThreshold: number;
  /** Unfitted detector snapshot cloned into every node. Default ADWIN(delta=0.002). */
  driftDetector: EstimatorJSON;
  /** Significance of the alternate-vs-main comparison. Default 0.05. */
  switchSignificance: number;
  /** Seed of the tree's `random.Random` (always seeded here). Default 0. */
  seed: number;
}

/** River 0.19 defaults. */
export const HAT_DEFAULTS: Readonly<HoeffdingAdaptiveTreeParams> = Object.freeze({
  ...HOEFFDING_TREE_DEFAULTS,
  bootstrapSampling: true,
  driftWindowThreshold: 300,
  driftDetector: new ADWIN().clone().toJSON(),
  switchSignificance: 0.05,
  seed: 0,
});

interface HATState {
  classes: ClassLabel[];
  weightSeen: number;
  root: AdaNodeJSON | null;
  rng: PythonRandomState;
  counts: [alternates: number, pruned: number, switched: number];
}

/** River `walk(x, until_leaf=True)`, including its double visit of a most-common-path child. */
function walk(node: AdaNode, x: Features, out: AdaNode[]): void {
  out.push(node);
  if (node.type === "leaf") return;
  const v = x[node.feature];
  if (v === undefined) {
    const child = mostCommonChild(node) as AdaNode;
    out.push(child);
    walk(child, x, out);
  } else walk(node.children[v <= node.threshold ? 0 : 1] as AdaNode, x, out);
}

/**
 * Hoeffding Adaptive Tree classifier.
 *
 * @example
 * const hat = new HoeffdingAdaptiveTreeClassifier({ seed: 42, gracePeriod: 50 });
 * hat.learnOne({ a: 1 }, true);
 * hat.predictOne({ a: 1 }); // true
 * @see https://github.com/online-ml/river/blob/0.19.0/river/tree/hoeffding_adaptive_tree_classifier.py
 */
export class HoeffdingAdaptiveTreeClassifier extends HoeffdingTreeClassifier implements Classifier {
  override readonly kind: string = "HoeffdingAdaptiveTreeClassifier";
  declare readonly params: Readonly<HoeffdingAdaptiveTreeParams>;
  #rng: PythonRandom;
  /** Alternate trees started, pruned and switched in (River's n_alternate_trees, …). */
  readonly stats = { alternates: 0, pruned: 0, switched: 0 };

  constructor(params: Partial<HoeffdingAdaptiveTreeParams> = {}) {
    const p = { ...HAT_DEFAULTS, ...params };
    hoeffdingTreeParams(p, "HoeffdingAdaptiveTreeClassifier");
    check(Number.isInteger(p.driftWindowThreshold) && p.driftWindowThreshold >= 0, "HoeffdingAdaptiveTreeClassifier: driftWindowThreshold must be a non-negative integer");
    check(p.switchSignificance > 0 && p.switchSignificance < 1, "HoeffdingAdaptiveTreeClassifier: switchSignificance must be in (0, 1)");
    check(Number.isSafeInteger(p.seed), "HoeffdingAdaptiveTreeClassifier: seed must be an integer");
    super(p); // keeps every key of p in the frozen params
    this.#rng = new PythonRandom(p.seed);
  }

  #ada(): Ada {
    return { det: estimatorFromJSON<DriftDetector>(this.params.driftDetector).clone(), err: newMean() };
  }

  protected override newLeaf(stats: Map<ClassLabel, number>, depth: number): Leaf {
    return Object.assign(newLeaf(stats, depth), { ada: this.#ada() });
  }

  /** River's memory manager does not see the root's alternate leaf (`iter_leaves`), so it stays inactive. */
  protected override deactivateOnNullSplit(leaf: Leaf): void {
    if (this.root !== null && this.root.type === "branch" && (this.root as AdaBranch).alt === leaf) leaf.splitters = null;
    else super.deactivateOnNullSplit(leaf);
  }

  /** Updates a node's detector with its error; true when the detector flags a rise of the error. */
  #track(ada: Ada, err: number): boolean {
    const old = ada.err.mean;
    ada.det.update(err);
    updateMean(ada.err, err);
    if (ada.det.driftDetected && old > ada.err.mean) {
      ada.err = newMean(); // the error is decreasing: reset the estimator, no adaptation
      return false;
    }
    return ada.det.driftDetected;
  }

  /** AdaLeafClassifier.prediction: the leaf's distribution divided by sum · error² (when non-zero). */
  #leafPrediction(leaf: AdaLeaf, x: Features): Map<ClassLabel, number> | undefined {
    if (leaf.stats.size === 0) return undefined;
    const mode = this.params.leafPrediction;
    let dist: Map<ClassLabel, number>;
    if (leaf.splitters === null || mode === "mc") dist = mcPrediction(leaf.stats);
    else if (mode === "nb") {
      dist = totalWeight(leaf.stats) >= this.params.nbThreshold ? (nbPrediction(x, leaf.stats, leaf.splitters) ?? mcPrediction(leaf.stats)) : mcPrediction(leaf.stats);
    } else {
      dist = leaf.nbCorrect >= leaf.mcCorrect ? (nbPrediction(x, leaf.stats, leaf.splitters) ?? mcPrediction(leaf.stats)) : mcPrediction(leaf.stats);
    }
    let sum = 0;
    for (const v of dist.values()) sum += v;
    const e = leaf.ada.err.mean;
    const factor = sum * e * e;
    if (factor === 0 || Number.isNaN(factor)) return new Map(dist);
    const out = new Map<ClassLabel, number>();
    for (const [c, v] of dist) out.set(c, v * (1 / factor));
    return out;
  }

  #predicted(leaf: AdaLeaf, x: Features): ClassLabel | undefined {
    const aux = this.#leafPrediction(leaf, x);
    return aux === undefined || aux.size === 0 ? undefined : argmax(aux);
  }

  #setChild(parent: AdaBranch | null, branchNo: number, node: AdaNode): void {
    if (parent === null) this.root = node;
    else parent.children[branchNo] = node;
  }

  #learnLeaf(leaf: AdaLeaf, x: Features, y: ClassLabel, w: number, parent: AdaBranch | null, branchNo: number): void {
    const p = this.params;
    if (p.bootstrapSampling) {
      const k = poisson(1, this.#rng);
      if (k > 0) w *= k;
    }
    this.#track(leaf.ada, this.#predicted(leaf, x) === y ? 0 : 1);
    learnLeaf(leaf, x, y, w, p.leafPrediction, p.nSplits);
    const seen = totalWeight(leaf.stats);
    if (seen - leaf.lastSplitAttemptAt >= p.gracePeriod) {
      if (leaf.depth >= (p.maxDepth ?? Infinity)) leaf.splitters = null;
      else if (leaf.splitters !== null) {
        const branch = this.attemptSplit(leaf, parent, branchNo);
        if (branch !== undefined) Object.assign(branch, { ada: this.#ada(), alt: null });
        leaf.lastSplitAttemptAt = seen;
      }
    }
  }

  #learnBranch(node: AdaBranch, x: Features, y: ClassLabel, w: number, parent: AdaBranch | null, branchNo: number): void {
    const path: AdaNode[] = [];
    walk(node, x, path);
    const yPred = this.#predicted(path[path.length - 1] as AdaLeaf, x);
    node.stats.set(y, (node.stats.get(y) ?? 0) + w);
    const p = this.params;
    if (this.#track(node.ada, yPred === y ? 0 : 1)) {
      node.ada.err = newMean();
      const alt = this.newLeaf(new Map(), node.depth) as AdaLeaf; // River: parent.depth + 1, then - 1
      node.alt = alt;
      this.stats.alternates++;
    } else if (node.alt !== null) {
      const altN = node.alt.ada.err.n;
      const n = node.ada.err.n;
      if (altN > p.driftWindowThreshold && n > p.driftWindowThreshold) {
        const oldRate = node.ada.err.mean;
        const altRate = node.alt.ada.err.mean;
        const bound = Math.sqrt(2.0 * oldRate * (1.0 - oldRate) * Math.log(2.0 / p.switchSignificance) * (1.0 / altN + 1.0 / n));
        if (bound < oldRate - altRate) {
          this.#killTreeChildren(node);
          if (parent !== null) {
            parent.children[branchNo] = node.alt;
            node.alt = null;
          } else this.root = (this.root as AdaBranch).alt;
          this.stats.switched++;
        } else if (bound < altRate - oldRate) {
          node.alt = null;
          this.stats.pruned++;
        }
      }
    }
    if (node.alt !== null) this.#learnNode(node.alt, x, y, w, parent, branchNo);
    const v = x[node.feature];
    // A missing split feature follows River's most_common_path (right only when strictly heavier).
    const no = v === undefined ? (nodeWeight(node.children[0]) < nodeWeight(node.children[1]) ? 1 : 0) : v <= node.threshold ? 0 : 1;
    this.#learnNode(node.children[no] as AdaNode, x, y, w, node, no);
  }

  /** River `kill_tree_children`: drops the alternates below `node` (its own is kept), counting them as pruned. */
  #killTreeChildren(node: AdaBranch): void {
    for (const c of node.children as unknown as AdaNode[]) {
      if (c.type !== "branch") continue;
      if (c.alt !== null) {
        this.stats.pruned++;
        c.alt = null;
      }
      this.#killTreeChildren(c);
    }
  }

  #learnNode(node: AdaNode, x: Features, y: ClassLabel, w: number, parent: AdaBranch | null, branchNo: number): void {
    if (node.type === "leaf") this.#learnLeaf(node, x, y, w, parent, branchNo);
    else this.#learnBranch(node, x, y, w, parent, branchNo);
  }

  override learnOne(x: Features, y: ClassLabel, w = 1): void {
    this.addClass(y);
    this.weightSeen += w;
    if (this.root === null) this.root = this.newLeaf(new Map(), 0);
    this.#learnNode(this.root as AdaNode, x, y, w, null, -1);
  }

  override predictProbaOne(x: Features): Proba {
    const proba: Proba = new Map();
    for (const c of this.classes) proba.set(c, 0);
    if (this.root === null) return proba;
    const found: AdaNode[] = [];
    if (this.root.type === "leaf") found.push(this.root as AdaLeaf);
    else {
      const path: AdaNode[] = [];
      walk(this.root as AdaNode, x, path);
      for (const n of path) if (n.type === "branch" && n.alt !== null) found.push(n.alt);
      found.push(path[path.length - 1]!);
    }
    for (const leaf of found) {
      if (leaf.type !== "leaf") continue; // River would fail here; alternates are always leaves
      const dist = this.#leafPrediction(leaf, x);
      if (dist !== undefined) for (const [c, v] of dist) proba.set(c, (proba.get(c) ?? 0) + v);
    }
    let sum = 0;
    for (const v of proba.values()) sum += v;
    if (sum !== 0 && !Number.isNaN(sum)) for (const [c, v] of proba) proba.set(c, v * (1 / sum));
    return proba;
  }

  override clone(): this {
    return new HoeffdingAdaptiveTreeClassifier(this.params) as this;
  }

  override toJSON(): EstimatorJSON {
    const state: HATState = {
      classes: [...this.classes],
      weightSeen: this.weightSeen,
      root: this.root === null ? null : adaToJSON(this.root as AdaNode),
      rng: this.#rng.getState(),
      counts: [this.stats.alternates, this.stats.pruned, this.stats.switched],
    };
    return { kind: this.kind, params: { ...this.params }, state };
  }

  /** Rebuilds a tree from {@link HoeffdingAdaptiveTreeClassifier.toJSON} output. */
  static override fromJSON(json: EstimatorJSON): HoeffdingAdaptiveTreeClassifier {
    const { params, state } = readSnapshot<HoeffdingAdaptiveTreeParams, HATState>(json, "HoeffdingAdaptiveTreeClassifier");
    const t = new HoeffdingAdaptiveTreeClassifier(params);
    if (state === undefined) return t;
    t.restoreState({ classes: state.classes, weightSeen: state.weightSeen, root: null });
    t.root = state.root === null ? null : adaFromJSON(state.root);
    t.#rng = new PythonRandom(state.rng);
    [t.stats.alternates, t.stats.pruned, t.stats.switched] = state.counts;
    return t;
  }
}

registerEstimator("HoeffdingAdaptiveTreeClassifier", HoeffdingAdaptiveTreeClassifier.fromJSON);
