#!/usr/bin/env bash
# Runs nats-server with JetStream on loopback in the foreground (Ctrl-C stops it and removes the store).
#   scripts/nats/start-nats.sh [port]        default port 4222 (NATS_URL=nats://127.0.0.1:4222)
# Env: NATS_STORE_DIR (default: a temp dir, removed on exit), NATS_MONITOR_PORT (e.g. 8222 for /jsz).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
port="${1:-4222}"
bin="$("$here/install-nats.sh" | cut -d' ' -f1)"
store="${NATS_STORE_DIR:-}"
tmp=""
if [[ -z "$store" ]]; then
  store="$(mktemp -d "${TMPDIR:-/tmp}/rtml-nats-XXXXXX")"
  tmp="$store"
fi
args=(-a 127.0.0.1 -p "$port" -js -sd "$store")
[[ -n "${NATS_MONITOR_PORT:-}" ]] && args+=(-m "$NATS_MONITOR_PORT")
echo "nats-server on nats://127.0.0.1:$port, JetStream store $store" >&2
"$bin" "${args[@]}" &
pid=$!
cleanup() {
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  [[ -n "$tmp" ]] && rm -rf "$tmp"
}
trap cleanup INT TERM EXIT
wait "$pid"
