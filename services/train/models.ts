/** The model set-ups train can run (RTML_MODEL / --model). */
import type { ModelKind } from "../shared/config.ts";
import type { Classifier } from "../shared/ml/base.ts";
import { createPipeline } from "../shared/ml/compose/pipeline.ts";
import { AveragedLogisticRegression } from "../shared/ml/linear/averaged-logistic-regression.ts";
import { LogisticRegression } from "../shared/ml/linear/logistic-regression.ts";
import { GaussianNB } from "../shared/ml/naive-bayes/gaussian-nb.ts";
import { StandardScaler } from "../shared/ml/preprocessing/standard-scaler.ts";
import { AdaptiveRandomForestClassifier } from "../shared/ml/tree/adaptive-random-forest-classifier.ts";
import { HoeffdingAdaptiveTreeClassifier } from "../shared/ml/tree/hoeffding-adaptive-tree-classifier.ts";
import { HoeffdingTreeClassifier } from "../shared/ml/tree/hoeffding-tree-classifier.ts";

export function createModel(kind: ModelKind): Classifier {
  switch (kind) {
    case "lr":
      return createPipeline(new StandardScaler(), new LogisticRegression());
    case "lr-avg":
      // Averaged SGD (ASGD); on the Fraud Detection Handbook weeks it beats `lr` (docs/benchmarks.md).
      return createPipeline(new StandardScaler(), new AveragedLogisticRegression());
    case "nb":
      return new GaussianNB();
    case "ht":
      return new HoeffdingTreeClassifier();
    case "hat":
      return new HoeffdingAdaptiveTreeClassifier({ seed: 42 });
    case "arf":
      return new AdaptiveRandomForestClassifier({ seed: 42 });
  }
}
