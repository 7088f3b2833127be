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
REFERRER=0x7e1d3c2b4a59687f8e9d0c1b2a3948576a6b5c4d
TOKEN=bench-operator-token
export PGHOST=127.0.0.1 PGPORT=5432 PGUSER=${PGUSER:-postgres} PGDATABASE=${PGDATABASE:-test}
SCHEMA=bench_settlement
RESULTS=bench/results
export JAVA_HOME=${JAVA_HOME_25:-${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}}
export PATH="$JAVA_HOME/bin:$PATH"
mkdir -p "$RESULTS"
OUT="$RESULTS/settlement-bench.txt"
: >"$OUT"
say() { echo "$@" | tee -a "$OUT"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

pg_isready -q || { echo "PostgreSQL at $PGHOST:$PGPORT does not answer" >&2; exit 1; }
psql -q -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE"
[ -d src/test/socketio/node_modules ] || (cd src/test/socketio && npm ci --no-audit --no-fund --loglevel=error)
if [ -z "${SKIP_BUILD:-}" ]; then
  echo "== building"
  ./mvnw -B -q -DskipTests -Dspotless.check.skip=true package
fi
JAR=$(ls target/nutsgate-*.jar | grep -v plain | head -1)

WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql -q -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== devnet"
DEVNET_PORT=$(free_port)
ALPHABIT_REFERRER_ADDRESS=$REFERRER dev/devnet --port "$DEVNET_PORT" --out "$WORK/devnet.json" \
  >"$WORK/devnet.out" 2>"$RESULTS/settlement-devnet.log" &
PIDS+=("$!")
for _ in $(seq 1 120); do [ -s "$WORK/devnet.json" ] && break; sleep 1; done
[ -s "$WORK/devnet.json" ] || { echo "the devnet did not start: $(tail -5 "$RESULTS/settlement-devnet.log")" >&2; exit 1; }
RPC=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['rpcUrl'])" "$WORK/devnet.json")

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
