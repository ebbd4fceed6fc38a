import assert from "node:assert/strict";
import { test } from "node:test";
import { codecs, rejectCodeName } from "../shared/messages.ts";
import { deadLetterTopic, Props, Topics } from "../shared/topics.ts";
import { createMemoryTransport } from "../shared/transport/memory/memory-transport.ts";
import { createLedger, ledgerCounts } from "./accounting.ts";

test("the ledger counts predictions and rejections once each, and reports lost events a service dead-lettered", async () => {
  const t = await createMemoryTransport();
  const ledger = await createLedger(t, rejectCodeName);
  try {
    const prediction = codecs.prediction.encode({ eventId: "e1", label: "1", latencyMs: 2 });
    await t.publish(Topics.predictions, prediction);
    await t.publish(Topics.predictions, prediction); // an at-least-once duplicate
    await t.publish(Topics.eventsRejected, codecs.rejectedEvent.encode({ eventId: "e2", code: 1 }));
    const dlq = (id: string) => ({ properties: { [Props.eventId]: id } });
    await t.publish(deadLetterTopic(Topics.features, "infer"), new Uint8Array([1]), dlq("e3"));
    await t.publish(deadLetterTopic(Topics.eventsRaw, "validate"), new Uint8Array([1]), dlq("e1")); // dead-lettered once, predicted later
    assert.equal(await ledger.waitFor(3, 5000), true, "three events settled: predicted, rejected, dead-lettered");
    assert.deepEqual(ledgerCounts(ledger, 4, 0), { events_in: 4, labels_in: 0, predictions: 1, rejected: 1, lost: 2, dead_lettered: 1, duplicates: 1 });
  } finally {
    await ledger.close();
    await t.close();
  }
});
