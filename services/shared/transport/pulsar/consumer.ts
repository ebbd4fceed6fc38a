/**
 * A subscription over the WebSocket consumer endpoint (push mode: the broker-side handler delivers
 * at most receiverQueueSize unacknowledged messages, and each ack or nack releases one more).
 *
 * When the connection drops (broker restart), the consumer re-subscribes with backoff and iteration
 * goes on; buffered messages of the lost connection are dropped (the broker redelivers them), and
 * acks made meanwhile are sent after re-subscribing.
 */
import { isRtmlError, RtmlError } from "../../errors.ts";
import type { InboundMessage, SubscribeOptions, Subscription } from "../transport.ts";
import type { Admin } from "./admin.ts";
import { isMessageFrame, toInboundMessage, type Settler } from "./frames.ts";
import type { ResolvedOptions, TopicName } from "./options.ts";
import { createAsyncQueue } from "./queue.ts";
import { backoff, openSocket, sendFrame, WebSocket } from "./socket.ts";

/**
 * The WS handler acks through a Java consumer whose acks are grouped (flushed every 100 ms); closing
 * it sends CloseConsumer before that flush (ConsumerImpl.closeConsumerTasks runs on another thread),
 * so acks sent just before a close are lost. close() therefore waits this long after the last ack.
 */
const ACK_FLUSH_MS = 300;

const TYPES = { exclusive: "Exclusive", shared: "Shared", failover: "Failover", key_shared: "Key_Shared" } as const;

export interface ConsumerContext {
  readonly options: ResolvedOptions;
  readonly admin: Admin;
  /** Maps a dead-letter topic's logical name. */
  topicName(logical: string): TopicName;
  /** True once the transport is closed. */
  isClosed(): boolean;
  /** Called when this subscription is closed (the transport forgets it). */
  forget(sub: Subscription): void;
}

/** WebSocket query parameters of a subscription (ConsumerHandler.getConsumerConfiguration). */
function consumerQuery(ctx: ConsumerContext, topic: TopicName, o: SubscribeOptions): Record<string, string> {
  const ackTimeout = o.ackTimeoutMs ?? 0;
  if (ackTimeout > 0 && ackTimeout < 1000) {
    throw new RtmlError("INVALID_ARGUMENT", `ackTimeoutMs ${ackTimeout}: Pulsar's minimum ack timeout is 1000 ms`);
  }
  const q: Record<string, string> = {
    subscriptionType: TYPES[o.type],
    subscriptionInitialPosition: o.initialPosition === "latest" ? "Latest" : "Earliest",
    // The WS handler caps receiverQueueSize at 1000.
    receiverQueueSize: String(Math.max(1, Math.min(o.receiverQueueSize ?? 1000, 1000))),
    negativeAckRedeliveryDelay: String(o.nackDelayMs ?? 1000),
  };
  if (ackTimeout > 0) q.ackTimeoutMillis = String(ackTimeout);
  if (o.consumerName !== undefined) q.consumerName = o.consumerName;
  if (o.maxRedeliveries !== undefined) {
    q.maxRedeliverCount = String(o.maxRedeliveries);
    q.deadLetterTopic = ctx.topicName(o.deadLetterTopic ?? `${topic.logical}-${o.subscription}-DLQ`).full;
  }
  return q;
}

interface Delivery {
  readonly generation: number;
  readonly message: InboundMessage;
}

export async function createPulsarSubscription(ctx: ConsumerContext, topic: TopicName, o: SubscribeOptions): Promise<Subscription> {
  const query = consumerQuery(ctx, topic, o);
  const path = `/ws/v2/consumer/${topic.path}/${encodeURIComponent(o.subscription)}`;
  const what = `subscription ${o.subscription} on ${topic.logical}`;
  const nackDelay = o.nackDelayMs ?? 1000;
  const queue = createAsyncQueue<Delivery>();
  const held: unknown[] = []; // control frames made while reconnecting
  const timers = new Map<ReturnType<typeof setTimeout>, () => void>(); // delayed nacks: timer → resolve
  let socket: WebSocket | undefined;
  let generation = 0;
  let closed = false;
  let lastAckAt = 0;
  let onServerClose: ((code: number, reason: string) => void) | undefined;

  async function control(frame: unknown): Promise<void> {
    if (closed || ctx.isClosed()) throw new RtmlError("FAILED_PRECONDITION", `${what} is closed`);
    if (socket === undefined || socket.readyState !== WebSocket.OPEN) {
      held.push(frame);
      return;
    }
    await sendFrame(socket, frame).catch(() => void held.push(frame));
  }

  const settler: Settler = {
    ack(rawId) {
      lastAckAt = Date.now();
      return control({ messageId: rawId });
    },
    async nack(rawId, delayMs) {
      if (closed || ctx.isClosed()) return;
      // The WS API has one redelivery delay per consumer: a longer one is waited out here first.
      const extra = delayMs === undefined ? 0 : delayMs - nackDelay;
      if (extra > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => (timers.delete(timer), resolve()), extra);
          timers.set(timer, resolve);
        });
      }
      await control({ type: "negativeAcknowledge", messageId: rawId }).catch(() => {});
    },
  };

  function attach(ws: WebSocket): void {
    const mine = ++generation;
    socket = ws;
    queue.drop((d) => d.generation !== mine);
    ws.on("message", (data) => {
      let frame: unknown;
      try {
        frame = JSON.parse(data.toString());
      } catch {
        return;
      }
      if (isMessageFrame(frame)) queue.push({ generation: mine, message: toInboundMessage(topic.logical, frame, settler) });
    });
    ws.on("error", () => ws.terminate());
    ws.on("close", (code, reason) => {
      if (socket !== ws) return;
      socket = undefined;
      if (onServerClose !== undefined) onServerClose(code, reason.toString());
      else if (!closed && !ctx.isClosed()) void reconnect();
    });
    // Acks made while reconnecting still count; nacks do not matter (the broker redelivers anyway).
    for (const frame of held.splice(0)) {
      if (!("type" in (frame as object))) void sendFrame(ws, frame).catch(() => {});
    }
  }

  async function reconnect(): Promise<void> {
    const next = backoff(ctx.options);
    while (!closed && !ctx.isClosed()) {
      await new Promise((resolve) => setTimeout(resolve, next()));
      if (closed || ctx.isClosed()) return;
      try {
        const ws = await openSocket(ctx.options, path, query, what);
        if (closed || ctx.isClosed()) {
          ws.close(1000);
          return;
        }
        attach(ws);
        return;
      } catch {
        // broker still away (or the old consumer not yet gone): try again
      }
    }
  }

  attach(await openSocket(ctx.options, path, query, what));

  const sub: Subscription = {
    topic: topic.logical,
    subscription: o.subscription,
    async close() {
      if (closed) return;
      closed = true;
      for (const [timer, resolve] of timers) {
        clearTimeout(timer);
        resolve(); // the nack is then a no-op: the broker redelivers what this consumer did not ack
      }
      timers.clear();
      queue.end();
      const flush = lastAckAt + ACK_FLUSH_MS - Date.now();
      if (flush > 0 && socket !== undefined) await new Promise((resolve) => setTimeout(resolve, flush));
      ctx.forget(sub);
      const ws = socket;
      socket = undefined;
      if (ws !== undefined && ws.readyState === WebSocket.OPEN) {
        const gone = new Promise((resolve) => ws.once("close", resolve));
        ws.close(1000);
        await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 2000))]);
      }
    },
    async unsubscribe() {
      if (closed || ctx.isClosed()) throw new RtmlError("FAILED_PRECONDITION", `${what} is closed`);
      const ws = socket;
      if (ws === undefined) throw new RtmlError("UNAVAILABLE", `${what} is reconnecting`);
      // Success is silent on the WS API; a failure (other consumers connected) closes the socket.
      const refused = new Promise<never>((_, reject) => {
        onServerClose = (code, reason) => reject(new RtmlError("FAILED_PRECONDITION", `Pulsar refused to unsubscribe ${what} (${code} ${reason}): other consumers are connected`));
      });
      refused.catch(() => {});
      await sendFrame(ws, { type: "unsubscribe" });
      const deadline = Date.now() + ctx.options.operationTimeoutMs;
      try {
        for (;;) {
          const gone = !(await ctx.admin.subscriptions(topic)).includes(o.subscription);
          if (gone) break;
          if (Date.now() > deadline) throw new RtmlError("DEADLINE_EXCEEDED", `${what} was not deleted within ${ctx.options.operationTimeoutMs} ms`);
          await Promise.race([refused, new Promise((resolve) => setTimeout(resolve, 50))]);
        }
      } catch (err) {
        onServerClose = undefined;
        // Refused: the handler closed our socket; this consumer stays subscribed, as Pulsar's would.
        if (isRtmlError(err, "FAILED_PRECONDITION") && socket === undefined && !closed) void reconnect();
        else await sub.close();
        throw err;
      }
      onServerClose = () => {};
      await sub.close();
    },
    [Symbol.asyncIterator]() {
      return {
        async next(): Promise<IteratorResult<InboundMessage>> {
          const item = await queue.next();
          return item.done === true ? { done: true, value: undefined } : { done: false, value: item.value.message };
        },
        async return(): Promise<IteratorResult<InboundMessage>> {
          await sub.close();
          return { done: true, value: undefined };
        },
      };
    },
  };
  return sub;
}
