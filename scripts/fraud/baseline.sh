#!/usr/bin/env bash
# `npm run fraud:baseline`: the handbook's batch logistic regression on the bundled weeks, as a reference
# beside our online figures (scripts/fraud/handbook-baseline.py). Makes (once) a venv with pinned pandas and
# scikit-learn from PyPI in ${RTML_CACHE:-~/.cache/rtml}/venv-sklearn; prints one JSON object.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
VENV="${RTML_CACHE:-$HOME/.cache/rtml}/venv-sklearn"
PACKAGES="scikit-learn==1.5.2 pandas==2.2.3"
if [[ ! -x "$VENV/bin/python" || "$(cat "$VENV/.packages" 2>/dev/null)" != "$PACKAGES" ]]; then
  echo "fraud-baseline: creating the venv at $VENV ($PACKAGES)" >&2
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  # shellcheck disable=SC2086
  "$VENV/bin/pip" install --quiet --disable-pip-version-check $PACKAGES
  echo "$PACKAGES" > "$VENV/.packages"
fi
exec "$VENV/bin/python" "$HERE/handbook-baseline.py" "$@"
