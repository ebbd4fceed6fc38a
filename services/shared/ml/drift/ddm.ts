/**
 * DDM (Drift Detection Method, Gama et al. 2004), a port of River 0.19 `drift.binary.DDM`. Input is a 0/1
 * error stream (1 = the model was wrong).
 */
import type { EstimatorJSON } from "../base.ts";
import { registerEstimator } from "../registry.ts";
import { check, newMean, updateMean } from "./common.ts";
import { DetectorBase } from "./detector-base.ts";
import type { MeanState } from "./common.ts";

/** DDM parameters (River names in camelCase). */
export interface DDMParams {
  /** Samples before any alarm. Default 30. */
  warmStart: number;
  /** Warning when p + s exceeds p_min + warningThreshold · s_min. Default 2. */
  warningThreshold: number;
  /** Drift when p + s exceeds p_min + driftThreshold · s_min. Default 3. */
  driftThreshold: number;
}

/** River 0.19 defaults. */
export const DDM_DEFAULTS: Readonly<DDMParams> = Object.freeze({ warmStart: 30, warningThreshold: 2.0, driftThreshold: 3.0 });

interface DDMState {
  p: MeanState;
  pMin: number;
  sMin: number;
  psMin: number;
  drift: boolean;
  warning: boolean;
}

/**
 * DDM watches the error rate p and its binomial deviation s, and alarms when p + s rises well above the
 * lowest p + s seen.
 *
 * @example
 * const ddm = new DDM();
 * for (const err of [0, 1, 0, 0, 1]) ddm.update(err);
 * @see https://github.com/online-ml/river/blob/0.19.0/river/drift/binary/ddm.py
 */
export class DDM extends DetectorBase<DDMParams, DDMState> {
  constructor(params: Partial<DDMParams> = {}) {
    const p = { ...DDM_DEFAULTS, ...params };
    check(p.warmStart >= 0, "DDM: warmStart must be non-negative");
    check(p.warningThreshold > 0 && p.driftThreshold > 0, "DDM: thresholds must be positive");
    super("DDM", p, fresh, ["pMin", "sMin", "psMin"]);
  }

  protected step(s: DDMState, x: number): void {
    updateMean(s.p, x);
    const pi = s.p.mean;
    const n = s.p.n;
    const si = Math.sqrt((pi * (1 - pi)) / n);
    if (n > this.params.warmStart) {
      if (pi + si <= s.psMin) {
        s.pMin = pi;
        s.sMin = si;
        s.psMin = s.pMin + s.sMin;
      }
      s.warning = pi + si > s.pMin + this.params.warningThreshold * s.sMin;
      if (pi + si > s.pMin + this.params.driftThreshold * s.sMin) {
        s.drift = true;
        s.warning = false;
      }
    }
  }

  /** Rebuilds a DDM from {@link DDM.toJSON} output. */
  static fromJSON(json: EstimatorJSON): DDM {
    return DetectorBase.load(DDM, "DDM", json);
  }
}

function fresh(): DDMState {
  return { p: newMean(), pMin: Infinity, sMin: Infinity, psMin: Infinity, drift: false, warning: false };
}

registerEstimator("DDM", DDM.fromJSON);
