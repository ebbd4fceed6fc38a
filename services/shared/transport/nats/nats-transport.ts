/**
 * The NATS JetStream transport: a stream per topic, a durable pull consumer per subscription, KV
 * leases for the single-active subscription types. See names.ts (layout), codec.ts (headers),
 * group.ts (subscription types), consumer.ts (ack / nack / ack timeout / dead letter), reader.ts,
 * pub-acks.ts (publishes and their PubAcks), write-batcher.ts (one socket write per turn).
 *
 * @example
 * // requires: a nats-server with JetStream on 127.0.0.1:4222 (npm run nats)
 * const transport = await createNatsTransport({ servers: "nats://127.0.0.1:4222" });
 * await transport.publish("events.raw", new TextEncoder().encode("hi"), { key: "user-1" });
 * await transport.close();
 */
import { jetstream, jetstreamManager, JetStreamApiCodes } from "@nats-io/jetstream";
import { connect, type ConnectionOptions, type NatsConnection } from "@nats-io/transport-node";
import { randomUUID } from "node:crypto";
import { RtmlError } from "../../errors.ts";
import { validateSubscribe, validateTopic } from "../memory/validate.ts";
import type { InboundMessage, PublishOptions, SubscriptionStats, TopicStats, Transport } from "../transport.ts";
import { encodeHeaders } from "./codec.ts";
import { touchHeld } from "./consumer.ts";
import { attachConsumer, closeAll, type GroupEnv } from "./group.ts";
import { createLeases } from "./leases.ts";
import { publishSubject, subscriptionOf } from "./names.ts";
import { createPubAcks } from "./pub-acks.ts";
import { createWriteBatcher } from "./write-batcher.ts";
import { readTopic } from "./reader.ts";
import { createStreamRegistry, isApiError } from "./streams.ts";
import type { ClientContext } from "./types.ts";

export interface NatsTransportOptions {
  /** Server URL(s). Default: $NATS_URL, else nats://127.0.0.1:4222. */
  servers?: string | string[];
  token?: string;
  user?: string;
  pass?: string;
  /** TLS options of the Node client (`tls: {}` for the system CAs). */
  tls?: ConnectionOptions["tls"];
  /** Prefix of stream names, subjects and the lease bucket. Default "rtml". */
  streamPrefix?: string;
  /** Stream (and lease bucket) storage. Default "file". */
  storage?: "file" | "memory";
  /** Per-topic retention limits (0: unlimited). */
  maxAgeMs?: number;
  maxBytes?: number;
  replicas?: number;
  /** Server ack_wait: how soon a crashed process's unacked messages are redelivered. Default 30 s. */
  ackWaitMs?: number;
  /** A dead holder's lease expires after this. Default 5000 ms. */
  leaseTtlMs?: number;
  /** Standby consumers retry the lease this often. Default 250 ms. */
  leasePollMs?: number;
  /** Client name shown by the server. */
  name?: string;
  /** Called with background errors (fetch failures while reconnecting …). Default: ignored. */
  onError?: (err: unknown) => void;
}

function closedError(what: string): RtmlError {
  return new RtmlError("FAILED_PRECONDITION", `nats transport is closed: cannot ${what}`);
}

export async function createNatsTransport(options: NatsTransportOptions = {}): Promise<Transport> {
  const prefix = options.streamPrefix ?? "rtml";
  if (!/^[A-Za-z0-9_-]+$/.test(prefix)) throw new RtmlError("INVALID_ARGUMENT", "streamPrefix must match [A-Za-z0-9_-]+");
  const storage = options.storage ?? "file";
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: options.servers ?? process.env.NATS_URL ?? "nats://127.0.0.1:4222",
      token: options.token,
      user: options.user,
      pass: options.pass,
      tls: options.tls,
      name: options.name ?? "rtml",
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      // Every request (pull fetches, KV and API calls; publishes were too before pub-acks.ts) would
      // otherwise build two Error objects with stack traces up front: measured as 40% of the client's CPU
      // per event. Failures still carry their cause.
      noAsyncTraces: true,
    });
  } catch (err) {
    throw new RtmlError("UNAVAILABLE", `cannot connect to NATS: ${String(err)}`, { cause: err });
  }
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  const streams = createStreamRegistry(jsm, {
    prefix,
    storage,
    maxAgeMs: options.maxAgeMs ?? 0,
    maxBytes: options.maxBytes ?? 0,
    replicas: options.replicas ?? 1,
  });
  const leases = await createLeases(nc, {
    bucket: `${prefix}_leases`,
    ttlMs: options.leaseTtlMs ?? 5000,
    pollMs: options.leasePollMs ?? 250,
    storage,
  });
  const writes = createWriteBatcher();
  const pubAcks = createPubAcks(nc, { defer: writes.defer });
  const readers = new Set<() => void>();
  let closing: Promise<void> | undefined;

  const client: ClientContext = {
    id: randomUUID().slice(0, 8),
    closed: false,
    ackWaitMs: options.ackWaitMs ?? 30_000,
    fetchExpiresMs: 1000,
    publish: (topic, payload, o) => publish(topic, payload, o),
    defer: writes.defer,
    onFault: (err) => options.onError?.(err),
  };
  const env: GroupEnv = { client, jsm, js, leases, groups: new Map(), flush: () => nc.flush() };

  const touch = setInterval(() => {
    const now = Date.now();
    for (const pending of env.groups.values()) {
      void pending.then((g) => g.consumers.forEach((c) => touchHeld(c, now)), () => undefined);
    }
  }, Math.max(100, Math.floor(client.ackWaitMs / 3)));
  touch.unref();

  async function publish(topic: string, payload: Uint8Array, o?: PublishOptions): Promise<string> {
    if (client.closed) throw closedError(`publish to ${topic}`);
    validateTopic(topic);
    if (!(payload instanceof Uint8Array)) throw new RtmlError("INVALID_ARGUMENT", "payload must be a Uint8Array", { details: { topic } });
    const hdrs = encodeHeaders(topic, o);
    const names = await streams.ensure(topic);
    try {
      return String(await pubAcks.publish(publishSubject(names, o?.key), payload, hdrs, names.stream));
    } catch (err) {
      if (client.closed) throw closedError(`publish to ${topic}`);
      throw RtmlError.from(err, "UNAVAILABLE");
    }
  }

  async function stats(topic: string): Promise<TopicStats> {
    if (client.closed) throw closedError("read stats");
    const names = streams.names(topic);
    let info;
    try {
      info = await jsm.streams.info(names.stream);
    } catch (err) {
      if (isApiError(err, JetStreamApiCodes.StreamNotFound)) throw new RtmlError("NOT_FOUND", `topic ${topic} does not exist`);
      throw RtmlError.from(err, "UNAVAILABLE");
    }
    const local = new Map<string, number>();
    for (const pending of env.groups.values()) {
      const g = await pending.catch(() => undefined);
      if (g !== undefined && g.names.stream === names.stream) local.set(g.durable, g.consumers.length);
    }
    const subscriptions: Record<string, SubscriptionStats> = {};
    for await (const c of jsm.consumers.list(names.stream)) {
      if (c.config.durable_name === undefined) continue; // read()'s ordered consumers
      subscriptions[subscriptionOf(c.name)] = {
        backlog: c.num_pending + c.num_ack_pending,
        unacked: c.num_ack_pending,
        consumers: local.get(c.name) ?? 0,
      };
    }
    return { published: info.state.last_seq, subscriptions };
  }

  return {
    name: "nats",
    async ensureTopic(topic, topicOptions) {
      if (client.closed) throw closedError(`create ${topic}`);
      validateTopic(topic);
      await streams.ensure(topic, topicOptions?.compacted === true);
    },
    publish,
    async subscribe(topic, subscribeOptions) {
      if (client.closed) throw closedError(`subscribe to ${topic}`);
      const valid = validateSubscribe(topic, subscribeOptions);
      return attachConsumer(env, await streams.ensure(topic), valid);
    },
    read(topic, readOptions): AsyncIterable<InboundMessage> {
      if (client.closed) throw closedError(`read ${topic}`);
      validateTopic(topic);
      return readTopic(
        {
          js,
          jsm,
          ensure: () => streams.ensure(topic),
          isClosed: () => client.closed,
          onClose(stop) {
            readers.add(stop);
            return () => readers.delete(stop);
          },
        },
        readOptions,
      );
    },
    stats,
    close() {
      closing ??= (async () => {
        client.closed = true;
        clearInterval(touch);
        writes.flush();
        await closeAll(env);
        writes.flush();
        pubAcks.close(closedError("publish: the transport closed before the broker acknowledged"));
        leases.close();
        for (const stop of readers) stop();
        await nc.flush().catch(() => undefined);
        await nc.close().catch(() => undefined);
      })();
      return closing;
    },
  };
}
