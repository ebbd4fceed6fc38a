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
 *
 * History (`history`): the handbook's columns come from a simulation running since 2018-04-01, so the 30-day
 * windows and the 7-day-delayed terminal windows of the first weeks need days before 07-25. With
 * `history`, the regenerated days before 07-25 (scripts/fraud: the handbook's simulator, checked to
 * reproduce the bundled weeks row for row) stream first, through the same feature service and model with
 * the same 7-day label delay; only the test week is scored, as without.
 *
 * Validation (with at least 14 days of history): the handbook's chapter 5 selects models by prequential
 * validation: the test protocol shifted back two weeks (train 07-11…07-17, delay 07-18…07-24, "test"
 * 07-25…07-31), and `VALIDATION_FOLDS` (4, the handbook's `n_folds`) such folds, each one week before the
 * previous ("test" weeks 07-25, 07-18, 07-11, 07-04), their metrics averaged. The same pass scores every
 * fold's week too, with the same known-compromised rule relative to it (frauds of its train week, then
 * those of its delay-week days up to test day d − 1 − 7), so a set-up can be picked by its validation
 * figures (`selectByValidation`: the mean over the folds, or the latest fold alone) and reported on the
 * test week, which the choice never saw. Validation rows are scored by models that learned the history up
 * to 7 days before them. A fold is used only when the history holds its train and delay weeks.
 */
import { spawnSync } from "node:child_process";
import { createReadStream, existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
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
  /**
   * Files streamed before the bundled weeks, in event-time order (`fraudHistoryFiles()`: the regenerated
   * days before 07-25, raw columns). Only with `features: "service"`.
   */
  history?: readonly string[];
  /** Called every `PROGRESS_EVERY` events of the stream (a long pass: 1.3 M events with the history). */
  onProgress?: (progress: { events: number; day: string; seconds: number }) => void;
}

/** How often (in events) runFraudEvals reports progress. */
export const PROGRESS_EVERY = 100_000;

/** Where scripts/fraud/provision-history.sh writes the history (one CSV.gz per day + manifest.json). */
export const FRAUD_HISTORY_DIR = process.env.RTML_FRAUDSIM_DIR ?? join(process.env.RTML_CACHE || join(homedir(), ".cache", "rtml"), "fraudsim");
const PROVISION = fileURLToPath(new URL("../fraud/provision-history.sh", import.meta.url));

interface HistoryManifest {
  generator_version: number;
  verification: { exact: boolean } | null;
  files: { file: string; day: number; rows: number }[];
}

/**
 * The history's day files, oldest first: the last `days` days before 2018-07-25 (default: all, from
 * 2018-04-01), or undefined when the history has not been generated (or was not verified exact).
 */
export function fraudHistoryFiles(days?: number, dir = FRAUD_HISTORY_DIR): string[] | undefined {
  const path = join(dir, "manifest.json");
  if (!existsSync(path)) return undefined;
  const m = JSON.parse(readFileSync(path, "utf8")) as HistoryManifest;
  if (m.verification?.exact !== true) return undefined;
  const files = [...m.files].sort((a, b) => a.day - b.day).map((f) => join(dir, f.file));
  if (days !== undefined && days > files.length) throw new Error(`--history-days ${days}: the history has ${files.length} days`);
  return days === undefined ? files : files.slice(files.length - days);
}

/**
 * The history's files, generating them first when missing (scripts/fraud/provision-history.sh: a Python
 * venv from PyPI, then about a minute of simulation). Throws when that fails.
 */
export function ensureFraudHistory(days?: number, dir = FRAUD_HISTORY_DIR): string[] {
  const have = fraudHistoryFiles(days, dir);
  if (have) return have;
  const r = spawnSync("bash", [PROVISION], { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, RTML_FRAUDSIM_DIR: dir } });
  if (r.status !== 0) throw new Error(`scripts/fraud/provision-history.sh failed (${r.status ?? r.signal})`);
  const files = fraudHistoryFiles(days, dir);
  if (!files) throw new Error(`no verified history in ${dir} after scripts/fraud/provision-history.sh`);
  return files;
}

export interface Row { day: number; customer: string; fraud: boolean; pre?: number[] }

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

/** Prequential validation folds, as the handbook's model selection (chapter 5, `n_folds = 4`). */
export const VALIDATION_FOLDS = 4;

/** The handbook's figures on one scored week, known-compromised cards removed. */
export interface WeekMetrics {
  rows_scored: number;
  frauds_scored: number;
  roc_auc: number;
  average_precision: number;
  card_precision_at_100: number;
  recall_at_1pct_alerts: number;
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
  /**
   * The latest validation fold, 07-25…07-31 (train 07-11…07-17, delay 07-18…07-24, the test protocol
   * shifted back two weeks); null with fewer than 14 days of history.
   */
  validation: WeekMetrics | null;
  /** Every validation fold, latest first (07-25, 07-18, 07-11, 07-04), as far as the history reaches. */
  validation_folds: (WeekMetrics & { from: string })[];
  /** The folds' mean figures (the handbook's prequential validation); null without folds. */
  validation_mean: Pick<WeekMetrics, "roc_auc" | "average_precision" | "card_precision_at_100"> | null;
  /** Test week: share of rows where our value equals the data's column (|Δ| ≤ 1e-9·max(1,|v|)). */
  feature_match_test_week: Record<string, number>;
  /** Over the reproducible columns (all but the 30-day ones, which need history before 07-25). */
  feature_match_reproducible: number;
  /** Over all 15 columns (the 30-day ones match only with `history`). */
  feature_match_all: number;
  /** Days and rows streamed before the bundled weeks (0 without `history`). */
  history_days: number;
  history_events: number;
  seconds: number;
  /** Event id (TRANSACTION_ID) and score of every test-week row, known-compromised cards included (not in JSON). */
  testScores(): [string, number][];
}

/** One model's evaluation (see `runFraudEvals`). */
export async function runFraudEval(options: FraudEvalOptions): Promise<FraudEvalResult> {
  const { createModel, ...rest } = options;
  return (await runFraudEvals(rest, { model: createModel }))[0]!;
}

/**
 * Several models on one pass of the stream: the features (which do not depend on the model) are computed
 * once, and each model scores, and learns from, every transaction as if it ran alone. Results in the
 * order of `models`; `seconds` is the whole pass.
 */
export async function runFraudEvals(options: Omit<FraudEvalOptions, "createModel">, models: Record<string, () => Classifier>): Promise<(FraudEvalResult & { setup: string })[]> {
  const t0 = performance.now();
  const data = resolveDataset("fraud-handbook");
  if (data.kind !== "files") throw new Error("fraud-handbook: expected bundled files");
  const pre = await readPrecomputed(data.files);
  const history = options.history ?? [];
  let startDay = Infinity;
  for (const r of pre.values()) startDay = Math.min(startDay, r.day);
  const testFrom = startDay + 14;
  // The latest validation fold's week is the bundled train week; its train and delay weeks are the last 14
  // history days. Each earlier fold needs one more week of history.
  const folds: number[] = [];
  for (let k = 0; k < VALIDATION_FOLDS && history.length >= 14 + 7 * k; k++) folds.push(startDay - 7 * k);
  const validate = folds.length > 0;
  const firstFold = validate ? Math.min(...folds) : startDay;
  const delayMs = (options.labelDelayDays ?? 7) * DAY;
  const mode = options.features ?? "service";
  if (mode === "precomputed" && history.length > 0) throw new Error("history has no precomputed columns: use features: \"service\"");
  const dropped = new Set(options.drop ?? []);

  const schema = { ...data.schema, features: { ...data.schema.features, completeWindowsOnly: options.completeWindowsOnly ?? true } };
  const feature = createFeatureService({ schema, emitRaw: true });
  const ctx = createTestContext({ jsonState: false, decode: false });
  // Scores by row: one shared index of the scored rows, one array of doubles per set-up (a Map per set-up
  // would box every score: 78 set-ups × 335k rows).
  const scoredIndex = new Map<string, number>();
  const setups = Object.entries(models).map(([setup, create]) => ({ setup, model: create(), scores: [] as number[] }));
  const names = Object.keys(HANDBOOK_FEATURES);
  const pending: { at: number; x: Features; y: boolean; label: Label }[] = [];
  let head = 0;
  const match = Object.fromEntries(names.map((n) => [n, 0]));
  let testRows = 0;
  let events = 0;
  let historyEvents = 0;
  let last = -Infinity;
  const same = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

  // The history (days before 07-25) then the weeks, each file in TRANSACTION_ID = event-time order.
  for await (const r of readDataset([...history, ...data.files], data.schema)) {
    const t = r.eventTimeMs;
    if (t < last) throw new Error(`fraud eval: event ${r.eventId} at ${t} is before the previous one (${last}): files out of order`);
    last = t;
    events++;
    if (events % PROGRESS_EVERY === 0) options.onProgress?.({ events, day: new Date(t).toISOString().slice(0, 10), seconds: (performance.now() - t0) / 1000 });
    while (head < pending.length && pending[head]!.at <= t) {
      const p = pending[head++]!;
      void feature.processLabel(p.label, ctx);
      for (const m of setups) m.model.learnOne(p.x, p.y);
    }
    const event: Event = {
      eventId: r.eventId!, entityId: r.entityId, eventTimeMs: t, ingestTimeMs: 0, fields: r.fields,
      dataset: data.schema.name, schemaVersion: data.schema.version, sequence: r.index,
    };
    void feature.process(event, ctx);
    const [fv] = ctx.take<FeatureVector>(Topics.features, codecs.featureVector);
    let row = pre.get(event.eventId);
    if (!row) {
      historyEvents++;
      // Kept for the validation folds' weeks and their known-compromised cards (their train and delay weeks).
      const days = r.fields.TX_TIME_DAYS;
      const day = typeof days?.number === "number" ? days.number : Number.NaN;
      if (validate && !Number.isInteger(day)) throw new Error(`fraud eval: event ${r.eventId} has no TX_TIME_DAYS`);
      if (validate && day >= firstFold - 14) pre.set(event.eventId, (row = { day, customer: r.entityId, fraud: r.label === "true" }));
    }
    const x: Features = {};
    names.forEach((n, i) => {
      const v = mode === "service" ? fv!.raw[HANDBOOK_FEATURES[n]!] : row!.pre![i]!;
      if (!dropped.has(n) && v !== undefined) x[n] = v; // a missing (incomplete) window stays absent
    });
    if (row && row.day >= testFrom) {
      testRows++;
      names.forEach((n, i) => {
        const v = fv!.raw[HANDBOOK_FEATURES[n]!];
        if (v !== undefined && same(v, row.pre![i]!)) match[n]!++;
      });
    }
    if (row && (row.day >= testFrom || (validate && row.day >= firstFold && row.day < startDay + 7))) {
      scoredIndex.set(event.eventId, scoredIndex.size);
      for (const m of setups) m.scores.push(m.model.predictProbaOne(x).get(true) ?? 0);
    }
    const y = r.label === "true";
    pending.push({ at: t + delayMs, x, y, label: { eventId: event.eventId, entityId: r.entityId, label: r.label!, eventTimeMs: t, labelTimeMs: t + delayMs } });
    if (head > 65_536) {
      pending.splice(0, head);
      head = 0;
    }
  }

  const rates = Object.fromEntries(names.map((n) => [n, match[n]! / testRows]));
  const reproducible = names.filter((n) => !n.includes("30DAY"));
  const seconds = (performance.now() - t0) / 1000;
  const dayName = (day: number) => new Date(Date.UTC(2018, 3, 1) + day * DAY).toISOString().slice(0, 10);
  return setups.map(({ setup, model, scores }) => {
    const scoreOf = (id: string) => scores[scoredIndex.get(id)!]!;
    const test = handbookWeekMetrics(pre, scoreOf, testFrom);
    const validationFolds = folds.map((from) => {
      const week = handbookWeekMetrics(pre, scoreOf, from);
      if (week.rows_scored === 0) throw new Error(`fraud eval: validation fold ${dayName(from)} scored no rows`);
      return { from: dayName(from), ...week };
    });
    const mean = (k: "roc_auc" | "average_precision" | "card_precision_at_100") => validationFolds.reduce((a, f) => a + f[k], 0) / validationFolds.length;
    return {
      setup,
      model: model.kind === "Pipeline" ? JSON.stringify((model.params as { model: { kind: string } }).model.kind) : model.kind,
      features: mode,
      complete_windows_only: options.completeWindowsOnly ?? true,
      inputs: names.filter((n) => !dropped.has(n)),
      events,
      test_rows: testRows,
      test_rows_scored: test.rows_scored,
      test_frauds_scored: test.frauds_scored,
      roc_auc: test.roc_auc,
      average_precision: test.average_precision,
      card_precision_at_100: test.card_precision_at_100,
      recall_at_1pct_alerts: test.recall_at_1pct_alerts,
      validation: validate ? validationFolds[0]! : null,
      validation_folds: validationFolds,
      validation_mean: validate ? { roc_auc: mean("roc_auc"), average_precision: mean("average_precision"), card_precision_at_100: mean("card_precision_at_100") } : null,
      feature_match_test_week: rates,
      feature_match_reproducible: reproducible.reduce((s, n) => s + match[n]!, 0) / (reproducible.length * testRows),
      feature_match_all: names.reduce((s, n) => s + match[n]!, 0) / (names.length * testRows),
      history_days: history.length,
      history_events: historyEvents,
      seconds,
      testScores: () => [...pre].filter(([, r]) => r.day >= testFrom).map(([id]): [string, number] => [id, scoreOf(id)]),
    };
  });
}

/** Validation metrics a set-up can be selected by. */
export type SelectionMetric = "roc_auc" | "average_precision" | "card_precision_at_100";

/**
 * The set-up with the best validation figure (the first on a tie, so list the simpler set-ups first):
 * `over` "folds" (default) is the mean over the prequential folds, the handbook's choice; "latest" the
 * latest fold alone. Throws without validation figures (fewer than 14 days of history).
 */
export function selectByValidation<T extends Pick<FraudEvalResult, "validation" | "validation_mean">>(
  results: readonly T[],
  metric: SelectionMetric = "roc_auc",
  over: "folds" | "latest" = "folds",
): T {
  const figure = (r: T) => {
    const v = over === "folds" ? r.validation_mean : r.validation;
    if (!v) throw new Error("selection needs a validation fold: run with at least 14 days of history");
    return v[metric];
  };
  let best: T | undefined;
  for (const r of results) if (!best || figure(r) > figure(best)) best = r;
  if (!best) throw new Error("no set-ups to select from");
  return best;
}

/**
 * The handbook's metrics on the week from day `from` (test or validation), with its rule for known-compromised
 * cards, whose transactions are not scored: the customers with a fraud in the train week (days from − 14 …
 * from − 8), plus, from test day d = 0…6 on, those with a fraud on day from − 8 + d (the handbook's
 * `start_train + delta_train + d − 1`: the delay week's days, one more each test day). Card precision@100
 * is the mean over the 7 days, each day leaving out the cards found compromised in an earlier day's top 100
 * (the handbook's `card_precision_top_k` with its default `remove_detected_compromised_cards=True`; with it,
 * scripts/fraud/handbook-baseline.py reproduces the published 0.291 of its logistic regression).
 */
export function handbookWeekMetrics(rows: Map<string, Row>, scoreOf: (id: string) => number, from: number): WeekMetrics {
  const auc = new ExactROCAUC();
  const ap = new AveragePrecision();
  const recall = new RecallAtBudget({ fraction: 0.01 });
  const known = new Set<string>();
  const byDay = new Map<number, [string, Row][]>();
  for (const [id, r] of rows) {
    if (r.fraud && r.day >= from - 14 && r.day < from - 7) known.add(r.customer);
    if (r.day >= from - 8 && r.day < from + 7) (byDay.get(r.day) ?? byDay.set(r.day, []).get(r.day)!).push([id, r]);
  }
  let scored = 0;
  let frauds = 0;
  let cpSum = 0;
  const detected = new Set<string>();
  for (let d = 0; d < 7; d++) {
    for (const [, r] of byDay.get(from - 8 + d) ?? []) if (r.fraud) known.add(r.customer);
    const cards = new Map<string, { score: number; fraud: boolean }>();
    for (const [id, r] of byDay.get(from + d) ?? []) {
      if (known.has(r.customer)) continue;
      const s = scoreOf(id);
      auc.update(r.fraud, s);
      ap.update(r.fraud, s);
      recall.update(r.fraud, s);
      scored++;
      if (r.fraud) frauds++;
      if (detected.has(r.customer)) continue;
      const c = cards.get(r.customer);
      if (!c) cards.set(r.customer, { score: s, fraud: r.fraud });
      else {
        c.score = Math.max(c.score, s);
        c.fraud ||= r.fraud;
      }
    }
    const top = [...cards].sort((a, b) => b[1].score - a[1].score).slice(0, 100);
    let hits = 0;
    for (const [customer, c] of top) {
      if (!c.fraud) continue;
      hits++;
      detected.add(customer);
    }
    cpSum += hits / 100;
  }
  return {
    rows_scored: scored,
    frauds_scored: frauds,
    roc_auc: auc.get(),
    average_precision: ap.get(),
    card_precision_at_100: cpSum / 7,
    recall_at_1pct_alerts: recall.get(),
  };
}
