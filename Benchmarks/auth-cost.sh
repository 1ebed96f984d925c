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
TICKS=$(getconf CLK_TCK)
RESULTS=$(mktemp)
trap 'rm -f "$RESULTS"; kill $SERVER 2>/dev/null || true' EXIT

cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }

for round in $(seq "$ROUNDS"); do
  for mode in plain ignored auth; do
    PORT=$((7700 + RANDOM % 200))
    if [[ $mode == auth ]]; then "$B" serve --port "$PORT" --auth & else "$B" serve --port "$PORT" & fi
    SERVER=$!
    sleep 1
    args=(--port "$PORT" --connections "$CONNECTIONS" --concurrency "$CONCURRENCY" --seconds "$SECONDS_" --payload 256)
    [[ $mode != plain ]] && args+=(--token "$TOKEN")
    OUT=$(mktemp)
    "$B" load "${args[@]}" > "$OUT" &
    LOAD=$!
    sleep 1  # the load's warm-up second
    before=$(cpu "$SERVER")
    wait "$LOAD"
    after=$(cpu "$SERVER")
    kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
    line=$(cat "$OUT"); rm -f "$OUT"
    calls=$(echo "$line" | grep -o '"calls":[0-9]*' | cut -d: -f2)
    cpu_us=$(awk -v t=$((after - before)) -v hz="$TICKS" -v n="$calls" 'BEGIN { printf "%.2f", t / hz * 1e6 / n }')
    echo "${line%\}},\"mode\":\"$mode\",\"round\":$round,\"server_cpu_us_per_call\":$cpu_us}" | tee -a "$RESULTS"
  done
done

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
for mode in plain ignored auth; do
  rps=$(grep "\"mode\":\"$mode\"" "$RESULTS" | grep -o '"rps":[0-9]*' | cut -d: -f2 | median)
  cpu=$(grep "\"mode\":\"$mode\"" "$RESULTS" | grep -o '"server_cpu_us_per_call":[0-9.]*' | cut -d: -f2 | median)
  echo "{\"summary\":\"$mode\",\"median_rps\":$rps,\"median_server_cpu_us_per_call\":$cpu}"
done
