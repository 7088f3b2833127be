#!/usr/bin/env bash
# Throughput of a cached GET /nuts/orders beside, in the same run and on the same machine, the seed design
# (bench/seed: Express proxying the feed with an in-memory cache) and nginx serving the same bytes as a static file
# (the limit), for two feeds: the fixture's 3 orders (~5 KB answer) and a feed as large as a real one
# (ORDERS_REAL orders, ~21 KB answer). Each: wrk -t2 -c64, warm-up, then measured; the load average is printed
# beside each figure (the machine may be shared: compare ratios within one run, not figures across runs).
# Optional: PROFILE=1 records a JFR (profile settings) of one more nutsgate run on the real-size feed after the
# measured one (bench/results/compare/nutsgate.jfr) and prints its hottest methods and allocation sites.
# Needs: wrk, nginx (apt-get install -y wrk nginx-light), node + npm (npm ci runs in bench/seed), python3, curl.
# "us CPU/answer" is the server's CPU time (all its threads, or nginx's workers) over the measured run divided by the
# answers: on a shared machine it moves far less than req/s. BEFORE_JAR=other.jar adds a row for another build.
# CASES="fixture real" (default) picks the feeds. Usage: [JAR=built.jar] [BEFORE_JAR=other.jar] [ORDERS_REAL=13] [PROFILE=1] bench/compare.sh [warmup-seconds] [seconds]
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

if [ -z "${JAR:-}" ]; then # JAR=path/to/nutsgate.jar measures that build instead
  ./mvnw -q -B -DskipTests -Dspotless.check.skip=true package
  JAR=$(ls target/nutsgate-*.jar | grep -v plain | head -1)
fi
(cd bench/seed && npm ci --no-audit --no-fund --silent)

ORDERS_REAL=${ORDERS_REAL:-13}

# CPU time (clock ticks) used so far by a process and its children's processes (nginx workers).
cpu_ticks() { local t=0 p; for p in "$1" $(pgrep -P "$1" || true); do
  t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo "$t"; }
run_wrk() { # $1 label, $2 url, $3 server pid
  curl -sf "$2" -o /dev/null
  wrk -t2 -c64 -d"${WARMUP}s" "$2" > /dev/null
  local before; before=$(cpu_ticks "$3")
  wrk -t2 -c64 -d"${DURATION}s" --latency "$2" > "$OUT/$1.txt"
  # server CPU per answer: unlike req/s, hardly moved by what else the machine runs
  awk -v t=$(( $(cpu_ticks "$3") - before )) -v hz="$(getconf CLK_TCK)" '/requests in/ {printf "%.0f\n", t / hz * 1e6 / $1}' \
    "$OUT/$1.txt" > "$OUT/$1.cpu"
  uptime | sed 's/.*load average: //' > "$OUT/$1.load"
}
rps() { awk '/Requests\/sec/ {print $2}' "$OUT/$1.txt"; }
p99() { awk '$1=="99%" {print $2}' "$OUT/$1.txt"; }
wait_for() { for _ in $(seq 1 1800); do curl -sf "$1" -o /dev/null && return; sleep 0.5; done; echo "$1 did not come up" >&2; exit 1; }

bench_case() { # $1 case name, $2 orders in the feed (empty: the fixture as is)
  local name=$1 up app seed nginx
  python3 bench/fixture_upstream.py --port "$UP_PORT" ${2:+--orders "$2"} & up=$!; pids+=($up)
  wait_for "http://127.0.0.1:$UP_PORT/feed/"

  if [ -n "${BEFORE_JAR:-}" ]; then # another build of nutsgate measured in the same run, for before/after
    PORT=$APP_PORT THETANUTS_ORDERS_URL="http://127.0.0.1:$UP_PORT/feed/" THETANUTS_INDEXER_URL="http://127.0.0.1:$UP_PORT/book" \
      ALPHABIT_REFERRER_ADDRESS=0x7e1d3c2b4a59687f8e9d0c1b2a3948576a6b5c4d \
      "$JAVA_HOME/bin/java" -Xmx1g -jar "$BEFORE_JAR" --nuts.database.embedded-dir="$OUT/pg-before-$name" > "$OUT/before-$name.log" 2>&1 &
    app=$!; pids+=($app)
    wait_for "http://127.0.0.1:$APP_PORT/nuts/orders"
    run_wrk "before-$name" "http://127.0.0.1:$APP_PORT/nuts/orders" "$app"
    kill "$app"; wait "$app" 2>/dev/null || true
  fi

  # nutsgate (in-process cache, embedded PostgreSQL in a temporary folder)
  PORT=$APP_PORT THETANUTS_ORDERS_URL="http://127.0.0.1:$UP_PORT/feed/" THETANUTS_INDEXER_URL="http://127.0.0.1:$UP_PORT/book" \
    ALPHABIT_REFERRER_ADDRESS=0x7e1d3c2b4a59687f8e9d0c1b2a3948576a6b5c4d \
    "$JAVA_HOME/bin/java" -Xmx1g -jar "$JAR" --nuts.database.embedded-dir="$OUT/pg-$name" > "$OUT/app-$name.log" 2>&1 &
  app=$!; pids+=($app)
  wait_for "http://127.0.0.1:$APP_PORT/nuts/orders"
  curl -sf "http://127.0.0.1:$APP_PORT/nuts/orders" -o "$OUT/orders-$name.json"
  run_wrk "nutsgate-$name" "http://127.0.0.1:$APP_PORT/nuts/orders" "$app"
  if [ "${PROFILE:-0}" = 1 ] && [ -n "$2" ]; then
    "$JAVA_HOME/bin/jcmd" "$app" JFR.start name=bench settings=profile filename="$PWD/$OUT/nutsgate.jfr" > /dev/null
    wrk -t2 -c64 -d"${DURATION}s" --latency "http://127.0.0.1:$APP_PORT/nuts/orders" > "$OUT/nutsgate-profiled.txt"
    "$JAVA_HOME/bin/jcmd" "$app" JFR.stop name=bench > /dev/null
    "$JAVA_HOME/bin/jfr" view --width 200 hot-methods "$OUT/nutsgate.jfr" | head -30 > "$OUT/hot-methods.txt" || true
    "$JAVA_HOME/bin/jfr" view --width 200 allocation-by-site "$OUT/nutsgate.jfr" | head -25 > "$OUT/allocations.txt" || true
    "$JAVA_HOME/bin/jfr" view --width 200 gc "$OUT/nutsgate.jfr" | tail -5 > "$OUT/gc.txt" || true
  fi
  kill "$app"; wait "$app" 2>/dev/null || true

  # the seed design
  PORT=$SEED_PORT FEED_URL="http://127.0.0.1:$UP_PORT/feed/" node bench/seed/server.js > "$OUT/seed-$name.log" 2>&1 &
  seed=$!; pids+=($seed)
  wait_for "http://127.0.0.1:$SEED_PORT/nuts/orders"
  run_wrk "seed-$name" "http://127.0.0.1:$SEED_PORT/nuts/orders" "$seed"
  kill "$seed"; wait "$seed" 2>/dev/null || true

  # nginx serving the same bytes as nutsgate as a static file
  rm -rf "$OUT/nginx"; mkdir -p "$OUT/nginx/www/nuts" "$OUT/nginx/tmp"
  cp "$OUT/orders-$name.json" "$OUT/nginx/www/nuts/orders"
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
  nginx -c "$PWD/$OUT/nginx/nginx.conf" & nginx=$!; pids+=($nginx)
  wait_for "http://127.0.0.1:$NGINX_PORT/nuts/orders"
  run_wrk "nginx-$name" "http://127.0.0.1:$NGINX_PORT/nuts/orders" "$nginx"
  kill "$nginx"; wait "$nginx" 2>/dev/null || true
  kill "$up"; wait "$up" 2>/dev/null || true
}

CASES=${CASES:-fixture real}
for name in $CASES; do bench_case "$name" "$([ "$name" = real ] && echo "$ORDERS_REAL")"; done

{
  echo "== cached GET /nuts/orders, wrk -t2 -c64, ${WARMUP} s warm-up, ${DURATION} s measured; load average after each run"
  for name in $CASES; do
    echo "-- $name feed: $(wc -c < "$OUT/orders-$name.json") bytes answered by nutsgate and nginx"
    for s in before nutsgate seed nginx; do
      [ -f "$OUT/$s-$name.txt" ] || continue
      printf '%-9s %10s req/s   p99 %-9s %6s us CPU/answer   load %s\n' "$s" "$(rps "$s-$name")" "$(p99 "$s-$name")" \
        "$(cat "$OUT/$s-$name.cpu")" "$(cat "$OUT/$s-$name.load")"
    done
    awk -v a="$(rps "nutsgate-$name")" -v b="$(rps "seed-$name")" -v c="$(rps "nginx-$name")" \
      -v ca="$(cat "$OUT/nutsgate-$name.cpu")" -v cc="$(cat "$OUT/nginx-$name.cpu")" \
      'BEGIN {printf "nutsgate = %.2fx the seed design, %.2fx nginx (req/s); nginx/nutsgate CPU per answer = %.2f\n", a/b, a/c, cc/ca}'
  done
} | tee "$OUT/summary.txt"
for f in hot-methods allocations gc; do [ -f "$OUT/$f.txt" ] && { echo; cat "$OUT/$f.txt"; }; done
exit 0
