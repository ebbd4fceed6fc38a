/**
 * The mesh as six separate processes, as a deployment runs it: `node bin/rtml.js serve <service>` ×6 on
 * one broker (RTML_TRANSPORT with NATS_URL or PULSAR_URL / PULSAR_ADMIN_URL in the env), each with its
 * gRPC API on a free loopback port. Ready = every service answers gRPC health (infer may answer
 * NOT_SERVING until its first model). Services can be killed (SIGKILL) and started again on the same
 * port, for fault tests. Logs go to one file per process incarnation in `logDir`.
 *
 * @example
 * const mesh = await startMeshProcesses({ env: { RTML_TRANSPORT: "nats", NATS_URL: url, RTML_DATASET: "elec2" } });
 * // feed mesh.address("ingest") over gRPC, account on the broker, then:
 * await mesh.stop();
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SERVICE_NAMES, type ServiceName } from "../../services/shared/config.ts";
import { createGrpcClient } from "../../services/shared/grpc/client.ts";
import { freePort } from "../../scripts/lib/free-port.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const BIN = join(ROOT, "bin", "rtml.js");

export interface MeshProcessesOptions {
  /** Environment of every service (over process.env): RTML_TRANSPORT, broker URLs, RTML_DATASET … */
  env: Record<string, string>;
  /** Per-service extra environment. */
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Where the logs go; default a fresh temporary directory. */
  logDir?: string;
  /** How long one service may take to answer gRPC health. Default 90 s (six tsx start-ups on 2 cores). */
  readyTimeoutMs?: number;
}

export interface MeshProcesses {
  readonly ports: Readonly<Record<ServiceName, number>>;
  readonly logDir: string;
  /** 127.0.0.1:<port> of a service. */
  address(service: ServiceName): string;
  /** SIGKILL (kill -9) and wait for the exit. */
  kill(service: ServiceName): Promise<void>;
  /** Starts a service (again) on its port and waits until it answers gRPC health. */
  start(service: ServiceName): Promise<void>;
  /** Process ids of the running services. */
  pids(): Partial<Record<ServiceName, number>>;
  /** The service's logs so far (every incarnation), for failure messages. */
  logs(service: ServiceName): string;
  /** SIGTERM to all (graceful stop), SIGKILL after `graceMs` (default 20 s). Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

/** Children still running: killed when this process exits, whatever happened to the test. */
const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/** Resolves once `address` answers grpc.health.v1 Check (any status); rejects when `alive()` turns false or at the deadline. */
export async function waitForGrpcHealth(address: string, timeoutMs: number, alive: () => boolean = () => true): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  const client = createGrpcClient(address, "grpc.health.v1.Health", { deadlineMs: 2000 });
  try {
    for (;;) {
      try {
        const res = await client.unary<{ service: string }, { status: number | string }>("Check", { service: "" });
        return typeof res.status === "number" ? res.status : res.status === "SERVING" ? 1 : 2;
      } catch {
        if (!alive()) throw new Error(`${address}: the process exited before answering gRPC health`);
        if (Date.now() > deadline) throw new Error(`${address}: no gRPC health answer within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  } finally {
    client.close();
  }
}

export async function startMeshProcesses(options: MeshProcessesOptions): Promise<MeshProcesses> {
  const logDir = options.logDir ?? mkdtempSync(join(tmpdir(), "rtml-mesh-"));
  mkdirSync(logDir, { recursive: true });
  const ports = {} as Record<ServiceName, number>;
  for (const s of SERVICE_NAMES) ports[s] = await freePort();
  const children = new Map<ServiceName, ChildProcess>();
  const incarnation = new Map<ServiceName, number>();
  const readyTimeoutMs = options.readyTimeoutMs ?? 90_000;
  let stopped = false;

  function spawnService(service: ServiceName): ChildProcess {
    const n = (incarnation.get(service) ?? 0) + 1;
    incarnation.set(service, n);
    const fd = openSync(join(logDir, `${service}.${n}.log`), "a");
    const child = spawn(process.execPath, [BIN, "serve", service], {
      cwd: ROOT,
      env: {
        ...process.env,
        RTML_LOG_LEVEL: "warn",
        METRICS_PORT: "0", // no Prometheus endpoint (six processes would fight over 9464)
        ...options.env,
        ...options.serviceEnv?.[service],
        GRPC_PORT: String(ports[service]),
        GRPC_HOST: "127.0.0.1",
        // infer's Predict with an event asks the feature service over gRPC, as in a deployment.
        RTML_FEATURE_ADDR: `127.0.0.1:${ports.feature}`,
      },
      stdio: ["ignore", fd, fd],
    });
    closeSync(fd);
    live.add(child);
    child.once("exit", () => live.delete(child));
    children.set(service, child);
    return child;
  }

  async function start(service: ServiceName): Promise<void> {
    if (stopped) throw new Error("the mesh is stopped");
    const running = children.get(service);
    if (running !== undefined && running.exitCode === null && running.signalCode === null) throw new Error(`${service} is running`);
    const child = spawnService(service);
    try {
      await waitForGrpcHealth(`127.0.0.1:${ports[service]}`, readyTimeoutMs, () => child.exitCode === null && child.signalCode === null);
    } catch (err) {
      throw new Error(`${service} did not start: ${(err as Error).message}\n${tail(logs(service))}`);
    }
  }

  function logs(service: ServiceName): string {
    return readdirSync(logDir)
      .filter((f) => f.startsWith(`${service}.`))
      .sort()
      .map((f) => `--- ${f}\n${readFileSync(join(logDir, f), "utf8")}`)
      .join("\n");
  }

  const mesh: MeshProcesses = {
    ports,
    logDir,
    address: (service) => `127.0.0.1:${ports[service]}`,
    async kill(service) {
      const child = children.get(service);
      if (child === undefined) return;
      child.kill("SIGKILL");
      await exited(child);
    },
    start,
    pids: () => Object.fromEntries([...children].filter(([, c]) => c.exitCode === null && c.signalCode === null).map(([s, c]) => [s, c.pid])),
    logs,
    async stop(graceMs = 20_000) {
      if (stopped) return;
      stopped = true;
      await Promise.all(
        [...children.values()].map(async (child) => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
          child.kill("SIGTERM");
          await exited(child);
          clearTimeout(timer);
        }),
      );
    },
  };
  try {
    // Downstream first (as `rtml up` does), each waiting for the one before: six tsx start-ups at once
    // would only fight over the two cores.
    for (const s of [...SERVICE_NAMES].reverse()) await start(s);
  } catch (err) {
    await mesh.stop(2000);
    throw err;
  }
  return mesh;
}


function tail(text: string, lines = 30): string {
  return text.split("\n").slice(-lines).join("\n");
}

