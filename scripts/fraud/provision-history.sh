#!/usr/bin/env bash
# Provisions the Fraud Detection Handbook history for `npm run eval:fraud -- --history` (scripts/fraud/README.md):
#   ${RTML_CACHE:-~/.cache/rtml}/venv-fraudsim/   Python venv with pinned numpy and pandas (PyPI)
#   ${RTML_CACHE:-~/.cache/rtml}/fraudsim/        2018-04-01.csv.gz … 2018-07-24.csv.gz + manifest.json
# The simulator (scripts/fraud/simulator.py) regenerates the handbook's 183 days; generate-history.py checks
# the regenerated days 2018-07-25 … 2018-08-14 against the bundled fraudsim_*.csv.gz row for row and writes
# the history only if they are identical. Idempotent: a venv whose stamp names the pinned packages and a
# history whose manifest names this generator version are kept. Overrides: RTML_FRAUDSIM_PYTHON (the
# interpreter the venv is made from, default python3), RTML_FRAUDSIM_PACKAGES, RTML_FRAUDSIM_DIR.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CACHE="${RTML_CACHE:-$HOME/.cache/rtml}"
VENV="$CACHE/venv-fraudsim"
OUT="${RTML_FRAUDSIM_DIR:-$CACHE/fraudsim}"
PYTHON="${RTML_FRAUDSIM_PYTHON:-python3}"
# Verified to reproduce the published data exactly: numpy 2.4.6 + pandas 3.1.1 (Python 3.11) and the
# handbook's era, numpy 1.20.2 + pandas 1.2.4 (Python 3.9; RTML_FRAUDSIM_PYTHON=<a python3.9>).
DEFAULT_PACKAGES="numpy==2.4.6 pandas==3.1.1"
if "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 9) else 1)' 2>/dev/null; then
  DEFAULT_PACKAGES="numpy==1.20.2 pandas==1.2.4"
fi
PACKAGES="${RTML_FRAUDSIM_PACKAGES:-$DEFAULT_PACKAGES}"
GENERATOR_VERSION=1
DATA="$ROOT/services/shared/dataset/data"

log() { printf 'fraud-history: %s\n' "$*" >&2; }
total=$SECONDS

stamp="$VENV/.packages"
if [[ -x "$VENV/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$PACKAGES" ]]; then
  log "venv already provisioned ($PACKAGES)"
else
  log "creating the venv at $VENV ($PACKAGES)"
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  # shellcheck disable=SC2086
  "$VENV/bin/pip" install --quiet --disable-pip-version-check $PACKAGES
  echo "$PACKAGES" > "$stamp"
  log "venv ready in $((SECONDS - total))s"
fi

manifest="$OUT/manifest.json"
if [[ -f "$manifest" ]] && "$VENV/bin/python" - "$manifest" "$GENERATOR_VERSION" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
ok = m.get("generator_version") == int(sys.argv[2]) and (m.get("verification") or {}).get("exact") is True
sys.exit(0 if ok else 1)
EOF
then
  log "history already generated in $OUT"
else
  start=$SECONDS
  "$VENV/bin/python" "$HERE/generate-history.py" --out "$OUT" --from 2018-04-01 --to 2018-07-24 --verify \
    "$DATA/fraudsim_2018-07-25_to_2018-07-31_train.csv.gz" \
    "$DATA/fraudsim_2018-08-01_to_2018-08-07_delay.csv.gz" \
    "$DATA/fraudsim_2018-08-08_to_2018-08-14_test.csv.gz"
  log "history generated in $((SECONDS - start))s"
fi
log "ready: $OUT ($((SECONDS - total))s)"
