/**
 * Shared base of the binary label metrics (River's `metrics.base.BinaryMetric`).
 */
import type { ClassLabel, Metric, Proba } from "../base.ts";
import { asLabel, BinaryCounts } from "./confusion-matrix.ts";

/** Options of the binary metrics. */
export interface BinaryMetricParams {
  /** The positive label (River `pos_val`, default true). */
  posVal?: ClassLabel;
}

/** Counts `yTrue === posVal` against `yPred === posVal`; subclasses define `get`. */
export abstract class BinaryLabelMetric implements Metric {
  abstract readonly name: string;
  readonly bigger_is_better = true;
  readonly requiresLabels = true;
  readonly posVal: ClassLabel;
  readonly counts = new BinaryCounts();

  constructor(params: BinaryMetricParams = {}) {
    this.posVal = params.posVal ?? true;
  }

  update(yTrue: ClassLabel, yPred: ClassLabel | Proba | undefined, w = 1): void {
    const p = asLabel(yPred);
    if (p !== undefined) this.counts.add(yTrue === this.posVal, p === this.posVal, w);
  }

  revert(yTrue: ClassLabel, yPred: ClassLabel | Proba | undefined, w = 1): void {
    const p = asLabel(yPred);
    if (p !== undefined) this.counts.add(yTrue === this.posVal, p === this.posVal, -w);
  }

  abstract get(): number;
}
