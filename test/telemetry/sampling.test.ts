/**
 * Ratio sampling keeps whole traces: the embedded mesh with `parentbased_traceidratio` (spans kept in
 * memory, no collector). An event is sampled or not as a whole, at ingest only: every span of the
 * messaging path is in a sampled event's trace (no partial traces started mid-way), and the event's
 * label shares its decision (one trace: its send span a child of the event's).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { SpanKind } from "@opentelemetry/api";
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace";
import { runUp } from "../../services/cli/up.ts";
import { loadConfig, SERVICE_NAMES } from "../../services/shared/config.ts";
import { createLogger } from "../../services/shared/logger.ts";
import { createMeshTelemetry } from "../../services/shared/telemetry/mesh-telemetry.ts";
import { createMemoryTransport } from "../../services/shared/transport/memory/memory-transport.ts";

describe("ratio sampling", { timeout: 120_000 }, () => {
  it("samples whole events at ingest: each sampled event is one trace of 14 spans with its label; nothing else on the event path", async () => {
    const exporter = new InMemorySpanExporter();
    const telemetry = createMeshTelemetry({
      services: SERVICE_NAMES,
      env: { OTEL_TRACES_SAMPLER: "parentbased_traceidratio", OTEL_TRACES_SAMPLER_ARG: "0.25" },
      spanProcessorsFor: () => [new SimpleSpanProcessor({ exporter })],
      grpc: false,
    });
    const transport = await createMemoryTransport();
    let finished: ReadableSpan[];
    try {
      const summary = await runUp({ dataset: "elec2", maxEvents: 200, json: true, telemetry: telemetry.of }, loadConfig({}), transport, createLogger({ level: "warn" }));
      assert.equal(summary.lost, 0);
    } finally {
      await transport.close();
      await telemetry.forceFlush();
      finished = exporter.getFinishedSpans(); // (shutting the exporter down empties it)
      await telemetry.shutdown();
    }
    const byTrace = new Map<string, ReadableSpan[]>();
    for (const s of finished) {
      const id = s.spanContext().traceId;
      byTrace.set(id, [...(byTrace.get(id) ?? []), s]);
    }
    const eventPath = /^(send|process) (events\.raw|events\.valid|features|predictions|labels)$|^infer /;
    const eventTraces = [...byTrace.values()].filter((spans) => spans.some((s) => eventPath.test(s.name)));
    // 200 events at 25%: 50 expected; far from 0 and from 200 (a per-hop or per-message decision).
    assert.ok(eventTraces.length >= 20 && eventTraces.length <= 90, `sampled event traces: ${eventTraces.length}`);
    for (const spans of eventTraces) {
      const roots = spans.filter((s) => s.parentSpanContext === undefined);
      assert.deepEqual(roots.map((s) => s.name), ["send events.raw"], "one root per event trace: ingest's send");
      const names = spans.filter((s) => eventPath.test(s.name)).map((s) => (s.name.startsWith("infer ") ? "infer" : s.name)).sort();
      const expected = [
        "infer", "process events.raw", "process events.valid", "process features", "process features", "process features",
        "process labels", "process labels", "process predictions",
        "send events.raw", "send events.valid", "send features", "send labels", "send predictions",
      ].sort();
      assert.deepEqual(names, expected, "the whole event and its label, once");
      const sendRaw = roots[0];
      const sendLabel = spans.find((s) => s.name === "send labels");
      assert.equal(sendLabel?.kind, SpanKind.PRODUCER);
      assert.equal(sendLabel?.parentSpanContext?.spanId, sendRaw.spanContext().spanId, "the label's send is a child of its event's");
      assert.equal(sendLabel?.attributes["rtml.event.id"], sendRaw.attributes["rtml.event.id"]);
    }
  });
});
