/**
 * Consumers: the receiver queue behind a Subscription's async iterator, and the messages it hands out.
 * Delivery goes through resolved promises (no macrotask per message).
 */
import { RtmlError } from "../../errors.ts";
import type { InboundMessage, Subscription } from "../transport.ts";
import { detach, insertReplay } from "./dispatch.ts";
import { ackSeq, disarm, nackDelivery, startAckTimeout } from "./settle.ts";
import { copyBytes } from "./slab.ts";
import { trimTopic } from "./store.ts";
import { DONE, OUT, QUEUED, type ClientState, type ConsumerState, type Delivery, type Entry, type SubState } from "./types.ts";

const RESOLVED: Promise<void> = Promise.resolve();
const END: IteratorResult<InboundMessage> = Object.freeze({ done: true, value: undefined });

function closedError(what: string): RtmlError {
  return new RtmlError("FAILED_PRECONDITION", `memory transport is closed: cannot ${what}`);
}

/** A message handed to the application; ack/nack act on the subscription's cursor. */
class MemoryMessage implements InboundMessage {
  readonly topic: string;
  readonly messageId: string;
  readonly key: string | undefined;
  readonly payload: Uint8Array;
  readonly properties: Readonly<Record<string, string>>;
  readonly eventTime: number | undefined;
  readonly publishTime: number;
  readonly redeliveryCount: number;
  readonly #delivery: Delivery | undefined;

  constructor(topic: string, payload: Uint8Array, entry: Entry, redeliveryCount: number, delivery: Delivery | undefined) {
    this.topic = topic;
    this.messageId = entry.id;
    this.key = entry.key;
    this.payload = payload;
    this.properties = entry.properties;
    this.eventTime = entry.eventTime;
    this.publishTime = entry.publishTime;
    this.redeliveryCount = redeliveryCount;
    this.#delivery = delivery;
  }

  ack(): Promise<void> {
    const delivery = this.#delivery;
    if (delivery === undefined) return RESOLVED; // read(): nothing to acknowledge
    const consumer = delivery.consumer;
    if (consumer.client.closed) return Promise.reject(closedError("ack"));
    ackSeq(consumer.sub, delivery.entry.seq);
    return RESOLVED;
  }

  nack(delayMs?: number): Promise<void> {
    const delivery = this.#delivery;
    if (delivery === undefined) return RESOLVED;
    if (delayMs !== undefined && !(delayMs >= 0 && Number.isFinite(delayMs))) {
      return Promise.reject(new RtmlError("INVALID_ARGUMENT", "nack delayMs must be a finite number >= 0"));
    }
    const consumer = delivery.consumer;
    if (!consumer.client.closed) nackDelivery(consumer.sub, delivery, delayMs ?? consumer.nackDelayMs);
    return RESOLVED;
  }
}

/** A message from read(): no subscription, so ack and nack do nothing. */
export function readMessage(client: ClientState, topic: string, entry: Entry): InboundMessage {
  return new MemoryMessage(topic, copyBytes(client.slab, entry.payload), entry, 0, undefined);
}

function handOut(consumer: ConsumerState, delivery: Delivery): InboundMessage {
  delivery.state = OUT;
  if (consumer.ackTimeoutMs > 0) startAckTimeout(delivery);
  const entry = delivery.entry;
  const payload = copyBytes(consumer.client.slab, entry.payload);
  return new MemoryMessage(consumer.sub.topic.name, payload, entry, delivery.redeliveryCount, delivery);
}

/** Puts a delivery in the consumer's receiver queue, or straight into a waiting next(). */
export function offer(consumer: ConsumerState, delivery: Delivery): void {
  if (consumer.waiters.length > 0 && consumer.qHead === consumer.queue.length) {
    const waiter = consumer.waiters.shift() as (r: IteratorResult<InboundMessage>) => void;
    waiter({ done: false, value: handOut(consumer, delivery) });
    return;
  }
  consumer.queue.push(delivery);
}

/** Takes back deliveries still in the receiver queue (failover: another consumer became active). */
export function reclaimQueued(consumer: ConsumerState): void {
  const sub = consumer.sub;
  for (let i = consumer.qHead; i < consumer.queue.length; i++) {
    const delivery = consumer.queue[i];
    if (delivery === undefined || delivery.state !== QUEUED) continue;
    sub.pending.delete(delivery.entry.seq);
    delivery.state = DONE;
    consumer.unacked--;
    insertReplay(sub, { entry: delivery.entry, redeliveryCount: delivery.redeliveryCount });
  }
  consumer.queue = [];
  consumer.qHead = 0;
}

function next(consumer: ConsumerState): Promise<IteratorResult<InboundMessage>> {
  if (consumer.closed) return Promise.resolve(END);
  const queue = consumer.queue;
  while (consumer.qHead < queue.length) {
    const delivery = queue[consumer.qHead] as Delivery;
    queue[consumer.qHead++] = undefined;
    if (consumer.qHead === queue.length) {
      consumer.queue = [];
      consumer.qHead = 0;
    } else if (consumer.qHead >= 1024 && consumer.qHead * 2 >= queue.length) {
      consumer.queue = queue.slice(consumer.qHead);
      consumer.qHead = 0;
    }
    if (delivery.state === QUEUED) return Promise.resolve({ done: false, value: handOut(consumer, delivery) });
  }
  return new Promise((resolve) => consumer.waiters.push(resolve));
}

/** Detaches the consumer, redelivering its unacked messages, and ends its iteration. */
export function closeConsumer(consumer: ConsumerState): void {
  if (consumer.closed) return;
  consumer.closed = true;
  consumer.client.consumers.delete(consumer);
  consumer.queue = [];
  consumer.qHead = 0;
  consumer.timeouts = [];
  consumer.tHead = 0;
  detach(consumer.sub, consumer);
  for (const waiter of consumer.waiters.splice(0)) waiter(END);
}

function deleteSubscription(sub: SubState): void {
  sub.deleted = true;
  disarm(sub);
  sub.topic.subs.delete(sub.name);
  sub.pending.clear();
  sub.replay = [];
  sub.delayed = [];
  trimTopic(sub.topic);
}

/**
 * The public Subscription over a consumer. Breaking out of a `for await` loop (the iterator's
 * `return()`) closes the consumer, as `close()` does.
 */
export function subscriptionHandle(consumer: ConsumerState): Subscription {
  const sub = consumer.sub;
  const iterator: AsyncIterableIterator<InboundMessage> = {
    next: () => next(consumer),
    return: () => {
      closeConsumer(consumer);
      return Promise.resolve(END);
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return {
    topic: sub.topic.name,
    subscription: sub.name,
    [Symbol.asyncIterator]: () => iterator,
    close: () => {
      closeConsumer(consumer);
      return RESOLVED;
    },
    unsubscribe: () => {
      if (consumer.client.closed) return Promise.reject(closedError("unsubscribe"));
      const others = sub.consumers.filter((c) => c !== consumer).length;
      if (others > 0) {
        return Promise.reject(
          new RtmlError("FAILED_PRECONDITION", `subscription ${sub.name} has ${others} other consumer(s) connected`),
        );
      }
      closeConsumer(consumer);
      if (!sub.deleted) deleteSubscription(sub);
      return RESOLVED;
    },
  };
}
