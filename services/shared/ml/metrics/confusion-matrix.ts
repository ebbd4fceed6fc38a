/**
 * River's `metrics.ConfusionMatrix` (rows = true labels, columns = predictions), plus the binary
 * counts the binary metrics share.
 */
import type { ClassLabel, Proba } from "../base.ts";
import { argmaxProba } from "../math.ts";

/** A label, or the argmax of a Proba (River's `Metrics` does the same for label metrics). */
export function asLabel(yPred: ClassLabel | Proba | undefined): ClassLabel | undefined {
  return yPred instanceof Map ? argmaxProba(yPred) : yPred;
}

/** Weighted multiclass confusion matrix, with `revert`. */
export class ConfusionMatrix {
  readonly data = new Map<ClassLabel, Map<ClassLabel, number>>();
  readonly sumRow = new Map<ClassLabel, number>();
  readonly sumCol = new Map<ClassLabel, number>();
  /** Number of updates minus reverts (River's `n_samples`). */
  nSamples = 0;
  totalWeight = 0;
  /** Σ_c data[c][c], kept up to date. */
  sumDiag = 0;

  update(yTrue: ClassLabel, yPred: ClassLabel, w = 1): void {
    this.nSamples += 1;
    this.#add(yTrue, yPred, w);
  }

  revert(yTrue: ClassLabel, yPred: ClassLabel, w = 1): void {
    this.nSamples -= 1;
    this.#add(yTrue, yPred, -w);
  }

  #add(yTrue: ClassLabel, yPred: ClassLabel, w: number): void {
    let row = this.data.get(yTrue);
    if (row === undefined) {
      row = new Map();
      this.data.set(yTrue, row);
    }
    row.set(yPred, (row.get(yPred) ?? 0) + w);
    this.totalWeight += w;
    this.sumRow.set(yTrue, (this.sumRow.get(yTrue) ?? 0) + w);
    this.sumCol.set(yPred, (this.sumCol.get(yPred) ?? 0) + w);
    if (yTrue === yPred) this.sumDiag += w;
  }

  /** Labels with a non-zero row or column sum. */
  get classes(): ClassLabel[] {
    const out = new Set<ClassLabel>();
    for (const [c, n] of this.sumRow) if (n) out.add(c);
    for (const [c, n] of this.sumCol) if (n) out.add(c);
    return [...out];
  }

  truePositives(label: ClassLabel): number {
    return this.data.get(label)?.get(label) ?? 0;
  }

  falsePositives(label: ClassLabel): number {
    return (this.sumCol.get(label) ?? 0) - this.truePositives(label);
  }

  falseNegatives(label: ClassLabel): number {
    return (this.sumRow.get(label) ?? 0) - this.truePositives(label);
  }
}

/** Weighted 2×2 counts of a binary metric (River's `BinaryMetric` maps labels to `y == pos_val`). */
export class BinaryCounts {
  tp = 0;
  fp = 0;
  fn = 0;
  tn = 0;

  add(actual: boolean, predicted: boolean, w: number): void {
    if (actual) {
      if (predicted) this.tp += w;
      else this.fn += w;
    } else if (predicted) this.fp += w;
    else this.tn += w;
  }

  /** `tp / (tp + fp)`, 0 when undefined. */
  precision(): number {
    const d = this.tp + this.fp;
    return d === 0 ? 0 : this.tp / d;
  }

  /** `tp / (tp + fn)`, 0 when undefined. */
  recall(): number {
    const d = this.tp + this.fn;
    return d === 0 ? 0 : this.tp / d;
  }
}

/**
 * River's `MultiClassMetric`: a metric computed from a confusion matrix of predicted labels (a Proba is
 * reduced to its argmax; no prediction is not counted). Subclasses give `name` and `get()`.
 */
export abstract class ConfusionMatrixMetric {
  abstract readonly name: string;
  readonly bigger_is_better = true;
  readonly requiresLabels = true;
  readonly cm = new ConfusionMatrix();

  update(yTrue: ClassLabel, yPred: ClassLabel | Proba | undefined, w = 1): void {
    const p = asLabel(yPred);
    if (p !== undefined) this.cm.update(yTrue, p, w);
  }

  revert(yTrue: ClassLabel, yPred: ClassLabel | Proba | undefined, w = 1): void {
    const p = asLabel(yPred);
    if (p !== undefined) this.cm.revert(yTrue, p, w);
  }

  abstract get(): number;
}
