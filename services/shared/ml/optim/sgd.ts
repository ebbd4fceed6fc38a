/**
 * River's `optim.SGD` (`river/optim/sgd.py`).
 */
import type { EstimatorJSON, Features } from "../base.ts";
import { check, isFiniteNumber } from "../math.ts";
import { expectKind, registerEstimator } from "../registry.ts";
import type { Optimizer } from "./optimizer.ts";

/** SGD parameters. */
export interface SGDParams {
  /** Constant learning rate (River default 0.01). */
  lr?: number;
}

/**
 * Plain stochastic gradient descent with a constant learning rate: `w[i] -= lr * g[i]`.
 *
 * @example
 * const opt = new SGD({ lr: 0.1 });
 * const w = new Map([["a", 1]]);
 * opt.step(w, { a: 2 }); // w.get("a") === 0.8
 * @see https://github.com/online-ml/river/blob/0.19.0/river/optim/sgd.py
 */
export class SGD implements Optimizer {
  readonly kind = "SGD";
  readonly params: Readonly<Required<SGDParams>>;
  readonly #lr: number;
  #nIterations = 0;

  constructor(params: SGDParams = {}) {
    const lr = params.lr ?? 0.01;
    check(isFiniteNumber(lr) && lr > 0, "SGD", `lr must be a positive number, got ${String(lr)}`);
    this.#lr = lr;
    this.params = Object.freeze({ lr });
  }

  get nIterations(): number {
    return this.#nIterations;
  }

  get learningRate(): number {
    return this.#lr;
  }

  step(w: Map<string, number>, g: Features): void {
    const lr = this.#lr;
    for (const key in g) w.set(key, (w.get(key) ?? 0) - lr * g[key]!);
    this.#nIterations += 1;
  }

  clone(): this {
    return new SGD(this.params) as this;
  }

  toJSON(): EstimatorJSON {
    return { kind: this.kind, params: { ...this.params }, state: { nIterations: this.#nIterations } };
  }

  /** Rebuilds an SGD from `toJSON()` output. */
  static fromJSON(json: EstimatorJSON): SGD {
    expectKind(json, "SGD");
    const opt = new SGD(json.params as SGDParams);
    opt.#nIterations = (json.state as { nIterations: number }).nIterations;
    return opt;
  }
}

registerEstimator("SGD", SGD.fromJSON);
