#!/usr/bin/env bash
# Hostile clients (issue 8): the time a normal GET /nuts/config takes while 8,000 connections that never finish
# their headers are open, beside the same request without them.
# Usage: bench/idle-connections.sh [idle-count]            starts the service (embedded PostgreSQL) on port 18090
#        BENCH_URL=http://127.0.0.1:8080 bench/idle-connections.sh [idle-count]   measures a running instance
#        APP_PORT=18080 bench/idle-connections.sh [port]     (as bench/faults.sh calls it) a running instance on
#                                                             loopback, IDLE (8000) connections
# Needs python3. Raises the open-files limit of this shell (the service started here inherits it). The service
# started here gets NUTS_HTTP_READ_TIMEOUT=60s (BENCH_READ_TIMEOUT) so that all of them are still open while the
# requests are timed (opening 8,000 takes seconds; with the default 5 s the first ones would already be closed).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${APP_PORT:-}" ]; then
  BENCH_URL=${BENCH_URL:-http://127.0.0.1:$APP_PORT}; IDLE=${IDLE:-8000}
else
  IDLE=${1:-8000}
fi
ulimit -n $((IDLE * 2 + 1024)) 2>/dev/null || ulimit -n "$(ulimit -Hn)"
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
OUT=bench/results; mkdir -p "$OUT"

APP=
cleanup() { if [ -n "$APP" ]; then kill "$APP" 2>/dev/null || true; wait "$APP" 2>/dev/null || true; fi; }
trap cleanup EXIT

if [ -n "${BENCH_URL:-}" ]; then
  HOST=$(echo "$BENCH_URL" | sed -E 's#https?://([^:/]+).*#\1#'); PORT=$(echo "$BENCH_URL" | sed -E 's#.*:([0-9]+).*#\1#')
else
  HOST=127.0.0.1; PORT=18090
  ./mvnw -q -B -DskipTests -Dspotless.check.skip=true package
  JAR=$(ls target/nutsgate-*.jar | grep -v plain | head -1)
  PORT=$PORT NUTS_TRADES_SCHEDULED_SYNC=false NUTS_HTTP_READ_TIMEOUT=${BENCH_READ_TIMEOUT:-60s} "$JAVA_HOME/bin/java" -Xmx1g -jar "$JAR" \
    --nuts.database.embedded-dir="$OUT/pg-idle" > "$OUT/app-idle.log" 2>&1 &
  APP=$!
  for _ in $(seq 1 180); do curl -sf "http://$HOST:$PORT/actuator/health/liveness" >/dev/null && break; sleep 0.5; done
  curl -sf "http://$HOST:$PORT/actuator/health/liveness" >/dev/null || { echo "service did not start; see $OUT/app-idle.log" >&2; exit 1; }
fi

python3 bench/idle_connections.py --host "$HOST" --port "$PORT" -n "$IDLE" | tee "$OUT/idle-connections.txt"
