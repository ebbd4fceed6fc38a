/**
 * Accepting events from producers (the gRPC Publish / PublishStream path): size limits, id assignment,
 * ingest time and sequence. Ingest checks only what it must to protect the mesh (sizes, ids); the dataset
 * rules are validate's job. It never invents an event time: an event without one is rejected by
 * validate as MISSING_ID.
 */
import { randomBytes } from "node:crypto";
import { DEFAULT_MAX_EVENT_BYTES } from "../shared/dataset/schema.ts";
import { RtmlError } from "../shared/errors.ts";
import { codecs, type Event, type Label } from "../shared/messages.ts";
import { Props, Topics } from "../shared/topics.ts";
import type { PublishFn } from "./publish-window.ts";

export interface IngestLimits {
  /** Largest encoded Event in bytes. Default 64 KiB (DEFAULT_MAX_EVENT_BYTES). */
  maxEventBytes: number;
  /** Most fields in one event. Default 1024. */
  maxFields: number;
  /** Longest field name. Default 256. */
  maxFieldNameLength: number;
  /** Longest event id, entity id or dataset name. Default 256. */
  maxIdLength: number;
}

export const DEFAULT_INGEST_LIMITS: IngestLimits = {
  maxEventBytes: DEFAULT_MAX_EVENT_BYTES,
  maxFields: 1024,
  maxFieldNameLength: 256,
  maxIdLength: 256,
};

/**
 * A UUIDv7 (time-ordered: 48-bit epoch ms, then random bits), as text.
 *
 * @example
 * const id = uuidv7(0x0123456789ab);
 * console.assert(id.startsWith("01234567-89ab-7") && id.length === 36);
 */
export function uuidv7(nowMs: number = Date.now()): string {
  const b = randomBytes(16);
  const ms = Math.max(0, Math.floor(nowMs));
  for (let i = 5; i >= 0; i--) b[5 - i] = Math.floor(ms / 2 ** (8 * i)) & 0xff;
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** An event ready to publish on events.raw. */
export interface IngestedEvent {
  event: Event;
  payload: Uint8Array;
  /** Message key: the entity id (undefined when the producer gave none). */
  key: string | undefined;
  properties: Record<string, string>;
  eventTime: number | undefined;
}

export interface IngestEventOptions {
  sequence: number;
  nowMs: number;
  limits?: Partial<IngestLimits>;
  /** Id for an event without one. Default: UUIDv7. */
  newId?: () => string;
  /** Extra message properties (e.g. traceparent). */
  properties?: Record<string, string>;
}

/**
 * Checks the limits of one producer event and completes it (event id when missing, ingest time,
 * sequence). Pure apart from the random id.
 *
 * @throws RtmlError INVALID_ARGUMENT listing every limit broken (`details.reason` "oversize" when the
 * encoded event is too large, "limits" otherwise).
 */
export function ingestEvent(request: Partial<Event>, options: IngestEventOptions): IngestedEvent {
  const limits = { ...DEFAULT_INGEST_LIMITS, ...options.limits };
  const problems: string[] = [];
  const fields = request.fields ?? {};
  const names = Object.keys(fields);
  if (names.length > limits.maxFields) problems.push(`${names.length} fields; at most ${limits.maxFields}`);
  const longName = names.find((n) => n.length > limits.maxFieldNameLength || n.length === 0);
  if (longName !== undefined) problems.push(`field name of ${longName.length} characters; 1 to ${limits.maxFieldNameLength} allowed`);
  for (const k of ["eventId", "entityId", "dataset", "schemaVersion"] as const) {
    const v = request[k];
    if (v !== undefined && v.length > limits.maxIdLength) problems.push(`${k} of ${v.length} characters; at most ${limits.maxIdLength}`);
  }
  if (problems.length > 0) {
    throw new RtmlError("INVALID_ARGUMENT", `event refused: ${problems.join("; ")}`, { details: { reason: "limits", problems } });
  }
  const event: Event = {
    eventId: request.eventId || (options.newId ?? (() => uuidv7(options.nowMs)))(),
    entityId: request.entityId ?? "",
    eventTimeMs: Number.isFinite(request.eventTimeMs) ? (request.eventTimeMs as number) : 0,
    ingestTimeMs: options.nowMs,
    fields,
    dataset: request.dataset ?? "",
    schemaVersion: request.schemaVersion ?? "",
    sequence: options.sequence,
  };
  const payload = codecs.event.encode(event);
  if (payload.length > limits.maxEventBytes) {
    throw new RtmlError("INVALID_ARGUMENT", `event ${event.eventId} is ${payload.length} bytes; the limit is ${limits.maxEventBytes}`, {
      details: { reason: "oversize", bytes: payload.length, limit: limits.maxEventBytes },
    });
  }
  const properties: Record<string, string> = { ...options.properties, [Props.eventId]: event.eventId };
  if (event.schemaVersion) properties[Props.schemaVersion] = event.schemaVersion;
  return {
    event,
    payload,
    key: event.entityId || undefined,
    properties,
    eventTime: event.eventTimeMs > 0 ? event.eventTimeMs : undefined,
  };
}

export interface IngestorOptions {
  publish: PublishFn;
  limits?: Partial<IngestLimits>;
  now?: () => number;
  /** First sequence number. Default 0. */
  startSequence?: number;
}

/** The gRPC-facing ingest: publishes producer events and labels, each awaited (the broker's ack). */
export interface Ingestor {
  /** Checks, completes and publishes events in order; returns their event ids. Throws on the first refusal. */
  publishEvents(requests: Partial<Event>[], properties?: Record<string, string>): Promise<string[]>;
  /** Publishes labels (event id and label required; label time defaults to now); returns how many. */
  publishLabels(labels: Partial<Label>[]): Promise<number>;
  readonly sequence: number;
}

export function createIngestor(options: IngestorOptions): Ingestor {
  const now = options.now ?? Date.now;
  let sequence = options.startSequence ?? 0;
  return {
    async publishEvents(requests, properties) {
      const prepared = requests.map((r, i) => ingestEvent(r, { sequence: sequence + i, nowMs: now(), limits: options.limits, properties }));
      sequence += prepared.length;
      await Promise.all(
        prepared.map((p) => options.publish(Topics.eventsRaw, p.payload, { key: p.key, properties: p.properties, eventTime: p.eventTime })),
      );
      return prepared.map((p) => p.event.eventId);
    },
    async publishLabels(labels) {
      const bad = labels.map((l, i) => (!l.eventId || !l.label ? i : -1)).filter((i) => i >= 0);
      if (bad.length > 0) {
        throw new RtmlError("INVALID_ARGUMENT", `labels at ${bad.join(", ")} lack an event id or a label`, { details: { reason: "limits" } });
      }
      await Promise.all(
        labels.map((l) => {
          const label: Label = { eventId: l.eventId!, entityId: l.entityId ?? "", label: l.label!, eventTimeMs: l.eventTimeMs ?? 0, labelTimeMs: l.labelTimeMs || now() };
          return options.publish(Topics.labels, codecs.label.encode(label), {
            key: label.entityId || undefined,
            properties: { [Props.eventId]: label.eventId },
          });
        }),
      );
      return labels.length;
    },
    get sequence() {
      return sequence;
    },
  };
}
