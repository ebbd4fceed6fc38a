import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { describeDriftDetectorContract } from "../checks/drift-detector.contract.ts";
import { EDDM } from "./eddm.ts";

describeDriftDetectorContract("EDDM", { create: () => new EDDM() });
describeDriftDetectorContract("EDDM(alpha=0.8, beta=0.75)", { create: () => new EDDM({ alpha: 0.8, beta: 0.75 }) });

describe("EDDM", () => {
  it("has River 0.19's defaults", () => {
    assert.deepEqual({ ...new EDDM().params }, { warmStart: 30, alpha: 0.95, beta: 0.9 });
  });

  it("requires alpha >= beta, as River", () => {
    assert.throws(() => new EDDM({ alpha: 0.5, beta: 0.9 }), { code: "INVALID_ARGUMENT" });
  });
});
