#!/usr/bin/env bash
# A/B of per-request costs on the cached GET /nuts/orders path: the same jar started once per variant (settings
# given as environment variables), wrk -t2 -c64, warm-up then measured, requests/s and p99 per variant in one run.
# Besides req/s and p99 (which swing with whatever else runs on the machine) it prints the service's CPU time per
# request (user+system from /proc over the measured run), which is what a per-request cost changes.
# Needs wrk (apt-get install -y wrk), python3, curl. Usage: bench/hot-path.sh [warmup-seconds] [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
WARMUP=${1:-15}; DURATION=${2:-15}
OUT=bench/results/hot-path; rm -rf "$OUT"; mkdir -p "$OUT"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
UP_PORT=$(free_port); APP_PORT=$(free_port)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
./mvnw -q -B -DskipTests -Dspotless.check.skip=true package
JAR=$(ls target/nutsgate-*.jar | grep -v plain | head -1)
python3 bench/fixture_upstream.py --port "$UP_PORT" & pids+=($!)

variant() { # $1 label, rest: extra environment
  local label=$1; shift
  env "$@" PORT=$APP_PORT THETANUTS_ORDERS_URL="http://127.0.0.1:$UP_PORT/feed/" \
    THETANUTS_INDEXER_URL="http://127.0.0.1:$UP_PORT/book" ALPHABIT_REFERRER_ADDRESS=0x7e1d3c2b4a59687f8e9d0c1b2a3948576a6b5c4d \
    "$JAVA_HOME/bin/java" -Xmx1g -jar "$JAR" --nuts.database.embedded-dir="$OUT/pg" > "$OUT/app-$label.log" 2>&1 &
  local app=$!; pids+=($app)
  for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$APP_PORT/nuts/orders" -o /dev/null && break; sleep 0.5; done
  wrk -t2 -c64 -d"${WARMUP}s" "http://127.0.0.1:$APP_PORT/nuts/orders" > /dev/null
  local before after
  before=$(awk '{print $14+$15}' "/proc/$app/stat")
  wrk -t2 -c64 -d"${DURATION}s" --latency "http://127.0.0.1:$APP_PORT/nuts/orders" > "$OUT/$label.txt"
  after=$(awk '{print $14+$15}' "/proc/$app/stat")
  kill "$app"; wait "$app" 2>/dev/null || true
  local requests; requests=$(awk '/requests in/ {print $1}' "$OUT/$label.txt")
  printf '%-24s %9s req/s  p50 %-9s p99 %-9s CPU %s us/request\n' "$label" \
    "$(awk '/Requests\/sec/ {print $2}' "$OUT/$label.txt")" "$(awk '$1=="50%" {print $2}' "$OUT/$label.txt")" \
    "$(awk '$1=="99%" {print $2}' "$OUT/$label.txt")" \
    "$(awk -v t="$((after - before))" -v n="$requests" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.0f", t*1e6/hz/n}')" \
    | tee -a "$OUT/summary.txt"
}

echo "== cached GET /nuts/orders, wrk -t2 -c64, ${WARMUP} s warm-up, ${DURATION} s measured; load: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$OUT/summary.txt"
variant as-configured
variant platform-threads SPRING_THREADS_VIRTUAL_ENABLED=false
variant no-http-observation MANAGEMENT_OBSERVATIONS_ENABLE_HTTP_SERVER_REQUESTS=false
variant as-configured-again
