/**
 * `npm run eval:fraud -- [--json] [--models lr,lr-weighted,arf|grid] [--features service|precomputed]
 * [--history [--history-days N]] [--select] [--scores DIR]`: the Fraud Detection Handbook evaluation of online models on the
 * bundled weeks, with our feature service and a 7-day label delay. `--history` first streams the regenerated
 * days before 07-25 (all 115 from 2018-04-01, or the last N), generating them when missing
 * (scripts/fraud/provision-history.sh, `npm run fraud:history`). `--select` (implies `--history`; models
 * default to `grid`, the candidate grid of scripts/fraud/models.ts) picks the set-up with the best mean
 * validation AUC over the handbook's four prequential folds (the primary choice), and those with the best
 * mean AP and CP@100, and the same three by the latest fold alone, and prints their test-week figures.
 * `--scores DIR` writes each set-up's test-week scores to DIR/<set-up>.csv (TRANSACTION_ID,score), for
 * scripts/fraud/handbook-baseline.py --compare. The protocol is in scripts/lib/fraud-eval.ts; results go to
 * docs/benchmarks.md.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { FRAUD_GRID, FRAUD_MODELS } from "./fraud/models.ts";
import { ensureFraudHistory, runFraudEvals, selectByValidation, type SelectionMetric } from "./lib/fraud-eval.ts";

const { values } = parseArgs({
  options: {
    json: { type: "boolean", default: false },
    models: { type: "string" },
    features: { type: "string", default: "service" },
    drop: { type: "string", default: "" },
    "truncated-windows": { type: "boolean", default: false },
    history: { type: "boolean", default: false },
    "history-days": { type: "string" },
    select: { type: "boolean", default: false },
    scores: { type: "string" },
  },
});
const historyDays = values["history-days"] === undefined ? undefined : Number(values["history-days"]);
if (historyDays !== undefined && !(Number.isInteger(historyDays) && historyDays >= 0)) throw new Error(`--history-days: a whole number of days, got ${values["history-days"]}`);
if (values.select && historyDays !== undefined && historyDays < 14) throw new Error("--select needs at least 14 days of history (the latest validation fold's train and delay weeks)");
const history = values.history || values.select || historyDays !== undefined ? ensureFraudHistory(historyDays) : undefined;
/** `--drop 30d` leaves out the four 30-day windows; otherwise a comma-separated list of handbook names. */
const dropList = values.drop === "30d" ? ["CUSTOMER_ID_NB_TX_30DAY_WINDOW", "CUSTOMER_ID_AVG_AMOUNT_30DAY_WINDOW", "TERMINAL_ID_NB_TX_30DAY_WINDOW", "TERMINAL_ID_RISK_30DAY_WINDOW"]
  : values.drop!.split(",").filter(Boolean);
// One pass of the stream for all the set-ups (the features do not depend on the model). `grid` = FRAUD_GRID.
const keys = (values.models ?? (values.select ? "grid" : "lr")).split(",").flatMap((k) => (k === "grid" ? Object.keys(FRAUD_GRID) : [k]));
const chosen = Object.fromEntries(keys.map((key) => {
  const create = FRAUD_MODELS[key];
  if (!create) throw new Error(`unknown model ${key} (${Object.keys(FRAUD_MODELS).join(", ")}, grid)`);
  return [key, create];
}));
// Progress on stderr: the pass with the history streams ~1.3 M events (5–15 min with the grid).
const onProgress = ({ events, day, seconds }: { events: number; day: string; seconds: number }) =>
  process.stderr.write(`eval:fraud: ${events.toLocaleString("en-US")} events streamed (at ${day}), ${keys.length} set-up(s), ${seconds.toFixed(0)} s\n`);
const out = await runFraudEvals({ features: values.features as "service" | "precomputed", drop: dropList, completeWindowsOnly: !values["truncated-windows"], history, onProgress }, chosen);
for (const r of out) process.stderr.write(JSON.stringify(r) + "\n");
if (values.scores !== undefined) {
  mkdirSync(values.scores, { recursive: true });
  for (const r of out) writeFileSync(join(values.scores, `${r.setup}.csv`), ["TRANSACTION_ID,score", ...r.testScores().map(([id, s]) => `${id},${s}`)].join("\n") + "\n");
}
const figures = (m: { roc_auc: number; average_precision: number; card_precision_at_100: number }) =>
  `AUC ${m.roc_auc.toFixed(4)}  AP ${m.average_precision.toFixed(4)}  CP@100 ${m.card_precision_at_100.toFixed(3)}`;
const METRIC_NAMES: Record<SelectionMetric, string> = { roc_auc: "AUC", average_precision: "AP", card_precision_at_100: "CP@100" };
/** Picks by each metric, over the folds' mean and over the latest fold; `key` names it in the JSON. */
const picks = !values.select ? [] : (["folds", "latest"] as const).flatMap((over) => (Object.keys(METRIC_NAMES) as SelectionMetric[]).map((metric) => ({
  key: over === "folds" ? metric : `${metric}_latest_fold`, metric, over, result: selectByValidation(out, metric, over),
})));
if (values.json) process.stdout.write(JSON.stringify(values.select ? { results: out, selected_by: Object.fromEntries(picks.map((p) => [p.key, p.result.setup])) } : out) + "\n");
else {
  const width = Math.max(12, ...out.map((r) => r.setup.length + 1));
  for (const r of out) {
    const valid = r.validation_mean ? `validation (${r.validation_folds.length} folds) ${figures(r.validation_mean)}, latest ${figures(r.validation!)}  |  test ` : "";
    process.stdout.write(`${r.setup.padEnd(width)} ${valid}${figures(r)}  features match ${(r.feature_match_reproducible * 100).toFixed(3)}% (all 15: ${(r.feature_match_all * 100).toFixed(3)}%)  history ${r.history_days} days  ${r.seconds.toFixed(0)}s\n`);
  }
  for (const { metric, over, result: r } of picks) {
    const by = over === "latest" ? `latest fold's ${METRIC_NAMES[metric]}` : `mean ${METRIC_NAMES[metric]} over ${r.validation_folds.length} folds`;
    process.stdout.write(`selected by validation ${by}: ${r.setup}  validation ${figures(over === "latest" ? r.validation! : r.validation_mean!)}  →  test ${figures(r)}  recall@1% ${r.recall_at_1pct_alerts.toFixed(3)}\n`);
  }
}
