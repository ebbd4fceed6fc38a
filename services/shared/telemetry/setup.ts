/**
 * The OpenTelemetry SDK, set up by the wiring only (the CLI for `rtml up` and `rtml serve`, tests):
 * one TracerProvider and one MeterProvider per service, each with its own resource (service.name,
 * service.version, service.instance.id, plus OTEL_RESOURCE_ATTRIBUTES), so six services in one process
 * still report as six services. Exporters follow the OTEL_* variables (env.ts); with none set nothing
 * is exported and `telemetry.tracing` is false, so the runner does no span work at all.
 *
 * The process-wide parts (the context manager, synchronous unless RTML_OTEL_CONTEXT=async, and the W3C trace-context propagator)
 * are installed once, by the first call with tracing on.
 */
import { randomUUID } from "node:crypto";
import { context, propagation } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-proto";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { envDetector, resourceFromAttributes, type Resource } from "@opentelemetry/resources";
import { MeterProvider, PeriodicExportingMetricReader, type IMetricReader } from "@opentelemetry/sdk-metrics";
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  StackContextManager,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type Sampler,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace";
import { readTelemetrySettings, type TelemetrySettings } from "./env.ts";
import { fastIdGenerator } from "./ids.ts";
import { ATTR_SERVICE_INSTANCE_ID, ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from "./semconv.ts";
import { INSTRUMENTATION_SCOPE, type Telemetry } from "./telemetry.ts";

export interface ServiceTelemetryOptions {
  serviceName: string;
  /** Default: RTML_VERSION, else "dev". */
  serviceVersion?: string;
  /** Default: a random UUID. */
  instanceId?: string;
  /** Where OTEL_* are read; default process.env. */
  env?: Record<string, string | undefined>;
  /** Settings already read (the mesh reads them once for six services). */
  settings?: TelemetrySettings;
  /** More span processors (tests: a SimpleSpanProcessor on an InMemorySpanExporter); turns tracing on. */
  spanProcessors?: SpanProcessor[];
  /** More metric readers (tests: an InMemoryMetricExporter's reader). */
  metricReaders?: IMetricReader[];
  /** Serve Prometheus /metrics on this port (0: none). */
  prometheusPort?: number;
  /** Host the Prometheus endpoint binds; default 0.0.0.0 (in-cluster scraping). */
  prometheusHost?: string;
  /** Over the OTEL_TRACES_SAMPLER one. */
  sampler?: Sampler;
  /** With `sampler`: whether it follows the parent's decision (default false). */
  parentBased?: boolean;
  /** Called when the Prometheus endpoint cannot start, or a flush or shutdown fails (e.g. no collector). */
  onError?: (err: Error) => void;
}

/** A service's telemetry with the SDK behind it. */
export interface TelemetryHandle {
  readonly telemetry: Telemetry;
  readonly tracerProvider: TracerProvider;
  readonly meterProvider: MeterProvider;
  /** Whether anything is exported at all (spans or metrics). */
  readonly exporting: boolean;
  /** The Prometheus endpoint's URL, when one is served. */
  readonly prometheusUrl: string | undefined;
  /** Exports everything buffered (spans and metrics); never rejects (failures go to onError). */
  forceFlush(): Promise<void>;
  /** Flushes and stops the exporters and the Prometheus endpoint. Idempotent; never rejects. */
  shutdown(): Promise<void>;
}

let globalsInstalled = false;

/**
 * Installs the context manager and the W3C trace-context propagator, once per process. `sync` (the default): a
 * context lives for the synchronous part of `context.with` only (no per-promise cost); `async`:
 * AsyncLocalStorage, which follows awaits but hooks every promise (see env.ts, RTML_OTEL_CONTEXT).
 */
export function installTelemetryGlobals(manager: "sync" | "async" = "sync"): void {
  if (globalsInstalled) return;
  globalsInstalled = true;
  context.setGlobalContextManager(manager === "async" ? new AsyncLocalStorageContextManager().enable() : new StackContextManager().enable());
  // W3C trace context only (traceparent / tracestate), as the message properties carry; no baggage.
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
}

/** The sampler the settings name. */
export function samplerOf(settings: TelemetrySettings): Sampler {
  const ratio = new TraceIdRatioBasedSampler(settings.ratio);
  switch (settings.sampler) {
    case "always_on":
      return new AlwaysOnSampler();
    case "always_off":
      return new AlwaysOffSampler();
    case "traceidratio":
      return ratio;
    case "parentbased_always_off":
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case "parentbased_traceidratio":
      return new ParentBasedSampler({ root: ratio });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

const urlOption = (url: string | undefined) => (url === undefined ? undefined : { url });

function resourceOf(options: ServiceTelemetryOptions, env: Record<string, string | undefined>): Resource {
  const fromEnv = envDetector.detect({});
  return resourceFromAttributes(fromEnv.attributes ?? {}).merge(
    resourceFromAttributes({
      [ATTR_SERVICE_NAME]: options.serviceName,
      [ATTR_SERVICE_VERSION]: options.serviceVersion ?? env.RTML_VERSION ?? "dev",
      [ATTR_SERVICE_INSTANCE_ID]: options.instanceId ?? randomUUID(),
    }),
  );
}

/**
 * The OTLP/HTTP URL for a signal from `env` (OTEL_EXPORTER_OTLP_<SIGNAL>_ENDPOINT as is, else
 * OTEL_EXPORTER_OTLP_ENDPOINT + /v1/<signal>), or undefined to let the exporter read process.env.
 */
export function otlpUrl(env: Record<string, string | undefined>, signal: "traces" | "metrics"): string | undefined {
  const specific = env[`OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_ENDPOINT`];
  if (specific) return specific;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  return base ? `${base.replace(/\/+$/, "")}/v1/${signal}` : undefined;
}

/** Sets up the SDK for one service. */
export function createServiceTelemetry(options: ServiceTelemetryOptions): TelemetryHandle {
  const env = options.env ?? process.env;
  const settings = options.settings ?? readTelemetrySettings(env);
  const resource = resourceOf(options, env);
  const spanProcessors: SpanProcessor[] = [...(options.spanProcessors ?? [])];
  if (settings.otlpTraces) spanProcessors.push(new BatchSpanProcessor({ exporter: new OTLPTraceExporter(urlOption(otlpUrl(env, "traces"))), ...settings.batch }));
  const tracing = spanProcessors.length > 0;
  // The context manager (AsyncLocalStorage) costs a little on every promise: only when tracing.
  if (tracing) installTelemetryGlobals(settings.contextManager);
  // Ids as flat strings made in JavaScript (ids.ts): ingest makes a root span per event, sampled or not.
  const tracerProvider = new TracerProvider({ resource, spanProcessors, sampler: options.sampler ?? samplerOf(settings), idGenerator: fastIdGenerator });

  const readers: IMetricReader[] = [...(options.metricReaders ?? [])];
  if (settings.otlpMetrics) readers.push(new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter(urlOption(otlpUrl(env, "metrics"))) }));
  let prometheusUrl: string | undefined;
  const port = options.prometheusPort ?? 0;
  if (port > 0) {
    const host = options.prometheusHost ?? "0.0.0.0";
    readers.push(new PrometheusExporter({ host, port }, (err) => {
      if (err) options.onError?.(err);
    }));
    prometheusUrl = `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}/metrics`;
  }
  const meterProvider = new MeterProvider({ resource, readers });
  const telemetry: Telemetry = Object.freeze({
    serviceName: options.serviceName,
    tracer: tracerProvider.getTracer(INSTRUMENTATION_SCOPE),
    meter: meterProvider.getMeter(INSTRUMENTATION_SCOPE),
    tracing,
    parentToCreation: settings.parentToCreation,
    metrics: readers.length > 0,
    parentBased: options.sampler === undefined ? settings.sampler.startsWith("parentbased") : options.parentBased === true,
  });
  let down: Promise<void> | undefined;
  const report = (results: PromiseSettledResult<unknown>[]) => {
    for (const r of results) {
      if (r.status === "rejected") options.onError?.(r.reason instanceof Error ? r.reason : new Error(String(r.reason)));
    }
  };
  return {
    telemetry,
    tracerProvider,
    meterProvider,
    exporting: tracing || readers.length > 0,
    prometheusUrl,
    async forceFlush() {
      report(await Promise.allSettled([tracerProvider.forceFlush(), readers.length > 0 ? meterProvider.forceFlush() : undefined]));
    },
    shutdown() {
      down ??= Promise.allSettled([tracerProvider.shutdown(), meterProvider.shutdown()]).then(report);
      return down;
    },
  };
}
