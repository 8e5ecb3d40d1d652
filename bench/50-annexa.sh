#!/usr/bin/env bash
# Annex A for a one-million-child synthetic LA (the SSD tables 25-extract-1m.sh
# generates, made here when missing): `cscdw emit annexa` extracts them, builds
# all eleven lists for an inspection date, runs the Annex A checks and writes
# the workbook and the eleven CSVs. Prints the rows, the build, check and write
# times (one core: the engine is single-threaded), the memory before and after
# writing (flat: the writers stream) and the command's peak RSS.
# Target: lists built and written (xlsx and CSV) in under 60 s.
# ANNEXA_CHILDREN changes the size.
set -euo pipefail
BUILD=${BUILD:-build}
CSCDW=${CSCDW:-$PWD/$BUILD/cscdw}
BENCH_DIR=${BENCH_DIR:-/tmp/cscdw-bench}
N=${ANNEXA_CHILDREN:-1000000}
if ! "$CSCDW" emit annexa --help > /dev/null 2>&1; then
    echo "50-annexa: cscdw emit does not hand 'annexa' on yet; skipped"
    exit 0
fi
dir="$BENCH_DIR/la-ssd-$N"
if [ ! -s "$dir/ssd_person.csv" ]; then
    echo "50-annexa: generating a $N-child LA (once) in $dir"
    rm -rf "$dir"
    "$CSCDW" synth --system ssd --children "$N" --seed 7 --out "$dir" > /dev/null
fi
out="$BENCH_DIR/annexa-$N"
rm -rf "$out"
/usr/bin/time -f '%e %M' -o "$BENCH_DIR/annexa.time" \
    "$CSCDW" emit annexa --profile etl/sources/ssd.yaml --input "$dir" \
    --inspection-date 2026-03-02 --out "$out" > "$BENCH_DIR/annexa.out"
read -r wall kb < "$BENCH_DIR/annexa.time"
rows=$(awk '/^  List/ { s += $3 } END { print s + 0 }' "$BENCH_DIR/annexa.out")
read -r build check write < <(sed -n 's/^time: build \([0-9.]*\) s, checks \([0-9.]*\) s, write \([0-9.]*\) s$/\1 \2 \3/p' "$BENCH_DIR/annexa.out")
mem=$(sed -n 's/^memory: //p' "$BENCH_DIR/annexa.out")
xlsx=$(du -m "$out/Annex A.xlsx" | cut -f1)
csv=$(cat "$out/"*List*.csv | wc -c)
awk -v n="$N" -v r="$rows" -v b="$build" -v c="$check" -v w="$write" -v wall="$wall" -v kb="$kb" \
    -v x="$xlsx" -v csv="$csv" -v mem="$mem" 'BEGIN {
    t = b + w
    printf "annexa %d children: %d list rows; build %.1f s + write %.1f s (xlsx %d MB, CSV %.0f MB) = %.1f s [target < 60 s: %s]; checks %.1f s; whole command %.1f s with the extract, peak RSS %.2f GB\n",
        n, r, b, w, x, csv / 1e6, t, (t < 60 ? "MET" : "NOT MET"), c, wall, kb / 1048576
    printf "annexa memory: %s\n", mem }'
