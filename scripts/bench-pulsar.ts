/**
 * Benchmarks the Pulsar transport (WebSocket API) against the broker's own client (pulsar-perf from
 * org.apache.pulsar:pulsar-testclient, provisioned by scripts/pulsar/provision.sh --perf) on one topic
 * with the same payload size, and prints JSON: msgs/s for produce and produce+consume, and the ratio.
 *
 *   tsx scripts/bench-pulsar.ts [--admin-url http://127.0.0.1:8080] [--service-url pulsar://127.0.0.1:6650]
 *                               [--messages 20000] [--size 1024] [--start] [--no-perf] [--batching]
 *   --start: start a temporary broker on free ports (and stop it) instead of using a running one.
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { provisionPulsar, startPulsarBroker, type PulsarBroker } from "./pulsar/broker.ts";
import { createPulsarTransport } from "../services/shared/transport/pulsar/pulsar-transport.ts";
import type { Transport } from "../services/shared/transport/transport.ts";

const { values } = parseArgs({
  options: {
    "admin-url": { type: "string", default: "http://127.0.0.1:8080" },
    "service-url": { type: "string", default: "pulsar://127.0.0.1:6650" },
    messages: { type: "string", default: "20000" },
    size: { type: "string", default: "1024" },
    start: { type: "boolean", default: false },
    "no-perf": { type: "boolean", default: false },
    batching: { type: "boolean", default: false },
  },
});
const messages = Number(values.messages);
const size = Number(values.size);
const namespace = "bench";

interface Rate {
  produceMsgsPerSec: number;
  produceConsumeMsgsPerSec: number;
}

/** Publishes `n` messages (window of 1000 in flight) while one exclusive consumer acks them. */
async function ours(transport: Transport, topic: string, n: number): Promise<Rate> {
  const payload = new Uint8Array(size).map((_, i) => i % 251);
  await transport.ensureTopic(topic);
  const sub = await transport.subscribe(topic, { subscription: "bench", type: "exclusive", receiverQueueSize: 1000 });
  let received = 0;
  const consumed = (async () => {
    for await (const m of sub) {
      void m.ack();
      if (++received === n) break;
    }
  })();
  const start = performance.now();
  const window = new Set<Promise<unknown>>();
  for (let i = 0; i < n; i++) {
    const p = transport.publish(topic, payload).finally(() => window.delete(p));
    window.add(p);
    if (window.size >= 1000) await Promise.race(window);
  }
  await Promise.all(window);
  const produced = performance.now();
  await consumed;
  const done = performance.now();
  return {
    produceMsgsPerSec: Math.round(n / ((produced - start) / 1000)),
    produceConsumeMsgsPerSec: Math.round(n / ((done - start) / 1000)),
  };
}

function java(lib: string, args: string[]): Promise<string> {
  const conf = join(tmpdir(), "rtml-pulsar-perf-client.conf");
  writeFileSync(conf, "");
  const child = spawn("java", ["-Xmx512m", "-cp", `${lib}/*`, "org.apache.pulsar.testclient.PulsarPerfTestTool", conf, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr.on("data", (c: Buffer) => (out += c.toString()));
  return new Promise((resolve, reject) =>
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`pulsar-perf exited ${code}:\n${out.slice(-2000)}`)))),
  );
}

function aggregated(out: string, verb: string): number {
  const m = new RegExp(`Aggregated throughput stats --- (\\d+) records ${verb} --- ([\\d.]+) msg/s`).exec(out);
  if (m === null) throw new Error(`no aggregated ${verb} line in pulsar-perf output:\n${out.slice(-1500)}`);
  return Number(m[2]);
}

/** pulsar-perf consume + produce on one topic, same payload size; batching as given. */
async function perf(lib: string, serviceUrl: string, adminUrl: string, topic: string, n: number, batching: boolean): Promise<Rate> {
  const common = ["-u", serviceUrl];
  const consumer = java(lib, ["consume", ...common, "-ss", "bench", "-st", "Exclusive", "-sp", "Earliest", "-m", String(n), "-q", "1000", topic]);
  await new Promise((resolve) => setTimeout(resolve, 8000)); // JVM start + subscribe
  const producerArgs = ["produce", ...common, "-au", adminUrl, "-m", String(n), "-s", String(size), "-r", "10000000", "-o", "1000"];
  if (!batching) producerArgs.push("-db");
  const produced = await java(lib, [...producerArgs, topic]);
  const consumed = await consumer;
  return { produceMsgsPerSec: Math.round(aggregated(produced, "sent")), produceConsumeMsgsPerSec: Math.round(aggregated(consumed, "received")) };
}

let broker: PulsarBroker | undefined;
try {
  let adminUrl = values["admin-url"];
  let serviceUrl = values["service-url"];
  if (values.start) {
    broker = await startPulsarBroker();
    ({ adminUrl, serviceUrl } = broker);
  }
  const transport = await createPulsarTransport({ adminUrl, serviceUrl, namespace, batching: values.batching });
  const run = Date.now().toString(36);
  await ours(transport, `warmup-${run}`, Math.min(2000, messages));
  const result: Record<string, unknown> = {
    date: new Date().toISOString(),
    broker: adminUrl,
    messages,
    payloadBytes: size,
    ours: { transport: `pulsar WebSocket API${values.batching ? " (batching)" : ""}`, ...(await ours(transport, `ours-${run}`, messages)) },
  };
  await transport.close();
  if (!values["no-perf"]) {
    const lib = await provisionPulsar({ perf: true });
    const unbatched = await perf(lib, serviceUrl, adminUrl, `persistent://rtml/${namespace}/perf-nb-${run}`, messages, false);
    const batched = await perf(lib, serviceUrl, adminUrl, `persistent://rtml/${namespace}/perf-b-${run}`, messages, true);
    const oursRate = (result.ours as Rate).produceConsumeMsgsPerSec;
    Object.assign(result, {
      pulsarPerf: { unbatched, batched },
      ratio: {
        vsPulsarPerfUnbatched: Number((oursRate / unbatched.produceConsumeMsgsPerSec).toFixed(3)),
        vsPulsarPerfBatched: Number((oursRate / batched.produceConsumeMsgsPerSec).toFixed(3)),
      },
    });
  }
  console.log(JSON.stringify(result, null, 2));
} finally {
  await broker?.stop();
}
