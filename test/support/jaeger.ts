/**
 * A real Jaeger v2 for tests: scripts/jaeger/run-jaeger.sh on free loopback ports (in-memory storage),
 * ready once its health check answers; plus a small client of its HTTP query API. The binary is the
 * one scripts/jaeger/provision-jaeger.sh builds into ${RTML_CACHE:-~/.cache/rtml}/bin/jaeger.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { freePort } from "../../scripts/lib/free-port.ts";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const RUN = join(root, "scripts/jaeger/run-jaeger.sh");

/** Where provision-jaeger.sh puts the binary. */
export function jaegerBinary(): string {
  return join(process.env.RTML_CACHE ?? join(homedir(), ".cache", "rtml"), "bin", "jaeger");
}

/** Why Jaeger cannot run here (not built), or undefined when it can. */
export function jaegerUnavailableReason(): string | undefined {
  return existsSync(jaegerBinary()) ? undefined : `Jaeger is not built (${jaegerBinary()}); run: bash scripts/jaeger/provision-jaeger.sh`;
}

export interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: { refType: "CHILD_OF" | "FOLLOWS_FROM"; traceID: string; spanID: string }[];
  startTime: number;
  duration: number;
  tags: { key: string; type: string; value: unknown }[];
  processID: string;
}

export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string; tags: { key: string; value: unknown }[] }>;
}

/** A span as the api_v3 (OTLP JSON) returns it, flattened with its service name. */
export interface OtlpSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  /** OTLP numbering: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  links: { traceId: string; spanId: string }[];
}

export interface Jaeger {
  /** OTLP/HTTP base URL, for OTEL_EXPORTER_OTLP_ENDPOINT. */
  readonly otlpHttp: string;
  /** Query API and UI base URL. */
  readonly query: string;
  services(): Promise<string[]>;
  /** GET /api/traces?service=…&limit=… */
  traces(service: string, params?: Record<string, string>): Promise<JaegerTrace[]>;
  /** GET /api/traces/<id> */
  trace(id: string): Promise<JaegerTrace | undefined>;
  /** GET /api/v3/traces/<id>: the trace in OTLP shape (exact parent and links). */
  traceOtlp(id: string): Promise<OtlpSpan[]>;
  /** Stops Jaeger. Idempotent. */
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Starts Jaeger on free ports; resolves once it is healthy (rejects after `timeoutMs`, default 30 s). */
export async function startJaeger(options: { timeoutMs?: number } = {}): Promise<Jaeger> {
  const [grpc, http, query, queryGrpc, health] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
  const child = spawn("bash", [RUN, "--otlp-grpc", `${grpc}`, "--otlp-http", `${http}`, "--query", `${query}`, "--query-grpc", `${queryGrpc}`, "--health", `${health}`], {
    stdio: ["ignore", "ignore", "pipe"],
    detached: false,
  });
  live.add(child);
  let log = "";
  child.stderr?.on("data", (d: Buffer) => void (log = (log + d.toString()).slice(-8000)));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => (live.delete(child), r(code))));
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`jaeger exited with ${child.exitCode}:\n${log}`);
    try {
      const res = await fetch(`http://127.0.0.1:${health}/status`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`jaeger did not become healthy in time:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const base = `http://127.0.0.1:${query}`;
  let stopped: Promise<void> | undefined;
  return {
    otlpHttp: `http://127.0.0.1:${http}`,
    query: base,
    services: async () => (await getJson<{ data: string[] | null }>(`${base}/api/services`)).data ?? [],
    async traces(service, params = {}) {
      const qs = new URLSearchParams({ service, limit: "20", ...params });
      return (await getJson<{ data: JaegerTrace[] | null }>(`${base}/api/traces?${qs}`)).data ?? [];
    },
    async trace(id) {
      const res = await fetch(`${base}/api/traces/${id}`);
      if (res.status === 404) return undefined;
      if (!res.ok) throw new Error(`GET /api/traces/${id}: HTTP ${res.status}`);
      return ((await res.json()) as { data: JaegerTrace[] }).data[0];
    },
    async traceOtlp(id) {
      type Attr = { key: string; value: { stringValue?: string } };
      type Raw = { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; links?: { traceId: string; spanId: string }[] };
      const body = await getJson<{ result: { resourceSpans: { resource: { attributes: Attr[] }; scopeSpans: { spans: Raw[] }[] }[] } }>(`${base}/api/v3/traces/${id}`);
      return body.result.resourceSpans.flatMap((rs) => {
        const service = rs.resource.attributes.find((a) => a.key === "service.name")?.value.stringValue ?? "?";
        return rs.scopeSpans.flatMap((ss) => ss.spans.map((sp) => ({
          service, traceId: sp.traceId, spanId: sp.spanId, parentSpanId: sp.parentSpanId || undefined, name: sp.name, kind: sp.kind,
          links: (sp.links ?? []).map((l) => ({ traceId: l.traceId, spanId: l.spanId })),
        })));
      });
    },
    stop() {
      stopped ??= (async () => {
        if (child.exitCode === null) {
          child.kill("SIGTERM");
          const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
          await exited;
          clearTimeout(timer);
        }
      })();
      return stopped;
    },
  };
}
