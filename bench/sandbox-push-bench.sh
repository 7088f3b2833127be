#!/usr/bin/env bash
# bench/sandbox-push-bench.sh [FILLS]: block → trade:new latency with two nutsgate instances sharing Redis and one
# database. Instance A takes the fill plans and POST /nuts/update; the socket listens on instance B (the browser's
# side); the push crosses over Redis. Starts its own devnet, dev/maker, redis-server and PostgreSQL (Debian's
# binaries, a temporary cluster), each on a free port, and stops them at exit (SIGTERM/SIGINT too).
# BENCH_MODES (default "update chain"): update = the Thetanuts-style flow (POST /nuts/update, indexer poll); chain =
# no call at all, our chain indexer (leader: instance A, started first) sees the fill and pushes it.
# Output: one JSON line per mode {mode, fills, pushed, misses, p50_ms, p95_ms, max_ms}.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fills="${1:-50}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
dir="$(mktemp -d -t nuts-push-bench.XXXXXX)"
pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
pids=()
cleanup() {
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill -TERM "${pids[$i]}" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done; kill -KILL "$pid" 2>/dev/null || true; done
  [ -f "$dir/pg/postmaster.pid" ] && su postgres -c "$pg_bin/pg_ctl -D $dir/pg -m fast stop" >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' TERM INT
free_port() { node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
wait_for() { for _ in $(seq 1 $(($3 * 5))); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.2; done; echo "not ready: $1" >&2; tail -20 "$1" >&2; exit 1; }

jar="${NUTS_JAR:-$(ls "$root"/target/nutsgate-*.jar | grep -v original | head -n 1)}"
referrer=0xa0Ee7A142d267C1f36714E4a8F75612F20a79720
rpc_port="$(free_port)"
ALPHABIT_REFERRER_ADDRESS="$referrer" "$root/dev/devnet" --port "$rpc_port" --out "$dir/deployment.json" >"$dir/devnet.log" 2>&1 &
pids+=($!)
wait_for "$dir/devnet.log" '^devnet ready' 300
feed_port="$(free_port)"
node "$root/dev/maker.js" --deployment "$dir/deployment.json" --port "$feed_port" --interval 5 --quote-life 90 >"$dir/maker.log" 2>&1 &
pids+=($!)
wait_for "$dir/maker.log" '^maker ready' 60
redis_port="$(free_port)"
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no >"$dir/redis.log" 2>&1 &
pids+=($!)
pg_port="$(free_port)"
chmod 755 "$dir"
mkdir "$dir/pg" && chown postgres "$dir/pg" && chmod 700 "$dir/pg"
su postgres -c "$pg_bin/initdb -D $dir/pg -U postgres -A trust" >"$dir/pg-init.log" 2>&1 || { cat "$dir/pg-init.log" >&2; exit 1; }
su postgres -c "$pg_bin/pg_ctl -D $dir/pg -o '-p $pg_port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off' -l $dir/pg/server.log -w start" >/dev/null
usdc="$(node -e "console.log(require('$dir/deployment.json').tokens[0].address)")"
start_instance() { # NAME PORT
  PORT="$2" DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/postgres" REDIS_URL="redis://127.0.0.1:$redis_port" \
  NUTS_DEPLOYMENT_FILE="$dir/deployment.json" BASE_RPC_URL="http://127.0.0.1:$rpc_port" \
  THETANUTS_ORDERS_URL="http://127.0.0.1:$feed_port/" THETANUTS_INDEXER_URL="http://127.0.0.1:$feed_port/indexer" \
  ALPHABIT_REFERRER_ADDRESS="$referrer" NUTS_LEADERBOARD_COLLATERAL="$usdc" NUTS_CACHE_TTL_ORDERS=2s \
  NUTS_CACHE_TTL_POSITIONS=1s NUTS_FILL_QUOTE_MARGIN=30s NUTS_TRADES_AFTER_UPDATE_DELAY=1s \
  NUTS_PUSH_AFTER_UPDATE_CHECKS="${NUTS_PUSH_AFTER_UPDATE_CHECKS:-1s,3s,8s,20s}" NUTS_UPDATE_RATE_LIMIT=1000 \
    "$JAVA_HOME/bin/java" -Xmx768m -jar "$jar" >"$dir/$1.log" 2>&1 &
  pids+=($!)
}
port_a="$(free_port)"; start_instance a "$port_a"
wait_for "$dir/a.log" 'Started NutsgateApplication' 300
port_b="$(free_port)"; start_instance b "$port_b"
wait_for "$dir/b.log" 'Started NutsgateApplication' 300

for mode in ${BENCH_MODES:-update chain}; do
  node "$root/bench/push-latency.js" --api "http://127.0.0.1:$port_a" --watch "http://127.0.0.1:$port_b" \
    --deployment "$dir/deployment.json" --fills "$fills" --mode "$mode"
done
