/**
 * gRPC through @opentelemetry/instrumentation-grpc in the embedded mesh: a Publish call to ingest gets a
 * SERVER span attributed to ingest (six services share the process; spans are routed by their gRPC
 * service), and the events it publishes continue that trace through the broker to validate.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { SpanKind } from "@opentelemetry/api";
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace";
import { startMesh } from "../../services/cli/mesh.ts";
import { loadConfig, SERVICE_NAMES } from "../../services/shared/config.ts";
import { resolveDataset } from "../../services/shared/dataset/resolve.ts";
import { createGrpcClient } from "../../services/shared/grpc/client.ts";
import { GrpcServiceNames } from "../../services/shared/grpc/load-proto.ts";
import { createLogger } from "../../services/shared/logger.ts";
import { createMetricsRegistry } from "../../services/shared/metrics.ts";
import { createMeshTelemetry } from "../../services/shared/telemetry/mesh-telemetry.ts";
import { createMemoryTransport } from "../../services/shared/transport/memory/memory-transport.ts";

describe("gRPC spans", () => {
  it("ingest's Publish is a SERVER span of ingest, parent of the events' send spans, and the trace goes on to validate", async () => {
    const exporter = new InMemorySpanExporter();
    const telemetry = createMeshTelemetry({ services: SERVICE_NAMES, env: {}, spanProcessorsFor: () => [new SimpleSpanProcessor({ exporter })] });
    const transport = await createMemoryTransport();
    const deps = { transport, config: loadConfig({}), logger: createLogger({ level: "silent" }), metrics: createMetricsRegistry(), schema: resolveDataset("elec2").schema };
    const mesh = await startMesh(deps, { grpc: { basePort: 0 }, telemetry: telemetry.of });
    const client = createGrpcClient(mesh.grpcEndpoints.ingest!, GrpcServiceNames.ingest);
    try {
      await client.waitForReady(10_000);
      await client.unary("Publish", { events: [{ eventId: "grpc-e1", entityId: "e1" }] });
      const done = Date.now() + 10_000;
      while (!exporter.getFinishedSpans().some((s) => s.name === "process events.raw") && Date.now() < done) await new Promise((r) => setTimeout(r, 20));
    } finally {
      client.close();
      await mesh.stop();
      await transport.close();
      await telemetry.forceFlush();
    }
    const spans = exporter.getFinishedSpans();
    const server = spans.find((s) => s.name === "grpc.rtml.v1.IngestService/Publish" && s.kind === SpanKind.SERVER);
    assert.ok(server, `a SERVER span (spans: ${[...new Set(spans.map((s) => s.name))].join(", ")})`);
    assert.equal(server.resource.attributes["service.name"], "ingest");
    assert.equal(server.attributes["rpc.system"], "grpc");
    const send = spans.find((s) => s.name === "send events.raw" && s.attributes["rtml.event.id"] === "grpc-e1");
    assert.equal(send?.parentSpanContext?.spanId, server.spanContext().spanId, "the publish is a child of the call (the handler runs in its context)");
    const validate = spans.find((s) => s.name === "process events.raw" && s.attributes["rtml.event.id"] === "grpc-e1");
    assert.equal(validate?.spanContext().traceId, server.spanContext().traceId, "validate continues the call's trace");
    assert.equal(validate?.resource.attributes["service.name"], "validate");
    await telemetry.shutdown();
  });
});
