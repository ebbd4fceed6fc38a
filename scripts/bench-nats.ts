/**
 * `npm run bench:nats`: produce and consume rate of the NATS JetStream transport through one topic.
 * Starts a throwaway nats-server (test/support/nats-server.ts) unless --url or $NATS_URL is given.
 * Phases: publish N messages with W publishes in flight (each resolves on the stream's ack), then
 * drain them with one shared consumer acking each; then both at once (end-to-end). Prints JSON, with
 * this process's CPU time per message of each phase (`client_cpu_us_per_msg`: the client's cost, which
 * moves far less than the rates when the machine is shared).
 *
 *   npm run bench:nats -- [--messages 20000] [--size 256] [--window 256] [--storage file|memory] [--url nats://…]
 */
import os from "node:os";
import { parseArgs } from "node:util";
import { createNatsTransport } from "../services/shared/transport/nats/nats-transport.ts";
import type { Transport } from "../services/shared/transport/transport.ts";
import { startNatsServer, type NatsServer } from "../test/support/nats-server.ts";

const { values } = parseArgs({
  options: {
    messages: { type: "string", default: "20000" },
    size: { type: "string", default: "256" },
    window: { type: "string", default: "256" },
    storage: { type: "string", default: "file" },
    url: { type: "string" },
  },
});
const n = Number(values.messages);
const size = Number(values.size);
const window = Number(values.window);
const storage = values.storage === "memory" ? "memory" : "file";

async function publishAll(t: Transport, topic: string, payload: Uint8Array): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) {
      const i = next++;
      await t.publish(topic, payload, { key: `k${i % 64}`, properties: { seq: String(i) } });
    }
  };
  await Promise.all(Array.from({ length: Math.min(window, n) }, worker));
}

async function consumeAll(t: Transport, topic: string, subscription: string): Promise<void> {
  const sub = await t.subscribe(topic, { subscription, type: "shared", receiverQueueSize: 1000 });
  let got = 0;
  for await (const m of sub) {
    void m.ack();
    if (++got === n) break;
  }
}

function rate(count: number, ms: number): number {
  return Math.round((count / ms) * 1000);
}

const server: NatsServer | undefined = values.url ?? process.env.NATS_URL ? undefined : await startNatsServer();
const url = values.url ?? process.env.NATS_URL ?? (server as NatsServer).url;
const t = await createNatsTransport({ servers: url, storage, streamPrefix: `bench${Date.now().toString(36)}` });
try {
  const payload = new Uint8Array(size).map((_, i) => i & 0xff);
  const topic = "bench.events";
  await t.ensureTopic(topic);
  // Separate phases: publish everything, then consume it.
  await t.subscribe(topic, { subscription: "phased", type: "shared" }).then((s) => s.close());
  const cpuUs = (from: NodeJS.CpuUsage) => {
    const c = process.cpuUsage(from);
    return Math.round(((c.user + c.system) / n) * 10) / 10;
  };
  let start = performance.now();
  let cpu = process.cpuUsage();
  await publishAll(t, topic, payload);
  const publishMs = performance.now() - start;
  const publishCpu = cpuUs(cpu);
  start = performance.now();
  cpu = process.cpuUsage();
  await consumeAll(t, topic, "phased");
  const consumeMs = performance.now() - start;
  const consumeCpu = cpuUs(cpu);
  // End to end: a consumer running while the producer publishes.
  const e2eTopic = "bench.e2e";
  await t.ensureTopic(e2eTopic);
  start = performance.now();
  cpu = process.cpuUsage();
  const consuming = consumeAll(t, e2eTopic, "e2e");
  await publishAll(t, e2eTopic, payload);
  await consuming;
  const e2eMs = performance.now() - start;
  const e2eCpu = cpuUs(cpu);
  const result = {
    bench: "nats-transport",
    server: server?.version ?? url,
    storage,
    messages: n,
    payload_bytes: size,
    publish_window: window,
    publish_msgs_per_s: rate(n, publishMs),
    consume_msgs_per_s: rate(n, consumeMs),
    end_to_end_msgs_per_s: rate(n, e2eMs),
    client_cpu_us_per_msg: { publish: publishCpu, consume: consumeCpu, end_to_end: e2eCpu },
    machine: { cpus: os.cpus().length, cpu_model: os.cpus()[0]?.model ?? "", memory_gib: Math.round(os.totalmem() / 2 ** 30), node: process.version },
    date: new Date().toISOString(),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await t.close();
  await server?.stop();
}
