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

function createCodec<T>(typeName: string): Codec<T> {
  const type = root.lookupType(typeName);
  return {
    typeName,
    encode: (message) => type.encode(message as Record<string, unknown>).finish(),
    decode: (bytes) => {
      try {
        return type.decode(bytes) as unknown as T;
      } catch (cause) {
        throw new RtmlError("INVALID_ARGUMENT", `not a valid ${typeName}: ${(cause as Error).message}`, { cause });
      }
    },
  };
}

/** One codec per topic payload. */
export const codecs = {
  event: createCodec<Event>("rtml.v1.Event"),
  label: createCodec<Label>("rtml.v1.Label"),
  featureVector: createCodec<FeatureVector>("rtml.v1.FeatureVector"),
  prediction: createCodec<Prediction>("rtml.v1.Prediction"),
  modelSnapshot: createCodec<ModelSnapshot>("rtml.v1.ModelSnapshot"),
  driftAlert: createCodec<DriftAlert>("rtml.v1.DriftAlert"),
  rejectedEvent: createCodec<RejectedEvent>("rtml.v1.RejectedEvent"),
} as const;

/** Wall-clock epoch milliseconds with sub-millisecond precision (for latencies across services). */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
