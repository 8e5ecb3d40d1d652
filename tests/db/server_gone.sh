#!/usr/bin/env bash
# The server ends the load's session while a fact COPY is under way (as a
# restart or an administrator would): the load stops at once with exit 1 and
# a clear message, its encoder thread does not hang it, and the warehouse is
# left exactly as it was.
. "$(dirname "$0")/lib.sh"
N=${SERVER_GONE_TEST_CHILDREN:-30000}
"$CSCDW" synth --system ssd --children "$N" --seed 73 --out "$TMP/in" > /dev/null || fail "synth"
expect_exit 0 "$CSCDW" run --job <(job /dev/stdout samples/mosaic etl/sources/mosaic.yaml 999 2026-03-31)
checksums > "$TMP/before"

ended=""
timeout 120 "$CSCDW" load --profile etl/sources/ssd.yaml --input "$TMP/in" --la 973 \
    --year 2025-26 --warehouse-dir "$W" --quiet > "$TMP/load.out" 2>&1 &
pid=$!
while kill -0 "$pid" 2>/dev/null; do
    b=$(sql "SELECT pid FROM pg_stat_activity WHERE query LIKE 'COPY fact\_%' AND state = 'active'
             LIMIT 1" 2>/dev/null)
    if [ -n "$b" ]; then
        [ "$(sql "SELECT pg_terminate_backend($b)")" = t ] && ended=1
        break
    fi
    sleep 0.02
done
wait "$pid"
rc=$?
[ -n "$ended" ] || fail "never caught the load during COPY (exit $rc); use more children"
[ "$rc" = 124 ] && fail "the load hung after its session ended"
[ "$rc" = 1 ] || fail "exit $rc, wanted 1: $(cat "$TMP/load.out")"
# mid-COPY, or (a slower build) between the COPY and the next statement
grep -Eq "COPY of fact_.* failed|warehouse: server closed the connection" "$TMP/load.out" ||
    fail "no clear message: $(cat "$TMP/load.out")"

checksums > "$TMP/after"
diff "$TMP/before" "$TMP/after" || fail "the ended load changed the warehouse"
expect_sql "SELECT count(*) FROM pg_class WHERE relname LIKE '%\_new'" 0
echo "server-gone test passed"
