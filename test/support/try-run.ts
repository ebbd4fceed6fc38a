import { runMeshProcesses } from "./mesh-run.ts";
const [transport, url, n, rate] = process.argv.slice(2);
const brokerEnv = transport === "nats" ? { RTML_TRANSPORT: "nats", NATS_URL: url } : { RTML_TRANSPORT: "pulsar", PULSAR_ADMIN_URL: url, RTML_PULSAR_NAMESPACE: `try-${Date.now()}` };
const s = await runMeshProcesses({ brokerEnv, dataset: process.env.DS ?? "elec2", maxEvents: Number(n), rate: Number(rate) || undefined, labelDelay: { events: 100 }, collectRaw: true });
const { raw, ...rest } = s as any;
console.log(JSON.stringify(rest));
