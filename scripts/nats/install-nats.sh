#!/usr/bin/env bash
# Makes a JetStream-capable nats-server available: Debian's package (2.9.10 on bookworm) when apt can
# install it, else a build from the Go module proxy into ${RTML_CACHE:-~/.cache/rtml}/bin.
# Idempotent and quick when the server is already there. Prints the binary's path and version.
set -euo pipefail
cache="${RTML_CACHE:-$HOME/.cache/rtml}"
find_bin() {
  for c in "${NATS_SERVER_BIN:-}" "$(command -v nats-server 2>/dev/null || true)" /usr/sbin/nats-server "$cache/bin/nats-server"; do
    if [[ -n "$c" && -x "$c" ]]; then echo "$c"; return 0; fi
  done
  return 1
}
if ! bin="$(find_bin)"; then
  if command -v apt-get >/dev/null && [[ "$(id -u)" == 0 ]]; then
    apt-get install -y -q nats-server >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q nats-server >/dev/null; } || true
  fi
  if ! bin="$(find_bin)"; then
    command -v go >/dev/null || { echo "install-nats: neither apt nor go can provide nats-server" >&2; exit 1; }
    mkdir -p "$cache/bin"
    GOBIN="$cache/bin" GOFLAGS=-mod=mod go install github.com/nats-io/nats-server/v2@v2.15.2
    bin="$cache/bin/nats-server"
  fi
fi
echo "$bin $("$bin" --version)"
