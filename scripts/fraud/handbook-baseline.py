"""The Fraud Detection Handbook's baseline models, re-run on the bundled weeks with the handbook's own code
path (Chapter_3_GettingStarted/BaselineModeling.ipynb: get_train_test_set, scaleData, sklearn defaults), so
our online figures stand beside a reference computed here on the same rows, not only beside the printed
table. Prints one JSON object; with --scores PATH also writes TRANSACTION_ID,score per test row (CSV).

With --compare A.csv [B.csv …] (from `npm run eval:fraud -- --history --scores DIR`), each online set-up's
test-week scores are joined by TRANSACTION_ID with the same rows and set beside the batch LR, with a 95%
card-level paired bootstrap interval of the difference (customers resampled with replacement: a compromised
card's transactions are not independent). The batch LR is also fitted with the 4 inputs the online `-ratios`
set-ups add (scripts/fraud/models.ts AmountRatios), as a second reference for them.

Usage: `npm run fraud:baseline` (scripts/fraud/baseline.sh: makes a venv with pinned pandas and scikit-learn
in ~/.cache/rtml/venv-sklearn, then runs this), or python scripts/fraud/handbook-baseline.py [--data DIR]
[--scores PATH]. The converged solution (tol 1e-8) is printed too: the notebook's defaults stop after 28
lbfgs iterations.
"""
import argparse
import json
import os
import sys

import numpy as np
import pandas as pd
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.preprocessing import StandardScaler

FEATURES = [
    "TX_AMOUNT", "TX_DURING_WEEKEND", "TX_DURING_NIGHT",
    "CUSTOMER_ID_NB_TX_1DAY_WINDOW", "CUSTOMER_ID_AVG_AMOUNT_1DAY_WINDOW",
    "CUSTOMER_ID_NB_TX_7DAY_WINDOW", "CUSTOMER_ID_AVG_AMOUNT_7DAY_WINDOW",
    "CUSTOMER_ID_NB_TX_30DAY_WINDOW", "CUSTOMER_ID_AVG_AMOUNT_30DAY_WINDOW",
    "TERMINAL_ID_NB_TX_1DAY_WINDOW", "TERMINAL_ID_RISK_1DAY_WINDOW",
    "TERMINAL_ID_NB_TX_7DAY_WINDOW", "TERMINAL_ID_RISK_7DAY_WINDOW",
    "TERMINAL_ID_NB_TX_30DAY_WINDOW", "TERMINAL_ID_RISK_30DAY_WINDOW",
]
AMOUNT_MEANS = ["CUSTOMER_ID_AVG_AMOUNT_1DAY_WINDOW", "CUSTOMER_ID_AVG_AMOUNT_7DAY_WINDOW", "CUSTOMER_ID_AVG_AMOUNT_30DAY_WINDOW"]
FILES = [
    "fraudsim_2018-07-25_to_2018-07-31_train.csv.gz",
    "fraudsim_2018-08-01_to_2018-08-07_delay.csv.gz",
    "fraudsim_2018-08-08_to_2018-08-14_test.csv.gz",
]


def get_train_test_set(df, start_day, delta_train=7, delta_delay=7, delta_test=7):
    """The handbook's get_train_test_set (shared_functions.py), on TX_TIME_DAYS."""
    train = df[(df.TX_TIME_DAYS >= start_day) & (df.TX_TIME_DAYS < start_day + delta_train)]
    known = set(train[train.TX_FRAUD == 1].CUSTOMER_ID)
    test_days = []
    for day in range(delta_test):
        test_day = df[df.TX_TIME_DAYS == start_day + delta_train + delta_delay + day]
        delay_day = df[df.TX_TIME_DAYS == start_day + delta_train + day - 1]
        known = known.union(set(delay_day[delay_day.TX_FRAUD == 1].CUSTOMER_ID))
        test_days.append(test_day[~test_day.CUSTOMER_ID.isin(known)])
    return train.sort_values("TRANSACTION_ID"), pd.concat(test_days).sort_values("TRANSACTION_ID")


def with_ratios(df):
    """The 15 inputs plus the 4 of scripts/fraud/models.ts AmountRatios (`-ratios`): log(1 + amount) and its
    difference to log(1 + each customer mean amount), so the batch LR gets the inputs our online pick gets."""
    x = df[FEATURES].copy()
    x["LOG_TX_AMOUNT"] = np.log1p(x.TX_AMOUNT.clip(lower=0))
    for c in AMOUNT_MEANS:
        x["LOG_AMOUNT_RATIO_" + c.split("_")[4]] = x.LOG_TX_AMOUNT - np.log1p(x[c].clip(lower=0))
    return x


def figures(test, scores):
    return {
        "roc_auc": round(float(roc_auc_score(test.TX_FRAUD, scores)), 4),
        "average_precision": round(float(average_precision_score(test.TX_FRAUD, scores)), 4),
        "card_precision_at_100": round(card_precision_top_k(test, scores), 4),
    }


def card_precision_top_k(test, scores, k=100):
    """The handbook's card_precision_top_k (remove_detected_compromised_cards=True): per day, a card's score
    is its highest transaction score; the share of frauds among the day's k highest cards, leaving out the
    cards found compromised in an earlier day's top k; averaged over the days."""
    t = test[["CUSTOMER_ID", "TX_TIME_DAYS", "TX_FRAUD"]].copy()
    t["score"] = scores
    detected = set()
    precisions = []
    for _, day in t.groupby("TX_TIME_DAYS"):
        day = day[~day.CUSTOMER_ID.isin(detected)]
        cards = day.groupby("CUSTOMER_ID").agg(score=("score", "max"), fraud=("TX_FRAUD", "max"))
        top = cards.sort_values("score", ascending=False, kind="mergesort").head(k)
        precisions.append(top.fraud.sum() / k)
        detected.update(top[top.fraud == 1].index)
    return float(np.mean(precisions))


def compare(test, references, files, replicates, seed=0):
    """Each file's scores on the test rows beside each of `references` (name: scores): figures, and bootstrap
    intervals of the differences (online minus reference) from resampling customers."""
    y = test.TX_FRAUD.to_numpy()
    groups = [np.asarray(ix) for ix in pd.Series(np.arange(len(test))).groupby(test.CUSTOMER_ID.to_numpy()).groups.values()]
    rng = np.random.default_rng(seed)
    samples = [np.concatenate([groups[g] for g in rng.integers(0, len(groups), len(groups))]) for _ in range(replicates)]
    metrics = (("roc_auc", roc_auc_score), ("average_precision", average_precision_score))
    # Each reference's figure on each replicate, computed once for all the files.
    on_samples = {(r, name): np.array([metric(y[ix], scores[ix]) for ix in samples]) for r, scores in references.items() for name, metric in metrics}
    results = {}
    for i, path in enumerate(files):
        print(f"fraud-baseline: comparing {os.path.basename(path)} ({i + 1} of {len(files)}, {replicates} replicates)", file=sys.stderr)
        scores = pd.read_csv(path).set_index("TRANSACTION_ID").score
        s = scores.reindex(test.TRANSACTION_ID.to_numpy()).to_numpy()
        if np.isnan(s).any():
            raise SystemExit(f"{path}: {int(np.isnan(s).sum())} test rows have no score")
        entry = figures(test, s)
        for name, metric in metrics:
            mine = np.array([metric(y[ix], s[ix]) for ix in samples])
            for ref_name, reference in references.items():
                d = mine - on_samples[(ref_name, name)]
                entry[f"{name}_minus_{ref_name}"] = round(float(metric(y, s) - metric(y, reference)), 4)
                entry[f"{name}_minus_{ref_name}_95ci"] = [round(float(q), 4) for q in np.percentile(d, [2.5, 97.5])]
        results[os.path.basename(path).removesuffix(".csv")] = entry
    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "services", "shared", "dataset", "data"))
    ap.add_argument("--scores")
    ap.add_argument("--compare", nargs="*", default=[])
    ap.add_argument("--replicates", type=int, default=1000)
    args = ap.parse_args()
    df = pd.concat([pd.read_csv(os.path.join(args.data, f)) for f in FILES])
    train, test = get_train_test_set(df, int(df.TX_TIME_DAYS.min()))
    scaler = StandardScaler().fit(train[FEATURES])
    x_train, x_test = scaler.transform(train[FEATURES]), scaler.transform(test[FEATURES])
    out = {"sklearn": sklearn.__version__, "train_rows": len(train), "test_rows": len(test), "test_frauds": int(test.TX_FRAUD.sum()), "models": {}}
    lr = LogisticRegression(random_state=0).fit(x_train, train.TX_FRAUD)
    scores = lr.predict_proba(x_test)[:, 1]
    out["models"]["logistic_regression"] = figures(test, scores)
    converged = LogisticRegression(random_state=0, tol=1e-8, max_iter=5000).fit(x_train, train.TX_FRAUD)
    cs = converged.predict_proba(x_test)[:, 1]
    out["models"]["logistic_regression_converged"] = figures(test, cs)
    # The same batch LR given the inputs of the online `-ratios` set-ups (not in the handbook).
    ratio_scaler = StandardScaler().fit(with_ratios(train))
    rs = LogisticRegression(random_state=0, tol=1e-8, max_iter=5000).fit(ratio_scaler.transform(with_ratios(train)), train.TX_FRAUD) \
        .predict_proba(ratio_scaler.transform(with_ratios(test)))[:, 1]
    out["models"]["logistic_regression_ratios_converged"] = figures(test, rs)
    if args.compare:
        out["compared_with"] = {"reference": "logistic_regression_converged", "reference_ratios": "logistic_regression_ratios_converged"}
        out["online"] = compare(test, {"reference": cs, "reference_ratios": rs}, args.compare, args.replicates)
    if args.scores:
        pd.DataFrame({"TRANSACTION_ID": test.TRANSACTION_ID.values, "score": scores}).to_csv(args.scores, index=False)
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
