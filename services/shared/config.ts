/**
 * Configuration from the environment: `loadConfig(env)` is pure, validates everything once and fails
 * fast with every problem listed. Standard OTEL_* variables are left to the OpenTelemetry SDK.
 */
import { RtmlError } from "./errors.ts";
import type { LogLevel } from "./logger.ts";

export const SERVICE_NAMES = ["ingest", "validate", "feature", "infer", "train", "drift-monitor"] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Default gRPC ports of `rtml up`, in service order. */
export const DEFAULT_GRPC_PORTS: Record<ServiceName, number> = {
  ingest: 50051, validate: 50052, feature: 50053, infer: 50054, train: 50055, "drift-monitor": 50056,
};

export type TransportKind = "memory" | "pulsar" | "nats";
/** The model set-ups train can fit (RTML_MODEL); charts/rtml/values.schema.json lists the same. */
export const MODEL_KINDS = ["lr", "lr-avg", "nb", "ht", "hat", "arf"] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

export interface RtmlConfig {
  transport: TransportKind;
  pulsarUrl: string;
  pulsarAdminUrl: string;
  /** Never logged. */
  pulsarToken: string | undefined;
  pulsarTenant: string;
  pulsarNamespace: string;
  natsUrl: string;
  grpcPort: number | undefined;
  /** Address the gRPC servers bind (GRPC_HOST); unset: 0.0.0.0 for `rtml serve`, 127.0.0.1 for `rtml up`. */
  grpcHost: string | undefined;
  /** PEM files for gRPC TLS (GRPC_TLS_CERT, GRPC_TLS_KEY); with GRPC_TLS_CA clients must present a certificate (mTLS). */
  grpcTls: { certFile: string; keyFile: string; caFile: string | undefined; requireClientCert: boolean } | undefined;
  /** Largest gRPC message (GRPC_MAX_MESSAGE_BYTES). Default 4 MiB. */
  grpcMaxMessageBytes: number;
  /** The feature service's gRPC address (RTML_FEATURE_ADDR), for infer's Predict with an event when run alone. */
  featureAddr: string | undefined;
  metricsPort: number;
  logLevel: LogLevel;
  /** Dataset schema (bundled name or path) validate and feature compile. */
  dataset: string;
  model: ModelKind;
  snapshotEvery: number;
  maxInFlight: number;
  /** Messages of one key processed as one batch (group commit); 1: one at a time. */
  maxBatch: number;
  /** feature also publishes each vector's unstandardised values (RTML_FEATURE_EMIT_RAW=true). Default false. */
  featureEmitRaw: boolean;
}

type Env = Record<string, string | undefined>;

function grpcTls(env: Env, problems: string[]): RtmlConfig["grpcTls"] {
  const certFile = env.GRPC_TLS_CERT || undefined;
  const keyFile = env.GRPC_TLS_KEY || undefined;
  const caFile = env.GRPC_TLS_CA || undefined;
  const auth = env.GRPC_TLS_CLIENT_AUTH || undefined;
  if (auth !== undefined && auth !== "true" && auth !== "false") problems.push(`GRPC_TLS_CLIENT_AUTH="${auth}": expected true or false`);
  if (!certFile !== !keyFile) problems.push("GRPC_TLS_CERT and GRPC_TLS_KEY: give both or neither");
  if (!certFile || !keyFile) {
    if (caFile) problems.push("GRPC_TLS_CA: needs GRPC_TLS_CERT and GRPC_TLS_KEY");
    return undefined;
  }
  const requireClientCert = auth === undefined ? caFile !== undefined : auth === "true";
  if (requireClientCert && !caFile) problems.push("GRPC_TLS_CLIENT_AUTH=true: needs GRPC_TLS_CA");
  return { certFile, keyFile, caFile, requireClientCert };
}

export function loadConfig(env: Env = process.env): RtmlConfig {
  const problems: string[] = [];
  const oneOf = <T extends string>(name: string, allowed: readonly T[], dflt: T): T => {
    const v = env[name] ?? dflt;
    if (!allowed.includes(v as T)) problems.push(`${name}="${v}": expected one of ${allowed.join(", ")}`);
    return v as T;
  };
  const int = (name: string, dflt: number | undefined, min: number, max: number): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === "") return dflt;
    const v = Number(raw);
    if (!Number.isInteger(v) || v < min || v > max) problems.push(`${name}="${raw}": expected an integer in [${min}, ${max}]`);
    return v;
  };
  const url = (name: string, dflt: string, schemes: string[]): string => {
    const v = env[name] ?? dflt;
    try {
      const u = new URL(v);
      if (!schemes.includes(u.protocol)) problems.push(`${name}="${v}": scheme must be one of ${schemes.join(", ")}`);
    } catch {
      problems.push(`${name}="${v}": not a URL`);
    }
    return v;
  };
  const config: RtmlConfig = {
    transport: oneOf("RTML_TRANSPORT", ["memory", "pulsar", "nats"] as const, "memory"),
    pulsarUrl: url("PULSAR_URL", "pulsar://127.0.0.1:6650", ["pulsar:", "pulsar+ssl:"]),
    pulsarAdminUrl: url("PULSAR_ADMIN_URL", "http://127.0.0.1:8080", ["http:", "https:"]),
    pulsarToken: env.PULSAR_TOKEN || undefined,
    pulsarTenant: env.RTML_PULSAR_TENANT || "rtml",
    pulsarNamespace: env.RTML_PULSAR_NAMESPACE || "default",
    natsUrl: url("NATS_URL", "nats://127.0.0.1:4222", ["nats:", "tls:"]),
    grpcPort: int("GRPC_PORT", undefined, 0, 65535),
    grpcHost: env.GRPC_HOST || undefined,
    grpcTls: grpcTls(env, problems),
    grpcMaxMessageBytes: int("GRPC_MAX_MESSAGE_BYTES", 4 * 1024 * 1024, 1024, 1024 * 1024 * 1024) as number,
    featureAddr: env.RTML_FEATURE_ADDR || undefined,
    metricsPort: int("METRICS_PORT", 9464, 0, 65535) as number,
    logLevel: oneOf("RTML_LOG_LEVEL", ["debug", "info", "warn", "error", "silent"] as const, "info"),
    dataset: env.RTML_DATASET || "elec2",
    model: oneOf("RTML_MODEL", MODEL_KINDS, "lr"),
    snapshotEvery: int("RTML_SNAPSHOT_EVERY", 10, 1, 1_000_000) as number,
    maxInFlight: int("RTML_MAX_IN_FLIGHT", 256, 1, 100_000) as number,
    maxBatch: int("RTML_MAX_BATCH", 128, 1, 100_000) as number,
    featureEmitRaw: oneOf("RTML_FEATURE_EMIT_RAW", ["true", "false"] as const, "false") === "true",
  };
  if (problems.length > 0) {
    throw new RtmlError("INVALID_ARGUMENT", `invalid configuration:\n  - ${problems.join("\n  - ")}`, { details: { problems } });
  }
  return config;
}
