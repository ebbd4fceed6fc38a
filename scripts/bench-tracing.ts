/**
 * `npm run bench:tracing`: throughput of the embedded mesh (`rtml up --json --no-grpc`, all six services
 * in one process) with tracing off, at 100% sampling and at 1% (parent-based trace-id ratio), spans
 * exported over OTLP/HTTP to a real Jaeger when one is built (else to a local sink that accepts and
 * discards OTLP). Each run is its own `rtml up` process, the modes interleaved `--reps` times; the
 * median is reported. On a shared machine wall-clock throughput swings with other load, so each run
 * also reports its process CPU time, and CPU per event is taken between a short and a long run
 * ((cpu_N - cpu_short) / (N - short), which cancels start-up); `cpu_eps` = 1e6 / that (events per
 * CPU-second). Prints one JSON object per run and a final JSON summary; asserts nothing.
 *
 *   npm run bench:tracing -- [--events N] [--short S] [--reps R] [--dataset elec2] [--modes off,100%,1%]
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
    short: { type: "string", default: "500" },
    modes: { type: "string", default: "off,100%,1%" },
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

const ALL_MODES: Record<string, Record<string, string>> = {
  off: {},
  "100%": { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_TRACES_SAMPLER: "parentbased_always_on" },
  "1%": { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_TRACES_SAMPLER: "parentbased_traceidratio", OTEL_TRACES_SAMPLER_ARG: "0.01" },
  "0%": { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_TRACES_SAMPLER: "parentbased_traceidratio", OTEL_TRACES_SAMPLER_ARG: "0" },
};
// The same under AsyncLocalStorage (RTML_OTEL_CONTEXT=async) instead of the default synchronous context manager.
for (const m of ["1%", "100%"]) ALL_MODES[`${m}+als`] = { ...ALL_MODES[m], RTML_OTEL_CONTEXT: "async" };
const MODES = Object.fromEntries(values.modes!.split(",").map((m) => {
  if (!ALL_MODES[m]) throw new Error(`unknown mode ${m} (${Object.keys(ALL_MODES).join(", ")})`);
  return [m, ALL_MODES[m]];
}));

/** Prints the process's CPU time (µs) on exit: a stderr line `CPU {"user":…,"system":…}`. */
const CPU_PROBE = 'data:text/javascript,process.on("exit",()=>process.stderr.write("CPU "+JSON.stringify(process.cpuUsage())+"\\n"))';

interface Run {
  throughput_eps: number;
  lost: number;
  events_in: number;
  latency_ms: unknown;
  cpu_s: number;
}

function up(mode: string, events: string): Promise<Run> {
  const env: Record<string, string | undefined> = { ...process.env, RTML_LOG_LEVEL: "error", ...MODES[mode] };
  for (const k of Object.keys(env)) if ((k.startsWith("OTEL_") || k.startsWith("RTML_OTEL_")) && !(k in MODES[mode])) delete env[k];
  const args = ["--import", CPU_PROBE, "--import", "tsx", join(root, "services/cli/main.ts"), "up", "--json", "--no-grpc", "--dataset", values.dataset!, "--max-events", events];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
    child.once("exit", (code) => {
      const last = out.trim().split("\n").pop() ?? "";
      const cpu = /CPU (\{.*\})/.exec(err);
      try {
        const usage = JSON.parse(cpu?.[1] ?? "null") as { user: number; system: number };
        resolvePromise({ ...(JSON.parse(last) as Omit<Run, "cpu_s">), cpu_s: (usage.user + usage.system) / 1e6 });
      } catch {
        reject(new Error(`rtml up (${mode}) exited ${code} without a summary: ${out.slice(-300)} ${err.slice(-300)}`));
      }
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const runs: Record<string, number[]> = Object.fromEntries(Object.keys(MODES).map((m) => [m, []]));
const cpuPerEvent: Record<string, number[]> = Object.fromEntries(Object.keys(MODES).map((m) => [m, []]));
const N = Number(values.events);
const S = Number(values.short);
try {
  for (let rep = 0; rep < Number(values.reps); rep++) {
    for (const mode of Object.keys(MODES)) {
      const short = await up(mode, values.short!);
      const s = await up(mode, values.events!);
      runs[mode].push(s.throughput_eps);
      const usPerEvent = ((s.cpu_s - short.cpu_s) * 1e6) / (N - S);
      cpuPerEvent[mode].push(usPerEvent);
      process.stdout.write(JSON.stringify({
        bench: "tracing", mode, rep, events: s.events_in, throughput_eps: s.throughput_eps, cpu_s: s.cpu_s, cpu_s_short: short.cpu_s,
        cpu_us_per_event: Math.round(usPerEvent), lost: s.lost, latency_ms: s.latency_ms,
      }) + "\n");
    }
  }
} finally {
  await collector?.stop();
  await sink?.stop();
}
const eps = Object.fromEntries(Object.keys(MODES).map((m) => [m, median(runs[m])]));
const cpuUs = Object.fromEntries(Object.keys(MODES).map((m) => [m, Math.round(median(cpuPerEvent[m]))]));
const cpuEps = Object.fromEntries(Object.keys(MODES).map((m) => [m, Math.round(1e6 / median(cpuPerEvent[m]))]));
const loss = (base: Record<string, number>, m: string) => ("off" in base ? Number((100 * (1 - base[m] / base.off)).toFixed(1)) : null);
const summary = {
  bench: "tracing-overhead",
  dataset: values.dataset,
  events: Number(values.events),
  reps: Number(values.reps),
  exporter: useJaeger ? "otlp/http (protobuf) to Jaeger 2.13, in-memory storage" : "otlp/http (protobuf) to a discarding sink",
  /** Wall-clock events/s, median (swings with other load on a shared machine). */
  eps,
  /** CPU µs per event (start-up cancelled), median; cpu_eps = events per CPU-second. */
  cpu_us_per_event: cpuUs,
  cpu_eps: cpuEps,
  /** Throughput loss against tracing off, by wall-clock eps and by CPU per event. */
  loss_pct: Object.fromEntries(Object.keys(MODES).filter((m) => m !== "off").map((m) => [m, { eps: loss(eps, m), cpu: loss(cpuEps, m) }])),
  runs,
  cpu_us_runs: Object.fromEntries(Object.entries(cpuPerEvent).map(([m, xs]) => [m, xs.map(Math.round)])),
  machine: { cpus: os.cpus().length, cpu_model: os.cpus()[0]?.model ?? "", memory_gib: Math.round(os.totalmem() / 2 ** 30), node: process.version },
};
process.stdout.write(JSON.stringify(summary) + "\n");
