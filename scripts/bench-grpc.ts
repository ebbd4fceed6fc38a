/**
 * gRPC benchmark: infer's Predict (a ready feature vector; and an event whose features the feature
 * service computes) and the Open Inference Protocol's ModelInfer, driven by ghz on loopback against
 * the embedded mesh (all six services in this process, a model trained on a short Elec2 replay first).
 * Prints one JSON object: per call, requests/s and latency percentiles (ms) as ghz measured them.
 *
 *   npx tsx scripts/bench-grpc.ts [--duration 10s] [--concurrency 20] [--connections 2] [--events 3000] [--rps 0]
 *
 * Needs ghz: bash scripts/provision-grpc-tools.sh (or GHZ=/path/to/ghz).
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { cpus, homedir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startMesh } from "../services/cli/mesh.ts";
import { loadConfig } from "../services/shared/config.ts";
import { featureNamesOf } from "../services/shared/dataset/feature-names.ts";
import { resolveDataset } from "../services/shared/dataset/resolve.ts";
import { createLogger } from "../services/shared/logger.ts";
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
  },
});
const ghz = process.env.GHZ ?? join(process.env.RTML_CACHE ?? join(homedir(), ".cache/rtml"), "bin/ghz");
if (!existsSync(ghz)) throw new Error(`ghz not found at ${ghz}: run scripts/provision-grpc-tools.sh`);

interface GhzReport { count: number; rps: number; average: number; latencyDistribution: { percentage: number; latency: number }[]; statusCodeDistribution: Record<string, number>; errorDistribution?: Record<string, number> }

function runGhz(target: string, call: string, proto: string, data: unknown): Promise<GhzReport> {
  const argv = [
    "--insecure", "--proto", join(PROTO_ROOT, proto), "--import-paths", PROTO_ROOT, "--call", call, "-d", JSON.stringify(data),
    "-z", args.duration, "-c", args.concurrency, "--connections", args.connections, "-O", "json", "--skipFirst", "200", "--duration-stop", "wait", target,
  ];
  if (args.rps !== "0") argv.push("--rps", args.rps);
  return new Promise((resolve, reject) =>
    execFile(ghz, argv, { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => (err && !stdout ? reject(new Error(stderr || String(err))) : resolve(JSON.parse(stdout) as GhzReport))),
  );
}

const ms = (ns: number) => Math.round(ns / 1e4) / 100;
function figures(r: GhzReport) {
  const p = (q: number) => ms(r.latencyDistribution?.find((d) => d.percentage === q)?.latency ?? Number.NaN);
  return { requests: r.count, rps: Math.round(r.rps), mean_ms: ms(r.average), p50_ms: p(50), p90_ms: p(90), p99_ms: p(99), status: r.statusCodeDistribution, errors: r.errorDistribution ?? {} };
}

const config = loadConfig({ ...process.env, RTML_LOG_LEVEL: "warn" });
const logger = createLogger({ level: "warn" });
const transport = await createMemoryTransport();
const { schema } = resolveDataset("elec2");
const mesh = await startMesh({ transport, config, logger, metrics: createMetricsRegistry(), schema }, { grpc: { basePort: 0 } });
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
  const event = {
    entity_id: "nsw", event_time_ms: 912345600000, dataset: "elec2",
    number_names: names.filter((n) => n !== "secs_since_prev"), numbers: names.filter((n) => n !== "secs_since_prev").map((_, i) => ((i * 37) % 11) / 10),
  };
  const results = {
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
    settings: { duration: args.duration, concurrency: Number(args.concurrency), connections: Number(args.connections), rps: Number(args.rps) },
    model_version: mesh.infer.infer.current().version,
    predict_features: figures(await runGhz(infer, "rtml.v1.InferenceService/Predict", "rtml/v1/services.proto", { features: { names, values: row } })),
    predict_event: figures(await runGhz(infer, "rtml.v1.InferenceService/Predict", "rtml/v1/services.proto", { event })),
    model_infer: figures(await runGhz(infer, "inference.GRPCInferenceService/ModelInfer", "inference/grpc_predict_v2.proto", {
      model_name: "rtml", inputs: [{ name: "features", datatype: "FP32", shape: [1, names.length], contents: { fp32_contents: row } }],
    })),
  };
  process.stdout.write(JSON.stringify(results) + "\n");
} finally {
  await mesh.stop();
  await transport.close();
}
