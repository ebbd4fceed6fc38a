/**
 * The mesh's ledger, kept by `rtml up` from its own subscriptions: every event must end with exactly one
 * prediction or one rejection. Duplicates downstream (at-least-once redeliveries) are removed by event
 * id; `lost` is what has neither at the end, and `dead_lettered` how many of those a service of the event
 * path dead-lettered (so a loss says where the events went).
 */
import { codecs } from "../shared/messages.ts";
import { EventDeadLetterTopics, Props, Topics } from "../shared/topics.ts";
import type { Subscription, Transport } from "../shared/transport/transport.ts";

export interface Ledger {
  readonly predicted: ReadonlySet<string>;
  readonly rejected: ReadonlySet<string>;
  /** Event ids found on the event path's dead-letter topics. */
  readonly deadLettered: ReadonlySet<string>;
  readonly rejectCodes: ReadonlyMap<string, number>;
  duplicates: number;
  latencies: number[];
  lastModelVersion: number;
  /** Accuracy of scored predictions per `bucketSize` events of the stream (by sequence). */
  accuracyBySegment(): number[];
  /**
   * Cumulative accuracy of the predictions joined with their label (first prediction per event id;
   * predictions made without a model are not scored), as drift-monitor scores them; NaN before any.
   */
  accuracy(): number;
  /** Predictions scored against their label. */
  scored(): number;
  readonly bucketSize: number;
  /** Predictions + rejections (distinct events). */
  accounted(): number;
  /** Events neither predicted nor rejected but dead-lettered. */
  deadLetteredOnly(): number;
  /** Resolves once `n` events are accounted for or dead-lettered, or after `idleMs` without progress. */
  waitFor(n: number, idleMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export async function createLedger(
  transport: Transport,
  rejectName: (code: number) => string,
  bucketSize = 1000,
): Promise<Ledger> {
  const predicted = new Set<string>();
  // Joins predictions with labels by event id for per-segment accuracy (entries leave when joined).
  const waitingPrediction = new Map<string, { label: string; sequence: number }>();
  const waitingLabel = new Map<string, string>();
  const hits: number[] = [];
  const scored: number[] = [];
  const score = (sequence: number, predicted: string, actual: string) => {
    if (predicted === "") return; // no model yet: not scored, as River skips empty predictions
    const b = Math.floor(sequence / bucketSize);
    while (scored.length <= b) scored.push(0), hits.push(0);
    scored[b]++;
    if (predicted === actual) hits[b]++;
  };
  const rejected = new Set<string>();
  const deadLettered = new Set<string>();
  const rejectCodes = new Map<string, number>();
  let progress = 0;
  const ledger = {
    predicted,
    rejected,
    deadLettered,
    rejectCodes,
    duplicates: 0,
    latencies: [] as number[],
    lastModelVersion: 0,
    bucketSize,
    accuracyBySegment: () => scored.map((n, i) => (n > 0 ? hits[i] / n : Number.NaN)),
    accounted: () => predicted.size + rejected.size,
    deadLetteredOnly: () => {
      let n = 0;
      for (const id of deadLettered) if (!predicted.has(id) && !rejected.has(id)) n++;
      return n;
    },
    accuracy: () => {
      const n = scored.reduce((a, b) => a + b, 0);
      return n === 0 ? Number.NaN : hits.reduce((a, b) => a + b, 0) / n;
    },
    scored: () => scored.reduce((a, b) => a + b, 0),
    async waitFor(n: number, idleMs: number) {
      let last = -1;
      let lastChange = Date.now();
      while (ledger.accounted() + ledger.deadLetteredOnly() < n) {
        if (progress !== last) (last = progress), (lastChange = Date.now());
        else if (Date.now() - lastChange > idleMs) return false;
        await new Promise((r) => setTimeout(r, 20));
      }
      return true;
    },
    async close() {
      await Promise.all(subs.map((s) => s.close()));
      await Promise.all(loops);
    },
  };
  const subs: Subscription[] = [
    await transport.subscribe(Topics.predictions, { subscription: "rtml-ledger", type: "exclusive", receiverQueueSize: 1000 }),
    await transport.subscribe(Topics.eventsRejected, { subscription: "rtml-ledger", type: "exclusive", receiverQueueSize: 1000 }),
    await transport.subscribe(Topics.labels, { subscription: "rtml-ledger", type: "exclusive", receiverQueueSize: 1000 }),
    ...(await Promise.all(EventDeadLetterTopics.map((topic) => transport.subscribe(topic, { subscription: "rtml-ledger", type: "exclusive" })))),
  ];
  const loops = [
    (async () => {
      for await (const msg of subs[0]) {
        const p = codecs.prediction.decode(msg.payload);
        if (predicted.has(p.eventId)) ledger.duplicates++;
        else {
          predicted.add(p.eventId);
          ledger.latencies.push(p.latencyMs);
          ledger.lastModelVersion = p.modelVersion;
          progress++;
          const actual = waitingLabel.get(p.eventId);
          if (actual === undefined) waitingPrediction.set(p.eventId, { label: p.label, sequence: p.sequence });
          else {
            waitingLabel.delete(p.eventId);
            score(p.sequence, p.label, actual);
          }
        }
        await msg.ack();
      }
    })(),
    (async () => {
      for await (const msg of subs[1]) {
        const r = codecs.rejectedEvent.decode(msg.payload);
        const id = r.eventId || `undecodable:${msg.messageId}`;
        if (rejected.has(id)) ledger.duplicates++;
        else {
          rejected.add(id);
          const name = rejectName(r.code);
          rejectCodes.set(name, (rejectCodes.get(name) ?? 0) + 1);
          progress++;
        }
        await msg.ack();
      }
    })(),
    (async () => {
      for await (const msg of subs[2]) {
        const l = codecs.label.decode(msg.payload);
        const p = waitingPrediction.get(l.eventId);
        if (p === undefined) {
          if (!predicted.has(l.eventId)) waitingLabel.set(l.eventId, l.label);
        } else {
          waitingPrediction.delete(l.eventId);
          score(p.sequence, p.label, l.label);
        }
        await msg.ack();
      }
    })(),
    ...subs.slice(3).map(async (sub) => {
      for await (const msg of sub) {
        const id = msg.properties[Props.eventId];
        if (id) {
          deadLettered.add(id);
          progress++;
        }
        await msg.ack();
      }
    }),
  ];
  return ledger;
}

/** What the ledger says of a run that fed `events` events and `labels` labels, as every run summary reports it. */
export interface LedgerCounts {
  events_in: number;
  labels_in: number;
  predictions: number;
  rejected: number;
  lost: number;
  /** Of the lost, how many a service of the event path dead-lettered. */
  dead_lettered: number;
  duplicates: number;
}

export function ledgerCounts(ledger: Ledger, events: number, labels: number): LedgerCounts {
  return {
    events_in: events,
    labels_in: labels,
    predictions: ledger.predicted.size,
    rejected: ledger.rejected.size,
    lost: events - ledger.accounted(),
    dead_lettered: ledger.deadLetteredOnly(),
    duplicates: ledger.duplicates,
  };
}

/** Median, 99th percentile and maximum of the ledger's prediction latencies, in ms rounded to the µs. */
export function latencySummary(ledger: Ledger): { p50: number; p99: number; max: number } {
  const ms = (q: number) => Math.round(quantile(ledger.latencies, q) * 1000) / 1000;
  return { p50: ms(0.5), p99: ms(0.99), max: ms(1) };
}

/** The q-quantile (0..1) of `values` by nearest rank; 0 for an empty list. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
