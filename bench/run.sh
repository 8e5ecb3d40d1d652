#!/usr/bin/env bash
# Runs every bench/*.sh in order; each prints its own figures.
# Benchmarks write scratch data under ${BENCH_DIR:-/tmp/cscdw-bench}.
set -euo pipefail
export BUILD=${BUILD:-build}
export CSCDW="$PWD/$BUILD/cscdw"
export BENCH_DIR=${BENCH_DIR:-/tmp/cscdw-bench}
mkdir -p "$BENCH_DIR"
echo "cscdw bench on $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
for b in bench/*.sh; do
    [ -f "$b" ] || continue
    echo "== $(basename "$b" .sh)"
    bash "$b"
done
