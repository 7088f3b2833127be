#!/usr/bin/env bash
# Issue 16, measured: "Heap stays flat under the attack and other clients' latency does not move", with the real
# official socket.io-client beside the attacker. All on this machine; everything it starts is stopped at the end.
#   1. the built jar (-Xmx512m, G1) with bench/fixture_upstream.py as the feed and indexer, its tables in an embedded
#      PostgreSQL in a temporary folder, no Redis; loopback is its trusted proxy (NUTS_TRUSTED_PROXIES=127.0.0.1/32),
#      so each attacker connection with its own X-Forwarded-For is its own client, as behind a load balancer;
#   2. baseline, beside nothing: for SECONDS, the official socket.io-client (bench/hostile-push.js official: 20 acked
#      subscribe:positions a second, ack round trip p50/p99) and wrk -t1 -c16 on GET /nuts/config (p50/p99), while
#      jstat samples the heap every second; then the heap after a full GC (jcmd GC.run, GC.heap_info);
#   3. the attack (bench/hostile-push.js attack), started RAMP seconds before the same measurement and running through
#      it, every connection reconnecting as soon as it is closed: ANNOUNCERS WebSockets announcing 1,000,000
#      attachments then sending 1 MB binary frames, HOLDERS announcing 4 then sending 1 MB frames (past the socket's
#      2 MB), FLOODERS sending in turn 50,000-deep nesting, a 1.5 MB text and 500 events at once; measured: the same
#      figures, the live heap after a full GC while the attack still runs, 3 s and SETTLE s after it stopped (a closed
#      session's objects wait for its ping tasks, interval + timeout: 45 s by default), the Socket.IO input
#      held (nuts_push_buffered_bytes, every second), nuts_push_rejected_total by reason from /actuator/prometheus
#      (Bearer NUTS_MANAGEMENT_TOKEN), whether the official client stayed connected, and the service's log lines;
#   4. a table baseline vs attack (bench/results/hostile-push/summary.txt), with the load average: on a shared or
#      2-core machine the attacker, wrk and the service share the CPUs, so latency includes waiting for one.
# Needs: wrk, node + npm (npm ci runs in src/test/socketio if its node_modules is missing), python3, curl, JDK 25.
# PROFILE=1 records a JFR (profile settings) of the attack phase (bench/results/hostile-push/attack.jfr) and prints
# the service's hottest methods under the attack. The heap's class histogram after the full GC under the attack is
# kept in bench/results/hostile-push/attack-histogram.txt (baseline-, after- beside it).
# Usage: [JAR=built.jar] [ANNOUNCERS=3] [HOLDERS=0] [FLOODERS=1] [RAMP=5] [SETTLE=50] [PROFILE=1] bench/hostile-push.sh [SECONDS=20]
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME_25:-${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}}
JBIN=$JAVA_HOME/bin
DURATION=${1:-20}
ANNOUNCERS=${ANNOUNCERS:-3}; HOLDERS=${HOLDERS:-0}; FLOODERS=${FLOODERS:-1}; RAMP=${RAMP:-5}; SETTLE=${SETTLE:-50}
OUT=bench/results/hostile-push; rm -rf "$OUT"; mkdir -p "$OUT"
for tool in wrk node npm python3 curl; do
  command -v $tool >/dev/null || { echo "$tool is missing: apt-get install -y wrk nodejs npm" >&2; exit 1; }
done
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

DB_DIR=$(mktemp -d /tmp/nutsgate-hostile-push-db.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$DB_DIR" "$DB_DIR.lock" "$DB_DIR.log" # the embedded PostgreSQL leaves these beside its folder
}
trap cleanup EXIT

if [ -z "${JAR:-}" ]; then # JAR=path/to/nutsgate.jar measures that build instead
  ./mvnw -q -B -o -DskipTests -Dspotless.check.skip=true package
  JAR=$(ls target/nutsgate-*.jar | grep -v plain | head -1)
fi
[ -d src/test/socketio/node_modules ] || (cd src/test/socketio && npm ci --no-audit --no-fund --silent)

UP_PORT=$(free_port); APP_PORT=$(free_port)
BASE=http://127.0.0.1:$APP_PORT
TOKEN=$(python3 -c 'import secrets; print(secrets.token_hex(16))')

python3 bench/fixture_upstream.py --port "$UP_PORT" >"$OUT/upstream.log" 2>&1 & pids+=($!)
env -u DATABASE_URL -u REDIS_URL PORT="$APP_PORT" NUTS_DATABASE_DIR="$DB_DIR" \
  THETANUTS_ORDERS_URL="http://127.0.0.1:$UP_PORT/feed/" THETANUTS_INDEXER_URL="http://127.0.0.1:$UP_PORT/book" \
  ALPHABIT_REFERRER_ADDRESS=0x7e1d3c2b4a59687f8e9d0c1b2a3948576a6b5c4d \
  NUTS_MANAGEMENT_TOKEN="$TOKEN" NUTS_TRUSTED_PROXIES=127.0.0.1/32 \
  "$JBIN/java" -Xmx512m -XX:+UseG1GC -jar "$JAR" >"$OUT/app.log" 2>&1 &
APP=$!; pids+=($APP)
for _ in $(seq 1 240); do
  kill -0 "$APP" 2>/dev/null || { echo "the service exited; see $OUT/app.log" >&2; exit 1; }
  curl -sf "$BASE/nuts/config" -o /dev/null && break; sleep 0.5
done
curl -sf "$BASE/nuts/config" -o /dev/null || { echo "the service did not come up; see $OUT/app.log" >&2; exit 1; }

prom() { curl -sf -H "Authorization: Bearer $TOKEN" "$BASE/actuator/prometheus"; }
gauge() { awk -v m="$1" '$1 == m || index($1, m "{") == 1 {print $2; exit}'; }
heap_after_gc() { # phase: "<used after GC.run, GC.heap_info> <live bytes in the class histogram>" (MB)
  # GC.heap_info is read as soon as GC.run returns: under the attack the heap grows again meanwhile (tens of MB a
  # second of frames being read and dropped), so the histogram's total (live objects, counted at its own full GC) is
  # the exact figure; the histogram is kept as $OUT/<phase>-histogram.txt.
  "$JBIN/jcmd" "$APP" GC.run >/dev/null
  local used; used=$("$JBIN/jcmd" "$APP" GC.heap_info | awk '/garbage-first heap/ {for (i = 1; i <= NF; i++) if ($i == "used") {
    v = $(i + 1); gsub(/[,]/, "", v); u = substr(v, length(v)); n = substr(v, 1, length(v) - 1) + 0;
    printf "%.1f\n", (u == "K" ? n / 1024 : u == "M" ? n : u == "G" ? n * 1024 : n / 1048576); exit}}')
  "$JBIN/jcmd" "$APP" GC.class_histogram >"$OUT/$1-histogram.txt"
  echo "$used $(awk '/^Total/ {printf "%.1f", $3 / 1048576}' "$OUT/$1-histogram.txt")"
}
rss_mb() { awk '/VmRSS/ {printf "%.0f\n", $2 / 1024}' "/proc/$APP/status"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f\n", ($14 + $15) / hz}' "/proc/$1/stat" 2>/dev/null || echo 0; }

# Every second: the heap (jstat) and the Socket.IO input held and sessions open (the service's own gauges).
start_samplers() { # phase
  "$JBIN/jstat" -gc "$APP" 1000 >"$OUT/$1.jstat" & SAMPLER_JSTAT=$!; pids+=($SAMPLER_JSTAT)
  (while true; do
     m=$(prom || true)
     echo "$(gauge nuts_push_buffered_bytes <<<"$m") $(gauge nuts_push_connections <<<"$m")"
     sleep 1
   done) >"$OUT/$1.gauges" & SAMPLER_GAUGES=$!; pids+=($SAMPLER_GAUGES)
}
stop_samplers() { kill "$SAMPLER_JSTAT" "$SAMPLER_GAUGES" 2>/dev/null || true; wait "$SAMPLER_JSTAT" "$SAMPLER_GAUGES" 2>/dev/null || true; }

measure() { # phase: the official client and wrk side by side for DURATION seconds
  load >"$OUT/$1.load-before"
  local cpu0; cpu0=$(cpu_seconds "$APP")
  start_samplers "$1"
  node bench/hostile-push.js official "$BASE" "$DURATION" 50 >"$OUT/$1.official.json" 2>"$OUT/$1.official.err" &
  local official=$!; pids+=($official)
  wrk -t1 -c16 -d"${DURATION}s" --latency "$BASE/nuts/config" >"$OUT/$1.wrk.txt"
  wait "$official" || true
  stop_samplers
  load >"$OUT/$1.load"
  awk -v a="$cpu0" -v b="$(cpu_seconds "$APP")" 'BEGIN {printf "%.1f\n", b - a}' >"$OUT/$1.cpu"
}

echo "== warm-up (JIT): 5 s of the same loads"
node bench/hostile-push.js official "$BASE" 5 50 >"$OUT/warmup.official.json" 2>&1 &
warm=$!; pids+=($warm)
wrk -t1 -c16 -d5s "$BASE/nuts/config" >/dev/null
wait "$warm" || true
heap_after_gc idle >"$OUT/idle.heapgc"
echo "   heap after a full GC (used, live): $(cat "$OUT/idle.heapgc") MB, RSS $(rss_mb) MB"

echo "== baseline: ${DURATION} s, the official client and wrk beside nothing (load $(load))"
measure baseline
heap_after_gc baseline >"$OUT/baseline.heapgc"
prom >"$OUT/prom-before-attack.txt"
lines_before=$(wc -l <"$OUT/app.log")

echo "== attack: $ANNOUNCERS announcers, $HOLDERS holders, $FLOODERS flooders; ${RAMP} s, then ${DURATION} s measured"
node bench/hostile-push.js attack "$APP_PORT" "$ANNOUNCERS" "$HOLDERS" "$FLOODERS" >"$OUT/attack.json" 2>"$OUT/attack.err" &
ATTACK=$!; pids+=($ATTACK)
sleep "$RAMP"
[ "${PROFILE:-0}" = 1 ] && "$JBIN/jcmd" "$APP" JFR.start name=attack settings=profile filename="$PWD/$OUT/attack.jfr" >/dev/null
measure attack
[ "${PROFILE:-0}" = 1 ] && "$JBIN/jcmd" "$APP" JFR.stop name=attack >/dev/null
heap_after_gc attack >"$OUT/attack.heapgc" # the attack still running
rss_mb >"$OUT/attack.rss"
prom >"$OUT/prom-attack.txt"
cpu_seconds "$ATTACK" >"$OUT/attacker.cpu"
kill -TERM "$ATTACK"; wait "$ATTACK" || true
lines_attack=$(( $(wc -l <"$OUT/app.log") - lines_before ))
sleep 3
heap_after_gc after >"$OUT/after.heapgc"
prom >"$OUT/prom-after.txt"
# A closed session's objects may wait for its engine's ping tasks (ping interval + timeout, 45 s by default):
# once more after SETTLE seconds, to tell a slow release from a leak.
echo "== ${SETTLE} s after the attack stopped"
sleep "$SETTLE"
heap_after_gc settled >"$OUT/settled.heapgc"
kill -0 "$APP" 2>/dev/null || echo "!! the service exited during the attack" >&2

python3 - "$OUT" "$DURATION" "$lines_attack" <<'PY' | tee "$OUT/summary.txt"
import json, re, sys
out, seconds, log_lines = sys.argv[1], sys.argv[2], int(sys.argv[3])
def read(name, default=""):
    try:
        return open(f"{out}/{name}").read().strip()
    except OSError:
        return default
def official(phase):
    try:
        return json.loads(read(f"{phase}.official.json").splitlines()[-1])
    except (IndexError, ValueError):
        return {}
def wrk(phase):
    text = read(f"{phase}.wrk.txt")
    def find(pattern):
        m = re.search(pattern, text, re.M)
        return m.group(1) if m else "-"
    non2xx = find(r"Non-2xx or 3xx responses: (\d+)")
    errors = find(r"Socket errors: (.*)$")
    return {"p50": find(r"^\s+50%\s+(\S+)"), "p99": find(r"^\s+99%\s+(\S+)"), "rps": find(r"Requests/sec:\s+(\S+)"),
            "bad": (non2xx if non2xx != "-" else "0") + ("; " + errors if errors != "-" else "")}
def heap_series(phase):
    rows = [l.split() for l in read(f"{phase}.jstat").splitlines()]
    if not rows:
        return []
    head = rows[0]
    cols = [head.index(c) for c in ("S0U", "S1U", "EU", "OU")]
    return [sum(float(r[c]) for c in cols) / 1024 for r in rows[1:] if len(r) == len(head) and r[0][0].isdigit()]
def heap_max(phase):
    rows = [l.split() for l in read(f"{phase}.jstat").splitlines()]
    if not rows:
        return "-"
    head = rows[0]
    cols = [head.index(c) for c in ("S0U", "S1U", "EU", "OU")]
    used = [sum(float(r[c]) for c in cols) / 1024 for r in rows[1:] if len(r) == len(head) and r[0][0].isdigit()]
    return f"{max(used):.1f} ({len(used)} samples)" if used else "-"
def gauges(phase):
    rows = [l.split() for l in read(f"{phase}.gauges").splitlines() if l.strip()]
    buffered = [float(r[0]) for r in rows if len(r) > 0]
    conns = [float(r[1]) for r in rows if len(r) > 1]
    mb = f"{max(buffered) / 1048576:.1f}" if buffered else "-"
    return mb, (f"{max(conns):.0f}" if conns else "-")
def rejected(name):
    counts = {}
    for line in read(name).splitlines():
        m = re.match(r'nuts_push_(rejected|connections_rejected)_total\{([^}]*)\}\s+(\S+)', line)
        if m:
            reason = re.search(r'reason="([^"]*)"', m.group(2))
            key = ("" if m.group(1) == "rejected" else "connections_rejected:") + (reason.group(1) if reason else "?")
            counts[key] = counts.get(key, 0) + float(m.group(3))
    return counts
def connected(o):
    if not o:
        return "no answer"
    if not o.get("connected"):
        return "never connected " + str(o.get("connectErrors"))
    return ("yes" if o.get("stillConnected") and not o.get("disconnects") else "NO " + str(o.get("disconnects"))) \
        + f" ({o.get('transport')})"

b, a = official("baseline"), official("attack")
wb, wa = wrk("baseline"), wrk("attack")
gb, ga = gauges("baseline"), gauges("attack")
rows = [
    ("heap used, sampled every 1 s, max (MB)", heap_max("baseline"), heap_max("attack")),
    ("heap after a full GC: used / live (MB)", " / ".join(read("baseline.heapgc").split()),
     " / ".join(read("attack.heapgc").split()) + " (attack running); "
     + " / ".join(read("after.heapgc").split()) + " (3 s after it stopped); "
     + " / ".join(read("settled.heapgc").split()) + " (SETTLE s after)"),
    ("Socket.IO input held, max (MB)", gb[0], ga[0]),
    ("Socket.IO sessions open, max", gb[1], ga[1]),
    ("official client ack p50 / p99 / max (ms)", f"{b.get('p50')} / {b.get('p99')} / {b.get('max')}",
     f"{a.get('p50')} / {a.get('p99')} / {a.get('max')}"),
    ("official client acks (failed, timed out)", f"{b.get('acks')} ({b.get('failed')}, {b.get('timeouts')})",
     f"{a.get('acks')} ({a.get('failed')}, {a.get('timeouts')})"),
    ("official client stayed connected", connected(b), connected(a)),
    ("GET /nuts/config p50 / p99", f"{wb['p50']} / {wb['p99']}", f"{wa['p50']} / {wa['p99']}"),
    ("GET /nuts/config req/s (non-2xx)", f"{wb['rps']} ({wb['bad']})", f"{wa['rps']} ({wa['bad']})"),
    ("service CPU over the phase (s)", read("baseline.cpu"), read("attack.cpu") + " (the attacker itself: "
     + read("attacker.cpu") + " s over ramp + phase)"),
    ("load average (1, 5, 15 min) at the end", read("baseline.load"), read("attack.load")),
]
print(f"== issue 16: {seconds} s each, wrk -t1 -c16 on GET /nuts/config, the official socket.io-client 20 acked "
      "events a second; -Xmx512m")
w = max(len(r[0]) for r in rows)
print(f"{'':{w}}  {'baseline':<30} attack")
for label, x, y in rows:
    print(f"{label:{w}}  {str(x):<30} {y}")
before, during = rejected("prom-before-attack.txt"), rejected("prom-attack.txt")
after = rejected("prom-after.txt")
print("nuts_push_rejected_total during the attack window (ramp + measured), by reason: " + (", ".join(
    f"{k} {during.get(k, 0) - before.get(k, 0):.0f}" for k in sorted(during) if during.get(k, 0) - before.get(k, 0))
    or "none"))
try:
    attack = json.loads(read("attack.json").splitlines()[-1])
    print(f"attacker ({attack.get('seconds')} s): {attack.get('sessions')} sessions, {attack.get('mbSent')} MB frames "
          f"sent, closes {attack.get('closes')}, handshakes refused {attack.get('refused')}, errors "
          f"{attack.get('errors')}, not closed by the server within 5 s {attack.get('notClosedByServer')}")
except (IndexError, ValueError):
    print("attacker: no report (" + read("attack.err")[:300] + ")")
print(f"service log lines during the attack: {log_lines}")
def top(phase, n=4):
    rows = [l.split() for l in read(f"{phase}-histogram.txt").splitlines() if re.match(r"\s*\d+:\s+\d+", l)]
    return ", ".join(f"{r[3]} {int(r[2]) / 1048576:.1f} MB ({r[1]})" for r in rows[:n])
for phase in ("baseline", "attack", "after", "settled"):
    tasks = [l.split()[1] for l in read(f"{phase}-histogram.txt").splitlines() if "ScheduledFutureTask " in l]
    print(f"largest live classes, {phase}: {top(phase)}; scheduled tasks {tasks[0] if tasks else 0}")
for phase in ("baseline", "attack"):
    print(f"heap used every second, {phase} (MB): " + " ".join(f"{x:.0f}" for x in heap_series(phase)))
PY
if [ "${PROFILE:-0}" = 1 ]; then
  "$JBIN/jfr" view --width 200 hot-methods "$OUT/attack.jfr" | head -30 | tee "$OUT/attack-hot-methods.txt"
fi
grep -q -E "OutOfMemoryError|StackOverflowError" "$OUT/app.log" && echo "!! $OUT/app.log has an OutOfMemoryError or StackOverflowError" || true
exit 0
