/**
 * ADWIN (ADaptive WINdowing), a port of River 0.19 `drift.ADWIN` / `drift/adwin_c.pyx` with the same
 * bucket layout and floating-point operation order, so alarms fall on River's indices.
 */
import type { DriftDetector, EstimatorJSON } from "../base.ts";
import { check, copyJSON, readSnapshot } from "./common.ts";
import { registerEstimator } from "../registry.ts";

/** ADWIN parameters (River names in camelCase). */
export interface ADWINParams {
  /** Confidence value; smaller means fewer false alarms. Default 0.002. */
  delta: number;
  /** Check for change every `clock` updates. Default 32. */
  clock: number;
  /** Buckets of each size kept before merging. Default 5. */
  maxBuckets: number;
  /** Minimum length of each sub-window. Default 5. */
  minWindowLength: number;
  /** No detection until the window holds more than this many items. Default 10. */
  gracePeriod: number;
}

/** River 0.19 defaults. */
export const ADWIN_DEFAULTS: Readonly<ADWINParams> = Object.freeze({
  delta: 0.002,
  clock: 32,
  maxBuckets: 5,
  minWindowLength: 5,
  gracePeriod: 10,
});

/** One row of buckets, all of size 2^row; index 0 is the oldest. */
interface BucketRow {
  total: number[];
  variance: number[];
  idx: number;
}

interface ADWINState {
  rows: BucketRow[];
  total: number;
  variance: number;
  width: number;
  tick: number;
  nDetections: number;
  drift: boolean;
}

/**
 * ADWIN keeps a variable-length window and drops its older part when the means of two sub-windows differ
 * by more than a Hoeffding-style bound. No warning zone: `warningDetected` is always false.
 *
 * @example
 * const adwin = new ADWIN();
 * for (let i = 0; i < 2000; i++) adwin.update(i < 1000 ? i % 2 : 5);
 * @see https://github.com/online-ml/river/blob/0.19.0/river/drift/adwin_c.pyx
 */
export class ADWIN implements DriftDetector {
  readonly kind = "ADWIN";
  readonly params: Readonly<ADWINParams>;
  #s: ADWINState;

  constructor(params: Partial<ADWINParams> = {}) {
    const p = { ...ADWIN_DEFAULTS, ...params };
    check(p.delta > 0 && p.delta < 1, "ADWIN: delta must be in (0, 1)");
    check(Number.isInteger(p.clock) && p.clock > 0, "ADWIN: clock must be a positive integer");
    check(Number.isInteger(p.maxBuckets) && p.maxBuckets > 0, "ADWIN: maxBuckets must be a positive integer");
    check(p.minWindowLength > 0, "ADWIN: minWindowLength must be positive");
    check(p.gracePeriod >= 0, "ADWIN: gracePeriod must be non-negative");
    this.params = Object.freeze(p);
    this.#s = this.#fresh();
  }

  #fresh(): ADWINState {
    return { rows: [this.#row()], total: 0, variance: 0, width: 0, tick: 0, nDetections: 0, drift: false };
  }

  #row(): BucketRow {
    const n = this.params.maxBuckets + 1;
    return { total: new Array<number>(n).fill(0), variance: new Array<number>(n).fill(0), idx: 0 };
  }

  get driftDetected(): boolean {
    return this.#s.drift;
  }

  /** ADWIN has no warning zone. */
  get warningDetected(): boolean {
    return false;
  }

  /** Number of items in the window. */
  get width(): number {
    return this.#s.width;
  }

  /** Mean of the window (River's `estimation`). */
  get estimation(): number {
    return this.#s.width === 0 ? 0 : this.#s.total / this.#s.width;
  }

  /** Sum of squared deviations in the window (River's `variance`). */
  get variance(): number {
    return this.#s.variance;
  }

  /** Changes detected since the last reset. */
  get nDetections(): number {
    return this.#s.nDetections;
  }

  update(x: number): void {
    if (this.#s.drift) this.#s = this.#fresh();
    this.#insert(x);
    this.#s.drift = this.#detectChange();
  }

  #insert(value: number): void {
    const s = this.#s;
    const row = s.rows[0]!;
    row.total[row.idx] = value;
    row.variance[row.idx] = 0;
    row.idx += 1;
    s.width += 1;
    let inc = 0;
    if (s.width > 1) {
      const d = value - s.total / (s.width - 1);
      inc = ((s.width - 1) * d * d) / s.width;
    }
    s.variance += inc;
    s.total += value;
    this.#compress();
  }

  #compress(): void {
    const rows = this.#s.rows;
    const max = this.params.maxBuckets;
    let idx = 0;
    let row: BucketRow | undefined = rows[0];
    while (row !== undefined) {
      if (row.idx !== max + 1) break;
      let next = rows[idx + 1];
      if (next === undefined) {
        next = this.#row();
        rows.push(next);
      }
      const n1 = 2 ** idx;
      const n2 = 2 ** idx;
      const mu1 = row.total[0]! / n1;
      const mu2 = row.total[1]! / n2;
      const total12 = row.total[0]! + row.total[1]!;
      const temp = (n1 * n2 * (mu1 - mu2) * (mu1 - mu2)) / (n1 + n2);
      const v12 = row.variance[0]! + row.variance[1]! + temp;
      next.total[next.idx] = total12;
      next.variance[next.idx] = v12;
      next.idx += 1;
      shift(row, 2);
      if (next.idx <= max) break;
      row = rows[idx + 1];
      idx += 1;
    }
  }

  #deleteElement(): number {
    const s = this.#s;
    const row = s.rows[s.rows.length - 1]!;
    const n = 2 ** (s.rows.length - 1);
    const u = row.total[0]!;
    const mu = u / n;
    const v = row.variance[0]!;
    s.width -= n;
    s.total -= u;
    const muWindow = s.total / s.width;
    const inc = v + (n * s.width * (mu - muWindow) * (mu - muWindow)) / (n + s.width);
    s.variance -= inc;
    shift(row, 1);
    if (row.idx === 0) s.rows.pop();
    return n;
  }

  #detectChange(): boolean {
    const s = this.#s;
    const p = this.params;
    let changeDetected = false;
    s.tick += 1;
    if (s.tick % p.clock === 0 && s.width > p.gracePeriod) {
      let reduceWidth = true;
      while (reduceWidth) {
        reduceWidth = false;
        let exitFlag = false;
        let n0 = 0;
        let n1 = s.width;
        let u0 = 0;
        let u1 = s.total;
        for (let idx = s.rows.length - 1; idx >= 0; idx--) {
          if (exitFlag) break;
          const row = s.rows[idx]!;
          const size = 2 ** idx;
          const kEnd = row.idx - 1;
          for (let k = 0; k < kEnd; k++) {
            n0 += size;
            n1 -= size;
            u0 += row.total[k]!;
            u1 -= row.total[k]!;
            if (idx === 0 && k === row.idx - 1) {
              exitFlag = true;
              break;
            }
            const deltaMean = u0 / n0 - u1 / n1;
            if (n1 >= p.minWindowLength && n0 >= p.minWindowLength && this.#evaluateCut(n0, n1, deltaMean)) {
              reduceWidth = true;
              changeDetected = true;
              if (s.width > 0) {
                n0 -= this.#deleteElement();
                exitFlag = true;
                break;
              }
            }
          }
        }
      }
    }
    if (changeDetected) s.nDetections += 1;
    return changeDetected;
  }

  #evaluateCut(n0: number, n1: number, deltaMean: number): boolean {
    const s = this.#s;
    const mwl = this.params.minWindowLength;
    const deltaPrime = Math.log((2 * Math.log(s.width)) / this.params.delta);
    const mRecip = 1 / (n0 - mwl + 1) + 1 / (n1 - mwl + 1);
    const varianceInWindow = s.variance / s.width;
    const epsilon = Math.sqrt(2 * mRecip * varianceInWindow * deltaPrime) + (2 / 3) * deltaPrime * mRecip;
    return Math.abs(deltaMean) > epsilon;
  }

  clone(): this {
    return new ADWIN(this.params) as this;
  }

  toJSON(): EstimatorJSON {
    return { kind: this.kind, params: { ...this.params }, state: copyJSON(this.#s) };
  }

  /** Rebuilds an ADWIN from {@link ADWIN.toJSON} output. */
  static fromJSON(json: EstimatorJSON): ADWIN {
    const { params, state } = readSnapshot<ADWINParams, ADWINState>(json, "ADWIN");
    const a = new ADWIN(params);
    if (state !== undefined) a.#s = copyJSON(state);
    return a;
  }
}

/** River `Bucket.compress(n)`: drop the `n` oldest buckets of a row. */
function shift(row: BucketRow, n: number): void {
  const len = row.total.length;
  for (let i = n; i < len; i++) {
    row.total[i - n] = row.total[i]!;
    row.variance[i - n] = row.variance[i]!;
  }
  for (let i = len - n; i < len; i++) {
    row.total[i] = 0;
    row.variance[i] = 0;
  }
  row.idx -= n;
}

registerEstimator("ADWIN", ADWIN.fromJSON);
