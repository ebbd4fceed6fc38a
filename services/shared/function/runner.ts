/**
 * The function runner: what Pulsar's function instance does for a `process(input, context)` function.
 * It owns decode → process → publish outputs → commit state → ack (at-least-once), or ack first
 * (at-most-once); retries with exponential backoff; nack → broker redelivery → dead-letter topic after
 * `maxRedeliveries`; a per-message timeout; bounded in-flight work (at most `maxInFlight` messages
 * taken from the broker and not settled, across all inputs; the rest wait in the broker); per-key
 * ordering; keyed state through a changelog; and effectively-once processing by event id.
 *
 * Per message the hot path is one async function (no promise chains or closures per message).
 */
import { context, type Span } from "@opentelemetry/api";
import { RtmlError } from "../errors.ts";
import { createLogger } from "../logger.ts";
import { noopMetrics } from "../metrics.ts";
import { isThenable } from "../thenable.ts";
import { deadLetterTopic, Props } from "../topics.ts";
import type { InboundMessage, Subscription } from "../transport/transport.ts";
import { MessageContext, noState, publishAll, type ContextShared } from "./context.ts";
import { createDedupWindow, SEEN_PREFIX } from "./dedup.ts";
import { createDeadline, deadLetterOptions } from "./delivery.ts";
import { createStateStore, type StateStore, type StateTransaction } from "./keyed-state.ts";
import { createRunnerTelemetry } from "./runner-telemetry.ts";
import type { FunctionConfig, FunctionRunner, RunnerStats } from "./types.ts";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** Marks a key as busy with nothing queued behind it (shared, never pushed to). */
const IDLE_QUEUE: InboundMessage[] = [];
/** Orders keyless messages by event id when deduplicating, so two copies never run concurrently. */
const EVENT_ID_ORDER = "\u0001event-id\u0000";

export function createFunctionRunner<I>(cfg: FunctionConfig<I>): FunctionRunner {
  if (cfg.inputs.length === 0) throw new RtmlError("INVALID_ARGUMENT", `function ${cfg.name}: no input topics`);
  if (cfg.dedupByEventId && !cfg.stateful) {
    throw new RtmlError("INVALID_ARGUMENT", `function ${cfg.name}: dedupByEventId needs stateful: true`);
  }
  const transport = cfg.transport;
  const codec = cfg.codec;
  const inputCodecs = cfg.inputCodecs;
  /** Input index by topic: an event id is deduplicated per input (a label carries its event's id). */
  const inputIndex = new Map(cfg.inputs.map((topic, i) => [topic, i]));
  const decode = (msg: InboundMessage): I => (inputCodecs?.[msg.topic] ?? codec).decode(msg.payload);
  const fn = cfg.process;
  const subscriptionName = cfg.subscription ?? cfg.name;
  const atMostOnce = (cfg.guarantee ?? "at-least-once") === "at-most-once";
  const maxRetries = cfg.maxRetries ?? 3;
  const backoff = cfg.retryBackoffMs ?? 10;
  const timeoutMs = cfg.timeoutMs ?? 30_000;
  const maxInFlight = cfg.maxInFlight ?? 64;
  const maxRedeliveries = cfg.maxRedeliveries ?? 5;
  // at-most-once acks each message before processing it: no batches there.
  const maxBatch = atMostOnce ? 1 : cfg.maxBatch ?? 128;
  if (!(Number.isInteger(maxBatch) && maxBatch >= 1)) {
    throw new RtmlError("INVALID_ARGUMENT", `function ${cfg.name}: maxBatch must be an integer >= 1`);
  }
  if (!(Number.isInteger(maxInFlight) && maxInFlight >= 1)) {
    throw new RtmlError("INVALID_ARGUMENT", `function ${cfg.name}: maxInFlight must be an integer >= 1`);
  }
  const dlqOf = (topic: string) => cfg.deadLetterTopic ?? deadLetterTopic(topic, subscriptionName);
  const logger = (cfg.logger ?? createLogger()).child({ function: cfg.name });
  const metrics = cfg.metrics ?? noopMetrics;
  // Spans and OTel metrics (runner-telemetry.ts); undefined without telemetry: no work per message.
  const telemetry = createRunnerTelemetry({ telemetry: cfg.telemetry, functionName: cfg.name, subscription: subscriptionName, transport, inputs: cfg.inputs });
  const shared: ContextShared = {
    functionName: cfg.name,
    logger,
    metrics,
    config: Object.freeze({ ...(cfg.config ?? {}) }),
    secrets: Object.freeze({ ...(cfg.secrets ?? {}) }),
  };
  const store: StateStore | undefined = cfg.stateful
    ? createStateStore(transport, cfg.changelogTopic ?? `${cfg.name}-state-changelog`, { commitLast: (key) => key.startsWith(SEEN_PREFIX) })
    : undefined;
  const dedup = store && cfg.dedupByEventId ? createDedupWindow(cfg.dedupWindow ?? 100_000) : undefined;

  const stats: RunnerStats = { received: 0, processed: 0, failed: 0, retried: 0, duplicates: 0, deadLettered: 0, inFlight: 0 };
  const subscriptions: Subscription[] = [];
  const loops: Promise<void>[] = [];
  /** Keys with a message being processed, and the messages waiting behind it (per-key order). */
  const busyKeys = new Map<string, InboundMessage[]>();
  /** Consume loops waiting for an in-flight slot. */
  const slotWaiters: (() => void)[] = [];
  let running = false;
  let starting: Promise<void> | undefined;
  let stopping: Promise<void> | undefined;
  let idle: (() => void) | undefined;

  const withTimeout = createDeadline(cfg.name, timeoutMs);

  /** The id a message is deduplicated by: its event id, qualified by the input after the first. */
  function dedupId(msg: InboundMessage): string | undefined {
    const id = msg.properties[Props.eventId];
    if (!id) return undefined;
    const input = inputIndex.get(msg.topic) ?? 0;
    return input === 0 ? id : `${id}\u0000${input}`;
  }

  async function deadLetter(msg: InboundMessage, err: unknown): Promise<void> {
    await transport.publish(dlqOf(msg.topic), msg.payload, deadLetterOptions(msg, err));
    stats.deadLettered++;
  }

  /** A payload that cannot be decoded never becomes valid: hand it over once instead of retrying. */
  async function undecodable(msg: InboundMessage, err: unknown): Promise<void> {
    stats.failed++;
    try {
      if (cfg.onDecodeError) {
        const ctx = new MessageContext(shared, msg, noState);
        try {
          await cfg.onDecodeError(msg.payload, err as Error, ctx);
        } finally {
          ctx.close();
        }
        if (ctx.outputs !== undefined) await publishAll(transport, ctx.outputs);
      } else await deadLetter(msg, err);
    } catch (inner) {
      logger.error("decode-error handling failed", { err: inner, messageId: msg.messageId, topic: msg.topic });
      if (!atMostOnce) await nack(msg);
      return;
    }
    if (!atMostOnce) await msg.ack();
  }

  function nack(msg: InboundMessage): Promise<void> {
    // The broker dead-letters a message nacked after maxRedeliveries redeliveries.
    if (msg.redeliveryCount >= maxRedeliveries) stats.deadLettered++;
    return msg.nack(cfg.nackDelayMs);
  }

  /** Processes one delivery to its end (ack or nack); never rejects. `settles`: free its slot (and key) at the end. */
  async function run(msg: InboundMessage, orderKey: string | undefined, settles = true): Promise<void> {
    const span: Span | undefined = telemetry?.begin(msg);
    const t0 = telemetry === undefined ? 0 : performance.now();
    let failure: { err: unknown } | undefined;
    try {
      stats.received++;
      if (atMostOnce) await msg.ack();
      let input: I;
      try {
        input = decode(msg);
      } catch (err) {
        failure = { err };
        await undecodable(msg, err);
        return;
      }
      const eventId = dedup === undefined ? undefined : dedupId(msg);
      if (eventId !== undefined && dedup?.has(eventId)) {
        stats.duplicates++;
        if (!atMostOnce) await msg.ack();
        return;
      }
      const started = performance.now();
      for (let attempt = 0; ; attempt++) {
        let published = false;
        let txn: StateTransaction | undefined;
        try {
          txn = store?.begin();
          const ctx = new MessageContext(shared, msg, txn ?? noState);
          try {
            const result = span === undefined || !span.isRecording() ? fn(input, ctx) : context.with(telemetry!.contextOf(span), fn, undefined, input, ctx);
            if (isThenable(result)) await withTimeout(result);
          } finally {
            ctx.close();
            txn?.close();
          }
          if (ctx.outputs !== undefined) {
            published = true;
            await (span === undefined ? publishAll(transport, ctx.outputs) : telemetry!.publish(ctx.outputs, span, msg));
          }
          if (store !== undefined && txn !== undefined) {
            if (eventId !== undefined && dedup !== undefined) {
              const evicted = dedup.stage(eventId, txn.changeSet());
              try {
                await store.commit(txn.changes);
              } catch (err) {
                dedup.abort(eventId, evicted);
                throw err;
              }
              dedup.confirm(eventId, evicted);
            } else if (txn.changes.size > 0) await store.commit(txn.changes);
          }
        } catch (err) {
          if (running && attempt < maxRetries && !(atMostOnce && published)) {
            stats.retried++;
            await sleep(backoff * 2 ** attempt);
            continue;
          }
          stats.failed++;
          failure = { err };
          logger.warn("processing failed; message handed back to the broker", {
            err,
            messageId: msg.messageId,
            topic: msg.topic,
            redeliveryCount: msg.redeliveryCount,
          });
          if (!atMostOnce) await nack(msg);
          return;
        }
        stats.processed++;
        metrics.record("process_duration_ms", performance.now() - started);
        break;
      }
      if (!atMostOnce) await msg.ack();
    } catch (err) {
      // ack or nack failed (e.g. the transport closed): the broker redelivers the message.
      logger.warn("could not settle message; the broker will redeliver it", { err, messageId: msg.messageId, topic: msg.topic });
    } finally {
      telemetry?.end(msg.topic, span, t0, failure !== undefined, failure?.err);
      if (settles) settle(orderKey, 1);
    }
  }

  /**
   * The messages that queued behind one key while its previous message was in flight, as one unit (group
   * commit): process() runs for each in order on one state transaction, then all outputs are published,
   * the state (one changelog record per key written, however many messages wrote it) and the event ids
   * are committed, and all are acked. Per-key order and the guarantees are those of one message at a
   * time; under load the broker round trips per message fall with the batch size. If anything fails
   * before the commit, nothing is acked or committed and the messages run again one by one, each with
   * its own retries and nack (outputs already published are then published again: at-least-once).
   */
  async function runBatch(msgs: InboundMessage[], orderKey: string): Promise<void> {
    try {
      if (!(await tryBatch(msgs))) for (const msg of msgs) await run(msg, undefined, false);
    } finally {
      settle(orderKey, msgs.length);
    }
  }

  /** One attempt at a batch; false when nothing was committed or acked. */
  async function tryBatch(msgs: InboundMessage[]): Promise<boolean> {
    const n = msgs.length;
    const inputs: I[] = new Array(n);
    for (let i = 0; i < n; i++) {
      try {
        inputs[i] = decode(msgs[i]);
      } catch {
        return false; // handed over one by one
      }
    }
    const spans: (Span | undefined)[] | undefined = telemetry === undefined ? undefined : new Array(n);
    const t0 = performance.now();
    const txn = store?.begin();
    const sends: Promise<unknown>[] = [];
    const staged: [string, string[] | undefined][] = [];
    const batchIds = dedup === undefined ? undefined : new Set<string>();
    let duplicates = 0;
    try {
      for (let i = 0; i < n; i++) {
        const msg = msgs[i];
        const eventId = batchIds === undefined ? undefined : dedupId(msg);
        if (eventId !== undefined && (dedup!.has(eventId) || batchIds!.has(eventId))) {
          duplicates++;
          continue;
        }
        const span = telemetry?.begin(msg);
        if (spans !== undefined) spans[i] = span;
        const ctx = new MessageContext(shared, msg, txn ?? noState);
        try {
          const result = span === undefined || !span.isRecording() ? fn(inputs[i], ctx) : context.with(telemetry!.contextOf(span), fn, undefined, inputs[i], ctx);
          if (isThenable(result)) await withTimeout(result);
        } finally {
          ctx.close();
        }
        if (ctx.outputs !== undefined) sends.push(span === undefined ? publishAll(transport, ctx.outputs) : telemetry!.publish(ctx.outputs, span, msg));
        if (eventId !== undefined) {
          batchIds!.add(eventId);
          staged.push([eventId, dedup!.stage(eventId, txn!.changeSet())]);
        }
      }
      txn?.close();
      await Promise.all(sends);
      if (store !== undefined && txn !== undefined && txn.changes.size > 0) await store.commit(txn.changes);
    } catch (err) {
      txn?.close();
      for (const [eventId, evicted] of staged) dedup!.abort(eventId, evicted);
      void Promise.allSettled(sends); // failures of the other sends are this one's
      if (spans !== undefined) for (let i = 0; i < n; i++) if (spans[i] !== undefined) telemetry!.end(msgs[i].topic, spans[i], t0, true, err);
      logger.debug("batch failed; running its messages one by one", { err, messages: n });
      return false;
    }
    for (const [eventId, evicted] of staged) dedup!.confirm(eventId, evicted);
    try {
      await Promise.all(msgs.map((msg) => msg.ack()));
    } catch (err) {
      // Committed: the broker redelivers what was not acked, and the event ids make those duplicates.
      logger.warn("could not settle messages; the broker will redeliver them", { err, messages: n, topic: msgs[0].topic });
    }
    stats.received += n;
    stats.processed += n - duplicates;
    stats.duplicates += duplicates;
    const perMessage = (performance.now() - t0) / n;
    for (let i = duplicates; i < n; i++) metrics.record("process_duration_ms", perMessage);
    if (spans !== undefined) for (let i = 0; i < n; i++) if (spans[i] !== undefined) telemetry!.end(msgs[i].topic, spans[i], t0, false);
    return true;
  }

  /** `n` deliveries of one key (or none) are over: start what queued behind the key, free their slots. */
  function settle(orderKey: string | undefined, n: number): void {
    if (orderKey !== undefined) {
      const queue = busyKeys.get(orderKey) as InboundMessage[];
      if (queue.length === 0) busyKeys.delete(orderKey);
      else if (queue.length === 1 || maxBatch === 1) void run(queue.shift() as InboundMessage, orderKey);
      else void runBatch(queue.splice(0, maxBatch), orderKey);
    }
    stats.inFlight -= n;
    for (let i = 0; i < n && slotWaiters.length > 0; i++) (slotWaiters.shift() as () => void)();
    if (stats.inFlight === 0 && idle !== undefined) idle();
  }

  function dispatch(msg: InboundMessage): void {
    stats.inFlight++;
    let orderKey = msg.key;
    if (orderKey === undefined && dedup !== undefined) {
      const eventId = dedupId(msg);
      if (eventId !== undefined) orderKey = EVENT_ID_ORDER + eventId;
    }
    if (orderKey === undefined) {
      void run(msg, undefined);
      return;
    }
    const queue = busyKeys.get(orderKey);
    if (queue === undefined) {
      busyKeys.set(orderKey, IDLE_QUEUE);
      void run(msg, orderKey);
    } else if (queue === IDLE_QUEUE) busyKeys.set(orderKey, [msg]);
    else queue.push(msg);
  }

  function slot(): Promise<void> {
    return new Promise<void>((resolve) => slotWaiters.push(resolve));
  }

  async function consume(sub: Subscription): Promise<void> {
    // Iterated by hand: leaving a `for await` loop would close the consumer and hand the messages still
    // in flight to other consumers while they are being processed.
    const iterator = sub[Symbol.asyncIterator]();
    for (;;) {
      while (running && stats.inFlight >= maxInFlight) await slot();
      if (!running) return;
      const next = await iterator.next();
      if (next.done) return;
      // Another input may have taken the last slot meanwhile: hold this one message until a slot frees.
      while (running && stats.inFlight >= maxInFlight) await slot();
      if (!running) return; // left unacked: redelivered when stop() closes the consumer
      dispatch(next.value);
    }
  }

  async function doStart(): Promise<void> {
    if (store) {
      await store.restore();
      dedup?.restore(store.keys());
    }
    running = true;
    try {
      for (const topic of cfg.inputs) {
        const sub = await transport.subscribe(topic, {
          subscription: subscriptionName,
          type: cfg.subscriptionType ?? "shared",
          receiverQueueSize: maxInFlight,
          maxRedeliveries,
          deadLetterTopic: dlqOf(topic),
          nackDelayMs: cfg.nackDelayMs,
          initialPosition: cfg.initialPosition ?? "earliest",
        });
        subscriptions.push(sub);
        loops.push(consume(sub).catch(onFatal));
      }
    } catch (err) {
      await doStop();
      throw err;
    }
    logger.debug("started", { inputs: cfg.inputs, subscription: subscriptionName });
  }

  async function doStop(): Promise<void> {
    running = false;
    for (const wake of slotWaiters.splice(0)) wake();
    if (stats.inFlight > 0) await new Promise<void>((resolve) => (idle = resolve));
    idle = undefined;
    await Promise.all(subscriptions.map((s) => (cfg.unsubscribeOnStop ? s.unsubscribe() : s.close())));
    await Promise.all(loops);
    subscriptions.length = 0;
    loops.length = 0;
  }

  function onFatal(err: unknown): void {
    logger.error("unexpected runner error", { err });
  }

  const runner: FunctionRunner = {
    name: cfg.name,
    state: { get: <T>(key: string) => store?.get<T>(key) },
    stats: () => ({ ...stats }),
    start() {
      if (stopping !== undefined) return stopping.then(() => runner.start());
      starting ??= doStart().catch((err: unknown) => {
        starting = undefined;
        throw err;
      });
      return starting;
    },
    stop() {
      if (starting === undefined) return stopping ?? Promise.resolve();
      const started = starting;
      stopping ??= started
        .then(doStop, () => undefined)
        .finally(() => {
          starting = undefined;
          stopping = undefined;
        });
      return stopping;
    },
  };
  return runner;
}
