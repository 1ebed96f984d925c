#!/usr/bin/env bash
# Builds the DocC documentation of the client library (AtendeAPI: the getting-started
# article, calls/errors/retries, testing) and fails on any warning, such as a broken link.
#   scripts/docs.sh            -> .build/plugins/Swift-DocC/outputs/AtendeAPI.doccarchive
set -euo pipefail
cd "$(dirname "$0")/.."
swift package generate-documentation --target AtendeAPI --warnings-as-errors
