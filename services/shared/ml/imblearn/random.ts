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

/** Common options of the wrappers. */
export interface SamplerParams {
  classifier: Classifier;
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

/** Shared plumbing: predictions pass through; learning is decided by `learnOne` of each subclass. */
abstract class ClassificationSampler implements Classifier {
  abstract readonly kind: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly classifier: Classifier;
  protected rng: PythonRandom;
  protected counts = new Map<ClassLabel, number>();
  protected pivot: ClassLabel | undefined = undefined;
  protected n = 0;

  constructor(p: SamplerParams, extra: Record<string, unknown>) {
    check(typeof p.classifier?.learnOne === "function", "imblearn: classifier must be a Classifier");
    const seed = p.seed ?? 0;
    check(Number.isSafeInteger(seed), "imblearn: seed must be an integer");
    this.classifier = p.classifier;
    this.rng = new PythonRandom(seed);
    this.params = Object.freeze({ classifier: { kind: p.classifier.kind, params: { ...p.classifier.params } }, seed, ...extra });
  }

  abstract learnOne(x: Features, y: ClassLabel, w?: number): void;

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

  abstract clone(): this;

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

  protected restore(s: SamplerState): this {
    this.rng = new PythonRandom(s.rng);
    this.counts = new Map(s.counts);
    this.pivot = s.pivot ?? undefined;
    this.n = s.n;
    return this;
  }
}

/** Options of the samplers. */
export interface DesiredDistParams extends SamplerParams {
  /** Desired class distribution, e.g. `[[false, 0.8], [true, 0.2]]`; sums to 1. */
  desiredDist: ClassTable;
}

function fget(f: Map<ClassLabel, number>, y: ClassLabel, who: string): number {
  const v = f.get(y);
  check(v !== undefined, `${who}: label ${String(y)} is not in desiredDist`);
  return v!;
}

/**
 * River `imblearn.RandomUnderSampler`: discrete rejection sampling. The pivot class (largest
 * desired/actual ratio) is always learned; another class is learned with probability
 * `f[y] / (M · g[y])`, `M = f[pivot] / g[pivot]`.
 */
export class RandomUnderSampler extends ClassificationSampler {
  readonly kind = "RandomUnderSampler";
  readonly #f: Map<ClassLabel, number>;

  constructor(p: DesiredDistParams) {
    super(p, { desiredDist: p.desiredDist.map(([c, v]) => [c, v]) });
    this.#f = table(p.desiredDist, this.kind, true);
  }

  learnOne(x: Features, y: ClassLabel, w?: number): void {
    this.count(y);
    const f = this.#f;
    const g = this.counts;
    if (y === this.pivot) return this.fit(x, y, w);
    let best = -Infinity;
    for (const [c, gc] of g) {
      const r = fget(f, c, this.kind) / gc;
      if (r > best) {
        best = r;
        this.pivot = c;
      }
    }
    const M = fget(f, this.pivot!, this.kind) / g.get(this.pivot!)!;
    const ratio = fget(f, y, this.kind) / (M * g.get(y)!);
    if (ratio < 1 && this.rng.random() < ratio) this.fit(x, y, w);
  }

  clone(): this {
    return new RandomUnderSampler({ classifier: this.classifier.clone(), desiredDist: [...this.#f], seed: this.params["seed"] as number }) as this;
  }

  static fromJSON(json: EstimatorJSON): RandomUnderSampler {
    const { params, state } = readSnapshot<{ desiredDist: ClassTable; seed: number }, SamplerState>(json, "RandomUnderSampler");
    const s = state!;
    return new RandomUnderSampler({ classifier: estimatorFromJSON<Classifier>(s.classifier), desiredDist: params.desiredDist!, seed: params.seed }).restore(s);
  }
}

/**
 * River `imblearn.RandomOverSampler`: the pivot class (largest actual/desired ratio) is learned once,
 * another class Poisson(`M · f[y] / g[y]`) times, `M = g[pivot] / f[pivot]`.
 */
export class RandomOverSampler extends ClassificationSampler {
  readonly kind = "RandomOverSampler";
  readonly #f: Map<ClassLabel, number>;

  constructor(p: DesiredDistParams) {
    super(p, { desiredDist: p.desiredDist.map(([c, v]) => [c, v]) });
    this.#f = table(p.desiredDist, this.kind, true);
  }

  learnOne(x: Features, y: ClassLabel, w?: number): void {
    this.count(y);
    const f = this.#f;
    const g = this.counts;
    if (y === this.pivot) return this.fit(x, y, w);
    let best = -Infinity;
    for (const [c, gc] of g) {
      const r = gc / fget(f, c, this.kind);
      if (r > best) {
        best = r;
        this.pivot = c;
      }
    }
    const M = g.get(this.pivot!)! / fget(f, this.pivot!, this.kind);
    const rate = (M * fget(f, y, this.kind)) / g.get(y)!;
    for (let k = poisson(rate, this.rng); k > 0; k--) this.fit(x, y, w);
  }

  clone(): this {
    return new RandomOverSampler({ classifier: this.classifier.clone(), desiredDist: [...this.#f], seed: this.params["seed"] as number }) as this;
  }

  static fromJSON(json: EstimatorJSON): RandomOverSampler {
    const { params, state } = readSnapshot<{ desiredDist: ClassTable; seed: number }, SamplerState>(json, "RandomOverSampler");
    const s = state!;
    return new RandomOverSampler({ classifier: estimatorFromJSON<Classifier>(s.classifier), desiredDist: params.desiredDist!, seed: params.seed }).restore(s);
  }
}

/** Options of RandomSampler. */
export interface RandomSamplerParams extends DesiredDistParams {
  /** Share of the stream to learn, on average. Default 1. */
  samplingRate?: number;
}

/** River `imblearn.RandomSampler`: each sample is learned Poisson(`rate · f[y] / (g[y] / n)`) times. */
export class RandomSampler extends ClassificationSampler {
  readonly kind = "RandomSampler";
  readonly #f: Map<ClassLabel, number>;
  readonly #rate: number;

  constructor(p: RandomSamplerParams) {
    const rate = p.samplingRate ?? 1;
    super(p, { desiredDist: p.desiredDist.map(([c, v]) => [c, v]), samplingRate: rate });
    check(rate > 0, "RandomSampler: samplingRate must be positive");
    this.#f = table(p.desiredDist, this.kind, true);
    this.#rate = rate;
  }

  learnOne(x: Features, y: ClassLabel, w?: number): void {
    this.count(y);
    const rate = (this.#rate * fget(this.#f, y, this.kind)) / (this.counts.get(y)! / this.n);
    for (let k = poisson(rate, this.rng); k > 0; k--) this.fit(x, y, w);
  }

  clone(): this {
    return new RandomSampler({ classifier: this.classifier.clone(), desiredDist: [...this.#f], samplingRate: this.#rate, seed: this.params["seed"] as number }) as this;
  }

  static fromJSON(json: EstimatorJSON): RandomSampler {
    const { params, state } = readSnapshot<{ desiredDist: ClassTable; samplingRate: number; seed: number }, SamplerState>(json, "RandomSampler");
    const s = state!;
    return new RandomSampler({ classifier: estimatorFromJSON<Classifier>(s.classifier), desiredDist: params.desiredDist!, samplingRate: params.samplingRate, seed: params.seed }).restore(s);
  }
}

registerEstimator("RandomUnderSampler", RandomUnderSampler.fromJSON);
registerEstimator("RandomOverSampler", RandomOverSampler.fromJSON);
registerEstimator("RandomSampler", RandomSampler.fromJSON);
