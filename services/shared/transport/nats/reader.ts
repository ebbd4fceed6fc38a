/**
 * read(): an ordered consumer (ephemeral, server-side flow, gap detection by the client) from the
 * stream's first retained message. With untilEnd it stops at the stream's last sequence as it was
 * when reading started. On a compacted topic the stream keeps one message per key subject, so the
 * reader sees the latest message per key in the order of those writes; it drops keyless messages
 * and tombstones (empty payloads), as a compacted Pulsar reader does.
 */
import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import { DeliverPolicy } from "@nats-io/jetstream";
import type { InboundMessage, ReadOptions } from "../transport.ts";
import { toInbound } from "./consumer.ts";
import type { TopicNames } from "./names.ts";

export interface ReadEnv {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  ensure(): Promise<TopicNames>;
  isClosed(): boolean;
  /** Registers a stopper run on transport close; returns its unregister. */
  onClose(stop: () => void): () => void;
}

export async function* readTopic(env: ReadEnv, options: ReadOptions | undefined): AsyncGenerator<InboundMessage> {
  const names = await env.ensure();
  const untilEnd = options?.untilEnd ?? true;
  const info = await env.jsm.streams.info(names.stream);
  const compacted = info.config.max_msgs_per_subject === 1;
  const last = info.state.last_seq;
  if (untilEnd && (info.state.messages === 0 || last === 0)) return;
  const consumer = await env.js.consumers.get(names.stream, { deliver_policy: DeliverPolicy.All });
  const messages = await consumer.consume({ max_messages: 256 });
  const unregister = env.onClose(() => void messages.close());
  try {
    for await (const m of messages) {
      const seq = m.info.streamSequence;
      const message = toInbound(names.topic, { m });
      if (!compacted || (message.key !== undefined && message.payload.byteLength > 0)) yield message;
      if (untilEnd && (seq >= last || m.info.pending === 0)) break;
      if (env.isClosed()) break;
    }
  } finally {
    unregister();
    await messages.close();
    await consumer.delete().catch(() => undefined);
  }
}
