/**
 * `rtml status`: asks each of the six services over gRPC — grpc.health.v1 Check and one call of its
 * own API — and prints one table (or JSON). A service that does not answer within the deadline is
 * shown as UNREACHABLE; the command fails unless all six are SERVING.
 */
import { DEFAULT_GRPC_PORTS, SERVICE_NAMES, type ServiceName } from "../shared/config.ts";
import { createGrpcClient, type GrpcClientTlsOptions } from "../shared/grpc/client.ts";
import { GrpcServiceNames } from "../shared/grpc/load-proto.ts";

/** The fields of rtml.v1.DriftStatus shown here. */
interface DriftStatus {
  labelled: number;
  metrics: Record<string, number>;
  recentAlerts: unknown[];
}

export interface ServiceStatus {
  service: ServiceName;
  address: string;
  health: "SERVING" | "NOT_SERVING" | "UNKNOWN" | "UNREACHABLE";
  detail: string;
}

const HEALTH = ["UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"] as const;
const API: Record<ServiceName, string> = {
  ingest: GrpcServiceNames.ingest, validate: GrpcServiceNames.validate, feature: GrpcServiceNames.feature,
  infer: GrpcServiceNames.openInference, train: GrpcServiceNames.train, "drift-monitor": GrpcServiceNames.driftMonitor,
};

type Call = <Req, Res>(method: string, request: Req) => Promise<Res>;
const fmt = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? "-" : x.toFixed(3));

/** One line about a service, from its own API. */
const DETAILS: Record<ServiceName, (call: Call) => Promise<string>> = {
  ingest: async () => "accepting Publish / PublishStream / PublishLabels",
  validate: async (call) => {
    const s = await call<object, { accepted: number; rejected: number }>("GetRejectStats", {});
    return `accepted ${s.accepted}, rejected ${s.rejected}`;
  },
  feature: async () => "online lookups (GetFeatures)",
  infer: async (call) => {
    const m = await call<object, { versions: string[] }>("ModelMetadata", { name: "rtml" });
    return m.versions.length ? `model rtml v${m.versions[0]}` : "no model loaded yet";
  },
  train: async (call) => {
    const { models } = await call<object, { models: { version: number; current: boolean; nUpdates: number }[] }>("ListModels", {});
    const cur = models.find((m) => m.current);
    return cur ? `current v${cur.version} (${cur.nUpdates} updates), ${models.length} kept` : "no snapshot yet";
  },
  "drift-monitor": async (call) => {
    const s = await call<object, DriftStatus>("GetStatus", {});
    return `labelled ${s.labelled}, accuracy ${fmt(s.metrics.accuracy)}, ${s.recentAlerts.length} recent alerts`;
  },
};

export interface StatusOptions {
  host?: string;
  /** Ports per service; default those of `rtml up` (50051…50056). */
  ports?: Partial<Record<ServiceName, number>>;
  tls?: GrpcClientTlsOptions;
  deadlineMs?: number;
}

export async function queryStatus(options: StatusOptions = {}): Promise<ServiceStatus[]> {
  const host = options.host ?? "127.0.0.1";
  return Promise.all(
    SERVICE_NAMES.map(async (service): Promise<ServiceStatus> => {
      const address = `${host}:${options.ports?.[service] ?? DEFAULT_GRPC_PORTS[service]}`;
      const clientOpts = { tls: options.tls, deadlineMs: options.deadlineMs ?? 2_000 };
      const health = createGrpcClient(address, GrpcServiceNames.health, clientOpts);
      const api = createGrpcClient(address, API[service], clientOpts);
      try {
        const h = await health.unary<{ service: string }, { status: number }>("Check", { service: "" });
        const detail = await DETAILS[service]((m, r) => api.unary(m, r)).catch((err: Error) => `error: ${err.message}`);
        const name = HEALTH[h.status] ?? "UNKNOWN";
        return { service, address, health: name === "SERVICE_UNKNOWN" ? "UNKNOWN" : name, detail };
      } catch (err) {
        return { service, address, health: "UNREACHABLE", detail: (err as Error).message };
      } finally {
        health.close();
        api.close();
      }
    }),
  );
}

export function statusTable(rows: ServiceStatus[]): string {
  const table = [["SERVICE", "ADDRESS", "HEALTH", "DETAIL"], ...rows.map((r) => [r.service, r.address, r.health, r.detail])];
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
  return table.map((row) => row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]))).join("  ")).join("\n");
}
