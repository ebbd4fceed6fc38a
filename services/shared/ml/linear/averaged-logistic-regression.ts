/**
 * Logistic regression trained by averaged SGD (ASGD). Hand-written: River 0.19 has no averaged linear
 * classifier (its `linear_model.LogisticRegression` predicts with the last SGD iterate). This is
 * Polyak–Ruppert averaging (Polyak & Juditsky 1992) as ASGD in Bottou, "Large-Scale Machine Learning with
 * Stochastic Gradient Descent" (COMPSTAT 2010, §4: `w̄ ← w̄ + μ_t (w − w̄)`, `μ_t = 1 / max(1, t − t0)`),
 * analysed for one pass over the data by Xu, "Towards Optimal One Pass Large Scale Learning with Averaged
 * Stochastic Gradient Descent" (arXiv:1107.2490, 2011); scikit-learn's `SGDClassifier(average=t0)` is the
 * same average. Added here: an optional window that turns the uniform average into an exponential one,
 * for streams that drift.
 */
import type { ClassLabel, Classifier, EstimatorJSON, Features, Proba } from "../base.ts";
import { check, isFiniteNumber, sigmoid } from "../math.ts";
import { expectKind, registerEstimator } from "../registry.ts";
import { LogisticRegression, type LogisticRegressionParams } from "./logistic-regression.ts";

/** AveragedLogisticRegression parameters: LogisticRegression's (River defaults) and the average's. */
export interface AveragedLogisticRegressionParams extends LogisticRegressionParams {
  /**
   * Updates before the average starts (Bottou's t0, scikit-learn's `average=t0`; default 0). Until then
   * the model predicts with the SGD weights themselves.
   */
  averageStart?: number;
  /**
   * The average is uniform over its first `averageWindow` updates, then exponential with weight
   * `1 / averageWindow` (it then remembers about the last `averageWindow` updates); `null`: uniform for
   * ever, the textbook ASGD. Default 100,000.
   */
  averageWindow?: number | null;
}

/**
 * Binary logistic regression whose SGD updates are exactly LogisticRegression's (it wraps one:
 * same parameters, River's update order), but which predicts with the running average of the weights and intercept:
 * after update t, `w̄ ← w̄ + μ_t (w − w̄)` with `μ_t = 1` for `t ≤ averageStart`, else
 * `max(1 / (t − averageStart), 1 / averageWindow)`. Averaging removes most of the noise of constant-rate
 * SGD around the optimum, which is what separates online LR from a batch fit on a stationary stream.
 * With `averageWindow: 1` it predicts exactly as LogisticRegression.
 *
 * @example
 * const model = new AveragedLogisticRegression({ lr: 0.02, averageWindow: 50_000 });
 * model.learnOne({ a: 1 }, true);
 * model.predictOne({ a: 1 }); // true
 */
export class AveragedLogisticRegression implements Classifier {
  readonly kind = "AveragedLogisticRegression";
  readonly acceptsSampleWeight = true;
  readonly params: Readonly<Record<string, unknown>>;
  /** The SGD iterate. */
  #sgd: LogisticRegression;
  readonly #start: number;
  readonly #window: number | null;
  #avgWeights = new Map<string, number>();
  #avgIntercept: number;
  #n = 0;

  /** `sgd` (internal: clone and fromJSON): the iterate to wrap instead of a new one built from `params`. */
  constructor(params: AveragedLogisticRegressionParams = {}, sgd?: LogisticRegression) {
    const { averageStart, averageWindow, ...lr } = params;
    this.#sgd = sgd ?? new LogisticRegression(lr);
    this.#start = averageStart ?? 0;
    this.#window = averageWindow === undefined ? 100_000 : averageWindow;
    const who = "AveragedLogisticRegression";
    check(Number.isInteger(this.#start) && this.#start >= 0, who, "averageStart must be a whole number >= 0");
    check(this.#window === null || (isFiniteNumber(this.#window) && this.#window >= 1), who, "averageWindow must be >= 1 or null");
    this.#avgIntercept = this.#sgd.intercept;
    this.params = Object.freeze({ ...this.#sgd.params, averageStart: this.#start, averageWindow: this.#window });
  }

  /** The averaged weights, used to predict (a copy). */
  get weights(): Map<string, number> {
    return new Map(this.#avgWeights);
  }

  /** The averaged intercept. */
  get intercept(): number {
    return this.#avgIntercept;
  }

  /** The SGD iterate's weights (a copy), i.e. what LogisticRegression would predict with. */
  get sgdWeights(): Map<string, number> {
    return this.#sgd.weights;
  }

  /** The SGD iterate's intercept. */
  get sgdIntercept(): number {
    return this.#sgd.intercept;
  }

  /** Number of updates (`learnOne` calls). */
  get nUpdates(): number {
    return this.#n;
  }

  /** LogisticRegression's update (River's GLM), then the average's. */
  learnOne(x: Features, y: ClassLabel, sampleWeight = 1): void {
    this.#sgd.learnOne(x, y, sampleWeight);
    const t = ++this.#n;
    const mu = t <= this.#start ? 1 : Math.max(1 / (t - this.#start), this.#window === null ? 0 : 1 / this.#window);
    const avg = this.#avgWeights;
    for (const [key, wi] of this.#sgd.weightsView) {
      const a = avg.get(key) ?? 0;
      avg.set(key, mu === 1 ? wi : a + mu * (wi - a));
    }
    const intercept = this.#sgd.intercept;
    this.#avgIntercept = mu === 1 ? intercept : this.#avgIntercept + mu * (intercept - this.#avgIntercept);
  }

  /** `P(true)` with the averaged weights. */
  probaTrue(x: Features): number {
    const w = this.#avgWeights;
    let sum = 0;
    for (const key in x) {
      const wi = w.get(key);
      if (wi !== undefined) sum += wi * x[key]!;
    }
    return sigmoid(sum + this.#avgIntercept);
  }

  predictProbaOne(x: Features): Proba {
    const p = this.probaTrue(x);
    return new Map<ClassLabel, number>([
      [false, 1 - p],
      [true, p],
    ]);
  }

  predictOne(x: Features): ClassLabel {
    const p = this.probaTrue(x);
    return p > 1 - p;
  }

  clone(): this {
    return new AveragedLogisticRegression({ averageStart: this.#start, averageWindow: this.#window }, this.#sgd.clone()) as this;
  }

  toJSON(): EstimatorJSON {
    return {
      kind: this.kind,
      params: { ...this.params },
      state: { n: this.#n, sgd: this.#sgd.toJSON(), avgWeights: [...this.#avgWeights], avgIntercept: this.#avgIntercept },
    };
  }

  /** Rebuilds a model from `toJSON()` output. */
  static fromJSON(json: EstimatorJSON): AveragedLogisticRegression {
    expectKind(json, "AveragedLogisticRegression");
    const p = json.params as Pick<AveragedLogisticRegressionParams, "averageStart" | "averageWindow">;
    const s = json.state as { n: number; sgd: EstimatorJSON; avgWeights: [string, number][]; avgIntercept: number };
    const window = p.averageWindow === undefined ? 100_000 : p.averageWindow;
    const model = new AveragedLogisticRegression({ averageStart: p.averageStart ?? 0, averageWindow: window }, LogisticRegression.fromJSON(s.sgd));
    model.#n = s.n;
    model.#avgWeights = new Map(s.avgWeights);
    model.#avgIntercept = s.avgIntercept;
    return model;
  }
}

registerEstimator("AveragedLogisticRegression", AveragedLogisticRegression.fromJSON);
