#!/usr/bin/env bash
# What TLS costs an echo call: the release echo server over plain TCP and over TLS 1.3
# (development certificates, ECDSA P-256), under the same load, alternating, in one run.
#   Benchmarks/tls-cost.sh [rounds=3] [connections=4] [concurrency=32] [seconds=5]
# Prints one JSON line per run: the load's figures plus the server's CPU time per call
# (utime + stime over the measured seconds, read from /proc), then the medians.
set -euo pipefail
cd "$(dirname "$0")"
ROUNDS=${1:-3} CONNECTIONS=${2:-4} CONCURRENCY=${3:-32} SECONDS_=${4:-5}
B=$PWD/.build/release/atende-bench
[[ -x $B ]] || swift build -c release >/dev/null
RESULTS=$(mktemp)
CERTS=$(mktemp -d)
trap 'rm -rf "$RESULTS" "$CERTS"; kill $SERVER 2>/dev/null || true' EXIT

# shellcheck source=measure.sh
source ./measure.sh

for round in $(seq "$ROUNDS"); do
  measure plain "$round" "" ""
  measure tls "$round" "--tls $CERTS" "--tls-ca $CERTS/ca.pem"
done
summarize plain tls
