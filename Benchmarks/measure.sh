# Shared by auth-cost.sh and tls-cost.sh (sourced): one echo run against a fresh server,
# with the server's CPU time per call, and the medians per mode.
# Needs B (the atende-bench binary), CONNECTIONS, CONCURRENCY, SECONDS_, RESULTS.
TICKS=$(getconf CLK_TCK)

cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# measure MODE ROUND "SERVE ARGS" "LOAD ARGS": serves, loads for SECONDS_ after a 1 s
# warm-up, prints (and appends to RESULTS) the load's JSON line plus mode, round and
# server_cpu_us_per_call (utime + stime over the measured seconds, divided by the calls).
measure() {
  local mode=$1 round=$2 serve_args=$3 load_args=$4
  local port=$((7700 + RANDOM % 200))
  # shellcheck disable=SC2086
  "$B" serve --port "$port" $serve_args 2>"${SERVER_LOG:-/dev/stderr}" &
  SERVER=$!
  sleep 1
  local out
  out=$(mktemp)
  # shellcheck disable=SC2086
  "$B" load --port "$port" --connections "$CONNECTIONS" --concurrency "$CONCURRENCY" --seconds "$SECONDS_" \
    --payload 256 $load_args > "$out" &
  local load=$!
  sleep 1  # the load's warm-up second
  local before after line calls cpu_us
  before=$(cpu "$SERVER")
  wait "$load"
  after=$(cpu "$SERVER")
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
  line=$(cat "$out"); rm -f "$out"
  calls=$(echo "$line" | grep -o '"calls":[0-9]*' | cut -d: -f2)
  cpu_us=$(awk -v t=$((after - before)) -v hz="$TICKS" -v n="$calls" 'BEGIN { printf "%.2f", t / hz * 1e6 / n }')
  echo "${line%\}},\"mode\":\"$mode\",\"round\":$round,\"server_cpu_us_per_call\":$cpu_us}" | tee -a "$RESULTS"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

# summarize MODE...: the median calls/s and server CPU per call of each mode.
summarize() {
  local mode rps cpu
  for mode in "$@"; do
    rps=$(grep "\"mode\":\"$mode\"" "$RESULTS" | grep -o '"rps":[0-9]*' | cut -d: -f2 | median)
    cpu=$(grep "\"mode\":\"$mode\"" "$RESULTS" | grep -o '"server_cpu_us_per_call":[0-9.]*' | cut -d: -f2 | median)
    echo "{\"summary\":\"$mode\",\"median_rps\":$rps,\"median_server_cpu_us_per_call\":$cpu}"
  done
}
