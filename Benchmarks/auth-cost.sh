#!/usr/bin/env bash
# What authentication costs an echo call: the release echo server with and without
# `--auth` (every call authenticated by AuthInterceptor with an API token, through its
# cache, and rate-limited), under the same load, alternating, in one run. Three modes:
#   plain   server without authentication, client sends no token;
#   ignored server without authentication, client sends the token (the same client work
#           as `auth`, so `auth` against `ignored` is the server's own cost);
#   auth    server authenticates every call, client sends the token.
#   Benchmarks/auth-cost.sh [rounds=3] [connections=4] [concurrency=32] [seconds=5]
# Prints one JSON line per run: the load's figures plus the server's CPU time per call
# (utime + stime over the measured seconds, read from /proc), then the medians.
set -euo pipefail
cd "$(dirname "$0")"
ROUNDS=${1:-3} CONNECTIONS=${2:-4} CONCURRENCY=${3:-32} SECONDS_=${4:-5}
B=$PWD/.build/release/atende-bench
[[ -x $B ]] || swift build -c release >/dev/null
TOKEN=$("$B" serve --help | grep -o 'atd_[0-9a-f_]*' | head -1)
RESULTS=$(mktemp)
trap 'rm -f "$RESULTS"; kill $SERVER 2>/dev/null || true' EXIT

# shellcheck source=measure.sh
source ./measure.sh

for round in $(seq "$ROUNDS"); do
  measure plain "$round" "" ""
  measure ignored "$round" "" "--token $TOKEN"
  measure auth "$round" "--auth" "--token $TOKEN"
done
summarize plain ignored auth
