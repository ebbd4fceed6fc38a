/**
 * Pluggable weight optimizers for the linear models, River's `optim.base.Optimizer`.
 */
import type { Estimator, Features } from "../base.ts";

/**
 * An optimizer updates sparse weights in place from a sparse gradient. Like River's, it counts its own
 * steps (`nIterations`), which a learning-rate schedule may use. It is serialisable like an estimator.
 */
export interface Optimizer extends Estimator {
  /** Number of `step` calls so far. */
  readonly nIterations: number;
  /** The learning rate the next `step` will use. */
  readonly learningRate: number;
  /** `w[i] -= update(g[i])` for every key of `g`; a missing weight starts at 0. */
  step(w: Map<string, number>, g: Features): void;
}
