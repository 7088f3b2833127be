#!/usr/bin/env bash
# Option lifecycle benchmark, all on this machine; everything it starts is stopped at the end:
#   1. backfill: FILLS fills through our referrer of options expiring soon are put on a fresh devnet (as in
#      chain-bench.sh), the devnet's keeper settles them all (OptionExpired + OptionPayout + ExcessCollateralReturned
#      each), then nutsgate starts on a fresh schema and indexes fills and lifecycle events from the deployment block:
#      logs/s = nuts_indexer_logs_total / seconds from the indexer's start to caught up;
#   2. settlement latency, 2-second blocks: SAMPLES fills of options expiring 6 s later; from the arrival of the
#      settlement's block (its OptionExpired log, polled every 25 ms) to the trade SETTLED over HTTP and to
#      trade:settled on a socket.io client: p50/p95/max (target p95 <= one block + 1 s = 3 s);
#   3. the load average at the end: the machine is shared, read the figures with it.
#
#   bench/settlement-bench.sh [FILLS=1000] [SAMPLES=20]
set -euo pipefail
cd "$(dirname "$0")/.."
FILLS=${1:-1000}
SAMPLES=${2:-20}
NAME=settlement-bench
SCHEMA=bench_settlement
NPM_DIRS="src/test/socketio"
. bench/chain-bench-setup.sh
start_devnet

echo "== putting $FILLS fills on the devnet, options expiring within minutes"
GEN=$(BENCH_OPTION_EXPIRY_SECONDS=$((FILLS / 10 + 60)) node bench/chain-bench.js generate "$WORK/devnet.json" "$FILLS" "$REFERRER")
say "generated: $GEN"
FROM_BLOCK=$(echo "$GEN" | python3 -c "import json,sys; print(json.load(sys.stdin)['fromBlock'])")
echo "== waiting for the keeper to settle them"
SETTLED=$(node bench/settlement-bench.js settled "$WORK/devnet.json" "$FROM_BLOCK" "$FILLS")
say "settled on chain: $SETTLED"
TO_BLOCK=$(echo "$SETTLED" | python3 -c "import json,sys; print(json.load(sys.stdin)['head'])")

echo "== nutsgate indexing fills and lifecycle events from the deployment block"
PORT=$(free_port)
STARTED=$(date +%s.%N)
DATABASE_URL="jdbc:postgresql://$PGHOST:$PGPORT/$PGDATABASE?user=$PGUSER&currentSchema=$SCHEMA" \
SPRING_FLYWAY_SCHEMAS=$SCHEMA PORT=$PORT ALPHABIT_REFERRER_ADDRESS=$REFERRER \
BASE_RPC_URL=$RPC NUTS_DEPLOYMENT_FILE=$WORK/devnet.json NUTS_INDEXER_CONFIRMATIONS=2 \
NUTS_TRADES_SCHEDULED_SYNC=false NUTS_TRADES_SYNC_ON_EVENTS=false NUTS_MANAGEMENT_TOKEN=$TOKEN \
  java -Xmx512m -XX:+UseG1GC -jar "$JAR" >"$RESULTS/settlement-app.log" 2>&1 &
APP=$!
PIDS+=("$APP")
INDEXED=0
for _ in $(seq 1 6000); do
  INDEXED=$(curl -fsS "http://127.0.0.1:$PORT/nuts/indexer" 2>/dev/null \
    | python3 -c "import json,sys; print(json.load(sys.stdin)['data']['indexedBlock'] or 0)" 2>/dev/null || echo 0)
  [ "$INDEXED" -ge "$TO_BLOCK" ] && break
  sleep 0.2
done
DONE=$(date +%s.%N)
[ "$INDEXED" -ge "$TO_BLOCK" ] || { echo "the indexer did not catch up (block $INDEXED of $TO_BLOCK)" >&2; exit 1; }
FIRST=$(grep -m1 "chain indexer on" "$RESULTS/settlement-app.log" | awk '{print $1}' || true)
METRICS=$(curl -fsS -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/actuator/prometheus")
LOGS=$(echo "$METRICS" | awk '/^nuts_indexer_logs_total/ {print int($2)}')
EVENTS=$(echo "$METRICS" | awk '/^nuts_lifecycle_events_total/ {print int($2)}')
MISMATCH=$(echo "$METRICS" | awk '/^nuts_lifecycle_payout_mismatch_total/ {print int($2)}')
SETTLED_TRADES=$(psql -tA -c "SELECT count(*) FROM $SCHEMA.trades WHERE status = 'SETTLED'")
python3 - "$STARTED" "$DONE" "$FIRST" "$LOGS" "$EVENTS" "$SETTLED_TRADES" "$MISMATCH" <<'PY' | tee -a "$OUT"
import sys, datetime
started, done, first = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
logs, events, settled, mismatch = int(sys.argv[4]), sys.argv[5], sys.argv[6], sys.argv[7]
begin = started
if first:
    try:
        begin = max(started, datetime.datetime.fromisoformat(first.replace('Z', '+00:00')).timestamp())
    except ValueError:
        pass
secs = done - begin
print(f"backfill: {logs} logs ({events} lifecycle events, {settled} trades SETTLED, payout mismatches {mismatch})"
      f" in {secs:.1f} s from the indexer's start: {logs / secs:.0f} logs/s (JVM start to caught up: {done - started:.1f} s)")
PY

echo "== settlement latency, 2-second blocks"
LAT=$(node bench/settlement-bench.js latency "$WORK/devnet.json" "http://127.0.0.1:$PORT" "$SAMPLES" "$REFERRER")
say "settlement block -> SETTLED over HTTP / trade:settled pushed: $LAT"
say "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
