import { test } from "node:test";
import assert from "node:assert/strict";
import { formatLive, formatTable } from "./progress.ts";

test("the live line shows progress, rate, accuracy, model version and alerts", () => {
  const line = formatLive({ sent: 50, total: 100, accounted: 50, eventsPerSecond: 1234.4, accuracy: 0.84, modelVersion: 3, alerts: 1 }, 10);
  assert.equal(line, "[#####-----]  50% 50/100  1,234 ev/s  acc 0.840  model v3  alerts 1");
});

test("the table aligns keys and formats numbers", () => {
  assert.equal(formatTable([["events", 45312], ["accuracy", 0.85]]), "  events    45,312\n  accuracy  0.8500");
});
