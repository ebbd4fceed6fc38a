import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createOnlineScaler } from "./scaler.ts";

/** Two-pass mean and population variance. */
function twoPass(xs: number[]) {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, variance: xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length };
}

const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

describe("online scaler (Welford, River's StandardScaler)", () => {
  it("keeps the same mean and population variance as a two-pass computation, at every step", () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const xs = Array.from({ length: 500 }, () => 1e6 + rand() * 100 - 50);
    const scaler = createOnlineScaler();
    xs.forEach((x, i) => {
      const out = scaler.learnAndScale({ a: x });
      const { mean, variance } = twoPass(xs.slice(0, i + 1));
      const s = scaler.stats("a")!;
      assert.equal(s.n, i + 1);
      close(s.mean, mean);
      close(s.m2 / s.n, variance, 1e-7);
      // learn, then scale (River's learn_one order inside a pipeline)
      close(out.a, variance > 0 ? (x - mean) / Math.sqrt(variance) : 0, 1e-6);
    });
  });

  it("scales a hand example: after 1, 2, 3 the value 3 is (3 - 2) / sqrt(2/3)", () => {
    const scaler = createOnlineScaler();
    scaler.learnAndScale({ a: 1 });
    scaler.learnAndScale({ a: 2 });
    close(scaler.learnAndScale({ a: 3 }).a, 1 / Math.sqrt(2 / 3), 1e-12);
    close(scaler.scale({ a: 2 }).a, 0, 1e-12);
    assert.equal(scaler.stats("a")!.n, 3, "scale() does not learn");
  });

  it("maps a constant feature (and the first value) to 0, never NaN", () => {
    const scaler = createOnlineScaler();
    for (let i = 0; i < 100; i++) {
      const out = scaler.learnAndScale({ c: 0.1, z: 0 });
      assert.equal(out.c, 0);
      assert.equal(out.z, 0);
    }
    assert.equal(scaler.scale({ unseen: 5 }).unseen, 0);
  });

  it("neither learns nor propagates a non-finite value", () => {
    const scaler = createOnlineScaler();
    scaler.learnAndScale({ a: 1 });
    scaler.learnAndScale({ a: 3 });
    assert.equal(scaler.learnAndScale({ a: Number.NaN }).a, 0);
    assert.equal(scaler.learnAndScale({ a: Number.POSITIVE_INFINITY }).a, 0);
    assert.deepEqual(scaler.stats("a"), { n: 2, mean: 2, m2: 2 });
    assert.equal(scaler.learnAndScale({ a: 2 }).a, 0);
  });

  it("restores from its JSON and carries on identically", () => {
    const a = createOnlineScaler();
    for (const x of [5, 1, 8]) a.learnAndScale({ x });
    const b = createOnlineScaler(JSON.parse(JSON.stringify(a.toJSON())));
    assert.deepEqual(b.learnAndScale({ x: 4 }), a.learnAndScale({ x: 4 }));
    assert.deepEqual(b.toJSON(), a.toJSON());
  });
});
