/**
 * What the standard OTEL_* variables ask of rtml's telemetry, read once by the wiring (pure: a function
 * of `env`). Nothing is exported unless asked:
 * - traces go over OTLP (HTTP/protobuf, :4318/v1/traces) when OTEL_TRACES_EXPORTER says `otlp`, or when
 *   it is unset and OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set;
 * - metrics go over OTLP only when OTEL_METRICS_EXPORTER says `otlp` or OTEL_EXPORTER_OTLP_METRICS_ENDPOINT
 *   is set (Jaeger, the usual OTEL_EXPORTER_OTLP_ENDPOINT, takes traces only); `prometheus` in
 *   OTEL_METRICS_EXPORTER serves /metrics (as does METRICS_PORT, see the CLI);
 * - OTEL_SDK_DISABLED=true turns everything off;
 * - the sampler is OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG (default parentbased_always_on).
 * RTML_TRACE_PARENT=link makes every hop its own trace, linked to its producer (default: one trace).
 * RTML_OTEL_CONTEXT picks how the active span follows the code: `sync` (default) holds it for the
 * synchronous part of a callback only (process(), a gRPC handler) and costs nothing elsewhere; `async`
 * uses AsyncLocalStorage, so it also survives awaits, at a price on every promise of the process
 * (about +25% CPU per event in the embedded mesh on Node 22; see docs/benchmarks.md). Messaging spans
 * do not depend on it: the runner passes each message's context explicitly.
 */
import { RtmlError } from "../errors.ts";

export type SamplerName =
  | "always_on"
  | "always_off"
  | "traceidratio"
  | "parentbased_always_on"
  | "parentbased_always_off"
  | "parentbased_traceidratio";

const SAMPLERS: readonly SamplerName[] = [
  "always_on", "always_off", "traceidratio", "parentbased_always_on", "parentbased_always_off", "parentbased_traceidratio",
];

export interface TelemetrySettings {
  /** OTLP trace export on. */
  readonly otlpTraces: boolean;
  /** OTLP metric export on. */
  readonly otlpMetrics: boolean;
  /** OTEL_METRICS_EXPORTER names prometheus. */
  readonly prometheus: boolean;
  readonly sampler: SamplerName;
  /** Ratio of the *traceidratio samplers, in [0, 1]. */
  readonly ratio: number;
  readonly parentToCreation: boolean;
  /** The context manager: synchronous scopes only, or AsyncLocalStorage. */
  readonly contextManager: "sync" | "async";
  /** BatchSpanProcessor settings (OTEL_BSP_*), with rtml's larger defaults. */
  readonly batch: { readonly scheduledDelayMillis: number; readonly maxQueueSize: number; readonly maxExportBatchSize: number };
}

function list(value: string | undefined): string[] {
  return (value ?? "").split(",").map((s) => s.trim().toLowerCase()).filter((s) => s !== "");
}

function positive(env: Record<string, string | undefined>, name: string, fallback: number, problems: string[]): number {
  const text = env[name];
  if (text === undefined || text === "") return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) problems.push(`${name} must be a positive integer, got "${text}"`);
  return n;
}

/** Reads the telemetry settings; throws RtmlError(INVALID_ARGUMENT) listing every bad value. */
export function readTelemetrySettings(env: Record<string, string | undefined> = process.env): TelemetrySettings {
  const problems: string[] = [];
  const disabled = (env.OTEL_SDK_DISABLED ?? "").trim().toLowerCase() === "true";
  const traces = list(env.OTEL_TRACES_EXPORTER);
  const metrics = list(env.OTEL_METRICS_EXPORTER);
  const endpoint = (env.OTEL_EXPORTER_OTLP_ENDPOINT ?? "") !== "" || (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? "") !== "";
  const otlpTraces = !disabled && (traces.length === 0 ? endpoint : traces.includes("otlp"));
  const otlpMetrics = !disabled && (metrics.includes("otlp") || (metrics.length === 0 && (env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT ?? "") !== ""));
  const samplerText = (env.OTEL_TRACES_SAMPLER ?? "parentbased_always_on").trim().toLowerCase() as SamplerName;
  if (!SAMPLERS.includes(samplerText)) problems.push(`OTEL_TRACES_SAMPLER must be one of ${SAMPLERS.join(", ")}, got "${samplerText}"`);
  let ratio = 1;
  if (samplerText.endsWith("traceidratio") && env.OTEL_TRACES_SAMPLER_ARG !== undefined && env.OTEL_TRACES_SAMPLER_ARG !== "") {
    ratio = Number(env.OTEL_TRACES_SAMPLER_ARG);
    if (!(ratio >= 0 && ratio <= 1)) problems.push(`OTEL_TRACES_SAMPLER_ARG must be a ratio in [0, 1], got "${env.OTEL_TRACES_SAMPLER_ARG}"`);
  }
  const parent = (env.RTML_TRACE_PARENT ?? "creation").trim().toLowerCase();
  if (parent !== "creation" && parent !== "link") problems.push(`RTML_TRACE_PARENT must be "creation" or "link", got "${parent}"`);
  const contextManager = (env.RTML_OTEL_CONTEXT ?? "sync").trim().toLowerCase();
  if (contextManager !== "sync" && contextManager !== "async") problems.push(`RTML_OTEL_CONTEXT must be "sync" or "async", got "${contextManager}"`);
  const batch = {
    scheduledDelayMillis: positive(env, "OTEL_BSP_SCHEDULE_DELAY", 1000, problems),
    maxQueueSize: positive(env, "OTEL_BSP_MAX_QUEUE_SIZE", 65_536, problems),
    maxExportBatchSize: positive(env, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", 2048, problems),
  };
  if (problems.length > 0) throw new RtmlError("INVALID_ARGUMENT", `telemetry configuration: ${problems.join("; ")}`);
  return {
    otlpTraces,
    otlpMetrics,
    prometheus: !disabled && metrics.includes("prometheus"),
    sampler: samplerText,
    ratio,
    parentToCreation: parent === "creation",
    contextManager: contextManager as "sync" | "async",
    batch,
  };
}
