/**
 * The whole loop on the memory transport, on real data: all of Elec2 (45,312 events) through ingest,
 * validate, feature, infer, train and drift-monitor, with immediate labels.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadConfig } from "../../services/shared/config.ts";
import { createLogger } from "../../services/shared/logger.ts";
import { createMemoryTransport } from "../../services/shared/transport/memory/memory-transport.ts";
import { runUp } from "../../services/cli/up.ts";

test("Elec2 end to end: every event predicted or rejected, accuracy >= 0.88 with kappa-temporal > 0, a drift alert", async () => {
  const transport = await createMemoryTransport();
  const summary = await runUp({ dataset: "elec2", json: true }, loadConfig({}), transport, createLogger({ level: "warn" }));
  await transport.close();
  assert.equal(summary.events_in, 45_312);
  assert.equal(summary.predictions + summary.rejected, summary.events_in);
  assert.equal(summary.lost, 0);
  assert.equal(summary.labels_in, 45_312);
  // The default model set-up must beat the no-change baseline (predict the last label: 0.853 on Elec2,
  // reference/ml-parity.md §5), which kappa-temporal > 0 states exactly.
  assert.ok(summary.accuracy >= 0.88, `accuracy ${summary.accuracy}`);
  assert.ok(summary.kappa_t > 0, `kappa-temporal ${summary.kappa_t}`);
  assert.ok(summary.drift_alerts >= 1, "at least one drift alert");
  assert.ok(summary.model_version > 0 && summary.model_updates === 45_312, `model v${summary.model_version}, ${summary.model_updates} updates`);
  assert.ok(summary.latency_ms.p50 > 0 && summary.latency_ms.p99 >= summary.latency_ms.p50);
});
