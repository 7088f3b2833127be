#!/usr/bin/env bash
# Failing dependencies (issue 8), all on loopback, in one run. Prints p50/p99 (wrk, 16 connections, 10 s) of:
#   (1) cached GET /nuts/orders, feed healthy          (2) the same with the feed hanging (accepts, never answers)
#   (3) the same with Redis killed (kill -9)            (4) a DB-backed endpoint (GET /nuts/users/{a}/trades)
#                                                           with PostgreSQL stopped (expected: all 503)
# and how long Redis and PostgreSQL take to be used again once back; then (5) the time of a normal request while
# 8,000 idle connections are open (bench/idle-connections.sh when present, else measured here).
# The service runs with its own redis-server and its own PostgreSQL cluster (never the machine's), orders TTL 5s.
# Needs: wrk, redis-server, PostgreSQL server binaries (/usr/lib/postgresql/*/bin), python3, curl:
#   apt-get install -y wrk redis-server postgresql
# Usage: [JAR=built.jar] bench/faults.sh [seconds-per-phase]
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
PHASE=${1:-10}
OUT=bench/results/faults; rm -rf "$OUT"; mkdir -p "$OUT"
for tool in wrk redis-server redis-cli python3 curl; do
  command -v $tool >/dev/null || { echo "$tool is missing: apt-get install -y wrk redis-server python3 curl" >&2; exit 1; }
done
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$PGBIN/pg_ctl" ] || { echo "PostgreSQL server binaries missing: apt-get install -y postgresql" >&2; exit 1; }
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
UP_PORT=$(free_port); REDIS_PORT=$(free_port); PG_PORT=$(free_port); APP_PORT=$(free_port)
WALLET=0x5a0b54d5dc17e0aadc383d2db43b0a0d3e029c4c

pids=()
PGDATA="$(mktemp -d /tmp/nutsgate-faults-pg.XXXXXX)"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "${REDIS_PID:-}" ] && kill -9 "$REDIS_PID" 2>/dev/null || true
  as_pg "$PGBIN/pg_ctl" -D "$PGDATA/data" -m immediate stop >/dev/null 2>&1 || true
  wait 2>/dev/null || true
  rm -rf "$PGDATA"
}
trap cleanup EXIT

if [ -z "${JAR:-}" ]; then # JAR=path/to/nutsgate.jar measures that build instead
  ./mvnw -q -B -DskipTests -Dspotless.check.skip=true package
  JAR=$(ls target/nutsgate-*.jar | grep -v plain | head -1)
fi

python3 bench/fixture_upstream.py --port "$UP_PORT" & pids+=($!)

start_redis() {
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no >"$OUT/redis.log" 2>&1 &
  REDIS_PID=$!
  until redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; do sleep 0.05; done
}
start_redis

[ "$(id -u)" = 0 ] && chown postgres "$PGDATA"
as_pg "$PGBIN/initdb" -D "$PGDATA/data" -U postgres -A trust >"$OUT/initdb.log" 2>&1
pg_start() { as_pg "$PGBIN/pg_ctl" -D "$PGDATA/data" -o "-p $PG_PORT -k $PGDATA -c listen_addresses=127.0.0.1" -l "$PGDATA/pg.log" -w start >/dev/null; }
pg_stop() { as_pg "$PGBIN/pg_ctl" -D "$PGDATA/data" -m immediate stop >/dev/null; }
pg_start

PORT=$APP_PORT THETANUTS_ORDERS_URL="http://127.0.0.1:$UP_PORT/feed/" THETANUTS_INDEXER_URL="http://127.0.0.1:$UP_PORT/book" \
  ALPHABIT_REFERRER_ADDRESS=0x7e1d3c2b4a59687f8e9d0c1b2a3948576a6b5c4d NUTS_CACHE_TTL_ORDERS=5s \
  REDIS_URL="redis://127.0.0.1:$REDIS_PORT" DATABASE_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/postgres?user=postgres" \
  "$JAVA_HOME/bin/java" -Xmx1g -jar "$JAR" > "$OUT/app.log" 2>&1 &
APP=$!; pids+=($APP)
for _ in $(seq 1 1800); do curl -sf "http://127.0.0.1:$APP_PORT/actuator/health/liveness" >/dev/null && break; sleep 0.5; done
curl -sf "http://127.0.0.1:$APP_PORT/nuts/orders" -o /dev/null || { echo "service did not start; see $OUT/app.log" >&2; exit 1; }

ORDERS="http://127.0.0.1:$APP_PORT/nuts/orders"
TRADES="http://127.0.0.1:$APP_PORT/nuts/users/$WALLET/trades"
measure() { # $1 label, $2 url
  wrk -t2 -c16 -d"${PHASE}s" --latency "$2" > "$OUT/$1.txt"
  local p50 p99 rps non2xx
  p50=$(awk '$1=="50%" {print $2}' "$OUT/$1.txt"); p99=$(awk '$1=="99%" {print $2}' "$OUT/$1.txt")
  rps=$(awk '/Requests\/sec/ {print $2}' "$OUT/$1.txt"); non2xx=$(awk '/Non-2xx/ {print $5}' "$OUT/$1.txt")
  printf '%-44s p50 %-9s p99 %-9s %9s req/s  non-2xx: %s\n' "$1" "$p50" "$p99" "$rps" "${non2xx:-0}" | tee -a "$OUT/summary.txt"
}
seconds_until() { # $1 = shell condition; prints the seconds it took to become true (max 60)
  local start; start=$(date +%s.%N)
  for _ in $(seq 1 600); do eval "$1" && break; sleep 0.1; done
  awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e-s}'
}

wrk -t2 -c16 -d"${PHASE}s" "$ORDERS" >/dev/null # warm-up (JIT)
echo "== p50/p99, wrk 16 connections, ${PHASE} s per phase" | tee "$OUT/summary.txt"
measure "orders, feed healthy" "$ORDERS"

curl -sf -X POST "http://127.0.0.1:$UP_PORT/__hang" >/dev/null
sleep 6 # the cached copy passes its 5 s lifetime: every refresh now hangs
measure "orders, feed hanging (stale served)" "$ORDERS"
curl -s "$ORDERS" | grep -q '"stale":true' && echo "   (answers carry \"stale\":true)" | tee -a "$OUT/summary.txt"
curl -sf -X POST "http://127.0.0.1:$UP_PORT/__heal" >/dev/null
sleep 6

kill -9 "$REDIS_PID"; wait "$REDIS_PID" 2>/dev/null || true
measure "orders, Redis killed (kill -9)" "$ORDERS"
start_redis
back=$(seconds_until "curl -s '$ORDERS' -o /dev/null; redis-cli -p $REDIS_PORT exists nutsgate:upstream:orders:feed | grep -q 1")
echo "   Redis restarted: written again after ${back} s" | tee -a "$OUT/summary.txt"

curl -sf "$TRADES" -o /dev/null
pg_stop
measure "trades (DB-backed), PostgreSQL stopped" "$TRADES"
code=$(curl -s "$TRADES" | python3 -c 'import json,sys; print(json.load(sys.stdin)["error"]["code"])')
echo "   answer: $code" | tee -a "$OUT/summary.txt"
measure "orders, PostgreSQL stopped" "$ORDERS"
pg_start
back=$(seconds_until "[ \"\$(curl -s -o /dev/null -w '%{http_code}' '$TRADES')\" = 200 ]")
echo "   PostgreSQL restarted: trades answer 200 again after ${back} s (no service restart)" | tee -a "$OUT/summary.txt"

echo "== a normal request while 8,000 idle connections are open" | tee -a "$OUT/summary.txt"
if [ -x bench/idle-connections.sh ]; then
  APP_PORT=$APP_PORT bench/idle-connections.sh "$APP_PORT" | tee -a "$OUT/summary.txt"
else
  python3 bench/idle_connections.py --port "$APP_PORT" --idle 8000 --path /nuts/orders | tee -a "$OUT/summary.txt"
fi
echo
echo "summary in $OUT/summary.txt"
