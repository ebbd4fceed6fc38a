/**
 * The in-memory transport: a real implementation of Pulsar's semantics over a broker-like store
 * (retained logs, subscription cursors, four subscription types, permits, ack / nack / ack timeout,
 * redelivery counts, dead-letter topics, compacted reads). Payloads are copied on publish and on
 * every hand-out, so neither a publisher nor a consumer can change what others see.
 */
import { RtmlError } from "../../errors.ts";
import type {
  PublishOptions,
  SubscribeOptions,
  Subscription,
  SubscriptionStats,
  SubscriptionType,
  TopicOptions,
  TopicStats,
  Transport,
} from "../transport.ts";
import { attach, hashString } from "./dispatch.ts";
import { closeConsumer, subscriptionHandle } from "./consumer.ts";
import { closeReaders, createRead } from "./reader.ts";
import { createSlab } from "./slab.ts";
import { appendEntry, createMemoryStore, enableCompaction, firstSeq, getTopic, storeState } from "./store.ts";
import type { MemoryStore, MemoryStoreOptions } from "./store.ts";
import type { ClientState, ConsumerState, SubState, TopicState } from "./types.ts";
import { validateSubscribe, validatePublish, validateTopic } from "./validate.ts";

export { createMemoryStore } from "./store.ts";
export type { MemoryStore, MemoryStoreOptions } from "./store.ts";
export { ORIGIN_MESSAGE_ID, REAL_TOPIC } from "./settle.ts";

/** Options of {@link createMemoryTransport}. */
export interface MemoryTransportOptions extends MemoryStoreOptions {
  /**
   * The broker-like store to connect to. Transports over one store share topics and subscription
   * cursors, so closing one and creating another is a reconnect. Default: a new private store
   * (built from the store options given here).
   */
  store?: MemoryStore;
}

let nextConsumerId = 1;

function createSubState(topic: TopicState, name: string, type: SubscriptionType, latest: boolean): SubState {
  const start = latest ? topic.nextSeq : firstSeq(topic);
  return {
    topic,
    name,
    type,
    markDelete: start,
    readPos: start,
    ackedAbove: new Set(),
    pending: new Map(),
    replay: [],
    delayed: [],
    consumers: [],
    active: undefined,
    rr: 0,
    blockedCount: 0,
    dispatching: false,
    again: false,
    timer: undefined,
    timerDue: 0,
    deleted: false,
  };
}

function subscribe(client: ClientState, topicName: string, options: SubscribeOptions): Subscription {
  const o = validateSubscribe(topicName, options);
  const topic = getTopic(client.store, topicName);
  let sub = topic.subs.get(o.subscription);
  if (sub === undefined) {
    sub = createSubState(topic, o.subscription, o.type, o.initialPosition === "latest");
    topic.subs.set(o.subscription, sub);
  } else if (sub.consumers.length > 0 && sub.type !== o.type) {
    throw new RtmlError("FAILED_PRECONDITION", `subscription ${o.subscription} is ${sub.type}, not ${o.type}`, {
      details: { topic: topicName, subscription: o.subscription },
    });
  } else if (sub.type === "exclusive" && sub.consumers.length > 0) {
    throw new RtmlError("FAILED_PRECONDITION", `exclusive subscription ${o.subscription} already has a consumer`, {
      details: { topic: topicName, subscription: o.subscription },
    });
  } else if (sub.consumers.length === 0) {
    sub.type = o.type;
    sub.active = undefined;
    sub.rr = 0;
  }
  const id = nextConsumerId++;
  const name = o.consumerName ?? `memory-consumer-${id}`;
  const consumer: ConsumerState = {
    id,
    name,
    sub,
    client,
    receiverQueueSize: o.receiverQueueSize,
    ackTimeoutMs: o.ackTimeoutMs,
    nackDelayMs: o.nackDelayMs,
    maxRedeliveries: o.maxRedeliveries,
    deadLetterTopic: o.deadLetterTopic ?? `${topicName}-${o.subscription}-DLQ`,
    hashSeed: (hashString(name) ^ Math.imul(id, 0x9e3779b1)) >>> 0,
    unacked: 0,
    queue: [],
    qHead: 0,
    waiters: [],
    timeouts: [],
    tHead: 0,
    blocked: [],
    bHead: 0,
    holdUntil: -1,
    closed: false,
  };
  client.consumers.add(consumer);
  attach(sub, consumer);
  return subscriptionHandle(consumer);
}

function stats(client: ClientState, topicName: string): TopicStats {
  const topic = client.store.topics.get(topicName);
  if (topic === undefined) throw new RtmlError("NOT_FOUND", `topic ${topicName} does not exist`);
  const subscriptions: Record<string, SubscriptionStats> = {};
  for (const sub of topic.subs.values()) {
    subscriptions[sub.name] = {
      backlog: topic.nextSeq - sub.markDelete - sub.ackedAbove.size,
      unacked: sub.pending.size + sub.delayed.length,
      consumers: sub.consumers.length,
    };
  }
  return { published: topic.published, subscriptions };
}

function closedError(what: string): RtmlError {
  return new RtmlError("FAILED_PRECONDITION", `memory transport is closed: cannot ${what}`);
}

/**
 * Creates an in-memory transport.
 *
 * @example
 * const transport = await createMemoryTransport();
 * const sub = await transport.subscribe("greetings", { subscription: "s", type: "shared" });
 * await transport.publish("greetings", new TextEncoder().encode("hi"), { key: "k1" });
 * for await (const msg of sub) {
 *   await msg.ack();
 *   break; // leaving the loop closes the consumer
 * }
 * await transport.close();
 */
export async function createMemoryTransport(options: MemoryTransportOptions = {}): Promise<Transport> {
  const { store: given, ...storeOptions } = options;
  if (given !== undefined && Object.values(storeOptions).some((v) => v !== undefined)) {
    throw new RtmlError("INVALID_ARGUMENT", "store options belong to createMemoryStore() when a store is given");
  }
  const client: ClientState = {
    store: storeState(given ?? createMemoryStore(storeOptions)),
    slab: createSlab(16 * 1024, 1024),
    closed: false,
    consumers: new Set(),
    readers: new Set(),
  };
  return {
    name: "memory",
    ensureTopic(topicName: string, topicOptions: TopicOptions = {}): Promise<void> {
      try {
        if (client.closed) throw closedError("ensureTopic");
        validateTopic(topicName);
        const p = topicOptions.partitions;
        if (p !== undefined && (!Number.isInteger(p) || p < 0)) {
          throw new RtmlError("INVALID_ARGUMENT", "partitions must be an integer >= 0", { details: { partitions: p } });
        }
        const topic = getTopic(client.store, topicName);
        if (topicOptions.compacted === true) enableCompaction(topic);
        return Promise.resolve();
      } catch (err) {
        return Promise.reject(err);
      }
    },
    publish(topicName: string, payload: Uint8Array, publishOptions?: PublishOptions): Promise<string> {
      try {
        if (client.closed) throw closedError("publish");
        const topic = getTopic(client.store, topicName);
        const m = validatePublish(client.store, topicName, payload, publishOptions, topic.compacted);
        const entry = appendEntry(topic, m.payload, m.key, m.properties, m.eventTime);
        return Promise.resolve(entry.id);
      } catch (err) {
        return Promise.reject(err);
      }
    },
    subscribe(topicName: string, subscribeOptions: SubscribeOptions): Promise<Subscription> {
      try {
        if (client.closed) throw closedError("subscribe");
        return Promise.resolve(subscribe(client, topicName, subscribeOptions));
      } catch (err) {
        return Promise.reject(err);
      }
    },
    read: (topicName, readOptions) => createRead(client, topicName, readOptions),
    stats(topicName: string): Promise<TopicStats> {
      try {
        if (client.closed) throw closedError("read stats");
        return Promise.resolve(stats(client, topicName));
      } catch (err) {
        return Promise.reject(err);
      }
    },
    close(): Promise<void> {
      if (client.closed) return Promise.resolve();
      client.closed = true;
      for (const consumer of [...client.consumers]) closeConsumer(consumer);
      closeReaders(client);
      return Promise.resolve();
    },
  };
}
