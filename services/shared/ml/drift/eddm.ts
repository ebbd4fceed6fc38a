/**
 * EDDM (Early Drift Detection Method, Baena-García et al. 2006), a port of River 0.19
 * `drift.binary.EDDM`: watches the distance between consecutive errors in a 0/1 error stream.
 */
import type { DriftDetector, EstimatorJSON } from "../base.ts";
import { registerEstimator } from "../registry.ts";
import { check, copyJSON, getVar, newVar, readSnapshot, updateVar } from "./common.ts";
import type { VarState } from "./common.ts";

/** EDDM parameters (River names in camelCase). */
export interface EDDMParams {
  /** Samples and errors before any alarm. Default 30. */
  warmStart: number;
  /** Warning when (p' + 2s') / max falls below alpha. Default 0.95. */
  alpha: number;
  /** Drift when it falls below beta. Default 0.9. */
  beta: number;
}

/** River 0.19 defaults. */
export const EDDM_DEFAULTS: Readonly<EDDMParams> = Object.freeze({ warmStart: 30, alpha: 0.95, beta: 0.9 });

interface EDDMState {
  distances: VarState;
  n: number;
  lastError: number;
  nErrors: number;
  p2sMax: number;
  drift: boolean;
  warning: boolean;
}

/**
 * Early Drift Detection Method.
 *
 * @example
 * const eddm = new EDDM({ alpha: 0.8, beta: 0.75 });
 * for (const err of [0, 1, 0, 0, 1]) eddm.update(err);
 * @see https://github.com/online-ml/river/blob/0.19.0/river/drift/binary/eddm.py
 */
export class EDDM implements DriftDetector {
  readonly kind = "EDDM";
  readonly params: Readonly<EDDMParams>;
  #s: EDDMState = fresh();

  constructor(params: Partial<EDDMParams> = {}) {
    const p = { ...EDDM_DEFAULTS, ...params };
    check(p.warmStart >= 0, "EDDM: warmStart must be non-negative");
    check(p.alpha >= p.beta, "EDDM: alpha must be greater or equal to beta");
    check(p.beta > 0 && p.alpha < 1, "EDDM: alpha and beta must be in (0, 1)");
    this.params = Object.freeze(p);
  }

  get driftDetected(): boolean {
    return this.#s.drift;
  }

  get warningDetected(): boolean {
    return this.#s.warning;
  }

  /** `x` is 1 (or true) for an error, 0 for a correct prediction. */
  update(x: number | boolean): void {
    if (this.#s.drift) this.#s = fresh();
    const s = this.#s;
    const p = this.params;
    s.n += 1;
    if (Number(x) === 1) {
      s.nErrors += 1;
      updateVar(s.distances, s.n - s.lastError);
      if (s.n > p.warmStart) {
        const pi = s.distances.mean;
        const si = Math.sqrt(getVar(s.distances));
        const p2s = pi + 2 * si;
        if (p2s > s.p2sMax) s.p2sMax = p2s;
        else if (s.nErrors > p.warmStart) {
          const level = p2s / s.p2sMax;
          if (level < p.beta) s.drift = true;
          else s.warning = level < p.alpha;
        }
      }
      s.lastError = s.n;
    }
  }

  clone(): this {
    return new EDDM(this.params) as this;
  }

  toJSON(): EstimatorJSON {
    return { kind: this.kind, params: { ...this.params }, state: copyJSON(this.#s) };
  }

  /** Rebuilds an EDDM from {@link EDDM.toJSON} output. */
  static fromJSON(json: EstimatorJSON): EDDM {
    const { params, state } = readSnapshot<EDDMParams, EDDMState>(json, "EDDM");
    const d = new EDDM(params);
    if (state !== undefined) d.#s = copyJSON(state);
    return d;
  }
}

function fresh(): EDDMState {
  return { distances: newVar(), n: 0, lastError: 0, nErrors: 0, p2sMax: -1, drift: false, warning: false };
}

registerEstimator("EDDM", EDDM.fromJSON);
