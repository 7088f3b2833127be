#!/usr/bin/env bash
# bench/sandbox-push-bench.sh [FILLS]: fill block → trade:new / toast latency with two nutsgate instances sharing Redis
# and one database. Instance A (started first) is the chain indexer's leader and plans fills; the socket and the
# browser are on instance B; pushes cross over Redis. Starts its own devnet, dev/maker (quoting feed and a stand-in
# indexer that reads the chain every second), redis-server, PostgreSQL (Debian's binaries, a temporary cluster) and
# chromedriver, each on a free port, and stops them at exit (SIGTERM/SIGINT too).
# Phase 1, instances with BASE_RPC_URL (our chain indexer):
#   socket   chain  official socket.io-client in Node; nobody announces the fill: our indexer sees it (issue 10)
#   socket   fills  the same, with POST /nuts/fills right after the receipt (issue 10)
#   browser  chain  headless Chromium on /demo; the fill is sent from outside the page, the toast comes from the indexer
#   browser  page   the page's whole journey: plan, approve + fillOrder signed in the page, its POST /nuts/fills and
#                   POST /nuts/update, toast (issue 11)
# Phase 2, both instances restarted without BASE_RPC_URL (the Thetanuts-style flow: the page's POST /nuts/update, the
# stand-in indexer syncs, nutsgate's trade sync runs NUTS_TRADES_AFTER_UPDATE_DELAY later (1 s here, 15 s by default)
# and its position checks NUTS_PUSH_AFTER_UPDATE_CHECKS later (1s,3s,8s,20s here); a best case, since the real
# Thetanuts indexer lags ~15 s where the stand-in lags ~1 s):
#   browser  page   as above; only POST /nuts/update can bring the toast
# Output: one JSON line per run (see bench/push-latency.js and bench/browser-push-latency.js), and the lines in
# bench/results/sandbox-push/summary.jsonl. BENCH_SOCKET_MODES, BENCH_BROWSER_MODES, BENCH_THETANUTS_MODES choose.
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
  NUTS_DEPLOYMENT_FILE="$dir/deployment.json" BASE_RPC_URL="$([ -n "${no_chain:-}" ] || echo "http://127.0.0.1:$rpc_port")" \
  THETANUTS_ORDERS_URL="http://127.0.0.1:$feed_port/" THETANUTS_INDEXER_URL="http://127.0.0.1:$feed_port/indexer" \
  ALPHABIT_REFERRER_ADDRESS="$referrer" NUTS_LEADERBOARD_COLLATERAL="$usdc" NUTS_CACHE_TTL_ORDERS=2s \
  NUTS_CACHE_TTL_POSITIONS=1s NUTS_FILL_QUOTE_MARGIN=30s NUTS_TRADES_AFTER_UPDATE_DELAY=1s \
  NUTS_PUSH_AFTER_UPDATE_CHECKS="${NUTS_PUSH_AFTER_UPDATE_CHECKS:-1s,3s,8s,20s}" NUTS_UPDATE_RATE_LIMIT=1000 \
    "$JAVA_HOME/bin/java" -Xmx768m -jar "$jar" >"$dir/$1.log" 2>&1 &
  pids+=($!)
}
start_pair() { # phase: the leader A first, then B
  port_a="$(free_port)"; start_instance "a$1" "$port_a"
  wait_for "$dir/a$1.log" 'Started NutsgateApplication' 300
  port_b="$(free_port)"; start_instance "b$1" "$port_b"
  wait_for "$dir/b$1.log" 'Started NutsgateApplication' 300
}
stop_pair() {
  kill -TERM "${pids[-1]}" "${pids[-2]}"; wait "${pids[-1]}" "${pids[-2]}" 2>/dev/null || true
  unset 'pids[-1]'; unset 'pids[-1]'
}
out="$root/bench/results/sandbox-push"; mkdir -p "$out"; : >"$out/summary.jsonl"; : >"$out/progress.log"
wd_port="$(free_port)"
chromedriver --port="$wd_port" >"$dir/chromedriver.log" 2>&1 &
pids+=($!)
wait_for "$dir/chromedriver.log" 'started successfully' 30
browser() { # LABEL MODE
  node "$root/bench/browser-push-latency.js" --page "http://127.0.0.1:$port_b" --api "http://127.0.0.1:$port_a" \
    --webdriver "http://127.0.0.1:$wd_port" --deployment "$dir/deployment.json" --fills "$fills" --mode "$2" --label "$1" \
    2>>"$out/progress.log" | tee -a "$out/summary.jsonl"
}

start_pair 1
for mode in ${BENCH_SOCKET_MODES-chain fills}; do
  node "$root/bench/push-latency.js" --api "http://127.0.0.1:$port_a" --watch "http://127.0.0.1:$port_b" \
    --deployment "$dir/deployment.json" --fills "$fills" --mode "$mode" 2>>"$out/progress.log" | tee -a "$out/summary.jsonl"
done
for mode in ${BENCH_BROWSER_MODES-chain page}; do browser "our chain indexer" "$mode"; done

if [ -n "${BENCH_THETANUTS_MODES-page}" ]; then
  stop_pair
  no_chain=1 start_pair 2
  for mode in ${BENCH_THETANUTS_MODES-page}; do browser "Thetanuts-style flow" "$mode"; done
fi
