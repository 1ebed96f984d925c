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
TICKS=$(getconf CLK_TCK)
RESULTS=$(mktemp)
CERTS=$(mktemp -d)
trap 'rm -rf "$RESULTS" "$CERTS"; kill $SERVER 2>/dev/null || true' EXIT

cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }

for round in $(seq "$ROUNDS"); do
  for mode in plain tls; do
    PORT=$((7700 + RANDOM % 200))
    if [[ $mode == tls ]]; then "$B" serve --port "$PORT" --tls "$CERTS" & else "$B" serve --port "$PORT" & fi
    SERVER=$!
    sleep 1
    args=(--port "$PORT" --connections "$CONNECTIONS" --concurrency "$CONCURRENCY" --seconds "$SECONDS_" --payload 256)
    [[ $mode == tls ]] && args+=(--tls-ca "$CERTS/ca.pem")
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
for mode in plain tls; do
  rps=$(grep "\"mode\":\"$mode\"" "$RESULTS" | grep -o '"rps":[0-9]*' | cut -d: -f2 | median)
  cpu=$(grep "\"mode\":\"$mode\"" "$RESULTS" | grep -o '"server_cpu_us_per_call":[0-9.]*' | cut -d: -f2 | median)
  echo "{\"summary\":\"$mode\",\"median_rps\":$rps,\"median_server_cpu_us_per_call\":$cpu}"
done
