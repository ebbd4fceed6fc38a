/**
 * HDDM_A (Frías-Blanco et al. 2014, moving-average test with Hoeffding bounds), a port of River 0.19
 * `drift.binary.HDDM_A`. Input is a 0/1 error stream.
 */
import type { EstimatorJSON } from "../base.ts";
import { registerEstimator } from "../registry.ts";
import { check, newMean, updateMean } from "./common.ts";
import { DetectorBase } from "./detector-base.ts";
import type { MeanState } from "./common.ts";

/** HDDM_A parameters (River names in camelCase). */
export interface HDDMAParams {
  /** Confidence of the drift test. Default 0.001. */
  driftConfidence: number;
  /** Confidence of the warning test. Default 0.005. */
  warningConfidence: number;
  /** Also watch for decreases of the mean. Default false. */
  twoSidedTest: boolean;
}

/** River 0.19 defaults. */
export const HDDM_A_DEFAULTS: Readonly<HDDMAParams> = Object.freeze({ driftConfidence: 0.001, warningConfidence: 0.005, twoSidedTest: false });

interface HDDMAState {
  xMin: MeanState;
  xMax: MeanState;
  z: MeanState;
  drift: boolean;
  warning: boolean;
}

/**
 * Drift detection based on Hoeffding's bounds with a moving-average test.
 *
 * @example
 * const d = new HDDM_A();
 * for (const err of [0, 1, 0, 0, 1]) d.update(err);
 * @see https://github.com/online-ml/river/blob/0.19.0/river/drift/binary/hddm_a.py
 */
export class HDDM_A extends DetectorBase<HDDMAParams, HDDMAState> {
  constructor(params: Partial<HDDMAParams> = {}) {
    const p = { ...HDDM_A_DEFAULTS, ...params };
    check(p.driftConfidence > 0 && p.driftConfidence < 1, "HDDM_A: driftConfidence must be in (0, 1)");
    check(p.warningConfidence > 0 && p.warningConfidence < 1, "HDDM_A: warningConfidence must be in (0, 1)");
    super("HDDM_A", p, fresh);
  }

  #bound(n: number): number {
    return Math.sqrt((1.0 / (2 * n)) * Math.log(1.0 / this.params.driftConfidence));
  }

  protected step(s: HDDMAState, x: number): void {
    const p = this.params;
    updateMean(s.z, x);
    if (s.xMin.n === 0) s.xMin = { ...s.z };
    if (s.xMax.n === 0) s.xMax = { ...s.z };
    const epsZ = this.#bound(s.z.n);
    let epsX = this.#bound(s.xMin.n);
    if (s.xMin.mean + epsX >= s.z.mean + epsZ) s.xMin = { ...s.z };
    epsX = this.#bound(s.xMax.n);
    if (s.xMax.mean - epsX <= s.z.mean - epsZ) s.xMax = { ...s.z };
    if (meanIncr(s.xMin, s.z, p.driftConfidence)) {
      s.warning = false;
      s.drift = true;
    } else if (meanIncr(s.xMin, s.z, p.warningConfidence)) {
      s.warning = true;
      s.drift = false;
    } else {
      s.warning = false;
      s.drift = false;
    }
    if (p.twoSidedTest) {
      if (meanDecr(s.xMax, s.z, p.driftConfidence)) s.drift = true;
      else if (meanDecr(s.xMax, s.z, p.warningConfidence)) s.warning = true;
    }
  }

  /** Rebuilds an HDDM_A from {@link HDDM_A.toJSON} output. */
  static fromJSON(json: EstimatorJSON): HDDM_A {
    return DetectorBase.load(HDDM_A, "HDDM_A", json);
  }
}

function epsilon(cut: MeanState, z: MeanState, confidence: number): number {
  const m = ((z.n - cut.n) / cut.n) * (1.0 / z.n);
  return Math.sqrt((m / 2) * Math.log(2.0 / confidence));
}

function meanIncr(xMin: MeanState, z: MeanState, confidence: number): boolean {
  if (xMin.n === z.n) return false;
  return z.mean - xMin.mean >= epsilon(xMin, z, confidence);
}

function meanDecr(xMax: MeanState, z: MeanState, confidence: number): boolean {
  if (xMax.n === z.n) return false;
  return xMax.mean - z.mean >= epsilon(xMax, z, confidence);
}

function fresh(): HDDMAState {
  return { xMin: newMean(), xMax: newMean(), z: newMean(), drift: false, warning: false };
}

registerEstimator("HDDM_A", HDDM_A.fromJSON);
