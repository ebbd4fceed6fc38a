/**
 * `npm run bench:ml -- [--json] [--models lr,alma,nb,ht,hat,arf] [--datasets phishing,bananas,elec2] [--repeat 3]`:
 * River's binary-classification benchmark models (reference/ml-parity.md §3) on the bundled Phishing,
 * Bananas and Elec2 files, with the loop of scripts/bench-ml-river.py: per sample `predictOne` (an empty
 * prediction is not scored), Accuracy and F1 updated, then `learnOne`. Data are parsed before the clock
 * starts; `samples_per_s` covers predict + learn + metric updates, best of `--repeat` runs (default 5)
 * after one untimed warm-up run (`--no-warmup` to skip it), i.e. steady-state JIT-compiled speed.
 * Prints one line per run to stderr and, with --json, a JSON array on stdout (a table otherwise).
 */
import os from "node:os";
import { parseArgs } from "node:util";
import type { Classifier } from "../services/shared/ml/base.ts";
import { createPipeline } from "../services/shared/ml/compose/pipeline.ts";
import { loadBinaryCsv } from "../services/shared/ml/evaluate/fixtures.ts";
import type { Sample } from "../services/shared/ml/evaluate/progressive-val-score.ts";
import { ALMAClassifier } from "../services/shared/ml/linear/alma-classifier.ts";
import { LogisticRegression } from "../services/shared/ml/linear/logistic-regression.ts";
import { Accuracy } from "../services/shared/ml/metrics/accuracy.ts";
import { F1 } from "../services/shared/ml/metrics/f1.ts";
import { GaussianNB } from "../services/shared/ml/naive-bayes/gaussian-nb.ts";
import { StandardScaler } from "../services/shared/ml/preprocessing/standard-scaler.ts";
import { AdaptiveRandomForestClassifier } from "../services/shared/ml/tree/adaptive-random-forest-classifier.ts";
import { HoeffdingAdaptiveTreeClassifier } from "../services/shared/ml/tree/hoeffding-adaptive-tree-classifier.ts";
import { HoeffdingTreeClassifier } from "../services/shared/ml/tree/hoeffding-tree-classifier.ts";

const DATA = new URL("../services/shared/dataset/data/", import.meta.url);
const DATASETS: Record<string, () => Sample[]> = {
  phishing: () => loadBinaryCsv(new URL("phishing.csv.gz", DATA), "is_phishing"),
  bananas: () => loadBinaryCsv(new URL("bananas.csv", DATA), "label"),
  elec2: () => loadBinaryCsv(new URL("elec2_electricity.csv.gz", DATA), "class"),
};
/** River's benchmarks/config.py set-ups. */
const MODELS: Record<string, [string, () => Classifier]> = {
  lr: ["Logistic regression", () => createPipeline(new StandardScaler(), new LogisticRegression({ lr: 0.005 }))],
  alma: ["ALMA", () => createPipeline(new StandardScaler(), new ALMAClassifier())],
  nb: ["Naive Bayes", () => new GaussianNB()],
  ht: ["Hoeffding Tree", () => new HoeffdingTreeClassifier()],
  hat: ["Hoeffding Adaptive Tree", () => new HoeffdingAdaptiveTreeClassifier({ seed: 42 })],
  arf: ["Adaptive Random Forest", () => new AdaptiveRandomForestClassifier({ seed: 42 })],
};

const { values } = parseArgs({
  options: {
    json: { type: "boolean", default: false },
    models: { type: "string", default: Object.keys(MODELS).join(",") },
    datasets: { type: "string", default: Object.keys(DATASETS).join(",") },
    repeat: { type: "string", default: "5" },
    warmup: { type: "boolean", default: true },
  },
});

function run(model: Classifier, data: readonly Sample[]): { accuracy: number; f1: number; seconds: number } {
  const acc = new Accuracy();
  const f1 = new F1();
  const t0 = process.hrtime.bigint();
  for (const [x, y] of data) {
    const p = model.predictOne(x);
    if (p !== undefined) {
      acc.update(y, p);
      f1.update(y, p);
    }
    model.learnOne(x, y);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { accuracy: acc.get(), f1: f1.get(), seconds };
}

const machine = { cpus: os.cpus().length, cpu_model: os.cpus()[0]?.model ?? "", node: process.version, loadavg_1m: Number(os.loadavg()[0]!.toFixed(2)) };
const repeat = Math.max(1, Number(values.repeat));
const rows = [];
for (const ds of values.datasets!.split(",")) {
  const load = DATASETS[ds];
  if (load === undefined) throw new Error(`unknown dataset ${ds}`);
  const data = load();
  for (const key of values.models!.split(",")) {
    const entry = MODELS[key];
    if (entry === undefined) throw new Error(`unknown model ${key}`);
    let best: ReturnType<typeof run> | undefined;
    if (values.warmup) run(entry[1](), data); // untimed: let the JIT compile the hot paths first
    for (let r = 0; r < repeat; r++) {
      const res = run(entry[1](), data);
      if (best === undefined || res.seconds < best.seconds) best = res;
    }
    const row = {
      model: key, name: entry[0], dataset: ds, n: data.length,
      accuracy: Number(best!.accuracy.toFixed(6)), f1: Number(best!.f1.toFixed(6)),
      seconds: Number(best!.seconds.toFixed(4)), samples_per_s: Math.round(data.length / best!.seconds),
    };
    process.stderr.write(JSON.stringify(row) + "\n");
    rows.push(row);
  }
}
if (values.json) process.stdout.write(JSON.stringify(rows.map((r) => ({ ...r, machine }))) + "\n");
else {
  process.stdout.write("model  dataset   accuracy  f1        samples/s\n");
  for (const r of rows) process.stdout.write(`${r.model.padEnd(6)} ${r.dataset.padEnd(9)} ${r.accuracy.toFixed(6)}  ${r.f1.toFixed(6)}  ${r.samples_per_s}\n`);
}
