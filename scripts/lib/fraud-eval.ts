/**
 * The Fraud Detection Handbook evaluation, online (scripts/eval-fraud.ts; docs/benchmarks.md "Online ML").
 *
 * Protocol:
 * 1. The three bundled weeks (dataset "fraud-handbook": train 07-25…07-31, delay 08-01…08-07, test
 *    08-08…08-14) are read with the schema and streamed in event-time order through OUR feature service
 *    (services/feature), which computes the handbook's 15 inputs: TX_AMOUNT, the weekend and night flags,
 *    the customer count / mean amount over 1, 7, 30 days, and the terminal count / risk over
 *    (t − 7d − w, t − 7d] from the revealed labels.
 * 2. Every transaction's label is revealed 7 days after it (the handbook's feedback delay). Revealed
 *    labels, in order, are fed to the feature service (terminal risk) and to the model (`learnOne`),
 *    before any transaction at or after the reveal time is processed.
 * 3. The model (an online classifier, River-style) scores every transaction on arrival
 *    (`predictProbaOne`), so a test-week transaction is scored by a model that has learned the train
 *    week, the delay week and the test-week days more than 7 days old (none).
 * 4. Scored: the test week, minus the handbook's known-compromised cards (a customer with a fraud in the
 *    train week, or in the delay week before test day d − … exactly the handbook's rule: frauds on
 *    TX_TIME_DAYS ≤ start + 6 + d for test day d = 0…6). Metrics: exact ROC AUC, average precision,
 *    card precision@100 (mean over the 7 days), recall at a 1% alert budget.
 * The handbook's batch logistic regression reaches AUC 0.871, AP 0.606, CP@100 0.291 on the same rows.
 * Features are also compared with the data's precomputed window columns (the feature service's golden test).
 */
import { createReadStream } from "node:fs";
import { createGunzip } from "node:zlib";
import { parse } from "csv-parse";
import { createFeatureService } from "../../services/feature/feature.ts";
import { resolveDataset } from "../../services/shared/dataset/resolve.ts";
import { readDataset } from "../../services/shared/dataset/readers.ts";
import { createTestContext } from "../../services/shared/function/test-context.ts";
import { codecs, type Event, type FeatureVector, type Label } from "../../services/shared/messages.ts";
import type { Classifier, Features } from "../../services/shared/ml/base.ts";
import { AveragePrecision, ExactROCAUC, RecallAtBudget } from "../../services/shared/ml/metrics/ranking.ts";
import { Topics } from "../../services/shared/topics.ts";

const DAY = 86_400_000;
const W = [1, 7, 30] as const;
/** Handbook column → our feature-service name. */
export const HANDBOOK_FEATURES: Record<string, string> = {
  TX_AMOUNT: "TX_AMOUNT",
  TX_DURING_WEEKEND: "during_weekend",
  TX_DURING_NIGHT: "during_night",
  ...Object.fromEntries(W.flatMap((w) => [
    [`CUSTOMER_ID_NB_TX_${w}DAY_WINDOW`, `TX_AMOUNT_count_${w}d`],
    [`CUSTOMER_ID_AVG_AMOUNT_${w}DAY_WINDOW`, `TX_AMOUNT_mean_${w}d`],
  ])),
  ...Object.fromEntries(W.flatMap((w) => [
    [`TERMINAL_ID_NB_TX_${w}DAY_WINDOW`, `TERMINAL_ID_TX_AMOUNT_count_${w}d_delay7d`],
    [`TERMINAL_ID_RISK_${w}DAY_WINDOW`, `TERMINAL_ID_label_mean_${w}d_delay7d`],
  ])),
};

export interface FraudEvalOptions {
  /** Builds the online model (fresh). */
  createModel: () => Classifier;
  /** "service" (default): our feature service's values; "precomputed": the data's own columns (diagnosis). */
  features?: "service" | "precomputed";
  /** Label delay in days (default 7). */
  labelDelayDays?: number;
  /** Handbook feature names left out of the model's input (e.g. the 30-day windows). */
  drop?: readonly string[];
  /**
   * The feature service's `completeWindowsOnly` (default true here): a window reaching before the first
   * event (07-25) is missing instead of a truncated count or mean. Without it, the train week's terminal
   * windows are all empty (0) and the 30-day ones grow with the stream's age.
   */
  completeWindowsOnly?: boolean;
}

interface Row { day: number; customer: string; fraud: boolean; pre: number[] }

async function readPrecomputed(files: string[]): Promise<Map<string, Row>> {
  const names = Object.keys(HANDBOOK_FEATURES);
  const out = new Map<string, Row>();
  for (const file of files) {
    let idx: Record<string, number> | undefined;
    for await (const row of createReadStream(file).pipe(createGunzip()).pipe(parse()) as AsyncIterable<string[]>) {
      if (!idx) {
        idx = Object.fromEntries(row.map((c, i) => [c, i]));
        continue;
      }
      const ix = idx;
      out.set(row[ix.TRANSACTION_ID!]!, {
        day: Number(row[ix.TX_TIME_DAYS!]),
        customer: row[ix.CUSTOMER_ID!]!,
        fraud: row[ix.TX_FRAUD!] === "1",
        pre: names.map((n) => Number(row[ix[n]!])),
      });
    }
  }
  return out;
}

export interface FraudEvalResult {
  model: string;
  complete_windows_only: boolean;
  inputs: string[];
  features: "service" | "precomputed";
  events: number;
  test_rows: number;
  test_rows_scored: number;
  test_frauds_scored: number;
  roc_auc: number;
  average_precision: number;
  card_precision_at_100: number;
  recall_at_1pct_alerts: number;
  /** Test week: share of rows where our value equals the data's column (|Δ| ≤ 1e-9·max(1,|v|)). */
  feature_match_test_week: Record<string, number>;
  /** Over the reproducible columns (all but the 30-day ones, which need history before 07-25). */
  feature_match_reproducible: number;
  seconds: number;
}

export async function runFraudEval(options: FraudEvalOptions): Promise<FraudEvalResult> {
  const t0 = performance.now();
  const data = resolveDataset("fraud-handbook");
  if (data.kind !== "files") throw new Error("fraud-handbook: expected bundled files");
  const pre = await readPrecomputed(data.files);
  const records = [];
  for await (const r of readDataset(data.files, data.schema)) records.push(r);
  records.sort((a, b) => a.eventTimeMs - b.eventTimeMs); // stable: ties stay in file (id) order
  let startDay = Infinity;
  for (const r of pre.values()) startDay = Math.min(startDay, r.day);
  const testFrom = startDay + 14;
  const delayMs = (options.labelDelayDays ?? 7) * DAY;
  const mode = options.features ?? "service";
  const dropped = new Set(options.drop ?? []);

  const schema = { ...data.schema, features: { ...data.schema.features, completeWindowsOnly: options.completeWindowsOnly ?? true } };
  const feature = createFeatureService({ schema, emitRaw: true });
  const ctx = createTestContext({ jsonState: false, decode: false });
  const model = options.createModel();
  const names = Object.keys(HANDBOOK_FEATURES);
  const pending: { at: number; x: Features; y: boolean; label: Label }[] = [];
  let head = 0;
  const scores = new Map<string, number>();
  const match = Object.fromEntries(names.map((n) => [n, 0]));
  let testRows = 0;
  const same = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

  for (const r of records) {
    const t = r.eventTimeMs;
    while (head < pending.length && pending[head]!.at <= t) {
      const p = pending[head++]!;
      void feature.processLabel(p.label, ctx);
      model.learnOne(p.x, p.y);
    }
    const event: Event = {
      eventId: r.eventId!, entityId: r.entityId, eventTimeMs: t, ingestTimeMs: 0, fields: r.fields,
      dataset: data.schema.name, schemaVersion: data.schema.version, sequence: r.index,
    };
    void feature.process(event, ctx);
    const [fv] = ctx.take<FeatureVector>(Topics.features, codecs.featureVector);
    const row = pre.get(event.eventId)!;
    const x: Features = {};
    names.forEach((n, i) => {
      const v = mode === "service" ? fv!.raw[HANDBOOK_FEATURES[n]!] : row.pre[i]!;
      if (!dropped.has(n) && v !== undefined) x[n] = v; // a missing (incomplete) window stays absent
    });
    if (row.day >= testFrom) {
      testRows++;
      names.forEach((n, i) => {
        const v = fv!.raw[HANDBOOK_FEATURES[n]!];
        if (v !== undefined && same(v, row.pre[i]!)) match[n]!++;
      });
      scores.set(event.eventId, model.predictProbaOne(x).get(true) ?? 0);
    }
    const y = r.label === "true";
    pending.push({ at: t + delayMs, x, y, label: { eventId: event.eventId, entityId: r.entityId, label: r.label!, eventTimeMs: t, labelTimeMs: t + delayMs } });
    if (head > 65_536) {
      pending.splice(0, head);
      head = 0;
    }
  }

  // The handbook's known-compromised cards and per-day card precision@100.
  const auc = new ExactROCAUC();
  const ap = new AveragePrecision();
  const recall = new RecallAtBudget({ fraction: 0.01 });
  const known = new Set<string>();
  for (const r of pre.values()) if (r.fraud && r.day < startDay + 7) known.add(r.customer);
  let scored = 0;
  let frauds = 0;
  let cpSum = 0;
  const byDay = new Map<number, [string, Row][]>();
  for (const [id, r] of pre) if (r.day >= testFrom) (byDay.get(r.day) ?? byDay.set(r.day, []).get(r.day)!).push([id, r]);
  for (let d = 0; d < 7; d++) {
    for (const r of pre.values()) if (r.fraud && r.day === startDay + 6 + d) known.add(r.customer);
    const cards = new Map<string, { score: number; fraud: boolean }>();
    for (const [id, r] of byDay.get(testFrom + d) ?? []) {
      if (known.has(r.customer)) continue;
      const s = scores.get(id)!;
      auc.update(r.fraud, s);
      ap.update(r.fraud, s);
      recall.update(r.fraud, s);
      scored++;
      if (r.fraud) frauds++;
      const c = cards.get(r.customer);
      if (!c) cards.set(r.customer, { score: s, fraud: r.fraud });
      else {
        c.score = Math.max(c.score, s);
        c.fraud ||= r.fraud;
      }
    }
    const top = [...cards.values()].sort((a, b) => b.score - a.score).slice(0, 100);
    cpSum += top.filter((c) => c.fraud).length / 100;
  }
  const rates = Object.fromEntries(names.map((n) => [n, match[n]! / testRows]));
  const reproducible = names.filter((n) => !n.includes("30DAY"));
  return {
    model: model.kind === "Pipeline" ? JSON.stringify((model.params as { model: { kind: string } }).model.kind) : model.kind,
    features: mode,
    complete_windows_only: options.completeWindowsOnly ?? true,
    inputs: names.filter((n) => !dropped.has(n)),
    events: records.length,
    test_rows: testRows,
    test_rows_scored: scored,
    test_frauds_scored: frauds,
    roc_auc: auc.get(),
    average_precision: ap.get(),
    card_precision_at_100: cpSum / 7,
    recall_at_1pct_alerts: recall.get(),
    feature_match_test_week: rates,
    feature_match_reproducible: reproducible.reduce((s, n) => s + match[n]!, 0) / (reproducible.length * testRows),
    seconds: (performance.now() - t0) / 1000,
  };
}
