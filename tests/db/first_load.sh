#!/usr/bin/env bash
# The first load of a new warehouse writes dim_child and fact_exception as
# it writes a new fact partition: into the emptied table's new file, rows
# frozen (COPY FREEZE), indexes built after; a later load appends to them
# as before, and both LAs' rows are there with every index.
. "$(dirname "$0")/lib.sh"

indexes() { sql "SELECT string_agg(indexrelid::regclass::text, ',' ORDER BY indexrelid::regclass::text)
                 FROM pg_index WHERE indrelid = '$1'::regclass"; }
expect_exit 0 "$CSCDW" warehouse migrate --warehouse-dir "$W"
child_idx=$(indexes dim_child)
exc_idx=$(indexes fact_exception)
[ -n "$child_idx" ] && [ -n "$exc_idx" ] || fail "no indexes on a new warehouse"

expect_exit 0 "$CSCDW" load --profile etl/sources/ssd.yaml --input samples/ssd --la 998 \
    --year 2025-26 --warehouse-dir "$W"
# every page all-frozen in the visibility map
frozen() { sql "SELECT all_frozen > 0 AND all_frozen = pg_relation_size('$1') / 8192
                FROM pg_visibility_map_summary('$1')"; }
sql "CREATE EXTENSION pg_visibility" > /dev/null || fail "pg_visibility (postgresql contrib) missing"
for t in dim_child fact_exception fact_referral_la1; do
    [ "$(frozen $t)" = t ] || fail "$t: not written frozen"
done
expect_sql "SELECT '$(indexes dim_child)' = '$child_idx', '$(indexes fact_exception)' = '$exc_idx'" "t|t"

expect_exit 0 "$CSCDW" load --profile etl/sources/mosaic.yaml --input samples/mosaic --la 999 \
    --year 2025-26 --warehouse-dir "$W"
expect_sql "SELECT count(DISTINCT la_key) FROM dim_child" 2
[ "$(frozen dim_child)" = f ] || fail "dim_child: appended rows frozen"
expect_sql "SELECT count(DISTINCT run_id) FROM fact_exception" 2
expect_sql "SELECT '$(indexes dim_child)' = '$child_idx', '$(indexes fact_exception)' = '$exc_idx'" "t|t"
expect_sql "SELECT bool_and(indisvalid) FROM pg_index
            WHERE indrelid IN ('dim_child'::regclass, 'fact_exception'::regclass)" t
echo "first load tests passed"
