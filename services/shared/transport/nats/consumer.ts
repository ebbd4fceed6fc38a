/**
 * Consumers of the NATS transport: the receiver queue behind a Subscription's iterator, the messages
 * handed out, and how they settle. Ack / nack map to JetStream ack / nak; ack timeout is client-side
 * (a nak when it fires, as Pulsar's client does), while the server's ack_wait only covers a crashed
 * process (held messages are kept alive with `working()`; a redelivery of one after a stall only refreshes
 * it, puller.ts refreshHeld); dead-lettering is client-side: publish to
 * the dead-letter topic, then `term`.
 */
import { RtmlError } from "../../errors.ts";
import type { InboundMessage } from "../transport.ts";
import { decodeHeaders } from "./codec.ts";
import { DONE, OUT, QUEUED, type Held, type LocalConsumer } from "./types.ts";

const END: IteratorResult<InboundMessage> = Object.freeze({ done: true, value: undefined });

function closedError(what: string): RtmlError {
  return new RtmlError("FAILED_PRECONDITION", `nats transport is closed: cannot ${what}`);
}

/** Builds the InboundMessage of a JetStream message (no delivery: read(), ack and nack do nothing). */
export function toInbound(topic: string, held: Held | { m: Held["m"] }, settle?: Settlers): InboundMessage {
  const m = held.m;
  const decoded = decodeHeaders(m.headers);
  const info = m.info;
  const noop = (): Promise<void> => Promise.resolve();
  return {
    topic,
    messageId: String(info.streamSequence),
    key: decoded.key,
    payload: m.data.slice(),
    properties: decoded.properties,
    eventTime: decoded.eventTime,
    publishTime: Number(m.timestampNanos / 1_000_000n),
    redeliveryCount: "redeliveryCount" in held ? held.redeliveryCount : info.deliveryCount - 1,
    ack: settle?.ack ?? noop,
    nack: settle?.nack ?? noop,
  };
}

interface Settlers {
  ack(): Promise<void>;
  nack(delayMs?: number): Promise<void>;
}

/** Marks a delivery settled and frees its permit. */
export function release(held: Held): void {
  if (held.state === DONE) return;
  held.state = DONE;
  if (held.timer !== undefined) clearTimeout(held.timer);
  const consumer = held.consumer;
  if (consumer === undefined) return;
  if (consumer.held.get(held.seq) === held) consumer.held.delete(held.seq);
  consumer.outstanding--;
  const keyed = consumer.group.keyed;
  if (keyed !== undefined && held.key !== undefined) {
    const slot = keyed.inflight.get(held.key);
    if (slot !== undefined && slot.consumer === consumer && --slot.count <= 0) keyed.inflight.delete(held.key);
  }
  consumer.kick?.();
  keyed?.kick?.();
}

/** Redelivers (nak) or, past maxRedeliveries, dead-letters a delivery. */
export async function redeliver(held: Held, delayMs: number): Promise<void> {
  const consumer = held.consumer as LocalConsumer;
  const max = consumer.options.maxRedeliveries;
  release(held);
  if (consumer.group.client.closed) return;
  if (max !== undefined && held.redeliveryCount >= max) {
    await deadLetter(consumer, held);
    return;
  }
  const nacked = consumer.group.nacked;
  nacked.set(held.seq, { count: held.redeliveryCount, stalls: Math.max(0, held.serverCount - 1 - held.redeliveryCount) });
  if (nacked.size > MAX_NACKED) nacked.delete(nacked.keys().next().value as number); // taken by another process
  safely(() => (delayMs > 0 ? held.m.nak(delayMs) : held.m.nak()));
}

const MAX_NACKED = 10_000;

/** Runs an ack-protocol publish; a closed connection throws, and the server then redelivers anyway. */
export function safely(send: () => void): void {
  try {
    send();
  } catch {
    // Connection closed: ack_wait redelivers what this client held.
  }
}

async function deadLetter(consumer: LocalConsumer, held: Held): Promise<void> {
  const topic = consumer.group.names.topic;
  const d = decodeHeaders(held.m.headers);
  try {
    await consumer.group.client.publish(consumer.deadLetterTopic, held.m.data, {
      key: d.key,
      eventTime: d.eventTime,
      properties: { ...d.properties, REAL_TOPIC: topic, ORIGIN_MESSAGE_ID: String(held.seq) },
    });
    safely(() => held.m.term(`dead-lettered to ${consumer.deadLetterTopic}`));
  } catch (err) {
    consumer.group.client.onFault(err);
    if (!consumer.group.client.closed) safely(() => held.m.nak(consumer.options.nackDelayMs));
  }
}

function handOut(consumer: LocalConsumer, held: Held): InboundMessage {
  held.state = OUT;
  const ackTimeoutMs = consumer.options.ackTimeoutMs;
  if (ackTimeoutMs > 0) {
    held.timer = setTimeout(() => {
      held.timer = undefined;
      if (held.state === OUT) void redeliver(held, 0);
    }, ackTimeoutMs);
  }
  const client = consumer.group.client;
  return toInbound(consumer.group.names.topic, held, {
    ack() {
      if (client.closed) return Promise.reject(closedError("ack"));
      release(held);
      // Batched with the turn's other writes; also acks through an earlier delivery: the server acks the stream sequence.
      client.defer(() => safely(() => held.m.ack()));
      return Promise.resolve();
    },
    nack(delayMs?: number) {
      if (delayMs !== undefined && !(delayMs >= 0 && Number.isFinite(delayMs))) {
        return Promise.reject(new RtmlError("INVALID_ARGUMENT", "nack delayMs must be a finite number >= 0"));
      }
      if (held.state !== OUT || client.closed) return Promise.resolve();
      return redeliver(held, delayMs ?? consumer.options.nackDelayMs);
    },
  });
}

/** Makes the consumer hold a delivery (it counts against its permits until settled). */
export function adopt(consumer: LocalConsumer, held: Held): void {
  // A server redelivery of a message this consumer holds never gets here (puller.ts refreshHeld).
  held.consumer = consumer;
  held.state = QUEUED;
  consumer.held.set(held.seq, held);
  consumer.outstanding++;
}

/** Queues a delivery for the consumer, or hands it straight to a waiting next(). */
export function offer(consumer: LocalConsumer, held: Held): void {
  adopt(consumer, held);
  const waiter = consumer.waiters.shift();
  if (waiter !== undefined) waiter({ done: false, value: handOut(consumer, held) });
  else consumer.queue.push(held);
}

/** The iterator's next(). */
export function nextMessage(consumer: LocalConsumer): Promise<IteratorResult<InboundMessage>> {
  if (consumer.closed) return Promise.resolve(END);
  while (consumer.queue.length > 0) {
    const held = consumer.queue.shift() as Held;
    if (held.state === QUEUED) {
      // Queued long enough to matter: restart the server's ack_wait clock at hand-out.
      const now = Date.now();
      if (now - held.touched > consumer.group.client.ackWaitMs / 4) {
        safely(() => held.m.working());
        held.touched = now;
      }
      return Promise.resolve({ done: false, value: handOut(consumer, held) });
    }
  }
  return new Promise((resolve) => consumer.waiters.push(resolve));
}

/** Keeps the server from redelivering what this live client holds (queued, out or parked). */
export function touchHeld(consumer: LocalConsumer, now: number): void {
  const limit = now - consumer.group.client.ackWaitMs / 3;
  const touch = (held: Held): void => {
    if (held.state !== DONE && held.touched < limit) {
      safely(() => held.m.working());
      held.touched = now;
    }
  };
  consumer.held.forEach(touch);
  consumer.parked.forEach(touch);
}

/** Ends the consumer's iteration and wakes its puller; what it holds stays held (see nakHeld). */
export function endConsumer(consumer: LocalConsumer): void {
  if (consumer.closed) return;
  consumer.closed = true;
  for (const waiter of consumer.waiters.splice(0)) waiter(END);
  consumer.kick?.();
  const group = consumer.group;
  const index = group.consumers.indexOf(consumer);
  if (index >= 0) group.consumers.splice(index, 1);
}

/**
 * Naks, in stream order, everything the consumer holds (queued, handed out, parked), so the server
 * redelivers it at once. Call it only when no pull request of this consumer is open: JetStream 2.9
 * hands a nacked message to any waiting pull request, even one whose client stopped listening.
 */
export function nakHeld(consumer: LocalConsumer): void {
  const all = [...consumer.held.values(), ...consumer.parked].filter((h) => h.state !== DONE);
  all.sort((a, b) => a.seq - b.seq);
  consumer.queue = [];
  consumer.parked = [];
  for (const held of all) {
    release(held);
    safely(() => held.m.nak());
  }
}
