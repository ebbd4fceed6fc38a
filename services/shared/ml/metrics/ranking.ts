/**
 * Exact ranking metrics for evaluation on imbalanced streams (fraud): ROC AUC, average precision and
 * recall at a fixed alert budget. River's `ROCAUC` discretises the curve on 10 thresholds, which is
 * useless when positives score around 0.01–0.1; these keep every (score, label, weight) and compute the
 * exact figure on `get()` (O(n log n)), so they are meant for evaluation runs, not for hot loops.
 * Ties are handled as scikit-learn does (one threshold per distinct score).
 */
import type { ClassLabel, Metric, Proba } from "../base.ts";
import { check } from "../math.ts";

/** Options shared by the ranking metrics. */
export interface RankingParams {
  /** The positive label (default true). */
  posVal?: ClassLabel;
}

/** One group of equal scores, in decreasing score order: summed positive and negative weights. */
interface Tie {
  pos: number;
  neg: number;
}

/** Keeps the scored samples; `ties()` gives them grouped by distinct score, highest first. */
abstract class ScoreBuffer implements Metric {
  abstract readonly name: string;
  readonly bigger_is_better = true;
  readonly requiresLabels = false;
  readonly posVal: ClassLabel;
  #scores: number[] = [];
  #pos: number[] = [];
  #w: number[] = [];

  constructor(params: RankingParams = {}) {
    this.posVal = params.posVal ?? true;
  }

  /** Scored samples so far (weights summed). */
  get n(): number {
    let s = 0;
    for (const w of this.#w) s += w;
    return s;
  }

  #score(yPred: ClassLabel | Proba | undefined): number {
    if (yPred instanceof Map) return yPred.get(this.posVal) ?? 0;
    if (typeof yPred === "number") return yPred;
    return yPred === this.posVal ? 1 : 0;
  }

  update(yTrue: ClassLabel, yPred: ClassLabel | Proba | undefined, w = 1): void {
    const s = this.#score(yPred);
    this.#scores.push(Number.isNaN(s) ? 0 : s);
    this.#pos.push(yTrue === this.posVal ? 1 : 0);
    this.#w.push(w);
  }

  revert(yTrue: ClassLabel, yPred: ClassLabel | Proba | undefined, w = 1): void {
    this.update(yTrue, yPred, -w);
  }

  protected ties(): Tie[] {
    const order = this.#scores.map((_, i) => i).sort((a, b) => this.#scores[b]! - this.#scores[a]!);
    const out: Tie[] = [];
    let last = Number.NaN;
    for (const i of order) {
      const s = this.#scores[i]!;
      if (out.length === 0 || s !== last) out.push({ pos: 0, neg: 0 });
      const t = out[out.length - 1]!;
      if (this.#pos[i] === 1) t.pos += this.#w[i]!;
      else t.neg += this.#w[i]!;
      last = s;
    }
    return out;
  }

  abstract get(): number;
}

/**
 * Exact ROC AUC: the trapezoidal area under the ROC curve with one point per distinct score, i.e. the
 * Mann–Whitney probability that a positive outscores a negative (ties count one half). 0 with a single class.
 *
 * @example
 * const auc = new ExactROCAUC();
 * [[false, 0.1], [false, 0.4], [true, 0.35], [true, 0.8]].forEach(([y, p]) => auc.update(y as boolean, p as number));
 * auc.get(); // 0.75
 */
export class ExactROCAUC extends ScoreBuffer {
  readonly name = "ExactROCAUC";

  get(): number {
    let tp = 0;
    let fp = 0;
    let area = 0;
    for (const t of this.ties()) {
      area += t.neg * (tp + t.pos / 2);
      tp += t.pos;
      fp += t.neg;
    }
    return tp === 0 || fp === 0 ? 0 : area / (tp * fp);
  }
}

/**
 * Average precision, scikit-learn's `average_precision_score`: `Σ (R_k − R_{k−1}) · P_k` over the
 * distinct score thresholds, highest first (no interpolation). 0 without positives.
 *
 * @example
 * const ap = new AveragePrecision();
 * [[false, 0.1], [false, 0.4], [true, 0.35], [true, 0.8]].forEach(([y, p]) => ap.update(y as boolean, p as number));
 * ap.get(); // 0.8333…
 */
export class AveragePrecision extends ScoreBuffer {
  readonly name = "AveragePrecision";

  get(): number {
    const ties = this.ties();
    let totalPos = 0;
    for (const t of ties) totalPos += t.pos;
    if (totalPos <= 0) return 0;
    let tp = 0;
    let fp = 0;
    let ap = 0;
    for (const t of ties) {
      tp += t.pos;
      fp += t.neg;
      if (t.pos !== 0) ap += (t.pos / totalPos) * (tp / (tp + fp));
    }
    return ap;
  }
}

/** RecallAtBudget parameters: exactly one of `alerts` and `fraction`. */
export interface RecallAtBudgetParams extends RankingParams {
  /** A fixed number of alerts: the `alerts` highest scores are investigated. */
  alerts?: number;
  /** A fixed alert rate in (0, 1]: the top `ceil(fraction · n)` scores are investigated. */
  fraction?: number;
}

/**
 * Recall at a fixed alert budget: the share of positives among the top-scored samples an
 * investigation team can look at. Ties at the cut-off are split pro rata (the expected recall when ties
 * are broken at random), so the figure does not depend on input order.
 *
 * @example
 * const r = new RecallAtBudget({ alerts: 1 });
 * [[false, 0.1], [false, 0.4], [true, 0.35], [true, 0.8]].forEach(([y, p]) => r.update(y as boolean, p as number));
 * r.get(); // 0.5
 */
export class RecallAtBudget extends ScoreBuffer {
  readonly name: string;
  readonly alerts: number | undefined;
  readonly fraction: number | undefined;

  constructor(params: RecallAtBudgetParams) {
    super(params);
    const { alerts, fraction } = params;
    check((alerts === undefined) !== (fraction === undefined), "RecallAtBudget", "give exactly one of alerts and fraction");
    check(alerts === undefined || (Number.isInteger(alerts) && alerts > 0), "RecallAtBudget", "alerts must be a positive integer");
    check(fraction === undefined || (fraction > 0 && fraction <= 1), "RecallAtBudget", "fraction must be in (0, 1]");
    this.alerts = alerts;
    this.fraction = fraction;
    this.name = alerts !== undefined ? `RecallAt${alerts}Alerts` : `RecallAt${fraction! * 100}%Alerts`;
  }

  get(): number {
    const ties = this.ties();
    let totalPos = 0;
    let total = 0;
    for (const t of ties) {
      totalPos += t.pos;
      total += t.pos + t.neg;
    }
    if (totalPos <= 0) return 0;
    let budget = this.alerts ?? Math.ceil(this.fraction! * total - 1e-9);
    let caught = 0;
    for (const t of ties) {
      if (budget <= 0) break;
      const size = t.pos + t.neg;
      const take = Math.min(1, budget / size);
      caught += t.pos * take;
      budget -= size;
    }
    return caught / totalPos;
  }
}
