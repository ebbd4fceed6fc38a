/** WebSocket API frames (pulsar-websocket 4.0 `data/*.java`) and their mapping to InboundMessage. */
import type { InboundMessage } from "../transport.ts";
import { formatMessageId } from "./message-id.ts";

/** Client → producer endpoint (ProducerMessage). */
export interface PublishFrame {
  payload: string;
  properties?: Record<string, string>;
  context: string;
  key?: string;
  /** ISO-8601. */
  eventTime?: string;
}

/** Producer endpoint → client (ProducerAck). */
export interface PublishAckFrame {
  result: string;
  messageId?: string;
  errorMsg?: string;
  context?: string;
}

/** Consumer / reader endpoint → client (ConsumerMessage). */
export interface MessageFrame {
  messageId: string;
  payload: string;
  properties?: Record<string, string>;
  publishTime: string;
  redeliveryCount?: number;
  eventTime?: string;
  key?: string;
}

export function isMessageFrame(frame: unknown): frame is MessageFrame {
  return typeof frame === "object" && frame !== null && typeof (frame as MessageFrame).messageId === "string" && "payload" in frame;
}

/** The settle actions a delivered message gets from its consumer. */
export interface Settler {
  ack(rawId: string): Promise<void>;
  nack(rawId: string, delayMs: number | undefined): Promise<void>;
}

function noop(): void {}

/** An InboundMessage over a frame; ack and nack go to `settler` at most once per delivery. */
export function toInboundMessage(topic: string, frame: MessageFrame, settler: Settler): InboundMessage {
  const payload = Buffer.from(frame.payload, "base64");
  const properties = Object.freeze({ ...(frame.properties ?? {}) });
  const eventTime = frame.eventTime === undefined ? undefined : Date.parse(frame.eventTime);
  let settled: Promise<void> | undefined;
  return {
    topic,
    messageId: formatMessageId(frame.messageId),
    key: frame.key,
    payload: new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength),
    properties,
    eventTime: eventTime === undefined || Number.isNaN(eventTime) ? undefined : eventTime,
    publishTime: Date.parse(frame.publishTime),
    redeliveryCount: frame.redeliveryCount ?? 0,
    ack() {
      settled ??= settler.ack(frame.messageId);
      return settled;
    },
    nack(delayMs?: number) {
      // A no-op for a delivery already acked or nacked (whatever that settle's outcome).
      if (settled !== undefined) return settled.then(noop, noop);
      settled = settler.nack(frame.messageId, delayMs);
      return settled;
    },
  };
}
