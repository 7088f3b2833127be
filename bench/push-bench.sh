#!/usr/bin/env bash
# Push benchmark, all on this machine, everything it starts is stopped at the end:
#   1. CLIENTS official socket.io-client WebSocket connections to instance B, each subscribed to its own wallet:
#      B's heap (after a full GC) and RSS per connection;
#   2. one event to ROOMS rooms, published on Redis channel nutsgate:push as another instance publishes it (one message
#      per room, all stamped with the time the batch starts), delivered by B to its sockets: p50/p99 from the start
#      of the publish to the client's handler, 6 rounds (the first carries JIT warm-up).
# A private redis-server on a free port; the service's tables in its own embedded PostgreSQL (a temporary
# NUTS_DATABASE_DIR), so a busy shared PostgreSQL cannot fail or slow the run. Prints the load average around the
# rounds: the figures include waiting for a CPU when other work runs.
#
#   bench/push-bench.sh [CLIENTS=10000] [ROOMS=1000]
set -euo pipefail
cd "$(dirname "$0")/.."
CLIENTS=${1:-10000}
ROOMS=${2:-1000}
RESULTS=bench/results
export JAVA_HOME=${JAVA_HOME_25:-${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}}
export PATH="$JAVA_HOME/bin:$PATH"
mkdir -p "$RESULTS"; rm -f "$RESULTS/push-bench.txt"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

DB_DIR=$(mktemp -d /tmp/nutsgate-push-bench-db.XXXXXX)
echo "== building"
./mvnw -B -q -DskipTests -Dspotless.check.skip=true package
[ -d src/test/socketio/node_modules ] || (cd src/test/socketio && npm ci --no-audit --no-fund)
JAR=$(ls target/nutsgate-*.jar | grep -v plain | head -1)

REDIS_PORT=$(free_port)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no >"$RESULTS/push-redis.log" 2>&1 &
REDIS=$!
PIDS=("$REDIS")
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$DB_DIR"
}
trap cleanup EXIT

start_instance() { # name port
  NUTS_DATABASE_DIR="$DB_DIR/$1" PORT=$2 REDIS_URL=redis://127.0.0.1:$REDIS_PORT \
  NUTS_TRADES_SCHEDULED_SYNC=false NUTS_PUSH_WATCH=false NUTS_PUSH_MAX_SUBSCRIPTIONS=20 \
    java -Xmx1g -XX:+UseG1GC -jar "$JAR" >"$RESULTS/push-$1.log" 2>&1 &
  echo $!
}
PORT_B=$(free_port)
B=$(start_instance b "$PORT_B"); PIDS+=("$B")
for _ in $(seq 1 180); do
  kill -0 "$B" 2>/dev/null || { echo "the service exited; see $RESULTS/push-b.log" >&2; exit 1; }
  curl -fsS "http://127.0.0.1:$PORT_B/actuator/health" >/dev/null 2>&1 && break; sleep 1
done

heap_and_rss() { # pid -> "heapMB rssMB"
  jcmd "$1" GC.run >/dev/null
  sleep 2
  heap=$(jcmd "$1" GC.heap_info | awk '/garbage-first heap/ {for(i=1;i<=NF;i++) if($i=="used") print $(i+1)}' | tr -d 'K,')
  rss=$(awk '/VmRSS/ {print $2}' /proc/"$1"/status)
  echo "$((heap / 1024)) $((rss / 1024))"
}
read -r HEAP0 RSS0 <<<"$(heap_and_rss "$B")"
echo "== B before clients: heap ${HEAP0} MB, RSS ${RSS0} MB"

coproc BENCH { cd src/test/socketio && exec node --max-old-space-size=4096 push-bench.js "http://127.0.0.1:$PORT_B" "$CLIENTS" 200; }
PIDS+=("$BENCH_PID")
read -r READY <&"${BENCH[0]}"
echo "== clients: $READY"
read -r HEAP1 RSS1 <<<"$(heap_and_rss "$B")"
echo "== B with $CLIENTS subscribed sockets: heap ${HEAP1} MB, RSS ${RSS1} MB;" \
  "per connection: heap $(( (HEAP1 - HEAP0) * 1024 / CLIENTS )) KB, RSS $(( (RSS1 - RSS0) * 1024 / CLIENTS )) KB"

jcmd "$B" GC.class_histogram | head -30 >"$RESULTS/push-histogram.txt" # what the connections hold

publish_rooms() { # one PUBLISH per room, all stamped with the time the batch starts
  python3 - "$ROOMS" <<'PY' | redis-cli -p "$REDIS_PORT" --pipe >/dev/null
import json, sys, time
rooms = int(sys.argv[1]); t = int(time.time() * 1000)
def cmd(*parts):
    out = "*%d\r\n" % len(parts)
    for p in parts:
        b = p.encode(); out += "$%d\r\n%s\r\n" % (len(b), p)
    return out
for i in range(rooms):
    wallet = "0x" + format(0xb000000 + i, "x").zfill(40)
    payload = json.dumps({"t": t, "seq": i})
    env = json.dumps({"origin": "bench", "room": "positions:" + wallet, "event": "trade:new", "payload": payload})
    sys.stdout.write(cmd("PUBLISH", "nutsgate:push", env))
PY
}
IN=${BENCH[1]}; OUT=${BENCH[0]}
echo "load average before the rounds: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$RESULTS/push-bench.txt"
for round in 1 2 3 4 5 6; do
  publish_rooms; sleep 2
  echo report >&"$IN"; read -r line <&"$OUT"
  echo "round $round, one event to $ROOMS rooms: $line (load $(cut -d' ' -f1 /proc/loadavg))" | tee -a "$RESULTS/push-bench.txt"
done
echo quit >&"${BENCH[1]}" || true
