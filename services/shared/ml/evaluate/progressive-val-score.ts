/**
 * River's `evaluate.progressive_val_score` (`river/evaluate/progressive_validation.py` over
 * `river/stream/qa.py` `simulate_qa`), for classifiers.
 */
import type { ClassLabel, Classifier, Features, Metric, Proba } from "../base.ts";
import { argmaxProba, check } from "../math.ts";

/** One labelled sample of a dataset. */
export type Sample = readonly [x: Features, y: ClassLabel];

/** Options of `progressiveValScore`. */
export interface ProgressiveValOptions {
  /**
   * Label delay in samples (moment = arrival index): sample `i`'s label is revealed, and the model
   * learns it, just before sample `i + delay` is predicted. A function gives a per-sample delay.
   * 0, 1 and undefined all mean plain progressive validation.
   */
  delay?: number | ((x: Features, y: ClassLabel) => number);
  /** Call `onCheckpoint` every `step` answered samples (and once at the end). */
  step?: number;
  /** Receives the number of answered samples and the metrics at each checkpoint. */
  onCheckpoint?: (nAnswered: number, metrics: readonly Metric[]) => void;
}

interface Memento {
  i: number;
  x: Features;
  y: ClassLabel;
  expire: number;
  pred: ClassLabel | Proba | undefined;
}

/**
 * Prequential evaluation with River's exact rules:
 * 1. each sample is predicted on arrival, before the model has seen its label;
 * 2. when the label is revealed, the metrics are updated — skipped when the prediction was `{}` or
 *    undefined (e.g. a model that has learned nothing) — then the model learns it;
 * 3. `predictOne` is used when every metric needs labels, else `predictProbaOne`, label metrics then
 *    receiving its argmax (ties: first key).
 * The features are not copied: models must not mutate `x`. Returns `metrics`.
 *
 * @example
 * const samples = [[{ a: 1 }, true], [{ a: -1 }, false], [{ a: 2 }, true], [{ a: -2 }, false]] as const;
 * const acc = progressiveValScore(samples, createPipeline(new StandardScaler(), new LogisticRegression()), new Accuracy());
 * console.assert(acc.get() >= 0 && acc.get() <= 1);
 * @see https://github.com/online-ml/river/blob/0.19.0/river/evaluate/progressive_validation.py
 */
export function progressiveValScore<M extends Metric | readonly Metric[]>(
  dataset: Iterable<Sample>,
  model: Classifier,
  metrics: M,
  options: ProgressiveValOptions = {},
): M {
  const list: readonly Metric[] = Array.isArray(metrics) ? metrics : [metrics as Metric];
  const useProba = list.some((m) => m.requiresLabels === false);
  const labelMetric = list.map((m) => m.requiresLabels !== false);
  const { delay, step = 0, onCheckpoint } = options;
  const delayFn = typeof delay === "function" ? delay : undefined;
  const constDelay = typeof delay === "number" ? delay : 0;
  check(delayFn !== undefined || (Number.isFinite(constDelay) && constDelay >= 0), "progressiveValScore", "delay must be >= 0");
  check(Number.isInteger(step) && step >= 0, "progressiveValScore", "step must be an integer >= 0");

  const queue: Memento[] = [];
  let head = 0;
  let nAnswered = 0;
  let lastReported = 0;

  const answer = (m: Memento): void => {
    const pred = m.pred;
    if (pred !== undefined && !(pred instanceof Map && pred.size === 0)) {
      if (useProba && pred instanceof Map) {
        let label: ClassLabel | undefined;
        for (let k = 0; k < list.length; k++) {
          if (labelMetric[k]) {
            label ??= argmaxProba(pred);
            list[k]!.update(m.y, label);
          } else list[k]!.update(m.y, pred);
        }
      } else for (const metric of list) metric.update(m.y, pred);
    }
    model.learnOne(m.x, m.y);
    nAnswered += 1;
    if (step > 0 && onCheckpoint !== undefined && nAnswered % step === 0) {
      onCheckpoint(nAnswered, list);
      lastReported = nAnswered;
    }
  };

  let i = 0;
  for (const [x, y] of dataset) {
    while (head < queue.length && queue[head]!.expire <= i) answer(queue[head++]!);
    if (head > 1024 && head * 2 > queue.length) {
      queue.splice(0, head);
      head = 0;
    }
    const d = delayFn === undefined ? constDelay : delayFn(x, y);
    const memento: Memento = { i, x, y, expire: i + d, pred: undefined };
    if (delayFn === undefined) queue.push(memento);
    else insortRight(queue, head, memento);
    memento.pred = useProba ? model.predictProbaOne(x) : model.predictOne(x);
    i += 1;
  }
  while (head < queue.length) answer(queue[head++]!);
  if (step > 0 && onCheckpoint !== undefined && nAnswered !== lastReported) {
    onCheckpoint(nAnswered, list);
  }
  return metrics;
}

/** Python's `bisect.insort` (right of equal keys) on `queue[lo:]` by `expire`. */
function insortRight(queue: Memento[], lo: number, m: Memento): void {
  let hi = queue.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (m.expire < queue[mid]!.expire) hi = mid;
    else lo = mid + 1;
  }
  queue.splice(lo, 0, m);
}
