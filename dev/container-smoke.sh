#!/usr/bin/env bash
# Smoke test of the container image, without Docker Hub and without a Docker daemon (docs/operations.md, "Container image"):
#
#   1. a local base image equivalent to eclipse-temurin:25-jre, built once if missing: a minimal Debian bookworm
#      (debootstrap, from the apt mirror) with ca-certificates, tzdata and the en_US.UTF-8 locale, plus a Java 25
#      runtime made by jlink from the local Temurin 25 JDK in /opt/java/openjdk (JAVA_HOME, PATH, LANG as Temurin's);
#      imported with `podman import`, saved as a docker-archive tar that Jib takes as `tar://…`;
#   2. the image built by Jib on that base (`./mvnw -Pcontainer compile jib:buildTar -Dcontainer.base=tar://…`) and
#      loaded into podman;
#   3. the image run with its embedded database (no DATABASE_URL): /livez, /readyz, /nuts/config answer 200, every
#      process runs as uid 65532, SIGTERM stops it in order;
#   4. two instances (the compose example of docs/operations.md, with --network host on two ports) against the
#      host's PostgreSQL (a schema of their own, dropped at the end) and Redis (a key prefix of their own): both ready,
#      both serve, the migrations ran once.
#
# Every container started here is stopped and removed, on failure too; exit status 0 only when every check passed.
# Needs root (rootful podman, debootstrap, chroot), podman, curl, psql for step 4. Usage:
#
#   dev/container-smoke.sh                 # all steps
#   SKIP_BUILD=1 dev/container-smoke.sh    # run the image already loaded (nutsgate:$VERSION)
#   SKIP_EXTERNAL=1 dev/container-smoke.sh # steps 1-3 only
#
# Settings (environment): BASE_DIR (/var/tmp/nutsgate-base), BASE_IMAGE (localhost/nutsgate-base:temurin-25-jre),
# BASE_JDK (/usr/lib/jvm/temurin-25-jdk-amd64), DEBIAN_MIRROR (the first http URI of /etc/apt/sources*),
# PORT_A / PORT_B (18081 / 18082), SMOKE_PG (postgres://postgres@127.0.0.1:5432/test), SMOKE_REDIS
# (redis://127.0.0.1:6379), READY_TIMEOUT (240 s), PODMAN_RUN_OPTS (see below).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD

BASE_DIR=${BASE_DIR:-/var/tmp/nutsgate-base}
BASE_IMAGE=${BASE_IMAGE:-localhost/nutsgate-base:temurin-25-jre}
BASE_JDK=${BASE_JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}
PORT_A=${PORT_A:-18081}
PORT_B=${PORT_B:-18082}
SMOKE_PG=${SMOKE_PG:-postgres://postgres@127.0.0.1:5432/test}
SMOKE_REDIS=${SMOKE_REDIS:-redis://127.0.0.1:6379}
READY_TIMEOUT=${READY_TIMEOUT:-240}
PODMAN=${PODMAN:-podman}
VERSION=$(sed -n 's:^  <version>\(.*\)</version>.*:\1:p' pom.xml | head -1)
IMAGE=localhost/nutsgate:$VERSION
SCHEMA=smoke_$$
NAMES=(nutsgate-smoke-embedded nutsgate-smoke-a nutsgate-smoke-b)

# crun 1.8 refuses cgroups in hybrid mode (v1 controllers plus a v2 mount with one) and podman's default
# RLIMIT_NOFILE/NPROC may be above what this machine lets a process set: runc when present, the host's own limits.
if [[ -z ${PODMAN_RUN_OPTS+x} ]]; then
    PODMAN_RUN_OPTS="--ulimit nofile=$(ulimit -Hn):$(ulimit -Hn) --ulimit nproc=4096:4096"
    if command -v runc >/dev/null; then PODMAN_RUN_OPTS="--runtime $(command -v runc) $PODMAN_RUN_OPTS"; fi
fi
read -r -a RUN_OPTS <<<"$PODMAN_RUN_OPTS"

say() { printf '\n== %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

cleanup() {
    local status=$?
    for name in "${NAMES[@]}"; do
        if "$PODMAN" container exists "$name" 2>/dev/null; then
            if ((status != 0)); then
                echo "--- last lines of $name:" >&2
                "$PODMAN" logs "$name" 2>&1 | tail -20 >&2 || true
            fi
            "$PODMAN" rm -f -t 5 "$name" >/dev/null 2>&1 || true
        fi
    done
    if [[ ${SCHEMA_CREATED:-} == 1 ]]; then
        psql "$SMOKE_PG" -qAtc "drop schema if exists $SCHEMA cascade" >/dev/null 2>&1 || true
        if command -v redis-cli >/dev/null; then
            redis-cli -u "$SMOKE_REDIS" --scan --pattern "$SCHEMA:*" 2>/dev/null \
                | xargs -r redis-cli -u "$SMOKE_REDIS" del >/dev/null 2>&1 || true
        fi
    fi
    ((status == 0)) && echo "container smoke test: OK" || echo "container smoke test: FAILED" >&2
}
trap cleanup EXIT

# --- 1. the base image --------------------------------------------------------------------------------------------
build_base() {
    local rootfs=$BASE_DIR/rootfs mirror=${DEBIAN_MIRROR:-}
    if [[ -z $mirror ]]; then
        mirror=$(grep -h -E '^(URIs:|deb )' /etc/apt/sources.list /etc/apt/sources.list.d/*.sources \
            /etc/apt/sources.list.d/*.list 2>/dev/null | grep -o -E 'https?://[^ ]+' | grep -E '/debian/?$' \
            | head -1 || true)
    fi
    [[ -n $mirror ]] || fail "no Debian mirror found in /etc/apt/sources*; set DEBIAN_MIRROR"
    command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap >/dev/null
    say "building $BASE_IMAGE: Debian bookworm from $mirror, Java from $BASE_JDK"
    rm -rf "$rootfs" "$BASE_DIR/jre"
    mkdir -p "$BASE_DIR"
    debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$BASE_DIR/debootstrap.log" 2>&1 \
        || fail "debootstrap failed, see $BASE_DIR/debootstrap.log"
    cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
    chroot "$rootfs" sh -ec 'export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends ca-certificates tzdata locales >/dev/null
        echo "en_US.UTF-8 UTF-8" > /etc/locale.gen
        locale-gen en_US.UTF-8 >/dev/null
        apt-get clean
        rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/*.log /tmp/*' >>"$BASE_DIR/debootstrap.log" 2>&1 \
        || fail "installing packages in the base failed, see $BASE_DIR/debootstrap.log"
    : >"$rootfs/etc/resolv.conf"
    # A JRE like Temurin's: the runtime modules without the development tools, with a CDS archive. This JDK has no
    # jmods (JEP 493), so jdk.jlink itself cannot be in the image.
    local modules
    modules=$("$BASE_JDK/bin/java" --list-modules | sed 's/@.*//' | grep -v -x -e jdk.jlink -e jdk.jpackage \
        -e jdk.jcmd -e jdk.compiler -e jdk.javadoc -e jdk.jshell -e jdk.jdeps -e jdk.jartool -e jdk.incubator.vector \
        | paste -sd,)
    "$BASE_JDK/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
        --generate-cds-archive --output "$BASE_DIR/jre" >/dev/null
    mkdir -p "$rootfs/opt/java"
    cp -a "$BASE_DIR/jre" "$rootfs/opt/java/openjdk"
    tar --numeric-owner -C "$rootfs" -c . | "$PODMAN" import \
        --change 'ENV JAVA_HOME=/opt/java/openjdk' \
        --change 'ENV PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV LANG=en_US.UTF-8' --change 'ENV LANGUAGE=en_US:en' --change 'ENV LC_ALL=en_US.UTF-8' \
        --change 'CMD ["bash"]' - "$BASE_IMAGE" >/dev/null 2>&1 || fail "podman import failed"
    rm -f "$BASE_DIR/base.tar"
}

if ! "$PODMAN" image exists "$BASE_IMAGE"; then build_base; fi
if [[ ! -s $BASE_DIR/base.tar ]]; then
    "$PODMAN" save --format docker-archive -o "$BASE_DIR/base.tar" "$BASE_IMAGE" >/dev/null 2>&1 \
        || fail "podman save $BASE_IMAGE failed"
fi
echo "host: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
say "base $BASE_IMAGE: $("$PODMAN" run --rm "${RUN_OPTS[@]}" "$BASE_IMAGE" java -version 2>&1 | head -1)," \
    "$("$PODMAN" image inspect -f '{{.Size}}' "$BASE_IMAGE" | awk '{ printf "%.0f MB", $1 / 1e6 }')"

# --- 2. the image ---------------------------------------------------------------------------------------------------
if [[ -z ${SKIP_BUILD:-} ]]; then
    say "building $IMAGE with Jib on tar://$BASE_DIR/base.tar"
    start=$(now)
    mkdir -p "$ROOT/target"
    JAVA_HOME=${JAVA_HOME_25:-$BASE_JDK} ./mvnw -B -q -Pcontainer compile jib:buildTar \
        -Dcontainer.base="tar://$BASE_DIR/base.tar" >"$ROOT/target/container-smoke-build.log" 2>&1 \
        || { tail -30 "$ROOT/target/container-smoke-build.log"; fail "the Jib build failed"; }
    echo "built target/jib-image.tar ($(du -m target/jib-image.tar | cut -f1) MB) in $(elapsed "$start") s"
    "$PODMAN" load -q -i target/jib-image.tar
fi
"$PODMAN" image exists "$IMAGE" || fail "no image $IMAGE (build it, or drop SKIP_BUILD)"
size=$("$PODMAN" image inspect -f '{{.Size}}' "$IMAGE")
base_size=$("$PODMAN" image inspect -f '{{.Size}}' "$BASE_IMAGE")
echo "image $IMAGE: $((size / 1000000)) MB, of which $(((size - base_size) / 1000000)) MB above the base"

# --- checks ---------------------------------------------------------------------------------------------------------
# waits for GET /readyz = 200 on the port; fails when the container exits or the time is up
wait_ready() {
    local name=$1 port=$2 start=$3 code
    while :; do
        code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$port/readyz" || true)
        [[ $code == 200 ]] && break
        [[ $("$PODMAN" inspect -f '{{.State.Status}}' "$name") == running ]] || fail "$name exited before ready"
        (($(awk -v a="$start" -v b="$(now)" 'BEGIN { print (b - a > '"$READY_TIMEOUT"') }'))) \
            && fail "$name not ready within $READY_TIMEOUT s"
        sleep 0.5
    done
    echo "$name: /readyz 200 after $(elapsed "$start") s from podman run"
}

check_endpoints() {
    local name=$1 port=$2 path code body
    for path in /livez /readyz /nuts/config; do
        body=$(curl -s -m 10 -w '\n%{http_code}' "http://127.0.0.1:$port$path") || fail "$name: GET $path failed"
        code=${body##*$'\n'}
        body=${body%$'\n'*}
        [[ $code == 200 ]] || fail "$name: GET $path answered $code: ${body:0:200}"
        case $path in
            /nuts/config) [[ $body == *'"success":true'* && $body == *'"chainId"'* ]] \
                || fail "$name: GET /nuts/config: ${body:0:200}" ;;
            *) [[ $body == *'"status":"UP"'* ]] || fail "$name: GET $path: $body" ;;
        esac
        echo "$name: GET $path 200 ${body:0:70}"
    done
}

# the container's user and that of every process in it (the JVM and, embedded, the PostgreSQL processes)
check_user() {
    local name=$1 id uids
    id=$("$PODMAN" exec "$name" id -u)
    [[ $id == 65532 ]] || fail "$name: runs as uid $id, not 65532"
    uids=$("$PODMAN" exec "$name" sh -c 'for s in /proc/[0-9]*/status; do awk "/^Uid:/ { print \$2 }" "$s"; done' \
        2>/dev/null | sort | uniq -c | awk '{ printf "%s process(es) uid %s; ", $1, $2 }')
    [[ $uids != *"uid 0"* ]] || fail "$name: processes as root: $uids"
    echo "$name: uid 65532; $uids"
}

check_stop() {
    local name=$1 start status
    start=$(now)
    "$PODMAN" stop -t 40 "$name" >/dev/null
    status=$("$PODMAN" inspect -f '{{.State.ExitCode}}' "$name")
    "$PODMAN" logs "$name" 2>&1 | grep -q 'io.nutsgate.Shutdown *: nutsgate stopped' \
        || fail "$name: no 'nutsgate stopped' after SIGTERM"
    # 143: the JVM ends on SIGTERM (128 + 15) after its shutdown hooks, as every Java service does
    echo "$name: stopped by SIGTERM in $(elapsed "$start") s, exit status $status, 'nutsgate stopped' logged"
    "$PODMAN" rm "$name" >/dev/null
}

# --- 3. embedded database -----------------------------------------------------------------------------------------
say "run 1: embedded PostgreSQL (no DATABASE_URL), port $PORT_A -> 8080"
name=nutsgate-smoke-embedded
start=$(now)
"$PODMAN" run -d --name "$name" "${RUN_OPTS[@]}" -p "127.0.0.1:$PORT_A:8080" "$IMAGE" >/dev/null
wait_ready "$name" "$PORT_A" "$start"
check_endpoints "$name" "$PORT_A"
check_user "$name"
"$PODMAN" exec "$name" test -f /data/postgres/PG_VERSION || fail "$name: no database in /data/postgres"
echo "$name: embedded database in /data/postgres"
# the compose example's health check: HTTP through bash's /dev/tcp (the image has no curl)
"$PODMAN" exec "$name" bash -c "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /readyz HTTP/1.0\r\n\r\n' >&3 && grep -q ' 200 ' <&3" \
    || fail "$name: the compose health check (bash /dev/tcp GET /readyz) failed"
echo "$name: the compose health check passes"
check_stop "$name"

# --- 4. two instances, external PostgreSQL and Redis ---------------------------------------------------------------
if [[ -z ${SKIP_EXTERNAL:-} ]]; then
    say "run 2: two instances, --network host, ports $PORT_A and $PORT_B, PostgreSQL $SMOKE_PG (schema $SCHEMA), Redis $SMOKE_REDIS"
    command -v psql >/dev/null || fail "psql is needed to create the schema"
    psql "$SMOKE_PG" -qAtc "create schema $SCHEMA" || fail "cannot create schema $SCHEMA in $SMOKE_PG"
    SCHEMA_CREATED=1
    sep='?'; [[ $SMOKE_PG == *'?'* ]] && sep='&'
    start=$(now)
    for pair in "a $PORT_A" "b $PORT_B"; do
        set -- $pair
        "$PODMAN" run -d --name "nutsgate-smoke-$1" "${RUN_OPTS[@]}" --network host \
            -e PORT="$2" -e DATABASE_URL="$SMOKE_PG${sep}currentSchema=$SCHEMA" -e REDIS_URL="$SMOKE_REDIS" \
            -e NUTS_REDIS_KEY_PREFIX="$SCHEMA:" -e NUTS_RATE_LIMIT_PREFIX="$SCHEMA:ratelimit:" \
            -e NUTS_MANAGEMENT_TOKEN=smoke-test-token-0123456789 "$IMAGE" >/dev/null
    done
    wait_ready nutsgate-smoke-a "$PORT_A" "$start"
    wait_ready nutsgate-smoke-b "$PORT_B" "$start"
    for pair in "a $PORT_A" "b $PORT_B"; do
        set -- $pair
        check_endpoints "nutsgate-smoke-$1" "$2"
        check_user "nutsgate-smoke-$1"
        log=$("$PODMAN" logs "nutsgate-smoke-$1" 2>&1)
        [[ $log != *'starting the embedded PostgreSQL'* ]] \
            || fail "nutsgate-smoke-$1 started the embedded database despite DATABASE_URL"
        # attached to Redis: at once (the push subscription is then silent), or, when the first connection takes
        # longer than NUTS_REDIS_TIMEOUT on a busy machine, within seconds of the start, as designed
        attached=
        for _ in $(seq 40); do
            log=$("$PODMAN" logs "nutsgate-smoke-$1" 2>&1)
            if [[ $log == *'caching upstream bodies in Redis'* && $log == *'rate limits are counted in Redis under'* \
                && ($log != *'Redis push fan-out failed'* || $log == *'subscribed to nutsgate:push'*) ]]; then
                attached=1
                break
            fi
            sleep 0.5
        done
        [[ -n $attached ]] || fail "nutsgate-smoke-$1 is not attached to Redis"
        echo "nutsgate-smoke-$1: external PostgreSQL; cache, rate limits and push fan-out on Redis" \
            "($(grep -c -E ' WARN .*[Rr]edis' <<<"$log" || true) Redis warning(s) at start)"
    done
    migrations=$(psql "$SMOKE_PG" -qAtc "select count(*) || ' migrations, ' || count(distinct version) || ' versions' from $SCHEMA.flyway_schema_history where success") \
        || fail "no flyway_schema_history in schema $SCHEMA"
    echo "schema $SCHEMA: $migrations; tables: $(psql "$SMOKE_PG" -qAtc "select count(*) from information_schema.tables where table_schema = '$SCHEMA'")"
    if command -v redis-cli >/dev/null; then
        echo "redis: $(redis-cli -u "$SMOKE_REDIS" --scan --pattern "$SCHEMA:*" 2>/dev/null | wc -l) key(s) under $SCHEMA:"
    fi
    check_stop nutsgate-smoke-a
    check_stop nutsgate-smoke-b
fi
