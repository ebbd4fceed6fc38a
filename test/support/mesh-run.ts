/**
 * One run of the six-process mesh on a broker: start the six `rtml serve` processes, account on the
 * broker with the same ledger `rtml up` keeps (a subscription of its own on predictions,
 * events.rejected and labels), optionally collect every feature vector's raw values by event id, feed a
 * dataset into ingest over gRPC, optionally inject faults while it streams, wait until every event is
 * accounted for (or nothing moves for `drainIdleMs`), stop everything. Used by the end-to-end and fault
 * tests and by `npm run bench -- --transport nats|pulsar`.
 */
import { createLedger, latencySummary, ledgerCounts, type Ledger, type LedgerCounts } from "../../services/cli/accounting.ts";
import { createTransport } from "../../services/cli/transport.ts";
import type { LabelDelay } from "../../services/ingest/ingest.ts";
import { loadConfig } from "../../services/shared/config.ts";
import { codecs, rejectCodeName } from "../../services/shared/messages.ts";
import { Topics } from "../../services/shared/topics.ts";
import type { Subscription, Transport } from "../../services/shared/transport/transport.ts";
import { feedOverGrpc } from "./mesh-feed.ts";
import { traceLost, type LostTrace } from "./mesh-trace.ts";
import { startMeshProcesses, type MeshProcesses } from "./mesh-processes.ts";

export interface MeshRunOptions {
  /** Broker environment: RTML_TRANSPORT and NATS_URL, or PULSAR_URL / PULSAR_ADMIN_URL / RTML_PULSAR_NAMESPACE. */
  brokerEnv: Record<string, string>;
  dataset: string;
  maxEvents: number;
  rate?: number;
  labelDelay?: LabelDelay;
  /** Extra environment of every service (RTML_SNAPSHOT_EVERY …). */
  env?: Record<string, string>;
  /** Collect FeatureVector.raw per event id (sets RTML_FEATURE_EMIT_RAW=true). */
  collectRaw?: boolean;
  /** Collect each event's first prediction as `label@modelVersion`. */
  collectPredictions?: boolean;
  /** Runs beside the feed; gets the mesh and the events acknowledged by ingest so far. */
  faults?: (mesh: MeshProcesses, fed: () => number) => Promise<void>;
  /** Default 30 s. */
  drainIdleMs?: number;
  /** Called once every event is accounted for, before the services stop (e.g. to query them over gRPC). */
  inspect?: (mesh: MeshProcesses) => Promise<unknown>;
  logDir?: string;
}

export interface MeshRunSummary extends LedgerCounts {
  transport: string;
  dataset: string;
  rejects_by_code: Record<string, number>;
  accuracy: number;
  scored: number;
  throughput_eps: number;
  elapsed_s: number;
  latency_ms: { p50: number; p99: number; max: number };
  feed_retries: number;
  /** Feature vectors seen per event id beyond the first (at-least-once redeliveries). */
  feature_duplicates: number;
  /** Event ids whose duplicate feature vectors differ in their raw values (must be empty). */
  feature_mismatches: string[];
  log_dir: string;
  /** When events are unaccounted: where they were found (mesh-trace.ts). */
  lost_trace?: LostTrace;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/**
 * The first value per event id on `topic`, from a subscription of its own; later copies (at-least-once
 * redeliveries) are counted, and those whose value differs from the first are listed.
 */
export async function collectByEvent(transport: Transport, topic: string, subscription: string, decode: (payload: Uint8Array) => { eventId: string; value: string }) {
  const values = new Map<string, string>();
  const mismatches: string[] = [];
  let duplicates = 0;
  const sub: Subscription = await transport.subscribe(topic, { subscription, type: "exclusive", receiverQueueSize: 1000 });
  const loop = (async () => {
    for await (const msg of sub) {
      const { eventId, value } = decode(msg.payload);
      const before = values.get(eventId);
      if (before === undefined) values.set(eventId, value);
      else {
        duplicates++;
        if (before !== value) mismatches.push(eventId);
      }
      await msg.ack();
    }
  })();
  return {
    values,
    mismatches,
    duplicates: () => duplicates,
    /**
     * Waits until `n` event ids are collected (it reads on a subscription of its own, so it may trail a
     * ledger), or `ms` passed. Never throws: the assertion after it reports what is missing.
     */
    async caughtUp(n: number, ms = 10_000) {
      for (const until = Date.now() + ms; values.size < n && Date.now() < until; ) await new Promise((r) => setTimeout(r, 20));
    },
    async close() {
      await sub.close();
      await loop;
    },
  };
}

/** FeatureVector.raw by event id (as JSON). */
const collectRaw = (transport: Transport) =>
  collectByEvent(transport, Topics.features, "rtml-test-raw", (payload) => {
    const fv = codecs.featureVector.decode(payload);
    return { eventId: fv.eventId, value: JSON.stringify(fv.raw ?? {}) };
  });

/** Each event's first prediction as `label@modelVersion` (the model version that scored it). */
export const collectPredictions = (transport: Transport) =>
  collectByEvent(transport, Topics.predictions, "rtml-test-predictions", (payload) => {
    const p = codecs.prediction.decode(payload);
    return { eventId: p.eventId, value: `${p.label}@${p.modelVersion}` };
  });

export async function runMeshProcesses(options: MeshRunOptions): Promise<MeshRunSummary & { raw?: Map<string, string>; predictionsByEvent?: Map<string, string>; inspected?: unknown }> {
  const env = { ...options.brokerEnv, RTML_DATASET: options.dataset, ...options.env, ...(options.collectRaw ? { RTML_FEATURE_EMIT_RAW: "true" } : {}) };
  const config = loadConfig({ ...env, RTML_LOG_LEVEL: "warn" });
  const transport = await createTransport(config, { name: "rtml-test-ledger" });
  let mesh: MeshProcesses | undefined;
  let ledger: Ledger | undefined;
  let raw: Awaited<ReturnType<typeof collectRaw>> | undefined;
  let predictions: Awaited<ReturnType<typeof collectPredictions>> | undefined;
  try {
    ledger = await createLedger(transport, rejectCodeName);
    raw = options.collectRaw ? await collectRaw(transport) : undefined;
    predictions = options.collectPredictions ? await collectPredictions(transport) : undefined;
    mesh = await startMeshProcesses({ env, logDir: options.logDir });
    const m = mesh;
    let fed = 0;
    const started = performance.now();
    const feeding = feedOverGrpc({
      to: m.address("ingest"), dataset: options.dataset, maxEvents: options.maxEvents, rate: options.rate,
      labelDelay: options.labelDelay, onProgress: (n) => (fed = n),
    });
    const faults = options.faults?.(m, () => fed);
    const [feed] = await Promise.all([feeding, faults]);
    const complete = await ledger.waitFor(feed.events, options.drainIdleMs ?? 30_000);
    const elapsed = (performance.now() - started) / 1000;
    const l = ledger;
    const lostTrace = complete ? undefined : await traceLost(transport, (id) => l.predicted.has(id) || l.rejected.has(id));
    await new Promise((r) => setTimeout(r, 200)); // labels still in flight
    await Promise.all([raw?.caughtUp(ledger.predicted.size), predictions?.caughtUp(ledger.predicted.size)]);
    const inspected = await options.inspect?.(m);
    const summary: MeshRunSummary = {
      transport: config.transport,
      dataset: options.dataset,
      ...ledgerCounts(ledger, feed.events, feed.labels),
      rejects_by_code: Object.fromEntries(ledger.rejectCodes),
      accuracy: ledger.accuracy(),
      scored: ledger.scored(),
      throughput_eps: Math.round(feed.events / elapsed),
      elapsed_s: round(elapsed),
      latency_ms: latencySummary(ledger),
      feed_retries: feed.retries,
      feature_duplicates: raw?.duplicates() ?? 0,
      feature_mismatches: raw?.mismatches ?? [],
      log_dir: m.logDir,
      ...(lostTrace ? { lost_trace: lostTrace } : {}),
    };
    return { ...summary, ...(raw ? { raw: raw.values } : {}), ...(predictions ? { predictionsByEvent: predictions.values } : {}), inspected };
  } finally {
    await mesh?.stop();
    await raw?.close().catch(() => undefined);
    await predictions?.close().catch(() => undefined);
    await ledger?.close().catch(() => undefined);
    await transport.close();
  }
}
