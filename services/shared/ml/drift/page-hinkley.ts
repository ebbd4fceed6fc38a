/**
 * Page-Hinkley test, a port of River 0.19 `drift.PageHinkley` (two-sided CUSUM on the deviation from the
 * running mean, with a forgetting factor).
 */
import type { EstimatorJSON } from "../base.ts";
import { check, newMean, updateMean } from "./common.ts";
import { DetectorBase } from "./detector-base.ts";
import type { MeanState } from "./common.ts";
import { registerEstimator } from "../registry.ts";

/** Which change in the mean to watch for. */
export type PageHinkleyMode = "up" | "down" | "both";

/** PageHinkley parameters (River names in camelCase). */
export interface PageHinkleyParams {
  /** Samples before any alarm. Default 30. */
  minInstances: number;
  /** Magnitude of change tolerated. Default 0.005. */
  delta: number;
  /** Alarm threshold (lambda). Default 50. */
  threshold: number;
  /** Forgetting factor of the cumulative sums. Default 1 - 0.0001. */
  alpha: number;
  /** Default "both". */
  mode: PageHinkleyMode;
}

/** River 0.19 defaults. */
export const PAGE_HINKLEY_DEFAULTS: Readonly<PageHinkleyParams> = Object.freeze({
  minInstances: 30,
  delta: 0.005,
  threshold: 50,
  alpha: 1 - 0.0001,
  mode: "both",
});

interface PageHinkleyState {
  mean: MeanState;
  sumIncrease: number;
  sumDecrease: number;
  minIncrease: number;
  maxDecrease: number;
  drift: boolean;
}

/**
 * Page-Hinkley drift detector. No warning zone.
 *
 * @example
 * const ph = new PageHinkley();
 * for (let i = 0; i < 1100; i++) ph.update(i < 1000 ? i % 2 : 6);
 * @see https://github.com/online-ml/river/blob/0.19.0/river/drift/page_hinkley.py
 */
export class PageHinkley extends DetectorBase<PageHinkleyParams, PageHinkleyState> {
  constructor(params: Partial<PageHinkleyParams> = {}) {
    const p = { ...PAGE_HINKLEY_DEFAULTS, ...params };
    check(p.minInstances >= 0, "PageHinkley: minInstances must be non-negative");
    check(p.threshold > 0, "PageHinkley: threshold must be positive");
    check(p.alpha > 0 && p.alpha <= 1, "PageHinkley: alpha must be in (0, 1]");
    check(p.mode === "up" || p.mode === "down" || p.mode === "both", "PageHinkley: mode must be up, down or both");
    super("PageHinkley", p, fresh, ["minIncrease"]);
  }

  protected step(s: PageHinkleyState, x: number): void {
    const p = this.params;
    updateMean(s.mean, x);
    const dev = x - s.mean.mean;
    s.sumIncrease = p.alpha * s.sumIncrease + dev - p.delta;
    s.sumDecrease = p.alpha * s.sumDecrease + dev + p.delta;
    if (s.sumIncrease < s.minIncrease) s.minIncrease = s.sumIncrease;
    if (s.sumDecrease > s.maxDecrease) s.maxDecrease = s.sumDecrease;
    if (s.mean.n >= p.minInstances) {
      const up = s.sumIncrease - s.minIncrease > p.threshold;
      const down = s.maxDecrease - s.sumDecrease > p.threshold;
      s.drift = p.mode === "up" ? up : p.mode === "down" ? down : up || down;
    }
  }

  /** Rebuilds a PageHinkley from {@link PageHinkley.toJSON} output. */
  static fromJSON(json: EstimatorJSON): PageHinkley {
    return DetectorBase.load(PageHinkley, "PageHinkley", json);
  }
}

function fresh(): PageHinkleyState {
  return { mean: newMean(), sumIncrease: 0, sumDecrease: 0, minIncrease: Infinity, maxDecrease: -1, drift: false };
}

registerEstimator("PageHinkley", PageHinkley.fromJSON);
