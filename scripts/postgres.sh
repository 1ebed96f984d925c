#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: initdb into a temporary folder, listen on
# a loopback port only, trust authentication for the local test user.
#
#   scripts/postgres.sh start DIR   creates and starts a cluster in DIR (a new, empty
#                                   folder), prints its URL (postgres://…) on stdout
#   scripts/postgres.sh stop DIR    stops it and removes DIR
#
# Tests run it with fsync=off (nothing there outlives the run); POSTGRES_FSYNC=on gives a
# durable cluster, for benchmarks.
#
# PostgreSQL refuses to run as root: as root, the cluster runs as the `postgres` user.
# Debian's postgresql package is installed when the server binaries are missing.
set -euo pipefail

command=${1:-}
dir=${2:-}
[[ -n "$command" && -n "$dir" ]] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }

bindir() {
  local found
  for found in /usr/lib/postgresql/*/bin; do
    [[ -x "$found/initdb" ]] && { echo "$found"; return; }
  done
  command -v initdb >/dev/null 2>&1 && dirname "$(command -v initdb)"
}

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

case "$command" in
  start)
    BIN=$(bindir || true)
    if [[ -z "$BIN" ]]; then
      SUDO=""
      [[ $(id -u) -ne 0 ]] && SUDO="sudo"
      echo "Installing: postgresql" >&2
      $SUDO apt-get update -qq
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
      BIN=$(bindir)
    fi
    mkdir -p "$dir"
    if [[ $(id -u) -eq 0 ]]; then
      id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
      chown postgres "$dir"
      chmod 700 "$dir"
    fi
    # A free loopback port: let the kernel pick one.
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_owner "$BIN/initdb" -D "$dir/data" -U atende --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    as_owner "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200 -c fsync=${POSTGRES_FSYNC:-off}" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    as_owner "$BIN/createdb" -h 127.0.0.1 -p "$port" -U atende atende_test
    echo "postgres://atende@127.0.0.1:$port/atende_test"
    ;;
  stop)
    BIN=$(bindir || true)
    if [[ -n "$BIN" && -d "$dir/data" ]]; then
      as_owner "$BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
