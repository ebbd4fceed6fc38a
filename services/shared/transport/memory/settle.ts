/**
 * Settlement: ack, nack, ack timeouts and dead-lettering. One sweeper timer per subscription serves
 * every ack deadline and nack delay of its consumers (coarse: `sweepTickMs`), never one per message.
 */
import { dispatch, insertReplay, isAcked } from "./dispatch.ts";
import { appendEntry, firstSeq, getTopic, trimTopic } from "./store.ts";
import { DONE, OUT, type Delivery, type SubState } from "./types.ts";

/** Pulsar's DLQ properties: the original topic and message id. */
export const REAL_TOPIC = "REAL_TOPIC";
export const ORIGIN_MESSAGE_ID = "ORIGIN_MESSAGE_ID";

const TRIM_BATCH = 256;

/** Acknowledges a seq on the subscription's cursor (idempotent; any delivery of it is settled). */
export function ackSeq(sub: SubState, seq: number): void {
  if (sub.deleted || seq >= sub.readPos || isAcked(sub, seq)) return;
  const delivery = sub.pending.get(seq);
  if (delivery !== undefined) {
    sub.pending.delete(seq);
    delivery.state = DONE;
    delivery.consumer.unacked--;
  }
  if (seq === sub.markDelete) {
    let mark = seq + 1;
    if (sub.ackedAbove.size > 0) while (sub.ackedAbove.delete(mark)) mark++;
    sub.markDelete = mark;
    const topic = sub.topic;
    if (mark - firstSeq(topic) >= TRIM_BATCH) trimTopic(topic);
  } else {
    sub.ackedAbove.add(seq);
  }
  if (delivery !== undefined) dispatch(sub);
}

function deadLetter(sub: SubState, delivery: Delivery): void {
  const entry = delivery.entry;
  const properties = Object.freeze({
    ...entry.properties,
    [REAL_TOPIC]: sub.topic.name,
    [ORIGIN_MESSAGE_ID]: entry.id,
  });
  const dlq = getTopic(sub.topic.store, delivery.consumer.deadLetterTopic);
  appendEntry(dlq, entry.payload, entry.key, properties, entry.eventTime);
  ackSeq(sub, entry.seq);
}

/**
 * Takes a handed-out delivery back (nack or ack timeout): dead-letters it when it has been
 * redelivered maxRedeliveries times, otherwise queues it for redelivery after `delayMs`.
 */
export function redeliver(sub: SubState, delivery: Delivery, delayMs: number, now: number): void {
  if (delivery.state !== OUT || sub.deleted) return;
  const consumer = delivery.consumer;
  const max = consumer.maxRedeliveries;
  if (max !== undefined && delivery.redeliveryCount >= max) {
    deadLetter(sub, delivery);
    return;
  }
  const seq = delivery.entry.seq;
  sub.pending.delete(seq);
  delivery.state = DONE;
  consumer.unacked--;
  const item = { entry: delivery.entry, redeliveryCount: delivery.redeliveryCount + 1 };
  if (delayMs > 0) {
    const due = now + delayMs;
    sub.delayed.push({ ...item, due });
    arm(sub, due);
  } else {
    insertReplay(sub, item);
  }
}

/** Negative acknowledgement of one delivery (stale deliveries are ignored). */
export function nackDelivery(sub: SubState, delivery: Delivery, delayMs: number): void {
  if (delivery.state !== OUT) return;
  redeliver(sub, delivery, delayMs, delayMs > 0 ? Date.now() : 0);
  dispatch(sub);
}

/** Starts the ack deadline of a delivery just handed out. */
export function startAckTimeout(delivery: Delivery): void {
  const consumer = delivery.consumer;
  delivery.deadline = Date.now() + consumer.ackTimeoutMs;
  consumer.timeouts.push(delivery);
  arm(consumer.sub, delivery.deadline);
}

/** Ensures the subscription's sweeper fires by `due` (an earlier armed timer is kept). */
export function arm(sub: SubState, due: number): void {
  const tick = sub.topic.store.sweepTickMs;
  if (sub.timer !== undefined) {
    if (sub.timerDue <= due + tick) return;
    clearTimeout(sub.timer);
  }
  sub.timerDue = due;
  sub.timer = setTimeout(sweep, Math.max(tick, due - Date.now()), sub);
  // The memory transport holds no sockets; its timers must not keep a process alive either.
  sub.timer.unref();
}

/** Cancels the sweeper (subscription deleted). */
export function disarm(sub: SubState): void {
  if (sub.timer !== undefined) clearTimeout(sub.timer);
  sub.timer = undefined;
}

function sweep(sub: SubState): void {
  sub.timer = undefined;
  if (sub.deleted) return;
  const now = Date.now();
  let next = Infinity;
  for (const consumer of sub.consumers) {
    const timeouts = consumer.timeouts;
    while (consumer.tHead < timeouts.length) {
      const delivery = timeouts[consumer.tHead];
      if (delivery.state === OUT && delivery.deadline > now) {
        next = Math.min(next, delivery.deadline);
        break;
      }
      consumer.tHead++;
      if (delivery.state === OUT) redeliver(sub, delivery, 0, now);
    }
    if (consumer.tHead === timeouts.length) {
      consumer.timeouts = [];
      consumer.tHead = 0;
    } else if (consumer.tHead >= 1024) {
      consumer.timeouts = timeouts.slice(consumer.tHead);
      consumer.tHead = 0;
    }
  }
  if (sub.delayed.length > 0) {
    const waiting = [];
    for (const item of sub.delayed) {
      if (isAcked(sub, item.entry.seq)) continue;
      if (item.due <= now) insertReplay(sub, item);
      else {
        waiting.push(item);
        next = Math.min(next, item.due);
      }
    }
    sub.delayed = waiting;
  }
  dispatch(sub);
  if (next !== Infinity) arm(sub, next);
}
