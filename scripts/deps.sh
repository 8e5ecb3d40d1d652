#!/usr/bin/env bash
# Installs the Debian 12 packages cscdw needs; does nothing when all are present.
set -euo pipefail
PKGS=(build-essential pkg-config libxml2-dev libxml2-utils libpq-dev postgresql-15
      postgresql-client-15 zlib1g-dev libyaml-dev libxlsxwriter-dev libcmocka-dev
      libssl-dev clang libclang-rt-14-dev unzip libminizip-dev)
missing=()
for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "deps: all ${#PKGS[@]} packages present"
    exit 0
fi
echo "deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "deps: not root and no sudo; install: ${missing[*]}" >&2; exit 1; }
    SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
