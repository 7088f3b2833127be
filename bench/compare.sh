#!/usr/bin/env bash
# Throughput of a cached GET /nuts/orders beside, in the same run and on the same machine, the seed design
# (bench/seed: Express proxying the feed with an in-memory cache) and nginx serving the same bytes as a static file
# (the limit). Each: wrk -t2 -c64, 20 s warm-up, then 20 s measured. Optional: PROFILE=1 records a JFR of the
# measured nutsgate run (bench/results/compare/nutsgate.jfr) and prints its hottest methods.
# Needs: wrk, nginx (apt-get install -y wrk nginx-light), node + npm (npm ci runs in bench/seed), python3, curl.
# Usage: bench/compare.sh [warmup-seconds] [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
WARMUP=${1:-20}; DURATION=${2:-20}
OUT=bench/results/compare; rm -rf "$OUT"; mkdir -p "$OUT"
for tool in wrk nginx node npm python3 curl; do
  command -v $tool >/dev/null || { echo "$tool is missing: apt-get install -y wrk nginx-light nodejs npm" >&2; exit 1; }
done
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
UP_PORT=$(free_port); APP_PORT=$(free_port); SEED_PORT=$(free_port); NGINX_PORT=$(free_port)

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

./mvnw -q -B -DskipTests -Dspotless.check.skip=true package
JAR=$(ls target/nutsgate-*.jar | grep -v plain | head -1)
(cd bench/seed && npm ci --no-audit --no-fund --silent)

python3 bench/fixture_upstream.py --port "$UP_PORT" & pids+=($!)

run_wrk() { # $1 label, $2 url
  curl -sf "$2" -o /dev/null
  wrk -t2 -c64 -d"${WARMUP}s" "$2" > /dev/null
  wrk -t2 -c64 -d"${DURATION}s" --latency "$2" > "$OUT/$1.txt"
}
rps() { awk '/Requests\/sec/ {print $2}' "$OUT/$1.txt"; }
p99() { awk '$1=="99%" {print $2}' "$OUT/$1.txt"; }
wait_for() { for _ in $(seq 1 240); do curl -sf "$1" -o /dev/null && return; sleep 0.5; done; echo "$1 did not come up" >&2; exit 1; }

# nutsgate (in-process cache, embedded PostgreSQL in a temporary folder)
JFR_OPTS=()
PORT=$APP_PORT THETANUTS_ORDERS_URL="http://127.0.0.1:$UP_PORT/feed/" THETANUTS_INDEXER_URL="http://127.0.0.1:$UP_PORT/book" \
  ALPHABIT_REFERRER_ADDRESS=0x7e1d3c2b4a59687f8e9d0c1b2a3948576a6b5c4d \
  "$JAVA_HOME/bin/java" -Xmx1g -jar "$JAR" --nuts.database.embedded-dir="$OUT/pg" > "$OUT/app.log" 2>&1 &
APP=$!; pids+=($APP)
wait_for "http://127.0.0.1:$APP_PORT/nuts/orders"
curl -sf "http://127.0.0.1:$APP_PORT/nuts/orders" -o "$OUT/orders.json"
if [ "${PROFILE:-0}" = 1 ]; then
  curl -sf "http://127.0.0.1:$APP_PORT/nuts/orders" -o /dev/null
  wrk -t2 -c64 -d"${WARMUP}s" "http://127.0.0.1:$APP_PORT/nuts/orders" > /dev/null
  "$JAVA_HOME/bin/jcmd" "$APP" JFR.start name=bench settings=profile filename="$PWD/$OUT/nutsgate.jfr" > /dev/null
  wrk -t2 -c64 -d"${DURATION}s" --latency "http://127.0.0.1:$APP_PORT/nuts/orders" > "$OUT/nutsgate.txt"
  "$JAVA_HOME/bin/jcmd" "$APP" JFR.stop name=bench > /dev/null
  "$JAVA_HOME/bin/jfr" view --width 160 hot-methods "$OUT/nutsgate.jfr" | head -40 > "$OUT/hot-methods.txt" || true
  "$JAVA_HOME/bin/jfr" view --width 160 allocation-by-site "$OUT/nutsgate.jfr" | head -30 > "$OUT/allocations.txt" || true
else
  run_wrk nutsgate "http://127.0.0.1:$APP_PORT/nuts/orders"
fi
kill "$APP"; wait "$APP" 2>/dev/null || true

# the seed design
PORT=$SEED_PORT FEED_URL="http://127.0.0.1:$UP_PORT/feed/" node bench/seed/server.js > "$OUT/seed.log" 2>&1 &
SEED=$!; pids+=($SEED)
wait_for "http://127.0.0.1:$SEED_PORT/nuts/orders"
run_wrk seed "http://127.0.0.1:$SEED_PORT/nuts/orders"
kill "$SEED"; wait "$SEED" 2>/dev/null || true

# nginx serving the same bytes as a static file
mkdir -p "$OUT/nginx/www/nuts" "$OUT/nginx/tmp"
cp "$OUT/orders.json" "$OUT/nginx/www/nuts/orders"
cat > "$OUT/nginx/nginx.conf" <<CONF
worker_processes auto;
daemon off;
pid $PWD/$OUT/nginx/nginx.pid;
error_log $PWD/$OUT/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $PWD/$OUT/nginx/tmp; proxy_temp_path $PWD/$OUT/nginx/tmp;
  fastcgi_temp_path $PWD/$OUT/nginx/tmp; uwsgi_temp_path $PWD/$OUT/nginx/tmp; scgi_temp_path $PWD/$OUT/nginx/tmp;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $PWD/$OUT/nginx/www;
    location / { default_type application/json; }
  }
}
CONF
nginx -c "$PWD/$OUT/nginx/nginx.conf" & NGINX=$!; pids+=($NGINX)
wait_for "http://127.0.0.1:$NGINX_PORT/nuts/orders"
run_wrk nginx "http://127.0.0.1:$NGINX_PORT/nuts/orders"
kill "$NGINX"; wait "$NGINX" 2>/dev/null || true

{
  echo "== cached GET /nuts/orders, wrk -t2 -c64, ${WARMUP} s warm-up, ${DURATION} s measured ($(wc -c < "$OUT/orders.json") bytes)"
  for s in nutsgate seed nginx; do printf '%-9s %10s req/s   p99 %s\n' "$s" "$(rps $s)" "$(p99 $s)"; done
  awk -v a="$(rps nutsgate)" -v b="$(rps seed)" -v c="$(rps nginx)" \
    'BEGIN {printf "nutsgate = %.2fx the seed design, %.2fx nginx\n", a/b, a/c}'
} | tee "$OUT/summary.txt"
[ -f "$OUT/hot-methods.txt" ] && { echo; cat "$OUT/hot-methods.txt"; }
exit 0
