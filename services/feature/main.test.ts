/**
 * feature's wiring on the real memory transport: with label-based aggregates in the schema, the function
 * consumes `labels` as well as `events.valid`, in one runner and one keyed state, so revealed labels reach
 * the terminal windows; an event id counts once per input (the label is not a duplicate of its event).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadConfig } from "../shared/config.ts";
import type { DatasetSchema } from "../shared/dataset/schema.ts";
import { terminalSchema } from "../shared/dataset/test-schemas.ts";
import { createLogger } from "../shared/logger.ts";
import { codecs, type Event, type FeatureVector } from "../shared/messages.ts";
import { createMetricsRegistry } from "../shared/metrics.ts";
import { Props, Topics } from "../shared/topics.ts";
import { createMemoryTransport } from "../shared/transport/memory/memory-transport.ts";
import { waitFor } from "../shared/function/test-helpers.ts";
import { startFeature } from "./main.ts";

const D = 86_400_000;
const T0 = Date.parse("2018-08-04T12:00:00Z");

const schema = (withLabels: boolean): DatasetSchema =>
  terminalSchema({
    aggregates: withLabels
      ? [{ field: "label", by: "terminal", windows: ["1d"], ops: ["mean", "count"], delay: "2d" }]
      : [{ field: "amount", windows: ["1d"], ops: ["count"] }],
  });

function ev(id: string, card: string, t: number): Event {
  return { eventId: id, entityId: card, eventTimeMs: t, ingestTimeMs: 0, fields: { amount: { number: 10 }, terminal: { text: "T" } }, dataset: "k", schemaVersion: "1", sequence: 0 };
}

async function run(withLabels: boolean, env: Record<string, string> = {}, logLines: string[] = []) {
  const transport = await createMemoryTransport();
  const logger = createLogger({ level: "warn", write: (line) => logLines.push(line) });
  const deps = { transport, config: loadConfig(env), logger, metrics: createMetricsRegistry(), schema: schema(withLabels) };
  const feature = await startFeature(deps, { emitRaw: true });
  const vectors: FeatureVector[] = [];
  const sub = await transport.subscribe(Topics.features, { subscription: "t", type: "exclusive" });
  const loop = (async () => {
    for await (const msg of sub) {
      vectors.push(codecs.featureVector.decode(msg.payload));
      await msg.ack();
    }
  })();
  const publishEvent = (e: Event) => transport.publish(Topics.eventsValid, codecs.event.encode(e), { key: e.entityId, properties: { [Props.eventId]: e.eventId } });
  const publishLabel = (e: Event, label: string) =>
    transport.publish(Topics.labels, codecs.label.encode({ eventId: e.eventId, entityId: e.entityId, label, eventTimeMs: e.eventTimeMs, labelTimeMs: e.eventTimeMs + D }), { key: e.entityId, properties: { [Props.eventId]: e.eventId } });
  return {
    feature, vectors, publishEvent, publishLabel,
    async stop() {
      await feature.stop();
      await sub.close();
      await loop;
      await transport.close();
    },
    subscribedToLabels: async () => {
      try {
        return Object.keys((await transport.stats(Topics.labels)).subscriptions).includes("feature");
      } catch {
        return false; // the topic does not even exist
      }
    },
  };
}

describe("feature service wiring", () => {
  it("consumes labels into the label-based windows (one runner, one keyed state)", async () => {
    const m = await run(true);
    const a = ev("a", "c1", T0);
    const b = ev("b", "c1", T0 + 0.5 * D);
    await m.publishEvent(a);
    await m.publishEvent(b);
    await m.publishLabel(a, "1");
    await m.publishLabel(b, "0");
    await m.publishLabel(a, "1"); // a redelivered label: counted once
    await m.publishEvent(ev("c", "c1", T0 + 2.6 * D));
    await waitFor(() => m.vectors.length === 3, "three feature vectors");
    const last = m.vectors[2].raw;
    assert.equal(last.terminal_label_count_1d_delay2d, 2, "both labels in the delayed window, the duplicate once");
    assert.equal(last.terminal_label_mean_1d_delay2d, 0.5);
    assert.equal(m.feature.runners[0].stats().duplicates, 1);
    assert.ok(await m.subscribedToLabels());
    await m.stop();
  });

  it("warns at start, on Pulsar, that aggregates keyed by another field than the entity need one replica", async () => {
    const lines: string[] = [];
    const m = await run(true, { RTML_TRANSPORT: "pulsar" }, lines);
    await m.stop();
    const warned = lines.map((l) => JSON.parse(l) as { level: string; msg: string; by?: string[] }).filter((l) => l.level === "warn");
    assert.equal(warned.length, 1, lines.join("\n"));
    assert.deepEqual(warned[0]!.by, ["terminal"]);
    assert.match(warned[0]!.msg, /exact only while one feature replica consumes events\.valid/);
    const quiet: string[] = [];
    await (await run(true, {}, quiet)).stop(); // the memory transport: one process, one replica
    await (await run(false, { RTML_TRANSPORT: "pulsar" }, quiet)).stop(); // no cross-entity aggregate
    assert.deepEqual(quiet, []);
  });

  it("does not subscribe to labels when no aggregate reads them", async () => {
    const m = await run(false);
    await m.publishEvent(ev("a", "c1", T0));
    await waitFor(() => m.vectors.length === 1, "one feature vector");
    assert.equal(await m.subscribedToLabels(), false);
    await m.stop();
  });
});
