import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { describeDriftDetectorContract } from "../checks/drift-detector.contract.ts";
import { HDDM_A } from "./hddm-a.ts";

describeDriftDetectorContract("HDDM_A", { create: () => new HDDM_A() });
describeDriftDetectorContract("HDDM_A(two-sided)", { create: () => new HDDM_A({ twoSidedTest: true }) });

describe("HDDM_A", () => {
  it("has River 0.19's defaults", () => {
    assert.deepEqual({ ...new HDDM_A().params }, { driftConfidence: 0.001, warningConfidence: 0.005, twoSidedTest: false });
  });

  it("two-sided test also detects a falling error rate", () => {
    const xs = Array.from({ length: 2000 }, (_, i) => (i < 1000 ? (i % 10 < 9 ? 1 : 0) : i % 10 === 0 ? 1 : 0));
    const count = (d: HDDM_A) => xs.filter((x) => (d.update(x), d.driftDetected)).length;
    assert.equal(count(new HDDM_A()), 0);
    assert.ok(count(new HDDM_A({ twoSidedTest: true })) > 0);
  });
});
