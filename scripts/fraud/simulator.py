"""The Fraud Detection Handbook's transaction simulator, re-implemented for rtml.

The handbook (Le Borgne et al., "Reproducible Machine Learning for Credit Card Fraud Detection - Practical
Handbook", Chapter 3 "Transaction data simulator") describes a simulator whose output, 183 days from
2018-04-01, was published as `Fraud-Detection-Handbook/simulated-data-raw` and, with window features, as
`simulated-data-transformed` (the bundled fraudsim_*.csv.gz weeks are 21 of those days). This module is
written from that description; it draws the same random numbers in the same order, so it regenerates the
published rows exactly (scripts/fraud/README.md has the verification):

* customers (RandomState(0)): per customer, four uniform draws in turn: x, y in [0, 100), the mean amount
  in [5, 100) and the mean number of transactions per day in [0, 4); the amount's std is mean / 2;
* terminals (RandomState(1)): per terminal, x and y in [0, 100);
* a customer can use the terminals at Euclidean distance < r (5), in terminal-id order;
* transactions, per customer with Python's `random` and NumPy's legacy global RandomState both seeded with
  the customer id: per day a Poisson(mean per day) count; per transaction a time int(N(43200, 20000)) s,
  kept only inside (0, 86400); if kept, an amount N(mean, std), redrawn as U(0, 2 mean) when negative,
  rounded to cents, and a terminal `random.choice` among the reachable ones (none: the row is dropped);
* all customers' rows in customer order, sorted by TX_DATETIME with pandas' default (quicksort, so the
  order of same-second rows is that algorithm's), numbered from 0: TRANSACTION_ID;
* frauds: (1) amount > 220; (2) each day d of range(max day), the 2 terminals of
  `TERMINAL_ID.sample(n=2, random_state=d)` are compromised for days [d, d + 28); (3) each day d, the 3
  customers of `CUSTOMER_ID.sample(n=3, random_state=d)` are compromised for [d, d + 14): with
  `random.seed(d)`, a third (rounded down) of their rows in that span, `random.sample` of the ascending
  row ids, get amount x 5 and scenario 3. Later scenarios overwrite the scenario of earlier ones.

The legacy RandomState streams and Python's `random` are stable across versions; the tie order of the sort
and pandas' `sample` are the version-sensitive parts, so the venv pins NumPy and pandas of the handbook's
time (scripts/fraud/provision-venv.sh).
"""
from __future__ import annotations

import random

import numpy as np
import pandas as pd

START_DATE = "2018-04-01"
RAW_COLUMNS = ["TRANSACTION_ID", "TX_DATETIME", "CUSTOMER_ID", "TERMINAL_ID", "TX_AMOUNT",
               "TX_TIME_SECONDS", "TX_TIME_DAYS", "TX_FRAUD", "TX_FRAUD_SCENARIO"]
DAY_SECONDS = 86_400


def customer_profiles(n: int, seed: int = 0) -> pd.DataFrame:
    # One scalar uniform(lo, hi) is lo + (hi - lo) * next_double(): drawing the doubles as an (n, 4) block
    # and scaling per column gives the same numbers as the per-customer loop.
    u = np.random.RandomState(seed).random_sample((n, 4))
    mean_amount = 5 + 95 * u[:, 2]
    return pd.DataFrame({
        "CUSTOMER_ID": np.arange(n),
        "x": 100 * u[:, 0],
        "y": 100 * u[:, 1],
        "mean_amount": mean_amount,
        "std_amount": mean_amount / 2,
        "mean_nb_tx_per_day": 4 * u[:, 3],
    })


def terminal_profiles(n: int, seed: int = 1) -> pd.DataFrame:
    u = np.random.RandomState(seed).random_sample((n, 2))
    return pd.DataFrame({"TERMINAL_ID": np.arange(n), "x": 100 * u[:, 0], "y": 100 * u[:, 1]})


def reachable_terminals(cx: float, cy: float, terminals_xy: np.ndarray, r: float) -> list:
    d = np.sqrt(np.sum(np.square(np.array([cx, cy]) - terminals_xy), axis=1))
    return list(np.flatnonzero(d < r))


def customer_transactions(cid: int, mean_amount: float, std_amount: float, per_day: float,
                          terminals: list, nb_days: int) -> list:
    """Rows [seconds, day, customer, terminal, amount] of one customer, in generation order (amounts not
    yet rounded: `transactions` rounds them all at once, the same np.round per value)."""
    random.seed(cid)
    np.random.seed(cid)
    poisson, normal, uniform, choice = np.random.poisson, np.random.normal, np.random.uniform, random.choice
    rows = []
    for day in range(nb_days):
        for _ in range(poisson(per_day)):
            t = int(normal(DAY_SECONDS / 2, 20_000))
            if not 0 < t < DAY_SECONDS:
                continue
            amount = normal(mean_amount, std_amount)
            if amount < 0:
                amount = uniform(0, mean_amount * 2)
            if terminals:
                rows.append((t + day * DAY_SECONDS, day, cid, choice(terminals), amount))
    return rows


def transactions(customers: pd.DataFrame, terminals: pd.DataFrame, nb_days: int, r: float,
                 start_date: str = START_DATE) -> pd.DataFrame:
    txy = terminals[["x", "y"]].values.astype(float)
    rows = []
    for c in customers.itertuples(index=False):
        reach = reachable_terminals(c.x, c.y, txy, r)
        rows.extend(customer_transactions(int(c.CUSTOMER_ID), c.mean_amount, c.std_amount,
                                          c.mean_nb_tx_per_day, reach, nb_days))
    df = pd.DataFrame(rows, columns=["TX_TIME_SECONDS", "TX_TIME_DAYS", "CUSTOMER_ID", "TERMINAL_ID", "TX_AMOUNT"])
    df["TX_AMOUNT"] = np.round(df["TX_AMOUNT"].values.astype(np.float64), decimals=2)
    df["TX_DATETIME"] = pd.to_datetime(df["TX_TIME_SECONDS"], unit="s", origin=start_date)
    df = df[["TX_DATETIME", "CUSTOMER_ID", "TERMINAL_ID", "TX_AMOUNT", "TX_TIME_SECONDS", "TX_TIME_DAYS"]]
    df = df.sort_values("TX_DATETIME").reset_index(drop=True)  # default kind (quicksort): its tie order
    df.insert(0, "TRANSACTION_ID", df.index.values)
    return df


def add_frauds(customers: pd.DataFrame, terminals: pd.DataFrame, tx: pd.DataFrame) -> pd.DataFrame:
    fraud = np.zeros(len(tx), dtype=np.int64)
    scenario = np.zeros(len(tx), dtype=np.int64)
    amount = tx["TX_AMOUNT"].values.copy()
    days = tx["TX_TIME_DAYS"].values
    big = amount > 220
    fraud[big], scenario[big] = 1, 1
    last = int(days.max())
    terminal_ids = tx["TERMINAL_ID"].values
    for d in range(last):
        hit = terminals["TERMINAL_ID"].sample(n=2, random_state=d).values
        rows = (days >= d) & (days < d + 28) & np.isin(terminal_ids, hit)
        fraud[rows], scenario[rows] = 1, 2
    customer_ids = tx["CUSTOMER_ID"].values
    for d in range(last):
        hit = customers["CUSTOMER_ID"].sample(n=3, random_state=d).values
        ids = np.flatnonzero((days >= d) & (days < d + 14) & np.isin(customer_ids, hit))
        random.seed(d)
        chosen = random.sample(list(ids), k=len(ids) // 3)
        amount[chosen] = amount[chosen] * 5
        fraud[chosen], scenario[chosen] = 1, 3
    out = tx.copy()
    out["TX_AMOUNT"] = amount
    out["TX_FRAUD"] = fraud
    out["TX_FRAUD_SCENARIO"] = scenario
    return out


def simulate(n_customers: int = 5000, n_terminals: int = 10000, nb_days: int = 183, r: float = 5,
             start_date: str = START_DATE) -> pd.DataFrame:
    """The handbook's data set: 183 days from 2018-04-01, 5,000 customers, 10,000 terminals, r = 5."""
    customers = customer_profiles(n_customers, seed=0)
    terminals = terminal_profiles(n_terminals, seed=1)
    tx = transactions(customers, terminals, nb_days, r, start_date)
    return add_frauds(customers, terminals, tx)[RAW_COLUMNS]
