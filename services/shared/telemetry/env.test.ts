import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readTelemetrySettings } from "./env.ts";
import { samplerOf } from "./setup.ts";

describe("readTelemetrySettings", () => {
  it("exports nothing when no OTEL_* variable is set", () => {
    const s = readTelemetrySettings({});
    assert.equal(s.otlpTraces, false);
    assert.equal(s.otlpMetrics, false);
    assert.equal(s.prometheus, false);
    assert.equal(s.sampler, "parentbased_always_on");
    assert.equal(s.parentToCreation, true);
  });

  it("an OTLP endpoint turns trace export on, not metric export (Jaeger takes traces only)", () => {
    const s = readTelemetrySettings({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" });
    assert.equal(s.otlpTraces, true);
    assert.equal(s.otlpMetrics, false);
    assert.equal(readTelemetrySettings({ OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: "http://c:4318/v1/metrics" }).otlpMetrics, true);
    assert.equal(readTelemetrySettings({ OTEL_METRICS_EXPORTER: "otlp,prometheus" }).prometheus, true);
  });

  it("OTEL_TRACES_EXPORTER=none and OTEL_SDK_DISABLED win over an endpoint", () => {
    assert.equal(readTelemetrySettings({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://x", OTEL_TRACES_EXPORTER: "none" }).otlpTraces, false);
    assert.equal(readTelemetrySettings({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://x", OTEL_SDK_DISABLED: "true" }).otlpTraces, false);
  });

  it("reads the sampler and its ratio", () => {
    const s = readTelemetrySettings({ OTEL_TRACES_SAMPLER: "parentbased_traceidratio", OTEL_TRACES_SAMPLER_ARG: "0.01" });
    assert.equal(s.sampler, "parentbased_traceidratio");
    assert.equal(s.ratio, 0.01);
    assert.match(samplerOf(s).toString(), /ParentBased\{root=TraceIdRatioBased\{0\.01\}/);
  });

  it("lists every bad value at once", () => {
    assert.throws(
      () => readTelemetrySettings({ OTEL_TRACES_SAMPLER: "sometimes", OTEL_TRACES_SAMPLER_ARG: "2", RTML_TRACE_PARENT: "x", OTEL_BSP_MAX_QUEUE_SIZE: "-1" }),
      (err: Error) => /OTEL_TRACES_SAMPLER must/.test(err.message) && /RTML_TRACE_PARENT/.test(err.message) && /OTEL_BSP_MAX_QUEUE_SIZE/.test(err.message),
    );
  });
});
