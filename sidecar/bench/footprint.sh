#!/usr/bin/env bash
# Memory (VmRSS) and CPU (utime+stime) of the sidecar at its default interval (10 s), scraped like Prometheus does
# (every 15 s), over DURATION seconds after a WARMUP. Usage:
#   sidecar/bench/footprint.sh [DURATION=300] [ENDPOINT=127.0.0.1:3306] [-- JVM options...]
# Prints one line per run: the JVM options, RSS at the end, peak RSS, CPU seconds and CPU % of one core.
set -euo pipefail
DURATION=${1:-300}
ENDPOINT=${2:-127.0.0.1:3306}
shift $(( $# >= 2 ? 2 : $# )) || true
[ "${1:-}" = "--" ] && shift
JAR=${JAR:-$(dirname "$0")/../target/twpool-sidecar.jar}
WARMUP=${WARMUP:-30}
HZ=$(getconf CLK_TCK)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
java "$@" -jar "$JAR" watch --endpoint "$ENDPOINT" --metrics-address 127.0.0.1 --metrics-port "$PORT" > /tmp/footprint.$$.log 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
cpu() { awk '{ print $14 + $15 }' "/proc/$PID/stat"; }
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$PID/status"; }
sleep "$WARMUP"
c0=$(cpu); peak=0
end=$(( $(date +%s) + DURATION ))
while [ "$(date +%s)" -lt "$end" ]; do
  curl -s -o /dev/null "http://127.0.0.1:$PORT/metrics"
  r=$(rss); [ "$r" -gt "$peak" ] && peak=$r
  sleep 15
done
c1=$(cpu); r=$(rss)
awk -v o="$*" -v r="$r" -v p="$peak" -v c="$(( c1 - c0 ))" -v hz="$HZ" -v d="$DURATION" -v e="$ENDPOINT" 'BEGIN {
  printf "jvm_options=[%s] endpoint=%s duration=%ds rss_end=%.1fMiB rss_peak=%.1fMiB cpu=%.2fs cpu_pct=%.3f%%\n",
         o, e, d, r / 1024, p / 1024, c / hz, 100 * c / hz / d }'
grep -c ' WARN ' /tmp/footprint.$$.log | sed 's/^/warnings_logged=/'
rm -f /tmp/footprint.$$.log
