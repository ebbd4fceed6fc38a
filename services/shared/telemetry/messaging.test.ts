import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { context, SpanKind, trace } from "@opentelemetry/api";
import { ParentBasedSampler, TraceIdRatioBasedSampler } from "@opentelemetry/sdk-trace";
import { createMemoryTransport } from "../transport/memory/memory-transport.ts";
import type { PublishOptions } from "../transport/transport.ts";
import { endSpan, startProcessSpan, startPublishSpan, tracePublish, UNSAMPLED } from "./messaging.ts";
import { noopTelemetry } from "./telemetry.ts";
import { createTestTelemetry } from "./test-support.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("tracing through the broker", () => {
  it("a publish is a PRODUCER span whose context travels in the properties to a CONSUMER span (parent and link)", async () => {
    const ingest = createTestTelemetry("ingest");
    const validate = createTestTelemetry("validate");
    const transport = await createMemoryTransport();
    try {
      const publish = tracePublish(ingest.telemetry, transport.name, (t, p, o) => transport.publish(t, p, o));
      const callerProps = { "event-id": "e-1" };
      await publish("events.raw", bytes("x"), { key: "k", properties: callerProps });
      assert.deepEqual(callerProps, { "event-id": "e-1" }, "the caller's properties are not changed");

      const sub = await transport.subscribe("events.raw", { subscription: "validate", type: "shared" });
      const it = sub[Symbol.asyncIterator]();
      const msg = (await it.next()).value;
      assert.match(msg.properties.traceparent, /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      assert.equal(msg.properties["event-id"], "e-1");
      const { span, context: ctx } = startProcessSpan(validate.telemetry, transport.name, msg, "validate", "validate");
      context.with(ctx, () => assert.equal(trace.getActiveSpan(), span));
      endSpan(span);
      await sub.close();

      const [producer] = ingest.spans();
      const [consumer] = validate.spans();
      assert.equal(producer.name, "send events.raw");
      assert.equal(producer.kind, SpanKind.PRODUCER);
      assert.equal(producer.resource.attributes["service.name"], "ingest");
      assert.equal(producer.attributes["messaging.system"], "memory");
      assert.equal(producer.attributes["messaging.destination.name"], "events.raw");
      assert.equal(producer.attributes["messaging.operation.type"], "send");
      assert.equal(producer.attributes["rtml.event.id"], "e-1");
      assert.equal(consumer.name, "process events.raw");
      assert.equal(consumer.kind, SpanKind.CONSUMER);
      assert.equal(consumer.resource.attributes["service.name"], "validate");
      assert.equal(consumer.attributes["messaging.operation.type"], "process");
      assert.equal(consumer.attributes["messaging.destination.subscription.name"], "validate");
      assert.equal(consumer.attributes["messaging.message.id"], msg.messageId);
      assert.equal(consumer.spanContext().traceId, producer.spanContext().traceId, "one trace");
      assert.equal(consumer.parentSpanContext?.spanId, producer.spanContext().spanId, "parent: the creation context");
      assert.equal(consumer.links.length, 1);
      assert.equal(consumer.links[0].context.spanId, producer.spanContext().spanId, "and a link to it");
    } finally {
      await transport.close();
      await ingest.shutdown();
      await validate.shutdown();
    }
  });

  it("parentToCreation false: a new trace per hop, linked to the producer", async () => {
    const t = createTestTelemetry("validate");
    const linked = { ...t.telemetry, parentToCreation: false };
    const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    const { span } = startProcessSpan(linked, "pulsar", { topic: "t", messageId: "1", properties: { traceparent } }, "s", "f");
    span.end();
    const [consumer] = t.spans();
    assert.notEqual(consumer.spanContext().traceId, "0af7651916cd43dd8448eb211c80319c");
    assert.equal(consumer.parentSpanContext, undefined);
    assert.equal(consumer.links[0].context.traceId, "0af7651916cd43dd8448eb211c80319c");
    await t.shutdown();
  });

  it("a publish inside a process span is its child: the trace continues", async () => {
    const t = createTestTelemetry("feature");
    const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    const proc = startProcessSpan(t.telemetry, "memory", { topic: "events.valid", messageId: "1", properties: { traceparent } }, "feature", "feature");
    const out = startPublishSpan(t.telemetry, "memory", "features", { properties: { traceparent } }, proc.context);
    endSpan(out.span);
    endSpan(proc.span, new Error("boom"));
    const [send, process] = t.spans();
    assert.equal(send.parentSpanContext?.spanId, process.spanContext().spanId);
    assert.equal(out.options?.properties?.traceparent, `00-0af7651916cd43dd8448eb211c80319c-${send.spanContext().spanId}-01`);
    assert.equal(process.status.code, 2, "a failure marks the span ERROR");
    assert.equal(process.attributes["error.type"], "Error");
    await t.shutdown();
  });

  it("not sampled: the decision travels, and a traceparent already carried is reused without copying", async () => {
    const t = createTestTelemetry("ingest", { sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(0) }), parentBased: true });
    const root = startPublishSpan(t.telemetry, "memory", "events.raw", { properties: { "event-id": "e" } }, context.active());
    const tp = root.options?.properties?.traceparent ?? "";
    assert.match(tp, /-00$/, "an unsampled root still sends its decision downstream");
    const proc = startProcessSpan(t.telemetry, "memory", { topic: "events.raw", messageId: "1", properties: { traceparent: tp } }, "s", "f");
    assert.equal(proc.span.isRecording(), false);
    assert.equal(proc, UNSAMPLED, "parent-based: no span is started for an unsampled producer");
    const options = { properties: { traceparent: tp, "event-id": "e" } };
    const next = startPublishSpan(t.telemetry, "memory", "events.valid", options, proc.context);
    assert.equal(next.options, options, "no copy of the properties");
    assert.equal(t.spans().length, 0);
    await t.shutdown();
  });

  it("ownsProperties: the trace context is written into the caller's properties (no copies), to be read back", async () => {
    const t = createTestTelemetry("ingest");
    const seen: PublishOptions[] = [];
    const publish = tracePublish(t.telemetry, "memory", async (_t, _p, o) => void seen.push(o), { ownsProperties: true });
    const props: Record<string, string> = { "event-id": "e-1" };
    const options = { key: "k", properties: props };
    await publish("events.raw", bytes("x"), options);
    assert.equal(seen[0], options, "the options themselves are published");
    assert.match(props.traceparent, /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    assert.equal(props.traceparent, `00-${t.spans()[0].spanContext().traceId}-${t.spans()[0].spanContext().spanId}-01`);
    const frozen = Object.freeze({ "event-id": "e-2" });
    await publish("events.raw", bytes("y"), { properties: frozen });
    assert.notEqual(seen[1].properties, frozen, "a frozen object is copied");
    assert.match(seen[1].properties?.traceparent ?? "", /-01$/);
    await t.shutdown();
  });

  it("a publish carrying a trace context continues it: a child span when sampled; when not (parent-based), no span and no copy", async () => {
    const t = createTestTelemetry("ingest", { sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(0) }), parentBased: true });
    const seen: PublishOptions[] = [];
    const publish = tracePublish(t.telemetry, "memory", async (_t, _p, o) => void seen.push(o), { ownsProperties: true });
    // An unsampled root: its traceparent (flags 00) is written, as the W3C propagator would.
    const event: Record<string, string> = { "event-id": "e" };
    await publish("events.raw", bytes("x"), { properties: event });
    assert.match(event.traceparent, /^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/, "the decision travels");
    // Its label carries it: published as it is, with no span.
    const label = { properties: { "event-id": "e", traceparent: event.traceparent } };
    await publish("labels", bytes("l"), label);
    assert.equal(seen[1], label);
    assert.equal(label.properties.traceparent, event.traceparent);
    // A sampled context carried (e.g. a sampled event's, or a gRPC caller's): the send is its child.
    const sampled = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    const props: Record<string, string> = { "event-id": "e", traceparent: sampled };
    await publish("labels", bytes("l"), { properties: props });
    const [send] = t.spans();
    assert.equal(send.name, "send labels");
    assert.equal(send.parentSpanContext?.spanId, "b7ad6b7169203331");
    assert.equal(send.spanContext().traceId, "0af7651916cd43dd8448eb211c80319c");
    assert.equal(props.traceparent, `00-0af7651916cd43dd8448eb211c80319c-${send.spanContext().spanId}-01`, "rewritten to the send span");
    assert.equal(t.spans().length, 1, "no span for the unsampled ones");
    await t.shutdown();
  });

  it("tracing off: tracePublish is the publish function itself", () => {
    const publish = async () => "id";
    assert.equal(tracePublish(noopTelemetry, "memory", publish), publish);
  });
});
