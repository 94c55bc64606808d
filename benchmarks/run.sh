#!/usr/bin/env bash
# Reproduces every number in docs/BENCHMARKS.md, in one run on one machine:
#   1. pool overhead (JMH, stub driver): bare HikariCP vs TwPoolDataSource vs TwPoolDataSource with reset-session
#   2. probe cost (JMH): census parse of 1k..100k /proc lines with allocation (-prof gc), and the sockstat tick;
#      then real TIME_WAIT sockets on loopback timed against ss and cat
#   3. end to end against the embedded MariaDB 11.4 (TestDatabase.tls()): unpooled vs pooled, plain TCP and TLS;
#      3c. the same against PostgreSQL (TestDatabase.postgresTls())
#   5. reset-session end to end against the same server: off, on with clean sessions, on with changed ones
# Quick look: benchmarks/run.sh quick  (fewer iterations; the numbers are then only indicative)
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p benchmarks/target
mvn -q -B -DskipTests -pl benchmarks -am install
mvn -q -B -pl benchmarks dependency:build-classpath -Dmdep.outputFile="$PWD/benchmarks/target/classpath.txt"
CP="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
JMH_ARGS=()
if [ "${1:-}" = "quick" ]; then JMH_ARGS=(-wi 1 -i 2 -w 1s -r 1s); fi

echo "== machine"
echo "cores: $(nproc); kernel: $(uname -r); $(java -version 2>&1 | head -1)"

echo "== 1. pool overhead (ops/ms, higher is better)"
java -cp "$CP" org.openjdk.jmh.Main 'PoolOverheadBenchmark' "${JMH_ARGS[@]}" -rf text -rff benchmarks/target/jmh-pool.txt
echo "== 2a. probe: census parse (us/op) with allocation per scan, and the sockstat tick"
java -cp "$CP" org.openjdk.jmh.Main 'ProbeBenchmark|SockstatBenchmark' -prof gc "${JMH_ARGS[@]}" -rf text -rff benchmarks/target/jmh-probe.txt
echo "== 2c. who connects: one stack sample and one socket sample of the connect sampler (us/op)"
java -cp "$CP" org.openjdk.jmh.Main ConnectSamplingBenchmark "${JMH_ARGS[@]}" -rf text -rff benchmarks/target/jmh-sampling.txt
echo "== 2b. census (netlink and /proc) vs ss on real TIME_WAIT sockets, 12k/30k/100k, on a JDK 22+"
JDK22="${TWPOOL_JDK22_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
if [ -x "$JDK22/bin/java" ]; then
  "$JDK22/bin/java" --enable-native-access=ALL-UNNAMED -cp "$CP" io.github.twpool.benchmarks.ProbeVsSsHarness --reference true
else
  echo "no JDK 22+ at $JDK22 (set TWPOOL_JDK22_HOME): measuring the /proc census only"
  java -cp "$CP" io.github.twpool.benchmarks.ProbeVsSsHarness --reference true
fi
echo "== 3. end to end against the real server"
java -cp "$CP" io.github.twpool.benchmarks.EndToEndHarness
echo "== 3c. end to end against PostgreSQL, plain and TLS"
java -cp "$CP" io.github.twpool.benchmarks.EndToEndHarness --database postgresql
echo "== 5. reset-session end to end: off / on-clean / off-dirty / on-dirty, ABBA, plain and TLS"
java -cp "$CP" io.github.twpool.benchmarks.ResetSessionHarness
