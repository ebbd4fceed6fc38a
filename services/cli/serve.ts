/**
 * `rtml serve <service>`: one service in this process, as a container runs it — its functions on the
 * transport and its gRPC API (with health and reflection) on `--grpc-port` / GRPC_PORT (default: the
 * service's port of `rtml up`, 50051…50056), bound to GRPC_HOST (default 0.0.0.0) — until SIGTERM or
 * SIGINT, then a graceful stop: health NOT_SERVING, in-flight gRPC calls drained, in-flight messages
 * finished and acked.
 */
import { startDriftMonitor } from "../drift-monitor/main.ts";
import { startFeature } from "../feature/main.ts";
import { startIngest } from "../ingest/main.ts";
import { startInfer } from "../infer/main.ts";
import { DEFAULT_GRPC_PORTS, type RtmlConfig, type ServiceName } from "../shared/config.ts";
import { loadSchema } from "../shared/dataset/schema-loader.ts";
import { resolveDataset } from "../shared/dataset/resolve.ts";
import { grpcServeOptions } from "../shared/grpc/grpc-config.ts";
import type { Logger } from "../shared/logger.ts";
import { createMetricsRegistry } from "../shared/metrics.ts";
import type { RunningService, ServiceDeps } from "../shared/service.ts";
import type { Transport } from "../shared/transport/transport.ts";
import { createOtelMetrics, teeMetrics } from "../shared/telemetry/otel-metrics.ts";
import { startTrain } from "../train/main.ts";
import { serviceTelemetryFromEnv } from "./telemetry.ts";
import { startValidate } from "../validate/main.ts";

const starters: Record<ServiceName, (deps: ServiceDeps) => Promise<RunningService>> = {
  ingest: startIngest,
  validate: startValidate,
  feature: (deps) => startFeature(deps, { emitRaw: deps.config.featureEmitRaw }),
  infer: startInfer,
  train: startTrain,
  "drift-monitor": startDriftMonitor,
};

export interface ServeOptions {
  config: RtmlConfig;
  transport: Transport;
  logger: Logger;
  /** ingest: replay this dataset once started. */
  replay?: string;
  /** gRPC port (over GRPC_PORT); default the service's `rtml up` port. */
  grpcPort?: number;
  /** Where OTEL_* are read (default process.env). */
  env?: Record<string, string | undefined>;
  /** Resolves to stop (default: SIGTERM or SIGINT). */
  stopSignal?: Promise<string>;
}

export function signalled(): Promise<string> {
  return new Promise<string>((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
  });
}

export async function serve(name: ServiceName, opts: ServeOptions): Promise<void> {
  const logger = opts.logger.child({ service: name });
  const stopped = opts.stopSignal ?? signalled();
  const { config } = opts;
  const schema = config.dataset.includes("/") ? loadSchema(config.dataset) : resolveDataset(config.dataset).schema;
  const port = opts.grpcPort ?? config.grpcPort ?? DEFAULT_GRPC_PORTS[name];
  const telemetry = serviceTelemetryFromEnv(name, opts.env ?? process.env, config, logger);
  const tel = telemetry.handle.exporting ? telemetry.handle.telemetry : undefined;
  const registry = createMetricsRegistry();
  const deps: ServiceDeps = {
    transport: opts.transport, config, logger, schema,
    metrics: tel?.metrics ? teeMetrics(registry, createOtelMetrics(tel.meter)) : registry,
    ...(tel ? { telemetry: tel } : {}),
    grpc: grpcServeOptions(config, { host: "0.0.0.0", port }),
  };
  const service = await starters[name](deps).catch(async (err: unknown) => {
    await telemetry.shutdown();
    throw err;
  });
  logger.info("serving", { transport: opts.transport.name, dataset: schema.name, grpc: service.grpc?.address });
  if (name === "ingest" && opts.replay) {
    const { ingest } = service as Awaited<ReturnType<typeof startIngest>>;
    logger.info("replaying", { dataset: opts.replay });
    const summary = await ingest.replay(opts.replay);
    logger.info("replay done", { events: summary.events, labels: summary.labels });
  }
  logger.info("stopping", { signal: await stopped });
  await service.stop();
  await telemetry.shutdown(); // flushes the last spans and metrics
}
