/**
 * Class weighting for imbalanced streams: every sample of class `c` is learned with weight `weights[c]`
 * (scikit-learn's `class_weight`; River passes it as `learn_one(x, y, w=…)`). A classifier whose
 * `learnOne` honours sample weights (`acceptsSampleWeight`: LogisticRegression, Hoeffding trees, a
 * pipeline ending in one) gets the weight directly; any other one learns the sample ⌊w⌋ times, plus
 * once more with probability w − ⌊w⌋ (seeded), which has the same expectation.
 */
import type { ClassLabel, Classifier, EstimatorJSON, Features, Proba } from "../base.ts";
import { check, readSnapshot } from "../drift/common.ts";
import { PythonRandom } from "../drift/mersenne-twister.ts";
import type { PythonRandomState } from "../drift/mersenne-twister.ts";
import { estimatorFromJSON, registerEstimator } from "../registry.ts";
import type { ClassTable } from "./random.ts";

/** ClassWeightedClassifier parameters. */
export interface ClassWeightedParams {
  classifier: Classifier;
  /** Class → weight pairs, e.g. `[[true, 50]]`. Classes not listed weigh 1. */
  weights: ClassTable;
  /** Seed of the repetition draws (only used for classifiers without sample weights). Default 0. */
  seed?: number;
}

/** `{ pos: n_neg / n_pos }`-style "balanced" weights for a binary stream with positive rate `rate`. */
export function balancedWeights(rate: number, pos: ClassLabel = true, neg: ClassLabel = false): [ClassLabel, number][] {
  check(rate > 0 && rate < 1, "balancedWeights: rate must be in (0, 1)");
  return [[pos, 0.5 / rate], [neg, 0.5 / (1 - rate)]];
}

/**
 * Wraps a classifier and weights what it learns by class.
 *
 * @example
 * const model = new ClassWeightedClassifier({ classifier: new LogisticRegression(), weights: [[true, 20]] });
 * model.learnOne({ a: 1 }, true); // learned with weight 20
 */
export class ClassWeightedClassifier implements Classifier {
  readonly kind = "ClassWeightedClassifier";
  readonly params: Readonly<Record<string, unknown>>;
  readonly classifier: Classifier;
  readonly #weights: Map<ClassLabel, number>;
  #rng: PythonRandom;

  constructor(p: ClassWeightedParams) {
    check(typeof p.classifier?.learnOne === "function", "ClassWeightedClassifier: classifier must be a Classifier");
    check(Array.isArray(p.weights), "ClassWeightedClassifier: weights must be [label, weight] pairs");
    const seed = p.seed ?? 0;
    check(Number.isSafeInteger(seed), "ClassWeightedClassifier: seed must be an integer");
    this.#weights = new Map();
    for (const [c, w] of p.weights) {
      check(Number.isFinite(w) && w >= 0, "ClassWeightedClassifier: weights must be finite and >= 0");
      this.#weights.set(c, w);
    }
    this.classifier = p.classifier;
    this.#rng = new PythonRandom(seed);
    this.params = Object.freeze({
      classifier: { kind: p.classifier.kind, params: { ...p.classifier.params } },
      weights: [...this.#weights],
      seed,
    });
  }

  learnOne(x: Features, y: ClassLabel, w = 1): void {
    const cw = (this.#weights.get(y) ?? 1) * w;
    if (this.classifier.acceptsSampleWeight === true) {
      if (cw > 0) this.classifier.learnOne(x, y, cw);
      return;
    }
    let k = Math.floor(cw);
    if (cw - k > 0 && this.#rng.random() < cw - k) k += 1;
    for (; k > 0; k--) this.classifier.learnOne(x, y);
  }

  predictProbaOne(x: Features): Proba {
    return this.classifier.predictProbaOne(x);
  }

  predictOne(x: Features): ClassLabel | undefined {
    return this.classifier.predictOne(x);
  }

  clone(): this {
    return new ClassWeightedClassifier({ classifier: this.classifier.clone(), weights: [...this.#weights], seed: this.params["seed"] as number }) as this;
  }

  toJSON(): EstimatorJSON {
    return { kind: this.kind, params: { ...this.params }, state: { classifier: this.classifier.toJSON(), rng: this.#rng.getState() } };
  }

  static fromJSON(json: EstimatorJSON): ClassWeightedClassifier {
    const { params, state } = readSnapshot<{ weights: ClassTable; seed: number }, { classifier: EstimatorJSON; rng: PythonRandomState }>(json, "ClassWeightedClassifier");
    const m = new ClassWeightedClassifier({ classifier: estimatorFromJSON<Classifier>(state!.classifier), weights: params.weights ?? [], seed: params.seed });
    m.#rng = new PythonRandom(state!.rng);
    return m;
  }
}

registerEstimator("ClassWeightedClassifier", ClassWeightedClassifier.fromJSON);
