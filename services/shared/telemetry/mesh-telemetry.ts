/**
 * Telemetry for several services in one process (`rtml up`, the end-to-end tests): one SDK setup per
 * service (its own resource, exporters and, optionally, Prometheus endpoint on consecutive ports in
 * the given order), the gRPC instrumentation routed to them, one flush and one shutdown. Wiring only.
 */
import type { SpanProcessor } from "@opentelemetry/sdk-trace";
import type { IMetricReader } from "@opentelemetry/sdk-metrics";
import type { Tracer } from "@opentelemetry/api";
import { readTelemetrySettings } from "./env.ts";
import { createRoutingTracerProvider, instrumentGrpc } from "./grpc-instrumentation.ts";
import { createServiceTelemetry, type TelemetryHandle } from "./setup.ts";
import type { Telemetry } from "./telemetry.ts";

export interface MeshTelemetryOptions {
  /** Service names, in port order. */
  services: readonly string[];
  env?: Record<string, string | undefined>;
  serviceVersion?: string;
  /** Service i serves Prometheus /metrics on prometheusBasePort + i; 0 or absent: no endpoint. */
  prometheusBasePort?: number;
  prometheusHost?: string;
  /** Extra span processors per service (tests). */
  spanProcessorsFor?: (service: string) => SpanProcessor[];
  metricReadersFor?: (service: string) => IMetricReader[];
  /** Trace gRPC calls (default: whenever tracing is on). */
  grpc?: boolean;
  onError?: (err: Error) => void;
}

export interface MeshTelemetry {
  /** The service's telemetry, or undefined when nothing is exported (then the services skip all of it). */
  of(service: string): Telemetry | undefined;
  readonly handles: ReadonlyMap<string, TelemetryHandle>;
  readonly tracing: boolean;
  /** Prometheus endpoint per service (empty without prometheusBasePort). */
  readonly prometheus: Readonly<Record<string, string>>;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

export function createMeshTelemetry(options: MeshTelemetryOptions): MeshTelemetry {
  const env = options.env ?? process.env;
  const settings = readTelemetrySettings(env);
  const handles = new Map<string, TelemetryHandle>();
  const prometheus: Record<string, string> = {};
  const base = options.prometheusBasePort ?? 0;
  options.services.forEach((service, i) => {
    const handle = createServiceTelemetry({
      serviceName: service,
      serviceVersion: options.serviceVersion,
      env,
      settings,
      spanProcessors: options.spanProcessorsFor?.(service),
      metricReaders: options.metricReadersFor?.(service),
      prometheusPort: base > 0 ? base + i : 0,
      prometheusHost: options.prometheusHost,
      onError: options.onError,
    });
    handles.set(service, handle);
    if (handle.prometheusUrl !== undefined) prometheus[service] = handle.prometheusUrl;
  });
  const tracing = [...handles.values()].some((h) => h.telemetry.tracing);
  let unpatch: (() => void) | undefined;
  if (tracing && (options.grpc ?? true)) {
    const tracers = new Map<string, Tracer>([...handles].map(([s, h]) => [s, h.telemetry.tracer]));
    const fallback = handles.values().next().value?.telemetry.tracer;
    if (fallback !== undefined) unpatch = instrumentGrpc(createRoutingTracerProvider(tracers, fallback));
  }
  let down: Promise<void> | undefined;
  return {
    of: (service) => {
      const h = handles.get(service);
      return h !== undefined && h.exporting ? h.telemetry : undefined;
    },
    handles,
    tracing,
    prometheus,
    async forceFlush() {
      await Promise.all([...handles.values()].map((h) => h.forceFlush()));
    },
    shutdown() {
      down ??= (async () => {
        unpatch?.();
        await Promise.all([...handles.values()].map((h) => h.shutdown()));
      })();
      return down;
    },
  };
}
