#!/usr/bin/env bash
# The whole test suite: system packages, generated-code freshness, then every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
echo "== format"
scripts/format.sh --lint
echo "== generated code freshness"
scripts/generate.sh --check
echo "== swift test"
swift test
echo "== python client interop"
scripts/test-python.sh
echo "== fuzzers (a short smoke run of each; scripts/fuzz.sh TARGET SECONDS for a real one)"
scripts/fuzz.sh all 10
echo "== documentation (DocC, warnings are errors)"
scripts/docs.sh
