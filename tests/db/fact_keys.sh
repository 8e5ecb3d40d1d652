#!/usr/bin/env bash
# Fact keys (migration 7): facts whose id another fact carries keep their
# primary key on every partition; the others have none, and the loader alone
# keeps their ids unique: an id repeated in the extract is loaded once, with
# the values of its first row in file order, on a first load and a reload.
. "$(dirname "$0")/lib.sh"

cp -r samples/mosaic "$TMP/in"
# VIS1 again further down the file, with another date
sed -n 's/^VIS1,\([^,]*\),\([^,]*\),[^,]*,/VIS1,\1,\2,01\/01\/2020,/p' "$TMP/in/DM_VISITS.csv" > "$TMP/dup"
[ -s "$TMP/dup" ] || fail "sample edit"
cat "$TMP/dup" >> "$TMP/in/DM_VISITS.csv"
load() { expect_exit 0 "$CSCDW" load --profile etl/sources/mosaic.yaml --input "$TMP/in" --la 999 \
    --year 2025-26 --warehouse-dir "$W"; }

keyed="fact_cin_plan,fact_cla_period,fact_cp_plan,fact_referral,fact_s47"
for round in first reload; do
    load
    # parents and the LA's partitions alike
    expect_sql "SELECT string_agg(conrelid::regclass::text, ',' ORDER BY conrelid::regclass::text) FROM pg_constraint
                WHERE contype = 'p' AND conrelid::regclass::text LIKE 'fact\_%'
                AND conrelid::regclass::text NOT IN ('fact_cla_episode', 'fact_exception')
                AND conrelid::regclass::text NOT LIKE '%\_la%'" "$keyed"
    expect_sql "SELECT string_agg(conname, ',' ORDER BY conname) FROM pg_constraint
                WHERE contype = 'p' AND conrelid::regclass::text LIKE 'fact\_%\_la%'" \
        "$(echo "$keyed" | sed 's/\([a-z0-9_]*\)/\1_la1_pkey/g')"
    for f in contact:contact_id early_help:episode_id assessment:assessment_id icpc:icpc_id \
             cp_review:review_id visit:visit_id cla_placement:placement_id \
             legal_status:legal_status_id cla_review:review_id health_check:check_id \
             missing_episode:missing_id care_leaver:care_leaver_id adoption:adoption_id \
             involvement:involvement_id; do
        expect_sql "SELECT count(*) = count(DISTINCT ${f#*:}) FROM fact_${f%%:*}" t
    done
    expect_sql "SELECT count(*) FROM fact_visit" \
        "$(tail -n +2 "$TMP/in/DM_VISITS.csv" | cut -d, -f1 | grep -v '^$' | sort -u | wc -l)"
    expect_sql "SELECT count(*), min(visit_date) > date '2020-01-01' FROM fact_visit WHERE visit_id = 'VIS1'" "1|t"
done
echo "fact key tests passed"
