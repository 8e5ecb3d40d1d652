#!/usr/bin/env bash
# Runs each libFuzzer target briefly on its seed corpus (tests/fuzz/corpus/<target>).
set -euo pipefail
SECONDS_EACH=${FUZZ_SECONDS:-20}
for bin in "$@"; do
    name=$(basename "$bin")
    corpus="tests/fuzz/corpus/${name#fuzz_}"
    work=$(mktemp -d)
    [ -d "$corpus" ] && cp -r "$corpus"/. "$work"/ 2>/dev/null || true
    echo "fuzz-smoke: $name for ${SECONDS_EACH}s"
    "$bin" -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -timeout=10 "$work" 2>&1 | tail -2
    rm -rf "$work"
done
echo "fuzz-smoke: ${#} targets ran clean"
