#!/usr/bin/env bash
# Chain indexer benchmark, all on this machine; everything it starts is stopped at the end:
#   1. backfill: FILLS fills through our referrer are put on a fresh devnet (dev/devnet, mining paused, pre-signed
#      transactions in JSON-RPC batches, anvil_mine), then nutsgate starts and indexes them from the deployment
#      block: logs/s = nuts_indexer_logs_total / seconds from the indexer's start to caught up;
#   2. head latency: 2-second blocks again, SAMPLES single fills; from a fill's block (its receipt appearing,
#      polled every 25 ms) to its trade in GET /nuts/users/{taker}/trades (polled every 25 ms): p50/p95/max;
#   3. memory at rest: heap after a full GC (jcmd GC.run, GC.heap_info) and RSS of the nutsgate JVM;
#   4. the load average (/proc/loadavg) at the end: the machine is shared, read the figures with it.
# The service's tables live in schema bench_chain of the machine's PostgreSQL (dropped at the end).
#
#   bench/chain-bench.sh [FILLS=20000] [SAMPLES=40]
set -euo pipefail
cd "$(dirname "$0")/.."
FILLS=${1:-20000}
SAMPLES=${2:-40}
NAME=chain-bench
SCHEMA=bench_chain
NPM_DIRS=""
. bench/chain-bench-setup.sh
start_devnet

echo "== putting $FILLS fills on the devnet"
GEN=$(node bench/chain-bench.js generate "$WORK/devnet.json" "$FILLS" "$REFERRER")
say "generated: $GEN"

echo "== nutsgate indexing from the deployment block"
PORT=$(free_port)
STARTED=$(date +%s.%N)
DATABASE_URL="jdbc:postgresql://$PGHOST:$PGPORT/$PGDATABASE?user=$PGUSER&currentSchema=$SCHEMA" \
SPRING_FLYWAY_SCHEMAS=$SCHEMA PORT=$PORT ALPHABIT_REFERRER_ADDRESS=$REFERRER \
BASE_RPC_URL=$RPC NUTS_DEPLOYMENT_FILE=$WORK/devnet.json NUTS_INDEXER_CONFIRMATIONS=2 \
NUTS_TRADES_SCHEDULED_SYNC=false NUTS_TRADES_SYNC_ON_EVENTS=false NUTS_MANAGEMENT_TOKEN=$TOKEN \
  java -Xmx512m -XX:+UseG1GC -jar "$JAR" >"$RESULTS/chain-app.log" 2>&1 &
APP=$!
PIDS+=("$APP")
TO_BLOCK=$(echo "$GEN" | python3 -c "import json,sys; print(json.load(sys.stdin)['toBlock'])")
INDEXED=0
for _ in $(seq 1 3000); do
  INDEXED=$(curl -fsS "http://127.0.0.1:$PORT/nuts/indexer" 2>/dev/null \
    | python3 -c "import json,sys; print(json.load(sys.stdin)['data']['indexedBlock'] or 0)" 2>/dev/null || echo 0)
  [ "$INDEXED" -ge "$TO_BLOCK" ] && break
  sleep 0.2
done
DONE=$(date +%s.%N)
[ "$INDEXED" -ge "$TO_BLOCK" ] || { echo "the indexer did not catch up (block $INDEXED of $TO_BLOCK)" >&2; exit 1; }
# the indexer's own start (first batch) from its log, else the JVM's start
FIRST=$(grep -m1 "chain indexer on" "$RESULTS/chain-app.log" | awk '{print $1}' || true)
LOGS=$(curl -fsS -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/actuator/prometheus" | awk '/^nuts_indexer_logs_total/ {print int($2)}')
TRADES=$(psql -tA -c "SELECT count(*) FROM $SCHEMA.trades")
python3 - "$STARTED" "$DONE" "$FIRST" "$LOGS" "$TRADES" <<'PY' | tee -a "$OUT"
import sys, datetime
started, done, first, logs, trades = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5]
begin = started
if first:
    try:
        t = datetime.datetime.fromisoformat(first.replace('Z', '+00:00')).timestamp()
        begin = max(started, t)
    except ValueError:
        pass
secs = done - begin
print(f"backfill: {logs} logs ({trades} trades) in {secs:.1f} s from the indexer's start: {logs / secs:.0f} logs/s"
      f" (JVM start to caught up: {done - started:.1f} s)")
PY

echo "== head latency, 2-second blocks"
LAT=$(node bench/chain-bench.js latency "$WORK/devnet.json" "http://127.0.0.1:$PORT" "$SAMPLES" "$REFERRER")
say "head latency (block arrival -> trade visible over HTTP): $LAT"

echo "== memory at rest"
sleep 5
jcmd "$APP" GC.run >/dev/null
sleep 2
HEAP=$(jcmd "$APP" GC.heap_info | awk '/garbage-first heap/ {for(i=1;i<=NF;i++) if($i=="used") print $(i+1)}' | tr -d 'K,')
RSS=$(awk '/VmRSS/ {print $2}' /proc/"$APP"/status)
say "memory at rest: heap after GC $((HEAP / 1024)) MB, RSS $((RSS / 1024)) MB (-Xmx512m)"
say "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
