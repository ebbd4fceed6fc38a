/**
 * `npm run bench:runner`: the function runtime's own cost, without the services' work. A chain of
 * `--hops` function runners on the memory transport, each decoding a small protobuf (a Label), publishing
 * it on to the next topic and acking; a sink at the end. Modes: `plain`; `dedup` (keyed state and
 * dedup by event id, as validate and feature run); `stateful` (dedup plus one state write per event).
 * After one untimed round of every mode (JIT warm-up), prints one JSON line per mode: CPU µs per event and per hop, and events/s. The embedded mesh's
 * figures set beside it show how much of an event's cost is the runtime (docs/benchmarks.md).
 *
 *   npm run bench:runner -- [--events 20000] [--hops 6] [--modes plain,dedup,stateful] [--window 200]
 */
import { parseArgs } from "node:util";
import { createFunctionRunner } from "../services/shared/function/runner.ts";
import type { FunctionRunner } from "../services/shared/function/types.ts";
import { createLogger } from "../services/shared/logger.ts";
import { codecs, type Label } from "../services/shared/messages.ts";
import { createMemoryTransport } from "../services/shared/transport/memory/memory-transport.ts";

const { values } = parseArgs({
  options: {
    events: { type: "string", default: "20000" },
    hops: { type: "string", default: "6" },
    modes: { type: "string", default: "plain,dedup,stateful" },
    window: { type: "string", default: "200" },
  },
});
const events = Number(values.events);
const hops = Number(values.hops);
const window = Number(values.window);
const logger = createLogger({ level: "error" });

async function run(mode: string, events: number): Promise<object> {
  const transport = await createMemoryTransport();
  const keyed = mode !== "plain";
  const runners: FunctionRunner[] = [];
  for (let i = 0; i < hops; i++) {
    runners.push(createFunctionRunner<Label>({
      name: `hop${i}`, transport, inputs: [`t${i}`], codec: codecs.label, logger, stateful: keyed, dedupByEventId: keyed,
      process: (x, ctx) => {
        if (mode === "stateful") ctx.state.put(x.entityId, { t: x.eventTimeMs });
        ctx.publish(`t${i + 1}`, codecs.label, x, { key: x.entityId });
      },
    }));
  }
  for (const r of runners) await r.start();
  const sink = await transport.subscribe(`t${hops}`, { subscription: "sink", type: "exclusive" });
  let received = 0;
  const drained = (async () => {
    for await (const m of sink) {
      await m.ack();
      if (++received === events) break;
    }
  })();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < events; i++) {
    while (i - received > window) await new Promise((r) => setImmediate(r));
    const label: Partial<Label> = { eventId: `e-${i}`, entityId: "entity", label: "true", eventTimeMs: 1.7e12 + i, labelTimeMs: 1.7e12 + i };
    await transport.publish("t0", codecs.label.encode(label), { key: "entity" });
  }
  await drained;
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const perEvent = (cpu.user + cpu.system) / events;
  for (const r of runners) await r.stop();
  await sink.close();
  await transport.close();
  return { bench: "runner-chain", mode, hops, events, cpu_us_per_event: Math.round(perEvent), cpu_us_per_hop: Math.round(perEvent / hops), events_per_s: Math.round(events / seconds) };
}

const modes = values.modes!.split(",");
// One untimed round first: the first mode would otherwise pay for the JIT's warm-up.
for (const mode of modes) await run(mode, Math.ceil(events / 4));
for (const mode of modes) process.stdout.write(JSON.stringify(await run(mode, events)) + "\n");
