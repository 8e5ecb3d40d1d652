#!/usr/bin/env bash
# meta_run_source: every file a load read, with its size and SHA-256 as
# sha256sum and stat give them (the loader hashes them while it loads).
. "$(dirname "$0")/lib.sh"

expect_exit 0 "$CSCDW" load --profile etl/sources/ssd.yaml --input samples/ssd --la 998 \
    --year 2025-26 --warehouse-dir "$W"
got=$(sql "SELECT path || ' ' || bytes || ' ' || sha256 FROM meta_run_source ORDER BY path")
[ "$(echo "$got" | wc -l)" -gt 5 ] || fail "too few sources: $got"
want=$(echo "$got" | while read -r path _ _; do
    echo "$path $(stat -c %s "$path") $(sha256sum < "$path" | cut -d' ' -f1)"
done)
[ "$got" = "$want" ] || fail "sources differ:
$(diff <(echo "$want") <(echo "$got"))"
echo "run source tests passed"
