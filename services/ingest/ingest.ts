/**
 * Dataset replay: turns dataset records (files or a simulator) into Events on `events.raw` and delayed
 * Labels on `labels`, rate-limited and with bounded backpressure. Transport-free: it is given a publish
 * function (Transport.publish fits), so main.ts and the CLI wire the concrete transport.
 */
import type { DatasetRecord, DatasetSchema } from "../shared/dataset/schema.ts";
import { RtmlError } from "../shared/errors.ts";
import { codecs, type Event, type Label } from "../shared/messages.ts";
import { Props, Topics } from "../shared/topics.ts";
import { createLabelQueue, type LabelDelay, type PendingLabel } from "./label-queue.ts";
import { createPublishWindow, type PublishFn } from "./publish-window.ts";
import { createRateLimiter, systemClock, type Clock } from "./rate-limiter.ts";

export { ingestEvent, createIngestor, uuidv7, DEFAULT_INGEST_LIMITS } from "./ingest-event.ts";
export type { Ingestor, IngestorOptions, IngestedEvent, IngestEventOptions, IngestLimits } from "./ingest-event.ts";
export type { PublishFn } from "./publish-window.ts";
export type { LabelDelay } from "./label-queue.ts";

export interface ReplayProgress {
  /** Events published (handed to the transport). */
  events: number;
  /** Labels published. */
  labels: number;
  /** Labels waiting for their delay. */
  pendingLabels: number;
  /** Labels released before their delay because the queue was full. */
  forcedLabels: number;
  /** Publishes not yet acked by the broker. */
  outstanding: number;
  elapsedMs: number;
}

export interface ReplaySummary extends ReplayProgress {
  /** True when the signal stopped the replay before the end of the source. */
  aborted: boolean;
  /** Most publishes outstanding at once (≤ maxOutstanding). */
  peakOutstanding: number;
}

export interface ReplayOptions {
  publish: PublishFn;
  schema: DatasetSchema;
  source: AsyncIterable<DatasetRecord> | Iterable<DatasetRecord>;
  /** Events a second; 0 (default) = as fast as the transport takes them. */
  rate?: number;
  /** Token-bucket size (events). Default a twentieth of a second's worth. */
  burst?: number;
  /** Label delay: N events after its event, or T ms of event time after it. Default `{events: 0}`. */
  labelDelay?: LabelDelay;
  /** Stop after this many events. */
  maxEvents?: number;
  /** Stops the replay; pending labels of events already sent are still published. */
  signal?: AbortSignal;
  /** Publishes outstanding at most (backpressure window). Default 1024. */
  maxOutstanding?: number;
  /** Labels waiting at most; beyond that the oldest is released early. Default 100_000. */
  maxPendingLabels?: number;
  /** Prefix of generated event ids `<prefix>-<index>` (default the schema name), also put before producer ids when given. */
  idPrefix?: string;
  /** Sequence of the first event. Default 0. */
  startSequence?: number;
  clock?: Clock;
  /** Called every `progressEvery` events (default 1000) and once at the end. */
  onProgress?: (progress: ReplayProgress) => void;
  progressEvery?: number;
}

export interface Replay {
  /** Runs the replay to the end of the source (or maxEvents, or abort); resolves once all publishes are acked. */
  run(): Promise<ReplaySummary>;
  progress(): ReplayProgress;
}

/**
 * Creates a replay. Event ids: the producer's (the schema's id column, prefixed with `idPrefix` when one
 * is given) or `<idPrefix | schema name>-<index>`. Each Event goes to `events.raw` with key = entity id,
 * the event time, and properties `event-id` and `schema-version`; its Label (if the record has one) goes
 * to `labels` after the delay, with `labelTimeMs` on the event-time axis (event time + T, or the event
 * time of the event that released it, and the trace context a traced publish wrote into its event's properties,
 * so the label continues the event's trace); all pending labels are flushed at the end.
 *
 * @example
 * const sent: string[] = [];
 * const replay = createReplay({
 *   publish: async (topic) => void sent.push(topic),
 *   schema: { name: "t", version: "1", entityDefault: "e", eventTime: { sequence: { start: "2020-01-01", stepMs: 1 } },
 *     label: { field: "y", positive: "1" }, fields: [{ name: "x", type: "number" }] },
 *   source: [{ fields: { x: { number: 1 } }, entityId: "e", eventTimeMs: 1, label: "true", index: 0 }],
 * });
 * await replay.run();
 * console.assert(sent.join() === "events.raw,labels");
 */
export function createReplay(options: ReplayOptions): Replay {
  const clock = options.clock ?? systemClock;
  const delay = options.labelDelay ?? { events: 0 };
  const bad = "events" in delay ? !(Number.isInteger(delay.events) && delay.events >= 0) : !(delay.ms >= 0);
  if (bad) throw new RtmlError("INVALID_ARGUMENT", `labelDelay must be {events: N ≥ 0} or {ms: T ≥ 0}, got ${JSON.stringify(delay)}`);
  const window = createPublishWindow(options.publish, options.maxOutstanding ?? 1024);
  const queue = createLabelQueue(delay, options.maxPendingLabels ?? 100_000);
  const limiter = createRateLimiter(options.rate ?? 0, clock, options.burst);
  const { schema } = options;
  const prefix = options.idPrefix ?? schema.name;
  const every = Math.max(1, options.progressEvery ?? 1000);
  let events = 0;
  let labels = 0;
  let started = clock.now();
  let lastEventTime = 0;

  const progress = (): ReplayProgress => ({
    events,
    labels,
    pendingLabels: queue.size,
    forcedLabels: queue.forced,
    outstanding: window.outstanding,
    elapsedMs: clock.now() - started,
  });

  async function sendLabels(pending: PendingLabel[]): Promise<void> {
    for (const p of pending) {
      const l = p.label;
      if (!l.labelTimeMs) l.labelTimeMs = "ms" in delay ? l.eventTimeMs + delay.ms : Math.max(l.eventTimeMs, lastEventTime);
      // The event's trace context, when tracing: the label belongs to its event's trace.
      const properties: Record<string, string> = { [Props.eventId]: l.eventId };
      if (p.traceparent !== undefined) {
        properties[Props.traceparent] = p.traceparent;
        if (p.tracestate !== undefined) properties[Props.tracestate] = p.tracestate;
      }
      await window.send(Topics.labels, codecs.label.encode(l), { key: l.entityId, eventTime: l.eventTimeMs || undefined, properties });
      labels++;
    }
  }

  function toEvent(record: DatasetRecord, sequence: number): Event {
    const eventId = record.eventId ? (options.idPrefix ? `${options.idPrefix}-${record.eventId}` : record.eventId) : `${prefix}-${record.index}`;
    return {
      eventId,
      entityId: record.entityId,
      eventTimeMs: Number.isFinite(record.eventTimeMs) ? Math.round(record.eventTimeMs) : 0,
      ingestTimeMs: clock.now(),
      fields: record.fields,
      dataset: schema.name,
      schemaVersion: schema.version,
      sequence,
    };
  }

  async function run(): Promise<ReplaySummary> {
    started = clock.now();
    const max = options.maxEvents ?? Infinity;
    let sequence = options.startSequence ?? 0;
    let aborted = false;
    const iterator = (Symbol.asyncIterator in options.source
      ? (options.source as AsyncIterable<DatasetRecord>)[Symbol.asyncIterator]()
      : (options.source as Iterable<DatasetRecord>)[Symbol.iterator]()) as AsyncIterator<DatasetRecord> | Iterator<DatasetRecord>;
    try {
      while (events < max) {
        if (options.signal?.aborted) {
          aborted = true;
          break;
        }
        const next = await iterator.next();
        if (next.done) break;
        try {
          await limiter.take(options.signal);
        } catch (err) {
          if (!options.signal?.aborted) throw err;
          aborted = true;
          break;
        }
        const event = toEvent(next.value, sequence);
        // A traced publish writes the event's trace context into these properties (see main.ts).
        const properties: Record<string, string> = { [Props.eventId]: event.eventId, [Props.schemaVersion]: schema.version };
        await window.send(Topics.eventsRaw, codecs.event.encode(event), { key: event.entityId, eventTime: event.eventTimeMs || undefined, properties });
        events++;
        lastEventTime = Math.max(lastEventTime, event.eventTimeMs);
        if (next.value.label !== undefined) {
          const label: Label = { eventId: event.eventId, entityId: event.entityId, label: next.value.label, eventTimeMs: event.eventTimeMs, labelTimeMs: 0 };
          queue.push(label, sequence, properties);
        }
        await sendLabels(queue.due(sequence, event.eventTimeMs));
        await sendLabels(queue.overflow());
        sequence++;
        if (events % every === 0) options.onProgress?.(progress());
      }
    } finally {
      await iterator.return?.();
    }
    await sendLabels(queue.drain());
    await window.drain();
    const summary: ReplaySummary = { ...progress(), aborted, peakOutstanding: window.peak };
    options.onProgress?.(summary);
    return summary;
  }

  return { run, progress };
}
