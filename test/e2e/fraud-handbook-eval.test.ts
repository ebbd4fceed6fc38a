/**
 * The Fraud Detection Handbook evaluation, online (scripts/lib/fraud-eval.ts has the protocol): the three
 * bundled weeks through our feature service, labels revealed 7 days late, the test week scored minus
 * the handbook's known-compromised cards. Pins the feature service's golden figures (the reproducible
 * window columns match the data's own on >= 99.99% of test-week rows) and reports AUC / AP; the
 * handbook's batch logistic regression (0.871 / 0.606) is the reference, see docs/benchmarks.md.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { runFraudEval } from "../../scripts/lib/fraud-eval.ts";
import { createPipeline } from "../../services/shared/ml/compose/pipeline.ts";
import { LogisticRegression } from "../../services/shared/ml/linear/logistic-regression.ts";
import { StandardScaler } from "../../services/shared/ml/preprocessing/standard-scaler.ts";

test("fraud handbook, online: our features match the data's windows; AUC and AP reported", async () => {
  const r = await runFraudEval({ createModel: () => createPipeline(new StandardScaler(), new LogisticRegression()) });
  console.log(JSON.stringify({ roc_auc: r.roc_auc, average_precision: r.average_precision, card_precision_at_100: r.card_precision_at_100, feature_match_reproducible: r.feature_match_reproducible }));
  assert.equal(r.events, 201_295);
  assert.equal(r.test_rows, 67_080);
  assert.ok(r.test_rows_scored < r.test_rows && r.test_frauds_scored > 0, "known-compromised cards are removed");
  assert.ok(r.feature_match_reproducible >= 0.9999, `feature match ${r.feature_match_reproducible}`);
  for (const n of ["TX_AMOUNT", "TX_DURING_WEEKEND", "TX_DURING_NIGHT", "TERMINAL_ID_NB_TX_1DAY_WINDOW", "TERMINAL_ID_RISK_1DAY_WINDOW", "TERMINAL_ID_NB_TX_7DAY_WINDOW", "TERMINAL_ID_RISK_7DAY_WINDOW"]) {
    assert.equal(r.feature_match_test_week[n], 1, n);
  }
  // Measured 0.728 / 0.270: below the handbook's batch LR (0.871 / 0.606), whose features carry months
  // of history; these floors only catch regressions (docs/benchmarks.md, "Online ML", explains the gap).
  assert.ok(r.roc_auc > 0.7 && r.roc_auc <= 1, `AUC ${r.roc_auc}`);
  assert.ok(r.average_precision > 0.2, `AP ${r.average_precision}`);
});
