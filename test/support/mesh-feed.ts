/**
 * Feeds a dataset into a running ingest over gRPC and rides out ingest restarts: the same replay as
 * `rtml up` (rate, label delay, event ids `<dataset>-<index>`), events batched into `Publish` calls and
 * labels into `PublishLabels` calls, one call of each kind in flight (so events keep their order), each
 * retried with the same event ids until ingest answers again. A retried batch may have been published
 * in part before a crash: downstream sees those events twice, with the same id, as at-least-once allows.
 */
import { createReplay, type LabelDelay, type ReplaySummary } from "../../services/ingest/ingest.ts";
import { openSource } from "../../services/ingest/source.ts";
import { RtmlError } from "../../services/shared/errors.ts";
import { createGrpcClient, type GrpcClient } from "../../services/shared/grpc/client.ts";
import { GrpcServiceNames } from "../../services/shared/grpc/load-proto.ts";
import { codecs, eventToWire, type EventWire, type Label } from "../../services/shared/messages.ts";
import { Topics } from "../../services/shared/topics.ts";

export interface FeedOptions {
  /** ingest's gRPC address. */
  to: string;
  dataset: string;
  maxEvents?: number;
  rate?: number;
  labelDelay?: LabelDelay;
  seed?: number;
  driftAt?: number;
  /** Events (and labels) per call at most. Default 100. */
  batch?: number;
  /** Give up on a call after retrying this long. Default 180 s (a Pulsar restart takes ~1 min here). */
  retryForMs?: number;
  /** Called after every acknowledged event batch with the events acknowledged so far. */
  onProgress?: (events: number) => void;
}

export interface FeedSummary extends ReplaySummary {
  /** Calls that failed and were retried. */
  retries: number;
}

interface Item<T> {
  value: T;
  done: () => void;
  fail: (err: unknown) => void;
}

/** One lane: items gathered into batches, one call in flight, each batch retried until it is acked. */
function createLane<T>(send: (batch: T[]) => Promise<void>, size: number, retryForMs: number, onRetry: () => void) {
  let queue: Item<T>[] = [];
  let busy: Promise<void> | undefined;
  const flush = async (): Promise<void> => {
    while (queue.length > 0) {
      const batch = queue.slice(0, size);
      queue = queue.slice(batch.length);
      const deadline = Date.now() + retryForMs;
      for (let attempt = 0; ; attempt++) {
        try {
          await send(batch.map((i) => i.value));
          for (const i of batch) i.done();
          break;
        } catch (err) {
          if (Date.now() > deadline || (err instanceof RtmlError && err.code === "INVALID_ARGUMENT")) {
            for (const i of [...batch, ...queue.splice(0)]) i.fail(err);
            return;
          }
          onRetry();
          await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt)));
        }
      }
    }
  };
  return {
    push(value: T): Promise<void> {
      return new Promise<void>((done, fail) => {
        queue.push({ value, done, fail });
        // Let the batch fill within this turn of the event loop before the call goes out.
        busy ??= new Promise<void>((r) => setImmediate(r)).then(flush).finally(() => (busy = undefined));
      });
    },
    async drain(): Promise<void> {
      while (busy !== undefined) await busy;
    },
  };
}

export async function feedOverGrpc(options: FeedOptions): Promise<FeedSummary> {
  const client: GrpcClient = createGrpcClient(options.to, GrpcServiceNames.ingest, { deadlineMs: 30_000 });
  const size = options.batch ?? 100;
  const retryForMs = options.retryForMs ?? 180_000;
  let retries = 0;
  let acked = 0;
  const events = createLane<Partial<EventWire>>(async (batch) => {
    await client.unary("Publish", { events: batch });
    acked += batch.length;
    options.onProgress?.(acked);
  }, size, retryForMs, () => retries++);
  const labels = createLane<Label>((batch) => client.unary("PublishLabels", { labels: batch }).then(() => undefined), size, retryForMs, () => retries++);
  try {
    const source = openSource(options.dataset, { simulator: { seed: options.seed, driftAt: options.driftAt, events: options.maxEvents } });
    const summary = await createReplay({
      publish: (topic, payload) => {
        if (topic === Topics.eventsRaw) return events.push(eventToWire(codecs.event.decode(payload)));
        if (topic === Topics.labels) return labels.push(codecs.label.decode(payload));
        return Promise.reject(new RtmlError("INTERNAL", `feed cannot publish to ${topic}`));
      },
      schema: source.schema,
      source: source.records,
      rate: options.rate,
      labelDelay: options.labelDelay,
      maxEvents: options.maxEvents,
      maxOutstanding: size * 4,
    }).run();
    await events.drain();
    await labels.drain();
    return { ...summary, retries };
  } finally {
    client.close();
  }
}
