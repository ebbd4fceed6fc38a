/** Internal state shapes of the NATS transport (not part of the public API). */
import type { Consumer, JsMsg } from "@nats-io/jetstream";
import type { InboundMessage, PublishOptions } from "../transport.ts";
import type { ValidSubscribe } from "../memory/validate.ts";
import type { Lease } from "./leases.ts";
import type { TopicNames } from "./names.ts";

export const QUEUED = 0;
export const OUT = 1;
export const DONE = 2;

/** One delivery held by this client: queued in a consumer, handed out, or settled. */
export interface Held {
  readonly m: JsMsg;
  readonly seq: number;
  readonly key: string | undefined;
  readonly redeliveryCount: number;
  /**
   * The server's delivery count at its latest delivery of it to this client: above redeliveryCount + 1 when
   * the server redelivered it while held (a stall past ack_wait; see refreshHeld in puller.ts).
   */
  serverCount: number;
  consumer: LocalConsumer | undefined;
  state: typeof QUEUED | typeof OUT | typeof DONE;
  /** Last time the server's ack_wait clock was reset for it (receipt or `working()`). */
  touched: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** What consumers need from their transport. */
export interface ClientContext {
  readonly id: string;
  closed: boolean;
  readonly ackWaitMs: number;
  readonly fetchExpiresMs: number;
  publish(topic: string, payload: Uint8Array, options: PublishOptions): Promise<string>;
  /** Runs a small protocol write (an ack) batched with the others of this event-loop turn (write-batcher.ts). */
  defer(write: () => void): void;
  onFault(err: unknown): void;
}

/** This transport's consumers of one subscription. */
export interface Group {
  readonly client: ClientContext;
  readonly names: TopicNames;
  readonly subscription: string;
  readonly durable: string;
  readonly leaseKey: string;
  readonly jsConsumer: Consumer;
  readonly consumers: LocalConsumer[];
  /** key_shared: the group's puller and routing state. */
  keyed: KeyedState | undefined;
  /**
   * Stream sequence → deliveries this client nacked, until they come back: the redelivery count, and how
   * many of the server's deliveries were refreshes of a held message (not failures). nats-server 2.9 rolls a
   * message's delivery count back when it redelivers it into a pull request that expired meanwhile, so a
   * nacked message can come back as a first delivery; counts here never go down.
   */
  readonly nacked: Map<number, Nacked>;
}

export interface Nacked {
  count: number;
  stalls: number;
}

export interface KeyedState {
  lease: Lease | undefined;
  stopped: boolean;
  /** Per key: the consumer that has messages of it in flight, and how many. */
  readonly inflight: Map<string, { consumer: LocalConsumer; count: number }>;
  kick: (() => void) | undefined;
  loop: Promise<void> | undefined;
  /** Arrived after the group stopped: nacked once its loop ended. */
  readonly late: Held[];
}

/** A consumer attached to a subscription in this transport. */
export interface LocalConsumer {
  readonly id: number;
  readonly name: string;
  readonly group: Group;
  readonly options: ValidSubscribe;
  readonly deadLetterTopic: string;
  readonly hashSeed: number;
  /** Queued or handed out, not settled (counts against receiverQueueSize). */
  outstanding: number;
  queue: Held[];
  /** key_shared: routed here, waiting for a permit. */
  parked: Held[];
  readonly held: Map<number, Held>;
  readonly waiters: ((result: IteratorResult<InboundMessage>) => void)[];
  lease: Lease | undefined;
  closed: boolean;
  /** Wakes this consumer's puller (a permit was freed, or it closed). */
  kick: (() => void) | undefined;
  /** The consumer's background pull (and lease) loop; it ends after its open pull request ends. */
  loop: Promise<void> | undefined;
}
