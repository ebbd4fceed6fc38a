import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DatasetRecord } from "../shared/dataset/schema.ts";
import { testSchema } from "../shared/dataset/test-schemas.ts";
import { isRtmlError } from "../shared/errors.ts";
import { codecs } from "../shared/messages.ts";
import { Topics } from "../shared/topics.ts";
import type { PublishOptions } from "../shared/transport/transport.ts";
import { createIngestor, createReplay, ingestEvent, uuidv7, type PublishFn } from "./ingest.ts";
import { createManualClock, createRateLimiter } from "./rate-limiter.ts";
import { openSource } from "./source.ts";

const schema = testSchema({ name: "toy", version: "3", fields: [{ name: "x", type: "number" }] });

const records = (n: number, stepMs = 1000): DatasetRecord[] =>
  Array.from({ length: n }, (_, i) => ({
    fields: { x: { number: i } },
    entityId: `e${i % 3}`,
    eventTimeMs: 1_000_000 + i * stepMs,
    label: i % 2 === 0 ? "true" : "false",
    index: i,
  }));

interface Sent {
  topic: string;
  payload: Uint8Array;
  options: PublishOptions;
}

function recorder(): { publish: PublishFn; sent: Sent[]; order(): string[] } {
  const sent: Sent[] = [];
  return {
    sent,
    publish: async (topic, payload, options) => {
      sent.push({ topic, payload, options });
    },
    order: () =>
      sent.map((s) =>
        s.topic === Topics.eventsRaw ? `E${codecs.event.decode(s.payload).sequence}` : `L${codecs.label.decode(s.payload).eventId.split("-")[1]}`,
      ),
  };
}

describe("createReplay", () => {
  it("publishes events with ids, keys, times and properties, then immediate labels by default", async () => {
    const r = recorder();
    const clock = createManualClock(5_000);
    const summary = await createReplay({ publish: r.publish, schema, source: records(3), clock }).run();
    assert.deepEqual(r.order(), ["E0", "L0", "E1", "L1", "E2", "L2"]);
    assert.equal(summary.events, 3);
    assert.equal(summary.labels, 3);
    const e = codecs.event.decode(r.sent[2].payload);
    assert.deepEqual(
      { eventId: e.eventId, entityId: e.entityId, eventTimeMs: e.eventTimeMs, ingestTimeMs: e.ingestTimeMs, dataset: e.dataset, v: e.schemaVersion, x: e.fields.x.number },
      { eventId: "toy-1", entityId: "e1", eventTimeMs: 1_001_000, ingestTimeMs: 5_000, dataset: "toy", v: "3", x: 1 },
    );
    assert.deepEqual(r.sent[2].options, { key: "e1", eventTime: 1_001_000, properties: { "event-id": "toy-1", "schema-version": "3" } });
    const l = codecs.label.decode(r.sent[3].payload);
    assert.deepEqual([l.eventId, l.label, l.entityId], ["toy-1", "false", "e1"]);
    assert.deepEqual(r.sent[3].options.properties, { "event-id": "toy-1" });
  });

  it("delays labels by N events and flushes the rest at the end", async () => {
    const r = recorder();
    await createReplay({ publish: r.publish, schema, source: records(6), labelDelay: { events: 2 } }).run();
    assert.deepEqual(r.order(), ["E0", "E1", "E2", "L0", "E3", "L1", "E4", "L2", "E5", "L3", "L4", "L5"]);
  });

  it("delays labels by T ms of event time, with labelTimeMs = event time + T", async () => {
    const r = recorder();
    await createReplay({ publish: r.publish, schema, source: records(5, 1000), labelDelay: { ms: 2500 } }).run();
    assert.deepEqual(r.order(), ["E0", "E1", "E2", "E3", "L0", "E4", "L1", "L2", "L3", "L4"]);
    const labels = r.sent.filter((s) => s.topic === Topics.labels).map((s) => codecs.label.decode(s.payload));
    for (const l of labels) assert.equal(l.labelTimeMs, l.eventTimeMs + 2500);
  });

  it("bounds the pending-label queue by releasing the oldest early", async () => {
    const r = recorder();
    const s = await createReplay({ publish: r.publish, schema, source: records(10), labelDelay: { events: 100 }, maxPendingLabels: 3 }).run();
    assert.equal(s.labels, 10);
    assert.equal(s.forcedLabels, 7);
    assert.deepEqual(r.order().slice(0, 6), ["E0", "E1", "E2", "E3", "L0", "E4"]);
  });

  it("keeps producer ids, applies maxEvents, skips labels of unlabelled records", async () => {
    const r = recorder();
    const src = records(5).map((rec, i) => ({ ...rec, eventId: `tx${i}`, label: i === 1 ? undefined : rec.label }));
    const s = await createReplay({ publish: r.publish, schema, source: src, maxEvents: 3 }).run();
    assert.deepEqual([s.events, s.labels], [3, 2]);
    assert.equal(codecs.event.decode(r.sent[0].payload).eventId, "tx0");
    const r2 = recorder();
    await createReplay({ publish: r2.publish, schema, source: src, maxEvents: 1, idPrefix: "run7" }).run();
    assert.equal(codecs.event.decode(r2.sent[0].payload).eventId, "run7-tx0");
  });

  it("rate-limits with a token bucket (virtual clock: 50 events at 100/s take about 0.45 s)", async () => {
    const r = recorder();
    const clock = createManualClock(0);
    const s = await createReplay({ publish: r.publish, schema, source: records(50), rate: 100, clock }).run();
    assert.equal(s.events, 50);
    // burst 5 events free, then 45 × 10 ms.
    assert.ok(clock.slept() >= 440 && clock.slept() <= 460, `slept ${clock.slept()}`);
    const unlimited = createManualClock(0);
    const limiter = createRateLimiter(0, unlimited);
    for (let i = 0; i < 1000; i++) await limiter.take();
    assert.equal(unlimited.slept(), 0);
  });

  it("applies backpressure: never more than maxOutstanding unacked publishes", async () => {
    let outstanding = 0;
    let peak = 0;
    const pending: (() => void)[] = [];
    const publish: PublishFn = () => {
      outstanding++;
      peak = Math.max(peak, outstanding);
      return new Promise<void>((resolve) => pending.push(() => (outstanding--, resolve())));
    };
    const acker = setInterval(() => pending.splice(0, 3).forEach((ack) => ack()), 1);
    try {
      const s = await createReplay({ publish, schema, source: records(200), maxOutstanding: 8 }).run();
      assert.equal(s.events + s.labels, 400);
      assert.ok(peak <= 8, `peak ${peak}`);
      assert.equal(s.peakOutstanding, peak);
      assert.equal(s.outstanding, 0, "run() resolves only once everything is acked");
    } finally {
      clearInterval(acker);
    }
  });

  it("stops on a publish failure and on abort", async () => {
    let n = 0;
    const failing: PublishFn = async () => {
      if (++n === 5) throw new Error("broker down");
    };
    await assert.rejects(createReplay({ publish: failing, schema, source: records(100), maxOutstanding: 2 }).run(), /broker down/);
    const ac = new AbortController();
    const r = recorder();
    const progress: number[] = [];
    const replay = createReplay({
      publish: r.publish, schema, source: records(100), signal: ac.signal, labelDelay: { events: 50 }, progressEvery: 10,
      onProgress: (p) => (progress.push(p.events), p.events === 20 && ac.abort()),
    });
    const s = await replay.run();
    assert.equal(s.aborted, true);
    assert.equal(s.events, 20);
    assert.equal(s.labels, 20, "labels of sent events are flushed");
    assert.deepEqual(progress, [10, 20, 20]);
  });

  it("replays a bundled dataset and the simulator through openSource", async () => {
    const r = recorder();
    const src = openSource("phishing");
    const s = await createReplay({ publish: r.publish, schema: src.schema, source: src.records }).run();
    assert.deepEqual([s.events, s.labels], [1250, 1250]);
    const sim = openSource("fraud", { simulator: { events: 300, customers: 100, terminals: 200 } });
    const s2 = await createReplay({ publish: r.publish, schema: sim.schema, source: sim.records, labelDelay: { ms: 3_600_000 } }).run();
    assert.deepEqual([s2.events, s2.labels], [300, 300]);
  });
});

describe("ingestEvent / createIngestor", () => {
  it("assigns a UUIDv7 id, ingest time and sequence; keeps a producer id", () => {
    const a = ingestEvent({ entityId: "c1", eventTimeMs: 10, fields: { x: { number: 1 } } }, { sequence: 4, nowMs: 1_700_000_000_000 });
    assert.match(a.event.eventId, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(a.event.ingestTimeMs, 1_700_000_000_000);
    assert.equal(a.event.sequence, 4);
    assert.equal(a.key, "c1");
    assert.equal(a.properties["event-id"], a.event.eventId);
    assert.equal(codecs.event.decode(a.payload).fields.x.number, 1);
    assert.equal(ingestEvent({ eventId: "mine" }, { sequence: 0, nowMs: 1 }).event.eventId, "mine");
    assert.ok(uuidv7(1) < uuidv7(2), "time-ordered");
  });

  it("refuses oversize events and broken limits with INVALID_ARGUMENT and a reason", () => {
    const big = { eventId: "b", fields: { blob: { text: "x".repeat(70_000) } } };
    assert.throws(
      () => ingestEvent(big, { sequence: 0, nowMs: 1 }),
      (e: unknown) => isRtmlError(e, "INVALID_ARGUMENT") && e.details.reason === "oversize" && /70\d{3} bytes; the limit is 65536/.test(e.message),
    );
    const many = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`f${i}`, { number: i }]));
    assert.throws(
      () => ingestEvent({ fields: many, entityId: "e".repeat(300) }, { sequence: 0, nowMs: 1, limits: { maxFields: 4 } }),
      (e: unknown) => isRtmlError(e, "INVALID_ARGUMENT") && e.details.reason === "limits" && /5 fields/.test(e.message) && /entityId of 300/.test(e.message),
    );
  });

  it("publishes producer events and labels, in order, with running sequence", async () => {
    const r = recorder();
    const ing = createIngestor({ publish: r.publish, now: () => 42 });
    const ids = await ing.publishEvents([{ eventId: "a", entityId: "k" }, { entityId: "k" }]);
    assert.equal(ids[0], "a");
    assert.equal(ing.sequence, 2);
    assert.equal(codecs.event.decode(r.sent[1].payload).sequence, 1);
    assert.equal(await ing.publishLabels([{ eventId: "a", label: "true" }]), 1);
    assert.equal(codecs.label.decode(r.sent[2].payload).labelTimeMs, 42);
    await assert.rejects(ing.publishLabels([{ label: "true" }]), (e: unknown) => isRtmlError(e, "INVALID_ARGUMENT"));
  });
});
