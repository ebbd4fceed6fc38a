/**
 * HDDM_W (Frías-Blanco et al. 2014, EWMA test with McDiarmid bounds), a port of River 0.19
 * `drift.binary.HDDM_W`. Input is a 0/1 error stream.
 */
import type { EstimatorJSON } from "../base.ts";
import { registerEstimator } from "../registry.ts";
import { check } from "./common.ts";
import { DetectorBase } from "./detector-base.ts";

/** HDDM_W parameters (River names in camelCase). */
export interface HDDMWParams {
  /** Confidence of the drift test. Default 0.001. */
  driftConfidence: number;
  /** Confidence of the warning test. Default 0.005. */
  warningConfidence: number;
  /** Weight of recent data in the EWMA. Default 0.05. */
  lambdaVal: number;
  /** Also watch for decreases of the mean. Default false. */
  twoSidedTest: boolean;
}

/** River 0.19 defaults. */
export const HDDM_W_DEFAULTS: Readonly<HDDMWParams> = Object.freeze({
  driftConfidence: 0.001,
  warningConfidence: 0.005,
  lambdaVal: 0.05,
  twoSidedTest: false,
});

/** River's `SampleInfo`: an EWMA plus its independent bound condition. */
interface SampleInfo {
  ewma: number;
  init: boolean;
  ibc: number;
}

interface HDDMWState {
  total: SampleInfo;
  s1Decr: SampleInfo;
  s1Incr: SampleInfo;
  s2Decr: SampleInfo;
  s2Incr: SampleInfo;
  incrCut: number;
  decrCut: number;
  drift: boolean;
  warning: boolean;
}

/**
 * Drift detection based on McDiarmid's bounds with an exponentially weighted moving average.
 *
 * @example
 * const d = new HDDM_W();
 * for (const err of [0, 1, 0, 0, 1]) d.update(err);
 * @see https://github.com/online-ml/river/blob/0.19.0/river/drift/binary/hddm_w.py
 */
export class HDDM_W extends DetectorBase<HDDMWParams, HDDMWState> {
  constructor(params: Partial<HDDMWParams> = {}) {
    const p = { ...HDDM_W_DEFAULTS, ...params };
    check(p.driftConfidence > 0 && p.driftConfidence < 1, "HDDM_W: driftConfidence must be in (0, 1)");
    check(p.warningConfidence > 0 && p.warningConfidence < 1, "HDDM_W: warningConfidence must be in (0, 1)");
    check(p.lambdaVal > 0 && p.lambdaVal <= 1, "HDDM_W: lambdaVal must be in (0, 1]");
    super("HDDM_W", p, fresh, ["incrCut", "decrCut"]);
  }

  #updateInfo(si: SampleInfo, x: number): void {
    const l = this.params.lambdaVal;
    // River's EWMean: the first non-zero mean starts from x itself.
    si.ewma = si.ewma !== 0 ? l * x + (1.0 - l) * si.ewma : x;
    si.init = true;
    si.ibc = l * l + (1 - l) ** 2 * si.ibc;
  }

  protected step(s: HDDMWState, x: number): void {
    const p = this.params;
    this.#updateInfo(s.total, x);

    let eps = bound(s.total.ibc, p.driftConfidence);
    if (s.total.ewma + eps < s.incrCut) {
      s.incrCut = s.total.ewma + eps;
      s.s1Incr = { ...s.total };
      s.s2Incr = info();
    } else this.#updateInfo(s.s2Incr, x);
    if (changed(s.s1Incr, s.s2Incr, p.driftConfidence)) {
      s.warning = false;
      s.drift = true;
    } else if (changed(s.s1Incr, s.s2Incr, p.warningConfidence)) {
      s.warning = true;
      s.drift = false;
    } else {
      s.warning = false;
      s.drift = false;
    }

    eps = bound(s.total.ibc, p.driftConfidence);
    if (s.total.ewma - eps > s.decrCut) {
      s.decrCut = s.total.ewma - eps;
      s.s1Decr = { ...s.total };
      s.s2Decr = info();
    } else this.#updateInfo(s.s2Decr, x);
    if (p.twoSidedTest) {
      if (changed(s.s2Decr, s.s1Decr, p.driftConfidence)) s.drift = true;
      else if (changed(s.s2Decr, s.s1Decr, p.warningConfidence)) s.warning = true;
    }
  }

  /** Rebuilds an HDDM_W from {@link HDDM_W.toJSON} output. */
  static fromJSON(json: EstimatorJSON): HDDM_W {
    return DetectorBase.load(HDDM_W, "HDDM_W", json);
  }
}

function info(): SampleInfo {
  return { ewma: 0, init: false, ibc: 1.0 };
}

function bound(ibc: number, confidence: number): number {
  return Math.sqrt((ibc * Math.log(1 / confidence)) / 2);
}

function changed(sample1: SampleInfo, sample2: SampleInfo, confidence: number): boolean {
  if (!(sample1.init && sample2.init)) return false;
  return sample2.ewma - sample1.ewma > bound(sample1.ibc + sample2.ibc, confidence);
}

function fresh(): HDDMWState {
  return { total: info(), s1Decr: info(), s1Incr: info(), s2Decr: info(), s2Incr: info(), incrCut: Infinity, decrCut: -Infinity, drift: false, warning: false };
}

registerEstimator("HDDM_W", HDDM_W.fromJSON);
