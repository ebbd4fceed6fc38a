/**
 * gRPC benchmark: infer's Predict (a ready feature vector; and an event whose features the feature
 * service computes) and the Open Inference Protocol's ModelInfer, driven by ghz on loopback against
 * the embedded mesh (all six services in this process, a model trained on a short Elec2 replay first).
 * Prints one JSON object: per call, requests/s and latency percentiles (ms) as ghz measured them, and
 * the CPU time per call of this (the server's) process and of ghz, which are steadier than wall-clock
 * figures on a shared machine.
 *
 *   npx tsx scripts/bench-grpc.ts [--duration 10s] [--concurrency 20] [--connections 2] [--events 3000]
 *     [--rps 0] [--ghz-cpus N] [--calls predict_features,predict_event,model_infer] [--repeat 1]
 *     [--find-max] [--p99-ms 5] [--data binary|json] [--warmup 2s] [--profile DIR]
 *
 * --rps N        fixed arrival rate (ghz --rps; 0: closed loop, each of the c workers sends as soon as
 *                its previous call returns). With a rate, the JSON says the rate asked for and achieved.
 * --ghz-cpus N   GOMAXPROCS of ghz (ghz --cpus; default: every core), so ghz does not starve the server.
 * --repeat N     runs the calls interleaved N times; each figure is the median of the N runs.
 * --find-max     instead: per call, the highest fixed rate (step 250/s) whose p99 is ≤ --p99-ms and
 *                that is achieved (≥ 98% of the rate asked for), by bisection.
 * --data         how ghz gets the request: binary (default; serialized once, ghz -B) or json (ghz -d, which
 *                ghz converts for every call, costing it more CPU on the cores it shares with the server).
 * --warmup D     first runs each call closed-loop for D, unmeasured (JIT, heap); 0 to skip.
 * --profile DIR  writes a V8 CPU profile of the server process per run (DIR/<call>-<i>.cpuprofile).
 *
 * Needs ghz: bash scripts/provision-grpc-tools.sh (or GHZ=/path/to/ghz). Linux: ghz's CPU time is read
 * from /proc/self/stat (children's times).
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { cpus, homedir, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startMesh } from "../services/cli/mesh.ts";
import { loadConfig } from "../services/shared/config.ts";
import { featureNamesOf } from "../services/shared/dataset/feature-names.ts";
import { resolveDataset } from "../services/shared/dataset/resolve.ts";
import { createLogger } from "../services/shared/logger.ts";
import { serviceDefinition } from "../services/shared/grpc/load-proto.ts";
import { createMetricsRegistry } from "../services/shared/metrics.ts";
import { PROTO_ROOT } from "../services/shared/messages.ts";
import { createMemoryTransport } from "../services/shared/transport/memory/memory-transport.ts";

const { values: args } = parseArgs({
  options: {
    duration: { type: "string", default: "10s" },
    concurrency: { type: "string", default: "20" },
    connections: { type: "string", default: "2" },
    events: { type: "string", default: "3000" },
    rps: { type: "string", default: "0" },
    "ghz-cpus": { type: "string" },
    calls: { type: "string", default: "predict_features,predict_event,model_infer" },
    repeat: { type: "string", default: "1" },
    "find-max": { type: "boolean", default: false },
    "p99-ms": { type: "string", default: "5" },
    profile: { type: "string" },
    data: { type: "string", default: "binary" },
    warmup: { type: "string", default: "2s" },
  },
});
const ghz = process.env.GHZ ?? join(process.env.RTML_CACHE ?? join(homedir(), ".cache/rtml"), "bin/ghz");
if (!existsSync(ghz)) throw new Error(`ghz not found at ${ghz}: run scripts/provision-grpc-tools.sh`);

interface GhzReport { count: number; total: number; rps: number; average: number; latencyDistribution: { percentage: number; latency: number }[] | null; statusCodeDistribution: Record<string, number>; errorDistribution?: Record<string, number> }
interface Call { call: string; proto: string; data: object }

if (args.data !== "binary" && args.data !== "json") throw new Error("--data is binary or json");
const dataDir = mkdtempSync(join(tmpdir(), "rtml-bench-grpc-"));

/** ghz's call data: the request as a serialized message in a file (-B), or as JSON (-d, which ghz parses for every call). */
function dataArgs(c: Call): string[] {
  if (args.data === "json") return ["-d", JSON.stringify(c.data)];
  const [service, method] = c.call.split("/");
  const file = join(dataDir, `${c.call.replace("/", ".")}-${createHash("sha1").update(JSON.stringify(c.data)).digest("hex").slice(0, 8)}.bin`);
  writeFileSync(file, (serviceDefinition(service)[method].requestSerialize as (m: object) => Buffer)(c.data));
  return ["-B", file];
}

/** ghz's arguments for one call (without the call data), as run. */
function ghzArgs(c: Call, target: string, rps: number, duration = args.duration): string[] {
  const argv = [
    "--insecure", "--proto", join(PROTO_ROOT, c.proto), "--import-paths", PROTO_ROOT, "--call", c.call,
    "-z", duration, "-c", args.concurrency, "--connections", args.connections, "--skipFirst", "200", "--duration-stop", "wait", "-O", "json",
  ];
  if (rps > 0) argv.push("--rps", String(rps));
  if (args["ghz-cpus"]) argv.push("--cpus", args["ghz-cpus"]);
  return [...argv, target];
}

function runGhz(argv: string[], c: Call): Promise<GhzReport> {
  return new Promise((resolve, reject) =>
    execFile(ghz, [...dataArgs(c), ...argv], { maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) =>
      err && !stdout ? reject(new Error(stderr || String(err))) : resolve(JSON.parse(stdout) as GhzReport)),
  );
}

/** CPU seconds of this process's waited-for children (ghz), from /proc/self/stat (cutime + cstime). */
function childCpuSeconds(): number {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[13]) + Number(fields[14])) / 100; // fields 16 and 17 of proc(5), in clock ticks (USER_HZ = 100)
  } catch {
    return Number.NaN;
  }
}

const ms = (ns: number) => Math.round(ns / 1e4) / 100;
const median = (xs: number[]) => {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const config = loadConfig({ ...process.env, RTML_LOG_LEVEL: "warn" });
const logger = createLogger({ level: "warn" });
const transport = await createMemoryTransport();
const { schema } = resolveDataset("elec2");
const mesh = await startMesh({ transport, config, logger, metrics: createMetricsRegistry(), schema }, { grpc: { basePort: 0 } });
const profiler = args.profile ? new Session() : undefined;
if (profiler) {
  mkdirSync(args.profile!, { recursive: true });
  profiler.connect();
  await profiler.post("Profiler.enable");
}

type Run = ReturnType<typeof figures>;
function figures(r: GhzReport, rpsAsked: number, served: number, serverCpuS: number, ghzCpuS: number, wallS: number) {
  const p = (q: number) => ms(r.latencyDistribution?.find((d) => d.percentage === q)?.latency ?? Number.NaN);
  const per = (s: number) => (served > 0 ? Math.round((s * 1e6) / served) : Number.NaN);
  // Achieved rate: every call the server answered (ghz's own `rps` leaves out the --skipFirst calls but
  // not their time) over ghz's run time.
  return {
    rps_requested: rpsAsked, requests: r.count, rps: Math.round(served / (r.total / 1e9)), mean_ms: ms(r.average), p50_ms: p(50), p90_ms: p(90), p99_ms: p(99),
    server_cpu_us_per_call: per(serverCpuS), ghz_cpu_us_per_call: per(ghzCpuS), server_cpu_cores: Math.round((serverCpuS / wallS) * 100) / 100,
    status: r.statusCodeDistribution, errors: r.errorDistribution ?? {},
  };
}

try {
  await mesh.ingest.ingest.replay("elec2", { maxEvents: Number(args.events) });
  // Measure an idle mesh: wait until every replayed event has been scored and train has caught up.
  const events = Number(args.events);
  for (let last = -1; ; ) {
    await new Promise((r) => setTimeout(r, 500));
    const n = mesh.infer.infer.stats().predictions + mesh.train.train.stats().updates;
    if (n === last && mesh.infer.infer.stats().predictions >= events && mesh.infer.infer.current().version > 0) break;
    last = n;
  }
  const infer = mesh.grpcEndpoints.infer!;
  const names = featureNamesOf(schema);
  const row = names.map((_, i) => ((i * 37) % 11) / 10);
  // camelCase: the JSON names of the fields (ghz's JSON data accepts them) and proto-loader's names.
  const event = {
    entityId: "nsw", eventTimeMs: 912345600000, dataset: "elec2",
    numberNames: names.filter((n) => n !== "secs_since_prev"), numbers: names.filter((n) => n !== "secs_since_prev").map((_, i) => ((i * 37) % 11) / 10),
  };
  const allCalls: Record<string, Call> = {
    predict_features: { call: "rtml.v1.InferenceService/Predict", proto: "rtml/v1/services.proto", data: { features: { names, values: row } } },
    predict_event: { call: "rtml.v1.InferenceService/Predict", proto: "rtml/v1/services.proto", data: { event } },
    model_infer: { call: "inference.GRPCInferenceService/ModelInfer", proto: "inference/grpc_predict_v2.proto", data: {
      modelName: "rtml", inputs: [{ name: "features", datatype: "FP32", shape: [1, names.length], contents: { fp32Contents: row } }],
    } },
  };
  const selected = args.calls.split(",").map((c) => c.trim()).filter(Boolean);
  for (const c of selected) if (!allCalls[c]) throw new Error(`unknown call ${c} (one of ${Object.keys(allCalls).join(", ")})`);

  let runIndex = 0;
  /** One ghz run of call `name` at `rps` (0: closed loop), with the server's and ghz's CPU time over it. */
  async function measure(name: string, rps: number): Promise<Run> {
    const c = allCalls[name];
    const before = { served: mesh.infer.infer.stats().predictions, cpu: process.cpuUsage(), child: childCpuSeconds(), wall: performance.now() };
    if (profiler) await profiler.post("Profiler.start");
    const report = await runGhz(ghzArgs(c, infer, rps), c);
    if (profiler) {
      const { profile } = await profiler.post("Profiler.stop");
      writeFileSync(join(args.profile!, `${name}-${runIndex++}.cpuprofile`), JSON.stringify(profile));
    }
    const cpu = process.cpuUsage(before.cpu);
    return figures(report, rps, mesh.infer.infer.stats().predictions - before.served, (cpu.user + cpu.system) / 1e6, childCpuSeconds() - before.child, (performance.now() - before.wall) / 1e3);
  }

  // Warm-up (untimed): JIT-compiles the server's call path and grows its heap before anything is measured.
  if (args.warmup !== "0" && args.warmup !== "0s") {
    for (const name of selected) await runGhz(ghzArgs(allCalls[name], infer, 0, args.warmup), allCalls[name]);
  }

  const p99Target = Number(args["p99-ms"]);
  const results: Record<string, unknown> = {
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, loadavg_at_start: loadavg().map((l) => Math.round(l * 100) / 100) },
    settings: {
      duration: args.duration, warmup: args.warmup, concurrency: Number(args.concurrency), connections: Number(args.connections), rps: Number(args.rps),
      ghz_cpus: args["ghz-cpus"] ? Number(args["ghz-cpus"]) : "all", data: args.data, repeat: Number(args.repeat), ...(args["find-max"] ? { find_max_p99_ms: p99Target } : {}),
      ghz_command: `ghz ${args.data === "json" ? "-d <request as JSON>" : "-B <request serialized>"} ${ghzArgs(allCalls[selected[0]], "<infer address>", args["find-max"] ? 0 : Number(args.rps)).join(" ").replaceAll(PROTO_ROOT, "proto/")}${args["find-max"] ? " --rps <rate>" : ""}`,
    },
    model_version: mesh.infer.infer.current().version,
  };

  if (args["find-max"]) {
    const ok = (r: Run, rps: number) => r.p99_ms <= p99Target && r.rps >= rps * 0.98 && Object.keys(r.errors).length === 0;
    for (const name of selected) {
      const probes: Run[] = [];
      let lo = 0;
      let hi = 16_000;
      for (let rps = 4_000; hi - lo > 250; rps = Math.round((lo + hi) / 2 / 250) * 250) {
        const r = await measure(name, rps);
        probes.push(r);
        if (ok(r, rps)) lo = rps;
        else hi = rps;
        process.stderr.write(`${name} @ ${rps}/s: ${r.rps}/s p99 ${r.p99_ms} ms, ${r.server_cpu_us_per_call} µs CPU/call → [${lo}, ${hi}]\n`);
      }
      results[name] = { max_rps_with_p99_within_target: lo, probes };
    }
  } else {
    const runs: Record<string, Run[]> = Object.fromEntries(selected.map((n) => [n, []]));
    for (let i = 0; i < Number(args.repeat); i++) {
      for (const name of selected) {
        const r = await measure(name, Number(args.rps));
        runs[name].push(r);
        process.stderr.write(`${name} #${i + 1}: ${r.rps}/s p50 ${r.p50_ms} p99 ${r.p99_ms} ms, server ${r.server_cpu_us_per_call} µs CPU/call, ghz ${r.ghz_cpu_us_per_call} µs\n`);
      }
    }
    for (const name of selected) {
      const rs = runs[name];
      if (rs.length === 1) {
        results[name] = rs[0];
        continue;
      }
      const med = (k: keyof Run) => median(rs.map((r) => r[k] as number));
      results[name] = {
        rps_requested: rs[0].rps_requested, rps: med("rps"), mean_ms: med("mean_ms"), p50_ms: med("p50_ms"), p90_ms: med("p90_ms"), p99_ms: med("p99_ms"),
        server_cpu_us_per_call: med("server_cpu_us_per_call"), ghz_cpu_us_per_call: med("ghz_cpu_us_per_call"), server_cpu_cores: med("server_cpu_cores"),
        runs: rs.map(({ status: _s, errors, ...r }) => ({ ...r, ...(Object.keys(errors).length ? { errors } : {}) })),
      };
    }
  }
  process.stdout.write(JSON.stringify(results) + "\n");
} finally {
  profiler?.disconnect();
  rmSync(dataDir, { recursive: true, force: true });
  await mesh.stop();
  await transport.close();
}
