import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isRtmlError } from "../errors.ts";
import { GaussianNB } from "./estimators.ts";
import { estimatorFromJSON, registerEstimator, registeredEstimatorKinds } from "./registry.ts";

describe("estimator registry", () => {
  it("knows every built-in kind once estimators.ts is imported", () => {
    for (const kind of ["StandardScaler", "SGD", "LogisticRegression", "AveragedLogisticRegression", "ALMAClassifier", "GaussianNB", "Pipeline"]) {
      assert.ok(registeredEstimatorKinds().includes(kind), kind);
    }
  });

  it("rejects malformed snapshots and unknown kinds", () => {
    assert.throws(() => estimatorFromJSON({} as never), (e) => isRtmlError(e, "INVALID_ARGUMENT"));
    assert.throws(() => estimatorFromJSON({ kind: "Nope", params: {}, state: null }), (e) => isRtmlError(e, "NOT_FOUND"));
    assert.throws(
      () => GaussianNB.fromJSON({ kind: "StandardScaler", params: {}, state: null }),
      (e) => isRtmlError(e, "INVALID_ARGUMENT"),
    );
  });

  it("lets other modules register kinds, refusing a second factory for a taken kind", () => {
    const fromJSON = () => new GaussianNB();
    registerEstimator("TestOnlyKind", fromJSON);
    registerEstimator("TestOnlyKind", fromJSON);
    assert.ok(estimatorFromJSON({ kind: "TestOnlyKind", params: {}, state: null }) instanceof GaussianNB);
    assert.throws(() => registerEstimator("TestOnlyKind", () => new GaussianNB()), (e) => isRtmlError(e, "ALREADY_EXISTS"));
  });
});
