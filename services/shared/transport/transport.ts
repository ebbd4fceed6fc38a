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
  readonly payload: Uint8Array;
  readonly properties: Readonly<Record<string, string>>;
  readonly eventTime: number | undefined;
  readonly publishTime: number;
  /** How many times this message was delivered before this delivery (0 on first delivery). */
  readonly redeliveryCount: number;
  /** Acknowledges the message: it is never delivered to this subscription again. */
  ack(): Promise<void>;
  /** Negative acknowledgement: redeliver after `delayMs` (default: the subscription's nackDelayMs). */
  nack(delayMs?: number): Promise<void>;
}

export interface SubscribeOptions {
  /** The subscription name; consumers with the same name share one cursor. */
  subscription: string;
  type: SubscriptionType;
  /** Where a new subscription starts. Default "earliest". */
  initialPosition?: "earliest" | "latest";
  /** Unacknowledged messages delivered to this consumer at most (flow control). Default 1000. */
  receiverQueueSize?: number;
  /** Redeliver a message not acked within this many ms. 0 or absent: never. */
  ackTimeoutMs?: number;
  /** Default redelivery delay after nack(). Default 1000 ms (Pulsar's default is 60 s). */
  nackDelayMs?: number;
  /** After this many redeliveries a message goes to `deadLetterTopic` instead. Requires deadLetterTopic. */
  maxRedeliveries?: number;
  /** Default `<topic>-<subscription>-DLQ`, as in Pulsar. */
  deadLetterTopic?: string;
  /** Consumer name, shown in stats; failover picks the active consumer by name order. */
  consumerName?: string;
}

/** A consumer: an async iterable of messages. Iteration ends when the consumer is closed. */
export interface Subscription extends AsyncIterable<InboundMessage> {
  readonly topic: string;
  readonly subscription: string;
  /** Stops delivery to this consumer; its unacked messages are redelivered to other consumers. */
  close(): Promise<void>;
  /** Closes the consumer and deletes the subscription (its cursor and backlog). */
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
   * changelog. On a compacted topic only the latest message per key is returned.
   */
  read(topic: string, options?: ReadOptions): AsyncIterable<InboundMessage>;
  stats(topic: string): Promise<TopicStats>;
  /** Idempotent. Ends every subscription's iteration. */
  close(): Promise<void>;
}
