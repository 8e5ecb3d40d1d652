#!/usr/bin/env bash
# A one-million-child synthetic LA (SSD tables, UTF-8) extracted into the
# canonical model: wall time, records, and peak memory of the model.
# Target: under 10 seconds, model in a few GB. EXTRACT_CHILDREN changes the size.
set -euo pipefail
BUILD=${BUILD:-build}
CSCDW=${CSCDW:-$PWD/$BUILD/cscdw}
BENCH_DIR=${BENCH_DIR:-/tmp/cscdw-bench}
N=${EXTRACT_CHILDREN:-1000000}
dir="$BENCH_DIR/la-ssd-$N"
if [ ! -s "$dir/ssd_person.csv" ]; then
    echo "25-extract-1m: generating a $N-child LA (once) in $dir"
    rm -rf "$dir"
    "$CSCDW" synth --system ssd --children "$N" --seed 7 --out "$dir" > /dev/null
fi
bytes=$(du -sb "$dir" | cut -f1)
/usr/bin/time -f '%e %M' -o "$BENCH_DIR/extract-1m.time" \
    "$CSCDW" extract --profile etl/sources/ssd.yaml --input "$dir" > "$BENCH_DIR/extract-1m.out"
read -r secs kb < "$BENCH_DIR/extract-1m.time"
records=$(sed -n 's/.*records[^0-9]*\([0-9][0-9]*\).*/\1/p' "$BENCH_DIR/extract-1m.out" | head -1)
awk -v s="$secs" -v kb="$kb" -v b="$bytes" -v n="$N" -v r="${records:-?}" 'BEGIN {
    printf "extract %d children (%.0f MB of SSD tables): %.1f s wall, %.0f MB/s, peak RSS %.2f GB  [target < 10 s, a few GB] %s\n",
        n, b / 1e6, s, b / 1e6 / s, kb / 1048576, (s < 10 ? "MET" : "NOT MET") }'
