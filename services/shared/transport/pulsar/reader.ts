/**
 * read(): the WebSocket reader endpoint from the earliest message. With untilEnd it stops at the
 * last message id the admin API reports when reading starts (per partition).
 *
 * Compacted topics: the 4.0 WebSocket reader has no readCompacted parameter (ReaderHandler takes
 * only readerName, receiverQueueSize, messageId and cryptoFailureAction), so read() reads the raw log
 * and compacts it here exactly as Pulsar's compactor would: the latest message per key, keys whose
 * latest payload is empty deleted, messages without a key dropped, in the order of the latest writes.
 * That is why ensureTopic({compacted}) also sets infinite retention on the topic.
 */
import { RtmlError } from "../../errors.ts";
import type { InboundMessage } from "../transport.ts";
import type { Admin } from "./admin.ts";
import { isMessageFrame, toInboundMessage, type MessageFrame, type Settler } from "./frames.ts";
import { comparePositions, decodeMessageId, type Position } from "./message-id.ts";
import type { ResolvedOptions, TopicName } from "./options.ts";
import { createAsyncQueue } from "./queue.ts";
import { openSocket, sendFrame, WebSocket } from "./socket.ts";

export interface ReaderContext {
  readonly options: ResolvedOptions;
  readonly admin: Admin;
  isClosed(): boolean;
  /** Registers a closer that the transport's close() runs; returns its unregistration. */
  onClose(closer: () => void): () => void;
  /** Locally known compacted topics (ensureTopic in this transport). */
  isCompacted(topic: TopicName): Promise<boolean>;
}

const noSettle: Settler = { ack: async () => {}, nack: async () => {} };

/** The last message id of each partition (-1: not partitioned) that holds data. */
async function ends(admin: Admin, topic: TopicName): Promise<Map<number, Position>> {
  const out = new Map<number, Position>();
  const count = await admin.partitions(topic);
  if (count === 0) {
    const last = await admin.lastMessageId(topic);
    if (last !== undefined) out.set(-1, last);
    return out;
  }
  const lasts = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      admin.lastMessageId({ logical: topic.logical, full: `${topic.full}-partition-${i}`, path: `${topic.path}-partition-${i}` }),
    ),
  );
  lasts.forEach((last, i) => last !== undefined && out.set(i, { ...last, partition: i }));
  return out;
}

function reached(position: Position, end: Position): boolean {
  if (position.ledgerId !== end.ledgerId || position.entryId !== end.entryId) return comparePositions(position, end) > 0;
  return end.batchIndex < 0 || position.batchIndex < 0 || position.batchIndex >= end.batchIndex;
}

export async function* readTopic(ctx: ReaderContext, topic: TopicName, untilEnd: boolean): AsyncGenerator<InboundMessage> {
  if (ctx.isClosed()) throw new RtmlError("FAILED_PRECONDITION", "the Pulsar transport is closed");
  await ctx.admin.ensureNamespace();
  const pending = untilEnd ? await ends(ctx.admin, topic) : new Map<number, Position>();
  if (untilEnd && pending.size === 0) return;
  const compacted = untilEnd && (await ctx.isCompacted(topic));

  const frames = createAsyncQueue<MessageFrame>();
  let failure: RtmlError | undefined;
  const ws = await openSocket(ctx.options, `/ws/v2/reader/${topic.path}`, { messageId: "earliest", receiverQueueSize: "1000" }, `a reader on ${topic.logical}`);
  ws.on("message", (data) => {
    try {
      const frame: unknown = JSON.parse(data.toString());
      if (isMessageFrame(frame)) frames.push(frame);
    } catch {
      // not a message
    }
  });
  ws.on("error", () => ws.terminate());
  ws.on("close", () => {
    if (!ctx.isClosed()) failure ??= new RtmlError("UNAVAILABLE", `the connection to Pulsar was lost while reading ${topic.logical}`);
    frames.end();
  });
  const unregister = ctx.onClose(() => {
    frames.end();
    ws.close(1000);
  });

  const latest = new Map<string, InboundMessage>();
  try {
    for (;;) {
      const next = await frames.next();
      if (next.done === true) {
        if (failure !== undefined) throw failure;
        return;
      }
      const frame = next.value;
      if (ws.readyState === WebSocket.OPEN) void sendFrame(ws, { messageId: frame.messageId }).catch(() => {}); // frees a permit
      const message = toInboundMessage(topic.logical, frame, noSettle);
      let done = false;
      if (untilEnd) {
        const position = decodeMessageId(frame.messageId);
        const end = pending.get(position.partition);
        if (end === undefined) continue; // a partition already read to its end
        const sameEntry = position.ledgerId === end.ledgerId && position.entryId === end.entryId;
        if (!sameEntry && comparePositions(position, end) > 0) {
          pending.delete(position.partition);
          if (pending.size === 0) break;
          continue;
        }
        done = reached(position, end);
      }
      if (!compacted) yield message;
      else if (message.key !== undefined) {
        latest.delete(message.key);
        if (message.payload.byteLength > 0) latest.set(message.key, message);
      }
      if (done) {
        pending.delete(decodeMessageId(frame.messageId).partition);
        if (pending.size === 0) break;
      }
    }
    for (const message of latest.values()) yield message;
  } finally {
    unregister();
    frames.end();
    if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(1000);
  }
}
