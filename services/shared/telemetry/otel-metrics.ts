/**
 * The Metrics interface (services/shared/metrics.ts: add / record / set) on OpenTelemetry instruments:
 * `add` → Counter, `record` → Histogram, `set` → Gauge, one instrument per name, created on first use.
 * A name ending in `_ms` is a duration: its histogram is recorded in seconds under the name without the
 * suffix (`process_duration_ms` → `rtml.process_duration`, unit s). Other names get the `rtml.` prefix
 * (`validate_rejected_total` → `rtml.validate_rejected_total`; Prometheus shows `rtml_validate_rejected_total`).
 * API only: the meter comes from the wiring.
 */
import type { Counter, Gauge, Histogram, Meter } from "@opentelemetry/api";
import type { Attributes, Metrics, MetricsRegistry } from "../metrics.ts";
import { DURATION_BUCKETS_S } from "./semconv.ts";

/** The OpenTelemetry name and unit a Metrics name is exported under. */
export function otelMetricName(name: string): { name: string; unit: string | undefined; scale: number } {
  const base = name.startsWith("rtml.") ? name : `rtml.${name}`;
  if (base.endsWith("_ms")) return { name: base.slice(0, -3), unit: "s", scale: 1 / 1000 };
  return { name: base, unit: undefined, scale: 1 };
}

/** Metrics recorded into OpenTelemetry instruments of `meter`. */
export function createOtelMetrics(meter: Meter): Metrics {
  const counters = new Map<string, { c: Counter; scale: number }>();
  const histograms = new Map<string, { h: Histogram; scale: number }>();
  const gauges = new Map<string, { g: Gauge; scale: number }>();
  return {
    add(name, value = 1, attributes) {
      let c = counters.get(name);
      if (c === undefined) {
        const n = otelMetricName(name);
        c = { c: meter.createCounter(n.name, n.unit === undefined ? {} : { unit: n.unit }), scale: n.scale };
        counters.set(name, c);
      }
      c.c.add(value * c.scale, attributes);
    },
    record(name, value, attributes) {
      let h = histograms.get(name);
      if (h === undefined) {
        const n = otelMetricName(name);
        const advice = n.unit === "s" ? { explicitBucketBoundaries: DURATION_BUCKETS_S } : undefined;
        h = { h: meter.createHistogram(n.name, { ...(n.unit === undefined ? {} : { unit: n.unit }), ...(advice ? { advice } : {}) }), scale: n.scale };
        histograms.set(name, h);
      }
      h.h.record(value * h.scale, attributes);
    },
    set(name, value, attributes) {
      let g = gauges.get(name);
      if (g === undefined) {
        const n = otelMetricName(name);
        g = { g: meter.createGauge(n.name, n.unit === undefined ? {} : { unit: n.unit }), scale: n.scale };
        gauges.set(name, g);
      }
      g.g.record(value * g.scale, attributes);
    },
  };
}

/**
 * A registry whose snapshot is `registry`'s (the CLI's live line and summary read it) and whose every
 * add / record / set also goes to `also` (e.g. createOtelMetrics).
 */
export function teeMetrics(registry: MetricsRegistry, also: Metrics): MetricsRegistry {
  return {
    add(name: string, value?: number, attributes?: Attributes) {
      registry.add(name, value, attributes);
      also.add(name, value, attributes);
    },
    record(name: string, value: number, attributes?: Attributes) {
      registry.record(name, value, attributes);
      also.record(name, value, attributes);
    },
    set(name: string, value: number, attributes?: Attributes) {
      registry.set(name, value, attributes);
      also.set(name, value, attributes);
    },
    snapshot: () => registry.snapshot(),
  };
}
