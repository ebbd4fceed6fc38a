/**
 * Dispatch: moves entries from a subscription's replay queue and log cursor into consumers'
 * receiver queues, honouring permits (receiverQueueSize) and the subscription type's routing.
 */
import { offer, reclaimQueued } from "./consumer.ts";
import { entryAt } from "./store.ts";
import { DONE, QUEUED, type ConsumerState, type Delivery, type Entry, type ReplayItem, type SubState } from "./types.ts";

/** True when the seq is acknowledged on the subscription. */
export function isAcked(sub: SubState, seq: number): boolean {
  return seq < sub.markDelete || sub.ackedAbove.has(seq);
}

/** Inserts into the replay queue keeping it sorted by seq (usually an append). */
export function insertReplay(sub: SubState, item: ReplayItem): void {
  const replay = sub.replay;
  const seq = item.entry.seq;
  if (replay.length === 0 || replay[replay.length - 1].entry.seq < seq) {
    replay.push(item);
    return;
  }
  let lo = 0;
  let hi = replay.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (replay[mid].entry.seq < seq) lo = mid + 1;
    else hi = mid;
  }
  replay.splice(lo, 0, item);
}

/** Adds many items to the replay queue (one sort). */
export function replayAll(sub: SubState, items: ReplayItem[]): void {
  if (items.length === 0) return;
  for (const item of items) sub.replay.push(item);
  sub.replay.sort((a, b) => a.entry.seq - b.entry.seq);
}

let takenCount = 0;

function takeNext(sub: SubState): Entry | undefined {
  while (sub.replay.length > 0) {
    const item = sub.replay.shift() as ReplayItem;
    if (isAcked(sub, item.entry.seq)) continue;
    takenCount = item.redeliveryCount;
    return item.entry;
  }
  const topic = sub.topic;
  if (sub.readPos < topic.nextSeq) {
    takenCount = 0;
    return entryAt(topic, sub.readPos++);
  }
  return undefined;
}

function deliver(sub: SubState, consumer: ConsumerState, entry: Entry, redeliveryCount: number): void {
  const delivery: Delivery = { entry, redeliveryCount, consumer, state: QUEUED, deadline: 0 };
  sub.pending.set(entry.seq, delivery);
  consumer.unacked++;
  offer(consumer, delivery);
}

/** Delivers whatever the consumers have permits for. Re-entrant calls are folded into one loop. */
export function dispatch(sub: SubState): void {
  if (sub.dispatching) {
    sub.again = true;
    return;
  }
  if (sub.consumers.length === 0 || sub.deleted) return;
  sub.dispatching = true;
  try {
    do {
      sub.again = false;
      if (sub.type === "shared") dispatchShared(sub);
      else if (sub.type === "key_shared") dispatchKeyShared(sub);
      else dispatchSingle(sub);
    } while (sub.again);
  } finally {
    sub.dispatching = false;
  }
}

function dispatchSingle(sub: SubState): void {
  const consumer = sub.active;
  if (consumer === undefined) return;
  while (consumer.unacked < consumer.receiverQueueSize) {
    const entry = takeNext(sub);
    if (entry === undefined) return;
    deliver(sub, consumer, entry, takenCount);
  }
}

function nextWithPermits(sub: SubState): ConsumerState | undefined {
  const consumers = sub.consumers;
  const n = consumers.length;
  for (let i = 0; i < n; i++) {
    const index = (sub.rr + i) % n;
    const consumer = consumers[index];
    if (consumer.unacked < consumer.receiverQueueSize) {
      sub.rr = (index + 1) % n;
      return consumer;
    }
  }
  return undefined;
}

function dispatchShared(sub: SubState): void {
  while (sub.replay.length > 0 || sub.readPos < sub.topic.nextSeq) {
    const consumer = nextWithPermits(sub);
    if (consumer === undefined) return;
    const entry = takeNext(sub);
    if (entry === undefined) return;
    deliver(sub, consumer, entry, takenCount);
  }
}

/** FNV-1a over the key's UTF-16 code units. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Rendezvous hashing: stable per key while the consumer set is unchanged, minimal moves when it changes. */
function route(sub: SubState, entry: Entry): ConsumerState {
  if (entry.keyHash === -1) entry.keyHash = hashString(entry.key ?? "");
  const consumers = sub.consumers;
  let best = consumers[0];
  let bestScore = mix(entry.keyHash ^ best.hashSeed);
  for (let i = 1; i < consumers.length; i++) {
    const score = mix(entry.keyHash ^ consumers[i].hashSeed);
    if (score > bestScore) {
      best = consumers[i];
      bestScore = score;
    }
  }
  return best;
}

function held(sub: SubState, consumer: ConsumerState, seq: number): boolean {
  if (consumer.holdUntil < 0) return false;
  if (sub.markDelete >= consumer.holdUntil) {
    consumer.holdUntil = -1;
    return false;
  }
  return seq >= consumer.holdUntil;
}

function drainBlocked(sub: SubState, consumer: ConsumerState): void {
  const blocked = consumer.blocked;
  while (consumer.bHead < blocked.length && consumer.unacked < consumer.receiverQueueSize) {
    const item = blocked[consumer.bHead];
    if (!isAcked(sub, item.entry.seq)) {
      if (held(sub, consumer, item.entry.seq)) break;
      deliver(sub, consumer, item.entry, item.redeliveryCount);
    }
    consumer.bHead++;
    sub.blockedCount--;
  }
  if (consumer.bHead === blocked.length) {
    consumer.blocked = [];
    consumer.bHead = 0;
  } else if (consumer.bHead >= 1024) {
    consumer.blocked = blocked.slice(consumer.bHead);
    consumer.bHead = 0;
  }
}

function dispatchKeyShared(sub: SubState): void {
  let capacity = 0;
  for (const consumer of sub.consumers) {
    if (consumer.bHead < consumer.blocked.length) drainBlocked(sub, consumer);
    capacity += consumer.receiverQueueSize;
  }
  // Look ahead past blocked keys, but not without bound: at most 10x the consumers' queues parked.
  const lookahead = capacity * 10;
  for (;;) {
    if (sub.replay.length === 0 && sub.blockedCount >= lookahead) return;
    const entry = takeNext(sub);
    if (entry === undefined) return;
    const consumer = route(sub, entry);
    if (
      consumer.bHead < consumer.blocked.length ||
      consumer.unacked >= consumer.receiverQueueSize ||
      held(sub, consumer, entry.seq)
    ) {
      consumer.blocked.push({ entry, redeliveryCount: takenCount });
      sub.blockedCount++;
    } else {
      deliver(sub, consumer, entry, takenCount);
    }
  }
}

/** key_shared: the consumer set changed, so every parked entry is routed again. */
function unparkAll(sub: SubState): void {
  const items: ReplayItem[] = [];
  for (const consumer of sub.consumers) {
    for (let i = consumer.bHead; i < consumer.blocked.length; i++) items.push(consumer.blocked[i]);
    consumer.blocked = [];
    consumer.bHead = 0;
  }
  sub.blockedCount = 0;
  replayAll(sub, items);
}

/** exclusive / failover: the active consumer is the first by name (ties: the earliest attached). */
export function electActive(sub: SubState): void {
  let best: ConsumerState | undefined;
  for (const consumer of sub.consumers) if (best === undefined || consumer.name < best.name) best = consumer;
  const previous = sub.active;
  sub.active = best;
  if (previous !== undefined && previous !== best && !previous.closed) reclaimQueued(previous);
}

/** Adds a consumer (the caller checked type compatibility) and dispatches. */
export function attach(sub: SubState, consumer: ConsumerState): void {
  if (sub.type === "key_shared") {
    unparkAll(sub);
    // Like Pulsar's "recently joined consumers": keep new keys' order behind what is in flight.
    consumer.holdUntil = sub.markDelete < sub.readPos ? sub.readPos : -1;
  }
  sub.consumers.push(consumer);
  if (sub.type === "exclusive" || sub.type === "failover") electActive(sub);
  dispatch(sub);
}

/** Removes a consumer; its queued and unacked messages go back for redelivery. */
export function detach(sub: SubState, consumer: ConsumerState): void {
  const index = sub.consumers.indexOf(consumer);
  if (index < 0) return;
  if (sub.type === "key_shared") unparkAll(sub);
  sub.consumers.splice(index, 1);
  if (sub.rr >= sub.consumers.length) sub.rr = 0;
  const items: ReplayItem[] = [];
  for (const [seq, delivery] of sub.pending) {
    if (delivery.consumer !== consumer) continue;
    sub.pending.delete(seq);
    const handedOut = delivery.state !== QUEUED;
    delivery.state = DONE;
    items.push({ entry: delivery.entry, redeliveryCount: delivery.redeliveryCount + (handedOut ? 1 : 0) });
  }
  consumer.unacked = 0;
  replayAll(sub, items);
  if (sub.type === "exclusive" || sub.type === "failover") electActive(sub);
  dispatch(sub);
}
