#!/usr/bin/env bash
# Installs the system packages Atende needs to build, generate code and run its tests
# (Debian/Ubuntu). Does nothing when they are already installed.
set -euo pipefail
PACKAGES=(protobuf-c-compiler libprotobuf-c-dev protobuf-compiler libprotobuf-dev libprotoc-dev libsqlite3-dev libcurl4)
missing=()
for package in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  echo "Installing: ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
