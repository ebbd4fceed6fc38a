/**
 * `npm run bench`: the embedded mesh's throughput (all six services, one process, memory transport) at
 * full speed, and its event-to-prediction latency at fixed rates. Prints one JSON object per run and a
 * final JSON array; nothing here asserts a time.
 *
 *   npm run bench -- [--dataset elec2] [--events N] [--rates 1000,5000,10000]
 *   npm run bench -- --transport nats|pulsar [--dataset fraud] [--events 3000] [--rates 100,200] [--start]
 *     the six-process mesh on a real broker (scripts/bench-mesh.ts)
 */
import os from "node:os";
import { parseArgs } from "node:util";
import { runUp } from "../services/cli/up.ts";
import { loadConfig } from "../services/shared/config.ts";
import { createLogger } from "../services/shared/logger.ts";
import { createMemoryTransport } from "../services/shared/transport/memory/memory-transport.ts";

const { values } = parseArgs({
  options: {
    dataset: { type: "string", default: "elec2" },
    events: { type: "string" },
    rates: { type: "string", default: "1000,5000,10000" },
    transport: { type: "string", default: "memory" },
    start: { type: "boolean", default: false },
    "label-delay": { type: "string", default: "100" },
  },
});
if (values.transport === "nats" || values.transport === "pulsar") {
  const { benchMesh } = await import("./bench-mesh.ts");
  const rows = await benchMesh({
    transport: values.transport, dataset: values.dataset === "elec2" && !process.argv.includes("--dataset") ? "fraud" : values.dataset!,
    events: Number(values.events ?? 3000), rates: values.rates === "1000,5000,10000" && !process.argv.includes("--rates") ? [100, 200] : values.rates!.split(",").filter(Boolean).map(Number),
    start: values.start!, labelDelay: Number(values["label-delay"]),
  });
  process.stdout.write(JSON.stringify(rows) + "\n");
  process.exit(0);
}
if (values.transport !== "memory") {
  process.stderr.write(`bench: unknown transport "${values.transport}" (memory, nats, pulsar)\n`);
  process.exit(2);
}
const config = loadConfig({ ...process.env, RTML_LOG_LEVEL: "error" });
const logger = createLogger({ level: "error" });
const maxEvents = values.events ? Number(values.events) : undefined;
const machine = { cpus: os.cpus().length, cpu_model: os.cpus()[0]?.model ?? "", memory_gib: Math.round(os.totalmem() / 2 ** 30), node: process.version };

async function run(rate: number | undefined) {
  const transport = await createMemoryTransport();
  const s = await runUp({ dataset: values.dataset!, maxEvents, rate, json: true }, config, transport, logger);
  await transport.close();
  const row = {
    bench: rate ? "latency-at-rate" : "throughput",
    transport: s.transport, dataset: s.dataset, events: s.events_in, target_rate_eps: rate ?? null,
    throughput_eps: s.throughput_eps, latency_ms: s.latency_ms, lost: s.lost, accuracy: Number(s.accuracy.toFixed(4)), machine,
  };
  process.stdout.write(JSON.stringify(row) + "\n");
  return row;
}

const rows = [await run(undefined)];
for (const r of values.rates!.split(",").filter(Boolean).map(Number)) rows.push(await run(r));
process.stdout.write(JSON.stringify(rows) + "\n");
