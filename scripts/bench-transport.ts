/**
 * Micro benchmark of a transport: publish + consume + ack through one topic.
 * Prints one JSON line: {transport, messages, seconds, msgs_per_s, payload_bytes, ...}.
 *
 *   npx tsx scripts/bench-transport.ts [--messages 200000] [--bytes 200] [--type shared] [--consumers 1]
 */
import { parseArgs } from "node:util";
import { createMemoryTransport } from "../services/shared/transport/memory/memory-transport.ts";
import type { SubscriptionType, Transport } from "../services/shared/transport/transport.ts";

const { values } = parseArgs({
  options: {
    messages: { type: "string", default: "200000" },
    bytes: { type: "string", default: "200" },
    type: { type: "string", default: "shared" },
    consumers: { type: "string", default: "1" },
    "queue-size": { type: "string", default: "1000" },
  },
});

const messages = Number(values.messages);
const payloadBytes = Number(values.bytes);
const type = values.type as SubscriptionType;
const consumerCount = Number(values.consumers);

async function consume(transport: Transport, topic: string, total: () => boolean, counted: () => void): Promise<void> {
  const sub = await transport.subscribe(topic, {
    subscription: "bench",
    type,
    receiverQueueSize: Number(values["queue-size"]),
  });
  for await (const message of sub) {
    await message.ack();
    counted();
    if (total()) break;
  }
}

async function main(): Promise<void> {
  const transport = await createMemoryTransport();
  const topic = "bench";
  const payload = new Uint8Array(payloadBytes).map((_, i) => i & 0xff);
  const properties = { traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "event-id": "e" };
  let received = 0;
  const done = () => received >= messages;
  const start = process.hrtime.bigint();
  const consumers = Array.from({ length: consumerCount }, () => consume(transport, topic, done, () => received++));
  // Publish concurrently with consumption, in windows, and never more than `maxInFlight` ahead of the
  // consumers (what a pipeline's bounded queues do).
  const window = 1000;
  const maxInFlight = 20_000;
  for (let i = 0; i < messages; i += window) {
    while (i - received > maxInFlight) await new Promise((resolve) => setImmediate(resolve));
    const batch: Promise<string>[] = [];
    for (let j = i; j < Math.min(messages, i + window); j++) batch.push(transport.publish(topic, payload, { key: `k${j % 1024}`, properties }));
    await Promise.all(batch);
  }
  while (!done()) await new Promise((resolve) => setImmediate(resolve));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await transport.close();
  await Promise.all(consumers);
  const stats = { heap_mb: Math.round(process.memoryUsage().heapUsed / 1e6) };
  console.log(
    JSON.stringify({
      transport: transport.name,
      messages,
      seconds: Number(seconds.toFixed(3)),
      msgs_per_s: Math.round(messages / seconds),
      payload_bytes: payloadBytes,
      subscription_type: type,
      consumers: consumerCount,
      ...stats,
    }),
  );
}

await main();
