/**
 * Adaptive Random Forest classifier (Gomes et al. 2017), a port of River 0.19 `forest.ARFClassifier`:
 * Poisson(λ) online bagging of random-subspace Hoeffding trees, per-tree ADWIN warning/drift detectors with
 * background trees, and an accuracy-weighted vote. Randomness is CPython's Mersenne Twister, drawn in
 * River's order, so a seed follows River's stream.
 */
import type { ClassLabel, Classifier, DriftDetector, EstimatorJSON, Features, Proba } from "../base.ts";
import { ADWIN } from "../drift/adwin.ts";
import { check, readSnapshot } from "../drift/common.ts";
import { PythonRandom, poisson } from "../drift/mersenne-twister.ts";
import type { PythonRandomState } from "../drift/mersenne-twister.ts";
import { estimatorFromJSON, registerEstimator } from "../registry.ts";
import { ARFTreeClassifier } from "./arf-tree-classifier.ts";
import { HOEFFDING_TREE_DEFAULTS, hoeffdingTreeParams } from "./hoeffding-tree-classifier.ts";
import type { HoeffdingTreeParams, HoeffdingTreeState } from "./hoeffding-tree-classifier.ts";
import { argmax } from "./leaf.ts";

/** Forest parameters; tree parameters are those of the Hoeffding tree with ARF's defaults. */
export interface ARFParams extends HoeffdingTreeParams {
  /** Trees in the ensemble. Default 10. */
  nModels: number;
  /** Features per leaf: "sqrt", "log2", an integer count, a fraction in (0, 1), or null for all. Default "sqrt". */
  maxFeatures: "sqrt" | "log2" | number | null;
  /** Poisson rate of online bagging. Default 6. */
  lambdaValue: number;
  /** Plain (unweighted) vote. Default false. */
  disableWeightedVote: boolean;
  /** Unfitted drift detector snapshot, or null to disable. Default ADWIN(delta=0.001). */
  driftDetector: EstimatorJSON | null;
  /** Unfitted warning detector snapshot, or null to disable background trees. Default ADWIN(delta=0.01). */
  warningDetector: EstimatorJSON | null;
  /** Seed of the shared `random.Random` (River's None is not supported: randomness is always seeded). Default 0. */
  seed: number;
}

/** River 0.19 defaults (seed: see {@link ARFParams.seed}). */
export const ARF_DEFAULTS: Readonly<ARFParams> = Object.freeze({
  ...HOEFFDING_TREE_DEFAULTS,
  gracePeriod: 50,
  delta: 0.01,
  tau: 0.05,
  nModels: 10,
  maxFeatures: "sqrt",
  lambdaValue: 6,
  disableWeightedVote: false,
  driftDetector: new ADWIN({ delta: 0.001 }).clone().toJSON(),
  warningDetector: new ADWIN({ delta: 0.01 }).clone().toJSON(),
  seed: 0,
});

/** One ensemble slot: the tree, its accuracy, its detectors and its background tree. */
interface Member {
  tree: ARFTreeClassifier;
  correct: number;
  total: number;
  drift: DriftDetector | null;
  warning: DriftDetector | null;
  background: ARFTreeClassifier | null;
}

interface MemberJSON {
  tree: HoeffdingTreeState;
  correct: number;
  total: number;
  drift: EstimatorJSON | null;
  warning: EstimatorJSON | null;
  background: HoeffdingTreeState | null;
}

interface ARFState {
  rng: PythonRandomState;
  maxFeatures: number | null;
  members: MemberJSON[];
}

/** Python's `round` (half to even). */
function pyRound(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Adaptive Random Forest classifier.
 *
 * @example
 * const arf = new AdaptiveRandomForestClassifier({ seed: 42, nModels: 3 });
 * arf.learnOne({ a: 1, b: 0 }, true);
 * arf.predictOne({ a: 1, b: 0 }); // true
 * @see https://github.com/online-ml/river/blob/0.19.0/river/forest/adaptive_random_forest.py
 */
export class AdaptiveRandomForestClassifier implements Classifier {
  readonly kind = "AdaptiveRandomForestClassifier";
  readonly params: Readonly<ARFParams>;
  #rng: PythonRandom;
  #maxFeatures: number | null = null;
  #members: Member[] = [];

  constructor(params: Partial<ARFParams> = {}) {
    const p = { ...ARF_DEFAULTS, ...params };
    hoeffdingTreeParams(p, "AdaptiveRandomForestClassifier");
    check(Number.isInteger(p.nModels) && p.nModels > 0, "AdaptiveRandomForestClassifier: nModels must be a positive integer");
    check(p.lambdaValue > 0, "AdaptiveRandomForestClassifier: lambdaValue must be positive");
    check(Number.isSafeInteger(p.seed), "AdaptiveRandomForestClassifier: seed must be an integer");
    const mf = p.maxFeatures;
    check(mf === null || mf === "sqrt" || mf === "log2" || (typeof mf === "number" && mf > 0), "AdaptiveRandomForestClassifier: bad maxFeatures");
    this.params = Object.freeze(p);
    this.#rng = new PythonRandom(p.seed);
  }

  /** Warnings and drifts detected so far (sum over trees). */
  get counts(): { trees: number; backgrounds: number } {
    return { trees: this.#members.length, backgrounds: this.#members.filter((m) => m.background !== null).length };
  }

  #treeParams(): Partial<HoeffdingTreeParams> {
    const { gracePeriod, maxDepth, splitCriterion, delta, tau, leafPrediction, nbThreshold, nSplits, minBranchFraction, removePoorAttrs, meritPreprune, maxShareToSplit } = this.params;
    return { gracePeriod, maxDepth, splitCriterion, delta, tau, leafPrediction, nbThreshold, nSplits, minBranchFraction, removePoorAttrs, meritPreprune, maxShareToSplit };
  }

  #newTree(): ARFTreeClassifier {
    return new ARFTreeClassifier(this.#treeParams(), this.#maxFeatures ?? 1, this.#rng);
  }

  #detector(json: EstimatorJSON | null): DriftDetector | null {
    return json === null ? null : estimatorFromJSON<DriftDetector>(json).clone();
  }

  #resolveMaxFeatures(n: number): number {
    const mf = this.params.maxFeatures;
    let m: number;
    if (mf === "sqrt") m = pyRound(Math.sqrt(n));
    else if (mf === "log2") m = pyRound(Math.log2(n));
    else if (mf === null) m = n;
    else if (Number.isInteger(mf)) m = mf;
    else m = Math.trunc(mf * n);
    if (m < 0) m += n;
    if (m <= 0) m = 1;
    if (m > n) m = n;
    return m;
  }

  #init(x: Features): void {
    this.#maxFeatures = this.#resolveMaxFeatures(Object.keys(x).length);
    this.#members = Array.from({ length: this.params.nModels }, () => ({
      tree: this.#newTree(),
      correct: 0,
      total: 0,
      drift: this.#detector(this.params.driftDetector),
      warning: this.#detector(this.params.warningDetector),
      background: null,
    }));
  }

  learnOne(x: Features, y: ClassLabel): void {
    if (this.#members.length === 0) this.#init(x);
    for (const m of this.#members) {
      const yPred = m.tree.predictOne(x);
      m.total += 1;
      if (yPred === y) m.correct += 1;
      const k = poisson(this.params.lambdaValue, this.#rng);
      if (k <= 0) continue;
      if (m.warning !== null && m.background !== null) m.background.learnOne(x, y, k);
      m.tree.learnOne(x, y, k);
      const err = yPred === y ? 0 : 1;
      if (m.warning !== null) {
        m.warning.update(err);
        if (m.warning.driftDetected) {
          m.background = this.#newTree();
          m.warning = this.#detector(this.params.warningDetector);
        }
      }
      if (m.drift !== null) {
        m.drift.update(err);
        if (m.drift.driftDetected) {
          if (m.warning !== null && m.background !== null) {
            m.tree = m.background;
            m.background = null;
            m.warning = this.#detector(this.params.warningDetector);
          } else m.tree = this.#newTree();
          m.drift = this.#detector(this.params.driftDetector);
          m.correct = 0;
          m.total = 0;
        }
      }
    }
  }

  predictProbaOne(x: Features): Proba {
    const votes: Proba = new Map();
    if (this.#members.length === 0) {
      this.#init(x); // as River: the first prediction sets the ensemble up
      return votes;
    }
    for (const m of this.#members) {
      const acc = m.total === 0 ? 0 : m.correct / m.total;
      const weight = !this.params.disableWeightedVote && acc > 0 ? acc : 1;
      for (const [c, p] of m.tree.predictProbaOne(x)) votes.set(c, (votes.get(c) ?? 0) + (weight === 1 ? p : p * weight));
    }
    let total = 0;
    for (const v of votes.values()) total += v;
    if (total > 0) for (const [c, v] of votes) votes.set(c, v / total);
    return votes;
  }

  predictOne(x: Features): ClassLabel | undefined {
    return argmax(this.predictProbaOne(x));
  }

  clone(): this {
    return new AdaptiveRandomForestClassifier(this.params) as this;
  }

  toJSON(): EstimatorJSON {
    const state: ARFState = {
      rng: this.#rng.getState(),
      maxFeatures: this.#maxFeatures,
      members: this.#members.map((m) => ({
        tree: m.tree.snapshot(),
        correct: m.correct,
        total: m.total,
        drift: m.drift?.toJSON() ?? null,
        warning: m.warning?.toJSON() ?? null,
        background: m.background?.snapshot() ?? null,
      })),
    };
    return { kind: this.kind, params: { ...this.params }, state };
  }

  /** Rebuilds a forest from {@link AdaptiveRandomForestClassifier.toJSON} output. */
  static fromJSON(json: EstimatorJSON): AdaptiveRandomForestClassifier {
    const { params, state } = readSnapshot<ARFParams, ARFState>(json, "AdaptiveRandomForestClassifier");
    const f = new AdaptiveRandomForestClassifier(params);
    if (state === undefined) return f;
    f.#rng = new PythonRandom(state.rng);
    f.#maxFeatures = state.maxFeatures;
    const tree = (s: HoeffdingTreeState): ARFTreeClassifier => {
      const t = f.#newTree();
      t.restore(s);
      return t;
    };
    f.#members = state.members.map((m) => ({
      tree: tree(m.tree),
      correct: m.correct,
      total: m.total,
      drift: m.drift === null ? null : estimatorFromJSON<DriftDetector>(m.drift),
      warning: m.warning === null ? null : estimatorFromJSON<DriftDetector>(m.warning),
      background: m.background === null ? null : tree(m.background),
    }));
    return f;
  }
}

registerEstimator("AdaptiveRandomForestClassifier", AdaptiveRandomForestClassifier.fromJSON);
