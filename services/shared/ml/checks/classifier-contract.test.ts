import { ALMAClassifier } from "../linear/alma-classifier.ts";
import { AveragedLogisticRegression } from "../linear/averaged-logistic-regression.ts";
import { LogisticRegression } from "../linear/logistic-regression.ts";
import { GaussianNB } from "../naive-bayes/gaussian-nb.ts";
import { createPipeline, Pipeline } from "../compose/pipeline.ts";
import { StandardScaler } from "../preprocessing/standard-scaler.ts";
import { describeClassifierContract } from "./classifier.contract.ts";

describeClassifierContract("LogisticRegression", { create: () => new LogisticRegression() });
describeClassifierContract("LogisticRegression(lr=0.1, l2=0.01)", {
  create: () => new LogisticRegression({ lr: 0.1, l2: 0.01 }),
});
describeClassifierContract("AveragedLogisticRegression", { create: () => new AveragedLogisticRegression() });
describeClassifierContract("AveragedLogisticRegression(lr=0.1, averageStart=50, averageWindow=100)", {
  create: () => new AveragedLogisticRegression({ lr: 0.1, averageStart: 50, averageWindow: 100 }),
});
describeClassifierContract("StandardScaler | AveragedLogisticRegression(averageWindow=null)", {
  create: () => createPipeline(new StandardScaler(), new AveragedLogisticRegression({ averageWindow: null })),
});
describeClassifierContract("ALMAClassifier", { create: () => new ALMAClassifier() });
describeClassifierContract("GaussianNB", { create: () => new GaussianNB() });
describeClassifierContract("GaussianNB (string labels)", { create: () => new GaussianNB(), labels: ["no", "yes"] });
describeClassifierContract("StandardScaler | LogisticRegression", {
  create: () => createPipeline(new StandardScaler(), new LogisticRegression()),
});
describeClassifierContract("StandardScaler | ALMAClassifier", {
  create: () => createPipeline(new StandardScaler(), new ALMAClassifier()),
});
describeClassifierContract("StandardScaler(withStd=false) | GaussianNB, learnDuringPredict", {
  create: () =>
    new Pipeline({ transformers: [new StandardScaler({ withStd: false })], model: new GaussianNB(), learnDuringPredict: true }),
  skip: {
    "clone gives an unfitted independent model":
      "learnDuringPredict updates the scaler on every prediction, so predicting twice differs by design",
  },
});
