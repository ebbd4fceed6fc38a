/**
 * The model set-ups of the Fraud Detection Handbook evaluation (`npm run eval:fraud -- --models a,b`,
 * scripts/lib/fraud-eval.ts; figures in docs/benchmarks.md), and the candidate grid that `--select` picks
 * from on the validation week. Each builds a fresh online classifier.
 */
import type { Classifier } from "../../services/shared/ml/base.ts";
import { createPipeline } from "../../services/shared/ml/compose/pipeline.ts";
import { balancedWeights, ClassWeightedClassifier } from "../../services/shared/ml/imblearn/class-weight.ts";
import { RandomUnderSampler } from "../../services/shared/ml/imblearn/random.ts";
import { AveragedLogisticRegression, type AveragedLogisticRegressionParams } from "../../services/shared/ml/linear/averaged-logistic-regression.ts";
import { LogisticRegression } from "../../services/shared/ml/linear/logistic-regression.ts";
import { GaussianNB } from "../../services/shared/ml/naive-bayes/gaussian-nb.ts";
import { StandardScaler } from "../../services/shared/ml/preprocessing/standard-scaler.ts";
import { AdaptiveRandomForestClassifier } from "../../services/shared/ml/tree/adaptive-random-forest-classifier.ts";
import { HoeffdingAdaptiveTreeClassifier } from "../../services/shared/ml/tree/hoeffding-adaptive-tree-classifier.ts";

const scaled = (model: Classifier) => createPipeline(new StandardScaler(), model);

/** The candidate grid's SGD rates (River's default is 0.01). */
export const GRID_RATES = [0.005, 0.01, 0.015, 0.02, 0.03, 0.05] as const;
/**
 * The candidate grid's weight averaging (AveragedLogisticRegression): none (River's LR), an exponential
 * window over about 50k / 100k / 200k updates (uniform until then), or the textbook uniform ASGD average
 * from the first update or from update 100,000 (about the first two weeks of the 115-day history).
 */
export const GRID_AVERAGING: Record<string, AveragedLogisticRegressionParams | null> = {
  "": null,
  "-avg50k": { averageWindow: 50_000 },
  "-avg100k": { averageWindow: 100_000 },
  "-avg200k": { averageWindow: 200_000 },
  "-asgd": { averageWindow: null },
  "-asgd100k": { averageWindow: null, averageStart: 100_000 },
};

/**
 * The candidate grid of the validation-week selection (`npm run eval:fraud -- --history --select`):
 * StandardScaler | LR for each rate × averaging, named `lr-<rate><averaging>`, e.g. `lr-0.02-avg50k`;
 * plain LR first, so a tie goes to the simpler set-up.
 */
export const FRAUD_GRID: Record<string, () => Classifier> = Object.fromEntries(
  Object.entries(GRID_AVERAGING).flatMap(([suffix, avg]) => GRID_RATES.map((lr) => [
    `lr-${lr}${suffix}`,
    () => scaled(avg ? new AveragedLogisticRegression({ lr, ...avg }) : new LogisticRegression({ lr })),
  ])),
);

/**
 * The set-ups FRAUD_GRID's validation week picks (`--select`; docs/benchmarks.md), asserted by
 * test/e2e/fraud-handbook-history.test.ts: by AUC, the primary metric, plain LR at River's default rate
 * (the same model as `lr`); by average precision, rate 0.02 with a ~50k-update average.
 */
export const FRAUD_SELECTED = { roc_auc: "lr-0.01", average_precision: "lr-0.02-avg50k" } as const;

/** Model set-ups; the positive rate of the stream is about 0.9%. */
export const FRAUD_MODELS: Record<string, () => Classifier> = {
  lr: () => scaled(new LogisticRegression()),
  "lr-0.1": () => scaled(new LogisticRegression({ lr: 0.1 })),
  "lr-0.003": () => scaled(new LogisticRegression({ lr: 0.003 })),
  "lr-0.001": () => scaled(new LogisticRegression({ lr: 0.001 })),
  nb: () => new GaussianNB(),
  "lr-weighted": () => new ClassWeightedClassifier({ classifier: scaled(new LogisticRegression()), weights: balancedWeights(0.009) }),
  "lr-under": () => scaled(new RandomUnderSampler({ classifier: new LogisticRegression(), desiredDist: [[false, 0.9], [true, 0.1]], seed: 42 })),
  /** StandardScaler | AveragedLogisticRegression with its defaults (`rtml up --model lr-avg`): lr 0.01, ~100k-update average. */
  "lr-avg": () => scaled(new AveragedLogisticRegression()),
  hat: () => new HoeffdingAdaptiveTreeClassifier({ seed: 42 }),
  arf: () => new AdaptiveRandomForestClassifier({ seed: 42 }),
  ...FRAUD_GRID,
};
