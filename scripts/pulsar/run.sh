#!/usr/bin/env bash
# Runs one Pulsar standalone broker in the foreground (exec: this process becomes the JVM, so SIGTERM
# stops the broker cleanly through its shutdown hook). Loopback only, WebSocket service on, no
# functions worker, no stream storage, ZooKeeper-less (RocksDB metadata store + in-process bookie).
#   usage: run.sh [--binary-port 6650] [--http-port 8080] [--data-dir DIR] [--fresh]
#   env:   RTML_PULSAR_VERSION, RTML_CACHE, RTML_PULSAR_JVM_OPTS (default: -Xms256m -Xmx1g …)
# Readiness is not reported here: poll the admin API (scripts/pulsar/broker.ts does).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VERSION="${RTML_PULSAR_VERSION:-4.0.7}"
CACHE="${RTML_CACHE:-$HOME/.cache/rtml}"
BINARY_PORT=6650
HTTP_PORT=8080
DATA_DIR=""
FRESH=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --binary-port) BINARY_PORT="$2"; shift 2 ;;
    --http-port) HTTP_PORT="$2"; shift 2 ;;
    --data-dir) DATA_DIR="$2"; shift 2 ;;
    --fresh) FRESH=1; shift ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
DATA_DIR="${DATA_DIR:-$CACHE/pulsar-$VERSION/data/standalone-$BINARY_PORT}"

LIB="$(bash "$HERE/provision.sh" | tail -n 1)"
# --wipe-data clears the bookie only, not the RocksDB metadata: wipe both or neither.
if [[ "$FRESH" == 1 ]]; then rm -rf "$DATA_DIR/metadata" "$DATA_DIR/bookkeeper"; fi
mkdir -p "$DATA_DIR"
DATA_DIR="$(cd "$DATA_DIR" && pwd)"

conf="$DATA_DIR/standalone.conf"
sed -e "s/^brokerServicePort=.*/brokerServicePort=$BINARY_PORT/" \
    -e "s/^webServicePort=.*/webServicePort=$HTTP_PORT/" \
    "$HERE/conf/standalone.conf" > "$conf"

# shellcheck disable=SC2206
JVM_OPTS=(${RTML_PULSAR_JVM_OPTS:--Xms256m -Xmx1g -XX:MaxDirectMemorySize=512m -XX:+UseG1GC})
cd "$DATA_DIR"
echo "pulsar-run: Pulsar $VERSION on pulsar://127.0.0.1:$BINARY_PORT http://127.0.0.1:$HTTP_PORT (data $DATA_DIR)" >&2
exec java "${JVM_OPTS[@]}" \
  --add-opens java.base/java.io=ALL-UNNAMED --add-opens java.base/java.util.zip=ALL-UNNAMED \
  --add-opens java.base/java.nio=ALL-UNNAMED --add-opens java.base/jdk.internal.misc=ALL-UNNAMED \
  --add-opens java.base/sun.net=ALL-UNNAMED --add-opens java.management/sun.management=ALL-UNNAMED \
  --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED \
  --add-opens java.base/jdk.internal.platform=ALL-UNNAMED \
  --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/java.util=ALL-UNNAMED \
  -Dio.netty.tryReflectionSetAccessible=true -Djava.net.preferIPv4Stack=true -Djute.maxbuffer=10485760 \
  -Dpulsar.allocator.exit_on_oom=true -Dio.netty.recycler.maxCapacityPerThread=4096 \
  -Dlog4j.shutdownHookEnabled=false -Dlog4j2.is.webapp=false \
  -Dlog4j.configurationFile="$HERE/conf/log4j2.properties" \
  -Dpulsar.log.level="${RTML_PULSAR_LOG_LEVEL:-info}" \
  -cp "$LIB/*" org.apache.pulsar.PulsarStandaloneStarter \
  --config "$conf" --no-functions-worker --no-stream-storage \
  --advertised-address 127.0.0.1 \
  --metadata-dir "$DATA_DIR/metadata" --bookkeeper-dir "$DATA_DIR/bookkeeper"
