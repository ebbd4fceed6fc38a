/**
 * The two real-broker scenarios of the six-process mesh, shared by the NATS and Pulsar test files:
 *
 * - agreement: the first events of Elec2 through the six processes and, at the same time, through the
 *   embedded mesh (`runUp` on the memory transport), same rate and label delay; every event both runs
 *   scored with the same model version must get the same prediction. Why by version: train is
 *   deterministic (labels in order, a snapshot every `snapshotEvery` updates), so version v is the same
 *   model in both runs, but which version scores an event is a race. With labels 100 events late the
 *   model that scores event j is the one trained on the labels of events < j − 100, rounded to train's
 *   snapshot interval; the label of event j − 100 is published next to event j itself, and when it
 *   completes a snapshot, that snapshot (labels → train → models → infer) and event j (events.raw →
 *   validate → feature → infer) race to infer: one event in ten is scored by either of two neighbouring
 *   versions depending on timing (a slow moment on busy cores shifts a few more). Comparing accuracies
 *   alone failed now and then on a loaded machine (0.800 vs 0.810: 5 of 490 events) with nothing wrong.
 *   The rate (10 events/s) is one both meshes sustain with a wide margin; at full speed the backlog would
 *   decide the version of most events.
 * - faults: the fraud simulator (hundreds of cards and terminals: many keys) with feature's raw values
 *   published; while it streams, each service in turn is killed with SIGKILL and started again, and the
 *   broker is restarted once. Compared with an uninterrupted embedded run of the same events: every
 *   event once in the accounting, and each entity's windowed aggregates in the feature service's state
 *   at the end (FeatureService/GetFeatures over gRPC), i.e. every event counted exactly once. The vector
 *   each event got on its way is collected too: duplicates of one event must agree, but a vector may
 *   differ from the uninterrupted run's when a redelivery let a later event of the same entity overtake
 *   an earlier one (a killed consumer's unacked messages come back after later ones were processed).
 */
import { runUp, type UpSummary } from "../../services/cli/up.ts";
import { startMesh } from "../../services/cli/mesh.ts";
import { createLedger } from "../../services/cli/accounting.ts";
import { loadConfig, SERVICE_NAMES, type ServiceName } from "../../services/shared/config.ts";
import { resolveDataset } from "../../services/shared/dataset/resolve.ts";
import { createLogger } from "../../services/shared/logger.ts";
import { createGrpcClient } from "../../services/shared/grpc/client.ts";
import { GrpcServiceNames } from "../../services/shared/grpc/load-proto.ts";
import { codecs, featureVectorFromWire, rejectCodeName, type FeatureVectorWire } from "../../services/shared/messages.ts";
import { createMetricsRegistry } from "../../services/shared/metrics.ts";
import { Topics } from "../../services/shared/topics.ts";
import { createMemoryTransport } from "../../services/shared/transport/memory/memory-transport.ts";
import { collectPredictions, runMeshProcesses, type MeshRunSummary } from "./mesh-run.ts";

// Elec2 is one entity: feature keeps its events in order (one batch at a time behind the broker's acks), and
// six processes plus a broker share 2 busy cores; 10 events/s stays far below what they sustain.
export const AGREEMENT = { dataset: "elec2", events: 600, rate: 10, labelDelay: { events: 100 } } as const;
// A service restart takes 5-18 s here (tsx start-up under load): a stream long enough for all seven faults.
export const FAULTS = { dataset: "fraud", events: 3000, rate: 20, labelDelay: { events: 100 } } as const;

const quiet = createLogger({ level: "error" });

/** Each event's first prediction as `label@modelVersion`, by event id. */
export type PredictionsByEvent = Map<string, string>;

/** The six-process run and the embedded one, side by side (both rate-limited, so they can share the cores). */
export async function agreementScenario(brokerEnv: Record<string, string>): Promise<{
  processes: MeshRunSummary; embedded: UpSummary; predictions: { processes: PredictionsByEvent; embedded: PredictionsByEvent };
}> {
  const memory = await createMemoryTransport();
  const collector = await collectPredictions(memory);
  const embedded = runUp(
    { dataset: AGREEMENT.dataset, maxEvents: AGREEMENT.events, rate: AGREEMENT.rate, labelDelay: AGREEMENT.labelDelay, json: true },
    loadConfig({}), memory, quiet,
  ).then(async (summary) => {
    await collector.caughtUp(summary.predictions); // it trails runUp's ledger
    return summary;
  }).finally(async () => {
    await collector.close();
    await memory.close();
  });
  const processes = runMeshProcesses({
    brokerEnv, dataset: AGREEMENT.dataset, maxEvents: AGREEMENT.events, rate: AGREEMENT.rate, labelDelay: AGREEMENT.labelDelay,
    collectPredictions: true,
  });
  const [p, e] = await Promise.all([processes, embedded]);
  return { processes: p, embedded: e, predictions: { processes: p.predictionsByEvent ?? new Map(), embedded: collector.values } };
}

/**
 * Events both runs scored with the same model version, and how many of those got different labels; the
 * rest were scored with neighbouring versions (see the race in the header).
 */
export function compareByModelVersion(a: PredictionsByEvent, b: PredictionsByEvent): { sameVersion: number; disagree: string[]; otherVersion: number } {
  let sameVersion = 0;
  let otherVersion = 0;
  const disagree: string[] = [];
  for (const [id, pa] of a) {
    const pb = b.get(id);
    if (pb === undefined) continue;
    const [labelA, versionA] = pa.split("@");
    const [labelB, versionB] = pb.split("@");
    if (versionA !== versionB) otherVersion++;
    else {
      sameVersion++;
      if (labelA !== labelB) disagree.push(`${id}: ${pa} vs ${pb}`);
    }
  }
  return { sameVersion, disagree, otherVersion };
}

/** What an uninterrupted run leaves: raw values per event id, and each entity's windowed aggregates at the end. */
export interface Reference {
  raw: Map<string, string>;
  /** Entity id → its unstandardised aggregates as GetFeatures returns them (JSON of name → value). */
  entities: Map<string, string>;
}

/** The fault scenario's events through an uninterrupted embedded run (memory transport). */
export async function uninterruptedReference(): Promise<Reference> {
  const transport = await createMemoryTransport();
  const raw = new Map<string, string>();
  const entities = new Map<string, string>();
  try {
    const config = loadConfig({ RTML_DATASET: FAULTS.dataset });
    const deps = { transport, config, logger: quiet, metrics: createMetricsRegistry(), schema: resolveDataset(FAULTS.dataset).schema };
    const ledger = await createLedger(transport, rejectCodeName);
    const sub = await transport.subscribe(Topics.features, { subscription: "raw", type: "exclusive" });
    const seen = new Set<string>();
    const loop = (async () => {
      for await (const msg of sub) {
        const fv = codecs.featureVector.decode(msg.payload);
        if (!raw.has(fv.eventId)) raw.set(fv.eventId, JSON.stringify(fv.raw ?? {}));
        seen.add(fv.entityId);
        await msg.ack();
      }
    })();
    const mesh = await startMesh(deps, { emitRaw: true });
    const replay = await mesh.ingest.ingest.replay(FAULTS.dataset, { maxEvents: FAULTS.events, labelDelay: FAULTS.labelDelay, simulator: { events: FAULTS.events } });
    await ledger.waitFor(replay.events, 10_000);
    while (raw.size < ledger.predicted.size) await new Promise((r) => setTimeout(r, 20));
    const state = mesh.feature.runners[0].state;
    for (const entity of seen) entities.set(entity, aggregates(mesh.feature.feature.lookup(entity, state)?.raw));
    await mesh.stop();
    await ledger.close();
    await sub.close();
    await loop;
  } finally {
    await transport.close();
  }
  return { raw, entities };
}

/** Aggregates as comparable text: names sorted, values rounded to 9 significant digits (JSON and protobuf doubles agree). */
function aggregates(raw: Record<string, number> | undefined): string {
  if (raw === undefined) return "(none)";
  return JSON.stringify(Object.keys(raw).sort().map((k) => [k, Number(raw[k].toPrecision(9))]));
}

/** Each entity's aggregates from a running feature service over gRPC (FeatureService/GetFeatures). */
export async function entityAggregatesOverGrpc(address: string, entities: Iterable<string>): Promise<Map<string, string>> {
  const client = createGrpcClient(address, GrpcServiceNames.feature);
  const out = new Map<string, string>();
  try {
    for (const entity of entities) {
      try {
        const fv = featureVectorFromWire(await client.unary<{ entityId: string }, FeatureVectorWire>("GetFeatures", { entityId: entity }));
        out.set(entity, aggregates(fv.raw));
      } catch (err) {
        out.set(entity, `(${(err as Error).message})`);
      }
    }
  } finally {
    client.close();
  }
  return out;
}

export interface FaultLog {
  /** What was done, when (events acknowledged by ingest at that moment). */
  steps: { action: string; atEvent: number; tookMs: number }[];
}

/**
 * The fault scenario on the six processes: once a sixth of the events is in, each service in turn is
 * killed (SIGKILL) and started again, a sixth of the stream apart; the broker goes down and comes back
 * in the middle of that (after the third service).
 */
export async function faultScenario(
  brokerEnv: Record<string, string>,
  restartBroker: () => Promise<void>,
  entities: Iterable<string>,
): Promise<{ summary: MeshRunSummary; raw: Map<string, string>; entities: Map<string, string>; log: FaultLog }> {
  const log: FaultLog = { steps: [] };
  const waitFor = async (fed: () => number, n: number) => {
    while (fed() < n) await new Promise((r) => setTimeout(r, 100));
  };
  const step = async (action: string, fed: () => number, fn: () => Promise<void>) => {
    const t0 = Date.now();
    const atEvent = fed();
    await fn();
    log.steps.push({ action, atEvent, tookMs: Date.now() - t0 });
  };
  const order: ServiceName[] = ["feature", "validate", "infer", "train", "drift-monitor", "ingest"];
  if (order.length !== SERVICE_NAMES.length) throw new Error("every service is killed once");
  const gap = Math.floor(FAULTS.events / 9);
  const result = await runMeshProcesses({
    brokerEnv, dataset: FAULTS.dataset, maxEvents: FAULTS.events, rate: FAULTS.rate, labelDelay: FAULTS.labelDelay,
    collectRaw: true, drainIdleMs: 60_000,
    inspect: (mesh) => entityAggregatesOverGrpc(mesh.address("feature"), entities),
    faults: async (mesh, fed) => {
      for (const [i, service] of order.entries()) {
        await waitFor(fed, gap * (i + 1));
        await step(`kill -9 ${service} and start it again`, fed, async () => {
          await mesh.kill(service);
          await mesh.start(service);
        });
        if (i === 2) await step("restart the broker", fed, restartBroker);
      }
    },
  });
  const { raw, inspected, ...summary } = result;
  return { summary, raw: raw ?? new Map(), entities: inspected as Map<string, string>, log };
}

/** Keys whose values differ from the reference (or are missing), at most `max`. */
export function differences(reference: Map<string, string>, got: Map<string, string>, max = 10): string[] {
  const out: string[] = [];
  for (const [id, want] of reference) {
    const have = got.get(id);
    if (have !== want) out.push(`${id}: ${have ?? "(missing)"} != ${want}`);
    if (out.length >= max) break;
  }
  return out;
}
