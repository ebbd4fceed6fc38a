import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { describeDriftDetectorContract } from "../checks/drift-detector.contract.ts";
import { PageHinkley } from "./page-hinkley.ts";

describeDriftDetectorContract("PageHinkley", { create: () => new PageHinkley() });
describeDriftDetectorContract("PageHinkley(mode=up)", { create: () => new PageHinkley({ mode: "up", threshold: 20 }) });

describe("PageHinkley", () => {
  it("has River 0.19's defaults", () => {
    assert.deepEqual({ ...new PageHinkley().params }, { minInstances: 30, delta: 0.005, threshold: 50, alpha: 1 - 0.0001, mode: "both" });
  });

  it("mode selects the direction watched", () => {
    const down = Array.from({ length: 600 }, (_, i) => (i < 300 ? 5 : 0));
    const alarms = (mode: "up" | "down" | "both") => {
      const d = new PageHinkley({ mode });
      return down.filter((x) => (d.update(x), d.driftDetected)).length;
    };
    assert.equal(alarms("up"), 0);
    assert.ok(alarms("down") > 0);
    assert.ok(alarms("both") > 0);
  });

  it("rejects an unknown mode", () => {
    assert.throws(() => new PageHinkley({ mode: "sideways" as "up" }), { code: "INVALID_ARGUMENT" });
  });
});
