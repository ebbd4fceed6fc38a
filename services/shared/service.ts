/** What every service's main.ts receives and returns, so `rtml up` and `rtml serve` host them alike. */
import type { RtmlConfig, ServiceName } from "./config.ts";
import type { DatasetSchema } from "./dataset/schema.ts";
import type { FunctionRunner } from "./function/types.ts";
import type { GrpcServeOptions } from "./grpc/serve.ts";
import type { Logger } from "./logger.ts";
import type { MetricsRegistry } from "./metrics.ts";
import type { Telemetry } from "./telemetry/telemetry.ts";
import type { Transport } from "./transport/transport.ts";

export interface ServiceDeps {
  transport: Transport;
  config: RtmlConfig;
  logger: Logger;
  metrics: MetricsRegistry;
  schema: DatasetSchema;
  /**
   * The service's tracer and meter (its own resource, service.name = the service); absent: no spans and
   * no OpenTelemetry metrics (the runner then does no telemetry work at all).
   */
  telemetry?: Telemetry;
  /** Serve the service's gRPC API (with health and reflection); absent: no gRPC server. */
  grpc?: GrpcServeOptions;
}

export interface RunningService {
  readonly name: ServiceName;
  readonly runners: readonly FunctionRunner[];
  /** Where the service's gRPC server listens, when it serves one. */
  readonly grpc?: { readonly address: string; readonly port: number };
  /** Stops the service's functions gracefully (in-flight messages finish and are acked). */
  stop(): Promise<void>;
}

/** Starts runners in order and returns a RunningService stopping them in reverse order. */
export async function startRunners(name: ServiceName, runners: FunctionRunner[]): Promise<RunningService> {
  for (const r of runners) await r.start();
  return {
    name,
    runners,
    async stop() {
      for (const r of [...runners].reverse()) await r.stop();
    },
  };
}
