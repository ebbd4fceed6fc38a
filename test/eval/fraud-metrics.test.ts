import assert from "node:assert/strict";
import { test } from "node:test";
import { handbookWeekMetrics, type Row } from "../../scripts/lib/fraud-eval.ts";

test("the handbook's week metrics: known-compromised cards are not scored, and card precision@100 leaves out cards found in an earlier day's top 100", () => {
  const rows = new Map<string, Row>([
    ["t1", { day: 3, customer: "K", fraud: true }], // train week: K is known compromised
    ["d1", { day: 14, customer: "K", fraud: true }], // not scored
    ["d2", { day: 14, customer: "A", fraud: true }],
    ["d3", { day: 14, customer: "B", fraud: false }],
    ["d4", { day: 15, customer: "A", fraud: true }], // A was found on day 14: out of day 15's top 100
    ["d5", { day: 15, customer: "C", fraud: true }],
    ["d6", { day: 15, customer: "B", fraud: false }],
  ]);
  const scores: Record<string, number> = { d1: 0.99, d2: 0.9, d3: 0.8, d4: 0.95, d5: 0.5, d6: 0.7 };
  const m = handbookWeekMetrics(rows, (id) => scores[id], 14);
  assert.equal(m.rows_scored, 5);
  assert.equal(m.frauds_scored, 3);
  assert.equal(m.card_precision_at_100, (1 / 100 + 1 / 100) / 7);
  // AUC over all scored rows: frauds .9, .95, .5 against .8, .7 → 4 of 6 pairs ranked right.
  assert.ok(Math.abs(m.roc_auc - 4 / 6) < 1e-12, String(m.roc_auc));
});
