/**
 * The validate function: `events.raw` → `events.valid` | `events.rejected`. Nothing is dropped and
 * nothing throws: undecodable or oversize payloads, unknown datasets, schema breaches and even internal
 * errors all end as a RejectedEvent carrying the original bytes.
 *
 * Wiring with the runner: pass `fn` as `process`, `fn.codec` as `codec` (it checks the size before decoding
 * and remembers each event's original bytes) and `fn.onDecodeError` as `onDecodeError`.
 */
import type { DatasetSchema } from "../shared/dataset/schema.ts";
import { DEFAULT_MAX_EVENT_BYTES } from "../shared/dataset/schema.ts";
import { RtmlError } from "../shared/errors.ts";
import type { Context, FunctionConfig, MeshFunction } from "../shared/function/types.ts";
import { codecs, RejectCode, rejectCodeName, type Codec, type Event, type RejectReason } from "../shared/messages.ts";
import { Props, Topics } from "../shared/topics.ts";
import { compileSchema, type CompileOptions, type ValidationResult, type Validator } from "./compile-schema.ts";

export { compileSchema } from "./compile-schema.ts";
export type { CompileOptions, ValidationResult, Validator } from "./compile-schema.ts";

/** Counts for the gRPC GetRejectStats (`byCode` keys are code names such as "WRONG_TYPE"). */
export interface RejectStats {
  accepted: number;
  rejected: number;
  byCode: Record<string, number>;
}

export interface RejectStatsRecorder {
  accept(): void;
  reject(code: RejectCode): void;
  snapshot(): RejectStats;
}

export function createRejectStats(): RejectStatsRecorder {
  let accepted = 0;
  let rejected = 0;
  const byCode: Record<string, number> = {};
  return {
    accept: () => void accepted++,
    reject(code) {
      rejected++;
      const name = rejectCodeName(code);
      byCode[name] = (byCode[name] ?? 0) + 1;
    },
    snapshot: () => ({ accepted, rejected, byCode: { ...byCode } }),
  };
}

/** An Event codec that refuses payloads over `maxBytes` before decoding and remembers each decoded event's bytes. */
export interface SizeLimitedCodec extends Codec<Event> {
  readonly maxBytes: number;
  /** The bytes an event was decoded from (same object as returned by decode). */
  payloadOf(event: Event): Uint8Array | undefined;
}

export function createSizeLimitedCodec(maxBytes: number = DEFAULT_MAX_EVENT_BYTES, inner: Codec<Event> = codecs.event): SizeLimitedCodec {
  const payloads = new WeakMap<object, Uint8Array>();
  return {
    typeName: inner.typeName,
    maxBytes,
    encode: (m) => inner.encode(m),
    decode(bytes) {
      if (bytes.length > maxBytes) {
        throw new RtmlError("INVALID_ARGUMENT", `payload of ${bytes.length} bytes exceeds the limit of ${maxBytes} bytes`, {
          details: { rejectCode: RejectCode.OVERSIZE, bytes: bytes.length, limit: maxBytes },
        });
      }
      const event = inner.decode(bytes);
      payloads.set(event, bytes);
      return event;
    },
    payloadOf: (event) => payloads.get(event),
  };
}

export interface RejectOnDecodeErrorOptions {
  stats?: RejectStatsRecorder;
  now?: () => number;
}

function publishReject(
  context: Context,
  reasons: RejectReason[],
  payload: Uint8Array,
  event: Partial<Event>,
  stats: RejectStatsRecorder | undefined,
  now: () => number,
): void {
  const code = reasons[0]?.code ?? RejectCode.UNSPECIFIED;
  stats?.reject(code);
  context.metrics.add("validate_rejected_total", 1, { reason: rejectCodeName(code) });
  const eventId = event.eventId || context.record.properties[Props.eventId] || "";
  const entityId = event.entityId || context.record.key || "";
  context.publish(
    Topics.eventsRejected,
    codecs.rejectedEvent,
    { eventId, entityId, code, reasons, payload, sourceTopic: context.record.topic, rejectedTimeMs: now(), sequence: Number(event.sequence) || 0 },
    { key: entityId || undefined, properties: { ...context.record.properties, ...(eventId ? { [Props.eventId]: eventId } : {}) }, eventTime: context.record.eventTime },
  );
}

/**
 * A FunctionConfig.onDecodeError handler: an undecodable payload becomes a RejectedEvent with code
 * MALFORMED, or OVERSIZE when the size-limited codec refused it, with the error as the reason.
 */
export function createRejectOnDecodeError(options: RejectOnDecodeErrorOptions = {}): NonNullable<FunctionConfig<Event>["onDecodeError"]> {
  const now = options.now ?? Date.now;
  return (payload, error, context) => {
    const details = error instanceof RtmlError ? error.details : {};
    const code = details.rejectCode === RejectCode.OVERSIZE ? RejectCode.OVERSIZE : RejectCode.MALFORMED;
    const message = code === RejectCode.OVERSIZE ? error.message : `payload is not a decodable Event: ${error.message}`;
    publishReject(context, [{ code, field: "", message }], payload, {}, options.stats, now);
  };
}

export interface ValidateFunctionOptions extends CompileOptions {
  /** The datasets this function accepts (by schema name). */
  schemas: DatasetSchema[];
  /** Accepted events per dataset between checkpoints of the running statistics into keyed state. Default 1000. */
  checkpointEvery?: number;
  now?: () => number;
}

export type ValidateFunction = MeshFunction<Event> & {
  /** Use as FunctionConfig.codec: refuses payloads above the largest schema's maxEventBytes before decoding. */
  readonly codec: SizeLimitedCodec;
  /** Use as FunctionConfig.onDecodeError. */
  readonly onDecodeError: NonNullable<FunctionConfig<Event>["onDecodeError"]>;
  /** Accepted / rejected counts (for the gRPC GetRejectStats). */
  stats(): RejectStats;
  /** Dry run (gRPC Validate): checks without publishing or touching statistics. */
  dryRun(event: Event): ValidationResult;
  readonly validators: ReadonlyMap<string, Validator>;
};

/** Keyed-state key of a dataset's running statistics. */
export const statsStateKey = (dataset: string): string => `validate/stats/${dataset}`;

/**
 * Creates the validate function for the runner.
 *
 * Dataset lookup: by `event.dataset`; an empty dataset is allowed when exactly one schema is configured.
 * Valid events go to `events.valid` (key = entity id, the input's properties kept, plus `event-id` and
 * `schema-version`); the rest to `events.rejected`. Running statistics are restored from keyed state on
 * first use of a dataset and checkpointed every `checkpointEvery` accepted events (so a restart resumes
 * imputation from the last checkpoint).
 */
export function createValidateFunction(options: ValidateFunctionOptions): ValidateFunction {
  if (options.schemas.length === 0) throw new RtmlError("INVALID_ARGUMENT", "validate needs at least one dataset schema");
  const now = options.now ?? Date.now;
  const every = Math.max(1, options.checkpointEvery ?? 1000);
  const validators = new Map(options.schemas.map((s) => [s.name, compileSchema(s, options)] as const));
  const maxBytes = Math.max(...options.schemas.map((s) => s.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES));
  const codec = createSizeLimitedCodec(maxBytes);
  const stats = createRejectStats();
  const restored = new Set<string>();
  const sinceCheckpoint = new Map<string, number>();
  const only = validators.size === 1 ? [...validators.values()][0] : undefined;
  const lookup = (dataset: string): Validator | undefined => (dataset ? validators.get(dataset) : only);
  const unknown = (dataset: string): RejectReason => ({
    code: RejectCode.UNKNOWN_DATASET,
    field: "dataset",
    message: `unknown dataset ${JSON.stringify(dataset)} (accepted: ${[...validators.keys()].join(", ")})`,
  });

  function handle(event: Event, context: Context): void {
    const payload = codec.payloadOf(event) ?? codecs.event.encode(event);
    const validator = lookup(event.dataset);
    if (!validator) return publishReject(context, [unknown(event.dataset)], payload, event, stats, now);
    const name = validator.schema.name;
    if (!restored.has(name)) {
      restored.add(name);
      const snapshot = context.state.get<ReturnType<Validator["stats"]["snapshot"]>>(statsStateKey(name));
      if (snapshot) validator.stats.restore(snapshot);
    }
    const limit = validator.schema.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
    if (payload.length > limit) {
      const message = `event of ${payload.length} bytes exceeds ${name}'s limit of ${limit} bytes`;
      return publishReject(context, [{ code: RejectCode.OVERSIZE, field: "", message }], payload, event, stats, now);
    }
    const result = validator.validate(event);
    if (!result.ok) return publishReject(context, result.reasons, payload, event, stats, now);
    const valid = result.event;
    stats.accept();
    context.metrics.add("validate_accepted_total", 1, { dataset: name });
    if (result.imputed.length > 0) context.metrics.add("validate_imputed_total", result.imputed.length, { dataset: name });
    context.publish(Topics.eventsValid, codecs.event, valid, {
      key: valid.entityId,
      eventTime: valid.eventTimeMs,
      properties: { ...context.record.properties, [Props.eventId]: valid.eventId, [Props.schemaVersion]: valid.schemaVersion },
    });
    const n = (sinceCheckpoint.get(name) ?? 0) + 1;
    if (n >= every) {
      context.state.put(statsStateKey(name), validator.stats.snapshot());
      sinceCheckpoint.set(name, 0);
    } else sinceCheckpoint.set(name, n);
  }

  const process: MeshFunction<Event> = (event, context) => {
    try {
      handle(event, context);
    } catch (err) {
      // A bug must not lose the event or crash the runner: it goes to events.rejected, visibly.
      context.logger.error("validate failed on an event", { err, eventId: event?.eventId });
      const payload = codec.payloadOf(event) ?? new Uint8Array();
      const message = `internal error: ${(err as Error)?.message ?? String(err)}`;
      publishReject(context, [{ code: RejectCode.UNSPECIFIED, field: "", message }], payload, event ?? {}, stats, now);
    }
  };

  return Object.assign(process, {
    codec,
    onDecodeError: createRejectOnDecodeError({ stats, now }),
    stats: () => stats.snapshot(),
    dryRun(event: Event): ValidationResult {
      const v = lookup(event.dataset);
      return v ? v.validate(event, { dryRun: true }) : { ok: false as const, reasons: [unknown(event.dataset)] };
    },
    validators,
  });
}
