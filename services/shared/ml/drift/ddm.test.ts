import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { describeDriftDetectorContract } from "../checks/drift-detector.contract.ts";
import { DDM } from "./ddm.ts";

describeDriftDetectorContract("DDM", { create: () => new DDM() });

describe("DDM", () => {
  it("has River 0.19's defaults", () => {
    assert.deepEqual({ ...new DDM().params }, { warmStart: 30, warningThreshold: 2, driftThreshold: 3 });
  });

  it("accepts booleans as errors", () => {
    const a = new DDM();
    const b = new DDM();
    for (let i = 0; i < 300; i++) {
      const err = i % 3 === 0 || i > 200;
      a.update(err);
      b.update(err ? 1 : 0);
      assert.equal(a.driftDetected, b.driftDetected);
      assert.equal(a.warningDetected, b.warningDetected);
    }
  });

  it("rejects bad parameters", () => {
    assert.throws(() => new DDM({ driftThreshold: 0 }), { code: "INVALID_ARGUMENT" });
  });
});
