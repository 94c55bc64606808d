#!/usr/bin/env bash
# CPU of the sidecar (utime+stime of the whole JVM, /proc/<pid>/stat) while quiet and while naming a churner at 60/s
# and at 2,000/s, in one run, each phase WINDOW seconds after a settling pause; plus what it saw and named.
# The churner is sidecar/bench/churn.c (one long-lived process, a connection per request, the client closes first),
# against a server of its own on a free loopback port, so that no other traffic is counted.
#   sidecar/bench/naming-cpu.sh [WINDOW=30] [-- JVM options...]
# JAVA picks the JVM (default: java on PATH; the netlink sampler needs 22+). BENCH_CGROUP=no keeps the churner in the
# script's cgroup (then only a race with its sockets names it).
set -euo pipefail
WINDOW=${1:-30}
shift $(( $# >= 1 ? 1 : 0 )) || true
[ "${1:-}" = "--" ] && shift
DIR=$(cd "$(dirname "$0")" && pwd)
JAR=${JAR:-$DIR/../target/twpool-sidecar.jar}
JAVA=${JAVA:-java}
HZ=$(getconf CLK_TCK)
WORK=$(mktemp -d)
cc -O2 -o "$WORK/churn" "$DIR/churn.c"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
CGROUP=""
CG2=$(awk '$0 ~ / - cgroup2 / { print $5; exit }' /proc/self/mountinfo)
if [ -n "$CG2" ] && [ -w "$CG2" ] && [ "${BENCH_CGROUP:-yes}" = yes ]; then
  CGROUP="$CG2/twpool-bench-$$"; mkdir -p "$CGROUP"
fi
MPORT=$(free_port)
CGROUP=""
CG2=$(awk '$0 ~ / - cgroup2 / { print $5; exit }' /proc/self/mountinfo)
if [ -n "$CG2" ] && [ -w "$CG2" ] && [ "${BENCH_CGROUP:-yes}" = yes ]; then
  CGROUP="$CG2/twpool-bench-$$"; mkdir -p "$CGROUP"
fi
"$WORK/churn" server "$PORT" & SERVER=$!
"$JAVA" "$@" -jar "$JAR" watch --endpoint "127.0.0.1:$PORT" --interval 1s --metrics-address 127.0.0.1 \
  --metrics-port "$MPORT" > "$WORK/sidecar.log" 2>&1 & PID=$!
trap 'kill $PID $SERVER 2>/dev/null || true; rm -rf "$WORK"; [ -n "$CGROUP" ] && rmdir "$CGROUP" 2>/dev/null || true' EXIT
cpu() { awk '{ print $14 + $15 }' "/proc/$PID/stat"; }
counter() { curl -s "http://127.0.0.1:$MPORT/metrics" | awk -v s="$1" '/^twpool_churn_attribution_connections_total/ && index($0, "state=\"" s "\"") { print $NF }'; }
phase() { # name, rate (0 = quiet)
  local name=$1 rate=$2 churner=""
  if [ "$rate" -gt 0 ]; then
    # In a cgroup of its own where cgroup v2 is mounted and writable (a systemd service, a container): the churner's
    # connections live ~0.1-0.3 ms here, too short to be caught held, and the cgroup is what names them.
    sh -c 'if [ -n "$1" ]; then echo $$ > "$1/cgroup.procs"; fi; shift; exec "$@"' sh "$CGROUP" \
      "$WORK/churn" client "$PORT" "$rate" $(( WINDOW + 10 )) > "$WORK/client.out" & churner=$!
  fi
  sleep 8
  local s0 n0 c0 c1
  s0=$(counter seen); n0=$(counter named); c0=$(cpu)
  sleep "$WINDOW"
  c1=$(cpu)
  local s1 n1
  s1=$(counter seen); n1=$(counter named)
  [ -n "$churner" ] && wait "$churner"
  awk -v n="$name" -v c="$(( c1 - c0 ))" -v hz="$HZ" -v w="$WINDOW" -v s="$(( ${s1%.*} - ${s0%.*} ))" \
      -v m="$(( ${n1%.*} - ${n0%.*} ))" -v out="$( [ -n "$churner" ] && cat "$WORK/client.out" )" 'BEGIN {
    split(out, o, " ");
    printf "%-8s cpu=%.2fs cpu_pct=%.2f%% seen=%d named=%d churner=[%s connections in %s s, median lifetime %s us]\n",
           n, c / hz, 100 * c / hz / w, s, m, o[1], o[2], o[3] }'
  sleep 5 # the churn clears, the sampler stops
}
sleep 15 # start-up and first compilations
phase quiet 0
phase 60/s 60
phase 2000/s 2000
phase quiet 0
grep -o 'belong to pid [0-9]* ([^)]*)[^;]*named[^)]*)' "$WORK/sidecar.log" | tail -1 || true
