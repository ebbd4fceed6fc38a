import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ResourceMetrics } from "@opentelemetry/sdk-metrics";
import { createMetricsRegistry } from "../metrics.ts";
import { observeGauges } from "./gauges.ts";
import { createOtelMetrics, otelMetricName, teeMetrics } from "./otel-metrics.ts";
import { createTestTelemetry } from "./test-support.ts";

function find(rm: ResourceMetrics, name: string) {
  for (const scope of rm.scopeMetrics) for (const m of scope.metrics) if (m.descriptor.name === name) return m;
  return undefined;
}

describe("the Metrics interface on OpenTelemetry", () => {
  it("maps names: _ms durations become seconds, the rest gets the rtml. prefix", () => {
    assert.deepEqual(otelMetricName("process_duration_ms"), { name: "rtml.process_duration", unit: "s", scale: 0.001 });
    assert.deepEqual(otelMetricName("validate_rejected_total"), { name: "rtml.validate_rejected_total", unit: undefined, scale: 1 });
  });

  it("add / record / set reach counters, histograms and gauges; the registry still sees everything", async () => {
    const t = createTestTelemetry("validate");
    const registry = createMetricsRegistry();
    const metrics = teeMetrics(registry, createOtelMetrics(t.telemetry.meter));
    metrics.add("validate_rejected_total", 1, { reason: "OUT_OF_RANGE" });
    metrics.add("validate_rejected_total", 2, { reason: "OUT_OF_RANGE" });
    metrics.record("event_to_prediction_ms", 250);
    metrics.set("queue_depth", 7);
    assert.equal(registry.snapshot().counters["validate_rejected_total{reason=OUT_OF_RANGE}"], 3);
    const rm = await t.collect();
    assert.equal(rm.resource.attributes["service.name"], "validate");
    const rejected = find(rm, "rtml.validate_rejected_total");
    assert.equal(rejected?.dataPoints[0].value, 3);
    assert.deepEqual(rejected?.dataPoints[0].attributes, { reason: "OUT_OF_RANGE" });
    const latency = find(rm, "rtml.event_to_prediction");
    assert.equal(latency?.descriptor.unit, "s");
    assert.equal((latency?.dataPoints[0].value as { sum: number }).sum, 0.25);
    assert.equal(find(rm, "rtml.queue_depth")?.dataPoints[0].value, 7);
    await t.shutdown();
  });

  it("observable gauges are read at collection time only", async () => {
    const t = createTestTelemetry("infer");
    let reads = 0;
    let version = 3;
    const stop = observeGauges(t.telemetry, [{ name: "rtml.model.version" }], () => (reads++, [["rtml.model.version", version, { "rtml.model.name": "lr" }]]));
    assert.equal(reads, 0);
    version = 4;
    const rm = await t.collect();
    assert.equal(reads, 1);
    assert.equal(find(rm, "rtml.model.version")?.dataPoints[0].value, 4);
    stop();
    await t.shutdown();
  });
});
