"""Regenerates the Fraud Detection Handbook's simulated transactions (scripts/fraud/simulator.py), checks them
against the bundled weeks, and writes the days before them as history for `npm run eval:fraud -- --history`.

    python generate-history.py --out DIR [--from 2018-04-01] [--to 2018-07-24] [--verify FILE ...]

* --verify FILE...: bundled fraudsim_*.csv.gz files. The regenerated rows of the files' days are compared
  with the files' raw columns row for row (values, and the CSV text of each raw cell). Anything short of
  an exact match exits with status 2 and writes nothing.
* Writes DIR/<YYYY-MM-DD>.csv.gz for each day in [--from, --to] (raw columns only, rows in TRANSACTION_ID
  order, TX_DATETIME as `YYYY-MM-DD HH:MM:SS`, floats as Python's shortest repr: the bundled files' format;
  gzip with no name or time in the header, so the bytes are deterministic), then DIR/manifest.json, which
  is written last and marks the history complete.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import os
import platform
import sys
import time

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from simulator import RAW_COLUMNS, START_DATE, simulate  # noqa: E402

GENERATOR_VERSION = 1


def log(msg: str) -> None:
    print(f"fraud-history: {msg}", file=sys.stderr, flush=True)


def to_csv_text(df: pd.DataFrame) -> str:
    """The bundled files' text: datetimes to the second, floats as shortest repr, ints as ints."""
    out = io.StringIO()
    cols = [df["TRANSACTION_ID"].values, df["TX_DATETIME"].dt.strftime("%Y-%m-%d %H:%M:%S").values,
            df["CUSTOMER_ID"].values, df["TERMINAL_ID"].values, df["TX_AMOUNT"].values,
            df["TX_TIME_SECONDS"].values, df["TX_TIME_DAYS"].values, df["TX_FRAUD"].values,
            df["TX_FRAUD_SCENARIO"].values]
    out.write(",".join(RAW_COLUMNS) + "\n")
    for i, dt, c, t, a, s, d, f, sc in zip(*cols):
        out.write(f"{i},{dt},{c},{t},{float(a)!r},{s},{d},{f},{sc}\n")
    return out.getvalue()


def verify(sim: pd.DataFrame, files: list) -> dict:
    """Row-for-row comparison of the bundled files' raw columns with the regenerated rows of their days."""
    ref = pd.concat([pd.read_csv(f, usecols=RAW_COLUMNS, dtype=str, keep_default_na=False) for f in files])
    ref = ref.sort_values("TRANSACTION_ID", key=lambda s: s.astype(np.int64)).reset_index(drop=True)
    days = ref["TX_TIME_DAYS"].astype(np.int64)
    lo, hi = int(days.min()), int(days.max())
    sub = sim[(sim.TX_TIME_DAYS >= lo) & (sim.TX_TIME_DAYS <= hi)].reset_index(drop=True)
    text = pd.read_csv(io.StringIO(to_csv_text(sub)), dtype=str, keep_default_na=False)
    report = {"files": [os.path.basename(f) for f in files], "days": [lo, hi], "bundled_rows": len(ref),
              "regenerated_rows": len(sub)}
    if len(ref) != len(sub):
        report["exact"] = False
        return report
    per_col = {}
    all_equal = np.ones(len(ref), dtype=bool)
    for c in RAW_COLUMNS:
        if c == "TX_DATETIME":
            eq = ref[c].values == text[c].values
        elif c == "TX_AMOUNT":  # as numbers (exact double equality) and as text
            eq = (ref[c].astype(float).values == sub[c].values) & (ref[c].values == text[c].values)
        else:
            eq = ref[c].astype(np.int64).values == sub[c].values
        per_col[c] = int(eq.sum())
        all_equal &= eq
    report["matching_cells_per_column"] = per_col
    report["matching_rows"] = int(all_equal.sum())
    report["exact"] = bool(all_equal.all())
    return report


def write_day(path: str, text: str) -> str:
    data = text.encode()
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=6) as gz:
        gz.write(data)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(buf.getvalue())
    os.replace(tmp, path)
    return hashlib.sha256(data).hexdigest()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--from", dest="start", default=START_DATE)
    ap.add_argument("--to", dest="end", default="2018-07-24")
    ap.add_argument("--verify", nargs="*", default=[])
    args = ap.parse_args()

    t0 = time.time()
    sim = simulate()
    t_sim = time.time() - t0
    log(f"simulated {len(sim):,} transactions, {int(sim.TX_FRAUD.sum()):,} frauds in {t_sim:.1f}s "
        f"(numpy {np.__version__}, pandas {pd.__version__}, python {platform.python_version()})")
    report = None
    if args.verify:
        report = verify(sim, args.verify)
        log("verification: " + json.dumps(report))
        if not report["exact"]:
            log("the regenerated rows differ from the bundled ones: nothing written")
            return 2
    origin = pd.Timestamp(START_DATE)
    first = (pd.Timestamp(args.start) - origin).days
    last = (pd.Timestamp(args.end) - origin).days
    os.makedirs(args.out, exist_ok=True)
    manifest_path = os.path.join(args.out, "manifest.json")
    if os.path.exists(manifest_path):
        os.remove(manifest_path)
    files = []
    for d in range(first, last + 1):
        day = sim[sim.TX_TIME_DAYS == d]
        date = (origin + pd.Timedelta(days=d)).strftime("%Y-%m-%d")
        name = f"{date}.csv.gz"
        sha = write_day(os.path.join(args.out, name), to_csv_text(day))
        files.append({"file": name, "day": d, "rows": len(day), "frauds": int(day.TX_FRAUD.sum()), "csv_sha256": sha})
    manifest = {
        "what": "Fraud Detection Handbook simulated transactions (raw columns), regenerated by scripts/fraud/simulator.py",
        "generator_version": GENERATOR_VERSION,
        "python": platform.python_version(), "numpy": np.__version__, "pandas": pd.__version__,
        "simulated": {"transactions": len(sim), "frauds": int(sim.TX_FRAUD.sum()),
                      "first_day": START_DATE, "days": int(sim.TX_TIME_DAYS.max()) + 1},
        "from": args.start, "to": args.end,
        "rows": sum(f["rows"] for f in files), "frauds": sum(f["frauds"] for f in files),
        "verification": report, "files": files, "seconds": round(time.time() - t0, 1),
    }
    with open(manifest_path + ".tmp", "w") as f:
        json.dump(manifest, f, indent=1)
    os.replace(manifest_path + ".tmp", manifest_path)
    log(f"wrote {len(files)} days, {manifest['rows']:,} rows to {args.out} in {time.time() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
