/**
 * DDM (Drift Detection Method, Gama et al. 2004), a port of River 0.19 `drift.binary.DDM`. Input is a 0/1
 * error stream (1 = the model was wrong).
 */
import type { DriftDetector, EstimatorJSON } from "../base.ts";
import { registerEstimator } from "../registry.ts";
import { check, copyJSON, decodeNumber, encodeNumber, newMean, readSnapshot, updateMean } from "./common.ts";
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
export class DDM implements DriftDetector {
  readonly kind = "DDM";
  readonly params: Readonly<DDMParams>;
  #s: DDMState = fresh();

  constructor(params: Partial<DDMParams> = {}) {
    const p = { ...DDM_DEFAULTS, ...params };
    check(p.warmStart >= 0, "DDM: warmStart must be non-negative");
    check(p.warningThreshold > 0 && p.driftThreshold > 0, "DDM: thresholds must be positive");
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
    updateMean(s.p, Number(x));
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

  clone(): this {
    return new DDM(this.params) as this;
  }

  toJSON(): EstimatorJSON {
    const s = this.#s;
    return {
      kind: this.kind,
      params: { ...this.params },
      state: { ...copyJSON(s), pMin: encodeNumber(s.pMin), sMin: encodeNumber(s.sMin), psMin: encodeNumber(s.psMin) },
    };
  }

  /** Rebuilds a DDM from {@link DDM.toJSON} output. */
  static fromJSON(json: EstimatorJSON): DDM {
    const { params, state } = readSnapshot<DDMParams, DDMState>(json, "DDM");
    const d = new DDM(params);
    if (state !== undefined) {
      d.#s = { ...copyJSON(state), pMin: decodeNumber(state.pMin), sMin: decodeNumber(state.sMin), psMin: decodeNumber(state.psMin) };
    }
    return d;
  }
}

function fresh(): DDMState {
  return { p: newMean(), pMin: Infinity, sMin: Infinity, psMin: Infinity, drift: false, warning: false };
}

registerEstimator("DDM", DDM.fromJSON);
