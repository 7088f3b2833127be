#!/usr/bin/env bash
# A new instance, fast from its first request (issue 20): time from launch to the first answer of GET /nuts/orders
# and the throughput of the first 10 s after it (wrk -t2 -c64, real-size feed), for
#   (a) the built jar as is (java -jar target/nutsgate-*.jar),
#   (b) the jar extracted (java -Djarmode=tools -jar … extract): plain jars on the class path, which the JDK can cache,
#   (c) the extracted jar with a JDK AOT cache (JEP 483/514/515: classes loaded and linked, and method profiles, from
#       a training run): -XX:AOTCacheOutput during a training run that serves traffic, then -XX:AOTCache.
# Each variant is started RUNS times (default 2); the median is printed with the load average beside it. The cache
# is built for this JDK and this jar: rebuild it (this script) whenever either changes. Needs JDK 25, wrk, python3, curl.
# Usage: [JAR=built.jar] [RUNS=2] [TRAIN_SECONDS=30] bench/startup.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
RUNS=${RUNS:-2}; TRAIN_SECONDS=${TRAIN_SECONDS:-30}
OUT=bench/results/startup; rm -rf "$OUT"; mkdir -p "$OUT"
for tool in wrk python3 curl; do
  command -v $tool >/dev/null || { echo "$tool is missing: apt-get install -y wrk python3 curl" >&2; exit 1; }
done
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
UP_PORT=$(free_port); APP_PORT=$(free_port)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

if [ -z "${JAR:-}" ]; then
  ./mvnw -q -B -DskipTests -Dspotless.check.skip=true package
  JAR=$(ls target/nutsgate-*.jar | grep -v plain | head -1)
fi
"$JAVA_HOME/bin/java" -Djarmode=tools -jar "$JAR" extract --destination "$OUT/app" > /dev/null
EXTRACTED=$(ls "$OUT"/app/*.jar | head -1)

python3 bench/fixture_upstream.py --port "$UP_PORT" --orders 13 & pids+=($!)
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$UP_PORT/feed/" -o /dev/null && break; sleep 0.1; done
URL="http://127.0.0.1:$APP_PORT/nuts/orders"

launch() { # $1 label, then JVM options and the jar; starts the service in the background, its pid in APP
  local label=$1; shift
  rm -rf "$OUT/pg"
  PORT=$APP_PORT THETANUTS_ORDERS_URL="http://127.0.0.1:$UP_PORT/feed/" THETANUTS_INDEXER_URL="http://127.0.0.1:$UP_PORT/book" \
    ALPHABIT_REFERRER_ADDRESS=0x7e1d3c2b4a59687f8e9d0c1b2a3948576a6b5c4d \
    "$JAVA_HOME/bin/java" -Xmx1g "$@" --nuts.database.embedded-dir="$OUT/pg" > "$OUT/$label.log" 2>&1 &
  APP=$!; pids+=($APP)
}
first_answer() { # seconds from now until GET /nuts/orders answers 200 (max 240)
  local start; start=$(date +%s.%N)
  for _ in $(seq 1 4800); do curl -sf "$URL" -o /dev/null 2>&1 && break; sleep 0.05; done
  awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e-s}'
}
stop() { kill "$APP" 2>/dev/null || true; wait "$APP" 2>/dev/null || true; }

measure() { # $1 label, then JVM options and the jar
  local label=$1; shift
  for run in $(seq 1 "$RUNS"); do
    launch "$label-$run" "$@"
    local first; first=$(first_answer)
    wrk -t2 -c64 -d10s --latency "$URL" > "$OUT/$label-$run.wrk"
    local rps p99; rps=$(awk '/Requests\/sec/ {print $2}' "$OUT/$label-$run.wrk"); p99=$(awk '$1=="99%" {print $2}' "$OUT/$label-$run.wrk")
    stop
    echo "$first $rps $p99 $(uptime | sed 's/.*load average: //')" >> "$OUT/$label.runs"
  done
}

measure fat-jar -jar "$JAR"
measure extracted -jar "$EXTRACTED"

# Training: the service serves the orders, positions, stats and config for TRAIN_SECONDS, then stops; the JVM
# writes the cache as it exits.
launch training -XX:AOTCacheOutput="$OUT/nutsgate.aot" -jar "$EXTRACTED"
first_answer > /dev/null
BOOK="http://127.0.0.1:$APP_PORT/nuts"
for path in config stats orders "orders?underlying=ETH"; do curl -s "$BOOK/$path" -o /dev/null; done
curl -s -H 'Content-Type: application/json' -d '{"address":"0x5a0b54d5dc17e0aadc383d2db43b0a0d3e029c4c"}' "$BOOK/positions" -o /dev/null
wrk -t2 -c64 -d"${TRAIN_SECONDS}s" "$URL" > /dev/null
stop
[ -s "$OUT/nutsgate.aot" ] || { echo "no AOT cache was written; see $OUT/training.log" >&2; exit 1; }

measure aot-cache -XX:AOTCache="$OUT/nutsgate.aot" -jar "$EXTRACTED"

median() { sort -n | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
{
  echo "== a new instance: launch to first 200 of GET /nuts/orders, then wrk -t2 -c64 10 s; median of $RUNS starts"
  echo "   (jar $(basename "$JAR"), AOT cache $(du -h "$OUT/nutsgate.aot" | cut -f1), trained ${TRAIN_SECONDS} s)"
  for label in fat-jar extracted aot-cache; do
    printf '%-10s first answer %5s s   first 10 s %9s req/s   runs (s req/s p99 load): %s\n' "$label" \
      "$(cut -d' ' -f1 "$OUT/$label.runs" | median)" "$(cut -d' ' -f2 "$OUT/$label.runs" | median)" \
      "$(tr '\n' ';' < "$OUT/$label.runs")"
  done
} | tee "$OUT/summary.txt"
