/**
 * EDDM (Early Drift Detection Method, Baena-García et al. 2006), a port of River 0.19
 * `drift.binary.EDDM`: watches the distance between consecutive errors in a 0/1 error stream.
 */
import type { EstimatorJSON } from "../base.ts";
import { registerEstimator } from "../registry.ts";
import { check, getVar, newVar, updateVar } from "./common.ts";
import { DetectorBase } from "./detector-base.ts";
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
export class EDDM extends DetectorBase<EDDMParams, EDDMState> {
  constructor(params: Partial<EDDMParams> = {}) {
    const p = { ...EDDM_DEFAULTS, ...params };
    check(p.warmStart >= 0, "EDDM: warmStart must be non-negative");
    check(p.alpha >= p.beta, "EDDM: alpha must be greater or equal to beta");
    check(p.beta > 0 && p.alpha < 1, "EDDM: alpha and beta must be in (0, 1)");
    super("EDDM", p, fresh);
  }

  protected step(s: EDDMState, x: number): void {
    const p = this.params;
    s.n += 1;
    if (x === 1) {
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

  /** Rebuilds an EDDM from {@link EDDM.toJSON} output. */
  static fromJSON(json: EstimatorJSON): EDDM {
    return DetectorBase.load(EDDM, "EDDM", json);
  }
}

function fresh(): EDDMState {
  return { distances: newVar(), n: 0, lastError: 0, nErrors: 0, p2sMax: -1, drift: false, warning: false };
}

registerEstimator("EDDM", EDDM.fromJSON);
