/**
 * The metrics interface the function runtime and services record into. The in-process registry here
 * feeds the CLI's live line and summary; the telemetry layer bridges the same names to OpenTelemetry.
 */
export type Attributes = Record<string, string | number>;

export interface Metrics {
  /** Adds to a monotonic counter. */
  add(name: string, value?: number, attributes?: Attributes): void;
  /** Records one observation of a distribution (e.g. a latency in ms). */
  record(name: string, value: number, attributes?: Attributes): void;
  /** Sets a gauge. */
  set(name: string, value: number, attributes?: Attributes): void;
}

export interface MetricsSnapshot {
  counters: Record<string, number>;
  gauges: Record<string, number>;
  histograms: Record<string, { count: number; sum: number; min: number; max: number }>;
}

export interface MetricsRegistry extends Metrics {
  snapshot(): MetricsSnapshot;
}

function seriesName(name: string, attributes?: Attributes): string {
  if (!attributes) return name;
  const keys = Object.keys(attributes);
  if (keys.length === 0) return name;
  return `${name}{${keys.sort().map((k) => `${k}=${attributes[k]}`).join(",")}}`;
}

export function createMetricsRegistry(): MetricsRegistry {
  const counters = new Map<string, number>();
  const gauges = new Map<string, number>();
  const histograms = new Map<string, { count: number; sum: number; min: number; max: number }>();
  return {
    add(name, value = 1, attributes) {
      const k = seriesName(name, attributes);
      counters.set(k, (counters.get(k) ?? 0) + value);
    },
    record(name, value, attributes) {
      const k = seriesName(name, attributes);
      const h = histograms.get(k);
      if (h) {
        h.count++;
        h.sum += value;
        if (value < h.min) h.min = value;
        if (value > h.max) h.max = value;
      } else histograms.set(k, { count: 1, sum: value, min: value, max: value });
    },
    set(name, value, attributes) {
      gauges.set(seriesName(name, attributes), value);
    },
    snapshot() {
      return {
        counters: Object.fromEntries(counters),
        gauges: Object.fromEntries(gauges),
        histograms: Object.fromEntries([...histograms].map(([k, v]) => [k, { ...v }])),
      };
    },
  };
}

/** Metrics that go nowhere (for tests and tools). */
export const noopMetrics: Metrics = { add() {}, record() {}, set() {} };
