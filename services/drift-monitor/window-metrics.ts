/**
 * The monitor's prequential metrics — accuracy, Cohen's kappa, F1 and ROC AUC — over a sliding window
 * (River's `Rolling`) or, with window 0, over the whole stream; plus kappa-temporal (against the
 * no-change classifier), cumulative only since it needs the previous label.
 */
import type { ClassLabel, Metric } from "../shared/ml/base.ts";
import { Accuracy, CohenKappa, F1, KappaT, ROCAUC, Rolling } from "../shared/ml/metrics/index.ts";
import type { Prediction } from "../shared/messages.ts";

export interface WindowMetrics {
  update(trueLabel: string, prediction: Pick<Prediction, "label" | "score">): void;
  values(): Record<string, number>;
}

const asLabel = (text: string): ClassLabel => (text === "true" ? true : text === "false" ? false : text);

export function createWindowMetrics(window: number): WindowMetrics {
  const wrap = (m: Metric) => (window > 0 ? new Rolling(m, window) : m);
  const labelMetrics: Record<string, Metric> = { accuracy: wrap(new Accuracy()), kappa: wrap(new CohenKappa()), f1: wrap(new F1()) };
  if (window === 0) labelMetrics.kappa_t = new KappaT();
  const auc = wrap(new ROCAUC());
  let binary = true;
  return {
    update(trueLabel, p) {
      const y = asLabel(trueLabel);
      const yPred = asLabel(p.label);
      for (const name in labelMetrics) labelMetrics[name].update(y, yPred);
      if (typeof y === "boolean") auc.update(y, new Map<ClassLabel, number>([[true, p.score], [false, 1 - p.score]]));
      else binary = false;
    },
    values() {
      const out: Record<string, number> = {};
      for (const name in labelMetrics) out[name] = labelMetrics[name].get();
      if (binary) out.roc_auc = auc.get();
      return out;
    },
  };
}
