import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { describeDriftDetectorContract } from "../checks/drift-detector.contract.ts";
import { KSWIN, ks2samp } from "./kswin.ts";
import { PythonRandom } from "./mersenne-twister.ts";

describeDriftDetectorContract("KSWIN", { create: () => new KSWIN({ seed: 42 }) });
describeDriftDetectorContract("KSWIN(seed=1, window 60)", { create: () => new KSWIN({ seed: 1, windowSize: 60, statSize: 20 }) });

describe("KSWIN", () => {
  it("has River 0.19's defaults (seeded)", () => {
    assert.deepEqual({ ...new KSWIN().params }, { alpha: 0.005, windowSize: 100, statSize: 30, seed: 0 });
  });

  it("different seeds sample different reference windows", () => {
    const xs = Array.from({ length: 400 }, (_, i) => (i * 7919) % 13);
    const pvalues = (seed: number) => {
      const d = new KSWIN({ seed });
      return xs.map((x) => (d.update(x), d.pValue));
    };
    assert.deepEqual(pvalues(3), pvalues(3));
    assert.notDeepEqual(pvalues(3), pvalues(4));
  });

  it("ks2samp matches scipy's exact test", () => {
    // scipy's exact formula (_compute_prob_outside_square(30, 10)) evaluated in CPython: 0.07088798787114439
    const a = Array.from({ length: 30 }, (_, i) => i + 1);
    const b = Array.from({ length: 30 }, (_, i) => i + 11);
    const [st, p] = ks2samp(a, b);
    assert.equal(st, 1 / 3);
    assert.equal(p, 0.07088798787114439);
    assert.deepEqual(ks2samp(a, a), [0, 1]);
  });

  it("rejects bad parameters", () => {
    assert.throws(() => new KSWIN({ statSize: 100 }), { code: "INVALID_ARGUMENT" });
    assert.throws(() => new KSWIN({ alpha: 2 }), { code: "INVALID_ARGUMENT" });
  });
});

describe("PythonRandom", () => {
  it("reproduces CPython's random.Random(42)", () => {
    const r = new PythonRandom(42);
    assert.equal(r.random(), 0.6394267984578837);
    assert.equal(r.random(), 0.025010755222666936);
    assert.equal(r.getrandbits(7), 35);
    assert.deepEqual(r.sampleRange(70, 30), [31, 28, 17, 13, 11, 54, 4, 1, 5, 66, 14, 32, 38, 62, 35, 12, 45, 41, 44, 34, 26, 59, 68, 37, 67, 0, 10, 27, 21, 53]);
    assert.deepEqual(r.sampleRange(1000, 10), [159, 220, 980, 781, 344, 104, 94, 389, 99, 367]);
    assert.equal(new PythonRandom(2 ** 40 + 5).random(), 0.5043802970418443);
  });

  it("state round-trips", () => {
    const r = new PythonRandom(7);
    for (let i = 0; i < 1000; i++) r.random();
    const c = new PythonRandom(JSON.parse(JSON.stringify(r.getState())));
    for (let i = 0; i < 1000; i++) assert.equal(c.nextUint32(), r.nextUint32());
  });
});
