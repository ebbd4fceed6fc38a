#!/usr/bin/env bash
# Provisions the outside gRPC clients the gRPC tests and the benchmark drive rtml with, cached in
# ${RTML_CACHE:-$HOME/.cache/rtml} so a second run on the same machine takes seconds:
#   bin/grpcurl             github.com/fullstorydev/grpcurl/cmd/grpcurl       (Go module proxy)
#   bin/grpc_health_probe   github.com/grpc-ecosystem/grpc-health-probe       (Go module proxy)
#   bin/ghz                 github.com/bojand/ghz/cmd/ghz                     (Go module proxy)
#   venv/                   Python venv with grpcio, grpcio-health-checking, grpcio-reflection, numpy and
#                           tritonclient[grpc] (an existing Open Inference Protocol v2 client, PyPI)
# Idempotent: a tool whose stamp names the pinned version is skipped. Versions can be overridden with
# RTML_GRPCURL_VERSION, RTML_HEALTH_PROBE_VERSION, RTML_GHZ_VERSION, RTML_PY_GRPC_PACKAGES.
set -euo pipefail

CACHE="${RTML_CACHE:-$HOME/.cache/rtml}"
BIN="$CACHE/bin"
VENV="$CACHE/venv"
GRPCURL_VERSION="${RTML_GRPCURL_VERSION:-v1.9.3}"
HEALTH_PROBE_VERSION="${RTML_HEALTH_PROBE_VERSION:-v0.4.62}"
GHZ_VERSION="${RTML_GHZ_VERSION:-v0.120.0}"
PY_PACKAGES="${RTML_PY_GRPC_PACKAGES:-tritonclient[grpc]==2.73.0 grpcio-health-checking grpcio-reflection numpy}"

log() { printf 'provision-grpc-tools: %s\n' "$*"; }
mkdir -p "$BIN"

# go_tool NAME PACKAGE VERSION
go_tool() {
  local name="$1" pkg="$2" version="$3"
  local stamp="$BIN/.$name.version"
  if [[ -x "$BIN/$name" && -f "$stamp" && "$(cat "$stamp")" == "$version" ]]; then
    log "$name $version already built, skipping"
    return 0
  fi
  if ! command -v go >/dev/null 2>&1; then
    log "'go' is not on PATH; cannot build $name" >&2
    return 1
  fi
  log "building $name $version from $pkg"
  local start=$SECONDS
  GOBIN="$BIN" GOFLAGS="${GOFLAGS:-} -buildvcs=false" CGO_ENABLED=0 go install -ldflags "-s -w" "$pkg@$version"
  echo "$version" > "$stamp"
  log "$name $version built in $((SECONDS - start))s"
}

total=$SECONDS
go_tool grpcurl github.com/fullstorydev/grpcurl/cmd/grpcurl "$GRPCURL_VERSION"
# grpc-health-probe installs as `grpc-health-probe`; the docs and charts call it grpc_health_probe.
go_tool grpc-health-probe github.com/grpc-ecosystem/grpc-health-probe "$HEALTH_PROBE_VERSION"
ln -sf "$BIN/grpc-health-probe" "$BIN/grpc_health_probe"
go_tool ghz github.com/bojand/ghz/cmd/ghz "$GHZ_VERSION"

stamp="$VENV/.packages"
if [[ -x "$VENV/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$PY_PACKAGES" ]]; then
  log "python venv already provisioned, skipping"
else
  log "creating the python venv at $VENV"
  python3 -m venv "$VENV"
  # shellcheck disable=SC2086
  "$VENV/bin/pip" install --quiet --disable-pip-version-check $PY_PACKAGES
  echo "$PY_PACKAGES" > "$stamp"
fi
"$VENV/bin/python" -c 'import grpc, tritonclient.grpc, numpy; print("provision-grpc-tools: python grpcio", grpc.__version__)'
log "tools ready in $BIN and $VENV ($((SECONDS - total))s)"
