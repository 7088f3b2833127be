# The setup the chain benchmarks share (chain-bench.sh, settlement-bench.sh, fill-flood.sh), sourced once the script
# set NAME (its results: bench/results/NAME.txt and NAME-*.log), SCHEMA (its tables in the machine's PostgreSQL,
# dropped before and after) and NPM_DIRS (folders whose node packages it needs). It checks PostgreSQL, builds the jar
# unless SKIP_BUILD=1 (JAR), makes WORK, and at exit stops every process in PIDS and drops SCHEMA; start_devnet starts
# a fresh dev/devnet (2-second blocks) and sets RPC. Also: say (print and keep in the results), free_port.
REFERRER=0x7e1d3c2b4a59687f8e9d0c1b2a3948576a6b5c4d
TOKEN=bench-operator-token # NUTS_MANAGEMENT_TOKEN: the metrics need it
export PGHOST=127.0.0.1 PGPORT=5432 PGUSER=${PGUSER:-postgres} PGDATABASE=${PGDATABASE:-test}
RESULTS=bench/results
export JAVA_HOME=${JAVA_HOME_25:-${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}}
export PATH="$JAVA_HOME/bin:$PATH"
mkdir -p "$RESULTS"
OUT="$RESULTS/$NAME.txt"
: >"$OUT"
say() { echo "$@" | tee -a "$OUT"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

pg_isready -q || { echo "PostgreSQL at $PGHOST:$PGPORT does not answer" >&2; exit 1; }
psql -q -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE"
for dir in ${NPM_DIRS:-}; do
  [ -d "$dir/node_modules" ] || (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
done
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

start_devnet() {
  echo "== devnet"
  local port log="$RESULTS/$NAME-devnet.log"
  port=$(free_port)
  ALPHABIT_REFERRER_ADDRESS=$REFERRER dev/devnet --port "$port" --out "$WORK/devnet.json" >"$WORK/devnet.out" 2>"$log" &
  PIDS+=("$!")
  for _ in $(seq 1 120); do [ -s "$WORK/devnet.json" ] && break; sleep 1; done
  [ -s "$WORK/devnet.json" ] || { echo "the devnet did not start: $(tail -5 "$log")" >&2; exit 1; }
  RPC=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['rpcUrl'])" "$WORK/devnet.json")
}
