#!/usr/bin/env bash
# Fill submissions under a flood of made-up hashes, all on this machine; everything it starts is stopped at the end:
# a fresh devnet (dev/devnet, 2-second blocks), a JSON-RPC proxy counting the node's calls (bench/fill-flood.js
# proxy), nutsgate with the default submission limits reading the chain through that proxy and trusting loopback as
# its proxy, then bench/fill-flood.js run: RATE made-up hashes a second to POST /nuts/fills for SECONDS from CLIENTS
# addresses (X-Forwarded-For), and meanwhile FILLS real fills through our referrer, each submitted once its receipt
# is there (after one such fill not measured, so the service is warm). Prints submit -> recorded p50/p95/max of
# the real fills as the client sees it (POST to GET answering recorded) and as the service timed it (the entry's
# created_at -> updated_at), target within a second; the flood's answers, the highest pending count, the
# eth_getTransactionReceipt calls the node got; then the load average. Submissions log at debug (a receipt batch
# that failed) in bench/results/fill-flood-app.log.
# The service's tables live in schema bench_fill_flood of the machine's PostgreSQL (dropped at the end).
#
#   bench/fill-flood.sh [RATE=15] [CLIENTS=300] [SECONDS=60] [FILLS=20]     (SKIP_BUILD=1: use target/'s jar)
set -euo pipefail
cd "$(dirname "$0")/.."
RATE=${1:-15}
CLIENTS=${2:-300}
SECONDS_=${3:-60}
FILLS=${4:-20}
NAME=fill-flood
SCHEMA=bench_fill_flood
NPM_DIRS="dev"
. bench/chain-bench-setup.sh
start_devnet

echo "== counting proxy in front of the devnet"
PROXY_PORT=$(free_port)
node bench/fill-flood.js proxy "$RPC" "$PROXY_PORT" >"$RESULTS/fill-flood-proxy.log" 2>&1 &
PIDS+=("$!")
PROXY=http://127.0.0.1:$PROXY_PORT
for _ in $(seq 1 50); do curl -fsS "$PROXY/calls" >/dev/null 2>&1 && break; sleep 0.1; done

echo "== nutsgate"
PORT=$(free_port)
DATABASE_URL="jdbc:postgresql://$PGHOST:$PGPORT/$PGDATABASE?user=$PGUSER&currentSchema=$SCHEMA" \
SPRING_FLYWAY_SCHEMAS=$SCHEMA PORT=$PORT ALPHABIT_REFERRER_ADDRESS=$REFERRER \
BASE_RPC_URL=$PROXY NUTS_DEPLOYMENT_FILE=$WORK/devnet.json NUTS_TRUSTED_PROXIES=127.0.0.1/32 \
NUTS_TRADES_SCHEDULED_SYNC=false NUTS_TRADES_SYNC_ON_EVENTS=false NUTS_MANAGEMENT_TOKEN=$TOKEN \
LOGGING_LEVEL_IO_NUTSGATE_SUBMISSIONS=debug \
  java -Xmx512m -XX:+UseG1GC -jar "$JAR" >"$RESULTS/fill-flood-app.log" 2>&1 &
PIDS+=("$!")
for _ in $(seq 1 600); do curl -fsS "http://127.0.0.1:$PORT/nuts/indexer" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fsS "http://127.0.0.1:$PORT/nuts/indexer" >/dev/null || { echo "nutsgate did not start: $(tail -5 "$RESULTS/fill-flood-app.log")" >&2; exit 1; }

echo "== flood: $RATE hashes/s from $CLIENTS addresses for $SECONDS_ s, $FILLS real fills beside it"
RESULT=$(node bench/fill-flood.js run "$WORK/devnet.json" "http://127.0.0.1:$PORT" "$PROXY" \
  "$RATE" "$CLIENTS" "$SECONDS_" "$FILLS" "$REFERRER" "$TOKEN")
say "command: bench/fill-flood.sh $RATE $CLIENTS $SECONDS_ $FILLS"
say "$RESULT"
# the same fills timed by the service itself: the entry's insert to its update to recorded, no HTTP polling in it
IN=$(echo "$RESULT" | python3 -c "import json,sys; print(','.join(\"'\" + h + \"'\" for h in json.load(sys.stdin)['realFills']['hashes']))")
say "service side, created_at -> updated_at of the recorded real fills (ms): $(psql -tA -F ' ' -c "
  SELECT 'n=' || count(*), 'p50=' || round(percentile_disc(0.5) WITHIN GROUP (ORDER BY ms)),
         'p95=' || round(percentile_disc(0.95) WITHIN GROUP (ORDER BY ms)), 'max=' || round(max(ms))
  FROM (SELECT extract(epoch FROM updated_at - created_at) * 1000 AS ms FROM $SCHEMA.fill_submissions
        WHERE state = 'recorded' AND tx_hash IN ($IN)) t")"
say "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
