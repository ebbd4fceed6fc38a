/**
 * `npm run bench:tracing`: throughput of the embedded mesh (`rtml up --json --no-grpc`, all six services
 * in one process) with tracing off, at 100% sampling and at 1% (parent-based trace-id ratio), spans
 * exported over OTLP/HTTP to a real Jaeger when one is built (else, or with --sink, to a local sink that
 * accepts and discards OTLP). Each run is its own `rtml up` process, the modes interleaved `--reps`
 * times; the median is reported. On a shared machine wall-clock throughput swings with other load, so
 * each run also reports its process CPU time (all threads) and its main thread's, and CPU per event is
 * taken between a short and a long run ((cpu_N - cpu_short) / (N - short), which cancels start-up);
 * `cpu_eps` = 1e6 / that (events per CPU-second). The loss against tracing off is given from the
 * medians and as the median of the per-rep losses (each mode against the `off` run of the same rep,
 * which shared its load). Prints one JSON object per run and a final JSON summary; asserts nothing.
 *
 * --instructions: each run under valgrind (cachegrind, no cache simulation) with V8 made deterministic
 * (--predictable, fixed random and hash seeds): instructions per event, the same from run to run and
 * blind to other load (50-100x slower: use a few thousand events; one rep is enough).
 *
 *   npm run bench:tracing -- [--events N] [--short S] [--reps R] [--dataset elec2] [--modes off,100%,1%]
 *                            [--sink] [--instructions] [--node-flags "--single-threaded"]
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
    sink: { type: "boolean", default: false },
    instructions: { type: "boolean", default: false },
    "node-flags": { type: "string", default: "" },
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

const useJaeger = !values.sink && jaegerUnavailableReason() === undefined;
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

/**
 * Prints the process's CPU time (µs, all threads) and its main thread's on exit: a stderr line
 * `CPU {"user":…,"system":…,"thread":…}`.
 */
const CPU_PROBE =
  'data:text/javascript,process.on("exit",()=>{const c=process.cpuUsage(),t=process.threadCpuUsage?.();' +
  'process.stderr.write("CPU "+JSON.stringify({...c,thread:t===undefined?null:t.user+t.system})+"\\n")})';
const NODE_FLAGS = values.instructions ? ["--predictable", "--random-seed=1", "--hash-seed=1"] : values["node-flags"]!.split(" ").filter((f) => f !== "");

interface Run {
  throughput_eps: number;
  lost: number;
  events_in: number;
  latency_ms: unknown;
  cpu_s: number;
  /** Main thread's CPU seconds (null on a Node without process.threadCpuUsage). */
  thread_s: number | null;
  /** --instructions: instructions executed (valgrind's I refs). */
  instructions: number | null;
}

function up(mode: string, events: string): Promise<Run> {
  const env: Record<string, string | undefined> = { ...process.env, RTML_LOG_LEVEL: "error", ...MODES[mode] };
  for (const k of Object.keys(env)) if ((k.startsWith("OTEL_") || k.startsWith("RTML_OTEL_")) && !(k in MODES[mode])) delete env[k];
  const nodeArgs = [...NODE_FLAGS, "--import", CPU_PROBE, "--import", "tsx", join(root, "services/cli/main.ts"), "up", "--json", "--no-grpc", "--dataset", values.dataset!, "--max-events", events];
  const [command, args] = values.instructions
    ? ["valgrind", ["--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null", process.execPath, ...nodeArgs]]
    : [process.execPath, nodeArgs];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
    child.once("error", reject);
    child.once("exit", (code) => {
      const last = out.trim().split("\n").pop() ?? "";
      const cpu = /CPU (\{.*\})/.exec(err);
      const refs = /I\s+refs:\s+([\d,]+)/.exec(err);
      try {
        const usage = JSON.parse(cpu?.[1] ?? "null") as { user: number; system: number; thread: number | null };
        resolvePromise({
          ...(JSON.parse(last) as Omit<Run, "cpu_s" | "thread_s" | "instructions">),
          cpu_s: (usage.user + usage.system) / 1e6,
          thread_s: usage.thread === null ? null : usage.thread / 1e6,
          instructions: refs === null ? null : Number(refs[1].replaceAll(",", "")),
        });
      } catch {
        reject(new Error(`rtml up (${mode}) exited ${code} without a summary: ${out.slice(-300)} ${err.slice(-300)}`));
      }
    });
  });
}

const perMode = <T>(f: (m: string) => T): Record<string, T> => Object.fromEntries(Object.keys(MODES).map((m) => [m, f(m)]));
const runs = perMode<number[]>(() => []);
const cpuPerEvent = perMode<number[]>(() => []);
const threadPerEvent = perMode<number[]>(() => []);
const insnPerEvent = perMode<number[]>(() => []);
const N = Number(values.events);
const S = Number(values.short);
try {
  for (let rep = 0; rep < Number(values.reps); rep++) {
    // ABBA: every other rep runs the modes in reverse order, so a load that rises or falls over the
    // bench weighs on all modes alike.
    const order = rep % 2 === 0 ? Object.keys(MODES) : Object.keys(MODES).reverse();
    for (const mode of order) {
      const short = await up(mode, values.short!);
      const s = await up(mode, values.events!);
      runs[mode].push(s.throughput_eps);
      const usPerEvent = ((s.cpu_s - short.cpu_s) * 1e6) / (N - S);
      cpuPerEvent[mode].push(usPerEvent);
      const threadUs = s.thread_s === null || short.thread_s === null ? null : ((s.thread_s - short.thread_s) * 1e6) / (N - S);
      if (threadUs !== null) threadPerEvent[mode].push(threadUs);
      const insn = s.instructions === null || short.instructions === null ? null : (s.instructions - short.instructions) / (N - S);
      if (insn !== null) insnPerEvent[mode].push(insn);
      process.stdout.write(JSON.stringify({
        bench: "tracing", mode, rep, events: s.events_in, throughput_eps: s.throughput_eps, cpu_s: s.cpu_s, cpu_s_short: short.cpu_s,
        cpu_us_per_event: Math.round(usPerEvent), thread_us_per_event: threadUs === null ? null : Math.round(threadUs),
        ...(insn === null ? {} : { instructions_per_event: Math.round(insn) }), lost: s.lost, latency_ms: s.latency_ms,
      }) + "\n");
    }
  }
} finally {
  await collector?.stop();
  await sink?.stop();
}
const min = (xs: number[]) => (xs.length === 0 ? NaN : Math.min(...xs));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x: number, digits = 0) => Number(x.toFixed(digits));
const eps = perMode((m) => median(runs[m]));
const cpuUs = perMode((m) => Math.round(median(cpuPerEvent[m])));
const cpuEps = perMode((m) => Math.round(1e6 / median(cpuPerEvent[m])));
const threadUs = perMode((m) => round(median(threadPerEvent[m])));
// Other load only ever adds CPU time: the least a mode took is the closest to its own cost.
const cpuUsMin = perMode((m) => round(min(cpuPerEvent[m])));
const threadUsMin = perMode((m) => round(min(threadPerEvent[m])));
const insn = perMode((m) => round(median(insnPerEvent[m])));
const others = Object.keys(MODES).filter((m) => m !== "off");
/** Loss against off in %, from a rate (higher is better) or a cost (lower is better). */
const lossOfRate = (off: number, x: number) => round(100 * (1 - x / off), 1);
const lossOfCost = (off: number, x: number) => round(100 * (1 - off / x), 1);
const paired = (xs: Record<string, number[]>, m: string, loss: (off: number, x: number) => number) =>
  "off" in xs && xs.off.length === xs[m].length && xs[m].length > 0 ? round(median(xs[m].map((x, i) => loss(xs.off[i], x))), 1) : null;
const summary = {
  bench: "tracing-overhead",
  dataset: values.dataset,
  events: N,
  short: S,
  reps: Number(values.reps),
  exporter: useJaeger ? "otlp/http (protobuf) to Jaeger 2.13, in-memory storage" : "otlp/http (protobuf) to a discarding sink",
  ...(NODE_FLAGS.length > 0 ? { node_flags: NODE_FLAGS.join(" ") } : {}),
  ...(values.instructions ? { under: "valgrind cachegrind (instruction counts)" } : {}),
  /** Wall-clock events/s, median (swings with other load on a shared machine). */
  eps,
  /** CPU µs per event (all threads; start-up cancelled), median; cpu_eps = events per CPU-second. */
  cpu_us_per_event: cpuUs,
  cpu_eps: cpuEps,
  /** The main thread's CPU µs per event, median. */
  thread_us_per_event: threadUs,
  /** The least CPU µs per event of any rep (all threads, main thread): other load only adds to it. */
  cpu_us_per_event_min: cpuUsMin,
  thread_us_per_event_min: threadUsMin,
  ...(values.instructions ? { instructions_per_event: insn } : {}),
  /**
   * Throughput loss against tracing off, in %: by wall-clock eps and by CPU per event (all threads, and
   * main thread), from the medians; `*_paired`: the median of the per-rep losses; `*_min`: from the
   * least CPU per event of each mode.
   */
  loss_pct: Object.fromEntries(others.filter(() => "off" in MODES).map((m) => [m, {
    eps: lossOfRate(eps.off, eps[m]),
    cpu: lossOfCost(median(cpuPerEvent.off), median(cpuPerEvent[m])),
    cpu_paired: paired(cpuPerEvent, m, lossOfCost),
    thread: lossOfCost(median(threadPerEvent.off), median(threadPerEvent[m])),
    thread_paired: paired(threadPerEvent, m, lossOfCost),
    cpu_min: lossOfCost(cpuUsMin.off, cpuUsMin[m]),
    thread_min: lossOfCost(threadUsMin.off, threadUsMin[m]),
    ...(values.instructions ? { instructions: lossOfCost(median(insnPerEvent.off), median(insnPerEvent[m])) } : {}),
  }])),
  runs,
  cpu_us_runs: perMode((m) => cpuPerEvent[m].map(Math.round)),
  thread_us_runs: perMode((m) => threadPerEvent[m].map(Math.round)),
  machine: { cpus: os.cpus().length, cpu_model: os.cpus()[0]?.model ?? "", memory_gib: Math.round(os.totalmem() / 2 ** 30), node: process.version, loadavg: os.loadavg().map((x) => round(x, 1)) },
};
process.stdout.write(JSON.stringify(summary) + "\n");
