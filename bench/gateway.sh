#!/usr/bin/env bash
# Gateway benchmark (issue 2), all on loopback:
#  (a) wrk, 64 connections for 20 s, on a cached GET /nuts/orders; baseline in the same run: the same
#      request with the orders cache disabled (NUTS_CACHE_TTL_ORDERS=0s, every request fetches, parses and renders);
#  (b) 500 concurrent requests on an empty cache against an upstream answering after 200 ms:
#      the number of upstream requests (single flight: must be 1).
# Usage: bench/gateway.sh [duration-seconds]   (needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
DURATION=${1:-20}
UP_PORT=19080; SLOW_PORT=19081; APP_PORT=18080
OUT=bench/results; mkdir -p "$OUT"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

./mvnw -q -B -DskipTests -Dspotless.check.skip=true package
JAR=$(ls target/nutsgate-*.jar | grep -v plain | head -1)

python3 bench/fixture_upstream.py --port $UP_PORT & pids+=($!)
python3 bench/fixture_upstream.py --port $SLOW_PORT --delay-ms 200 & pids+=($!)

start_app() { # $1 = orders url, rest = extra env
  local url=$1; shift
  env "$@" PORT=$APP_PORT THETANUTS_ORDERS_URL="$url" THETANUTS_INDEXER_URL="http://127.0.0.1:$UP_PORT/book" \
    ALPHABIT_REFERRER_ADDRESS=0x7e1d3c2b4a59687f8e9d0c1b2a3948576a6b5c4d \
    "$JAVA_HOME/bin/java" -Xmx1g -jar "$JAR" --nuts.database.embedded-dir="$OUT/pg" > "$OUT/app.log" 2>&1 &
  APP=$!; pids+=($APP)
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$APP_PORT/actuator/health/liveness" >/dev/null && return; sleep 0.5; done
  echo "service did not start; see $OUT/app.log" >&2; exit 1
}
stop_app() { kill "$APP"; wait "$APP" 2>/dev/null || true; }

run_wrk() { # $1 label
  curl -sf "http://127.0.0.1:$APP_PORT/nuts/orders" -o /dev/null
  wrk -t2 -c64 -d5s "http://127.0.0.1:$APP_PORT/nuts/orders" > /dev/null   # warm-up (JIT)
  wrk -t2 -c64 -d"${DURATION}s" --latency "http://127.0.0.1:$APP_PORT/nuts/orders" | tee "$OUT/wrk-$1.txt"
}

echo "== (a) cached GET /nuts/orders"
start_app "http://127.0.0.1:$UP_PORT/feed/"
run_wrk cached
stop_app
echo "== (a) baseline: orders cache disabled"
start_app "http://127.0.0.1:$UP_PORT/feed/" NUTS_CACHE_TTL_ORDERS=0s
run_wrk uncached
stop_app

echo "== (b) 500 concurrent misses, upstream answering after 200 ms"
start_app "http://127.0.0.1:$SLOW_PORT/feed/"
curl -sf -X POST "http://127.0.0.1:$SLOW_PORT/__reset" >/dev/null
python3 bench/concurrent_miss.py --port $APP_PORT -n 500 | tee "$OUT/single-flight.txt"
echo "upstream requests: $(curl -sf "http://127.0.0.1:$SLOW_PORT/__hits")" | tee -a "$OUT/single-flight.txt"
stop_app

rps() { awk '/Requests\/sec/ {print $2}' "$OUT/wrk-$1.txt"; }
p99() { awk '$1=="99%" {print $2}' "$OUT/wrk-$1.txt"; }
echo
echo "summary: cached $(rps cached) req/s (p99 $(p99 cached)); uncached baseline $(rps uncached) req/s (p99 $(p99 uncached));" \
  "ratio $(awk -v a="$(rps cached)" -v b="$(rps uncached)" 'BEGIN {printf "%.1f", a/b}')x"
