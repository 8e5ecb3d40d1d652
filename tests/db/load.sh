#!/usr/bin/env bash
# Loading: samples/mosaic by `cscdw run --job` and samples/ssd by `cscdw load`
# as a second LA; an identical reload changes nothing but the run history; a
# newer extract (referrals deleted, a child's ethnicity changed) replaces the
# LA's snapshot, gives the child a new version, keeps the run and exception
# history and leaves the other LA alone; an unreachable server is exit 1
# with a clear message and no password.
. "$(dirname "$0")/lib.sh"

job "$TMP/mosaic.yaml" samples/mosaic etl/sources/mosaic.yaml 999 2026-03-31
expect_exit 0 "$CSCDW" run --job "$TMP/mosaic.yaml"
expect_stdout "warehouse    loaded as run 1"
expect_exit 0 "$CSCDW" load --profile etl/sources/ssd.yaml --input samples/ssd --la 998 \
    --year 2025-26 --warehouse-dir "$W"
expect_stdout "loaded as run 2"

# what was extracted is what was loaded (repeated ids once)
"$CSCDW" extract --profile etl/sources/mosaic.yaml --input samples/mosaic --dump "$TMP/dump" \
    > /dev/null || fail "extract"
for e in referral assessment cp_plan cla_period visit; do
    ids=$(tail -n +2 "$TMP/dump/$e.csv" | cut -d, -f1 | grep -v '^$' | sort -u | wc -l)
    case $e in visit) t=fact_visit; k=visit_id ;; cla_period) t=fact_cla_period; k=period_id ;;
                *) t=fact_$e; k=${e}_id ;; esac
    expect_sql "SELECT count(DISTINCT $k) FROM $t JOIN dim_la USING (la_key) WHERE la_code = '999'" "$ids"
done
expect_sql "SELECT count(*) FROM dim_child JOIN dim_la USING (la_key) WHERE la_code = '999'" \
    "$(tail -n +2 "$TMP/dump/person.csv" | cut -d, -f1 | sort -u | wc -l)"
# facts carry their dimension keys
expect_sql "SELECT count(*) FROM fact_referral WHERE child_key IS NULL OR team_key IS NULL" 0
expect_sql "SELECT count(*) FROM fact_referral r JOIN dim_child c USING (child_key)
            WHERE c.person_id <> r.person_id OR NOT c.is_current" 0
# factors: each assessment's distinct codes, sorted
expect_sql "SELECT count(*) > 50, bool_and(factors = ARRAY(SELECT DISTINCT x FROM unnest(factors) x ORDER BY x))
            FROM fact_assessment WHERE factors IS NOT NULL" "t|t"
# one partition per LA
expect_sql "SELECT count(*) FROM pg_inherits WHERE inhparent = 'fact_referral'::regclass" 2
# the run's metadata
expect_sql "SELECT outcome, row_counts->>'person', jsonb_typeof(findings),
            (SELECT count(*) FROM meta_run_source s WHERE s.run_id = r.run_id) > 5
            FROM meta_run r WHERE run_id = 1" "loaded|200|object|t"
expect_sql "SELECT count(*) FROM fact_exception WHERE run_id = 1" \
    "$(sql "SELECT (findings->>'error')::int + (findings->>'query')::int + (findings->>'warning')::int
            + (findings->>'info')::int FROM meta_run WHERE run_id = 1")"

# identical reload: every dimension and fact unchanged; history grew
checksums > "$TMP/before"
exc_before=$(sql "SELECT count(*) FROM fact_exception")
expect_exit 0 "$CSCDW" run --job "$TMP/mosaic.yaml"
expect_stdout "loaded as run 3"
checksums > "$TMP/after"
changed=$(changed_tables "$TMP/before" "$TMP/after")
[ "$changed" = "fact_exception meta_run meta_run_source " ] ||
    fail "an identical reload changed: $changed"
expect_sql "SELECT count(*) - $exc_before FROM fact_exception" \
    "$(sql "SELECT count(*) FROM fact_exception WHERE run_id = 1")"
expect_sql "SELECT count(*) FROM meta_run" 3
# the swapped-in partitions keep their names, keys and indexes
expect_sql "SELECT string_agg(conname, ',') FROM pg_constraint WHERE contype = 'p'
            AND conrelid = 'fact_referral_la1'::regclass" fact_referral_la1_pkey
expect_sql "SELECT count(*) FROM pg_indexes WHERE tablename = 'fact_referral_la1'" 2
expect_sql "SELECT count(*) FROM pg_class WHERE relname LIKE '%\_new'" 0
# the same exception in both runs has the same fingerprint
expect_sql "SELECT count(*) FROM exceptions_compare(1, 3) WHERE status <> 'still open'" 0

# a newer extract of LA 999: two referrals gone, one child's ethnicity changed
cp -r samples/mosaic "$TMP/mosaic2"
sed -i '/^REF1,/d; /^REF2,/d' "$TMP/mosaic2/DM_CIN_REFERRALS.csv"
sed -i 's/^\(1000001,.*\),White - British,/\1,White - Irish,/' "$TMP/mosaic2/DM_PERSONS.csv"
grep -q '^1000001,.*White - Irish' "$TMP/mosaic2/DM_PERSONS.csv" || fail "sample edit"
job "$TMP/mosaic2.yaml" "$TMP/mosaic2" etl/sources/mosaic.yaml 999 2026-06-30
referrals_999=$(sql "SELECT count(*) FROM fact_referral JOIN dim_la USING (la_key) WHERE la_code = '999'")
ssd_before=$(sql "SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM fact_referral x
                  JOIN dim_la USING (la_key) WHERE la_code = '998'")
expect_exit 0 "$CSCDW" run --job "$TMP/mosaic2.yaml"
expect_stdout "loaded as run 4"
expect_sql "SELECT count(*) FROM fact_referral WHERE referral_id IN ('REF1', 'REF2')
            AND la_key = (SELECT la_key FROM dim_la WHERE la_code = '999')" 0
expect_sql "SELECT count(*) FROM fact_referral JOIN dim_la USING (la_key) WHERE la_code = '999'" \
    "$(( referrals_999 - 2 ))"
expect_sql "SELECT valid_from, valid_to, is_current, ethnicity FROM dim_child c JOIN dim_la USING (la_key)
            WHERE la_code = '999' AND person_id = '1000001' ORDER BY valid_from" \
"2008-08-10|2026-06-30|f|WBRI
2026-06-30||t|WIRI"
# the child's facts point at the new version
expect_sql "SELECT count(*) FROM fact_referral r JOIN dim_child c USING (child_key)
            WHERE r.person_id = '1000001' AND NOT c.is_current" 0
# other children keep their one version
expect_sql "SELECT count(*) FROM dim_child JOIN dim_la USING (la_key)
            WHERE la_code = '999' AND person_id <> '1000001' AND NOT is_current" 0
# history stays: four runs, each with its exceptions
expect_sql "SELECT count(DISTINCT run_id) FROM fact_exception" 4
expect_sql "SELECT string_agg(run_id::text, ',' ORDER BY run_id) FROM meta_run WHERE outcome = 'loaded'" "1,2,3,4"
# the other LA is untouched
expect_sql "SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM fact_referral x
            JOIN dim_la USING (la_key) WHERE la_code = '998'" "$ssd_before"
# the latest run is the one the views use
expect_sql "SELECT run_id FROM v_latest_run JOIN dim_la USING (la_key) WHERE la_code = '999'" 4

# loading the older extract again: the child goes back to its old ethnicity
# in a third version; the referrals come back
expect_exit 0 "$CSCDW" run --job "$TMP/mosaic.yaml"
expect_sql "SELECT count(*) FROM fact_referral WHERE referral_id IN ('REF1', 'REF2')
            AND la_key = (SELECT la_key FROM dim_la WHERE la_code = '999')" 2
expect_sql "SELECT string_agg(ethnicity || ':' || is_current, ',' ORDER BY child_key) FROM dim_child
            WHERE person_id = '1000001' AND la_key = (SELECT la_key FROM dim_la WHERE la_code = '999')" \
    "WBRI:false,WIRI:false,WBRI:true"

# unreachable servers: exit 1, a clear message, no password anywhere
expect_exit 1 "$CSCDW" load --profile etl/sources/mosaic.yaml --input samples/mosaic --la 999 \
    --year 2025-26 --warehouse "postgresql://loader:Sup3rSecret@127.0.0.1:1/cscdw?connect_timeout=3"
expect_stderr "cannot reach the warehouse"
expect_stderr "loader:\*\*\*@127.0.0.1"
grep -q Sup3rSecret "$TMP/out" "$TMP/err" && fail "password shown: $(cat "$TMP/err")"
PGHOST=/nonexistent PGPASSWORD=Sup3rSecret PGUSER=loader expect_exit 1 "$CSCDW" load \
    --profile etl/sources/mosaic.yaml --input samples/mosaic --la 999 --year 2025-26
expect_stderr "cannot reach the warehouse (the server named by the PG\* environment variables)"
grep -q Sup3rSecret "$TMP/out" "$TMP/err" && fail "password shown: $(cat "$TMP/err")"
# nothing of those attempts reached the local warehouse
expect_sql "SELECT count(*) FROM meta_run" 5
echo "load tests passed"
