/**
 * River's `compose.Pipeline` for the `scaler | model` case (`river/compose/pipeline.py`, 0.19).
 */
import type { ClassLabel, Classifier, EstimatorJSON, Features, Proba, Transformer } from "../base.ts";
import { check } from "../math.ts";
import { estimatorFromJSON, expectKind, registerEstimator } from "../registry.ts";

/** Pipeline parameters. */
export interface PipelineParams {
  /** Unsupervised transformers, applied in order. */
  transformers: readonly Transformer[];
  /** The final classifier. */
  model: Classifier;
  /**
   * River's `compose.learn_during_predict()`: update the transformers while predicting instead of in
   * `learnOne` (default false, River 0.19's behaviour).
   */
  learnDuringPredict?: boolean;
}

/**
 * A chain of transformers ending in a classifier, itself a Classifier. As River 0.19:
 * - `learnOne(x, y)`: each transformer first learns `x`, then transforms it; the model learns the result;
 * - `predictOne` / `predictProbaOne`: transform only, nothing is updated.
 * With `learnDuringPredict`, transformers learn during prediction and not during `learnOne`.
 *
 * @example
 * const model = createPipeline(new StandardScaler(), new LogisticRegression());
 * model.learnOne({ a: 1 }, true);
 * model.predictProbaOne({ a: 1 });
 * @see https://github.com/online-ml/river/blob/0.19.0/river/compose/pipeline.py
 */
export class Pipeline implements Classifier {
  readonly kind = "Pipeline";
  readonly params: Readonly<Record<string, unknown>>;
  readonly transformers: readonly Transformer[];
  readonly model: Classifier;
  readonly #learnDuringPredict: boolean;

  constructor(params: PipelineParams) {
    check(Array.isArray(params.transformers), "Pipeline", "transformers must be an array");
    check(typeof params.model?.learnOne === "function", "Pipeline", "model must be a Classifier");
    this.transformers = Object.freeze([...params.transformers]);
    this.model = params.model;
    this.#learnDuringPredict = params.learnDuringPredict ?? false;
    this.params = Object.freeze({
      transformers: this.transformers.map((t) => ({ kind: t.kind, params: { ...t.params } })),
      model: { kind: this.model.kind, params: { ...this.model.params } },
      learnDuringPredict: this.#learnDuringPredict,
    });
  }

  /** Applies the transformers (learning first unless `learnDuringPredict`), then trains the model. */
  learnOne(x: Features, y: ClassLabel, w?: number): void {
    let z = x;
    for (const t of this.transformers) {
      if (!this.#learnDuringPredict) t.learnOne(z);
      z = t.transformOne(z);
    }
    if (w === undefined) this.model.learnOne(z, y);
    else this.model.learnOne(z, y, w);
  }

  /** The final model's sample-weight support (transformers learn unweighted, as in River). */
  get acceptsSampleWeight(): boolean {
    return this.model.acceptsSampleWeight === true;
  }

  /** The features the model would see for `x` (learns only with `learnDuringPredict`). */
  transformOne(x: Features): Features {
    let z = x;
    for (const t of this.transformers) {
      if (this.#learnDuringPredict) t.learnOne(z);
      z = t.transformOne(z);
    }
    return z;
  }

  predictProbaOne(x: Features): Proba {
    return this.model.predictProbaOne(this.transformOne(x));
  }

  predictOne(x: Features): ClassLabel | undefined {
    return this.model.predictOne(this.transformOne(x));
  }

  clone(): this {
    return new Pipeline({
      transformers: this.transformers.map((t) => t.clone()),
      model: this.model.clone(),
      learnDuringPredict: this.#learnDuringPredict,
    }) as this;
  }

  toJSON(): EstimatorJSON {
    return {
      kind: this.kind,
      params: { ...this.params },
      state: { transformers: this.transformers.map((t) => t.toJSON()), model: this.model.toJSON() },
    };
  }

  /** Rebuilds a pipeline (and its steps, through the registry) from `toJSON()` output. */
  static fromJSON(json: EstimatorJSON): Pipeline {
    expectKind(json, "Pipeline");
    const state = json.state as { transformers: EstimatorJSON[]; model: EstimatorJSON };
    return new Pipeline({
      transformers: state.transformers.map((t) => estimatorFromJSON<Transformer>(t)),
      model: estimatorFromJSON<Classifier>(state.model),
      learnDuringPredict: (json.params as { learnDuringPredict?: boolean }).learnDuringPredict ?? false,
    });
  }
}

/**
 * River's `a | b | model`: `createPipeline(scaler, model)`. All steps but the last are transformers.
 */
export function createPipeline(...steps: [...Transformer[], Classifier]): Pipeline {
  check(steps.length >= 1, "createPipeline", "needs at least a model");
  const model = steps[steps.length - 1] as Classifier;
  return new Pipeline({ transformers: steps.slice(0, -1) as Transformer[], model });
}

registerEstimator("Pipeline", Pipeline.fromJSON);
