/**
 * One topic's producer over the WebSocket producer endpoint, pipelined: up to `maxInFlight` publishes
 * are on the wire at once, matched to their acks by the frame's `context`; more queue locally.
 *
 * When the connection drops, publishes already on the wire reject UNAVAILABLE (the broker may or may
 * not have persisted them: retrying could duplicate, so the caller decides); publishes not yet sent
 * wait while the producer re-opens with backoff, and reject UNAVAILABLE if the broker is still away
 * after `operationTimeoutMs`.
 */
import { RtmlError, type ErrorCode } from "../../errors.ts";
import type { MessageId, PublishOptions } from "../transport.ts";
import type { PublishAckFrame, PublishFrame } from "./frames.ts";
import { formatMessageId } from "./message-id.ts";
import type { ResolvedOptions, TopicName } from "./options.ts";
import { backoff, openSocket, WebSocket } from "./socket.ts";

export interface TopicProducer {
  send(payload: Uint8Array, options: PublishOptions | undefined): Promise<MessageId>;
  /** Lets publishes in flight finish (bounded), rejects the queued ones FAILED_PRECONDITION. */
  close(): Promise<void>;
}

interface Pending {
  frame: PublishFrame;
  resolve(id: MessageId): void;
  reject(err: RtmlError): void;
}

function codeOfSendError(message: string): ErrorCode {
  if (/too ?large|MessageSize|exceeds/i.test(message)) return "INVALID_ARGUMENT";
  if (/timeout|timed out/i.test(message)) return "DEADLINE_EXCEEDED";
  if (/not ?authori[sz]ed|authentication/i.test(message)) return "PERMISSION_DENIED";
  return "UNAVAILABLE";
}

export function createTopicProducer(options: ResolvedOptions, topic: TopicName): TopicProducer {
  const query: Record<string, string> = { sendTimeoutMillis: String(options.operationTimeoutMs) };
  if (options.batching) Object.assign(query, { batchingEnabled: "true", batchingMaxPublishDelay: "1", maxPendingMessages: String(options.maxInFlight) });
  const waiting: Pending[] = [];
  const inFlight = new Map<string, Pending>();
  let socket: WebSocket | undefined;
  let connecting = false;
  let closed = false;
  let counter = 0;
  let drained: (() => void) | undefined;

  function failWaiting(err: RtmlError): void {
    for (const p of waiting.splice(0)) p.reject(err);
  }

  function onAck(data: WebSocket.RawData): void {
    let ack: PublishAckFrame;
    try {
      ack = JSON.parse(data.toString()) as PublishAckFrame;
    } catch {
      return;
    }
    const pending = ack.context === undefined ? undefined : inFlight.get(ack.context);
    if (pending === undefined) return;
    inFlight.delete(ack.context as string);
    if (ack.result === "ok" && ack.messageId !== undefined) pending.resolve(formatMessageId(ack.messageId));
    else {
      const reason = ack.errorMsg ?? ack.result;
      pending.reject(new RtmlError(codeOfSendError(reason), `publish to ${topic.logical} failed: ${reason}`));
    }
    if (inFlight.size === 0) drained?.();
    pump();
  }

  function onClose(ws: WebSocket): void {
    if (socket !== ws) return;
    socket = undefined;
    const lost = [...inFlight.values()];
    inFlight.clear();
    for (const p of lost) {
      p.reject(new RtmlError("UNAVAILABLE", `connection to Pulsar lost with a publish to ${topic.logical} in flight (it may or may not be persisted)`));
    }
    drained?.();
    pump();
  }

  async function connect(): Promise<void> {
    connecting = true;
    const next = backoff(options);
    const deadline = Date.now() + options.operationTimeoutMs;
    try {
      while (!closed && waiting.length > 0) {
        try {
          const ws = await openSocket(options, `/ws/v2/producer/${topic.path}`, query, `a producer on ${topic.logical}`);
          if (closed) {
            ws.close(1000);
            return;
          }
          socket = ws;
          ws.on("message", onAck);
          ws.on("close", () => onClose(ws));
          ws.on("error", () => ws.terminate());
          return;
        } catch (err) {
          const e = RtmlError.from(err, "UNAVAILABLE");
          if (e.code !== "UNAVAILABLE" || Date.now() + 1 > deadline) {
            failWaiting(e.code === "UNAVAILABLE" ? new RtmlError("UNAVAILABLE", `${e.message} (gave up after ${options.operationTimeoutMs} ms)`, { cause: e }) : e);
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, Math.min(next(), Math.max(1, deadline - Date.now()))));
        }
      }
    } finally {
      connecting = false;
    }
  }

  function pump(): void {
    if (closed || waiting.length === 0) return;
    if (socket === undefined || socket.readyState !== WebSocket.OPEN) {
      if (!connecting) void connect().then(pump);
      return;
    }
    while (waiting.length > 0 && inFlight.size < options.maxInFlight) {
      const p = waiting.shift() as Pending;
      inFlight.set(p.frame.context, p);
      socket.send(JSON.stringify(p.frame));
    }
  }

  return {
    send(payload, publishOptions) {
      if (closed) return Promise.reject(new RtmlError("FAILED_PRECONDITION", "the Pulsar transport is closed"));
      const frame: PublishFrame = {
        payload: Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString("base64"),
        context: String(++counter),
      };
      if (publishOptions?.properties !== undefined) frame.properties = { ...publishOptions.properties };
      if (publishOptions?.key !== undefined) frame.key = publishOptions.key;
      if (publishOptions?.eventTime !== undefined) frame.eventTime = new Date(publishOptions.eventTime).toISOString();
      return new Promise<MessageId>((resolve, reject) => {
        waiting.push({ frame, resolve, reject });
        pump();
      });
    },

    async close() {
      if (closed) return;
      closed = true;
      failWaiting(new RtmlError("FAILED_PRECONDITION", "the Pulsar transport is closed"));
      if (inFlight.size > 0) {
        await new Promise<void>((resolve) => {
          drained = resolve;
          setTimeout(resolve, Math.min(5000, options.operationTimeoutMs));
        });
      }
      for (const p of inFlight.values()) p.reject(new RtmlError("FAILED_PRECONDITION", "the Pulsar transport closed before the broker acknowledged"));
      inFlight.clear();
      const ws = socket;
      socket = undefined;
      if (ws !== undefined) ws.close(1000);
    },
  };
}
