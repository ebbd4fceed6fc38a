/**
 * Micro benchmark of a transport: publish + consume + ack through one topic.
 * Prints one JSON line: {transport, messages, seconds, msgs_per_s, payload_bytes, ...}.
 *
 *   npx tsx scripts/bench-transport.ts [--messages 200000] [--bytes 200] [--type shared] [--consumers 1]
 *     [--queue-size 1000] [--in-flight 5000]
 *
 * The publisher stays at most --in-flight messages ahead of the consumers, as a pipeline's bounded
 * queues keep it; a large backlog outlives V8's young generation and costs GC time.
 */
import { parseArgs } from "node:util";
import { createMemoryTransport } from "../services/shared/transport/memory/memory-transport.ts";
import type { Subscription, SubscriptionType, Transport } from "../services/shared/transport/transport.ts";

const { values } = parseArgs({
  options: {
    messages: { type: "string", default: "200000" },
    bytes: { type: "string", default: "200" },
    type: { type: "string", default: "shared" },
    consumers: { type: "string", default: "1" },
    "queue-size": { type: "string", default: "1000" },
    "in-flight": { type: "string", default: "5000" },
  },
});

const messages = Number(values.messages);
const payloadBytes = Number(values.bytes);
const type = values.type as SubscriptionType;
const consumerCount = Number(values.consumers);
const maxInFlightFlag = Number(values["in-flight"]);

async function consume(sub: Subscription, total: () => boolean, counted: () => void): Promise<void> {
  for await (const message of sub) {
    await message.ack();
    counted();
    if (total()) break;
  }
}

async function run(topic: string, messages: number): Promise<number> {
  const payload = new Uint8Array(payloadBytes).map((_, i) => i & 0xff);
  const properties = { traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "event-id": "e" };
  let received = 0;
  const done = () => received >= messages;
  const options = { subscription: "bench", type, receiverQueueSize: Number(values["queue-size"]) };
  const subs = await Promise.all(Array.from({ length: consumerCount }, () => transport.subscribe(topic, options)));
  const start = process.hrtime.bigint();
  const consumers = subs.map((sub) => consume(sub, done, () => received++));
  // Publish concurrently with consumption, in windows, and never more than `maxInFlight` ahead of the
  // consumers (what a pipeline's bounded queues do).
  const window = 1000;
  const maxInFlight = Number(values["in-flight"]);
  for (let i = 0; i < messages; i += window) {
    while (i - received > maxInFlight) await new Promise((resolve) => setImmediate(resolve));
    const batch: Promise<string>[] = [];
    for (let j = i; j < Math.min(messages, i + window); j++) batch.push(transport.publish(topic, payload, { key: `k${j % 1024}`, properties }));
    await Promise.all(batch);
  }
  while (!done()) await new Promise((resolve) => setImmediate(resolve));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await Promise.all(subs.map((sub) => sub.close()));
  await Promise.all(consumers);
  return seconds;
}

const transport: Transport = await createMemoryTransport();

async function main(): Promise<void> {
  await run("warm-up", Math.min(messages, 50_000)); // JIT warm-up, not measured
  const seconds = await run("bench", messages);
  const stats = { heap_mb: Math.round(process.memoryUsage().heapUsed / 1e6) };
  await transport.close();
  console.log(
    JSON.stringify({
      transport: transport.name,
      messages,
      seconds: Number(seconds.toFixed(3)),
      msgs_per_s: Math.round(messages / seconds),
      payload_bytes: payloadBytes,
      subscription_type: type,
      consumers: consumerCount,
      in_flight: maxInFlightFlag,
      ...stats,
    }),
  );
}

await main();
