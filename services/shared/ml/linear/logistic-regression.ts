/**
 * River's `linear_model.LogisticRegression` (`river/linear_model/log_reg.py` + `base.py` GLM, 0.19).
 */
import type { ClassLabel, Classifier, EstimatorJSON, Features, Proba } from "../base.ts";
import { binaryLabel, check, clamp, isFiniteNumber, sigmoid } from "../math.ts";
import { logLossGradient } from "../optim/losses.ts";
import type { Optimizer } from "../optim/optimizer.ts";
import { SGD } from "../optim/sgd.ts";
import { estimatorFromJSON, expectKind, registerEstimator } from "../registry.ts";

/** LogisticRegression parameters (River defaults). */
export interface LogisticRegressionParams {
  /** Weight optimizer; default `new SGD({ lr })`. */
  optimizer?: Optimizer;
  /** Shorthand for `optimizer: new SGD({ lr })` (default 0.01). Not allowed with `optimizer`. */
  lr?: number;
  /** L2 penalty (default 0). */
  l2?: number;
  /** Initial intercept (default 0). */
  interceptInit?: number;
  /** Constant intercept learning rate (default 0.01); 0 freezes the intercept. */
  interceptLr?: number;
  /** Clip the loss gradient to ±clipGradient (default 1e12). */
  clipGradient?: number;
}

/**
 * Binary logistic regression trained one sample at a time, labels `true` / `false`. Weights start at 0
 * (River's `Zeros` initializer). Update order, as River's GLM: loss gradient at the current weights →
 * clip → intercept step (`intercept -= interceptLr * g`) → optimizer step on `x * g (+ l2 * w)`.
 * `predictProbaOne` is `{ false: 1 - p, true: p }` with `p = sigmoid(w·x + b)`, so ties predict false.
 *
 * @example
 * const model = new LogisticRegression({ lr: 0.1 });
 * model.learnOne({ a: 1 }, true);
 * model.predictOne({ a: 1 }); // true
 * @see https://github.com/online-ml/river/blob/0.19.0/river/linear_model/log_reg.py
 */
export class LogisticRegression implements Classifier {
  readonly kind = "LogisticRegression";
  readonly acceptsSampleWeight = true;
  readonly params: Readonly<Record<string, unknown>>;
  readonly #optimizer: Optimizer;
  readonly #l2: number;
  readonly #interceptInit: number;
  readonly #interceptLr: number;
  readonly #clip: number;
  #weights = new Map<string, number>();
  #intercept: number;

  constructor(params: LogisticRegressionParams = {}) {
    const who = "LogisticRegression";
    check(!(params.optimizer !== undefined && params.lr !== undefined), who, "give either optimizer or lr, not both");
    this.#optimizer = params.optimizer ?? new SGD(params.lr === undefined ? {} : { lr: params.lr });
    this.#l2 = params.l2 ?? 0;
    this.#interceptInit = params.interceptInit ?? 0;
    this.#interceptLr = params.interceptLr ?? 0.01;
    this.#clip = params.clipGradient ?? 1e12;
    check(isFiniteNumber(this.#l2) && this.#l2 >= 0, who, "l2 must be >= 0");
    check(isFiniteNumber(this.#interceptInit), who, "interceptInit must be finite");
    check(isFiniteNumber(this.#interceptLr) && this.#interceptLr >= 0, who, "interceptLr must be >= 0");
    check(typeof this.#clip === "number" && this.#clip > 0, who, "clipGradient must be > 0");
    this.#intercept = this.#interceptInit;
    const opt = this.#optimizer;
    this.params = Object.freeze({
      optimizer: { kind: opt.kind, params: { ...opt.params } },
      l2: this.#l2,
      interceptInit: this.#interceptInit,
      interceptLr: this.#interceptLr,
      clipGradient: this.#clip,
    });
  }

  /** Current weights (a copy). */
  get weights(): Map<string, number> {
    return new Map(this.#weights);
  }

  /** Current weights, live and not copied: for wrappers reading them on every update (AveragedLogisticRegression). */
  get weightsView(): ReadonlyMap<string, number> {
    return this.#weights;
  }

  /** Current intercept. */
  get intercept(): number {
    return this.#intercept;
  }

  #rawDot(x: Features): number {
    const w = this.#weights;
    let sum = 0;
    for (const key in x) {
      const wi = w.get(key);
      if (wi !== undefined) sum += wi * x[key]!;
    }
    return sum + this.#intercept;
  }

  /** River's GLM: the loss gradient is multiplied by the sample weight `w`, then clipped. */
  learnOne(x: Features, y: ClassLabel, sampleWeight = 1): void {
    const yTrue = binaryLabel(y, this.kind);
    let lossGradient = logLossGradient(yTrue, this.#rawDot(x));
    if (sampleWeight !== 1) lossGradient *= sampleWeight;
    lossGradient = clamp(lossGradient, -this.#clip, this.#clip);
    const gradient: Features = {};
    const w = this.#weights;
    const l2 = this.#l2;
    for (const key in x) {
      let gi = x[key]! * lossGradient;
      if (l2 !== 0) gi += l2 * (w.get(key) ?? 0);
      gradient[key] = gi;
    }
    this.#intercept -= this.#interceptLr * lossGradient;
    this.#optimizer.step(w, gradient);
  }

  /** `P(true)`. */
  probaTrue(x: Features): number {
    return sigmoid(this.#rawDot(x));
  }

  predictProbaOne(x: Features): Proba {
    const p = sigmoid(this.#rawDot(x));
    return new Map<ClassLabel, number>([
      [false, 1 - p],
      [true, p],
    ]);
  }

  predictOne(x: Features): ClassLabel {
    const p = sigmoid(this.#rawDot(x));
    return p > 1 - p;
  }

  clone(): this {
    return new LogisticRegression(this.#cloneParams()) as this;
  }

  #cloneParams(): LogisticRegressionParams {
    return {
      optimizer: this.#optimizer.clone(),
      l2: this.#l2,
      interceptInit: this.#interceptInit,
      interceptLr: this.#interceptLr,
      clipGradient: this.#clip,
    };
  }

  toJSON(): EstimatorJSON {
    return {
      kind: this.kind,
      params: { ...this.params },
      state: { weights: [...this.#weights], intercept: this.#intercept, optimizer: this.#optimizer.toJSON() },
    };
  }

  /** Rebuilds a model from `toJSON()` output. */
  static fromJSON(json: EstimatorJSON): LogisticRegression {
    expectKind(json, "LogisticRegression");
    const p = json.params as Omit<LogisticRegressionParams, "optimizer">;
    const state = json.state as { weights: [string, number][]; intercept: number; optimizer: EstimatorJSON };
    const optimizer = estimatorFromJSON<Optimizer>(state.optimizer);
    const model = new LogisticRegression({
      optimizer,
      l2: p.l2 ?? 0,
      interceptInit: p.interceptInit ?? 0,
      interceptLr: p.interceptLr ?? 0.01,
      clipGradient: p.clipGradient ?? 1e12,
    });
    model.#weights = new Map(state.weights);
    model.#intercept = state.intercept;
    return model;
  }
}

registerEstimator("LogisticRegression", LogisticRegression.fromJSON);
