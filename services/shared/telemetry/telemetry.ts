/**
 * What shared code gets to trace and measure with: a Tracer and a Meter from the OpenTelemetry **API**
 * (never the SDK), per service. Only the wiring (services' main.ts through the CLI, see setup.ts) builds
 * real ones; without it everything here is the API's no-op, so library code pays (almost) nothing.
 *
 * In `rtml up` all six services share one process; each still gets its own Telemetry, whose tracer
 * and meter carry that service's resource (service.name = the service).
 */
import { metrics, trace, type Meter, type Tracer } from "@opentelemetry/api";

export interface Telemetry {
  /** The service these spans and metrics belong to (its resource's service.name). */
  readonly serviceName: string;
  readonly tracer: Tracer;
  readonly meter: Meter;
  /**
   * False: spans are never sampled here, so the runner and publishers skip all span work (no context
   * extraction, no property copies). True: spans are started and the sampler decides.
   */
  readonly tracing: boolean;
  /**
   * Messaging process spans use the producer's creation context as their parent (plus a link to it),
   * so one event is one trace from ingest to drift-monitor. False: a new trace per hop, linked to the
   * producer only (the conventions' default for batch consumers). Default true.
   */
  readonly parentToCreation: boolean;
  /** False: no metric reader is attached, so per-message instruments are skipped. */
  readonly metrics: boolean;
  /**
   * The sampler follows the parent's decision (the parentbased_* samplers, the default): a message
   * whose producer was not sampled is then processed with no span at all (the cheap path).
   */
  readonly parentBased: boolean;
}

/** Telemetry that records nothing: the API's no-op tracer and meter. */
export const noopTelemetry: Telemetry = Object.freeze({
  serviceName: "rtml",
  tracer: trace.getTracer("rtml-noop"),
  meter: metrics.getMeter("rtml-noop"),
  tracing: false,
  parentToCreation: true,
  metrics: false,
  parentBased: true,
});

/** The instrumentation scope every rtml tracer and meter is created under. */
export const INSTRUMENTATION_SCOPE = "rtml";
