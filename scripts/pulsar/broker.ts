/**
 * Starts and stops a Pulsar standalone broker (scripts/pulsar/run.sh, jars from Maven Central cached
 * in ${RTML_CACHE:-~/.cache/rtml}/pulsar-<version>) and waits until it is ready: the admin API lists
 * the `standalone` cluster and `public/default`, and a topic can be created.
 *
 * @example
 * const broker = await startPulsarBroker({ binaryPort: 0, httpPort: 0 }); // 0: a free port
 * console.log(broker.serviceUrl, broker.adminUrl);
 * await broker.stop();
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { RtmlError } from "../../services/shared/errors.ts";
import { freePort } from "../lib/free-port.ts";

const HERE = dirname(fileURLToPath(import.meta.url));

export interface PulsarBrokerOptions {
  /** Binary protocol port; 0 picks a free one. Default 0. */
  binaryPort?: number;
  /** HTTP port (admin REST + WebSocket API); 0 picks a free one. Default 0. */
  httpPort?: number;
  /** Data directory; default a fresh temporary one, removed by stop(). */
  dataDir?: string;
  /** Wipe `dataDir` before starting (always true for a temporary one). */
  fresh?: boolean;
  /** Readiness deadline (ms); default 180 000 (start takes ~30-60 s on 2 cores). */
  readyTimeoutMs?: number;
  /** Where the broker's stdout/stderr go: a file path, "inherit", or default `<dataDir>/broker.log`. */
  log?: string;
}

export interface PulsarBroker {
  /** pulsar://127.0.0.1:<binary port> */
  readonly serviceUrl: string;
  /** http://127.0.0.1:<http port> (admin REST and WebSocket API) */
  readonly adminUrl: string;
  readonly dataDir: string;
  readonly logFile: string | undefined;
  readonly pid: number;
  /** Milliseconds from spawn to ready. */
  readonly startMs: number;
  /** SIGTERM (clean shutdown hook), SIGKILL after 30 s; removes a temporary data dir. Idempotent. */
  stop(): Promise<void>;
  /** Stops the JVM, keeping data and ports (a broker outage); up() starts it again. */
  down(): Promise<void>;
  /** Starts the JVM again after down() on the same data and ports; waits until ready. */
  up(): Promise<void>;
  /** down() then up(). */
  restart(): Promise<void>;
}


/**
 * Runs scripts/pulsar/provision.sh (idempotent) and returns the lib dir. Rejects FAILED_PRECONDITION
 * with `details.provisioning = true` when the jars cannot be had (no java/mvn: exit 3; Central …).
 */
export async function provisionPulsar(options: { perf?: boolean } = {}): Promise<string> {
  const args = [join(HERE, "provision.sh"), ...(options.perf === true ? ["--perf"] : [])];
  const child = spawn("bash", args, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  if (code !== 0) {
    const tail = err.trim().split("\n").slice(-5).join(" | ");
    throw new RtmlError("FAILED_PRECONDITION", `provision.sh exited ${code}: ${tail}`, { details: { provisioning: true, exitCode: code } });
  }
  return out.trim().split("\n").at(-1) ?? "";
}


async function probe(url: string, init?: RequestInit): Promise<{ status: number; body: string } | undefined> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(5000) });
    return { status: res.status, body: await res.text() };
  } catch {
    return undefined;
  }
}

/** Resolves once the broker at `adminUrl` is ready; rejects when `alive()` turns false or at the deadline. */
export async function waitForPulsar(adminUrl: string, deadlineMs: number, alive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  const steps: [string, () => Promise<boolean>][] = [
    ["cluster standalone", async () => (await probe(`${adminUrl}/admin/v2/clusters`))?.body.includes("standalone") === true],
    ["namespace public/default", async () => (await probe(`${adminUrl}/admin/v2/namespaces/public`))?.body.includes("public/default") === true],
    [
      "topic creation",
      async () => {
        const res = await probe(`${adminUrl}/admin/v2/persistent/public/default/rtml-readiness-probe`, { method: "PUT" });
        return res !== undefined && (res.status === 204 || res.status === 409);
      },
    ],
  ];
  for (const [what, check] of steps) {
    for (;;) {
      if (await check()) break;
      if (!alive()) throw new Error(`the broker exited before it was ready (waiting for ${what})`);
      if (Date.now() > deadline) throw new Error(`the broker was not ready within ${deadlineMs} ms (waiting for ${what})`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

interface Running {
  readonly pid: number;
  readonly exited: () => boolean;
  /** SIGTERM, SIGKILL after 30 s; resolves when the JVM is gone. */
  kill(): Promise<void>;
}

/** Spawns run.sh (which execs the JVM) and waits for readiness; kills it when it never gets ready. */
async function launch(args: string[], logFile: string | undefined, adminUrl: string, readyTimeoutMs: number): Promise<Running> {
  let child: ChildProcess;
  if (logFile === undefined) {
    child = spawn("bash", args, { stdio: ["ignore", "inherit", "inherit"] });
  } else {
    mkdirSync(dirname(logFile), { recursive: true });
    const out = createWriteStream(logFile, { flags: "a" });
    child = spawn("bash", args, { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout?.pipe(out);
    child.stderr?.pipe(out);
  }
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once("exit", () => ((exited = true), resolve())));
  // Never leave a JVM behind, whatever happens to this process.
  const killOnExit = (): void => void child.kill("SIGKILL");
  process.once("exit", killOnExit);
  let killing: Promise<void> | undefined;
  const running: Running = {
    pid: child.pid ?? -1,
    exited: () => exited,
    kill: () =>
      (killing ??= (async () => {
        if (!exited) {
          child.kill("SIGTERM");
          const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
          await exit;
          clearTimeout(timer);
        }
        process.removeListener("exit", killOnExit);
      })()),
  };
  try {
    await waitForPulsar(adminUrl, readyTimeoutMs, () => !exited);
  } catch (err) {
    let tail = "";
    try {
      if (logFile !== undefined) tail = readFileSync(logFile, "utf8").trim().split("\n").slice(-15).join("\n");
    } catch {
      // no log
    }
    await running.kill();
    throw new RtmlError("UNAVAILABLE", `${(err as Error).message}${tail === "" ? "" : `; broker log tail:\n${tail}`}`, { cause: err });
  }
  return running;
}

/** Provisions (if needed), starts and waits for a broker. */
export async function startPulsarBroker(options: PulsarBrokerOptions = {}): Promise<PulsarBroker> {
  await provisionPulsar();
  const binaryPort = options.binaryPort || (await freePort());
  const httpPort = options.httpPort || (await freePort());
  const temporary = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "rtml-pulsar-"));
  const args = [join(HERE, "run.sh"), "--binary-port", String(binaryPort), "--http-port", String(httpPort), "--data-dir", dataDir];
  const logFile = options.log === "inherit" ? undefined : (options.log ?? join(dataDir, "broker.log"));
  const adminUrl = `http://127.0.0.1:${httpPort}`;
  const readyTimeoutMs = options.readyTimeoutMs ?? 180_000;
  const started = Date.now();
  let running: Running;
  try {
    running = await launch(temporary || options.fresh === true ? [...args, "--fresh"] : args, logFile, adminUrl, readyTimeoutMs);
  } catch (err) {
    if (temporary) rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const startMs = Date.now() - started;
  let stopped: Promise<void> | undefined;
  return {
    serviceUrl: `pulsar://127.0.0.1:${binaryPort}`,
    adminUrl,
    dataDir,
    logFile,
    get pid() {
      return running.pid;
    },
    startMs,
    async restart() {
      if (stopped !== undefined) throw new RtmlError("FAILED_PRECONDITION", "the broker was stopped");
      await running.kill();
      running = await launch(args, logFile, adminUrl, readyTimeoutMs);
    },
    async down() {
      await running.kill();
    },
    async up() {
      if (!running.exited()) return;
      running = await launch(args, logFile, adminUrl, readyTimeoutMs);
    },
    stop: () =>
      (stopped ??= (async () => {
        await running.kill();
        if (temporary) rmSync(dataDir, { recursive: true, force: true });
      })()),
  };
}

