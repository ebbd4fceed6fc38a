import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { context, trace } from "@opentelemetry/api";
import { createRoutingTracerProvider, ownerOfGrpcSpan } from "./grpc-instrumentation.ts";
import { createTestTelemetry } from "./test-support.ts";

describe("gRPC spans in a six-service process", () => {
  it("knows which service owns a gRPC method", () => {
    assert.equal(ownerOfGrpcSpan("grpc.rtml.v1.InferenceService/Predict"), "infer");
    assert.equal(ownerOfGrpcSpan("grpc.inference.GRPCInferenceService/ModelInfer"), "infer");
    assert.equal(ownerOfGrpcSpan("grpc.rtml.v1.DriftService/WatchAlerts"), "drift-monitor");
    assert.equal(ownerOfGrpcSpan("grpc.grpc.health.v1.Health/Check"), undefined);
  });

  it("routes a server span by its method and a client span by its parent's service", () => {
    const infer = createTestTelemetry("infer");
    const feature = createTestTelemetry("feature");
    const other = createTestTelemetry("rtml");
    const tracer = createRoutingTracerProvider(
      new Map([["infer", infer.telemetry.tracer], ["feature", feature.telemetry.tracer]]),
      other.telemetry.tracer,
    ).getTracer("x");
    tracer.startSpan("grpc.rtml.v1.FeatureService/GetFeatures").end();
    const parent = infer.telemetry.tracer.startSpan("process features");
    context.with(trace.setSpan(context.active(), parent), () => tracer.startSpan("grpc.rtml.v1.FeatureService/GetFeatures").end());
    parent.end();
    tracer.startActiveSpan("grpc.unknown.Service/Call", (span) => span.end());
    assert.deepEqual(feature.spans().map((s) => s.name), ["grpc.rtml.v1.FeatureService/GetFeatures"]);
    assert.deepEqual(infer.spans().map((s) => s.name), ["grpc.rtml.v1.FeatureService/GetFeatures", "process features"]);
    assert.deepEqual(other.spans().map((s) => s.name), ["grpc.unknown.Service/Call"]);
  });
});
