/**
 * The transport boundary: one interface, several implementations (memory, pulsar, nats), one contract
 * suite (transport.contract.ts) that every implementation passes. Payloads are bytes; the semantics are
 * Pulsar's: topics, named subscriptions of four types, ack / negative ack / ack timeout, redelivery
 * counts, dead-letter topics and backlog statistics.
 */

/** Pulsar's four subscription types. */
export type SubscriptionType = "exclusive" | "shared" | "failover" | "key_shared";

export interface PublishOptions {
  /** Message key (the entity id); key_shared routes and orders by it. */
  key?: string;
  /** String properties (traceparent, event-id, schema version …), delivered byte-exact. */
  properties?: Record<string, string>;
  /** Event time in epoch milliseconds. */
  eventTime?: number;
}

/** Opaque, transport-specific message id, printable for logs. */
export type MessageId = string;

export interface InboundMessage {
  readonly topic: string;
  readonly messageId: MessageId;
  readonly key: string | undefined;
  /**
   * The consumer's own copy of the bytes. It may be a view into a larger buffer (as a Node Buffer
   * from any network client is): honour byteOffset/byteLength.
   */
  readonly payload: Uint8Array;
  readonly properties: Readonly<Record<string, string>>;
  readonly eventTime: number | undefined;
  readonly publishTime: number;
  /**
   * How many times this message was delivered before this delivery (0 on first delivery): nack, ack
   * timeout and a consumer closing with it unacked each count.
   */
  readonly redeliveryCount: number;
  /**
   * Acknowledges the message: it is never delivered to this subscription again. Acks the message id on
   * the subscription, so an ack through an earlier (since redelivered) delivery still counts. Rejects
   * FAILED_PRECONDITION after the transport is closed (the message will then be redelivered).
   */
  ack(): Promise<void>;
  /**
   * Negative acknowledgement: redeliver after `delayMs` (default: the subscription's nackDelayMs). A
   * message whose redeliveryCount has reached `maxRedeliveries` goes to the dead-letter topic instead.
   * A no-op for a delivery already redelivered, or after close.
   */
  nack(delayMs?: number): Promise<void>;
}

export interface SubscribeOptions {
  /** The subscription name; consumers with the same name share one cursor. */
  subscription: string;
  /**
   * A second consumer on an exclusive subscription, or one of another type while consumers are
   * connected, is rejected with FAILED_PRECONDITION (as Pulsar does). failover: one active consumer,
   * the first by consumerName order; key_shared: a key goes to one consumer while the set of consumers
   * is unchanged, and per-key order is kept.
   */
  type: SubscriptionType;
  /** Where a new subscription starts. Default "earliest". */
  initialPosition?: "earliest" | "latest";
  /** Unacknowledged messages delivered to this consumer at most (flow control). Default 1000. */
  receiverQueueSize?: number;
  /** Redeliver a message not acked within this many ms. 0 or absent: never. */
  ackTimeoutMs?: number;
  /** Default redelivery delay after nack(). Default 1000 ms (Pulsar's default is 60 s). */
  nackDelayMs?: number;
  /**
   * After this many redeliveries a message goes to `deadLetterTopic` instead: a message is handed out
   * at most maxRedeliveries + 1 times, then nack or ack timeout publishes it to the dead-letter topic
   * (key, event time and properties kept, plus Pulsar's `REAL_TOPIC` and `ORIGIN_MESSAGE_ID`) and
   * acknowledges it. Absent: redeliver forever.
   */
  maxRedeliveries?: number;
  /** Default `<topic>-<subscription>-DLQ`, as in Pulsar. Used only with maxRedeliveries. */
  deadLetterTopic?: string;
  /** Consumer name, shown in stats; failover picks the active consumer by name order. */
  consumerName?: string;
}

/**
 * A consumer: an async iterable of messages. Iteration ends when the consumer is closed; leaving a
 * `for await` loop early (the iterator's `return()`) closes the consumer.
 */
export interface Subscription extends AsyncIterable<InboundMessage> {
  readonly topic: string;
  readonly subscription: string;
  /** Stops delivery to this consumer; its unacked messages are redelivered to other consumers. Idempotent. */
  close(): Promise<void>;
  /**
   * Closes the consumer and deletes the subscription (its cursor and backlog). Rejects
   * FAILED_PRECONDITION while other consumers are connected to the subscription (as Pulsar does).
   */
  unsubscribe(): Promise<void>;
}

export interface SubscriptionStats {
  /** Messages published after the subscription's cursor and not yet acknowledged. */
  backlog: number;
  /** Delivered and not yet acknowledged. */
  unacked: number;
  consumers: number;
}

export interface TopicStats {
  /** Messages published to the topic (since the transport saw it). */
  published: number;
  subscriptions: Record<string, SubscriptionStats>;
}

export interface ReadOptions {
  /** Stop at the end of the topic as it is when reading starts (default true). */
  untilEnd?: boolean;
}

export interface TopicOptions {
  /** Keep only the latest message per key when reading the topic from the start. */
  compacted?: boolean;
  /** Pulsar partitions; other transports treat a partitioned topic as one ordered log per key. */
  partitions?: number;
}

export interface Transport {
  /** "memory", "pulsar", "nats". */
  readonly name: string;
  /** Creates the topic if missing (publishing and subscribing also create it with defaults). */
  ensureTopic(topic: string, options?: TopicOptions): Promise<void>;
  /** Resolves once the broker has persisted the message. Rejects FAILED_PRECONDITION after close(). */
  publish(topic: string, payload: Uint8Array, options?: PublishOptions): Promise<MessageId>;
  subscribe(topic: string, options: SubscribeOptions): Promise<Subscription>;
  /**
   * Reads a topic from the start without a subscription (a Pulsar Reader): used to rebuild state from a
   * changelog. On a compacted topic only the latest message per key is returned (a key whose latest
   * payload is empty is deleted; messages without a key are not kept), in the order of those latest
   * writes. On other topics "the start" is the oldest message the broker retains. The messages' ack and
   * nack do nothing.
   */
  read(topic: string, options?: ReadOptions): AsyncIterable<InboundMessage>;
  /** Rejects NOT_FOUND for a topic that does not exist. */
  stats(topic: string): Promise<TopicStats>;
  /** Idempotent. Ends every subscription's iteration. */
  close(): Promise<void>;
}
