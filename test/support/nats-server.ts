/**
 * Starts a real nats-server for tests: loopback, a free port, JetStream on a temp store dir. The
 * binary is $NATS_SERVER_BIN, else `nats-server` on PATH (Debian's is /usr/sbin), else the one
 * scripts/nats/install-nats.sh built into ${RTML_CACHE:-~/.cache/rtml}/bin.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { after, before } from "node:test";
import { freePort } from "../../scripts/lib/free-port.ts";

export interface NatsServer {
  readonly url: string;
  readonly port: number;
  readonly version: string;
  /** Stops the server (the store dir is kept) and starts it again on the same port. */
  restart(downMs?: number): Promise<void>;
  /** Stops the server and removes its store dir. Idempotent. */
  stop(): Promise<void>;
}

/** The nats-server binary, or undefined when none is installed. */
export function findNatsServer(): string | undefined {
  const candidates = [
    process.env.NATS_SERVER_BIN,
    ...(process.env.PATH ?? "").split(delimiter).map((dir) => join(dir, "nats-server")),
    "/usr/sbin/nats-server",
    "/usr/bin/nats-server",
    join(process.env.RTML_CACHE ?? join(homedir(), ".cache", "rtml"), "bin", "nats-server"),
  ];
  return candidates.find((c): c is string => c !== undefined && c !== "" && existsSync(c));
}

/** Servers still running: killed when the process exits, whatever happened to the test. */
const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});


function launch(bin: string, port: number, storeDir: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ["-a", "127.0.0.1", "-p", String(port), "-js", "-sd", storeDir], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let log = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`nats-server did not become ready in 15 s:\n${log}`));
    }, 15_000);
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk: string) => {
      log += chunk;
      if (log.includes("Server is ready")) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    live.add(child);
    child.once("exit", (code) => {
      live.delete(child);
      clearTimeout(timer);
      reject(new Error(`nats-server exited with ${code}:\n${log}`));
    });
  });
}

function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** Starts nats-server with JetStream on a free loopback port and waits until it is ready. */
export async function startNatsServer(bin = findNatsServer()): Promise<NatsServer> {
  if (bin === undefined) throw new Error("nats-server is not installed (apt-get install -y nats-server)");
  const version = spawnSync(bin, ["--version"], { encoding: "utf8" }).stdout.trim();
  const storeDir = mkdtempSync(join(tmpdir(), "rtml-nats-"));
  const port = await freePort();
  let child: ChildProcess | undefined = await launch(bin, port, storeDir);
  let stopped = false;
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    version,
    async restart(downMs = 500) {
      if (child !== undefined) await terminate(child);
      child = undefined;
      await new Promise((resolve) => setTimeout(resolve, downMs));
      child = await launch(bin, port, storeDir);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child !== undefined) await terminate(child);
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}

/**
 * A nats-server for the calling test file: started before its tests, stopped after them. `skip` says why
 * the tests cannot run (nats-server missing), except under CI, where they run and fail.
 */
export function natsServerForFile(): { skip: string | undefined; server(): NatsServer } {
  const bin = findNatsServer();
  const skip = bin === undefined && process.env.CI === undefined ? "nats-server is not installed (apt-get install -y nats-server)" : undefined;
  let server: NatsServer | undefined;
  before(async () => {
    if (skip === undefined) server = await startNatsServer(bin);
  });
  after(() => server?.stop());
  return {
    skip,
    server() {
      if (server === undefined) throw new Error("nats-server is not running");
      return server;
    },
  };
}
