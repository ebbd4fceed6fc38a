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
import { binaryLabel, check, clamp, isFiniteNumber, sigmoid } from "../math.ts";
import { logLossGradient } from "../optim/losses.ts";
import type { Optimizer } from "../optim/optimizer.ts";
import { SGD } from "../optim/sgd.ts";
import { estimatorFromJSON, expectKind, registerEstimator } from "../registry.ts";
import type { LogisticRegressionParams } from "./logistic-regression.ts";

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
 * Binary logistic regression whose SGD updates are exactly LogisticRegression's (same parameters,
 * River's update order), but which predicts with the running average of the weights and intercept:
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
  readonly #optimizer: Optimizer;
  readonly #l2: number;
  readonly #interceptInit: number;
  readonly #interceptLr: number;
  readonly #clip: number;
  readonly #start: number;
  readonly #window: number | null;
  #weights = new Map<string, number>();
  #intercept: number;
  #avgWeights = new Map<string, number>();
  #avgIntercept: number;
  #n = 0;

  constructor(params: AveragedLogisticRegressionParams = {}) {
    const who = "AveragedLogisticRegression";
    check(!(params.optimizer !== undefined && params.lr !== undefined), who, "give either optimizer or lr, not both");
    this.#optimizer = params.optimizer ?? new SGD(params.lr === undefined ? {} : { lr: params.lr });
    this.#l2 = params.l2 ?? 0;
    this.#interceptInit = params.interceptInit ?? 0;
    this.#interceptLr = params.interceptLr ?? 0.01;
    this.#clip = params.clipGradient ?? 1e12;
    this.#start = params.averageStart ?? 0;
    this.#window = params.averageWindow === undefined ? 100_000 : params.averageWindow;
    check(isFiniteNumber(this.#l2) && this.#l2 >= 0, who, "l2 must be >= 0");
    check(isFiniteNumber(this.#interceptInit), who, "interceptInit must be finite");
    check(isFiniteNumber(this.#interceptLr) && this.#interceptLr >= 0, who, "interceptLr must be >= 0");
    check(typeof this.#clip === "number" && this.#clip > 0, who, "clipGradient must be > 0");
    check(Number.isInteger(this.#start) && this.#start >= 0, who, "averageStart must be a whole number >= 0");
    check(this.#window === null || (isFiniteNumber(this.#window) && this.#window >= 1), who, "averageWindow must be >= 1 or null");
    this.#intercept = this.#interceptInit;
    this.#avgIntercept = this.#interceptInit;
    const opt = this.#optimizer;
    this.params = Object.freeze({
      optimizer: { kind: opt.kind, params: { ...opt.params } },
      l2: this.#l2,
      interceptInit: this.#interceptInit,
      interceptLr: this.#interceptLr,
      clipGradient: this.#clip,
      averageStart: this.#start,
      averageWindow: this.#window,
    });
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
    return new Map(this.#weights);
  }

  /** The SGD iterate's intercept. */
  get sgdIntercept(): number {
    return this.#intercept;
  }

  /** Number of updates (`learnOne` calls). */
  get nUpdates(): number {
    return this.#n;
  }

  #dot(w: Map<string, number>, intercept: number, x: Features): number {
    let sum = 0;
    for (const key in x) {
      const wi = w.get(key);
      if (wi !== undefined) sum += wi * x[key]!;
    }
    return sum + intercept;
  }

  /** LogisticRegression's update (River's GLM), then the average's. */
  learnOne(x: Features, y: ClassLabel, sampleWeight = 1): void {
    const yTrue = binaryLabel(y, this.kind);
    const w = this.#weights;
    let lossGradient = logLossGradient(yTrue, this.#dot(w, this.#intercept, x));
    if (sampleWeight !== 1) lossGradient *= sampleWeight;
    lossGradient = clamp(lossGradient, -this.#clip, this.#clip);
    const gradient: Features = {};
    const l2 = this.#l2;
    for (const key in x) {
      let gi = x[key]! * lossGradient;
      if (l2 !== 0) gi += l2 * (w.get(key) ?? 0);
      gradient[key] = gi;
    }
    this.#intercept -= this.#interceptLr * lossGradient;
    this.#optimizer.step(w, gradient);

    const t = ++this.#n;
    const mu = t <= this.#start ? 1 : Math.max(1 / (t - this.#start), this.#window === null ? 0 : 1 / this.#window);
    const avg = this.#avgWeights;
    for (const [key, wi] of w) {
      const a = avg.get(key) ?? 0;
      avg.set(key, mu === 1 ? wi : a + mu * (wi - a));
    }
    this.#avgIntercept = mu === 1 ? this.#intercept : this.#avgIntercept + mu * (this.#intercept - this.#avgIntercept);
  }

  /** `P(true)` with the averaged weights. */
  probaTrue(x: Features): number {
    return sigmoid(this.#dot(this.#avgWeights, this.#avgIntercept, x));
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
    return new AveragedLogisticRegression({
      optimizer: this.#optimizer.clone(),
      l2: this.#l2,
      interceptInit: this.#interceptInit,
      interceptLr: this.#interceptLr,
      clipGradient: this.#clip,
      averageStart: this.#start,
      averageWindow: this.#window,
    }) as this;
  }

  toJSON(): EstimatorJSON {
    return {
      kind: this.kind,
      params: { ...this.params },
      state: {
        n: this.#n,
        weights: [...this.#weights],
        intercept: this.#intercept,
        avgWeights: [...this.#avgWeights],
        avgIntercept: this.#avgIntercept,
        optimizer: this.#optimizer.toJSON(),
      },
    };
  }

  /** Rebuilds a model from `toJSON()` output. */
  static fromJSON(json: EstimatorJSON): AveragedLogisticRegression {
    expectKind(json, "AveragedLogisticRegression");
    const p = json.params as Omit<AveragedLogisticRegressionParams, "optimizer">;
    const s = json.state as {
      n: number;
      weights: [string, number][];
      intercept: number;
      avgWeights: [string, number][];
      avgIntercept: number;
      optimizer: EstimatorJSON;
    };
    const model = new AveragedLogisticRegression({
      optimizer: estimatorFromJSON<Optimizer>(s.optimizer),
      l2: p.l2 ?? 0,
      interceptInit: p.interceptInit ?? 0,
      interceptLr: p.interceptLr ?? 0.01,
      clipGradient: p.clipGradient ?? 1e12,
      averageStart: p.averageStart ?? 0,
      averageWindow: p.averageWindow === undefined ? 100_000 : p.averageWindow,
    });
    model.#n = s.n;
    model.#weights = new Map(s.weights);
    model.#intercept = s.intercept;
    model.#avgWeights = new Map(s.avgWeights);
    model.#avgIntercept = s.avgIntercept;
    return model;
  }
}

registerEstimator("AveragedLogisticRegression", AveragedLogisticRegression.fromJSON);
