/**
 * Internal state shapes of the memory transport: the broker-side store (topics, logs, subscription
 * cursors) and the client-side consumers attached to it. Not part of the public API.
 */
import type { InboundMessage, SubscriptionType } from "../transport.ts";
import type { Slab } from "./slab.ts";

/** One retained message of a topic's log. Immutable once appended (keyHash is a lazy cache). */
export interface Entry {
  readonly seq: number;
  readonly id: string;
  readonly key: string | undefined;
  /** The broker's private copy; every hand-out copies it again. */
  readonly payload: Uint8Array;
  readonly properties: Readonly<Record<string, string>>;
  readonly eventTime: number | undefined;
  readonly publishTime: number;
  /** FNV-1a hash of the key, -1 until first needed by key_shared routing. */
  keyHash: number;
}

/** Broker-wide settings and topics; shared by every transport created over one store. */
export interface StoreState {
  readonly topics: Map<string, TopicState>;
  nextTopicId: number;
  readonly retainWithoutSubscriptions: number;
  readonly maxMessageBytes: number;
  readonly sweepTickMs: number;
  /** Broker-side copies of published payloads. */
  readonly slab: Slab;
}

/** A topic: a retained log (trimmed below the slowest cursor), its subscriptions and readers. */
export interface TopicState {
  readonly name: string;
  readonly store: StoreState;
  readonly topicId: number;
  compacted: boolean;
  /** Latest entry per key (tombstones delete); only on compacted topics. Insertion order = log order. */
  view: Map<string, Entry> | undefined;
  /** Retained entries; log[i] has seq base + i; entries below `head` were trimmed. */
  log: (Entry | undefined)[];
  base: number;
  head: number;
  nextSeq: number;
  published: number;
  readonly subs: Map<string, SubState>;
  readonly readers: Set<ReaderState>;
}

/** A message waiting to be (re)delivered, with the count of its earlier hand-outs. */
export interface ReplayItem {
  readonly entry: Entry;
  readonly redeliveryCount: number;
}

/** A nacked message waiting for its redelivery delay. */
export interface DelayedItem extends ReplayItem {
  readonly due: number;
}

export const QUEUED = 0;
export const OUT = 1;
export const DONE = 2;

/** One delivery of an entry to a consumer: queued in its receiver queue, handed out, or settled. */
export interface Delivery {
  readonly entry: Entry;
  readonly redeliveryCount: number;
  readonly consumer: ConsumerState;
  state: typeof QUEUED | typeof OUT | typeof DONE;
  deadline: number;
}

/** A subscription: a named cursor on a topic, shared by its consumers; lives in the store. */
export interface SubState {
  readonly topic: TopicState;
  readonly name: string;
  type: SubscriptionType;
  /** Every seq below markDelete is acknowledged. */
  markDelete: number;
  /** Next log seq never dispatched yet. */
  readPos: number;
  /** Acknowledged seqs above markDelete (ack holes). */
  readonly ackedAbove: Set<number>;
  /** Dispatched and unacknowledged, by seq. */
  readonly pending: Map<number, Delivery>;
  /** To redeliver, sorted by seq. */
  replay: ReplayItem[];
  delayed: DelayedItem[];
  readonly consumers: ConsumerState[];
  /** exclusive / failover: the consumer that receives. */
  active: ConsumerState | undefined;
  rr: number;
  /** key_shared: entries parked in consumers' blocked queues. */
  blockedCount: number;
  dispatching: boolean;
  again: boolean;
  timer: ReturnType<typeof setTimeout> | undefined;
  timerDue: number;
  deleted: boolean;
}

/** Per-transport state: closed flag and what to close with it. */
export interface ClientState {
  readonly store: StoreState;
  /** Copies handed to the application. */
  readonly slab: Slab;
  closed: boolean;
  readonly consumers: Set<ConsumerState>;
  readonly readers: Set<ReaderState>;
}

/** A consumer attached to a subscription: receiver queue, permits, timeouts. */
export interface ConsumerState {
  readonly id: number;
  readonly name: string;
  readonly sub: SubState;
  readonly client: ClientState;
  readonly receiverQueueSize: number;
  readonly ackTimeoutMs: number;
  readonly nackDelayMs: number;
  readonly maxRedeliveries: number | undefined;
  readonly deadLetterTopic: string;
  readonly hashSeed: number;
  /** Deliveries queued or handed out and not settled. */
  unacked: number;
  queue: (Delivery | undefined)[];
  qHead: number;
  readonly waiters: ((result: IteratorResult<InboundMessage>) => void)[];
  /** Handed-out deliveries in deadline order (ack timeout). */
  timeouts: Delivery[];
  tHead: number;
  /** key_shared: entries routed here but not deliverable yet (no permits, or recently joined). */
  blocked: ReplayItem[];
  bHead: number;
  /** key_shared: entries at or after this seq wait until markDelete reaches it (-1: none). */
  holdUntil: number;
  closed: boolean;
}

/** An open read() iteration; pins retention at its position. */
export interface ReaderState {
  pos: number;
  wake: (() => void) | undefined;
}
