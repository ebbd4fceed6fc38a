/**
 * Imbalanced-stream wrappers, River's `imblearn` (`river/imblearn/random.py`, 0.19): random under-,
 * over- and mixed sampling towards a desired class distribution, plus class weighting. Each wraps a
 * classifier, predicts with it unchanged, and only alters what it learns. Randomness is CPython's
 * Mersenne Twister (`random.Random(seed)`) drawn in River's order, so a seed follows River's stream.
 * Class distributions are `[label, value]` pairs (JSON keys cannot be booleans).
 */
import type { ClassLabel, Classifier, EstimatorJSON, Features, Proba } from "../base.ts";
import { check, readSnapshot } from "../drift/common.ts";
import { PythonRandom, poisson } from "../drift/mersenne-twister.ts";
import type { PythonRandomState } from "../drift/mersenne-twister.ts";
import { estimatorFromJSON, registerEstimator } from "../registry.ts";

/** A class → value table as JSON-friendly pairs. */
export type ClassTable = readonly (readonly [ClassLabel, number])[];

function table(pairs: ClassTable, who: string, sumsToOne: boolean): Map<ClassLabel, number> {
  check(Array.isArray(pairs) && pairs.length > 0, `${who}: expects [label, value] pairs`);
  const m = new Map<ClassLabel, number>();
  let sum = 0;
  for (const [c, v] of pairs) {
    check(Number.isFinite(v) && v >= 0, `${who}: values must be finite and >= 0`);
    m.set(c, v);
    sum += v;
  }
  if (sumsToOne) check(Math.abs(sum - 1) < 1e-9, `${who}: the desired distribution must sum to 1`);
  return m;
}

/** Options of the samplers. */
export interface DesiredDistParams {
  classifier: Classifier;
  /** Desired class distribution, e.g. `[[false, 0.8], [true, 0.2]]`; sums to 1. */
  desiredDist: ClassTable;
  /** Seed of the wrapper's `random.Random`. Default 0. */
  seed?: number;
}

interface SamplerState {
  classifier: EstimatorJSON;
  rng: PythonRandomState;
  counts: [ClassLabel, number][];
  pivot: ClassLabel | null;
  n: number;
}

/**
 * Shared plumbing: predictions pass through; learning is decided by `learnOne` of each subclass.
 * Every parameter lives in `params`, so a clone or a snapshot rebuilds the sampler from them alone.
 */
abstract class ClassificationSampler implements Classifier {
  readonly kind: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly classifier: Classifier;
  protected rng: PythonRandom;
  protected counts = new Map<ClassLabel, number>();
  protected pivot: ClassLabel | undefined = undefined;
  protected n = 0;
  readonly #f: Map<ClassLabel, number>;

  constructor(kind: string, p: DesiredDistParams, extra: Record<string, unknown> = {}) {
    check(typeof p.classifier?.learnOne === "function", "imblearn: classifier must be a Classifier");
    const seed = p.seed ?? 0;
    check(Number.isSafeInteger(seed), "imblearn: seed must be an integer");
    this.kind = kind;
    this.classifier = p.classifier;
    this.rng = new PythonRandom(seed);
    const desiredDist = p.desiredDist.map(([c, v]) => [c, v]);
    this.params = Object.freeze({ classifier: { kind: p.classifier.kind, params: { ...p.classifier.params } }, seed, desiredDist, ...extra });
    this.#f = table(p.desiredDist, kind, true);
  }

  abstract learnOne(x: Features, y: ClassLabel, w?: number): void;

  /** `f[y]` of River's formulas: the desired share of class `y`. */
  protected f(y: ClassLabel): number {
    const v = this.#f.get(y);
    check(v !== undefined, `${this.kind}: label ${String(y)} is not in desiredDist`);
    return v!;
  }

  /**
   * River's pivot update: the pivot becomes the first class with the largest `ratio(c, g[c])`, and
   * that ratio is returned (River's `M`, which it recomputes from the pivot with the same operands).
   */
  protected movePivot(ratio: (c: ClassLabel, gc: number) => number): number {
    let best = -Infinity;
    for (const [c, gc] of this.counts) {
      const r = ratio(c, gc);
      if (r > best) {
        best = r;
        this.pivot = c;
      }
    }
    return best;
  }

  protected fit(x: Features, y: ClassLabel, w: number | undefined): void {
    if (w === undefined) this.classifier.learnOne(x, y);
    else this.classifier.learnOne(x, y, w);
  }

  protected count(y: ClassLabel): void {
    this.counts.set(y, (this.counts.get(y) ?? 0) + 1);
    this.n += 1;
  }

  predictProbaOne(x: Features): Proba {
    return this.classifier.predictProbaOne(x);
  }

  predictOne(x: Features): ClassLabel | undefined {
    return this.classifier.predictOne(x);
  }

  /** A fresh sampler of the same class and parameters around a clone of the classifier. */
  clone(): this {
    const Sampler = this.constructor as new (p: DesiredDistParams) => this;
    return new Sampler({ ...(this.params as Omit<DesiredDistParams, "classifier">), classifier: this.classifier.clone() });
  }

  toJSON(): EstimatorJSON {
    const state: SamplerState = {
      classifier: this.classifier.toJSON(),
      rng: this.rng.getState(),
      counts: [...this.counts],
      pivot: this.pivot ?? null,
      n: this.n,
    };
    return { kind: this.kind, params: { ...this.params }, state };
  }

  /** Rebuilds a `Sampler` from {@link toJSON} output: its parameters, its classifier, then its state. */
  protected static load<S extends ClassificationSampler>(Sampler: new (p: DesiredDistParams) => S, kind: string, json: EstimatorJSON): S {
    const { params, state } = readSnapshot<Omit<DesiredDistParams, "classifier">, SamplerState>(json, kind);
    const s = state!;
    const m = new Sampler({ ...params, desiredDist: params.desiredDist!, classifier: estimatorFromJSON<Classifier>(s.classifier) });
    m.rng = new PythonRandom(s.rng);
    m.counts = new Map(s.counts);
    m.pivot = s.pivot ?? undefined;
    m.n = s.n;
    return m;
  }
}

/**
 * River `imblearn.RandomUnderSampler`: discrete rejection sampling. The pivot class (largest
 * desired/actual ratio) is always learned; another class is learned with probability
 * `f[y] / (M · g[y])`, `M = f[pivot] / g[pivot]`.
 */
export class RandomUnderSampler extends ClassificationSampler {
  constructor(p: DesiredDistParams) {
    super("RandomUnderSampler", p);
  }

  learnOne(x: Features, y: ClassLabel, w?: number): void {
    this.count(y);
    if (y === this.pivot) return this.fit(x, y, w);
    const M = this.movePivot((c, gc) => this.f(c) / gc);
    const ratio = this.f(y) / (M * this.counts.get(y)!);
    if (ratio < 1 && this.rng.random() < ratio) this.fit(x, y, w);
  }

  static fromJSON(json: EstimatorJSON): RandomUnderSampler {
    return ClassificationSampler.load(RandomUnderSampler, "RandomUnderSampler", json);
  }
}

/**
 * River `imblearn.RandomOverSampler`: the pivot class (largest actual/desired ratio) is learned once,
 * another class Poisson(`M · f[y] / g[y]`) times, `M = g[pivot] / f[pivot]`.
 */
export class RandomOverSampler extends ClassificationSampler {
  constructor(p: DesiredDistParams) {
    super("RandomOverSampler", p);
  }

  learnOne(x: Features, y: ClassLabel, w?: number): void {
    this.count(y);
    if (y === this.pivot) return this.fit(x, y, w);
    const M = this.movePivot((c, gc) => gc / this.f(c));
    const rate = (M * this.f(y)) / this.counts.get(y)!;
    for (let k = poisson(rate, this.rng); k > 0; k--) this.fit(x, y, w);
  }

  static fromJSON(json: EstimatorJSON): RandomOverSampler {
    return ClassificationSampler.load(RandomOverSampler, "RandomOverSampler", json);
  }
}

/** Options of RandomSampler. */
export interface RandomSamplerParams extends DesiredDistParams {
  /** Share of the stream to learn, on average. Default 1. */
  samplingRate?: number;
}

/** River `imblearn.RandomSampler`: each sample is learned Poisson(`rate · f[y] / (g[y] / n)`) times. */
export class RandomSampler extends ClassificationSampler {
  readonly #rate: number;

  constructor(p: RandomSamplerParams) {
    const rate = p.samplingRate ?? 1;
    super("RandomSampler", p, { samplingRate: rate });
    check(rate > 0, "RandomSampler: samplingRate must be positive");
    this.#rate = rate;
  }

  learnOne(x: Features, y: ClassLabel, w?: number): void {
    this.count(y);
    const rate = (this.#rate * this.f(y)) / (this.counts.get(y)! / this.n);
    for (let k = poisson(rate, this.rng); k > 0; k--) this.fit(x, y, w);
  }

  static fromJSON(json: EstimatorJSON): RandomSampler {
    return ClassificationSampler.load(RandomSampler, "RandomSampler", json);
  }
}

registerEstimator("RandomUnderSampler", RandomUnderSampler.fromJSON);
registerEstimator("RandomOverSampler", RandomOverSampler.fromJSON);
registerEstimator("RandomSampler", RandomSampler.fromJSON);
