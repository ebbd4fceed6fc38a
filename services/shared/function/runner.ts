/**
 * The function runner: what Pulsar's function instance does for a `process(input, context)` function.
 * It owns decode → process → publish outputs → commit state → ack (at-least-once), or ack first
 * (at-most-once); retries with exponential backoff; nack → broker redelivery → dead-letter topic after
 * `maxRedeliveries`; a per-message timeout; bounded in-flight work (the subscription's receiver queue is
 * the bound, so an overloaded function leaves messages in the broker); per-key ordering; keyed state
 * through a changelog; and effectively-once processing by event id.
 */
import { RtmlError } from "../errors.ts";
import { createLogger } from "../logger.ts";
import { noopMetrics } from "../metrics.ts";
import { Props } from "../topics.ts";
import type { InboundMessage, Subscription } from "../transport/transport.ts";
import { createStateStore, DELETE, type StateStore } from "./keyed-state.ts";
import type { Context, FunctionConfig, FunctionRunner, KeyedState, RunnerStats } from "./types.ts";

interface Output {
  topic: string;
  payload: Uint8Array;
  options: Parameters<Context["publish"]>[3];
}

const SEEN_PREFIX = "__seen\u0000";
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const readOnlyState: KeyedState = {
  get: () => undefined,
  put: () => {
    throw new RtmlError("FAILED_PRECONDITION", "this function is not stateful: set `stateful: true` to use keyed state");
  },
  incr: () => {
    throw new RtmlError("FAILED_PRECONDITION", "this function is not stateful: set `stateful: true` to use keyed state");
  },
  delete: () => {
    throw new RtmlError("FAILED_PRECONDITION", "this function is not stateful: set `stateful: true` to use keyed state");
  },
};

export function createFunctionRunner<I>(cfg: FunctionConfig<I>): FunctionRunner {
  if (cfg.inputs.length === 0) throw new RtmlError("INVALID_ARGUMENT", `function ${cfg.name}: no input topics`);
  if (cfg.dedupByEventId && !cfg.stateful) {
    throw new RtmlError("INVALID_ARGUMENT", `function ${cfg.name}: dedupByEventId needs stateful: true`);
  }
  const transport = cfg.transport;
  const subscriptionName = cfg.subscription ?? cfg.name;
  const guarantee = cfg.guarantee ?? "at-least-once";
  const maxRetries = cfg.maxRetries ?? 3;
  const backoff = cfg.retryBackoffMs ?? 10;
  const timeoutMs = cfg.timeoutMs ?? 30_000;
  const maxInFlight = cfg.maxInFlight ?? 64;
  const dedupWindow = cfg.dedupWindow ?? 100_000;
  const deadLetterTopic = cfg.deadLetterTopic ?? `${cfg.inputs[0]}-${subscriptionName}-DLQ`;
  const logger = (cfg.logger ?? createLogger()).child({ function: cfg.name });
  const metrics = cfg.metrics ?? noopMetrics;
  const config = Object.freeze({ ...(cfg.config ?? {}) });
  const secrets = cfg.secrets ?? {};
  const store: StateStore | undefined = cfg.stateful
    ? createStateStore(transport, cfg.changelogTopic ?? `${cfg.name}-state-changelog`)
    : undefined;
  /** Event ids processed, oldest first (insertion order), mirrored in the changelog. */
  const seen = new Set<string>();

  const stats: RunnerStats = { received: 0, processed: 0, failed: 0, retried: 0, duplicates: 0, deadLettered: 0, inFlight: 0 };
  const subscriptions: Subscription[] = [];
  const loops: Promise<void>[] = [];
  /** Tail of the processing chain per message key: one key's messages run one at a time, in order. */
  const keyTails = new Map<string, Promise<void>>();
  let running = false;
  let idle: (() => void) | undefined;

  function makeContext(msg: InboundMessage, outputs: Output[], state: KeyedState): Context {
    return {
      functionName: cfg.name,
      record: msg,
      state,
      logger,
      metrics,
      config,
      secret: (name) => secrets[name],
      publish(topic, codec, message, options) {
        outputs.push({ topic, payload: codec.encode(message), options });
      },
    };
  }

  async function publishAll(outputs: Output[]): Promise<void> {
    if (outputs.length === 1) {
      const o = outputs[0];
      await transport.publish(o.topic, o.payload, o.options);
    } else if (outputs.length > 1) {
      await Promise.all(outputs.map((o) => transport.publish(o.topic, o.payload, o.options)));
    }
  }

  /** Runs process() once; resolves with the outputs and the state changes it made. */
  async function attempt(msg: InboundMessage, input: I) {
    const outputs: Output[] = [];
    const txn = store?.begin();
    const ctx = makeContext(msg, outputs, txn ?? readOnlyState);
    const result = cfg.process(input, ctx);
    if (result !== undefined && typeof (result as Promise<void>).then === "function") {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new RtmlError("DEADLINE_EXCEEDED", `${cfg.name}: process() took longer than ${timeoutMs} ms`)),
          timeoutMs,
        );
      });
      try {
        await Promise.race([result, timeout]);
      } finally {
        clearTimeout(timer);
      }
    }
    return { outputs, changes: txn?.changes };
  }

  async function commitState(changes: ReadonlyMap<string, unknown> | undefined, eventId: string | undefined) {
    if (!store) return;
    let all = changes;
    if (cfg.dedupByEventId && eventId) {
      const withSeen = new Map(changes ?? []);
      withSeen.set(SEEN_PREFIX + eventId, 1);
      seen.add(eventId);
      while (seen.size > dedupWindow) {
        const oldest = seen.values().next().value as string;
        seen.delete(oldest);
        withSeen.set(SEEN_PREFIX + oldest, DELETE);
      }
      all = withSeen;
    }
    if (all && all.size > 0) await store.commit(all);
  }

  async function deadLetter(msg: InboundMessage, reason: string) {
    await transport.publish(deadLetterTopic, msg.payload, {
      key: msg.key,
      properties: { ...msg.properties, "rtml-error": reason, REAL_TOPIC: msg.topic, ORIGIN_MESSAGE_ID: msg.messageId },
    });
    stats.deadLettered++;
  }

  async function handle(msg: InboundMessage): Promise<void> {
    stats.received++;
    const started = performance.now();
    const atMostOnce = guarantee === "at-most-once";
    if (atMostOnce) await msg.ack();
    let input: I;
    try {
      input = cfg.codec.decode(msg.payload);
    } catch (err) {
      // A payload that cannot be decoded never becomes valid: hand it over instead of retrying.
      try {
        if (cfg.onDecodeError) {
          const outputs: Output[] = [];
          await cfg.onDecodeError(msg.payload, err as Error, makeContext(msg, outputs, readOnlyState));
          await publishAll(outputs);
        } else await deadLetter(msg, (err as Error).message);
        if (!atMostOnce) await msg.ack();
        stats.processed++;
      } catch (inner) {
        stats.failed++;
        logger.error("decode-error handling failed", { err: inner, messageId: msg.messageId });
        if (!atMostOnce) await msg.nack();
      }
      return;
    }
    const eventId = msg.properties[Props.eventId];
    if (cfg.dedupByEventId && eventId && seen.has(eventId)) {
      stats.duplicates++;
      if (!atMostOnce) await msg.ack();
      return;
    }
    for (let n = 0; ; n++) {
      try {
        const { outputs, changes } = await attempt(msg, input);
        await publishAll(outputs);
        await commitState(changes, eventId);
        if (!atMostOnce) await msg.ack();
        stats.processed++;
        metrics.record("process_duration_ms", performance.now() - started);
        return;
      } catch (err) {
        if (n < maxRetries && running) {
          stats.retried++;
          await sleep(backoff * 2 ** n);
          continue;
        }
        stats.failed++;
        logger.warn("processing failed; message handed back to the broker", {
          err,
          messageId: msg.messageId,
          topic: msg.topic,
          redeliveryCount: msg.redeliveryCount,
        });
        if (!atMostOnce) await msg.nack();
        return;
      }
    }
  }

  function dispatch(msg: InboundMessage): void {
    stats.inFlight++;
    const done = () => {
      stats.inFlight--;
      if (stats.inFlight === 0 && idle) idle();
    };
    const key = msg.key;
    if (key === undefined) {
      handle(msg).catch(onFatal).finally(done);
      return;
    }
    const prev = keyTails.get(key);
    const run: Promise<void> = (prev ? prev.then(() => handle(msg)) : handle(msg)).catch(onFatal).finally(() => {
      done();
      if (keyTails.get(key) === run) keyTails.delete(key);
    });
    keyTails.set(key, run);
  }

  function onFatal(err: unknown) {
    stats.failed++;
    logger.error("unexpected runner error", { err });
  }

  async function consume(sub: Subscription) {
    for await (const msg of sub) {
      if (!running) break; // left unacked: the broker redelivers it when the consumer closes
      dispatch(msg);
    }
  }

  return {
    name: cfg.name,
    state: { get: <T>(key: string) => store?.get<T>(key) },
    stats: () => ({ ...stats }),
    async start() {
      if (running) return;
      if (store) {
        await store.restore();
        seen.clear();
        for (const key of store.keys()) if (key.startsWith(SEEN_PREFIX)) seen.add(key.slice(SEEN_PREFIX.length));
      }
      running = true;
      for (const topic of cfg.inputs) {
        const sub = await transport.subscribe(topic, {
          subscription: subscriptionName,
          type: cfg.subscriptionType ?? "shared",
          receiverQueueSize: maxInFlight,
          maxRedeliveries: cfg.maxRedeliveries ?? 5,
          deadLetterTopic: cfg.inputs.length === 1 ? deadLetterTopic : `${topic}-${subscriptionName}-DLQ`,
          initialPosition: cfg.initialPosition ?? "earliest",
        });
        subscriptions.push(sub);
        loops.push(consume(sub).catch(onFatal));
      }
      logger.debug("started", { inputs: cfg.inputs, subscription: subscriptionName });
    },
    async stop() {
      if (!running) return;
      running = false;
      if (stats.inFlight > 0) await new Promise<void>((resolve) => (idle = resolve));
      idle = undefined;
      await Promise.all(subscriptions.map((s) => s.close()));
      await Promise.all(loops);
      subscriptions.length = 0;
      loops.length = 0;
    },
  };
}
