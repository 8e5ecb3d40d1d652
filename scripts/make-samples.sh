#!/usr/bin/env bash
# Regenerate samples/<system>/ for the five case systems: about 200 children
# each, written by `cscdw synth` with fixed seeds, so the same binary always
# gives the same files. Only the top-level files of each folder are replaced;
# subfolders (expected outputs kept by other tests) are left alone.
#
#   scripts/make-samples.sh            uses build/cscdw (built if missing)
#   CSCDW=path/to/cscdw scripts/make-samples.sh
set -eu
cd "$(dirname "$0")/.."
CSCDW=${CSCDW:-build/cscdw}
[ -x "$CSCDW" ] || make -s all
CHILDREN=200

# system:seed (one fixed seed per system, so the five LAs differ)
for pair in ssd:101 liquidlogic:202 mosaic:303 eclipse:404 azeus:505; do
    system=${pair%%:*}
    seed=${pair##*:}
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    "$CSCDW" synth --system "$system" --children "$CHILDREN" --seed "$seed" \
        --out "$tmp/out" --reference-date 2026-03-31 --la 999 > "$tmp/summary.txt"
    mkdir -p "samples/$system"
    find "samples/$system" -maxdepth 1 -type f -delete
    cp -p "$tmp/out"/* "samples/$system/"
    chmod 0644 "samples/$system"/*
    echo "samples/$system: $(ls "samples/$system" | wc -l) files, seed $seed"
    rm -rf "$tmp"
    trap - EXIT
done
