/**
 * `npm run bench:tracing`: throughput of the embedded mesh (`rtml up --json --no-grpc`, all six services
 * in one process) with tracing off, at 100% sampling and at 1% (parent-based trace-id ratio), spans
 * exported over OTLP/HTTP to a real Jaeger when one is built (else to a local sink that accepts and
 * discards OTLP). Each run is its own `rtml up` process, the modes interleaved `--reps` times; the
 * median is reported. Prints one JSON object per run and a final JSON summary; asserts nothing.
 *
 *   npm run bench:tracing -- [--events N] [--reps R] [--dataset elec2]
 */
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import os from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { jaegerUnavailableReason, startJaeger } from "../test/support/jaeger.ts";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({
  options: {
    events: { type: "string", default: "20000" },
    reps: { type: "string", default: "3" },
    dataset: { type: "string", default: "elec2" },
  },
});

/** An OTLP/HTTP receiver that answers 200 to everything (when Jaeger is not built). */
async function startSink(): Promise<{ url: string; stop(): Promise<void> }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(200, { "content-type": "application/x-protobuf" }).end());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, stop: () => new Promise((r) => server.close(() => r())) };
}

const useJaeger = jaegerUnavailableReason() === undefined;
const collector = useJaeger ? await startJaeger() : undefined;
const sink = useJaeger ? undefined : await startSink();
const endpoint = collector?.otlpHttp ?? sink!.url;

const MODES: Record<string, Record<string, string>> = {
  off: {},
  "100%": { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_TRACES_SAMPLER: "parentbased_always_on" },
  "1%": { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_TRACES_SAMPLER: "parentbased_traceidratio", OTEL_TRACES_SAMPLER_ARG: "0.01" },
};

function up(mode: string): Promise<{ throughput_eps: number; lost: number; events_in: number; latency_ms: unknown }> {
  const env: Record<string, string | undefined> = { ...process.env, RTML_LOG_LEVEL: "error", ...MODES[mode] };
  for (const k of Object.keys(env)) if (k.startsWith("OTEL_") && !(k in MODES[mode])) delete env[k];
  const args = ["--import", "tsx", join(root, "services/cli/main.ts"), "up", "--json", "--no-grpc", "--dataset", values.dataset!, "--max-events", values.events!];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.once("exit", (code) => {
      const last = out.trim().split("\n").pop() ?? "";
      try {
        resolvePromise(JSON.parse(last));
      } catch {
        reject(new Error(`rtml up (${mode}) exited ${code} without a summary: ${out.slice(-500)}`));
      }
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const runs: Record<string, number[]> = { off: [], "100%": [], "1%": [] };
try {
  for (let rep = 0; rep < Number(values.reps); rep++) {
    for (const mode of Object.keys(MODES)) {
      const s = await up(mode);
      runs[mode].push(s.throughput_eps);
      process.stdout.write(JSON.stringify({ bench: "tracing", mode, rep, events: s.events_in, throughput_eps: s.throughput_eps, lost: s.lost, latency_ms: s.latency_ms }) + "\n");
    }
  }
} finally {
  await collector?.stop();
  await sink?.stop();
}
const off = median(runs.off);
const summary = {
  bench: "tracing-overhead",
  dataset: values.dataset,
  events: Number(values.events),
  reps: Number(values.reps),
  exporter: useJaeger ? "otlp/http (protobuf) to Jaeger 2.13, in-memory storage" : "otlp/http (protobuf) to a discarding sink",
  eps: { off, "100%": median(runs["100%"]), "1%": median(runs["1%"]) },
  loss_pct: {
    "100%": Number((100 * (1 - median(runs["100%"]) / off)).toFixed(1)),
    "1%": Number((100 * (1 - median(runs["1%"]) / off)).toFixed(1)),
  },
  runs,
  machine: { cpus: os.cpus().length, cpu_model: os.cpus()[0]?.model ?? "", memory_gib: Math.round(os.totalmem() / 2 ** 30), node: process.version },
};
process.stdout.write(JSON.stringify(summary) + "\n");
