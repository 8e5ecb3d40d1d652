#!/usr/bin/env bash
# Schema migrations: from an empty database to the latest version; and an
# upgrade of a warehouse holding data at version 4, the last before facts
# were partitioned (migrate --to 4, rows written the way that version's
# loader wrote them, then migrate): nothing lost, facts moved into per-LA
# partitions, and loads work after.
. "$(dirname "$0")/lib.sh"

latest=$(ls schema/warehouse/[0-9]*_*.sql | sed 's|.*/0*\([0-9]*\)_.*|\1|' | sort -n | tail -1)
prev=4
ups=$((latest - prev)); [ "$ups" -eq 1 ] && ups="1 migration" || ups="$ups migrations"

# from empty
expect_exit 0 "$CSCDW" warehouse migrate --warehouse-dir "$W"
expect_stdout "applied $latest migrations; schema version $latest"
expect_sql "SELECT string_agg(version::text, ',' ORDER BY version) FROM meta_migration" \
    "$(seq -s, 1 "$latest")"
expect_sql "SELECT count(*) FROM pg_class WHERE relname LIKE 'fact\_%' AND relkind = 'p'" 19
expect_sql "SELECT count(*) FROM pg_constraint WHERE contype = 'f'
            AND conrelid::regclass::text LIKE 'fact\_%'" 0
expect_sql "SELECT count(*) FROM dim_date" 14976
expect_exit 0 "$CSCDW" warehouse migrate --warehouse-dir "$W"
expect_stdout "schema is up to date (version $latest)"
# an applied migration that was edited afterwards is refused, naming it
cp -r schema "$TMP/schema"
echo "-- edited" >> "$TMP/schema/warehouse/0001_dimensions.sql"
(cd "$TMP" && CSCDW_HOME="$TMP" expect_exit 1 "$CSCDW" warehouse migrate --warehouse-dir "$W")
grep -q "0001_dimensions.sql.*changed after it was applied" "$TMP/err" ||
    fail "edited migration not reported: $(cat "$TMP/err")"
expect_exit 2 "$CSCDW" warehouse migrate --to x --warehouse-dir "$W"
expect_exit 2 "$CSCDW" warehouse status --to 3 --warehouse-dir "$W"

# upgrade from the previous version, with data in it
W2="$TMP/wh-prev"
db_clusters+=("$W2")
expect_exit 0 "$CSCDW" warehouse migrate --to "$prev" --warehouse-dir "$W2"
expect_stdout "schema version $prev"
sql -d "$W2" "SELECT max(version) FROM meta_migration" | grep -qx "$prev" || fail "not at $prev"
# two LAs' rows as version $prev held them (plain tables, foreign keys)
sql -d "$W2" "
INSERT INTO dim_la (la_code, la_name) VALUES ('101', 'One'), ('102', 'Two');
INSERT INTO dim_team (la_key, team_id, name) VALUES (1, 'T1', 'Team one');
INSERT INTO dim_child (la_key, person_id, valid_from, is_current, sex)
    VALUES (1, 'C1', '2010-01-01', true, 'F'), (2, 'C1', '2011-01-01', true, 'M');
INSERT INTO fact_referral (la_key, referral_id, child_key, person_id, referral_date, team_key)
    VALUES (1, 'R1', 1, 'C1', '2025-05-01', 1), (1, 'R2', 1, 'C1', '2025-06-01', 1),
           (2, 'R1', 2, 'C1', '2025-07-01', NULL);
INSERT INTO fact_cla_period (la_key, period_id, child_key, person_id, start_date)
    VALUES (2, 'P1', 2, 'C1', '2024-01-01');
INSERT INTO meta_run (run_uid, la_key, started_at, outcome) VALUES ('r1', 1, now(), 'loaded');
INSERT INTO dim_rule (return_name, year, code, severity, message)
    VALUES ('extract', 'all', 'X101', 'info', 'm');
INSERT INTO fact_exception (run_id, seq, la_key, rule_key, child_key, person_id, severity, fingerprint)
    VALUES (1, 1, 1, 1, 1, 'C1', 'info', 'f1');" > /dev/null || fail "seeding version $prev"
before=$(sql -d "$W2" "SELECT string_agg(x::text, ';' ORDER BY x::text) FROM fact_referral x")
expect_exit 0 "$CSCDW" warehouse migrate --warehouse-dir "$W2"
expect_stdout "applied $ups; schema version $latest"
expect_sql_2() { local got; got=$(sql -d "$W2" "$1") || fail "query failed: $1"
    [ "$got" = "$2" ] || fail "query: $1
  got:  $got
  want: $2"; }
expect_sql_2 "SELECT string_agg(x::text, ';' ORDER BY x::text) FROM fact_referral x" "$before"
expect_sql_2 "SELECT string_agg(c.oid::regclass::text || ':' || pg_get_expr(c.relpartbound, c.oid), ';'
              ORDER BY 1) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
              WHERE i.inhparent = 'fact_referral'::regclass" \
    "fact_referral_la1:FOR VALUES IN (1);fact_referral_la2:FOR VALUES IN (2)"
expect_sql_2 "SELECT count(*) FROM fact_cla_period_la2" 1
expect_sql_2 "SELECT count(*) FROM fact_exception" 1
expect_sql_2 "SELECT count(*) FROM v_cin_census_cohort WHERE financial_year = '2025-26'" 2
# the primary key still holds across the LA's rows
sql -d "$W2" "INSERT INTO fact_referral (la_key, referral_id) VALUES (1, 'R1')" > /dev/null 2>&1 &&
    fail "duplicate (la_key, referral_id) accepted after the upgrade"
# a load after the upgrade replaces only its own LA's partition
job "$TMP/job.yaml" samples/mosaic etl/sources/mosaic.yaml 101 2026-03-31 "$W2"
expect_exit 0 "$CSCDW" run --job "$TMP/job.yaml"
expect_sql_2 "SELECT count(*) FROM fact_referral WHERE la_key = 1 AND referral_id = 'R2'" 0
expect_sql_2 "SELECT string_agg(x::text, ';') FROM fact_referral x WHERE la_key = 2" \
    "(2,R1,2,C1,2025-07-01,,,,,,,)"
expect_sql_2 "SELECT count(*) > 100 FROM fact_referral WHERE la_key = 1" t
# the child seen before gets the loader's version history, the other LA's is kept
expect_sql_2 "SELECT count(*) FROM dim_child WHERE la_key = 2" 1
echo "migration tests passed"
