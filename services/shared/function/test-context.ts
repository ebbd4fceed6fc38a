/**
 * A small in-process Context for unit tests of MeshFunctions: `publish` records every output (encoded
 * with its codec and decoded back, as a consumer would see it), keyed state is an in-memory map whose
 * values go through JSON on `put` — as they do through the changelog on a restart — and log lines are
 * captured. Not used by production code.
 *
 * @example
 * const ctx = createTestContext();
 * ctx.publish("labels", codecs.label, { eventId: "e1", label: "true" });
 * console.assert(ctx.take("labels", codecs.label)[0].eventId === "e1");
 */
import { createLogger } from "../logger.ts";
import type { Codec } from "../messages.ts";
import { createMetricsRegistry, type MetricsRegistry } from "../metrics.ts";
import type { PublishOptions } from "../transport/transport.ts";
import type { Context, KeyedState, RecordInfo } from "./types.ts";

export interface RecordedPublish {
  topic: string;
  typeName: string;
  /** The message decoded back from its encoded bytes (as given when `decode` is false). */
  message: unknown;
  /** The encoded message (empty when `decode` is false). */
  payload: Uint8Array;
  options: PublishOptions | undefined;
}

export interface LogLine {
  level: string;
  msg: string;
  [field: string]: unknown;
}

export interface TestContextOptions {
  /** Backing map of the keyed state (share one between contexts to simulate a restart). */
  state?: Map<string, unknown>;
  /**
   * Round-trip state values through JSON on put, as the changelog does on a restart. Default true;
   * false stores values as given (as the runner's in-memory state does after a commit).
   */
  jsonState?: boolean;
  /** Encode and decode every published message with its codec. Default true; false records it as given (faster). */
  decode?: boolean;
  functionName?: string;
  record?: Partial<RecordInfo>;
  config?: Record<string, unknown>;
  secrets?: Record<string, string>;
}

export interface TestContext extends Context {
  /** Every publish, in order. */
  readonly published: RecordedPublish[];
  /** The keyed state's backing map. */
  readonly store: Map<string, unknown>;
  readonly metricsRegistry: MetricsRegistry;
  /** Captured log lines (all levels). */
  readonly logs: LogLine[];
  /** The decoded messages published to `topic` (checked against `codec` when given), in order. */
  messages<T>(topic: string, codec?: Codec<T>): T[];
  /** Like `messages`, then forgets everything published so far. */
  take<T>(topic: string, codec?: Codec<T>): T[];
  /** Sets the record (message metadata) seen by the next process() calls. */
  setRecord(record: Partial<RecordInfo>): void;
}

const DEFAULT_RECORD: RecordInfo = { topic: "test", messageId: "0", key: undefined, properties: {}, eventTime: undefined, redeliveryCount: 0 };

export function createTestContext(options: TestContextOptions = {}): TestContext {
  const store = options.state ?? new Map<string, unknown>();
  const json = options.jsonState ?? true;
  const published: RecordedPublish[] = [];
  const logs: LogLine[] = [];
  const metricsRegistry = createMetricsRegistry();
  const secrets = options.secrets ?? {};
  let record: RecordInfo = { ...DEFAULT_RECORD, ...options.record };
  const decode = options.decode ?? true;
  const copy = (v: unknown): unknown => (v === undefined || !json ? v : JSON.parse(JSON.stringify(v)));
  const state: KeyedState = {
    get: <T>(key: string) => store.get(key) as T | undefined,
    put: (key, value) => void store.set(key, copy(value)),
    incr(key, by = 1) {
      const next = (Number(store.get(key)) || 0) + by;
      store.set(key, next);
      return next;
    },
    delete: (key) => void store.delete(key),
  };
  const messages = <T>(topic: string, codec?: Codec<T>): T[] =>
    published.filter((p) => p.topic === topic && (!codec || p.typeName === codec.typeName)).map((p) => p.message as T);
  return {
    functionName: options.functionName ?? "test",
    get record() {
      return record;
    },
    state,
    logger: createLogger({ level: "debug", write: (line) => void logs.push(JSON.parse(line) as LogLine) }),
    metrics: metricsRegistry,
    config: Object.freeze({ ...(options.config ?? {}) }),
    secret: (name) => secrets[name],
    publish<T>(topic: string, codec: Codec<T>, message: Partial<T>, opts?: PublishOptions) {
      const payload = decode ? codec.encode(message) : new Uint8Array(0);
      published.push({ topic, typeName: codec.typeName, message: decode ? codec.decode(payload) : message, payload, options: opts });
    },
    published,
    store,
    metricsRegistry,
    logs,
    messages,
    take<T>(topic: string, codec?: Codec<T>) {
      const out = messages(topic, codec);
      published.length = 0;
      return out;
    },
    setRecord(next) {
      record = { ...DEFAULT_RECORD, ...next };
    },
  };
}
