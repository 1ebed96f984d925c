#!/usr/bin/env bash
# Builds a libFuzzer target with Swift's -sanitize=fuzzer,address and runs it.
#   scripts/fuzz.sh TARGET SECONDS [libFuzzer options...]
#   scripts/fuzz.sh all SECONDS        each target in turn (what CI runs, briefly)
# Targets (Fuzz/): frames, server-connection, client-connection, requests.
# The corpus grows in .build-fuzz/corpus/TARGET, starting from the committed seeds in
# Fuzz/seeds/TARGET (Fuzz/make-seeds.py writes them); a crash is saved under
# .build-fuzz/crashes/ and fails the script. The fuzzers build in .build, with this
# package's targets instrumented (the next plain build rebuilds those, not the dependencies).
set -euo pipefail
cd "$(dirname "$0")/.."
TARGETS=(frames server-connection client-connection requests)
[[ $# -ge 2 ]] || { echo "usage: scripts/fuzz.sh TARGET|all SECONDS [libFuzzer options...]" >&2; exit 2; }
TARGET=$1 SECONDS_=$2
shift 2
if [[ $TARGET == all ]]; then
  for target in "${TARGETS[@]}"; do "$0" "$target" "$SECONDS_" "$@"; done
  exit 0
fi
[[ " ${TARGETS[*]} " == *" $TARGET "* ]] || { echo "unknown target $TARGET: ${TARGETS[*]}" >&2; exit 2; }
echo "== fuzz-$TARGET: build"
ATENDE_FUZZ=1 swift build --product "fuzz-$TARGET"
CORPUS=.build-fuzz/corpus/$TARGET
mkdir -p "$CORPUS" .build-fuzz/crashes
echo "== fuzz-$TARGET: ${SECONDS_} s"
# detect_leaks=0: Swift's runtime caches (metadata, the concurrency runtime) look like leaks to LSan.
ASAN_OPTIONS=detect_leaks=0 ".build/debug/fuzz-$TARGET" -max_total_time="$SECONDS_" -max_len=8192 \
  -artifact_prefix=".build-fuzz/crashes/$TARGET-" -print_final_stats=1 "$@" "$CORPUS" "Fuzz/seeds/$TARGET"
