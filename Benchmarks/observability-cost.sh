#!/usr/bin/env bash
# What observability costs an echo call: the release echo server plain, with metrics
# (RPCMetrics per method and status into a Prometheus registry, what --admin-port turns
# on; tracing off), and with metrics and the access log (one info line per call, written
# to /dev/null), under the same load, alternating, in one run.
#   Benchmarks/observability-cost.sh [rounds=3] [connections=4] [concurrency=32] [seconds=5]
# Prints one JSON line per run: the load's figures plus the server's CPU time per call
# (utime + stime over the measured seconds, read from /proc), then the medians.
set -euo pipefail
cd "$(dirname "$0")"
ROUNDS=${1:-3} CONNECTIONS=${2:-4} CONCURRENCY=${3:-32} SECONDS_=${4:-5}
B=$PWD/.build/release/atende-bench
[[ -x $B ]] || swift build -c release >/dev/null
RESULTS=$(mktemp)
trap 'rm -f "$RESULTS"; kill $SERVER 2>/dev/null || true' EXIT
export SERVER_LOG=/dev/null

# shellcheck source=measure.sh
source ./measure.sh

for round in $(seq "$ROUNDS"); do
  measure plain "$round" "" ""
  measure metrics "$round" "--metrics" ""
  measure metrics+access-log "$round" "--metrics --access-log" ""
done
summarize plain metrics metrics+access-log
