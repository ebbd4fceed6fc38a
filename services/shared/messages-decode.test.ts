/** Decoding: strings read through a Buffer view, and truncated payloads refused (not silently cut short). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { RtmlError } from "./errors.ts";
import { codecs, type Label } from "./messages.ts";

const label: Label = { eventId: "évènement-1 ✓", entityId: "card-42", label: "true", eventTimeMs: 1_700_000_000_000, labelTimeMs: 1_700_000_000_500 };

test("strings decode from a view into a larger buffer, multi-byte UTF-8 included", () => {
  const bytes = codecs.label.encode(label);
  const host = new Uint8Array(bytes.length + 16).fill(0x41);
  host.set(bytes, 7);
  assert.deepEqual({ ...codecs.label.decode(host.subarray(7, 7 + bytes.length)) }, label);
});

test("a string whose length runs past the end of the payload is refused with INVALID_ARGUMENT", () => {
  const full = codecs.label.encode(label);
  const payloads = [
    new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]), // event_id, length 2^32 - 1
    new Uint8Array([0x0a, 0x05, 0x61, 0x62]), // event_id, length 5, 2 bytes present
    full.subarray(0, 10), // event_id cut short after 8 of its 17 bytes
  ];
  for (const p of payloads) {
    assert.throws(() => codecs.label.decode(p), (err: unknown) => err instanceof RtmlError && err.code === "INVALID_ARGUMENT", `${[...p]}`);
    assert.throws(() => codecs.event.decode(p), (err: unknown) => err instanceof RtmlError && err.code === "INVALID_ARGUMENT", `${[...p]}`);
  }
});
