import assert from "node:assert/strict";
import { test } from "node:test";
import { SEEN_PREFIX } from "../../services/shared/function/dedup.ts";
import { codecs } from "../../services/shared/messages.ts";
import { Props, Topics } from "../../services/shared/topics.ts";
import { createMemoryTransport } from "../../services/shared/transport/memory/memory-transport.ts";
import { traceLost } from "./mesh-trace.ts";

test("traceLost lists each unaccounted event with the topics, dead-letter topics and changelog marks that hold it", async () => {
  const t = await createMemoryTransport();
  try {
    const props = (id: string) => ({ properties: { [Props.eventId]: id } });
    const bytes = new Uint8Array([1]);
    for (const id of ["e1", "e2", "e3", "e4"]) await t.publish(Topics.eventsRaw, bytes, props(id));
    await t.publish(Topics.eventsRaw, bytes, props("e3")); // a duplicate is one lost event
    await t.publish(Topics.eventsValid, bytes, props("e3"));
    await t.publish(Topics.eventsValid, bytes, props("e3"));
    // No event-id property: the id is decoded from the payload.
    await t.publish(Topics.features, codecs.featureVector.encode({ eventId: "e3", entityId: "c1" } as never));
    await t.publish(`${Topics.features}-infer-DLQ`, bytes, props("e3"));
    await t.publish("feature-state-changelog", bytes, { key: `${SEEN_PREFIX}e3` });
    await t.publish("feature-state-changelog", bytes, { key: "c1" });
    const trace = await traceLost(t, (id) => id === "e1" || id === "e2");
    assert.equal(trace.lost, 2);
    assert.deepEqual(trace.where, {
      e3: [`${Topics.eventsRaw} ×2`, `${Topics.eventsValid} ×2`, `${Topics.features} ×1`, `${Topics.features}-infer-DLQ ×1`, "feature-state-changelog (seen) ×1"],
      e4: [`${Topics.eventsRaw} ×1`],
    });
    assert.deepEqual(trace.unreadable, []);
  } finally {
    await t.close();
  }
});
