/**
 * The drift loop on the fraud simulator: a new fraud pattern starts at event 15,000. drift-monitor must
 * raise a concept-drift alert after that point, train starts a challenger, and accuracy, which dips when
 * the pattern changes, recovers.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadConfig } from "../../services/shared/config.ts";
import { createLogger } from "../../services/shared/logger.ts";
import { createMemoryTransport } from "../../services/shared/transport/memory/memory-transport.ts";
import { runUp } from "../../services/cli/up.ts";

test("fraud simulator with drift: nothing lost, an alert after the drift point, accuracy recovers", async () => {
  const transport = await createMemoryTransport();
  const s = await runUp(
    { dataset: "fraud", maxEvents: 30_000, driftAt: 15_000, seed: 42, json: true },
    loadConfig({}),
    transport,
    createLogger({ level: "warn" }),
  );
  await transport.close();
  assert.equal(s.events_in, 30_000);
  assert.equal(s.lost, 0);
  assert.equal(s.predictions + s.rejected, 30_000);
  assert.equal(s.drift_point, 15_000);
  assert.ok(s.first_concept_alert_at !== null, "a concept-drift alert fired");
  assert.ok(s.detection_delay_events !== null && s.detection_delay_events >= 0, "an alert fired after the drift point");

  const acc = s.accuracy_by_segment.map((a) => a ?? Number.NaN);
  const first = 15_000 / s.segment_size;
  const before = acc.slice(0, first).filter((a) => !Number.isNaN(a)).sort((a, b) => a - b);
  const preMedian = before[Math.floor(before.length / 2)];
  const after = acc.slice(first);
  const dipAt = after.indexOf(Math.min(...after.filter((a) => !Number.isNaN(a))));
  const dip = after[dipAt];
  assert.ok(dip < preMedian, `accuracy dips after the drift (${dip} < ${preMedian})`);
  const recovered = after.slice(dipAt + 1).some((a) => a >= dip + (preMedian - dip) / 2);
  assert.ok(recovered, `accuracy recovers after the dip: ${after.join(", ")}`);
  assert.ok(s.recovery_events !== null, "the summary reports the recovery");
});
