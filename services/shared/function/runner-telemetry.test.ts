/** The runner's spans and metrics: one trace across functions through the memory transport. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { context, SpanKind, trace } from "@opentelemetry/api";
import { AlwaysOnSampler, ParentBasedSampler } from "@opentelemetry/sdk-trace";
import { tracePublish } from "../telemetry/messaging.ts";
import { createTestTelemetry } from "../telemetry/test-support.ts";
import { createMemoryTransport } from "../transport/memory/memory-transport.ts";
import { createFunctionRunner } from "./runner.ts";
import { bytes, capturingLogger, jsonCodec, quietLogger, waitFor } from "./test-helpers.ts";

interface In {
  n: number;
}
const codec = jsonCodec<In>();

describe("function runner: telemetry", () => {
  it("process spans continue the producer's trace; outputs get PRODUCER spans; logs carry trace and span ids", async () => {
    const transport = await createMemoryTransport();
    const [ingest, first, second] = ["ingest", "validate", "feature"].map((s) => createTestTelemetry(s));
    const { logger, lines } = capturingLogger("info");
    const a = createFunctionRunner<In>({
      name: "a", transport, inputs: ["in"], codec, logger: quietLogger, telemetry: first.telemetry,
      process: (x, ctx) => ctx.publish("mid", codec, { n: x.n + 1 }, { properties: { ...ctx.record.properties } }),
    });
    const b = createFunctionRunner<In>({
      name: "b", transport, inputs: ["mid"], codec, logger, telemetry: second.telemetry,
      process: (x, ctx) => ctx.logger.info("got", { n: x.n }),
    });
    await a.start();
    await b.start();
    const publish = tracePublish(ingest.telemetry, transport.name, (t, p, o) => transport.publish(t, p, o));
    await context.with(context.active(), () => publish("in", bytes({ n: 1 }), { properties: { "event-id": "e-7" } }));
    await waitFor(() => b.stats().processed === 1, "b processed");
    await a.stop();
    await b.stop();
    await transport.close();

    const [sendIn] = ingest.spans();
    const aSpans = first.spans();
    const processIn = aSpans.find((s) => s.name === "process in");
    const sendMid = aSpans.find((s) => s.name === "send mid");
    const [processMid] = second.spans();
    assert.ok(processIn && sendMid && processMid, `spans: ${aSpans.map((s) => s.name)}`);
    const traceId = sendIn.spanContext().traceId;
    for (const s of [processIn, sendMid, processMid]) assert.equal(s.spanContext().traceId, traceId, `${s.name} in the same trace`);
    assert.equal(processIn.kind, SpanKind.CONSUMER);
    assert.equal(processIn.parentSpanContext?.spanId, sendIn.spanContext().spanId);
    assert.equal(processIn.links[0]?.context.spanId, sendIn.spanContext().spanId);
    assert.equal(processIn.resource.attributes["service.name"], "validate");
    assert.equal(processIn.attributes["messaging.system"], "memory");
    assert.equal(processIn.attributes["messaging.destination.name"], "in");
    assert.equal(processIn.attributes["rtml.event.id"], "e-7");
    assert.equal(sendMid.kind, SpanKind.PRODUCER);
    assert.equal(sendMid.parentSpanContext?.spanId, processIn.spanContext().spanId);
    assert.equal(processMid.parentSpanContext?.spanId, sendMid.spanContext().spanId);
    assert.equal(processMid.links[0]?.context.spanId, sendMid.spanContext().spanId);
    assert.equal(processMid.resource.attributes["service.name"], "feature");
    const got = lines.find((l) => l.msg === "got");
    assert.equal(got?.trace_id, traceId, "the log line names the trace");
    assert.equal(got?.span_id, processMid.spanContext().spanId, "and the process span");

    const rm = await first.collect();
    const names = rm.scopeMetrics.flatMap((s) => s.metrics.map((m) => m.descriptor.name));
    for (const n of ["messaging.process.duration", "rtml.messages.processed"]) assert.ok(names.includes(n), `${n} in ${names}`);
    for (const t of [ingest, first, second]) await t.shutdown();
  });

  it("a failed delivery ends its span with ERROR and counts as failed per topic", async () => {
    const transport = await createMemoryTransport();
    const t = createTestTelemetry("validate");
    const runner = createFunctionRunner<In>({
      name: "f", transport, inputs: ["in"], codec, logger: quietLogger, telemetry: t.telemetry, maxRetries: 0, maxRedeliveries: 0,
      process: () => {
        throw new Error("bad input");
      },
    });
    await runner.start();
    await transport.publish("in", bytes({ n: 1 }));
    await waitFor(() => runner.stats().failed >= 1, "failed");
    await runner.stop();
    await transport.close();
    const span = t.spans().find((s) => s.name === "process in");
    assert.equal(span?.status.code, 2);
    const rm = await t.collect();
    const failed = rm.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === "rtml.messages.failed");
    assert.equal(failed?.dataPoints[0].value, 1);
    assert.equal(failed?.dataPoints[0].attributes["messaging.destination.name"], "in");
    await t.shutdown();
  });

  it("a message whose producer was not sampled: no spans, process() outside any context, the decision carried on", async () => {
    const transport = await createMemoryTransport();
    const t = createTestTelemetry("feature", { sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }), parentBased: true });
    let active: unknown = "unset";
    const runner = createFunctionRunner<In>({
      name: "u", transport, inputs: ["in"], codec, logger: quietLogger, telemetry: t.telemetry,
      process: (x, ctx) => {
        active = trace.getActiveSpan();
        ctx.publish("out", codec, x, { properties: { a: "1" } });
      },
    });
    await runner.start();
    const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00";
    await transport.publish("in", bytes({ n: 1 }), { properties: { traceparent, tracestate: "k=v" } });
    await waitFor(() => runner.stats().processed === 1, "processed");
    await runner.stop();
    const outs = [];
    for await (const m of transport.read("out")) outs.push(m.properties);
    assert.deepEqual(outs, [{ a: "1", traceparent, tracestate: "k=v" }]);
    assert.equal(active, undefined);
    assert.equal(t.spans().length, 0);
    await transport.close();
    await t.shutdown();
  });

  it("without telemetry the outputs carry exactly the properties the function gave", async () => {
    const transport = await createMemoryTransport();
    const runner = createFunctionRunner<In>({
      name: "plain", transport, inputs: ["in"], codec, logger: quietLogger,
      process: (x, ctx) => ctx.publish("out", codec, x, { properties: { a: "1" } }),
    });
    await runner.start();
    await transport.publish("in", bytes({ n: 1 }));
    await waitFor(() => runner.stats().processed === 1, "processed");
    await runner.stop();
    const outs = [];
    for await (const m of transport.read("out")) outs.push(m.properties);
    assert.deepEqual(outs, [{ a: "1" }]);
    await transport.close();
  });
});
