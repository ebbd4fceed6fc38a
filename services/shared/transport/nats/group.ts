/**
 * Subscriptions on the NATS transport: one durable pull consumer per subscription name, shared by
 * every consumer of it in every process. The four Pulsar types:
 * - shared: every consumer pulls from the durable; JetStream spreads messages over the pull requests.
 * - exclusive: the consumer takes the subscription's KV lease or is rejected (FAILED_PRECONDITION); a lease lost while
 *   the server was away (renewals failed) is taken back once it is free.
 * - failover: every consumer waits for the lease; the holder pulls; on close it naks what it holds,
 *   in stream order, and releases the lease, so the next holder resumes in order.
 * - A holder whose lease is lost (a renewal failed: the server was away, or the process was starved past
 *   the ttl) stops pulling; what reached its open pull request after the loss is nacked once that request
 *   ended, so the next holder gets it; what it had been given it finishes.
 * - key_shared: the transport (process) takes the lease for its group of consumers and pulls for
 *   all of them, routing each key to one local consumer by rendezvous hashing; a key with messages in
 *   flight stays with its consumer until they settle, so per-key order holds when consumers come and
 *   go. Across processes key_shared is failover between processes (order is kept; one process
 *   consumes at a time), since JetStream 2.9 has no key-partitioned dispatch.
 */
import { AckPolicy, DeliverPolicy, JetStreamApiCodes, ReplayPolicy, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";
import { RtmlError } from "../../errors.ts";
import type { Subscription } from "../transport.ts";
import type { ValidSubscribe } from "../memory/validate.ts";
import { endConsumer, nakHeld, nextMessage, offer, safely } from "./consumer.ts";
import type { Lease, Leases } from "./leases.ts";
import { durableName, type TopicNames } from "./names.ts";
import { consumerTarget, nakLate, pullLoop, type PullTarget } from "./puller.ts";
import { isApiError } from "./streams.ts";
import type { ClientContext, Group, Held, KeyedState, LocalConsumer } from "./types.ts";

export interface GroupEnv {
  readonly client: ClientContext;
  readonly jsm: JetStreamManager;
  readonly js: JetStreamClient;
  readonly leases: Leases;
  readonly groups: Map<string, Promise<Group>>;
  flush(): Promise<void>;
}

let nextConsumerId = 1;

async function openGroup(env: GroupEnv, names: TopicNames, options: ValidSubscribe): Promise<Group> {
  const durable = durableName(options.subscription);
  try {
    await env.jsm.consumers.info(names.stream, durable);
  } catch (err) {
    if (!isApiError(err, JetStreamApiCodes.ConsumerNotFound)) throw err;
    await env.jsm.consumers.add(names.stream, {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: options.initialPosition === "latest" ? DeliverPolicy.New : DeliverPolicy.All,
      ack_wait: nanos(env.client.ackWaitMs),
      max_deliver: -1,
      max_ack_pending: 100_000,
      replay_policy: ReplayPolicy.Instant,
      description: `rtml subscription ${options.subscription} on ${names.topic}`,
    });
  }
  return {
    client: env.client,
    names,
    subscription: options.subscription,
    durable,
    leaseKey: `${names.stream}.${durable}`,
    jsConsumer: await env.js.consumers.get(names.stream, durable),
    consumers: [],
    keyed: undefined,
    nacked: new Map(),
  };
}

function hash(text: string, seed: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

function route(group: Group, key: string): LocalConsumer | undefined {
  const slot = group.keyed?.inflight.get(key);
  if (slot !== undefined && !slot.consumer.closed) return slot.consumer;
  let best: LocalConsumer | undefined;
  let bestScore = -1;
  for (const c of group.consumers) {
    const score = hash(key, c.hashSeed);
    if (score > bestScore) [best, bestScore] = [c, score];
  }
  return best;
}

function drainParked(group: Group): void {
  for (const c of group.consumers) {
    while (c.parked.length > 0 && c.outstanding < c.options.receiverQueueSize) offer(c, c.parked.shift() as Held);
  }
}

function keyedTarget(group: Group): PullTarget {
  const keyed = group.keyed!;
  let wake: (() => void) | undefined;
  keyed.kick = () => {
    drainParked(group);
    wake?.();
  };
  return {
    permits() {
      let n = 0;
      for (const c of group.consumers) n += 2 * c.options.receiverQueueSize - c.outstanding - c.parked.length;
      return n;
    },
    deliver(held) {
      const key = held.key ?? "";
      const c = route(group, key);
      if (c === undefined) {
        safely(() => held.m.nak());
        return;
      }
      const slot = keyed.inflight.get(key);
      if (slot !== undefined && slot.consumer === c) slot.count++;
      else keyed.inflight.set(key, { consumer: c, count: 1 });
      if (c.parked.length > 0 || c.outstanding >= c.options.receiverQueueSize) c.parked.push(held);
      else offer(c, held);
    },
    late: (held) => keyed.late.push(held),
    ended() {
      if (!keyed.stopped) nakLate(keyed.late.splice(0)); // lease lost: no local consumer was given them
    },
    stopped: () => keyed.stopped || keyed.lease?.lost !== false,
    setKick(kick) {
      wake = kick;
    },
  };
}

/** Takes the lease (waiting for it), then pulls until stopped or the lease is lost; repeats. */
async function leaseAndPull(
  env: GroupEnv,
  group: Group,
  holder: string,
  stopped: () => boolean,
  setLease: (lease: Lease) => void,
  target: PullTarget,
  onLost: () => void,
): Promise<void> {
  while (!stopped() && !env.client.closed) {
    const lease = await env.leases.acquire(group.leaseKey, holder, stopped, onLost);
    if (lease === undefined) return;
    setLease(lease);
    if (stopped()) return;
    await pullLoop(group, target);
  }
}

/** Attaches a consumer to its subscription (creating the durable when missing). */
export async function attachConsumer(env: GroupEnv, names: TopicNames, options: ValidSubscribe): Promise<Subscription> {
  const groupKey = `${names.stream}/${durableName(options.subscription)}`;
  let pending = env.groups.get(groupKey);
  if (pending === undefined) {
    pending = openGroup(env, names, options);
    env.groups.set(groupKey, pending);
    pending.catch(() => env.groups.delete(groupKey));
  }
  const group = await pending;
  const id = nextConsumerId++;
  const consumer: LocalConsumer = {
    id,
    name: options.consumerName ?? `${env.client.id}-${id}`,
    group,
    options,
    deadLetterTopic: options.deadLetterTopic ?? `${names.topic}-${options.subscription}-DLQ`,
    hashSeed: hash(`${env.client.id}/${options.consumerName ?? id}`, id),
    outstanding: 0,
    queue: [],
    parked: [],
    held: new Map(),
    waiters: [],
    lease: undefined,
    closed: false,
    kick: undefined,
    loop: undefined,
  };
  const holder = `${env.client.id}/${consumer.name}`;
  const onLost = (): void => consumer.kick?.();
  if (options.type === "exclusive") {
    const busy = group.consumers.length > 0 ? undefined : await env.leases.tryAcquire(group.leaseKey, holder, onLost);
    if (busy === undefined) {
      throw new RtmlError("FAILED_PRECONDITION", `exclusive subscription ${options.subscription} on ${names.topic} has a consumer`);
    }
    consumer.lease = busy;
    group.consumers.push(consumer);
    const target = consumerTarget(consumer);
    // A lease lost while the server was away (renewals failed) is taken back once it is free again, as a
    // Pulsar exclusive consumer reconnects to its subscription after a broker restart.
    consumer.loop = (async () => {
      await pullLoop(group, target);
      await leaseAndPull(env, group, holder, () => consumer.closed, (l) => (consumer.lease = l), target, onLost);
    })();
  } else if (options.type === "failover") {
    group.consumers.push(consumer);
    consumer.lease = await env.leases.tryAcquire(group.leaseKey, holder, onLost);
    const target = consumerTarget(consumer);
    consumer.loop = (async () => {
      if (consumer.lease !== undefined) await pullLoop(group, target);
      await leaseAndPull(env, group, holder, () => consumer.closed, (l) => (consumer.lease = l), target, onLost);
    })();
  } else if (options.type === "key_shared") {
    group.consumers.push(consumer);
    startKeyed(env, group);
  } else {
    group.consumers.push(consumer);
    consumer.loop = pullLoop(group, consumerTarget(consumer));
  }
  return subscriptionHandle(env, consumer, groupKey);
}

function startKeyed(env: GroupEnv, group: Group): void {
  if (group.keyed !== undefined) {
    group.keyed.kick?.();
    return;
  }
  const keyed: KeyedState = { lease: undefined, stopped: false, inflight: new Map(), kick: undefined, loop: undefined, late: [] };
  group.keyed = keyed;
  const target = keyedTarget(group);
  keyed.loop = leaseAndPull(env, group, `${env.client.id}/key_shared`, () => keyed.stopped, (l) => (keyed.lease = l), target, () => keyed.kick?.());
}

async function closeConsumer(env: GroupEnv, consumer: LocalConsumer): Promise<void> {
  if (consumer.closed) return;
  const group = consumer.group;
  endConsumer(consumer);
  const keyed = group.keyed;
  let lease = consumer.lease;
  if (keyed !== undefined) {
    for (const [key, slot] of keyed.inflight) if (slot.consumer === consumer) keyed.inflight.delete(key);
    if (group.consumers.length === 0) {
      keyed.stopped = true;
      group.keyed = undefined;
      lease = keyed.lease;
      keyed.kick?.();
      await keyed.loop;
      consumer.parked.push(...keyed.late.splice(0));
    } else {
      nakHeld(consumer); // the group's live pull request takes them, routed to the other consumers
      keyed.kick?.();
      return;
    }
  } else {
    await consumer.loop;
  }
  nakHeld(consumer);
  if (lease === undefined || lease.lost) return;
  // Let the server take the naks before the next holder pulls, so it resumes in stream order.
  await env.flush().catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 20));
  await lease.release();
}

/** Closes every consumer of this transport (transport close). */
export async function closeAll(env: GroupEnv): Promise<void> {
  const groups = await Promise.allSettled([...env.groups.values()]);
  const closing: Promise<void>[] = [];
  for (const g of groups) {
    if (g.status !== "fulfilled") continue;
    for (const c of [...g.value.consumers]) closing.push(closeConsumer(env, c));
  }
  await Promise.allSettled(closing);
}

function subscriptionHandle(env: GroupEnv, consumer: LocalConsumer, groupKey: string): Subscription {
  const group = consumer.group;
  const close = (): Promise<void> => closeConsumer(env, consumer);
  const iterator: AsyncIterableIterator<import("../transport.ts").InboundMessage> = {
    next: () => nextMessage(consumer),
    return: async () => {
      await close();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return {
    topic: group.names.topic,
    subscription: group.subscription,
    [Symbol.asyncIterator]: () => iterator,
    close,
    async unsubscribe() {
      if (env.client.closed) throw new RtmlError("FAILED_PRECONDITION", "nats transport is closed: cannot unsubscribe");
      const others = group.consumers.filter((c) => c !== consumer).length;
      if (others > 0) {
        throw new RtmlError("FAILED_PRECONDITION", `subscription ${group.subscription} has ${others} other consumer(s) connected`);
      }
      await close();
      env.groups.delete(groupKey);
      try {
        await env.jsm.consumers.delete(group.names.stream, group.durable);
      } catch (err) {
        if (!isApiError(err, JetStreamApiCodes.ConsumerNotFound)) throw RtmlError.from(err, "UNAVAILABLE");
      }
    },
  };
}
