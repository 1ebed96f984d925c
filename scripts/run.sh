#!/usr/bin/env bash
# Quick start: installs what is missing, builds, and runs the Atende server on
# 127.0.0.1:7400 (override with ATENDE_HOST / ATENDE_PORT) with the demo data set
# loaded, until Ctrl-C, with its admin listener (metrics, /healthz, /readyz) on
# 127.0.0.1:7401 (ATENDE_ADMIN_PORT). Extra arguments go to `atende-server serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release --product atende-server
swift build -c release --product atende
export ATENDE_ADMIN_PORT=${ATENDE_ADMIN_PORT:-7401}
exec "$(swift build -c release --show-bin-path)/atende-server" serve --demo-data "$@"
