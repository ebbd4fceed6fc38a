import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { describeDriftDetectorContract } from "../checks/drift-detector.contract.ts";
import { HDDM_W } from "./hddm-w.ts";

describeDriftDetectorContract("HDDM_W", { create: () => new HDDM_W() });
describeDriftDetectorContract("HDDM_W(two-sided)", { create: () => new HDDM_W({ twoSidedTest: true }) });

describe("HDDM_W", () => {
  it("has River 0.19's defaults", () => {
    assert.deepEqual({ ...new HDDM_W().params }, { driftConfidence: 0.001, warningConfidence: 0.005, lambdaVal: 0.05, twoSidedTest: false });
  });

  it("two-sided test also detects a falling error rate", () => {
    const xs = Array.from({ length: 2000 }, (_, i) => (i < 1000 ? (i % 10 < 9 ? 1 : 0) : i % 10 === 0 ? 1 : 0));
    const count = (d: HDDM_W) => xs.filter((x) => (d.update(x), d.driftDetected)).length;
    assert.equal(count(new HDDM_W()), 0);
    assert.ok(count(new HDDM_W({ twoSidedTest: true })) > 0);
  });
});
