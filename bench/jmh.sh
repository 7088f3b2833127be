#!/usr/bin/env bash
# Builds the test classes and runs the JMH payout benchmarks with a short configuration (a few minutes on
# 2 cores). Extra arguments go to JMH, e.g. `bench/jmh.sh -prof gc` or `bench/jmh.sh 'payouts$'`.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PATH="$JAVA_HOME/bin:$PATH"
mkdir -p bench/results
./mvnw -B -q -Pbench test-compile -Dspotless.check.skip=true
./mvnw -B -q -Pbench dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
CP="target/test-classes:target/classes:$(cat target/bench-classpath.txt)"
PATTERN='io.nutsgate.bench.PayoutBenchmark'
if [[ $# -gt 0 && $1 != -* ]]; then
  PATTERN="io.nutsgate.bench.PayoutBenchmark.$1"
  shift
fi
exec java -cp "$CP" org.openjdk.jmh.Main "$PATTERN" \
  -wi 2 -w 2s -i 3 -r 3s -f 1 -t 1 \
  -rf json -rff bench/results/payout-$(date -u +%Y%m%dT%H%M%SZ).json "$@"
