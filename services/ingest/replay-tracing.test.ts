/** The replay under tracing: one sampling decision per event, its label continuing the event's trace. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ParentBasedSampler, TraceIdRatioBasedSampler } from "@opentelemetry/sdk-trace";
import type { DatasetRecord } from "../shared/dataset/schema.ts";
import { testSchema } from "../shared/dataset/test-schemas.ts";
import { codecs } from "../shared/messages.ts";
import { tracePublish } from "../shared/telemetry/messaging.ts";
import { createTestTelemetry } from "../shared/telemetry/test-support.ts";
import { Topics } from "../shared/topics.ts";
import type { PublishOptions } from "../shared/transport/transport.ts";
import { createReplay } from "./ingest.ts";

const schema = testSchema({ name: "toy", version: "3", fields: [{ name: "x", type: "number" }] });
const records = (n: number): DatasetRecord[] =>
  Array.from({ length: n }, (_, i) => ({ fields: { x: { number: i } }, entityId: `e${i}`, eventTimeMs: 1_000 + i, label: "true", index: i }));

async function replay(sampled: boolean, labelDelay = { events: 0 }) {
  const t = createTestTelemetry("ingest", { sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(sampled ? 1 : 0) }), parentBased: true });
  const sent: { topic: string; options: PublishOptions; eventId: string }[] = [];
  const publish = tracePublish(t.telemetry, "memory", async (topic: string, payload: Uint8Array, options: PublishOptions) => {
    const eventId = topic === Topics.labels ? codecs.label.decode(payload).eventId : codecs.event.decode(payload).eventId;
    sent.push({ topic, options: { ...options, properties: { ...options.properties } }, eventId });
  }, { ownsProperties: true });
  await createReplay({ publish, schema, source: records(4), labelDelay }).run();
  const spans = t.spans(); // (before shutdown, which empties the exporter)
  await t.shutdown();
  return { sent, spans };
}

describe("replay under tracing", () => {
  for (const sampled of [true, false]) {
    it(`a label carries its event's trace context (${sampled ? "sampled: its send span is a child of the event's" : "unsampled: the event's traceparent, no span"})`, async () => {
      const { sent, spans } = await replay(sampled, { events: 2 });
      const events = sent.filter((s) => s.topic === Topics.eventsRaw);
      const labels = sent.filter((s) => s.topic === Topics.labels);
      assert.equal(labels.length, 4);
      for (const l of labels) {
        const event = events.find((e) => e.eventId === l.eventId)!;
        const [, eventTrace, eventSpan, flags] = event.options.properties!.traceparent.split("-");
        const [, labelTrace, labelSpan, labelFlags] = l.options.properties!.traceparent.split("-");
        assert.equal(labelTrace, eventTrace, "the event's trace");
        assert.equal(flags, sampled ? "01" : "00");
        assert.equal(labelFlags, flags, "and its decision");
        if (sampled) {
          const send = spans.find((s) => s.spanContext().spanId === labelSpan)!;
          assert.equal(send.name, "send labels");
          assert.equal(send.parentSpanContext?.spanId, eventSpan, "a child of the event's send span");
        } else assert.equal(labelSpan, eventSpan, "passed on as it is");
      }
      assert.equal(spans.length, sampled ? 8 : 0);
      assert.equal(spans.filter((s) => s.parentSpanContext === undefined).length, sampled ? 4 : 0, "one root per event");
    });
  }
});
