/**
 * The CLI's OpenTelemetry wiring (the SDK is set up here and in tests only):
 * - `rtml up`: six services in one process, each with its own TracerProvider / MeterProvider
 *   (service.name = the service). Prometheus: with METRICS_PORT (or --metrics-port) set, service i of
 *   ingest, validate, feature, infer, train, drift-monitor serves /metrics on METRICS_PORT + i; unset,
 *   no endpoint (so parallel runs never fight over ports).
 * - `rtml serve <service>`: one service, Prometheus on METRICS_PORT (default 9464), gRPC instrumented.
 * OTLP export follows the OTEL_* variables (shared/telemetry/env.ts); with none set nothing is exported.
 */
import { readFileSync } from "node:fs";
import { SERVICE_NAMES, type RtmlConfig, type ServiceName } from "../shared/config.ts";
import type { Logger } from "../shared/logger.ts";
import { instrumentGrpc } from "../shared/telemetry/grpc-instrumentation.ts";
import { createMeshTelemetry, type MeshTelemetry } from "../shared/telemetry/mesh-telemetry.ts";
import { createServiceTelemetry, type TelemetryHandle } from "../shared/telemetry/setup.ts";

/** rtml's version (package.json), the service.version of every resource; RTML_VERSION overrides. */
export function rtmlVersion(env: Record<string, string | undefined> = process.env): string {
  if (env.RTML_VERSION) return env.RTML_VERSION;
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: string };
    return pkg.version ?? "dev";
  } catch {
    return "dev";
  }
}

/** Telemetry of the six services of `rtml up`. */
export function meshTelemetryFromEnv(env: Record<string, string | undefined>, logger: Logger, metricsPort: number | undefined): MeshTelemetry {
  const telemetry = createMeshTelemetry({
    services: SERVICE_NAMES,
    env,
    serviceVersion: rtmlVersion(env),
    prometheusBasePort: metricsPort ?? 0,
    prometheusHost: "127.0.0.1",
    onError: (err) => logger.warn("telemetry: export or metrics endpoint failed", { err }),
  });
  if (telemetry.tracing) logger.info("tracing on", { endpoint: env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT, sampler: env.OTEL_TRACES_SAMPLER ?? "parentbased_always_on" });
  if (Object.keys(telemetry.prometheus).length > 0) logger.info("metrics endpoints", { prometheus: telemetry.prometheus });
  return telemetry;
}

/** Telemetry of one service of `rtml serve`; `shutdown` also removes the gRPC instrumentation. */
export function serviceTelemetryFromEnv(
  service: ServiceName,
  env: Record<string, string | undefined>,
  config: RtmlConfig,
  logger: Logger,
): { handle: TelemetryHandle; shutdown(): Promise<void> } {
  const handle = createServiceTelemetry({
    serviceName: service,
    serviceVersion: rtmlVersion(env),
    env,
    prometheusPort: config.metricsPort,
    onError: (err) => logger.warn("telemetry: export or metrics endpoint failed", { err, metricsPort: config.metricsPort }),
  });
  const unpatch = handle.telemetry.tracing ? instrumentGrpc(handle.tracerProvider) : undefined;
  return {
    handle,
    async shutdown() {
      unpatch?.();
      await handle.shutdown();
    },
  };
}
