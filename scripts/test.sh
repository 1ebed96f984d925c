#!/usr/bin/env bash
# The whole test suite: system packages, generated-code freshness, then every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
echo "== format"
scripts/format.sh --lint
echo "== generated code freshness"
scripts/generate.sh --check
echo "== throwaway PostgreSQL (the store contract suite runs on SQLite and PostgreSQL)"
PG_DIR=$(mktemp -d -t atende-pg.XXXXXX)
trap 'scripts/postgres.sh stop "$PG_DIR"' EXIT
ATENDE_TEST_POSTGRES_URL=$(scripts/postgres.sh start "$PG_DIR")
export ATENDE_TEST_POSTGRES_URL ATENDE_REQUIRE_POSTGRES=1
echo "$ATENDE_TEST_POSTGRES_URL"
echo "== swift test"
swift test
echo "== python client interop (SQLite)"
scripts/test-python.sh
echo "== python client interop (PostgreSQL)"
ATENDE_TEST_ENGINE=postgres scripts/test-python.sh -q
echo "== fuzzers (a short smoke run of each; scripts/fuzz.sh TARGET SECONDS for a real one)"
scripts/fuzz.sh all 10
echo "== documentation (DocC, warnings are errors)"
scripts/docs.sh
