/**
 * For tests: a service's telemetry whose spans land in an InMemorySpanExporter and whose metrics are
 * collected on demand. Uses the SDK, so only tests import it.
 */
import { MetricReader, type ResourceMetrics } from "@opentelemetry/sdk-metrics";
import { InMemorySpanExporter, SimpleSpanProcessor, AlwaysOnSampler, type ReadableSpan, type Sampler } from "@opentelemetry/sdk-trace";
import { createServiceTelemetry, type TelemetryHandle } from "./setup.ts";

/** A metric reader collecting only when asked. */
class ManualReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

export interface TestTelemetry extends TelemetryHandle {
  readonly exporter: InMemorySpanExporter;
  spans(): ReadableSpan[];
  /** Collects the metrics now. */
  collect(): Promise<ResourceMetrics>;
}

/** Test telemetry for `serviceName`; env is empty (nothing exported over the network). */
export function createTestTelemetry(
  serviceName: string,
  options: { sampler?: Sampler; parentBased?: boolean; exporter?: InMemorySpanExporter } = {},
): TestTelemetry {
  const exporter = options.exporter ?? new InMemorySpanExporter();
  const reader = new ManualReader();
  const handle = createServiceTelemetry({
    serviceName,
    serviceVersion: "test",
    env: {},
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
    metricReaders: [reader],
    sampler: options.sampler ?? new AlwaysOnSampler(),
    parentBased: options.parentBased ?? false,
  });
  return {
    ...handle,
    exporter,
    spans: () => exporter.getFinishedSpans(),
    async collect() {
      const { resourceMetrics } = await reader.collect();
      return resourceMetrics;
    },
  };
}

