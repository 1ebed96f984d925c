#!/usr/bin/env bash
# Formats (default) or lints (--lint) the hand-written Swift with the checked-in
# .swift-format. Generated code is machine output and is not formatted.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files --cached --others --exclude-standard -- '*.swift' | grep -v '/Generated/' | grep -v '^Benchmarks/.build')
if [[ ${1:-} == --lint ]]; then
  swift format lint --strict --parallel "${files[@]}"
else
  swift format format --in-place --parallel "${files[@]}"
fi
