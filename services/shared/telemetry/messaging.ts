/**
 * Tracing through the broker, after the OpenTelemetry messaging conventions (reference §1.3–1.4): a
 * PRODUCER span `send <topic>` per publish, whose context is injected into the message properties as
 * W3C `traceparent`/`tracestate`; a CONSUMER span `process <topic>` per received message, whose parent
 * is that creation context (Telemetry.parentToCreation) and which links to it. API only.
 *
 * Cheap when not sampled (the usual case at a low sampling ratio): no attributes, no context objects and
 * no extra promise for a span that does not record; a publish whose properties already carry an unsampled
 * traceparent (the same unsampled trace, passed on by a function, or an event's passed on to its label)
 * is sent as it is, without a span or a copy of the properties; an unsampled root writes its W3C
 * traceparent (flags 00) directly. The sampled=0 decision still travels with every message, so a
 * parent-based sampler downstream never samples a piece of an unsampled trace anew.
 */
import {
  context,
  INVALID_SPAN_CONTEXT,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Attributes,
  type Context as OtelContext,
  type Link,
  type Span,
  type SpanContext,
  type SpanOptions,
} from "@opentelemetry/api";
import type { PublishOptions } from "../transport/transport.ts";
import {
  ATTR_ERROR_TYPE,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SUBSCRIPTION_NAME,
  ATTR_MESSAGING_SYSTEM,
  ATTR_RTML_EVENT_ID,
  ATTR_RTML_FUNCTION,
  METRIC_MESSAGING_SENT,
} from "./semconv.ts";
import type { Telemetry } from "./telemetry.ts";

/** A transport's publish, as ingest and the runner call it. */
export type PublishFn<R> = (topic: string, payload: Uint8Array, options: PublishOptions) => Promise<R>;

const producerAttributes = new Map<string, Attributes>();
const PRODUCER: SpanOptions = Object.freeze({ kind: SpanKind.PRODUCER });
const sendNames = new Map<string, string>();

/** `send <topic>`, one string per topic (no concatenation per message). */
function sendName(topic: string): string {
  let name = sendNames.get(topic);
  if (name === undefined) sendNames.set(topic, (name = `send ${topic}`));
  return name;
}

/**
 * The W3C traceparent of a span that does not record, or undefined when it has a trace state (then
 * propagation.inject writes both). Equal to what the W3C propagator writes, without a context object.
 */
function unsampledTraceparent(sc: SpanContext): string | undefined {
  if (sc.traceState !== undefined || !isSpanContextValid(sc)) return undefined;
  return `00-${sc.traceId}-${sc.spanId}-0${(sc.traceFlags & 0xff).toString(16)}`;
}

/** Writes the trace context of `span` (child of `parent`) into `carrier`. */
function injectInto(carrier: Record<string, string>, span: Span, parent: OtelContext): void {
  const traceparent = span.isRecording() ? undefined : unsampledTraceparent(span.spanContext());
  if (traceparent !== undefined) carrier.traceparent = traceparent;
  else propagation.inject(trace.setSpan(parent, span), carrier);
}

function producerAttrs(system: string, topic: string): Attributes {
  const key = `${system}\u0000${topic}`;
  let attrs = producerAttributes.get(key);
  if (attrs === undefined) {
    attrs = Object.freeze({
      [ATTR_MESSAGING_SYSTEM]: system,
      [ATTR_MESSAGING_DESTINATION_NAME]: topic,
      [ATTR_MESSAGING_OPERATION_TYPE]: "send",
      [ATTR_MESSAGING_OPERATION_NAME]: "send",
    });
    producerAttributes.set(key, attrs);
  }
  return attrs;
}

/** A started PRODUCER span and the publish options carrying its context. */
export interface PublishSpan {
  readonly span: Span;
  readonly options: PublishOptions | undefined;
}

/**
 * Starts the PRODUCER span of one publish under `parent` and returns the options to publish with: the
 * given ones with `traceparent`/`tracestate` set to the span's context (a copy; the caller's
 * properties are never changed). End the span once the broker acked the message (see endSpan).
 */
export function startPublishSpan(
  telemetry: Telemetry,
  system: string,
  topic: string,
  options: PublishOptions | undefined,
  parent: OtelContext,
): PublishSpan {
  const span = telemetry.tracer.startSpan(sendName(topic), PRODUCER, parent);
  const properties = options?.properties;
  if (!span.isRecording() && properties !== undefined && properties.traceparent !== undefined) return { span, options };
  const carrier: Record<string, string> = properties === undefined ? {} : { ...properties };
  injectInto(carrier, span, parent);
  // Attributes are set once sampled: the SDK would otherwise copy them for every dropped span too.
  if (span.isRecording()) setProducerAttributes(span, system, topic, carrier);
  return { span, options: options === undefined ? { properties: carrier } : { ...options, properties: carrier } };
}

function setProducerAttributes(span: Span, system: string, topic: string, properties: Readonly<Record<string, string>>): void {
  span.setAttributes(producerAttrs(system, topic));
  const eventId = properties["event-id"];
  if (eventId !== undefined) span.setAttribute(ATTR_RTML_EVENT_ID, eventId);
}

/** Ends a span, marking it failed when `err` is given. */
export function endSpan(span: Span, err?: unknown): void {
  if (err !== undefined && span.isRecording()) {
    const e = err instanceof Error ? err : new Error(String(err));
    span.recordException(e);
    span.setStatus({ code: SpanStatusCode.ERROR, message: e.message });
    span.setAttribute(ATTR_ERROR_TYPE, (e as { code?: unknown }).code !== undefined ? String((e as { code?: unknown }).code) : e.name);
  }
  span.end();
}

/**
 * The publish options of an output of a message processed with UNSAMPLED: as they are when they carry a
 * traceparent already, else with the input's (unsampled) trace context added.
 */
export function unsampledOptions(options: PublishOptions | undefined, input: Readonly<Record<string, string>>): PublishOptions | undefined {
  if (options?.properties?.traceparent !== undefined) return options;
  const carrier: Record<string, string> = { ...options?.properties, traceparent: input.traceparent as string };
  if (input.tracestate !== undefined) carrier.tracestate = input.tracestate;
  return { ...options, properties: carrier };
}

export interface TracePublishOptions {
  /**
   * The caller hands over a fresh `properties` object with every publish and owns it: the trace context
   * is written into it (no copy of the properties or the options), so the caller can read it back after
   * the call, e.g. to give an event's trace context to its label (ingest's replay). A frozen or sealed
   * object is still copied. Default false: the caller's properties are never changed.
   */
  ownsProperties?: boolean;
}

/**
 * Wraps a publish function so every call runs under a PRODUCER span: a child of the active span, else
 * of the trace context in the given properties (a gRPC caller's, or the event's for its label), else a
 * root (ingest's replay). With a parent-based sampler, a publish whose properties carry an unsampled
 * traceparent (and no active span) gets no span at all and is sent as it is: the decision travels on.
 * Returns `publish` itself when tracing is off.
 */
export function tracePublish<R>(telemetry: Telemetry, system: string, publish: PublishFn<R>, options: TracePublishOptions = {}): PublishFn<R> {
  if (!telemetry.tracing) return publish;
  const inPlace = options.ownsProperties === true;
  const { tracer, parentBased } = telemetry;
  return (topic, payload, opts) => {
    const properties = opts?.properties;
    const carried = properties?.traceparent;
    let parent = context.active();
    // No active span (e.g. past an await under the sync context manager) but the caller handed over a
    // trace context (ingest's gRPC API copies the call's traceparent; a label carries its event's):
    // continue that trace; an unsampled one goes on as it is.
    if (carried !== undefined && trace.getSpan(parent) === undefined) {
      if (parentBased && isUnsampled(carried)) return publish(topic, payload, opts);
      parent = propagation.extract(ROOT_CONTEXT, properties!);
    }
    const span = tracer.startSpan(sendName(topic), PRODUCER, parent);
    const recording = span.isRecording();
    let sendOptions = opts;
    // An unsampled span whose trace context is carried already (the parent's): nothing to write.
    if (recording || carried === undefined) {
      const writable = inPlace && properties !== undefined && Object.isExtensible(properties);
      const carrier: Record<string, string> = writable ? (properties as Record<string, string>) : { ...properties };
      injectInto(carrier, span, parent);
      if (!writable) sendOptions = opts === undefined ? { properties: carrier } : { ...opts, properties: carrier };
      if (recording) setProducerAttributes(span, system, topic, carrier);
    }
    // A span that does not record needs no end: no promise of our own.
    if (!recording) return publish(topic, payload, sendOptions);
    let sent: Promise<R>;
    try {
      sent = publish(topic, payload, sendOptions);
    } catch (err) {
      endSpan(span, err);
      throw err;
    }
    return sent.then(
      (result) => (span.end(), result),
      (err: unknown) => {
        endSpan(span, err);
        throw err;
      },
    );
  };
}

/** What a CONSUMER span is started from. */
export interface ReceivedMessage {
  readonly topic: string;
  readonly messageId: string;
  readonly properties: Readonly<Record<string, string>>;
}

/** A started CONSUMER span and the context to process the message in. */
export interface ProcessSpan {
  readonly span: Span;
  readonly context: OtelContext;
}

const consumerAttributes = new Map<string, Attributes>();
const CONSUMER: SpanOptions = Object.freeze({ kind: SpanKind.CONSUMER });

/** A W3C traceparent (version 00) whose sampled flag is off. */
function isUnsampled(traceparent: string): boolean {
  if (traceparent.length !== 55) return false;
  const c = traceparent.charCodeAt(54); // the low hex digit of the flags: bit 0 is "sampled"
  return ((c <= 57 ? c - 48 : c - 87) & 1) === 0;
}

/**
 * What a message whose producer was not sampled is processed with, under a parent-based sampler: no
 * span (the sampler would drop it anyway), the root context. Its outputs carry the producer's unsampled
 * traceparent on (see startPublishSpan), so the decision holds downstream.
 */
export const UNSAMPLED: ProcessSpan = Object.freeze({ span: trace.wrapSpanContext(INVALID_SPAN_CONTEXT), context: ROOT_CONTEXT });

function consumerAttrs(system: string, topic: string, subscription: string, fn: string): Attributes {
  const key = `${system}\u0000${topic}\u0000${subscription}\u0000${fn}`;
  let attrs = consumerAttributes.get(key);
  if (attrs === undefined) {
    attrs = Object.freeze({
      [ATTR_MESSAGING_SYSTEM]: system,
      [ATTR_MESSAGING_DESTINATION_NAME]: topic,
      [ATTR_MESSAGING_SUBSCRIPTION_NAME]: subscription,
      [ATTR_MESSAGING_OPERATION_TYPE]: "process",
      [ATTR_MESSAGING_OPERATION_NAME]: "process",
      [ATTR_RTML_FUNCTION]: fn,
    });
    consumerAttributes.set(key, attrs);
  }
  return attrs;
}

/**
 * Starts the CONSUMER span `process <topic>` of one received message: the creation context is taken
 * from the message properties; the span is its child (parentToCreation, the default) or a new root,
 * and links to it either way. Process the message inside the returned context (context.with), so the
 * function's logs, nested spans and publishes belong to it.
 */
export function startProcessSpan(
  telemetry: Telemetry,
  system: string,
  msg: ReceivedMessage,
  subscription: string,
  functionName: string,
): ProcessSpan {
  const traceparent = msg.properties.traceparent;
  if (traceparent !== undefined && telemetry.parentBased && telemetry.parentToCreation && isUnsampled(traceparent)) return UNSAMPLED;
  const creation = traceparent === undefined ? ROOT_CONTEXT : propagation.extract(ROOT_CONTEXT, msg.properties);
  const producer = trace.getSpanContext(creation);
  const parent = telemetry.parentToCreation ? creation : ROOT_CONTEXT;
  const links: Link[] | undefined = producer !== undefined && (producer.traceFlags & TraceFlags.SAMPLED) !== 0 ? [{ context: producer }] : undefined;
  const span = telemetry.tracer.startSpan(`process ${msg.topic}`, links === undefined ? CONSUMER : { kind: SpanKind.CONSUMER, links }, parent);
  if (span.isRecording()) {
    span.setAttributes(consumerAttrs(system, msg.topic, subscription, functionName));
    span.setAttribute(ATTR_MESSAGING_MESSAGE_ID, msg.messageId);
    const eventId = msg.properties["event-id"];
    if (eventId !== undefined) span.setAttribute(ATTR_RTML_EVENT_ID, eventId);
  }
  return { span, context: trace.setSpan(parent, span) };
}

/**
 * Wraps a publish function to count what it sends (`messaging.client.sent.messages`, per destination).
 * Returns `publish` itself when the telemetry has no metric reader.
 */
export function countPublish<R>(telemetry: Telemetry, system: string, publish: PublishFn<R>): PublishFn<R> {
  if (!telemetry.metrics) return publish;
  const sent = telemetry.meter.createCounter(METRIC_MESSAGING_SENT, { unit: "{message}", description: "Messages published, per topic" });
  return async (topic, payload, options) => {
    const result = await publish(topic, payload, options);
    sent.add(1, producerAttrs(system, topic));
    return result;
  };
}
