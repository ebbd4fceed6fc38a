/**
 * infer: scores every feature vector with the current model and publishes the prediction with its
 * score, label, model version and event-to-prediction latency. A newer snapshot arriving on `models`
 * is decoded off the hot path and swapped in with one assignment, so no prediction waits for it and
 * none sees a half-loaded model. Before the first snapshot, predictions carry version 0 and an empty
 * label (River's "no prediction yet"), so every event is still accounted for.
 *
 * A snapshot that cannot be decoded never replaces the serving model: `load` throws
 * RtmlError(FAILED_PRECONDITION), `onModel` logs it, counts it (`stats().rejected`, metric
 * `infer_model_rejected`) and rethrows, so the runner retries and then dead-letters the snapshot.
 * With `modelName` set, snapshots of other models on `models` are ignored.
 */
import { trace, type Tracer } from "@opentelemetry/api";
import type { Classifier } from "../shared/ml/base.ts";
import type { Context, MeshFunction } from "../shared/function/types.ts";
import type { Logger } from "../shared/logger.ts";
import { codecs, nowMs, type FeatureVector, type ModelSnapshot, type Prediction } from "../shared/messages.ts";
import { decodeModel, scoreOf } from "../shared/model-snapshot.ts";
import { Topics } from "../shared/topics.ts";
import { ATTR_MODEL_NAME, ATTR_MODEL_PREVIOUS_VERSION, ATTR_MODEL_VERSION } from "../shared/telemetry/semconv.ts";

export interface ServingModel {
  readonly name: string;
  readonly version: number;
  readonly model: Classifier | undefined;
  readonly loadedAtMs: number;
}

export interface InferOptions {
  /** Serve only snapshots of this model (others are ignored). Unset: the first snapshot's name, any name accepted. */
  modelName?: string;
  logger?: Logger;
  /**
   * Traces each prediction (`infer <model>`, a child of the message's process span) and each model swap
   * (`model swap`), both with the model name and version (`rtml.model.*`). Absent: no spans.
   */
  tracer?: Tracer;
}

export interface InferService {
  onFeatures: MeshFunction<FeatureVector>;
  onModel: MeshFunction<ModelSnapshot>;
  /**
   * Installs a snapshot if it is newer than the one serving (and of the configured model); returns
   * whether it did. Throws RtmlError(FAILED_PRECONDITION) for a snapshot that cannot be decoded.
   */
  load(snapshot: ModelSnapshot): boolean;
  predict(fv: Pick<FeatureVector, "eventId" | "entityId" | "eventTimeMs" | "ingestTimeMs" | "values" | "sequence">): Prediction;
  current(): ServingModel;
  stats(): { predictions: number; swaps: number; rejected: number };
}

export function createInferService(options: InferOptions = {}): InferService {
  let serving: ServingModel = { name: options.modelName ?? "rtml", version: 0, model: undefined, loadedAtMs: 0 };
  let predictions = 0;
  let swaps = 0;
  let rejected = 0;

  function predict(fv: Parameters<InferService["predict"]>[0]): Prediction {
    const { model, version, name } = serving; // one read: a swap mid-call cannot mix two models
    const { score, label } = model ? scoreOf(model.predictProbaOne(fv.values)) : { score: 0, label: "" };
    const now = nowMs();
    predictions++;
    return {
      eventId: fv.eventId,
      entityId: fv.entityId,
      modelName: name,
      modelVersion: version,
      score,
      label,
      eventTimeMs: fv.eventTimeMs,
      ingestTimeMs: fv.ingestTimeMs,
      predictTimeMs: now,
      latencyMs: fv.ingestTimeMs > 0 ? now - fv.ingestTimeMs : 0,
      sequence: fv.sequence,
    };
  }

  function load(snapshot: ModelSnapshot): boolean {
    if (options.modelName !== undefined && snapshot.modelName !== "" && snapshot.modelName !== options.modelName) return false;
    if (snapshot.version <= serving.version) return false;
    let model: Classifier;
    try {
      model = decodeModel(snapshot);
    } catch (err) {
      rejected++;
      throw err;
    }
    const previous = serving;
    serving = { name: snapshot.modelName || serving.name, version: snapshot.version, model, loadedAtMs: nowMs() };
    swaps++;
    options.tracer?.startSpan("model swap", {
      attributes: { [ATTR_MODEL_NAME]: serving.name, [ATTR_MODEL_VERSION]: serving.version, [ATTR_MODEL_PREVIOUS_VERSION]: previous.version },
    }).end();
    options.logger?.debug("model swapped", { version: snapshot.version, reason: snapshot.reason });
    return true;
  }

  return {
    onFeatures(fv: FeatureVector, ctx: Context) {
      // Only inside a sampled message's span: an unsampled one runs with no active span.
      const span = options.tracer !== undefined && trace.getActiveSpan()?.isRecording() === true ? options.tracer.startSpan(`infer ${serving.name}`) : undefined;
      const p = predict(fv);
      if (span !== undefined) {
        span.setAttribute(ATTR_MODEL_NAME, p.modelName).setAttribute(ATTR_MODEL_VERSION, p.modelVersion);
        span.end();
      }
      if (p.latencyMs > 0) ctx.metrics.record("event_to_prediction_ms", p.latencyMs);
      ctx.publish(Topics.predictions, codecs.prediction, p, {
        key: fv.entityId,
        properties: ctx.record.properties as Record<string, string>,
        eventTime: fv.eventTimeMs,
      });
    },
    onModel(snapshot: ModelSnapshot, ctx: Context) {
      try {
        load(snapshot);
      } catch (err) {
        ctx.metrics.add("infer_model_rejected");
        ctx.logger.error("model snapshot rejected; still serving the current model", {
          err, version: snapshot.version, serving: serving.version,
        });
        throw err;
      }
    },
    load,
    predict,
    current: () => serving,
    stats: () => ({ predictions, swaps, rejected }),
  };
}
