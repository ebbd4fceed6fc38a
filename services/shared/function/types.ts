/**
 * The function contract, after Pulsar Functions: a function is `process(input, context)`; the runner
 * (runner.ts) owns decode → process → encode → publish → ack, retries, dead-lettering, timeouts,
 * backpressure, keyed state and idempotency.
 */
import type { Codec } from "../messages.ts";
import type { PublishOptions, SubscriptionType, Transport } from "../transport/transport.ts";
import type { Logger } from "../logger.ts";
import type { Metrics } from "../metrics.ts";
import type { Telemetry } from "../telemetry/telemetry.ts";

/** Metadata of the message being processed. */
export interface RecordInfo {
  readonly topic: string;
  readonly messageId: string;
  readonly key: string | undefined;
  readonly properties: Readonly<Record<string, string>>;
  readonly eventTime: number | undefined;
  readonly redeliveryCount: number;
}

/**
 * Keyed state, durable through a compacted changelog topic: writes made while processing one message
 * become visible and durable together, after that message's outputs are published and before it is
 * acked; a failed attempt's writes are discarded. Values must be JSON-serialisable and are restored
 * after a restart as JSON gives them back (NaN and Infinity become null, undefined fields vanish).
 * Treat a value returned by get() as immutable: a change made in place is neither durable nor
 * discarded on failure; put() a new value instead.
 */
export interface KeyedState {
  get<T>(key: string): T | undefined;
  put(key: string, value: unknown): void;
  /** Adds `by` (default 1) to a numeric value (missing counts as 0) and returns the new value. */
  incr(key: string, by?: number): number;
  delete(key: string): void;
}

export interface Context {
  readonly functionName: string;
  readonly record: RecordInfo;
  readonly state: KeyedState;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** User configuration given to the runner. */
  readonly config: Readonly<Record<string, unknown>>;
  /** Secrets given to the runner; never logged. */
  secret(name: string): string | undefined;
  /**
   * Publishes a message. Outputs are sent when process() returns and the input is acked only after the
   * broker has acked all of them (at-least-once).
   */
  publish<T>(topic: string, codec: Codec<T>, message: Partial<T>, options?: PublishOptions): void;
}

export type MeshFunction<I> = (input: I, context: Context) => void | Promise<void>;

export type ProcessingGuarantee = "at-least-once" | "at-most-once";

export interface FunctionConfig<I> {
  /** Function name: the default subscription name and the changelog topic's prefix. */
  name: string;
  transport: Transport;
  /** Input topics. */
  inputs: string[];
  /** The inputs' payload codec. */
  codec: Codec<I>;
  /**
   * Codecs of inputs whose payload type differs (Pulsar Functions' per-topic serde), by topic; `process`
   * tells the inputs apart by `context.record.topic`. With `dedupByEventId` an event id counts once per
   * input (a label carrying its event's id is not a duplicate of the event).
   */
  inputCodecs?: Readonly<Record<string, Codec<I>>>;
  process: MeshFunction<I>;
  subscription?: string;
  subscriptionType?: SubscriptionType;
  /** Where a new subscription starts. Default "earliest". */
  initialPosition?: "earliest" | "latest";
  /**
   * Delete the subscription when the runner stops (for a per-instance subscription such as infer's on
   * `models`, which would otherwise stay behind on the broker with a growing backlog). Default false.
   */
  unsubscribeOnStop?: boolean;
  /** Default "at-least-once". */
  guarantee?: ProcessingGuarantee;
  /**
   * Retries of process() within one delivery (so up to maxRetries + 1 attempts) before the message is
   * nacked. Default 3. at-most-once never retries once an output may have been published.
   */
  maxRetries?: number;
  /** First retry backoff in ms, doubling each attempt. Default 10. */
  retryBackoffMs?: number;
  /** Redeliveries before a message goes to the dead-letter topic. Default 5. */
  maxRedeliveries?: number;
  /** Delay before the broker redelivers a nacked message. Default: the transport's (1 s in memory). */
  nackDelayMs?: number;
  /** Dead-letter topic of every input. Default `<input>-<subscription>-DLQ` per input, as in Pulsar. */
  deadLetterTopic?: string;
  /** Per-message processing timeout in ms. Default 30_000. */
  timeoutMs?: number;
  /**
   * Messages being processed at once across all inputs, counting those waiting behind an earlier
   * message with the same key (others wait in the broker: backpressure). Default 64.
   */
  maxInFlight?: number;
  /**
   * Messages of one key that queued behind its message in flight are processed as one batch of at most
   * this many (group commit: one state commit and one round of publishes and acks; see runner.ts). 1
   * processes one message at a time. Default 128; at-most-once always 1.
   */
  maxBatch?: number;
  /** Changelog topic for keyed state. Default `<name>-state-changelog` when `stateful` is true. */
  stateful?: boolean;
  changelogTopic?: string;
  /**
   * Effectively-once by event id (message property `event-id`): an event already processed is acked
   * without calling process() again. The processed set is kept in the keyed state, bounded to the last
   * `dedupWindow` ids (or the ids of one batch, when a batch holds more). Needs `stateful`.
   */
  dedupByEventId?: boolean;
  dedupWindow?: number;
  config?: Record<string, unknown>;
  secrets?: Record<string, string>;
  logger?: Logger;
  metrics?: Metrics;
  /**
   * The service's tracer and meter: a CONSUMER span `process <topic>` per delivery (parent: the
   * producer's context from the message properties) with process() run inside it, a PRODUCER span
   * `send <topic>` per output (its context injected as `traceparent`), and per-topic messaging metrics.
   * Absent: no telemetry work at all.
   */
  telemetry?: Telemetry;
  /** Called with a payload that cannot be decoded; default: send to the dead-letter topic. */
  onDecodeError?: (payload: Uint8Array, error: Error, context: Context) => void | Promise<void>;
}

export interface FunctionRunner {
  readonly name: string;
  /** Subscribes (after restoring keyed state from the changelog) and starts processing. */
  start(): Promise<void>;
  /**
   * Stops taking messages, waits for in-flight ones to finish and be acked (or nacked), then closes the
   * subscriptions: messages not yet taken are redelivered to other consumers. Idempotent.
   */
  stop(): Promise<void>;
  /** Read-only view of the keyed state (for gRPC lookups). */
  readonly state: Pick<KeyedState, "get">;
  stats(): RunnerStats;
}

export interface RunnerStats {
  /** Deliveries taken from the broker (redeliveries count again). */
  received: number;
  /** Deliveries whose process() succeeded and whose outputs and state were committed. */
  processed: number;
  /** Deliveries that failed (nacked, or lost under at-most-once), including undecodable payloads. */
  failed: number;
  /** Retries of process() within a delivery. */
  retried: number;
  /** Deliveries acked without processing because their event id was already processed. */
  duplicates: number;
  /** Messages sent to the dead-letter topic: undecodable, or nacked after maxRedeliveries. */
  deadLettered: number;
  /** Deliveries taken and not yet settled. */
  inFlight: number;
}
