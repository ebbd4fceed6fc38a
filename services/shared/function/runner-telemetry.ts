/**
 * The runner's telemetry, kept out of its hot path: per delivery a CONSUMER span `process <topic>`
 * (parent: the producer's context from the message properties, plus a link) with process() run inside
 * it, a PRODUCER span per output with its context injected into the output's properties, and per-topic
 * metrics (messages processed and failed, process duration, consumer backlog, read from the transport's
 * subscription stats at collection time). API only; absent
 * telemetry means no work at all (createRunnerTelemetry returns undefined).
 */
import { context, type Attributes, type Context as OtelContext, type Counter, type Histogram, type ObservableResult, type Span } from "@opentelemetry/api";
import { endSpan, startProcessSpan, startPublishSpan, unsampledOptions, UNSAMPLED, type ReceivedMessage } from "../telemetry/messaging.ts";
import {
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_SUBSCRIPTION_NAME,
  ATTR_MESSAGING_SYSTEM,
  ATTR_RTML_FUNCTION,
  DURATION_BUCKETS_S,
  METRIC_CONSUMER_BACKLOG,
  METRIC_MESSAGES_FAILED,
  METRIC_MESSAGES_PROCESSED,
  METRIC_MESSAGING_PROCESS_DURATION,
} from "../telemetry/semconv.ts";
import type { Telemetry } from "../telemetry/telemetry.ts";
import type { Transport } from "../transport/transport.ts";
import type { Output } from "./context.ts";

export interface RunnerTelemetry {
  /**
   * Starts the delivery's process span (undefined when tracing is off). A span that is not recording
   * (not sampled) needs no context: run process() outside any (no AsyncLocalStorage work).
   */
  begin(msg: ReceivedMessage): Span | undefined;
  /** The context to run process() in, for a recording span. */
  contextOf(span: Span): OtelContext;
  /** Publishes outputs, each under a PRODUCER span that is a child of `span` (carrying its sampling decision). */
  publish(outputs: Output[], span: Span, input: ReceivedMessage): Promise<unknown>;
  /** The delivery is over: records its metrics and ends its span (failed when `failed`). */
  end(topic: string, span: Span | undefined, startedMs: number, failed: boolean, err?: unknown): void;
}

export interface RunnerTelemetryOptions {
  telemetry: Telemetry | undefined;
  functionName: string;
  subscription: string;
  transport: Transport;
  inputs: readonly string[];
}

export function createRunnerTelemetry(o: RunnerTelemetryOptions): RunnerTelemetry | undefined {
  const tel = o.telemetry;
  if (tel === undefined || (!tel.tracing && !tel.metrics)) return undefined;
  const system = o.transport.name;
  const contexts = new WeakMap<Span, OtelContext>();
  const attrsOf = new Map<string, Attributes>(
    o.inputs.map((topic) => [topic, Object.freeze({
      [ATTR_MESSAGING_SYSTEM]: system,
      [ATTR_MESSAGING_DESTINATION_NAME]: topic,
      [ATTR_MESSAGING_SUBSCRIPTION_NAME]: o.subscription,
      [ATTR_RTML_FUNCTION]: o.functionName,
    })]),
  );
  let duration: Histogram | undefined;
  let processed: Counter | undefined;
  let failed: Counter | undefined;
  if (tel.metrics) {
    duration = tel.meter.createHistogram(METRIC_MESSAGING_PROCESS_DURATION, {
      unit: "s", description: "Time to process one delivered message (decode, process, publish, commit, ack)",
      advice: { explicitBucketBoundaries: DURATION_BUCKETS_S },
    });
    processed = tel.meter.createCounter(METRIC_MESSAGES_PROCESSED, { description: "Messages processed, per topic" });
    failed = tel.meter.createCounter(METRIC_MESSAGES_FAILED, { description: "Deliveries that failed (nacked, or lost at-most-once), per topic" });
    const backlog = tel.meter.createObservableGauge(METRIC_CONSUMER_BACKLOG, { description: "Messages not yet acknowledged on the subscription" });
    backlog.addCallback(async (result: ObservableResult) => {
      for (const [topic, attributes] of attrsOf) {
        try {
          const stats = await o.transport.stats(topic);
          const sub = stats.subscriptions[o.subscription];
          if (sub !== undefined) result.observe(sub.backlog, attributes);
        } catch {
          // transport closed or stats unavailable: no observation
        }
      }
    });
  }
  const attributes = (topic: string) => attrsOf.get(topic) ?? { [ATTR_MESSAGING_DESTINATION_NAME]: topic };

  return {
    begin(msg) {
      if (!tel.tracing) return undefined;
      const started = startProcessSpan(tel, system, msg, o.subscription, o.functionName);
      if (started !== UNSAMPLED) contexts.set(started.span, started.context);
      return started.span;
    },
    contextOf: (span) => contexts.get(span) ?? context.active(),
    publish(outputs, span, input) {
      if (span === UNSAMPLED.span) return publishUnsampled(o.transport, outputs, input);
      const parent = contexts.get(span) ?? context.active();
      const sends: Promise<unknown>[] = new Array(outputs.length);
      for (let i = 0; i < outputs.length; i++) {
        const out = outputs[i];
        const started = startPublishSpan(tel, system, out.topic, out.options, parent);
        sends[i] = o.transport.publish(out.topic, out.payload, started.options).then(
          (id) => (endSpan(started.span), id),
          (err: unknown) => {
            endSpan(started.span, err);
            throw err;
          },
        );
      }
      return sends.length === 1 ? sends[0] : Promise.all(sends);
    },
    end(topic, span, startedMs, isFailed, err) {
      if (duration !== undefined) {
        const attrs = attributes(topic);
        if (!isFailed) {
          duration.record((performance.now() - startedMs) / 1000, attrs);
          processed?.add(1, attrs);
        } else failed?.add(1, attrs);
      }
      // An unsampled delivery has no span to end (UNSAMPLED's does nothing).
      if (span !== undefined && span !== UNSAMPLED.span) endSpan(span, isFailed ? (err ?? new Error("failed")) : undefined);
    },
  };
}

/** Outputs of a message whose producer was not sampled: no spans, the decision carried on. */
function publishUnsampled(transport: Transport, outputs: Output[], input: ReceivedMessage): Promise<unknown> {
  if (outputs.length === 1) {
    const out = outputs[0];
    return transport.publish(out.topic, out.payload, unsampledOptions(out.options, input.properties));
  }
  return Promise.all(outputs.map((out) => transport.publish(out.topic, out.payload, unsampledOptions(out.options, input.properties))));
}
