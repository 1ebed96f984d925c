#!/usr/bin/env bash
# The whole test suite: system packages, generated-code freshness, then every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
echo "== format ($(date +%T))"
scripts/format.sh --lint
echo "== generated code freshness ($(date +%T))"
scripts/generate.sh --check
# The transport's tests first, on their own: they time connections, handshakes and
# deadlines, and a machine busy with the server, CLI and store suites slows those down.
echo "== swift test (transport) ($(date +%T))"
swift test --filter AtendeRPCTests
echo "== swift test (SQLite: everything else) ($(date +%T))"
swift test --skip-build --skip AtendeRPCTests
echo "== throwaway PostgreSQL ($(date +%T))"
PG_DIR=$(mktemp -d -t atende-pg.XXXXXX)
trap 'scripts/postgres.sh stop "$PG_DIR"' EXIT
POSTGRES_URL=$(scripts/postgres.sh start "$PG_DIR")
echo "$POSTGRES_URL"
# The store and end-to-end suites again, on PostgreSQL only (apart from the first run,
# so that the timing-sensitive RPC tests do not share the machine with a database).
echo "== swift test (PostgreSQL: store and end-to-end suites) ($(date +%T))"
ATENDE_TEST_POSTGRES_URL=$POSTGRES_URL ATENDE_TEST_ENGINES=postgres ATENDE_REQUIRE_POSTGRES=1 \
  swift test --skip-build --filter 'AtendeStoreTests|AtendeServerTests|RollingRestartTests|MigrateDataCommandTests|BackupRestoreTests'
echo "== python client interop (SQLite) ($(date +%T))"
scripts/test-python.sh
echo "== python client interop (PostgreSQL) ($(date +%T))"
ATENDE_TEST_POSTGRES_URL=$POSTGRES_URL ATENDE_TEST_ENGINE=postgres scripts/test-python.sh -q
echo "== fuzzers (a short smoke run of each; scripts/fuzz.sh TARGET SECONDS for a real one) ($(date +%T))"
scripts/fuzz.sh all 10
echo "== documentation (DocC, warnings are errors) ($(date +%T))"
scripts/docs.sh
echo "== done ($(date +%T))"
