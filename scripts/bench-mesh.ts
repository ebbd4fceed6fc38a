/**
 * `npm run bench -- --transport nats|pulsar`: the mesh as six `rtml serve` processes on a real broker
 * (test/support/mesh-run.ts), fed over gRPC: throughput at full speed, and event-to-prediction latency
 * (ingest's ingest time → infer's prediction, read from the predictions) at fixed rates. One JSON object
 * per run, then a JSON array. Nothing here asserts a time.
 *
 *   npm run bench -- --transport nats   [--dataset fraud] [--events 3000] [--rates 100,200]   (NATS_URL, else a throwaway nats-server)
 *   npm run bench -- --transport pulsar [--dataset fraud] [--events 3000] [--rates 100,200]   (PULSAR_URL / PULSAR_ADMIN_URL,
 *                                                                                                or --start for a throwaway broker)
 */
import os from "node:os";
import { startPulsarBroker, type PulsarBroker } from "./pulsar/broker.ts";
import { runMeshProcesses } from "../test/support/mesh-run.ts";
import { startNatsServer, type NatsServer } from "../test/support/nats-server.ts";

export interface MeshBenchOptions {
  transport: "nats" | "pulsar";
  dataset: string;
  events: number;
  rates: number[];
  /** Pulsar: start a throwaway broker instead of using PULSAR_ADMIN_URL. */
  start: boolean;
  labelDelay: number;
}

export async function benchMesh(o: MeshBenchOptions): Promise<unknown[]> {
  const machine = { cpus: os.cpus().length, cpu_model: os.cpus()[0]?.model ?? "", memory_gib: Math.round(os.totalmem() / 2 ** 30), node: process.version, loadavg_1m: 0 };
  let nats: NatsServer | undefined;
  let pulsar: PulsarBroker | undefined;
  try {
    let env: (run: number) => Record<string, string>;
    if (o.transport === "nats") {
      // The replay's event ids repeat from run to run, and feature drops ids it has processed: each run
      // needs an empty server (NATS_URL given: one run only makes sense, or clear it between runs).
      const url = process.env.NATS_URL ?? (nats = await startNatsServer()).url;
      env = () => ({ RTML_TRANSPORT: "nats", NATS_URL: url });
    } else {
      if (o.start) pulsar = await startPulsarBroker();
      const adminUrl = pulsar?.adminUrl ?? process.env.PULSAR_ADMIN_URL ?? "http://127.0.0.1:8080";
      const serviceUrl = pulsar?.serviceUrl ?? process.env.PULSAR_URL ?? "pulsar://127.0.0.1:6650";
      const stamp = Date.now().toString(36);
      env = (run) => ({ RTML_TRANSPORT: "pulsar", PULSAR_URL: serviceUrl, PULSAR_ADMIN_URL: adminUrl, RTML_PULSAR_NAMESPACE: `bench-${stamp}-${run}` });
    }
    const rows: unknown[] = [];
    const plan: (number | undefined)[] = [undefined, ...o.rates];
    for (const [i, rate] of plan.entries()) {
      if (o.transport === "nats" && i > 0 && nats !== undefined) {
        await nats.stop(); // each run on an empty server: the event ids repeat from run to run
        nats = await startNatsServer();
        const url = nats.url;
        env = () => ({ RTML_TRANSPORT: "nats", NATS_URL: url });
      }
      machine.loadavg_1m = Number(os.loadavg()[0].toFixed(2));
      const s = await runMeshProcesses({ brokerEnv: env(i), dataset: o.dataset, maxEvents: o.events, rate, labelDelay: { events: o.labelDelay } });
      const row = {
        bench: rate ? "mesh-latency-at-rate" : "mesh-throughput",
        transport: o.transport, processes: 6, dataset: s.dataset, events: s.events_in, target_rate_eps: rate ?? null,
        throughput_eps: s.throughput_eps, latency_ms: s.latency_ms, lost: s.lost, duplicates: s.duplicates,
        accuracy: Number(s.accuracy.toFixed(4)), machine: { ...machine }, date: new Date().toISOString(),
      };
      process.stdout.write(JSON.stringify(row) + "\n");
      rows.push(row);
    }
    return rows;
  } finally {
    await nats?.stop();
    await pulsar?.stop();
  }
}
