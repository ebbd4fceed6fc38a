/**
 * Bad input through the running mesh: malformed protobuf, wrong types, NaN and Infinity, missing fields,
 * oversize payloads. Each ends on events.rejected with its reason code; nothing crashes and the good
 * events around them are still predicted.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadConfig } from "../../services/shared/config.ts";
import { loadSchema } from "../../services/shared/dataset/schema-loader.ts";
import { createLogger } from "../../services/shared/logger.ts";
import { createMetricsRegistry } from "../../services/shared/metrics.ts";
import { codecs, RejectCode, type Event, type FieldValue } from "../../services/shared/messages.ts";
import { Props, Topics } from "../../services/shared/topics.ts";
import { createMemoryTransport } from "../../services/shared/transport/memory/memory-transport.ts";
import { startMesh } from "../../services/cli/mesh.ts";

const schema = loadSchema("elec2");
const good: Record<string, FieldValue> = {
  date: { number: 0.5 }, day: { number: 3 }, period: { number: 0.25 }, nswprice: { number: 0.06 },
  nswdemand: { number: 0.4 }, vicprice: { number: 0.003 }, vicdemand: { number: 0.42 }, transfer: { number: 0.41 },
};
const event = (id: string, fields: Record<string, FieldValue>): Partial<Event> => ({
  eventId: id, entityId: "nsw", eventTimeMs: 1_000_000 + Number(id.replace(/\D/g, "") || 0), ingestTimeMs: Date.now(),
  fields, dataset: "elec2", schemaVersion: "1", sequence: Number(id.replace(/\D/g, "") || 0),
});

test("malformed, mistyped, non-finite, incomplete and oversize events end on events.rejected with reasons", async () => {
  const transport = await createMemoryTransport();
  const rejected = await transport.subscribe(Topics.eventsRejected, { subscription: "t", type: "exclusive" });
  const predictions = await transport.subscribe(Topics.predictions, { subscription: "t", type: "exclusive" });
  const mesh = await startMesh({ transport, config: loadConfig({}), logger: createLogger({ level: "silent" }), metrics: createMetricsRegistry(), schema });
  const publish = (id: string, payload: Uint8Array) =>
    transport.publish(Topics.eventsRaw, payload, { key: "nsw", properties: { [Props.eventId]: id } });

  await publish("good-1", codecs.event.encode(event("good-1", good)));
  await publish("bad-malformed", new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]));
  await publish("bad-type-2", codecs.event.encode(event("bad-type-2", { ...good, nswprice: { text: "cheap" } })));
  await publish("bad-nan-3", codecs.event.encode(event("bad-nan-3", { ...good, vicprice: { number: Number.NaN } })));
  await publish("bad-inf-4", codecs.event.encode(event("bad-inf-4", { ...good, transfer: { number: Number.POSITIVE_INFINITY } })));
  const { nswdemand: _omitted, ...missing } = good;
  await publish("bad-missing-5", codecs.event.encode(event("bad-missing-5", missing)));
  await publish("bad-big-6", codecs.event.encode(event("bad-big-6", { ...good, note: { text: "x".repeat(200_000) } })));
  await publish("good-7", codecs.event.encode(event("good-7", good)));

  const reasons = new Map<string, number>();
  const it = rejected[Symbol.asyncIterator]();
  for (let i = 0; i < 6; i++) {
    const msg = (await it.next()).value;
    const r = codecs.rejectedEvent.decode(msg.payload);
    assert.ok(r.reasons.length >= 1 && r.reasons[0].message.length > 0, "a reason with a message");
    assert.ok(r.payload.length > 0, "the original bytes are kept");
    reasons.set(r.eventId, r.code); // undecodable payloads keep the event id from the message properties
    await msg.ack();
  }
  assert.equal(reasons.get("bad-malformed"), RejectCode.MALFORMED);
  assert.equal(reasons.get("bad-type-2"), RejectCode.WRONG_TYPE);
  assert.equal(reasons.get("bad-nan-3"), RejectCode.NOT_FINITE);
  assert.equal(reasons.get("bad-inf-4"), RejectCode.NOT_FINITE);
  assert.equal(reasons.get("bad-missing-5"), RejectCode.MISSING_FIELD);
  assert.equal(reasons.get("bad-big-6"), RejectCode.OVERSIZE);

  const seen = new Set<string>();
  const pit = predictions[Symbol.asyncIterator]();
  while (seen.size < 2) {
    const msg = (await pit.next()).value;
    seen.add(codecs.prediction.decode(msg.payload).eventId);
    await msg.ack();
  }
  assert.deepEqual([...seen].sort(), ["good-1", "good-7"]);
  await mesh.stop();
  await transport.close();
});
