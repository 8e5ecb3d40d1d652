#!/usr/bin/env bash
# Last year's 903 return from the warehouse, and fact_cla_episode: a
# 2025-26 run with nothing stored lists the rules needing last year's return
# as not run; a 2024-25 run of the same LA stores its 903 tables
# (meta_run_return, the files as written); the next 2025-26 run (and `cscdw
# load`, and `cscdw validate --previous-from-warehouse`) reads them from the
# warehouse, says which run they came from and runs those rules;
# fact_cla_episode holds the run's episodes; a reload changes nothing but
# the run history; an unreachable or older warehouse only means "not run";
# a repeated DECOM is one row.
. "$(dirname "$0")/lib.sh"

# job903 YEAR: the samples' LA 999 for that year, 903 only
job903() {
    local y=$1 end=20${1#*-}
    cat > "$TMP/job-$y.yaml" <<YAML
job: prev$y
la:
  code: "999"
  name: Test LA 999
collection_year: $y
reference_date: $end-03-31
source:
  profile: etl/sources/mosaic.yaml
  input: samples/mosaic
returns: [ssda903]
output: $TMP/out-$y
warehouse:
  local: $W
YAML
}
job903 2024-25
job903 2025-26
not_run() { sed -n 's/^  ssda903 .*, \([0-9]*\) not run,.*/\1/p' "$TMP/out"; }

# nothing stored yet: the rules that compare with last year are not run
expect_exit 0 "$CSCDW" run --job "$TMP/job-2025-26.yaml"
expect_stdout "loaded as run 1"
expect_stdout "no previous return given (job 'previous:') and none for 2024-25 in the warehouse"
alone=$(not_run)
[ "${alone:-0}" -gt 0 ] || fail "expected rules not run without last year's return"

# last year's run stores its tables as written
expect_exit 0 "$CSCDW" run --job "$TMP/job-2024-25.yaml"
expect_stdout "loaded as run 2"
out24="$TMP/out-2024-25/ssda903-2024-25"
expect_sql "SELECT count(*) FROM meta_run_return WHERE run_id = 2 AND return_name = 'ssda903'
            AND collection_year = '2024-25'" "$(ls "$out24" | wc -l)"
expect_sql "SELECT sha256, bytes, row_count FROM meta_run_return WHERE run_id = 2
            AND file_name = 'episodes.csv'" \
    "$(sha256sum < "$out24/episodes.csv" | cut -d' ' -f1)|$(wc -c < "$out24/episodes.csv")|$(( $(wc -l < "$out24/episodes.csv") - 1 ))"
expect_sql "SELECT count(*) FROM meta_run_return WHERE length(content) < 18 OR source_system <> 'mosaic'" 0

# this year's run takes it from the warehouse and runs those rules
expect_exit 0 "$CSCDW" run --job "$TMP/job-2025-26.yaml"
expect_stdout "loaded as run 3"
expect_stdout "last year's return: 2024-25 from the warehouse: run 2 ("
with=$(not_run)
[ "$with" -lt "$alone" ] || fail "rules not run: $with with last year's return, $alone without"
grep -q 'Not run: needs last year' "$TMP/out-2025-26/exceptions.csv" &&
    fail "exception list still says not run"

# fact_cla_episode: the run's episodes, keyed to the current child versions
out25="$TMP/out-2025-26/ssda903-2025-26"
expect_sql "SELECT count(*) FROM fact_cla_episode" "$(( $(wc -l < "$out25/episodes.csv") - 1 ))"
expect_sql "SELECT count(*) FROM fact_cla_episode e LEFT JOIN dim_child c USING (child_key)
            WHERE c.child_key IS NULL OR NOT c.is_current OR c.person_id <> e.person_id" 0
first=$(sed -n 2p "$out25/episodes.csv" | cut -d, -f1-4 | tr -d '\r')
expect_sql "SELECT person_id || ',' || to_char(decom, 'DD/MM/YYYY') || ',' || rne || ',' || legal_status
            FROM fact_cla_episode WHERE person_id = '${first%%,*}'
            ORDER BY decom LIMIT 1" "$first"

# identical reload: only the run history grows
checksums > "$TMP/before"
expect_exit 0 "$CSCDW" run --job "$TMP/job-2025-26.yaml"
expect_stdout "loaded as run 4"
expect_stdout "2024-25 from the warehouse: run 2 ("
checksums > "$TMP/after"
changed=$(changed_tables "$TMP/before" "$TMP/after")
[ "$changed" = "fact_exception meta_run meta_run_return meta_run_source " ] ||
    fail "an identical reload changed: $changed"
expect_sql "SELECT count(DISTINCT run_id) FROM meta_run_return" 4

# the latest stored 2024-25 return is the one used; cscdw load does the same
expect_exit 0 "$CSCDW" run --job "$TMP/job-2024-25.yaml"
expect_stdout "loaded as run 5"
expect_exit 0 "$CSCDW" load --profile etl/sources/mosaic.yaml --input samples/mosaic --la 999 \
    --year 2025-26 --warehouse-dir "$W"
expect_stdout "loaded as run 6"
expect_stdout "last year's return: 2024-25 from the warehouse: run 5 ("
expect_sql "SELECT count(*) FROM fact_cla_episode" "$(( $(wc -l < "$out25/episodes.csv") - 1 ))"
# another LA has none
expect_exit 0 "$CSCDW" load --profile etl/sources/mosaic.yaml --input samples/mosaic --la 998 \
    --year 2025-26 --warehouse-dir "$W"
expect_stdout "none for 2024-25 in the warehouse"
expect_sql "SELECT count(DISTINCT la_key) FROM fact_cla_episode" 2

# validate: the same lookup on request
v() { expect_exit 0 "$CSCDW" validate --return ssda903 --year 2025-26 "$out25" \
          --exceptions "$TMP/v.csv" --previous-from-warehouse "$@"; }
v --la 999 --warehouse-dir "$W"
expect_stdout "2024-25 from the warehouse: run 5 ("
expect_stdout "rules        [0-9]* in the set, $with not run"
v --la 997 --warehouse-dir "$W"
expect_stdout "no last year's return: none in the warehouse"
expect_stdout "rules        [0-9]* in the set, $alone not run"
# unreachable: a message, the rules not run, no password shown
v --la 999 --warehouse "postgresql://loader:Sup3rSecret@127.0.0.1:1/cscdw?connect_timeout=3"
expect_stderr "last year's return could not be looked up in the warehouse: cannot reach the warehouse"
expect_stdout "rules        [0-9]* in the set, $alone not run"
grep -q Sup3rSecret "$TMP/out" "$TMP/err" && fail "password shown: $(cat "$TMP/err")"
# a damaged stored table (not the bytes the writer produced): said, not used, rules not run
sql "UPDATE meta_run_return SET content = 'not a table' WHERE run_id = 5 AND file_name = 'episodes.csv'" \
    > /dev/null || fail "could not damage the stored return"
v --la 999 --warehouse-dir "$W"
expect_stderr "return stored by warehouse run 5 is damaged"
expect_stdout "rules        [0-9]* in the set, $alone not run"
# no local warehouse there: none, and none made
v --la 999 --warehouse-dir "$TMP/nowhere"
expect_stdout "none in the warehouse"
[ -e "$TMP/nowhere" ] && fail "a warehouse folder was made by a lookup"
# a warehouse from before migration 6 has none stored
W3="$TMP/wh5"
db_clusters+=("$W3")
expect_exit 0 "$CSCDW" warehouse migrate --to 5 --warehouse-dir "$W3"
v --la 999 --warehouse-dir "$W3"
expect_stdout "none in the warehouse"
expect_exit 2 "$CSCDW" validate --return ssda903 --year 2025-26 "$out25" --previous-from-warehouse
expect_stderr "needs --la"

# two episodes of a child with the same DECOM (the case system holds its own
# episodes): the load goes through, one row for the pair
cp -r samples/ssd "$TMP/ssd"
grep '^EP6,' samples/ssd/ssd_cla_episodes.csv | sed 's/^EP6,/EP6DUP,/' >> "$TMP/ssd/ssd_cla_episodes.csv"
expect_exit 0 "$CSCDW" load --profile etl/sources/ssd.yaml --input "$TMP/ssd" --la 950 \
    --year 2025-26 --warehouse-dir "$W" --output "$TMP/out-950"
eps="$TMP/out-950/ssda903-2025-26/episodes.csv"
[ "$(tail -n +2 "$eps" | cut -d, -f1,2 | sort | uniq -d)" = "1000011,13/09/2025" ] ||
    fail "sample edit: no repeated DECOM"
expect_sql "SELECT count(*) FROM fact_cla_episode JOIN dim_la USING (la_key) WHERE la_code = '950'" \
    "$(( $(wc -l < "$eps") - 2 ))"
echo "previous-return tests passed"
