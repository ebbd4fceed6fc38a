/**
 * Snapshot registry: `kind` → `fromJSON`. Every estimator module registers itself when imported
 * (`registerEstimator("LogisticRegression", LogisticRegression.fromJSON)`), so a snapshot can be turned
 * back into a live estimator from data alone. Import `./estimators.ts` to load every built-in kind.
 *
 * @example
 * const model = new GaussianNB();
 * model.learnOne({ a: 1 }, true);
 * const copy = estimatorFromJSON(model.toJSON()); // predicts exactly as `model`
 * console.assert(copy.predictProbaOne({ a: 1 }).get(true) === model.predictProbaOne({ a: 1 }).get(true));
 */
import { RtmlError } from "../errors.ts";
import type { Estimator, EstimatorJSON } from "./base.ts";

/** Turns a snapshot of one kind back into an estimator. */
export type EstimatorFromJSON = (json: EstimatorJSON) => Estimator;

const factories = new Map<string, EstimatorFromJSON>();

/**
 * Registers the `fromJSON` of one estimator kind. Registering the same function twice is a no-op; a
 * different function for a taken kind is an error (ALREADY_EXISTS).
 */
export function registerEstimator(kind: string, fromJSON: EstimatorFromJSON): void {
  if (typeof kind !== "string" || kind.length === 0) {
    throw new RtmlError("INVALID_ARGUMENT", "registerEstimator: kind must be a non-empty string");
  }
  const existing = factories.get(kind);
  if (existing !== undefined && existing !== fromJSON) {
    throw new RtmlError("ALREADY_EXISTS", `estimator kind "${kind}" is already registered`);
  }
  factories.set(kind, fromJSON);
}

/** The registered kinds, sorted. */
export function registeredEstimatorKinds(): string[] {
  return [...factories.keys()].sort();
}

/** True when `value` has the `{ kind, params, state }` shape of a snapshot. */
export function isEstimatorJSON(value: unknown): value is EstimatorJSON {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v["kind"] === "string" && typeof v["params"] === "object" && v["params"] !== null && "state" in v;
}

/**
 * Rebuilds an estimator from its snapshot. Throws INVALID_ARGUMENT on a malformed snapshot and
 * NOT_FOUND for a kind whose module was never imported.
 */
export function estimatorFromJSON<T extends Estimator = Estimator>(json: EstimatorJSON): T {
  if (!isEstimatorJSON(json)) {
    throw new RtmlError("INVALID_ARGUMENT", "estimatorFromJSON: expected { kind, params, state }");
  }
  const fromJSON = factories.get(json.kind);
  if (fromJSON === undefined) {
    throw new RtmlError("NOT_FOUND", `unknown estimator kind "${json.kind}" (is its module imported?)`, {
      details: { kind: json.kind, known: registeredEstimatorKinds() },
    });
  }
  return fromJSON(json) as T;
}

/** Reads `json.kind` and checks it, for an estimator's own static `fromJSON`. */
export function expectKind(json: EstimatorJSON, kind: string): void {
  if (!isEstimatorJSON(json) || json.kind !== kind) {
    throw new RtmlError("INVALID_ARGUMENT", `expected a ${kind} snapshot, got ${isEstimatorJSON(json) ? json.kind : typeof json}`);
  }
}
