#!/usr/bin/env bash
# Builds Jaeger v2 (the `jaeger` OTel-collector distribution, cmd/jaeger) from the Go module proxy and
# caches it in ${RTML_CACHE:-$HOME/.cache/rtml}/bin/jaeger, so a second run on the same machine takes a
# second. The build happens inside the tools module scripts/jaeger/tools (go.mod pins
# github.com/jaegertracing/jaeger v1.76.0 = Jaeger 2.13.0): `go install …@version` cannot build it
# because Jaeger's own go.mod carries replace directives.
# Idempotent: skipped when the stamp names the pinned version. Cold build: several minutes on 2 cores
# (GOMODCACHE and GOCACHE are Go's defaults, so they survive between runs too).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
CACHE="${RTML_CACHE:-$HOME/.cache/rtml}"
BIN="$CACHE/bin"
VERSION="$(awk '$1 == "github.com/jaegertracing/jaeger" { print $2; exit } $1 == "require" && $2 == "github.com/jaegertracing/jaeger" { print $3; exit }' "$HERE/tools/go.mod")"
STAMP="$BIN/.jaeger.version"

log() { printf 'provision-jaeger: %s\n' "$*"; }
mkdir -p "$BIN"

if [[ -x "$BIN/jaeger" && -f "$STAMP" && "$(cat "$STAMP")" == "$VERSION" ]]; then
  log "jaeger $VERSION already built at $BIN/jaeger, skipping"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  log "'go' is not on PATH; cannot build jaeger" >&2
  exit 1
fi

log "building jaeger $VERSION into $BIN (minutes on a cold cache)"
start=$SECONDS
cd "$HERE/tools"
# -p 2: the machines have 2 cores; GOFLAGS=-mod=mod lets go.sum be completed from the proxy if needed.
GOBIN="$BIN" GOFLAGS="${GOFLAGS:-} -buildvcs=false -mod=mod" CGO_ENABLED=0 GOTOOLCHAIN=local \
  go build -p "${RTML_GO_PARALLEL:-2}" -trimpath -ldflags "-s -w" -o "$BIN/jaeger.tmp" \
  github.com/jaegertracing/jaeger/cmd/jaeger
mv "$BIN/jaeger.tmp" "$BIN/jaeger"
echo "$VERSION" > "$STAMP"
log "jaeger $VERSION built in $((SECONDS - start))s: $("$BIN/jaeger" version 2>/dev/null | head -c 200 || true)"
