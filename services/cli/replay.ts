/**
 * `rtml replay --to host:port`: streams a dataset into a running ingest over gRPC — events through
 * PublishStream (each publish resolves on its ack, so the replay's backpressure window bounds what is
 * in flight), labels batched through PublishLabels, with the same label delay and rate options as
 * `rtml up`. The dataset is read here; ingest assigns ingest time and sequence as for any producer.
 */
import { createReplay, type LabelDelay, type PublishFn, type ReplaySummary } from "../ingest/ingest.ts";
import { openSource } from "../ingest/source.ts";
import { RtmlError } from "../shared/errors.ts";
import { createGrpcClient, type GrpcClientTlsOptions } from "../shared/grpc/client.ts";
import { GrpcServiceNames } from "../shared/grpc/load-proto.ts";
import { codecs, eventToWire, type EventWire, type Label } from "../shared/messages.ts";
import { Topics } from "../shared/topics.ts";

export interface GrpcReplayOptions {
  to: string;
  dataset: string;
  schema?: string;
  maxEvents?: number;
  rate?: number;
  labelDelay?: LabelDelay;
  seed?: number;
  driftAt?: number;
  tls?: GrpcClientTlsOptions;
  /** Events awaiting their ack at most. Default 512. */
  window?: number;
  onProgress?: (events: number) => void;
}

/** A push-fed async iterable (the request side of a stream). */
function createPushQueue<T>() {
  const items: T[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  return {
    push(item: T) {
      items.push(item);
      wake?.();
    },
    end() {
      ended = true;
      wake?.();
    },
    async *[Symbol.asyncIterator](): AsyncIterator<T> {
      for (;;) {
        while (items.length > 0) yield items.shift()!;
        if (ended) return;
        await new Promise<void>((r) => (wake = r));
        wake = undefined;
      }
    },
  };
}

export async function replayOverGrpc(options: GrpcReplayOptions): Promise<ReplaySummary> {
  const client = createGrpcClient(options.to, GrpcServiceNames.ingest, { tls: options.tls });
  await client.waitForReady(10_000);
  const requests = createPushQueue<Partial<EventWire>>();
  const waiting: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  let failure: unknown;
  const acks = (async () => {
    for await (const _ack of client.bidi<Partial<EventWire>, { eventId: string }>("PublishStream", requests)) waiting.shift()?.resolve();
    if (waiting.length > 0) throw new RtmlError("DATA_LOSS", `ingest ended the stream with ${waiting.length} events unacknowledged`);
  })().catch((err: unknown) => {
    failure = err;
    for (const w of waiting.splice(0)) w.reject(err);
  });

  let labels: { label: Label; done: () => void; fail: (e: unknown) => void }[] = [];
  let flushTimer: NodeJS.Timeout | undefined;
  const flushLabels = async () => {
    clearTimeout(flushTimer);
    flushTimer = undefined;
    const batch = labels;
    labels = [];
    if (batch.length === 0) return;
    try {
      await client.unary("PublishLabels", { labels: batch.map((b) => b.label) });
      for (const b of batch) b.done();
    } catch (err) {
      for (const b of batch) b.fail(err);
    }
  };

  const publish: PublishFn = (topic, payload) => {
    if (failure) return Promise.reject(failure);
    if (topic === Topics.eventsRaw) {
      return new Promise<void>((resolve, reject) => {
        waiting.push({ resolve, reject });
        requests.push(eventToWire(codecs.event.decode(payload)));
      });
    }
    if (topic === Topics.labels) {
      return new Promise<void>((done, fail) => {
        labels.push({ label: codecs.label.decode(payload), done, fail });
        if (labels.length >= 512) void flushLabels();
        else flushTimer ??= setTimeout(() => void flushLabels(), 20);
      });
    }
    return Promise.reject(new RtmlError("INTERNAL", `replay over gRPC cannot publish to ${topic}`));
  };

  try {
    const source = openSource(options.dataset, { schema: options.schema, simulator: { seed: options.seed, driftAt: options.driftAt, events: options.maxEvents } });
    const summary = await createReplay({
      publish, schema: source.schema, source: source.records, rate: options.rate, labelDelay: options.labelDelay,
      maxEvents: options.maxEvents, maxOutstanding: options.window ?? 512, onProgress: (p) => options.onProgress?.(p.events),
    }).run();
    await flushLabels();
    requests.end();
    await acks;
    if (failure) throw failure;
    return summary;
  } finally {
    requests.end();
    client.close();
  }
}
