/**
 * Soft voting: the mean of several classifiers' predicted probabilities (scikit-learn's
 * `VotingClassifier(voting="soft")` with uniform weights, online). Hand-written: River 0.19's
 * `ensemble.VotingClassifier` predicts a label only — it sums the members' probabilities (or counts their
 * votes) to pick one class, and has no `predict_proba_one` — so it gives no score to rank transactions by.
 * The use here is hedging a choice a validation set cannot resolve, e.g. the SGD rate of an online
 * logistic regression: every member learns every sample, and the ensemble's probability is their mean.
 */
import type { ClassLabel, Classifier, EstimatorJSON, Features, Proba } from "../base.ts";
import { check } from "../math.ts";
import { estimatorFromJSON, expectKind, registerEstimator } from "../registry.ts";

/** SoftVotingClassifier parameters. */
export interface SoftVotingParams {
  /** The members (at least one), each learning every sample. */
  models: readonly Classifier[];
}

/**
 * A classifier whose `P(c | x)` is the mean of its members' `P(c | x)`. A member that has learned nothing
 * yet (empty prediction) is left out of the mean; a class a member does not predict counts as 0 for it.
 * `learnOne` passes the sample (and its weight) to every member, in order.
 *
 * @example
 * const [slow, fast] = [new LogisticRegression({ lr: 0.005 }), new LogisticRegression({ lr: 0.05 })];
 * const model = new SoftVotingClassifier({ models: [slow, fast] });
 * model.learnOne({ a: 1 }, true); // both members learn it
 * const mean = (slow.predictProbaOne({ a: 1 }).get(true)! + fast.predictProbaOne({ a: 1 }).get(true)!) / 2;
 * console.assert(model.predictProbaOne({ a: 1 }).get(true) === mean);
 */
export class SoftVotingClassifier implements Classifier {
  readonly kind = "SoftVotingClassifier";
  readonly params: Readonly<Record<string, unknown>>;
  readonly models: readonly Classifier[];

  constructor(params: SoftVotingParams) {
    check(Array.isArray(params?.models) && params.models.length >= 1, "SoftVotingClassifier", "models must be a non-empty array");
    for (const m of params.models) check(typeof m?.learnOne === "function" && typeof m.predictProbaOne === "function", "SoftVotingClassifier", "every model must be a Classifier");
    check(new Set(params.models).size === params.models.length, "SoftVotingClassifier", "models must be distinct instances");
    this.models = Object.freeze([...params.models]);
    this.params = Object.freeze({ models: this.models.map((m) => ({ kind: m.kind, params: { ...m.params } })) });
  }

  /** True when every member honours sample weights. */
  get acceptsSampleWeight(): boolean {
    return this.models.every((m) => m.acceptsSampleWeight === true);
  }

  learnOne(x: Features, y: ClassLabel, w?: number): void {
    for (const m of this.models) {
      if (w === undefined) m.learnOne(x, y);
      else m.learnOne(x, y, w);
    }
  }

  predictProbaOne(x: Features): Proba {
    const sum: Proba = new Map();
    let n = 0;
    for (const m of this.models) {
      const p = m.predictProbaOne(x);
      if (p.size === 0) continue;
      n++;
      for (const [c, v] of p) sum.set(c, (sum.get(c) ?? 0) + v);
    }
    for (const [c, v] of sum) sum.set(c, v / n);
    return sum;
  }

  /** The class of highest mean probability (the first on a tie); undefined before anything was learned. */
  predictOne(x: Features): ClassLabel | undefined {
    let best: ClassLabel | undefined;
    let bestP = -Infinity;
    for (const [c, p] of this.predictProbaOne(x)) {
      if (p > bestP) {
        best = c;
        bestP = p;
      }
    }
    return best;
  }

  clone(): this {
    return new SoftVotingClassifier({ models: this.models.map((m) => m.clone()) }) as this;
  }

  toJSON(): EstimatorJSON {
    return { kind: this.kind, params: { ...this.params }, state: { models: this.models.map((m) => m.toJSON()) } };
  }

  /** Rebuilds the ensemble (its members through the registry) from `toJSON()` output. */
  static fromJSON(json: EstimatorJSON): SoftVotingClassifier {
    expectKind(json, "SoftVotingClassifier");
    const state = json.state as { models: EstimatorJSON[] };
    return new SoftVotingClassifier({ models: state.models.map((m) => estimatorFromJSON<Classifier>(m)) });
  }
}

registerEstimator("SoftVotingClassifier", SoftVotingClassifier.fromJSON);
