#!/usr/bin/env bash
# Trade history benchmark: loads TRADES trades for USERS users into the machine's PostgreSQL (schema bench_trades of
# database test, 127.0.0.1:5432), starts the service on it, then times
#   1. the SQL the endpoints run, with pgbench (one client, fixed transaction count), and
#   2. the real endpoints over loopback HTTP, with bench/TradesBench.java,
# and prints p50/p99. Everything stays on this machine and stops by itself. Results also land in bench/results/.
#
#   bench/trades-bench.sh [TRADES=1000000] [USERS=10000]
#   env: PGUSER (postgres), PGDATABASE (test), BENCH_PORT (18080), BENCH_REQUESTS (2000), BENCH_KEEP=1 keeps the schema
set -euo pipefail
cd "$(dirname "$0")/.."

TRADES=${1:-1000000}
USERS=${2:-10000}
export PGHOST=127.0.0.1 PGPORT=5432 PGUSER=${PGUSER:-postgres} PGDATABASE=${PGDATABASE:-test}
SCHEMA=bench_trades
PORT=${BENCH_PORT:-18080}
REQUESTS=${BENCH_REQUESTS:-2000}
REFERRER=0x7e1d3c2b4a59687f8e9d0c1b2a3948576a6b5c4d
USDC=0x833589fcd6edb6e08f4c7c32d4f71b54bda02913
RESULTS=bench/results
export JAVA_HOME=${JAVA_HOME_25:-${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}}
export PATH="$JAVA_HOME/bin:$PATH"
mkdir -p "$RESULTS"

pg_isready -q || { echo "PostgreSQL at $PGHOST:$PGPORT does not answer" >&2; exit 1; }
psql -q -v ON_ERROR_STOP=1 -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE"

echo "== building the service"
./mvnw -B -q -DskipTests -Dspotless.check.skip=true package
JAR=$(ls target/nutsgate-*.jar | grep -v plain | head -1)

echo "== starting it on port $PORT against schema $SCHEMA (Flyway creates the tables)"
DATABASE_URL="jdbc:postgresql://$PGHOST:$PGPORT/$PGDATABASE?user=$PGUSER&currentSchema=$SCHEMA" \
SPRING_FLYWAY_SCHEMAS=$SCHEMA PORT=$PORT ALPHABIT_REFERRER_ADDRESS=$REFERRER \
NUTS_TRADES_SCHEDULED_SYNC=false NUTS_TRADES_SYNC_ON_EVENTS=false NUTS_LEADERBOARD_REFRESH=15s \
LOGGING_LEVEL_IO_NUTSGATE_TRADES=DEBUG \
  java -Xmx1g -jar "$JAR" >"$RESULTS/app.log" 2>&1 &
APP=$!
cleanup() {
  kill "$APP" 2>/dev/null || true
  wait "$APP" 2>/dev/null || true
  if [ "${BENCH_KEEP:-0}" != 1 ]; then psql -q -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" || true; fi
}
trap cleanup EXIT
for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$PORT/actuator/health" >/dev/null 2>&1 && break
  kill -0 "$APP" 2>/dev/null || { echo "the service did not start; see $RESULTS/app.log" >&2; exit 1; }
  sleep 1
done

echo "== loading $TRADES trades for $USERS users"
start=$(date +%s)
PGOPTIONS="-c search_path=$SCHEMA" psql -q -v ON_ERROR_STOP=1 -v trades="$TRADES" -v users="$USERS" \
  -v referrer="$REFERRER" -f bench/trades-load.sql >/dev/null
echo "loaded in $(( $(date +%s) - start )) s:" \
  "$(PGOPTIONS="-c search_path=$SCHEMA" psql -qAt -c "SELECT count(*) || ' trades, ' || count(DISTINCT wallet) || ' wallets, ' || pg_size_pretty(pg_total_relation_size('trades')) FROM trades")"

echo "== waiting for the service to recompute the 7/30 day leaderboard totals (every 15 s here, 1 min by default)"
loaded_at=$(psql -qAt -c "SELECT now()")
for _ in $(seq 1 120); do
  done_at=$(PGOPTIONS="-c search_path=$SCHEMA" psql -qAt -c "SELECT count(*) FROM trader_window_state WHERE computed_at > '$loaded_at'")
  [ "$done_at" = 1 ] && break
  sleep 1
done
grep -o 'leaderboard windows refreshed in [0-9]* ms' "$RESULTS/app.log" | tail -3 | sed "s/^/   /" || true

# The SQL exactly as TradeRepository sends it (with literals for its parameters).
LEADERBOARD_JOIN="LEFT JOIN wallets w ON w.address = r.wallet LEFT JOIN users u ON u.id = w.user_id ORDER BY r.value DESC, r.wallet"
cat >"$RESULTS/q_leaderboard_all.sql" <<SQL
SELECT r.wallet, r.value, r.trades, u.fid, u.username, u.display_name, u.pfp_url FROM ( SELECT wallet, volume AS value, trades FROM trader_totals WHERE collateral_token = '$USDC' ORDER BY volume DESC, wallet LIMIT 20) r $LEADERBOARD_JOIN;
SQL
cat >"$RESULTS/q_leaderboard_7d.sql" <<SQL
SELECT r.wallet, r.value, r.trades, u.fid, u.username, u.display_name, u.pfp_url FROM (SELECT wallet, volume AS value, volume_trades AS trades FROM trader_window_totals WHERE window_days = 7 AND collateral_token = '$USDC' AND volume_trades > 0 ORDER BY volume DESC, wallet LIMIT 20) r $LEADERBOARD_JOIN;
SQL
cat >"$RESULTS/q_leaderboard_30d_pnl.sql" <<SQL
SELECT r.wallet, r.value, r.trades, u.fid, u.username, u.display_name, u.pfp_url FROM (SELECT wallet, realised_pnl AS value, pnl_trades AS trades FROM trader_window_totals WHERE window_days = 30 AND collateral_token = '$USDC' AND pnl_trades > 0 ORDER BY realised_pnl DESC, wallet LIMIT 20) r $LEADERBOARD_JOIN;
SQL
COLUMNS="id, entry_tx_hash, option_address, wallet, side, status, underlying, product, is_call, strikes, expiry, collateral_token, collateral_symbol, collateral_decimals, premium, fee, contracts, collateral, settlement_price, payout, pnl, referrer, created_at, settled_at"
cat >"$RESULTS/q_trades_page.sql" <<SQL
\set w random(1, $USERS)
SELECT $COLUMNS FROM trades WHERE wallet = '0x' || lpad(to_hex(:w), 40, '0') ORDER BY created_at DESC, id DESC LIMIT 21;
SQL
cat >"$RESULTS/q_trades_page2.sql" <<SQL
\set w random(1, $USERS)
SELECT $COLUMNS FROM trades WHERE wallet = '0x' || lpad(to_hex(:w), 40, '0') AND (created_at, id) < (now() - interval '120 days', 9223372036854775807) ORDER BY created_at DESC, id DESC LIMIT 21;
SQL

echo "== query plans ($RESULTS/explain.txt)"
: >"$RESULTS/explain.txt"
for q in leaderboard_all leaderboard_7d leaderboard_30d_pnl trades_page; do
  sql=$(sed -e "s/:w/$((USERS / 2))/" -e '/^\\set/d' "$RESULTS/q_$q.sql")
  { echo "-- $q"; PGOPTIONS="-c search_path=$SCHEMA" psql -qAt -c "EXPLAIN (ANALYZE, BUFFERS) $sql"; echo; } >>"$RESULTS/explain.txt"
done
grep -E '^-- |Index|Execution Time' "$RESULTS/explain.txt" | sed 's/^/   /' | head -40

percentiles() { # pgbench -l lines: client tx latency_us script epoch us
  awk '{print $3}' "$@" | sort -n | awk '{a[NR]=$1} END {
    p50=a[int(NR*0.50+0.5)]; p99=a[int(NR*0.99+0.5)]; printf "%8d %8.2f %8.2f %8.2f\n", NR, p50/1000, p99/1000, a[NR]/1000 }'
}
echo "== SQL (pgbench, 1 client, $REQUESTS transactions each after 200 warm-up)"
printf "%-30s %8s %8s %8s %8s\n" "query (ms)" "n" "p50" "p99" "max"
for q in leaderboard_all leaderboard_7d leaderboard_30d_pnl trades_page trades_page2; do
  rm -f "$RESULTS"/pgbench_"$q"*
  PGOPTIONS="-c search_path=$SCHEMA" pgbench -n -c 1 -t 200 -f "$RESULTS/q_$q.sql" >/dev/null 2>&1
  PGOPTIONS="-c search_path=$SCHEMA" pgbench -n -c 1 -t "$REQUESTS" -f "$RESULTS/q_$q.sql" -l \
    --log-prefix="$RESULTS/pgbench_$q" >/dev/null 2>&1
  printf "%-30s %s\n" "$q" "$(percentiles "$RESULTS"/pgbench_"$q".*)"
done

echo "== HTTP endpoints (sequential, loopback, $REQUESTS requests each after 200 warm-up)"
java bench/TradesBench.java "http://127.0.0.1:$PORT" "$USERS" "$REQUESTS" | tee "$RESULTS/http.txt"
