#!/usr/bin/env bash
# fact_exception row for row against the run's exceptions.csv: the same
# findings in the same order (seq), each with its own rule (return, year,
# code, severity through dim_rule), child and message. The list mixes
# extract repairs, CIN and 903 findings whose rules interleave, so a rule
# key taken from the wrong finding shows here.
. "$(dirname "$0")/lib.sh"

cat > "$TMP/job.yaml" <<YAML
job: exceptions
la:
  code: "997"
collection_year: 2025-26
reference_date: 2026-03-31
source:
  profile: etl/sources/mosaic.yaml
  input: samples/mosaic
returns: [cin, ssda903]
output: $TMP/returns
warehouse:
  local: $W
YAML
expect_exit 0 "$CSCDW" run --job "$TMP/job.yaml"
csv="$TMP/returns/exceptions.csv"
rows=$(( $(wc -l < "$csv") - 1 ))
[ "$rows" -gt 100 ] || fail "too few exceptions to compare: $rows"
chmod 644 "$csv"   # the cluster's own user reads it when we are root

sql "CREATE TABLE listed (run_id text, return_name text, year text, rule text, severity text,
       child_id text, record text, fields text, field_values text, message text,
       source_system text, source_id text, source_file text, source_line text, team text,
       worker text)" > /dev/null
"$CSCDW" warehouse psql --warehouse-dir "$W" -X -q -v ON_ERROR_STOP=1 \
    -c "\\copy listed FROM '$csv' WITH (FORMAT csv, HEADER true)" || fail "cannot read $csv"
sql "ALTER TABLE listed ADD COLUMN seq bigserial" > /dev/null   # numbered in file order
expect_sql "SELECT count(*) FROM listed" "$rows"
expect_sql "SELECT count(*) FROM fact_exception" "$rows"
expect_sql "SELECT count(DISTINCT rule) > 20 FROM listed" t
# every row: the same finding at the same place
expect_sql "SELECT count(*) FROM fact_exception e JOIN dim_rule r USING (rule_key)
            JOIN listed l ON l.seq = e.seq
            WHERE r.return_name = l.return_name AND r.year = coalesce(nullif(l.year, ''), 'all')
              AND r.code = l.rule AND r.severity = l.severity AND e.severity = l.severity
              AND e.person_id IS NOT DISTINCT FROM nullif(l.child_id, '')
              AND e.message = l.message" "$rows"
expect_sql "SELECT count(*) FROM fact_exception WHERE rule_key IS NULL" 0
echo "exception tests passed"
