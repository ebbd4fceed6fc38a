#!/usr/bin/env bash
# Provisions Apache Pulsar standalone (and optionally pulsar-perf) from Maven Central jars into
#   ${RTML_CACHE:-$HOME/.cache/rtml}/pulsar-<version>/lib        (broker: pulsar-broker + log4j)
#   ${RTML_CACHE:-$HOME/.cache/rtml}/pulsar-<version>/perf-lib   (with --perf: pulsar-testclient)
# Maven's own cache (~/.m2/repository) is reused too. Idempotent: a complete lib dir (stamp file) is
# kept. Prints the lib dir on stdout (last line); progress goes to stderr.
#   usage: provision.sh [--perf]      env: RTML_PULSAR_VERSION (default 4.0.7), RTML_CACHE
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VERSION="${RTML_PULSAR_VERSION:-4.0.7}"
CACHE="${RTML_CACHE:-$HOME/.cache/rtml}"
HOME_DIR="$CACHE/pulsar-$VERSION"
PROFILE=broker
LIB="$HOME_DIR/lib"
if [[ "${1:-}" == "--perf" ]]; then PROFILE=perf; LIB="$HOME_DIR/perf-lib"; fi
STAMP="$LIB/.complete"
log() { printf 'pulsar-provision: %s\n' "$*" >&2; }

for tool in java mvn; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    log "'$tool' is not on PATH: install a JDK 17 and Maven (Debian: apt-get install openjdk-17-jdk-headless maven)"
    exit 3
  fi
done
java_major="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
if [[ "$java_major" -lt 17 ]]; then log "Java $java_major found; Pulsar $VERSION needs Java 17+"; exit 3; fi

if [[ -f "$STAMP" ]]; then
  log "$PROFILE jars for Pulsar $VERSION already in $LIB ($(ls "$LIB" | wc -l) jars)"
  echo "$LIB"
  exit 0
fi

start=$SECONDS
log "resolving Pulsar $VERSION ($PROFILE) from Maven Central into $LIB (cold: ~2-4 min, ~230 MB)"
tmp="$LIB.tmp.$$"
rm -rf "$tmp"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
# The pinned plugin: Maven 3.8's default maven-dependency-plugin (2.8) predates includeScope handling we rely on.
resolve() {
  mvn -B -q "$@" -s "$HERE/settings.xml" -f "$HERE/pom.xml" -P "$PROFILE" -Dpulsar.version="$VERSION" \
    org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$tmp"
}
# Offline first: with a warm ~/.m2 this skips Central's metadata checks (~30 s); online otherwise.
if ! resolve -o >/dev/null 2>&1; then resolve >&2; fi
for jar in "pulsar-broker-$VERSION" rocksdbjni bookkeeper-server pulsar-websocket log4j-slf4j2-impl; do
  if [[ "$PROFILE" == perf && "$jar" != log4j-slf4j2-impl ]]; then jar="pulsar-testclient-"; fi
  if ! compgen -G "$tmp/$jar*.jar" >/dev/null; then log "resolution is missing $jar"; exit 4; fi
done
rm -rf "$LIB"
mv "$tmp" "$LIB"
trap - EXIT
date -u +%FT%TZ > "$STAMP"
log "$PROFILE jars ready in $LIB ($(ls "$LIB" | wc -l) jars, $(du -sh "$LIB" | cut -f1)) in $((SECONDS - start))s"
echo "$LIB"
