/**
 * Imports every built-in estimator of the library, so that each registers its
 * `fromJSON` (see registry.ts). Import this module before `estimatorFromJSON` in a process that only
 * loads snapshots (e.g. the infer service).
 */
export { StandardScaler } from "./preprocessing/standard-scaler.ts";
export { SGD } from "./optim/sgd.ts";
export { LogisticRegression } from "./linear/logistic-regression.ts";
export { AveragedLogisticRegression } from "./linear/averaged-logistic-regression.ts";
export { ALMAClassifier } from "./linear/alma-classifier.ts";
export { GaussianNB } from "./naive-bayes/gaussian-nb.ts";
export { Pipeline, createPipeline } from "./compose/pipeline.ts";
export { ADWIN } from "./drift/adwin.ts";
export { PageHinkley } from "./drift/page-hinkley.ts";
export { KSWIN } from "./drift/kswin.ts";
export { DDM } from "./drift/ddm.ts";
export { EDDM } from "./drift/eddm.ts";
export { HDDM_A } from "./drift/hddm-a.ts";
export { HDDM_W } from "./drift/hddm-w.ts";
export { HoeffdingTreeClassifier } from "./tree/hoeffding-tree-classifier.ts";
export { AdaptiveRandomForestClassifier } from "./tree/adaptive-random-forest-classifier.ts";
export { HoeffdingAdaptiveTreeClassifier } from "./tree/hoeffding-adaptive-tree-classifier.ts";
export { RandomUnderSampler, RandomOverSampler, RandomSampler } from "./imblearn/random.ts";
export { ClassWeightedClassifier } from "./imblearn/class-weight.ts";
export { SoftVotingClassifier } from "./ensemble/soft-voting.ts";
