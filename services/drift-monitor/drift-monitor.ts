/**
 * drift-monitor: joins predictions with their labels by event id and keeps prequential metrics over a
 * sliding window (accuracy, Cohen's kappa, F1, ROC AUC) plus cumulative ones; runs ADWIN on the error
 * stream (concept drift) and a two-sample KS test per feature of a current window against a reference
 * window (data drift); publishes a DriftAlert on `alerts`.
 * Predictions without a label (version 0, no model yet) are not scored, as River skips empty predictions.
 *
 * Alert hygiene: a CONCEPT alert is raised only when ADWIN's kept (recent) window has a higher error
 * rate than the part it dropped — an improvement (e.g. after a challenger is promoted) is counted but
 * not alerted, unless `alertOnImprovement` — and at most once per `conceptCooldown` scored samples
 * (detections in between are counted as suppressed). A KS alert is raised when a feature enters drift,
 * not again while it stays there. KS uses the unstandardised values (`FeatureVector.raw`) when the
 * feature service publishes them: standardised values move with the online scaler, whose warm-up
 * distorts the reference window. A prediction/label pair is scored once per event id.
 */
import { randomUUID } from "node:crypto";
import type { MeshFunction } from "../shared/function/types.ts";
import { ADWIN } from "../shared/ml/drift/adwin.ts";
import { createWindowMetrics, type WindowMetrics } from "./window-metrics.ts";
import { codecs, DriftKind, type DriftAlert, type FeatureVector, type Label, type Prediction } from "../shared/messages.ts";
import { Topics } from "../shared/topics.ts";
import { createBoundedMap, createBoundedSet, type BoundedMap } from "../shared/bounded-map.ts";
import { ksCritical, ksStatistic } from "./ks.ts";

export interface DriftMonitorOptions {
  /** Sliding window of the prequential metrics. Default 1000. */
  window?: number;
  /** ADWIN's delta on the error stream. Default 0.002 (River's default). */
  adwinDelta?: number;
  /** Data drift: reference and current window sizes, how often to test, KS significance. */
  reference?: number;
  current?: number;
  checkEvery?: number;
  alpha?: number;
  /** Pending predictions or labels waiting for their partner, at most. Default 200_000. */
  maxPending?: number;
  /** Recent alerts kept for GetStatus. Default 50. */
  recent?: number;
  /** Scored samples after a CONCEPT alert during which further ADWIN detections are not alerted. Default 1000; 0 = none. */
  conceptCooldown?: number;
  /** Also alert when the error rate drops. Default false. */
  alertOnImprovement?: boolean;
  /** Event ids remembered as scored, so a redelivered prediction or label is not scored twice. Default 100_000. */
  dedupWindow?: number;
}

export interface DetectorStatus {
  name: string;
  feature: string;
  statistic: number;
  drift: boolean;
  detections: number;
}

export interface DriftStatus {
  labelled: number;
  metrics: Record<string, number>;
  cumulative: Record<string, number>;
  detectors: DetectorStatus[];
  recentAlerts: DriftAlert[];
  modelVersion: number;
  expired: number;
  /** ADWIN detections not alerted (cooldown or improvement). */
  suppressed: number;
  /** Redelivered predictions or labels of an event already scored. */
  duplicates: number;
}

export interface DriftMonitor {
  onPrediction: MeshFunction<Prediction>;
  onLabel: MeshFunction<Label>;
  onFeatures: MeshFunction<FeatureVector>;
  status(): DriftStatus;
  /** Calls `listener` for every alert from now on; returns an unsubscribe function. */
  watch(listener: (alert: DriftAlert) => void): () => void;
}

interface FeatureDrift {
  reference: number[];
  current: number[];
  next: number;
  statistic: number;
  drift: boolean;
  detections: number;
}

export function createDriftMonitor(options: DriftMonitorOptions = {}): DriftMonitor {
  const maxPending = options.maxPending ?? 200_000;
  const refSize = options.reference ?? 1000;
  const curSize = options.current ?? 1000;
  const checkEvery = options.checkEvery ?? 500;
  const alpha = options.alpha ?? 0.001;
  const keepRecent = options.recent ?? 50;
  const windowed: WindowMetrics = createWindowMetrics(options.window ?? 1000);
  const cumulative: WindowMetrics = createWindowMetrics(0);
  const adwin = new ADWIN({ delta: options.adwinDelta ?? 0.002 });
  const cooldown = options.conceptCooldown ?? 1000;
  const dedupWindow = options.dedupWindow ?? 100_000;
  const scored = createBoundedSet(dedupWindow);
  let adwinDetections = 0;
  let lastConceptAlertAt = Number.NEGATIVE_INFINITY;
  let suppressed = 0;
  let duplicates = 0;
  const pendingPredictions = createBoundedMap<Prediction>(maxPending);
  const pendingLabels = createBoundedMap<Label>(maxPending);
  const features = new Map<string, FeatureDrift>();
  const recent: DriftAlert[] = [];
  const listeners = new Set<(a: DriftAlert) => void>();
  let labelled = 0;
  let expired = 0;
  let featuresSeen = 0;
  let modelVersion = 0;

  function emit(alert: DriftAlert, publish: (a: DriftAlert) => void) {
    recent.push(alert);
    if (recent.length > keepRecent) recent.shift();
    publish(alert);
    for (const l of listeners) l(alert);
  }

  function score(p: Prediction, label: Label, publish: (a: DriftAlert) => void) {
    if (scored.has(p.eventId)) {
      duplicates++;
      return;
    }
    scored.add(p.eventId);
    if (p.label === "") return; // no model yet: nothing to score
    labelled++;
    modelVersion = p.modelVersion;
    windowed.update(label.label, p);
    cumulative.update(label.label, p);
    const error = p.label === label.label ? 0 : 1;
    const width = adwin.width;
    const total = adwin.estimation * width + error;
    adwin.update(error);
    if (adwin.driftDetected) {
      adwinDetections++;
      const after = adwin.estimation;
      const dropped = width + 1 > adwin.width ? (total - after * adwin.width) / (width + 1 - adwin.width) : after;
      const worse = after > dropped;
      if ((!worse && !options.alertOnImprovement) || labelled - lastConceptAlertAt < cooldown) {
        suppressed++;
        return;
      }
      lastConceptAlertAt = labelled;
      const before = dropped;
      emit(
        {
          alertId: randomUUID(), kind: DriftKind.CONCEPT, detector: "ADWIN", feature: "", statistic: after,
          threshold: adwin.params.delta as number, atEvent: p.sequence, eventId: p.eventId, timeMs: Date.now(),
          modelVersion: p.modelVersion,
          message: `error rate moved from ${before.toFixed(3)} to ${after.toFixed(3)} (window ${adwin.width})`,
        },
        publish,
      );
    }
  }

  function bounded<T>(map: BoundedMap<T>, id: string, value: T) {
    if (map.set(id, value)) expired++;
  }

  const sample = (fv: FeatureVector) => (fv.raw && Object.keys(fv.raw).length > 0 ? fv.raw : fv.values);

  const publisher = (ctx: Parameters<MeshFunction<unknown>>[1]) => (a: DriftAlert) =>
    ctx.publish(Topics.alerts, codecs.driftAlert, a, { key: a.kind === DriftKind.DATA ? a.feature : "concept" });

  return {
    onPrediction(p, ctx) {
      if (scored.has(p.eventId)) return void duplicates++;
      const label = pendingLabels.get(p.eventId);
      if (label) {
        pendingLabels.delete(p.eventId);
        score(p, label, publisher(ctx));
      } else bounded(pendingPredictions, p.eventId, p);
    },
    onLabel(label, ctx) {
      if (scored.has(label.eventId)) return void duplicates++;
      const p = pendingPredictions.get(label.eventId);
      if (p) {
        pendingPredictions.delete(label.eventId);
        score(p, label, publisher(ctx));
      } else bounded(pendingLabels, label.eventId, label);
    },
    onFeatures(fv, ctx) {
      featuresSeen++;
      const values = sample(fv);
      for (const name in values) {
        let f = features.get(name);
        if (!f) features.set(name, (f = { reference: [], current: [], next: 0, statistic: 0, drift: false, detections: 0 }));
        const x = values[name];
        if (f.reference.length < refSize) f.reference.push(x);
        else if (f.current.length < curSize) f.current.push(x);
        else {
          f.current[f.next] = x;
          f.next = (f.next + 1) % curSize;
        }
      }
      if (featuresSeen % checkEvery !== 0) return;
      const publish = publisher(ctx);
      for (const [name, f] of features) {
        if (f.current.length < curSize) continue;
        f.statistic = ksStatistic(f.reference, f.current);
        const threshold = ksCritical(f.reference.length, f.current.length, alpha);
        const drift = f.statistic > threshold;
        if (drift && !f.drift) {
          f.detections++;
          emit(
            {
              alertId: randomUUID(), kind: DriftKind.DATA, detector: "KS", feature: name, statistic: f.statistic,
              threshold, atEvent: fv.sequence, eventId: fv.eventId, timeMs: Date.now(), modelVersion,
              message: `feature ${name}: KS ${f.statistic.toFixed(3)} > ${threshold.toFixed(3)} against the reference window`,
            },
            publish,
          );
        }
        f.drift = drift;
      }
    },
    status: () => ({
      labelled,
      metrics: windowed.values(),
      cumulative: cumulative.values(),
      detectors: [
        { name: "ADWIN", feature: "", statistic: adwin.estimation, drift: adwin.driftDetected, detections: adwinDetections },
        ...[...features].map(([name, f]) => ({ name: "KS", feature: name, statistic: f.statistic, drift: f.drift, detections: f.detections })),
      ],
      recentAlerts: [...recent],
      modelVersion,
      expired,
      suppressed,
      duplicates,
    }),
    watch(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

