/**
 * River's API in camelCase. Hand-written on purpose: no maintained JavaScript library offers online
 * (one-sample-at-a-time) learners with River's semantics, serialisable state and seeded randomness, and
 * the mesh needs exactly those. Every estimator is plain data + methods: `toJSON()` gives a snapshot that
 * `fromJSON` (registry.ts) turns back into an identical estimator — a model snapshot is data, not code.
 */

/** A sample: feature name → value. Missing features are simply absent. */
export type Features = Record<string, number>;
/** A class label. Binary tasks use booleans, as River does. */
export type ClassLabel = boolean | string | number;
/** Class → probability; sums to 1 when not empty. */
export type Proba = Map<ClassLabel, number>;

/** Serialised estimator: `{ kind, params, state }`, JSON only. */
export interface EstimatorJSON {
  kind: string;
  params: Record<string, unknown>;
  state: unknown;
}

export interface Estimator {
  /** Registry name, e.g. "LogisticRegression". */
  readonly kind: string;
  /** Constructor parameters (River: parameters are constructor arguments only). */
  readonly params: Readonly<Record<string, unknown>>;
  /** A new, unfitted estimator with the same parameters. */
  clone(): this;
  toJSON(): EstimatorJSON;
}

export interface Transformer extends Estimator {
  learnOne(x: Features): void;
  transformOne(x: Features): Features;
}

export interface Classifier extends Estimator {
  /**
   * Learns one sample. `w` is River's `sample_weight`, honoured only by classifiers whose
   * `acceptsSampleWeight` is true (others ignore it; wrappers such as ClassWeightedClassifier check).
   */
  learnOne(x: Features, y: ClassLabel, w?: number): void;
  /** True when `learnOne` honours its `w` argument. */
  readonly acceptsSampleWeight?: boolean;
  /** Empty map before anything was learned. */
  predictProbaOne(x: Features): Proba;
  /** Argmax of predictProbaOne; undefined before anything was learned. */
  predictOne(x: Features): ClassLabel | undefined;
}

/** River's DriftDetector: `update(x)` then read `driftDetected` / `warningDetected`. */
export interface DriftDetector extends Estimator {
  update(x: number): void;
  readonly driftDetected: boolean;
  readonly warningDetected: boolean;
}

/** A streaming metric, River's `update(yTrue, yPred)` / `get()`. */
export interface Metric {
  readonly name: string;
  /** yPred is a label, or for probabilistic metrics (ROC AUC, log loss) a Proba. */
  update(yTrue: ClassLabel, yPred: ClassLabel | Proba | undefined): void;
  revert?(yTrue: ClassLabel, yPred: ClassLabel | Proba | undefined): void;
  get(): number;
  /** true when a higher value is better. */
  readonly bigger_is_better?: boolean;
  /**
   * River's `requires_labels`: false for metrics fed probabilities (ROC AUC, log loss). Absent means
   * true. The evaluator calls `predictProbaOne` only when some metric has it false.
   */
  readonly requiresLabels?: boolean;
}
