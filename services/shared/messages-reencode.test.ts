/** A decoded Event re-encoded (a relay, `rtml replay --to`) keeps its text and flag fields. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { codecs, eventToWire, type Event } from "./messages.ts";

test("decode → encode keeps text and flag fields (protobufjs prototypes default `number` to 0)", () => {
  const event: Event = {
    eventId: "a", entityId: "e", eventTimeMs: 1, ingestTimeMs: 0, dataset: "d", schemaVersion: "1", sequence: 0,
    fields: { t: { text: "x1" }, n: { number: 0 }, f: { flag: true } },
  };
  const decoded = codecs.event.decode(codecs.event.encode(event));
  const wire = eventToWire(decoded);
  assert.deepEqual(wire.numberNames, ["n"]);
  const again = codecs.event.decode(codecs.event.encode(decoded)).fields;
  assert.deepEqual(JSON.parse(JSON.stringify(again)), { t: { text: "x1" }, n: { number: 0 }, f: { flag: true } });
});

test("a decoded Event sent over gRPC (PublishRequest) keeps its text fields", async () => {
  const { loadGrpcProtos } = await import("./grpc/load-proto.ts");
  const type = (loadGrpcProtos().packageDefinition as unknown as Record<string, { serialize(m: unknown): Buffer; deserialize(b: Buffer): { events: { fields: Record<string, unknown> }[] } }>)["rtml.v1.PublishRequest"];
  const decoded = codecs.event.decode(codecs.event.encode({
    eventId: "a", entityId: "e", eventTimeMs: 1, ingestTimeMs: 0, dataset: "d", schemaVersion: "1", sequence: 0, fields: { t: { text: "x1" } },
  }));
  const back = type.deserialize(type.serialize({ events: [eventToWire(decoded)] }));
  assert.deepEqual(back.events[0].fields.t, { text: "x1", kind: "text" });
});
