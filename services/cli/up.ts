/**
 * `rtml up`: all six services in one process on the memory transport (Pulsar's `localrun`), a dataset
 * replayed through them, a live line while it runs, and a summary at the end. With --json the last line
 * on stdout is one JSON object with the run's figures.
 */
import type { RtmlConfig, ServiceName } from "../shared/config.ts";
import { resolveDataset } from "../shared/dataset/resolve.ts";
import type { Logger } from "../shared/logger.ts";
import { createMetricsRegistry } from "../shared/metrics.ts";
import { rejectCodeName } from "../shared/messages.ts";
import type { Transport } from "../shared/transport/transport.ts";
import type { LabelDelay } from "../ingest/ingest.ts";
import { createLedger, latencySummary, ledgerCounts, type LedgerCounts } from "./accounting.ts";
import { startMesh, type MeshGrpcOptions, type MeshOptions } from "./mesh.ts";
import { createLiveWriter, formatLive, formatTable } from "./progress.ts";

export interface UpOptions {
  dataset: string;
  schema?: string;
  maxEvents?: number;
  rate?: number;
  labelDelay?: LabelDelay;
  json: boolean;
  /** Simulator: event index where the new fraud pattern starts. */
  driftAt?: number;
  seed?: number;
  /** How long to wait for the last predictions after the replay ends without progress. */
  drainIdleMs?: number;
  /** Serve every service's gRPC API while running (default off here; the CLI turns it on). */
  grpc?: MeshGrpcOptions | false;
  /** Each service's telemetry (see MeshOptions.telemetry). */
  telemetry?: MeshOptions["telemetry"];
  /** Called once the replay is summarised, with the mesh still up (e.g. to keep serving until Ctrl-C). */
  untilStopped?: (summary: UpSummary) => Promise<void>;
}

export interface UpSummary extends LedgerCounts {
  transport: string;
  dataset: string;
  accuracy: number;
  kappa: number;
  kappa_t: number;
  f1: number;
  roc_auc: number;
  model: string;
  model_version: number;
  model_updates: number;
  drift_alerts: number;
  concept_alerts: number;
  data_alerts: number;
  first_concept_alert_at: number | null;
  drift_point: number | null;
  rejects_by_code: Record<string, number>;
  throughput_eps: number;
  elapsed_s: number;
  latency_ms: { p50: number; p99: number; max: number };
  /** Accuracy per segment of `segment_size` events (stream order). */
  segment_size: number;
  accuracy_by_segment: (number | null)[];
  /** Simulator only: events from the drift point to the first concept alert after it. */
  detection_delay_events: number | null;
  /** Simulator only: events from that alert until segment accuracy is back at the post-drift level. */
  recovery_events: number | null;
  /** Where each service served gRPC (only when gRPC was on). */
  grpc_endpoints?: Partial<Record<ServiceName, string>>;
}

export async function runUp(options: UpOptions, config: RtmlConfig, transport: Transport, logger: Logger): Promise<UpSummary> {
  const resolved = resolveDataset(options.dataset, { schema: options.schema });
  const deps = { transport, config, logger, metrics: createMetricsRegistry(), schema: resolved.schema };
  const ledger = await createLedger(transport, rejectCodeName);
  const mesh = await startMesh(deps, { grpc: options.grpc ?? false, ...(options.telemetry ? { telemetry: options.telemetry } : {}) });
  const ingest = mesh.ingest.ingest;
  const live = createLiveWriter(process.stderr);
  const started = performance.now();
  let sent = 0;
  let lastCount = 0;
  let lastTick = started;
  let rate = 0;
  // The simulator is endless in principle; `rtml up` runs 40,000 events of it unless told otherwise.
  const maxEvents = options.maxEvents ?? (resolved.kind === "simulator" ? DEFAULT_SIMULATOR_EVENTS : undefined);
  const total = maxEvents ?? (resolved.name === "elec2" ? 45_312 : undefined);
  const ticker = setInterval(() => {
    const now = performance.now();
    const n = ledger.accounted();
    rate = ((n - lastCount) * 1000) / Math.max(1, now - lastTick);
    (lastCount = n), (lastTick = now);
    const status = mesh.driftMonitor.monitor.status();
    live.update(formatLive({
      sent, total: total ?? sent, accounted: n, eventsPerSecond: rate, accuracy: status.labelled ? status.metrics.accuracy : undefined,
      modelVersion: mesh.infer.infer.current().version, alerts: status.recentAlerts.length ? countAlerts() : 0,
    }));
  }, 250);
  let alertCount = 0;
  const alerts: { kind: number; atEvent: number }[] = [];
  const stopWatch = mesh.driftMonitor.monitor.watch((a) => {
    alertCount++;
    alerts.push({ kind: a.kind, atEvent: a.atEvent });
  });
  const countAlerts = () => alertCount;

  const replay = await ingest.replay(options.dataset, {
    schema: options.schema,
    maxEvents,
    rate: options.rate,
    labelDelay: options.labelDelay,
    simulator: { seed: options.seed, driftAt: options.driftAt, events: maxEvents },
    onProgress: (p) => void (sent = p.events),
  });
  sent = replay.events;
  const complete = await ledger.waitFor(replay.events, options.drainIdleMs ?? 10_000);
  const elapsed = (performance.now() - started) / 1000;
  clearInterval(ticker);
  stopWatch();
  // Labels still in flight are scored before the summary is read.
  await new Promise((r) => setTimeout(r, 50));
  const stop = async () => {
    await mesh.stop();
    await ledger.close();
  };
  if (!options.untilStopped) await stop();

  const status = mesh.driftMonitor.monitor.status();
  const cum = status.cumulative;
  const driftPoint = resolved.kind === "simulator" ? (options.driftAt ?? Math.floor((maxEvents ?? DEFAULT_SIMULATOR_EVENTS) / 2)) : null;
  const segments = ledger.accuracyBySegment();
  const loop = driftLoop(segments, ledger.bucketSize, driftPoint, alerts.filter((a) => a.kind === 1).map((a) => a.atEvent));
  const concept = alerts.filter((a) => a.kind === 1);
  const summary: UpSummary = {
    transport: transport.name,
    dataset: resolved.name,
    ...ledgerCounts(ledger, replay.events, replay.labels),
    accuracy: cum.accuracy ?? 0,
    kappa: cum.kappa ?? 0,
    kappa_t: cum.kappa_t ?? 0,
    f1: cum.f1 ?? 0,
    roc_auc: cum.roc_auc ?? 0,
    model: config.model,
    model_version: mesh.infer.infer.current().version,
    model_updates: mesh.train.train.stats().updates,
    drift_alerts: alertCount,
    concept_alerts: concept.length,
    data_alerts: alertCount - concept.length,
    first_concept_alert_at: concept[0]?.atEvent ?? null,
    drift_point: driftPoint,
    rejects_by_code: Object.fromEntries(ledger.rejectCodes),
    throughput_eps: Math.round(replay.events / elapsed),
    elapsed_s: Number(elapsed.toFixed(3)),
    segment_size: ledger.bucketSize,
    accuracy_by_segment: segments.map((a) => (Number.isNaN(a) ? null : round(a))),
    detection_delay_events: loop.detectionDelay,
    recovery_events: loop.recovery,
    latency_ms: latencySummary(ledger),
  };
  live.done(formatLive({ sent: replay.events, total: replay.events, accounted: ledger.accounted(), eventsPerSecond: summary.throughput_eps,
    accuracy: summary.accuracy, modelVersion: summary.model_version, alerts: alertCount }));
  if (!complete) logger.warn("gave up waiting for the last events", { accounted: ledger.accounted(), events: replay.events });
  if (options.grpc) summary.grpc_endpoints = mesh.grpcEndpoints;
  if (options.untilStopped) {
    try {
      await options.untilStopped(summary);
    } finally {
      await stop();
    }
  }
  return summary;
}

/** Events of the fraud simulator `rtml up` replays when --max-events is not given (drift half way). */
export const DEFAULT_SIMULATOR_EVENTS = 40_000;

const round = (x: number) => Math.round(x * 1000) / 1000;

/**
 * The drift loop's two figures: events from the drift point to the first concept alert after it, and
 * from that alert to the first segment whose accuracy is back at the level the model reaches on the new
 * concept (the median of the post-drift segments after the alert; a model that relearned the new concept
 * lives there). Null when there is no drift point or no alert after it.
 */
export function driftLoop(segments: number[], size: number, driftPoint: number | null, alertsAt: number[]) {
  if (driftPoint === null) return { detectionDelay: null, recovery: null };
  const alertAt = alertsAt.filter((a) => a >= driftPoint).sort((a, b) => a - b)[0];
  if (alertAt === undefined) return { detectionDelay: null, recovery: null };
  const after = segments.map((acc, i) => ({ acc, start: i * size })).filter((s) => s.start >= alertAt && !Number.isNaN(s.acc));
  const sorted = after.map((s) => s.acc).sort((a, b) => a - b);
  const level = sorted[Math.floor(sorted.length / 2)];
  const back = after.find((s) => s.acc >= level);
  return { detectionDelay: alertAt - driftPoint, recovery: back ? back.start + size - alertAt : null };
}

export function summaryTable(s: UpSummary): string {
  return formatTable([
    ["dataset", s.dataset], ["transport", s.transport], ["events in", s.events_in], ["predictions", s.predictions],
    ["rejected", s.rejected], ["lost", s.dead_lettered > 0 ? `${s.lost} (${s.dead_lettered} dead-lettered)` : s.lost], ["accuracy", s.accuracy], ["kappa", s.kappa], ["kappa-temporal", s.kappa_t],
    ["F1", s.f1], ["ROC AUC", s.roc_auc], ["model", `${s.model} v${s.model_version} (${s.model_updates} updates)`],
    ["drift alerts", `${s.drift_alerts} (concept ${s.concept_alerts}, data ${s.data_alerts})`],
    ["throughput", `${s.throughput_eps.toLocaleString("en-US")} events/s`],
    ["latency p50 / p99", `${s.latency_ms.p50} / ${s.latency_ms.p99} ms`],
    ...(s.drift_point === null ? [] : ([
      ["drift point", s.drift_point],
      ["drift → alert", s.detection_delay_events === null ? "no alert" : `${s.detection_delay_events} events`],
      ["alert → recovered", s.recovery_events === null ? "-" : `${s.recovery_events} events`],
    ] as [string, string | number][])),
  ]);
}
