"""River side of `npm run bench:ml` (docs/benchmarks.md, "Online ML").

Runs River's own models on the same files, in the same order, with the same loop as scripts/bench-ml.ts:
for each sample `predict_one` (skipped-in-metric when River returns None), update Accuracy and F1, then
`learn_one`. Data are parsed into lists of dicts before the clock starts; the clock covers the loop only.
Prints a JSON array, one object per model and dataset: model, dataset, accuracy, f1, samples_per_s.

    python scripts/bench-ml-river.py [--models lr,alma,nb,ht,hat,arf] [--datasets phishing,bananas,elec2] [--repeat 1]

Needs `pip install river==0.19.0` (see docs/benchmarks.md).
"""
import argparse
import csv
import gzip
import io
import json
import os
import platform
import sys
import time

import river
from river import forest, linear_model, metrics, naive_bayes, optim, preprocessing, tree

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "services", "shared", "dataset", "data")


def read_csv(name, label, positive="1"):
    path = os.path.join(DATA, name)
    raw = gzip.open(path, "rb").read() if name.endswith(".gz") else open(path, "rb").read()
    rows = []
    for row in csv.DictReader(io.StringIO(raw.decode("utf-8"))):
        y = row.pop(label).strip() == positive
        rows.append(({k: float(v) for k, v in row.items()}, y))
    return rows


DATASETS = {
    "phishing": lambda: read_csv("phishing.csv.gz", "is_phishing"),
    "bananas": lambda: read_csv("bananas.csv", "label"),
    "elec2": lambda: read_csv("elec2_electricity.csv.gz", "class"),
}

# benchmarks/config.py of River's repository (reference/ml-parity.md §3)
MODELS = {
    "lr": ("Logistic regression", lambda: preprocessing.StandardScaler() | linear_model.LogisticRegression(optimizer=optim.SGD(0.005))),
    "alma": ("ALMA", lambda: preprocessing.StandardScaler() | linear_model.ALMAClassifier()),
    "nb": ("Naive Bayes", lambda: naive_bayes.GaussianNB()),
    "ht": ("Hoeffding Tree", lambda: tree.HoeffdingTreeClassifier()),
    "hat": ("Hoeffding Adaptive Tree", lambda: tree.HoeffdingAdaptiveTreeClassifier(seed=42)),
    "arf": ("Adaptive Random Forest", lambda: forest.ARFClassifier(seed=42)),
}


def run(model, data):
    acc, f1 = metrics.Accuracy(), metrics.F1()
    t0 = time.perf_counter()
    for x, y in data:
        p = model.predict_one(x)
        if p is not None:
            acc.update(y, p)
            f1.update(y, p)
        model.learn_one(x, y)
    return acc.get(), f1.get(), time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--datasets", default=",".join(DATASETS))
    ap.add_argument("--repeat", type=int, default=1, help="best of N runs for the time")
    a = ap.parse_args()
    out = []
    for ds in a.datasets.split(","):
        data = DATASETS[ds]()
        for key in a.models.split(","):
            name, make = MODELS[key]
            best = None
            for _ in range(a.repeat):
                accuracy, f1, secs = run(make(), data)
                best = secs if best is None else min(best, secs)
            row = {"model": key, "name": name, "dataset": ds, "n": len(data), "accuracy": round(accuracy, 6), "f1": round(f1, 6),
                   "seconds": round(best, 4), "samples_per_s": round(len(data) / best, 1),
                   "river": river.__version__, "python": platform.python_version()}
            print(json.dumps(row), file=sys.stderr, flush=True)
            out.append(row)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
