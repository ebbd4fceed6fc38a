/**
 * The memory transport's broker: topics as retained logs, compacted views, retention trimming.
 * A store outlives the transports created over it, so a closed-and-recreated transport ("restart")
 * sees retained messages and subscription cursors, as a client reconnecting to a Pulsar broker does.
 */
import { RtmlError } from "../../errors.ts";
import { dispatch } from "./dispatch.ts";
import { createSlab } from "./slab.ts";
import type { Entry, StoreState, TopicState } from "./types.ts";

/** Broker-level settings of a memory store. */
export interface MemoryStoreOptions {
  /**
   * Messages retained on a topic that has no subscription (oldest dropped first). Topics with
   * subscriptions are trimmed below their slowest cursor instead. Default 100 000.
   */
  retainWithoutSubscriptions?: number;
  /** Largest accepted payload in bytes (Pulsar's default maxMessageSize). Default 5 MiB. */
  maxMessageBytes?: number;
  /** Coarseness of the ack-timeout / nack-delay sweeper in ms (one timer per subscription). Default 10. */
  sweepTickMs?: number;
}

/**
 * A broker-like store shared by memory transports. Opaque: pass it to `createMemoryTransport({ store })`.
 *
 * @example
 * const store = createMemoryStore();
 * const a = await createMemoryTransport({ store });
 * await a.publish("t", new Uint8Array([1]));
 * await a.close();
 * const b = await createMemoryTransport({ store }); // sees the retained message
 */
export interface MemoryStore {
  /** The names of the topics the store holds. */
  topicNames(): string[];
}

const states = new WeakMap<MemoryStore, StoreState>();

function positiveInt(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new RtmlError("INVALID_ARGUMENT", `${name} must be a positive integer`, { details: { [name]: value } });
  }
  return value;
}

/** Creates an empty store. */
export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const state: StoreState = {
    topics: new Map(),
    nextTopicId: 1,
    retainWithoutSubscriptions: positiveInt("retainWithoutSubscriptions", options.retainWithoutSubscriptions, 100_000),
    maxMessageBytes: positiveInt("maxMessageBytes", options.maxMessageBytes, 5 * 1024 * 1024),
    sweepTickMs: positiveInt("sweepTickMs", options.sweepTickMs, 10),
    slab: createSlab(64 * 1024, 4096),
  };
  const store: MemoryStore = { topicNames: () => [...state.topics.keys()] };
  states.set(store, state);
  return store;
}

/** The internal state behind a store handle. */
export function storeState(store: MemoryStore): StoreState {
  const state = states.get(store);
  if (state === undefined) throw new RtmlError("INVALID_ARGUMENT", "not a memory store (use createMemoryStore())");
  return state;
}

/** Returns the topic, creating it with defaults when missing. */
export function getTopic(store: StoreState, name: string): TopicState {
  let topic = store.topics.get(name);
  if (topic === undefined) {
    topic = {
      name,
      store,
      topicId: store.nextTopicId++,
      compacted: false,
      view: undefined,
      log: [],
      base: 0,
      head: 0,
      nextSeq: 0,
      published: 0,
      subs: new Map(),
      readers: new Set(),
    };
    store.topics.set(name, topic);
  }
  return topic;
}

/** Seq of the oldest retained entry. */
export function firstSeq(topic: TopicState): number {
  return topic.base + topic.head;
}

/** The retained entry with this seq (callers only ask for seqs in [firstSeq, nextSeq)). */
export function entryAt(topic: TopicState, seq: number): Entry {
  return topic.log[seq - topic.base] as Entry;
}

function updateView(view: Map<string, Entry>, entry: Entry): void {
  if (entry.key === undefined) return; // null-key messages are dropped by compaction (Pulsar >= 3.2 default)
  // The view is unordered; readers sort it by sequence. (Deleting and re-inserting a key on every write
  // to keep write order made V8 rehash the map again and again: ~15 µs a write on a busy changelog.)
  if (entry.payload.byteLength > 0) view.set(entry.key, entry);
  else view.delete(entry.key); // an empty payload is a tombstone
}

/** Marks a topic compacted, building its view from what is retained. */
export function enableCompaction(topic: TopicState): void {
  if (topic.compacted) return;
  topic.compacted = true;
  const view = new Map<string, Entry>();
  for (let seq = firstSeq(topic); seq < topic.nextSeq; seq++) updateView(view, entryAt(topic, seq));
  topic.view = view;
}

/**
 * Appends a message (payload and properties must already be private, immutable copies) and
 * dispatches it to the topic's subscriptions and tailing readers.
 */
export function appendEntry(
  topic: TopicState,
  payload: Uint8Array,
  key: string | undefined,
  properties: Readonly<Record<string, string>>,
  eventTime: number | undefined,
): Entry {
  const seq = topic.nextSeq++;
  const entry: Entry = {
    seq,
    id: `${topic.topicId}:${seq}`,
    key,
    payload,
    properties,
    eventTime,
    publishTime: Date.now(),
    keyHash: -1,
  };
  topic.log.push(entry);
  topic.published++;
  if (topic.view !== undefined) updateView(topic.view, entry);
  if (topic.subs.size === 0) {
    if (topic.nextSeq - firstSeq(topic) > topic.store.retainWithoutSubscriptions) trimTopic(topic);
  } else {
    for (const sub of topic.subs.values()) dispatch(sub);
  }
  if (topic.readers.size > 0) {
    for (const reader of topic.readers) {
      const wake = reader.wake;
      if (wake !== undefined) {
        reader.wake = undefined;
        wake();
      }
    }
  }
  return entry;
}

/**
 * Frees entries no one needs: below the slowest subscription cursor and open reader, or beyond
 * `retainWithoutSubscriptions` when the topic has no subscription. Amortised O(1) per entry.
 */
export function trimTopic(topic: TopicState): void {
  let limit: number;
  if (topic.subs.size === 0) {
    limit = topic.nextSeq - topic.store.retainWithoutSubscriptions;
  } else {
    limit = topic.nextSeq;
    for (const sub of topic.subs.values()) if (sub.markDelete < limit) limit = sub.markDelete;
    for (const reader of topic.readers) if (reader.pos < limit) limit = reader.pos;
  }
  const end = limit - topic.base;
  if (end <= topic.head) return;
  const log = topic.log;
  for (let i = topic.head; i < end; i++) log[i] = undefined;
  topic.head = end;
  if (topic.head === log.length) {
    topic.log = [];
    topic.base += topic.head;
    topic.head = 0;
  } else if (topic.head >= 1024 && topic.head * 2 >= log.length) {
    topic.log = log.slice(topic.head);
    topic.base += topic.head;
    topic.head = 0;
  }
}
