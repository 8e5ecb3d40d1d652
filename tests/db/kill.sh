#!/usr/bin/env bash
# A load killed part-way (kill -9 of the client once its COPY of facts is
# under way, seen in pg_stat_activity) leaves the warehouse exactly as it
# was: every dimension, fact and run table unchanged, no half-built
# partition left behind; and the next load succeeds.
. "$(dirname "$0")/lib.sh"
N=${KILL_TEST_CHILDREN:-30000}
"$CSCDW" synth --system ssd --children "$N" --seed 71 --out "$TMP/old" > /dev/null || fail "synth"
"$CSCDW" synth --system ssd --children "$N" --seed 72 --out "$TMP/new" > /dev/null || fail "synth"
# exec: in the background the client itself, not a subshell, gets the pid
load() { exec "$CSCDW" load --profile etl/sources/ssd.yaml --input "$1" --la 971 --year 2025-26 \
    --warehouse-dir "$W" --quiet; }
expect_exit 0 "$CSCDW" run --job <(job /dev/stdout samples/mosaic etl/sources/mosaic.yaml 999 2026-03-31)
(load "$TMP/old") || fail "first load"
checksums > "$TMP/before"

killed=""
for attempt in 1 2 3; do
    load "$TMP/new" > "$TMP/load.out" 2>&1 &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        n=$(sql "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY fact\_%' AND state = 'active'" 2>/dev/null)
        if [ "${n:-0}" -gt 0 ]; then
            kill -9 "$pid" && killed=$attempt
            break
        fi
        sleep 0.02
    done
    wait "$pid" 2>/dev/null
    [ -n "$killed" ] && break
    # the load finished before we saw it copying: put the old extract back
    (load "$TMP/old") || fail "reload of the old extract"
done
[ -n "$killed" ] || fail "never caught the load during COPY"
# the server ends the killed session's transaction when it finds the client gone
for _ in $(seq 100); do
    [ "$(sql "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'
              AND pid <> pg_backend_pid()")" = 0 ] && break
    sleep 0.1
done
checksums > "$TMP/after"
diff "$TMP/before" "$TMP/after" || fail "the killed load changed the warehouse"
expect_sql "SELECT count(*) FROM pg_class WHERE relname LIKE '%\_new'" 0
expect_sql "SELECT count(*) FROM meta_run WHERE outcome <> 'loaded'" 0

# the next load succeeds and replaces the LA's snapshot
(load "$TMP/new") || fail "the load after the kill"
checksums > "$TMP/next"
diff -q "$TMP/after" "$TMP/next" > /dev/null && fail "the next load changed nothing"
expect_sql "SELECT count(*) FROM meta_run" 3
expect_sql "SELECT count(*) FROM pg_inherits WHERE inhparent = 'fact_visit'::regclass" 2
echo "kill test passed (caught on attempt $killed)"
