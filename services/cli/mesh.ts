/**
 * The whole loop in one process: the six services on one transport (`rtml up`, the end-to-end tests and
 * the benchmark use this). Each service is started through its own main.ts, the same entry
 * `rtml serve <service>` uses, so embedded and distributed runs share all their wiring. With `grpc`,
 * each also serves its gRPC API (health, reflection) on its own port; infer's Predict gets an event's
 * features from the feature service in this process (no network hop).
 */
import { startDriftMonitor } from "../drift-monitor/main.ts";
import { startFeature } from "../feature/main.ts";
import { startIngest } from "../ingest/main.ts";
import { startInfer } from "../infer/main.ts";
import { SERVICE_NAMES, type ServiceName } from "../shared/config.ts";
import type { FeatureLookup } from "../shared/feature-lookup.ts";
import { grpcServeOptions } from "../shared/grpc/grpc-config.ts";
import { RtmlError } from "../shared/errors.ts";
import type { ServiceDeps } from "../shared/service.ts";
import { createOtelMetrics, teeMetrics } from "../shared/telemetry/otel-metrics.ts";
import type { Telemetry } from "../shared/telemetry/telemetry.ts";
import { startTrain } from "../train/main.ts";
import { startValidate } from "../validate/main.ts";

export type Mesh = Awaited<ReturnType<typeof startMesh>>;

export interface MeshGrpcOptions {
  /** Default 127.0.0.1 (GRPC_HOST overrides). */
  host?: string;
  /** Service i (SERVICE_NAMES order) listens on basePort + i; 0 gives every service a free port. Default 50051. */
  basePort?: number;
  /** Ports per service, over basePort. */
  ports?: Partial<Record<ServiceName, number>>;
}

export interface MeshOptions {
  emitRaw?: boolean;
  grpc?: MeshGrpcOptions | false;
  /**
   * Each service's telemetry (its own service.name; see shared/telemetry/mesh-telemetry.ts); undefined
   * for a service: no spans, no OpenTelemetry metrics. The service's metrics also go to its meter.
   */
  telemetry?: (service: ServiceName) => Telemetry | undefined;
}

/** The port each service gets: explicit ports first, else basePort + its index (0 stays 0). */
export function grpcPorts(o: MeshGrpcOptions): Record<ServiceName, number> {
  const base = o.basePort ?? 50051;
  const out = Object.fromEntries(SERVICE_NAMES.map((s, i) => [s, o.ports?.[s] ?? (base === 0 ? 0 : base + i)])) as Record<ServiceName, number>;
  for (const [s, p] of Object.entries(out)) {
    if (!Number.isInteger(p) || p < 0 || p > 65535) throw new RtmlError("INVALID_ARGUMENT", `gRPC port of ${s}: ${p} is not a port`);
  }
  return out;
}

export async function startMesh(deps: ServiceDeps, options: MeshOptions = {}) {
  const ports = options.grpc ? grpcPorts(options.grpc) : undefined;
  const host = options.grpc ? (options.grpc.host ?? "127.0.0.1") : "127.0.0.1";
  const withTelemetry = (name: ServiceName): ServiceDeps => {
    const telemetry = options.telemetry?.(name) ?? deps.telemetry;
    if (telemetry === undefined) return deps;
    return { ...deps, telemetry, metrics: telemetry.metrics ? teeMetrics(deps.metrics, createOtelMetrics(telemetry.meter)) : deps.metrics };
  };
  const depsOf = (name: ServiceName): ServiceDeps =>
    ports ? { ...withTelemetry(name), grpc: grpcServeOptions(deps.config, { host, port: ports[name] }) } : { ...withTelemetry(name), grpc: undefined };
  // infer starts before feature; its lookup is bound once feature is up.
  let lookup: FeatureLookup | undefined;
  const lateLookup: FeatureLookup = {
    featuresFor: (event, o) => {
      if (!lookup) throw new RtmlError("UNAVAILABLE", "the feature service is not started yet");
      return lookup.featuresFor(event, o);
    },
    close: () => undefined,
  };
  const started: { stop(): Promise<void> }[] = [];
  const track = <T extends { stop(): Promise<void> }>(s: T): T => (started.unshift(s), s);
  try {
    // Downstream first, so nothing published upstream waits on a missing consumer.
    const driftMonitor = track(await startDriftMonitor(depsOf("drift-monitor")));
    const train = track(await startTrain(depsOf("train")));
    const infer = track(await startInfer(depsOf("infer"), { featureLookup: lateLookup }));
    const feature = track(await startFeature(depsOf("feature"), options));
    lookup = feature.featureLookup;
    const validate = track(await startValidate(depsOf("validate")));
    const ingest = track(await startIngest(depsOf("ingest")));
    const services = [ingest, validate, feature, infer, train, driftMonitor];
    return {
      ingest,
      validate,
      feature,
      infer,
      train,
      driftMonitor,
      services,
      /** Where each service serves gRPC (empty without `grpc`). */
      grpcEndpoints: Object.fromEntries(services.filter((s) => s.grpc).map((s) => [s.name, s.grpc!.address])) as Partial<Record<ServiceName, string>>,
      /** Stops upstream first, so every in-flight message can still be consumed downstream. */
      async stop() {
        for (const s of services) await s.stop();
      },
    };
  } catch (err) {
    for (const s of started) await s.stop().catch(() => undefined);
    throw err;
  }
}
