/**
 * Streaming classification metrics (River's `metrics`).
 */
export { Accuracy } from "./accuracy.ts";
export { BinaryLabelMetric } from "./binary-metric.ts";
export type { BinaryMetricParams } from "./binary-metric.ts";
export { CohenKappa } from "./cohen-kappa.ts";
export { ConfusionMatrix, BinaryCounts, asLabel } from "./confusion-matrix.ts";
export { F1 } from "./f1.ts";
export { KappaT } from "./kappa-t.ts";
export { LogLoss } from "./log-loss.ts";
export type { LogLossParams } from "./log-loss.ts";
export { Precision } from "./precision.ts";
export { Recall } from "./recall.ts";
export { ROCAUC } from "./roc-auc.ts";
export type { ROCAUCParams } from "./roc-auc.ts";
export { Rolling } from "./rolling.ts";
export { AveragePrecision, ExactROCAUC, RecallAtBudget } from "./ranking.ts";
export type { RankingParams, RecallAtBudgetParams } from "./ranking.ts";
