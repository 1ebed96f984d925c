#!/usr/bin/env bash
# The Python client's interop suite: installs the client (editable) with its pinned test
# dependencies, builds the Swift server, and runs pytest against that binary.
#   scripts/test-python.sh [pytest args...]
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
echo "== pip install Clients/python[test]"
"$PYTHON" -m pip install --quiet --disable-pip-version-check -e 'Clients/python[test]'

echo "== swift build --product atende-server"
swift build --product atende-server
ATENDE_SERVER_BIN="$(swift build --show-bin-path)/atende-server"
export ATENDE_SERVER_BIN

echo "== pytest Clients/python/tests"
cd Clients/python
exec "$PYTHON" -m pytest -p no:cacheprovider tests "$@"
