/**
 * Model snapshots as portable data: `state` holds the estimator's JSON (`{kind, params, state}`), never
 * code, tagged with the format name so a reader can refuse what it does not understand.
 */
import { RtmlError } from "./errors.ts";
import type { Classifier, EstimatorJSON } from "./ml/base.ts";
import "./ml/estimators.ts"; // registers every built-in estimator kind
import { estimatorFromJSON } from "./ml/registry.ts";
import type { ModelSnapshot } from "./messages.ts";

export const MODEL_FORMAT = "rtml.model.v1";
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeModelState(model: Classifier): Uint8Array {
  return encoder.encode(JSON.stringify(model.toJSON()));
}

/** The classifier a snapshot holds. Throws FAILED_PRECONDITION for an unknown format or estimator. */
export function decodeModel(snapshot: Pick<ModelSnapshot, "format" | "state" | "version">): Classifier {
  if (snapshot.format !== MODEL_FORMAT) {
    throw new RtmlError("FAILED_PRECONDITION", `model snapshot v${snapshot.version}: unknown format "${snapshot.format}"`);
  }
  try {
    return estimatorFromJSON(JSON.parse(decoder.decode(snapshot.state)) as EstimatorJSON) as Classifier;
  } catch (cause) {
    throw new RtmlError("FAILED_PRECONDITION", `model snapshot v${snapshot.version}: ${(cause as Error).message}`, { cause });
  }
}

/** P(positive) and the argmax label of a prediction, as published on `predictions`. */
export function scoreOf(proba: Map<unknown, number>): { score: number; label: string } {
  let best: unknown;
  let bestP = -1;
  for (const [k, p] of proba) if (p > bestP) (best = k), (bestP = p);
  return { score: proba.get(true) ?? 0, label: best === undefined ? "" : String(best) };
}
