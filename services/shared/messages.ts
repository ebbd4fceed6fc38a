/**
 * Typed codecs for the topic payloads defined in proto/rtml/v1/messages.proto — the one source of truth
 * for every shape. Field names are the proto names in camelCase (protobufjs' default).
 *
 * 64-bit integers are decoded as JavaScript numbers: every int64 here is a millisecond time or a counter
 * far below 2^53, and numbers keep the hot path free of Long objects.
 *
 * @example
 * const bytes = codecs.label.encode({ eventId: "e1", entityId: "a", label: "true", eventTimeMs: 1, labelTimeMs: 2 });
 * console.assert(codecs.label.decode(bytes).label === "true");
 */
import { fileURLToPath } from "node:url";
import protobuf from "protobufjs";
import { RtmlError } from "./errors.ts";

// Without Long, protobufjs reads and writes int64/uint64 as plain numbers (see the module comment).
protobuf.util.Long = undefined as unknown as typeof protobuf.util.Long;
protobuf.configure();

/** Absolute path of the proto/ folder (include root for imports such as "rtml/v1/messages.proto"). */
export const PROTO_ROOT = fileURLToPath(new URL("../../proto/", import.meta.url));

export type FieldValue =
  | { number: number; text?: never; flag?: never; null?: never }
  | { text: string; number?: never; flag?: never; null?: never }
  | { flag: boolean; number?: never; text?: never; null?: never }
  | { null: true; number?: never; text?: never; flag?: never };

export interface Event {
  eventId: string;
  entityId: string;
  eventTimeMs: number;
  ingestTimeMs: number;
  fields: Record<string, FieldValue>;
  dataset: string;
  schemaVersion: string;
  sequence: number;
}

export interface Label {
  eventId: string;
  entityId: string;
  label: string;
  eventTimeMs: number;
  labelTimeMs: number;
}

export interface FeatureVector {
  eventId: string;
  entityId: string;
  eventTimeMs: number;
  ingestTimeMs: number;
  values: Record<string, number>;
  sequence: number;
  raw: Record<string, number>;
}

export interface Prediction {
  eventId: string;
  entityId: string;
  modelName: string;
  modelVersion: number;
  score: number;
  label: string;
  eventTimeMs: number;
  ingestTimeMs: number;
  predictTimeMs: number;
  latencyMs: number;
  sequence: number;
}

export interface ModelSnapshot {
  modelName: string;
  version: number;
  parentVersion: number;
  createdMs: number;
  nUpdates: number;
  format: string;
  state: Uint8Array;
  metrics: Record<string, number>;
  reason: string;
  lastEventId: string;
}

export const DriftKind = { UNSPECIFIED: 0, CONCEPT: 1, DATA: 2 } as const;
export type DriftKind = (typeof DriftKind)[keyof typeof DriftKind];

export interface DriftAlert {
  alertId: string;
  kind: DriftKind;
  detector: string;
  feature: string;
  statistic: number;
  threshold: number;
  atEvent: number;
  eventId: string;
  timeMs: number;
  modelVersion: number;
  message: string;
}

/** Reject codes, as in the proto enum RejectCode. */
export const RejectCode = {
  UNSPECIFIED: 0,
  MALFORMED: 1,
  OVERSIZE: 2,
  MISSING_FIELD: 3,
  WRONG_TYPE: 4,
  OUT_OF_RANGE: 5,
  NOT_FINITE: 6,
  UNKNOWN_CATEGORY: 7,
  MISSING_ID: 8,
  UNKNOWN_DATASET: 9,
} as const;
export type RejectCode = (typeof RejectCode)[keyof typeof RejectCode];
/** The name of a reject code ("WRONG_TYPE"), for logs, metrics and summaries. */
export function rejectCodeName(code: number): string {
  return Object.entries(RejectCode).find(([, v]) => v === code)?.[0] ?? `CODE_${code}`;
}

export interface RejectReason {
  code: RejectCode;
  field: string;
  message: string;
}

export interface RejectedEvent {
  eventId: string;
  entityId: string;
  code: RejectCode;
  reasons: RejectReason[];
  payload: Uint8Array;
  sourceTopic: string;
  rejectedTimeMs: number;
  sequence: number;
}

/** The wire shape of a FeatureVector: parallel name and value arrays (see messages.proto). */
export interface FeatureVectorWire {
  eventId: string;
  entityId: string;
  eventTimeMs: number;
  ingestTimeMs: number;
  names: string[];
  values: number[];
  sequence: number;
  raw: number[];
}

/** The wire shape of an Event: numeric fields as parallel arrays, the rest in `fields`. */
export interface EventWire extends Omit<Event, "fields"> {
  fields: Record<string, FieldValue>;
  numberNames: string[];
  numbers: number[];
}

/** An Event in its wire shape (also what gRPC carries). */
export function eventToWire(e: Partial<Event>): Partial<EventWire> {
  const numberNames: string[] = [];
  const numbers: number[] = [];
  const fields: Record<string, FieldValue> = {};
  const src = e.fields ?? {};
  for (const name in src) {
    const v = src[name];
    // Own property only: a decoded protobufjs FieldValue inherits `number: 0` from its prototype, so a
    // decoded text or flag field would otherwise be re-encoded as the number 0.
    if (v !== null && typeof v === "object" && typeof v.number === "number" && Object.hasOwn(v, "number")) {
      numberNames.push(name);
      numbers.push(v.number);
    } else fields[name] = v !== null && typeof v === "object" && Object.getPrototypeOf(v) !== Object.prototype ? { ...v } : v; // a plain copy, without the prototype's defaults
  }
  return { ...e, fields, numberNames, numbers };
}

/** An Event from its wire shape; throws INVALID_ARGUMENT when names and numbers disagree. */
export function eventFromWire(w: EventWire): Event {
  const names = w.numberNames ?? [];
  const nums = w.numbers ?? [];
  if (names.length !== nums.length) throw new RtmlError("INVALID_ARGUMENT", `Event: ${names.length} number names but ${nums.length} numbers`);
  const fields: Record<string, FieldValue> = { ...(w.fields ?? {}) };
  for (let i = 0; i < names.length; i++) fields[names[i]] = { number: nums[i] };
  return {
    eventId: w.eventId, entityId: w.entityId, eventTimeMs: w.eventTimeMs, ingestTimeMs: w.ingestTimeMs, fields,
    dataset: w.dataset, schemaVersion: w.schemaVersion, sequence: w.sequence,
  };
}

/** A FeatureVector in its wire shape (also what gRPC returns). */
export function featureVectorToWire(fv: Partial<FeatureVector>): Partial<FeatureVectorWire> {
  const values = fv.values ?? {};
  const names = Object.keys(values);
  const raw = fv.raw;
  return {
    eventId: fv.eventId, entityId: fv.entityId, eventTimeMs: fv.eventTimeMs, ingestTimeMs: fv.ingestTimeMs, sequence: fv.sequence,
    names,
    values: names.map((n) => values[n]),
    raw: raw && Object.keys(raw).length > 0 ? names.map((n) => raw[n] ?? Number.NaN) : [],
  };
}

/** A FeatureVector from its wire shape; throws INVALID_ARGUMENT when names and values disagree. */
export function featureVectorFromWire(w: FeatureVectorWire): FeatureVector {
  const names = w.names ?? [];
  const vals = w.values ?? [];
  if (names.length !== vals.length) {
    throw new RtmlError("INVALID_ARGUMENT", `FeatureVector: ${names.length} names but ${vals.length} values`);
  }
  const values: Record<string, number> = {};
  for (let i = 0; i < names.length; i++) values[names[i]] = vals[i];
  const raw: Record<string, number> = {};
  const r = w.raw ?? [];
  if (r.length === names.length) for (let i = 0; i < names.length; i++) raw[names[i]] = r[i];
  return { eventId: w.eventId, entityId: w.entityId, eventTimeMs: w.eventTimeMs, ingestTimeMs: w.ingestTimeMs, values, sequence: w.sequence, raw };
}

/** Encodes and decodes one message type. `decode` throws RtmlError(INVALID_ARGUMENT) on bad bytes. */
export interface Codec<T> {
  readonly typeName: string;
  encode(message: Partial<T>): Uint8Array;
  decode(bytes: Uint8Array): T;
}

const root = new protobuf.Root();
root.resolvePath = (_origin, target) => (target.startsWith("/") ? target : PROTO_ROOT + target);
root.loadSync(["rtml/v1/messages.proto", "rtml/v1/services.proto"], { keepCase: false });
root.resolveAll();

/** The loaded protobuf root (also used by the gRPC layer for service definitions). */
export const protoRoot: protobuf.Root = root;

/**
 * protobufjs's reader over a Buffer, whose strings Node's native UTF-8 decoder reads (protobufjs's JavaScript
 * decoder, used for plain Uint8Arrays, was ~5% of the embedded mesh's CPU). protobufjs's own BufferReader
 * silently truncates a string whose length runs past the end of the message; this one refuses it, as the
 * plain reader does, so a malformed payload still fails to decode.
 */
class StrictBufferReader extends protobuf.BufferReader {
  override string(): string {
    const length = this.uint32();
    const start = this.pos;
    const end = start + length;
    if (end > this.len) throw new RangeError(`index out of range: ${start} + ${length} > ${this.len}`);
    this.pos = end;
    // utf8Slice: Buffer's own decoder without toString's argument handling (protobufjs uses it too).
    return (this.buf as Buffer & { utf8Slice(start: number, end: number): string }).utf8Slice(start, end);
  }
}

/** A reader over the bytes, through a Buffer view of them (no copy). */
function readerOf(bytes: Uint8Array): protobuf.Reader {
  return new StrictBufferReader(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

function createCodec<T>(typeName: string, wire?: { to(m: Partial<T>): object; from(w: never): T }): Codec<T> {
  const type = root.lookupType(typeName);
  const fail = (cause: unknown): never => {
    throw new RtmlError("INVALID_ARGUMENT", `not a valid ${typeName}: ${(cause as Error).message}`, { cause });
  };
  if (!wire) {
    return {
      typeName,
      encode: (message) => type.encode(message as Record<string, unknown>).finish(),
      decode: (bytes) => {
        try {
          return type.decode(readerOf(bytes)) as unknown as T;
        } catch (cause) {
          return fail(cause);
        }
      },
    };
  }
  return {
    typeName,
    encode: (message) => type.encode(wire.to(message) as Record<string, unknown>).finish(),
    decode: (bytes) => {
      let decoded;
      try {
        decoded = type.decode(readerOf(bytes));
      } catch (cause) {
        return fail(cause);
      }
      return wire.from(decoded as never);
    },
  };
}

/** One codec per topic payload. */
export const codecs = {
  event: createCodec<Event>("rtml.v1.Event", { to: eventToWire, from: eventFromWire }),
  label: createCodec<Label>("rtml.v1.Label"),
  featureVector: createCodec<FeatureVector>("rtml.v1.FeatureVector", { to: featureVectorToWire, from: featureVectorFromWire }),
  prediction: createCodec<Prediction>("rtml.v1.Prediction"),
  modelSnapshot: createCodec<ModelSnapshot>("rtml.v1.ModelSnapshot"),
  driftAlert: createCodec<DriftAlert>("rtml.v1.DriftAlert"),
  rejectedEvent: createCodec<RejectedEvent>("rtml.v1.RejectedEvent"),
} as const;

/** Wall-clock epoch milliseconds with sub-millisecond precision (for latencies across services). */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
