#!/usr/bin/env bash
# Exception list writing: a million rows shaped like a 903 validation's
# (bench/bench_exceptions.c) written as CSV, best of 5 writes, pinned to one
# core. CPU time (user + system) is the figure to compare across runs; wall
# time also counts the page cache and other people's work. A national return
# has a few thousand findings, so this is the writer's ceiling, not its
# everyday cost. EXCEPTIONS_BENCH_ROWS changes the size (default 1,000,000).
set -euo pipefail
BUILD=${BUILD:-build}
BENCH_DIR=${BENCH_DIR:-/tmp/cscdw-bench}
ROWS=${EXCEPTIONS_BENCH_ROWS:-1000000}
bin="$BUILD/bench/bench_exceptions"
[ -x "$bin" ] || { echo "45-exceptions: $bin not built (run make bench)"; exit 1; }
mkdir -p "$BENCH_DIR"
line=$(taskset -c 0 "$bin" "$ROWS" "$BENCH_DIR/exceptions-bench.csv" | tail -1)
echo "$line" | awk '{
    for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    printf "exceptions csv: %d rows, %.0f MB: cpu %.2f s (%.0f MB/s, %.2f us a row), wall %.2f s\n",
        v["rows"], v["bytes"] / 1e6, v["cpu"], v["bytes"] / 1e6 / v["cpu"],
        v["cpu"] * 1e6 / v["rows"], v["wall"] }'
