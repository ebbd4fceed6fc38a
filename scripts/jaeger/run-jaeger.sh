#!/usr/bin/env bash
# Runs Jaeger v2 in the foreground: in-memory storage, every port on loopback (config.yaml beside this).
#   run-jaeger.sh [--otlp-grpc P] [--otlp-http P] [--query P] [--query-grpc P] [--health P] [--host H]
# Defaults: OTLP 4317 (gRPC) and 4318 (HTTP), UI and query API 16686, query gRPC 16685, health 13133
# (GET /status), host 127.0.0.1. Builds Jaeger first if it is not built yet (provision-jaeger.sh).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
BIN="${RTML_CACHE:-$HOME/.cache/rtml}/bin/jaeger"

export JAEGER_HOST="${JAEGER_HOST:-127.0.0.1}"
export JAEGER_OTLP_GRPC_PORT="${JAEGER_OTLP_GRPC_PORT:-4317}"
export JAEGER_OTLP_HTTP_PORT="${JAEGER_OTLP_HTTP_PORT:-4318}"
export JAEGER_QUERY_PORT="${JAEGER_QUERY_PORT:-16686}"
export JAEGER_QUERY_GRPC_PORT="${JAEGER_QUERY_GRPC_PORT:-16685}"
export JAEGER_HEALTH_PORT="${JAEGER_HEALTH_PORT:-13133}"

while [[ $# -gt 0 ]]; do
  case "$1" in
    --otlp-grpc) JAEGER_OTLP_GRPC_PORT="$2"; shift 2 ;;
    --otlp-http) JAEGER_OTLP_HTTP_PORT="$2"; shift 2 ;;
    --query) JAEGER_QUERY_PORT="$2"; shift 2 ;;
    --query-grpc) JAEGER_QUERY_GRPC_PORT="$2"; shift 2 ;;
    --health) JAEGER_HEALTH_PORT="$2"; shift 2 ;;
    --host) JAEGER_HOST="$2"; shift 2 ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "run-jaeger: unknown argument $1" >&2; exit 2 ;;
  esac
done

[[ -x "$BIN" ]] || bash "$HERE/provision-jaeger.sh"
echo "run-jaeger: OTLP grpc ${JAEGER_HOST}:${JAEGER_OTLP_GRPC_PORT} http ${JAEGER_HOST}:${JAEGER_OTLP_HTTP_PORT}; UI and API http://${JAEGER_HOST}:${JAEGER_QUERY_PORT}" >&2
exec "$BIN" --config "$HERE/config.yaml"
