/**
 * Values a service already keeps (model version, accuracy, drift statistics, …) exposed as observable
 * gauges: read once per collection (a Prometheus scrape or an OTLP export), never on the hot path.
 */
import type { Attributes, ObservableGauge } from "@opentelemetry/api";
import type { Telemetry } from "./telemetry.ts";

export interface GaugeSpec {
  /** OpenTelemetry name, e.g. `rtml.model.accuracy` (Prometheus: `rtml_model_accuracy`). */
  readonly name: string;
  readonly description?: string;
  readonly unit?: string;
}

/** One observation: a gauge name, its value and optional attributes. */
export type GaugeReading = readonly [name: string, value: number | undefined, attributes?: Attributes];

/**
 * Registers `specs` as observable gauges of the service's meter, all read by one call of `read` per
 * collection (undefined or NaN values are skipped). Returns a function that unregisters them. A no-op
 * without telemetry or without a metric reader.
 */
export function observeGauges(telemetry: Telemetry | undefined, specs: readonly GaugeSpec[], read: () => readonly GaugeReading[]): () => void {
  if (telemetry === undefined || !telemetry.metrics) return () => undefined;
  const gauges = new Map<string, ObservableGauge>();
  for (const spec of specs) {
    gauges.set(spec.name, telemetry.meter.createObservableGauge(spec.name, {
      ...(spec.description === undefined ? {} : { description: spec.description }),
      ...(spec.unit === undefined ? {} : { unit: spec.unit }),
    }));
  }
  const callback = (result: { observe(gauge: ObservableGauge, value: number, attributes?: Attributes): void }) => {
    for (const [name, value, attributes] of read()) {
      const gauge = gauges.get(name);
      if (gauge !== undefined && value !== undefined && Number.isFinite(value)) result.observe(gauge, value, attributes);
    }
  };
  const list = [...gauges.values()];
  telemetry.meter.addBatchObservableCallback(callback, list);
  return () => telemetry.meter.removeBatchObservableCallback(callback, list);
}
