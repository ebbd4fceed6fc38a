/**
 * KSWIN (Kolmogorov-Smirnov WINdowing, Raab et al. 2020), a port of River 0.19 `drift.KSWIN`. The reference
 * sample is drawn with CPython's Mersenne Twister and `random.sample`, and the p-value is scipy's exact
 * two-sample KS test, so a given seed reproduces River's alarms.
 */
import type { DriftDetector, EstimatorJSON } from "../base.ts";
import { registerEstimator } from "../registry.ts";
import { check, copyJSON, readSnapshot } from "./common.ts";
import { PythonRandom } from "./mersenne-twister.ts";
import type { PythonRandomState } from "./mersenne-twister.ts";

/** KSWIN parameters (River names in camelCase). */
export interface KSWINParams {
  /** p-value threshold of the KS test. Default 0.005. */
  alpha: number;
  /** Sliding-window size. Default 100. */
  windowSize: number;
  /** Size of the most-recent (and of the sampled) sub-window. Default 30. */
  statSize: number;
  /** Seed of `random.Random` (River's default None draws OS entropy; here randomness is always seeded). Default 0. */
  seed: number;
}

/** River 0.19 defaults (seed: see {@link KSWINParams.seed}). */
export const KSWIN_DEFAULTS: Readonly<KSWINParams> = Object.freeze({ alpha: 0.005, windowSize: 100, statSize: 30, seed: 0 });

interface KSWINState {
  window: number[];
  n: number;
  pValue: number;
  drift: boolean;
}

/**
 * Alarms when the last `statSize` values and a random sample of the older ones differ by the KS test.
 *
 * @example
 * const d = new KSWIN({ alpha: 0.0001, seed: 42 });
 * for (let i = 0; i < 1100; i++) d.update(i < 1000 ? i % 2 : 5);
 * @see https://github.com/online-ml/river/blob/0.19.0/river/drift/kswin.py
 */
export class KSWIN implements DriftDetector {
  readonly kind = "KSWIN";
  readonly params: Readonly<KSWINParams>;
  #s: KSWINState;
  #rng: PythonRandom;

  constructor(params: Partial<KSWINParams> = {}) {
    const p = { ...KSWIN_DEFAULTS, ...params };
    check(p.alpha >= 0 && p.alpha <= 1, "KSWIN: alpha must be between 0 and 1");
    check(Number.isInteger(p.windowSize) && p.windowSize > 0, "KSWIN: windowSize must be a positive integer");
    check(Number.isInteger(p.statSize) && p.statSize > 0 && p.statSize < p.windowSize, "KSWIN: statSize must be smaller than windowSize");
    check(p.windowSize - p.statSize >= p.statSize, "KSWIN: windowSize - statSize must be at least statSize");
    check(Number.isSafeInteger(p.seed), "KSWIN: seed must be an integer");
    this.params = Object.freeze(p);
    this.#rng = new PythonRandom(p.seed);
    this.#s = this.#fresh();
  }

  #fresh(): KSWINState {
    this.#rng = new PythonRandom(this.params.seed);
    return { window: [], n: 0, pValue: 0, drift: false };
  }

  get driftDetected(): boolean {
    return this.#s.drift;
  }

  /** KSWIN has no warning zone. */
  get warningDetected(): boolean {
    return false;
  }

  /** p-value of the last test. */
  get pValue(): number {
    return this.#s.pValue;
  }

  update(x: number): void {
    if (this.#s.drift) this.#s = this.#fresh();
    const s = this.#s;
    const { windowSize, statSize, alpha } = this.params;
    s.n += 1;
    s.window.push(x);
    if (s.window.length > windowSize) s.window.shift();
    if (s.window.length >= windowSize) {
      const idx = this.#rng.sampleRange(windowSize - statSize, statSize);
      const rnd = idx.map((i) => s.window[i]!);
      const recent = s.window.slice(windowSize - statSize, windowSize);
      const [st, p] = ks2samp(rnd, recent);
      s.pValue = p;
      if (p <= alpha && st > 0.1) {
        s.drift = true;
        s.window = recent;
      } else s.drift = false;
    } else s.drift = false;
  }

  clone(): this {
    return new KSWIN(this.params) as this;
  }

  toJSON(): EstimatorJSON {
    return { kind: this.kind, params: { ...this.params }, state: { ...copyJSON(this.#s), rng: this.#rng.getState() } };
  }

  /** Rebuilds a KSWIN from {@link KSWIN.toJSON} output. */
  static fromJSON(json: EstimatorJSON): KSWIN {
    const { params, state } = readSnapshot<KSWINParams, KSWINState & { rng: PythonRandomState }>(json, "KSWIN");
    const d = new KSWIN(params);
    if (state !== undefined) {
      const { rng: _rng, ...rest } = copyJSON(state);
      d.#s = rest;
      d.#rng = new PythonRandom(state.rng);
    }
    return d;
  }
}

/** numpy's round-half-to-even. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Count of sorted values ≤ v (numpy `searchsorted(side="right")`). */
function countLE(sorted: number[], v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** scipy `_compute_prob_outside_square(n, h)`. */
function probOutsideSquare(n: number, h: number): number {
  let P = 0.0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1.0;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    P = p1 * (1.0 - P);
  }
  return 2 * P;
}

/**
 * scipy `stats.ks_2samp(a, b)` (two-sided, method "auto" = exact for these sizes), for equal sample sizes
 * as KSWIN uses. Returns [statistic, p-value].
 */
export function ks2samp(a: readonly number[], b: readonly number[]): [number, number] {
  const d1 = [...a].sort((x, y) => x - y);
  const d2 = [...b].sort((x, y) => x - y);
  const n1 = d1.length;
  const n2 = d2.length;
  check(n1 > 0 && n1 === n2, "ks2samp: samples must be non-empty and of equal size");
  let minD = Infinity;
  let maxD = -Infinity;
  for (const v of [...d1, ...d2]) {
    const diff = countLE(d1, v) / n1 - countLE(d2, v) / n2;
    if (diff < minD) minD = diff;
    if (diff > maxD) maxD = diff;
  }
  const minS = Math.min(Math.max(-minD, 0), 1);
  const d = Math.max(minS, maxD);
  const lcm = (n1 / gcd(n1, n2)) * n2;
  const h = roundHalfEven(d * lcm);
  const stat = (h * 1.0) / lcm;
  if (h === 0) return [stat, 1.0];
  const p = probOutsideSquare(n1, h);
  return [stat, Math.min(Math.max(p, 0), 1)];
}

registerEstimator("KSWIN", KSWIN.fromJSON);
