import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { describeDriftDetectorContract } from "../checks/drift-detector.contract.ts";
import { ADWIN } from "./adwin.ts";

describeDriftDetectorContract("ADWIN", { create: () => new ADWIN() });
describeDriftDetectorContract("ADWIN(clock=1)", { create: () => new ADWIN({ clock: 1, delta: 0.01 }) });

describe("ADWIN", () => {
  it("has River 0.19's defaults", () => {
    assert.deepEqual({ ...new ADWIN().params }, { delta: 0.002, clock: 32, maxBuckets: 5, minWindowLength: 5, gracePeriod: 10 });
  });

  it("rejects bad parameters with INVALID_ARGUMENT", () => {
    assert.throws(() => new ADWIN({ delta: 0 }), { code: "INVALID_ARGUMENT" });
    assert.throws(() => new ADWIN({ clock: 0 }), { code: "INVALID_ARGUMENT" });
  });

  it("tracks the window mean and shrinks the window after a change", () => {
    const a = new ADWIN();
    for (let i = 0; i < 64; i++) a.update(1);
    assert.equal(a.width, 64);
    assert.equal(a.estimation, 1);
    let widthAtDrift = 0;
    for (let i = 0; i < 500 && widthAtDrift === 0; i++) {
      a.update(10);
      if (a.driftDetected) widthAtDrift = a.width;
    }
    assert.ok(widthAtDrift > 0 && widthAtDrift < 64 + 500);
    assert.equal(a.nDetections, 1);
    a.update(10); // the next update starts from a fresh window, as in River
    assert.equal(a.width, 1);
  });
});
