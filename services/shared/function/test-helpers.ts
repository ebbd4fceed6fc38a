/**
 * Helpers for the function runtime's tests: a JSON codec, bounded polling, gates, reading topics back
 * from the real memory transport, the effectively-once runner set-up, and a transport decorator that
 * records the order of publishes and acks (every call goes to the real transport).
 */
import { RtmlError } from "../errors.ts";
import { createLogger, type Logger } from "../logger.ts";
import type { Codec } from "../messages.ts";
import type { InboundMessage, PublishOptions, Subscription, Transport } from "../transport/transport.ts";
import { createFunctionRunner } from "./runner.ts";
import type { FunctionConfig, FunctionRunner } from "./types.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A JSON codec; decoding a payload that is not JSON throws INVALID_ARGUMENT. */
export function jsonCodec<T>(): Codec<T> {
  return {
    typeName: "test.Json",
    encode: (message) => encoder.encode(JSON.stringify(message)),
    decode(bytes) {
      try {
        return JSON.parse(decoder.decode(bytes)) as T;
      } catch (cause) {
        throw new RtmlError("INVALID_ARGUMENT", `not JSON: ${(cause as Error).message}`, { cause });
      }
    },
  };
}

export const bytes = (value: unknown): Uint8Array => encoder.encode(JSON.stringify(value));
export const text = (payload: Uint8Array): string => decoder.decode(payload);
export const parse = <T>(payload: Uint8Array): T => JSON.parse(decoder.decode(payload)) as T;

export const quietLogger: Logger = createLogger({ level: "silent" });

/** A logger that keeps its JSON lines. */
export function capturingLogger(level: "debug" | "info" | "warn" = "debug"): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  return { logger: createLogger({ level, write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) }), lines };
}

/**
 * A stateful runner deduplicating by event id, on input "in", retrying fast: the effectively-once set-up.
 * `config` names the runner and gives its process; it may override the rest.
 */
export function onceRunner<T>(config: Pick<FunctionConfig<T>, "name" | "transport" | "codec" | "process"> & Partial<FunctionConfig<T>>): FunctionRunner {
  return createFunctionRunner<T>({ inputs: ["in"], stateful: true, dedupByEventId: true, logger: quietLogger, retryBackoffMs: 1, nackDelayMs: 5, ...config });
}

/** Polls `condition` (each macrotask turn, a few ms apart) until it holds; fails after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what = "condition", timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Lets pending microtasks and a few macrotask turns run (for "has not happened" checks). */
export async function settleTurns(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** A promise to open from outside. */
export interface Gate {
  readonly promise: Promise<void>;
  open(): void;
  readonly opened: boolean;
}

export function gate(): Gate {
  let open!: () => void;
  let opened = false;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return {
    promise,
    open() {
      opened = true;
      open();
    },
    get opened() {
      return opened;
    },
  };
}

/** Every retained message of a topic (a reader, no subscription). */
export async function readTopic(transport: Transport, topic: string): Promise<InboundMessage[]> {
  const out: InboundMessage[] = [];
  for await (const msg of transport.read(topic)) out.push(msg);
  return out;
}

/** Publishes JSON values; `key(i)`, `props(i)` give each message's key and properties. */
export async function publishMany(
  transport: Transport,
  topic: string,
  values: unknown[],
  options: (i: number) => PublishOptions = () => ({}),
): Promise<void> {
  for (let i = 0; i < values.length; i++) await transport.publish(topic, bytes(values[i]), options(i));
}

/** Backlog and unacked count of a subscription (0 when it does not exist yet). */
export async function backlog(transport: Transport, topic: string, subscription: string): Promise<{ backlog: number; unacked: number }> {
  const s = (await transport.stats(topic)).subscriptions[subscription];
  return { backlog: s?.backlog ?? 0, unacked: s?.unacked ?? 0 };
}

export type TraceEvent =
  | { kind: "publish"; topic: string; payload: string }
  | { kind: "ack" | "nack"; topic: string; messageId: string }
  | { kind: "mark"; label: string };

/**
 * The real transport, with an event log: a publish is logged once the broker acked it, an ack or nack
 * once it resolved. Nothing is changed or faked.
 */
export function recordingTransport(inner: Transport, trace: TraceEvent[]): Transport {
  const wrapMessage = (msg: InboundMessage): InboundMessage =>
    Object.assign(Object.create(msg) as InboundMessage, {
      ack: async () => {
        await msg.ack();
        trace.push({ kind: "ack", topic: msg.topic, messageId: msg.messageId });
      },
      nack: async (delayMs?: number) => {
        await msg.nack(delayMs);
        trace.push({ kind: "nack", topic: msg.topic, messageId: msg.messageId });
      },
    });
  return {
    name: inner.name,
    ensureTopic: (topic, options) => inner.ensureTopic(topic, options),
    async publish(topic, payload, options) {
      const id = await inner.publish(topic, payload, options);
      trace.push({ kind: "publish", topic, payload: text(payload) });
      return id;
    },
    async subscribe(topic, options): Promise<Subscription> {
      const sub = await inner.subscribe(topic, options);
      const iterator = sub[Symbol.asyncIterator]();
      const wrapped: AsyncIterableIterator<InboundMessage> = {
        next: async () => {
          const r = await iterator.next();
          return r.done ? r : { done: false, value: wrapMessage(r.value) };
        },
        return: async () => (iterator.return ? iterator.return() : { done: true, value: undefined }),
        [Symbol.asyncIterator]: () => wrapped,
      };
      return {
        topic: sub.topic,
        subscription: sub.subscription,
        close: () => sub.close(),
        unsubscribe: () => sub.unsubscribe(),
        [Symbol.asyncIterator]: () => wrapped,
      };
    },
    read: (topic, options) => inner.read(topic, options),
    stats: (topic) => inner.stats(topic),
    close: () => inner.close(),
  };
}
