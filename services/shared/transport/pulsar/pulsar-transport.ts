/**
 * The Pulsar transport: the broker's WebSocket API for data (producers, consumers, readers; the `ws`
 * package) and its admin REST API for tenants, namespaces, topics and stats (Node's fetch).
 *
 * Semantics and limits (beyond the Transport interface):
 * - receiverQueueSize is capped at 1000 (the WS handler's cap); ackTimeoutMs must be 0 or ≥ 1000.
 * - nack(delayMs): the WS API has one redelivery delay per consumer (nackDelayMs); a longer delayMs is
 *   waited out client-side before the nack is sent, a shorter one is rounded up to nackDelayMs.
 * - A dropped connection: consumers re-subscribe with backoff; publishes on the wire reject
 *   UNAVAILABLE, queued ones wait up to operationTimeoutMs for the producer to re-open (producer.ts).
 * - read() of a compacted topic compacts client-side (reader.ts).
 *
 * @example
 * // requires: a Pulsar broker with its WebSocket service on 127.0.0.1:8080 (npm run pulsar:standalone)
 * const transport = await createPulsarTransport({ adminUrl: "http://127.0.0.1:8080" });
 * await transport.publish("events.raw", new TextEncoder().encode("hi"), { key: "user-1" }); // → persistent://rtml/default/events.raw
 * await transport.close();
 */
import { RtmlError } from "../../errors.ts";
import type { InboundMessage, MessageId, PublishOptions, SubscribeOptions, Subscription, TopicOptions, TopicStats, Transport } from "../transport.ts";
import { createAdmin } from "./admin.ts";
import { createPulsarSubscription } from "./consumer.ts";
import { resolveOptions, topicName, type PulsarTransportOptions, type TopicName } from "./options.ts";
import { createTopicProducer, type TopicProducer } from "./producer.ts";
import { readTopic } from "./reader.ts";

export type { PulsarTlsOptions, PulsarTransportOptions } from "./options.ts";

/** Connects to the broker (checks the admin API and creates the tenant and namespace). */
export async function createPulsarTransport(transportOptions: PulsarTransportOptions): Promise<Transport> {
  const options = resolveOptions(transportOptions);
  const admin = createAdmin(options);
  await admin.ensureNamespace();

  const producers = new Map<string, TopicProducer>();
  const subscriptions = new Set<Subscription>();
  const closers = new Set<() => void>();
  const compacted = new Set<string>();
  let closed = false;

  const name = (logical: string): TopicName => topicName(options, logical);
  const ensureOpen = (): void => {
    if (closed) throw new RtmlError("FAILED_PRECONDITION", "the Pulsar transport is closed");
  };

  return {
    name: "pulsar",

    async ensureTopic(topic: string, topicOptions?: TopicOptions) {
      ensureOpen();
      const t = name(topic);
      await admin.ensureNamespace();
      await admin.createTopic(t, topicOptions?.partitions ?? 0);
      if (topicOptions?.compacted === true) {
        await admin.setCompacted(t);
        compacted.add(t.full);
      }
    },

    async publish(topic: string, payload: Uint8Array, publishOptions?: PublishOptions): Promise<MessageId> {
      ensureOpen();
      const t = name(topic);
      let producer = producers.get(t.full);
      if (producer === undefined) {
        producer = createTopicProducer(options, t);
        producers.set(t.full, producer);
      }
      return producer.send(payload, publishOptions);
    },

    async subscribe(topic: string, subscribeOptions: SubscribeOptions): Promise<Subscription> {
      ensureOpen();
      const sub = await createPulsarSubscription(
        { options, admin, topicName: name, isClosed: () => closed, forget: (s) => subscriptions.delete(s) },
        name(topic),
        subscribeOptions,
      );
      if (closed) {
        await sub.close();
        throw new RtmlError("FAILED_PRECONDITION", "the Pulsar transport is closed");
      }
      subscriptions.add(sub);
      return sub;
    },

    read(topic: string, readOptions?: { untilEnd?: boolean }): AsyncIterable<InboundMessage> {
      const t = name(topic);
      const ctx = {
        options,
        admin,
        isClosed: () => closed,
        onClose(closer: () => void) {
          closers.add(closer);
          return () => void closers.delete(closer);
        },
        isCompacted: async (x: TopicName) => compacted.has(x.full) || (await admin.isCompacted(x)),
      };
      return { [Symbol.asyncIterator]: () => readTopic(ctx, t, readOptions?.untilEnd ?? true) };
    },

    async stats(topic: string): Promise<TopicStats> {
      ensureOpen();
      return admin.stats(name(topic));
    },

    async close() {
      if (closed) return;
      closed = true;
      for (const closer of closers) closer();
      closers.clear();
      await Promise.allSettled([...[...subscriptions].map((s) => s.close()), ...[...producers.values()].map((p) => p.close())]);
      subscriptions.clear();
      producers.clear();
    },
  };
}
