/**
 * Imports every built-in estimator of this half of the library, so that each registers its
 * `fromJSON` (see registry.ts). Import this module before `estimatorFromJSON` in a process that only
 * loads snapshots (e.g. the infer service).
 */
export { StandardScaler } from "./preprocessing/standard-scaler.ts";
export { SGD } from "./optim/sgd.ts";
export { LogisticRegression } from "./linear/logistic-regression.ts";
export { ALMAClassifier } from "./linear/alma-classifier.ts";
export { GaussianNB } from "./naive-bayes/gaussian-nb.ts";
export { Pipeline, createPipeline } from "./compose/pipeline.ts";
