/**
 * `npm run eval:fraud -- [--json] [--models lr,lr-weighted,arf] [--features service|precomputed]`: the Fraud
 * Detection Handbook evaluation of online models on the bundled weeks, with our feature service and a
 * 7-day label delay. The protocol is in scripts/lib/fraud-eval.ts; results go to docs/benchmarks.md.
 */
import { parseArgs } from "node:util";
import type { Classifier } from "../services/shared/ml/base.ts";
import { createPipeline } from "../services/shared/ml/compose/pipeline.ts";
import { balancedWeights, ClassWeightedClassifier } from "../services/shared/ml/imblearn/class-weight.ts";
import { RandomUnderSampler } from "../services/shared/ml/imblearn/random.ts";
import { LogisticRegression } from "../services/shared/ml/linear/logistic-regression.ts";
import { GaussianNB } from "../services/shared/ml/naive-bayes/gaussian-nb.ts";
import { StandardScaler } from "../services/shared/ml/preprocessing/standard-scaler.ts";
import { AdaptiveRandomForestClassifier } from "../services/shared/ml/tree/adaptive-random-forest-classifier.ts";
import { HoeffdingAdaptiveTreeClassifier } from "../services/shared/ml/tree/hoeffding-adaptive-tree-classifier.ts";
import { runFraudEval } from "./lib/fraud-eval.ts";

/** Model set-ups; the positive rate of the stream is about 0.9%. */
export const FRAUD_MODELS: Record<string, () => Classifier> = {
  lr: () => createPipeline(new StandardScaler(), new LogisticRegression()),
  "lr-0.1": () => createPipeline(new StandardScaler(), new LogisticRegression({ lr: 0.1 })),
  nb: () => new GaussianNB(),
  "lr-weighted": () => new ClassWeightedClassifier({ classifier: createPipeline(new StandardScaler(), new LogisticRegression()), weights: balancedWeights(0.009) }),
  "lr-under": () => createPipeline(new StandardScaler(), new RandomUnderSampler({ classifier: new LogisticRegression(), desiredDist: [[false, 0.9], [true, 0.1]], seed: 42 })),
  hat: () => new HoeffdingAdaptiveTreeClassifier({ seed: 42 }),
  arf: () => new AdaptiveRandomForestClassifier({ seed: 42 }),
};

const { values } = parseArgs({
  options: {
    json: { type: "boolean", default: false },
    models: { type: "string", default: "lr" },
    features: { type: "string", default: "service" },
    drop: { type: "string", default: "" },
    "truncated-windows": { type: "boolean", default: false },
  },
});
/** `--drop 30d` leaves out the four 30-day windows; otherwise a comma-separated list of handbook names. */
const dropList = values.drop === "30d" ? ["CUSTOMER_ID_NB_TX_30DAY_WINDOW", "CUSTOMER_ID_AVG_AMOUNT_30DAY_WINDOW", "TERMINAL_ID_NB_TX_30DAY_WINDOW", "TERMINAL_ID_RISK_30DAY_WINDOW"]
  : values.drop!.split(",").filter(Boolean);
const out = [];
for (const key of values.models!.split(",")) {
  const create = FRAUD_MODELS[key];
  if (!create) throw new Error(`unknown model ${key} (${Object.keys(FRAUD_MODELS).join(", ")})`);
  const r = { setup: key, ...(await runFraudEval({ createModel: create, features: values.features as "service" | "precomputed", drop: dropList, completeWindowsOnly: !values["truncated-windows"] })) };
  process.stderr.write(JSON.stringify(r) + "\n");
  out.push(r);
}
if (values.json) process.stdout.write(JSON.stringify(out) + "\n");
else for (const r of out) process.stdout.write(`${r.setup.padEnd(12)} AUC ${r.roc_auc.toFixed(4)}  AP ${r.average_precision.toFixed(4)}  CP@100 ${r.card_precision_at_100.toFixed(3)}  features match ${(r.feature_match_reproducible * 100).toFixed(3)}%\n`);
