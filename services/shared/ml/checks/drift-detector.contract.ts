/**
 * Contract every drift detector must meet, run by each detector's test:
 * `describeDriftDetectorContract("ADWIN", { create: () => new ADWIN() })`.
 *
 * Streams are 0/1 error streams (so binary detectors such as DDM accept them too), drawn from a small
 * seeded generator (./prng.ts).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DriftDetector } from "../base.ts";
import { estimatorFromJSON } from "../registry.ts";
import { mulberry32 } from "./prng.ts";

/** Options of {@link describeDriftDetectorContract}. */
export interface DriftDetectorContractOptions {
  /** A new detector with the parameters under test (seeded when it uses randomness). */
  create: () => DriftDetector;
  /** Skip the whole suite, with a reason. */
  skip?: string | boolean;
}

/** 1,000 errors at rate 0.1 then 1,000 at rate 0.9: a clear step at index 1000. */
export function stepStream(seed = 7): number[] {
  const r = mulberry32(seed);
  return Array.from({ length: 2000 }, (_, i) => (r() < (i < 1000 ? 0.1 : 0.9) ? 1 : 0));
}

interface Alarm {
  i: number;
  drift: boolean;
  warning: boolean;
}

function run(d: DriftDetector, xs: readonly number[], offset = 0): Alarm[] {
  const out: Alarm[] = [];
  xs.forEach((x, i) => {
    d.update(x);
    if (d.driftDetected || d.warningDetected) out.push({ i: i + offset, drift: d.driftDetected, warning: d.warningDetected });
  });
  return out;
}

const drifts = (alarms: Alarm[]): number[] => alarms.filter((a) => a.drift).map((a) => a.i);

/** Registers the drift-detector contract tests for one implementation. */
export function describeDriftDetectorContract(name: string, opts: DriftDetectorContractOptions): void {
  const { create } = opts;
  describe(`${name} drift-detector contract`, { skip: opts.skip ?? false }, () => {
    it("starts with no drift and no warning", () => {
      const d = create();
      assert.equal(d.driftDetected, false);
      assert.equal(d.warningDetected, false);
      assert.equal(typeof d.kind, "string");
    });

    it("raises no drift on constant streams", () => {
      for (const v of [0, 1]) {
        const d = create();
        assert.deepEqual(drifts(run(d, new Array<number>(3000).fill(v))), [], `constant ${v}`);
      }
    });

    it("finds a clear step change soon after it happens", () => {
      const alarms = drifts(run(create(), stepStream()));
      const after = alarms.filter((i) => i >= 1000);
      assert.ok(after.length > 0, `no drift after the step (alarms: ${alarms.join(",")})`);
      assert.ok(after[0]! < 1500, `first drift after the step at ${after[0]}`);
    });

    it("is deterministic: two instances see the same alarms", () => {
      const xs = stepStream(11);
      assert.deepEqual(run(create(), xs), run(create(), xs));
    });

    it("clone() is fresh, independent and keeps the parameters", () => {
      const xs = stepStream(3);
      const d = create();
      run(d, xs.slice(0, 1200));
      const c = d.clone();
      assert.deepEqual(c.params, d.params);
      assert.equal(c.kind, d.kind);
      assert.equal(c.driftDetected, false);
      const fromClone = run(c, xs);
      assert.deepEqual(fromClone, run(create(), xs), "a clone behaves like a new detector");
      run(d, xs.slice(1200));
      assert.deepEqual(run(d.clone(), xs), fromClone, "training the original does not touch clones");
    });

    it("a JSON snapshot round trip continues identically", () => {
      const xs = stepStream(5);
      for (const cut of [0, 500, 1010, 1400]) {
        const d = create();
        run(d, xs.slice(0, cut));
        const snap = JSON.parse(JSON.stringify(d.toJSON())) as ReturnType<DriftDetector["toJSON"]>;
        assert.equal(snap.kind, d.kind);
        const restored = estimatorFromJSON<DriftDetector>(snap);
        assert.equal(restored.driftDetected, d.driftDetected);
        assert.equal(restored.warningDetected, d.warningDetected);
        assert.deepEqual(run(restored, xs.slice(cut), cut), run(d, xs.slice(cut), cut), `cut at ${cut}`);
      }
    });
  });
}
