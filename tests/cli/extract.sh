#!/usr/bin/env bash
# cscdw extract on the fixture profile and extracts in tests/data/extract/:
# the summary, the dump (files and permissions), the findings CSV, the
# listings and the exit statuses.
. "$(dirname "$0")/lib.sh"
D="${SRCROOT:-.}/tests/data/extract"
P="$D/sources/demo.yaml"

expect_exit 0 "$CSCDW" extract --profile "$P" --input "$D/input" --dump "$TMP/dump" \
    --findings "$TMP/findings.csv"
expect_stdout "^profile: demo (system demo) from .*demo.yaml"
expect_stdout "^files read: 3 "
grep -Eq '^  persons\.csv +utf-8 +4 records +[0-9.]+ MB  -> person$' "$TMP/out" || fail "persons.csv line"
grep -Eq '^  referrals_2024\.csv +utf-8 +3 records' "$TMP/out" || fail "referrals line"
grep -Eq '^  forms\.csv +utf-8 +2 records .*-> assessment$' "$TMP/out" || fail "forms line"
expect_stdout "^records per entity:"
grep -Eq '^  person +4$' "$TMP/out" || fail "person count"
grep -Eq '^  referral +3$' "$TMP/out" || fail "referral count"
grep -Eq '^  assessment +2$' "$TMP/out" || fail "assessment count"
grep -Eq '^  \(total\) +9$' "$TMP/out" || fail "total count"
expect_stdout "^findings per kind: 12$"
grep -Eq '^  X111 error +1  Local code has no DfE translation' "$TMP/out" || fail "X111 line"
grep -Eq '^  X118 error +1 ' "$TMP/out" || fail "X118 line"
grep -Eq '^  X119 warning +1 ' "$TMP/out" || fail "X119 line"
grep -Eq '^  X121 info +1 ' "$TMP/out" || fail "X121 line"
grep -Eq '^time: [0-9.]+ s, [0-9.]+ MB/s$' "$TMP/out" || fail "time line"
# no progress when stderr is not a terminal
[ ! -s "$TMP/err" ] || { cat "$TMP/err"; fail "stderr not empty"; }

# the dump: one CSV per entity with rows, private
[ "$(stat -c %a "$TMP/dump")" = 700 ] || fail "dump folder mode"
for e in person referral assessment; do
    f="$TMP/dump/$e.csv"
    [ -f "$f" ] || fail "no $e.csv"
    [ "$(stat -c %a "$f")" = 600 ] || fail "$e.csv mode"
done
[ ! -e "$TMP/dump/visit.csv" ] || fail "empty entity dumped"
[ "$(wc -l < "$TMP/dump/person.csv")" -eq 5 ] || fail "person.csv rows"
head -1 "$TMP/dump/person.csv" | grep -q '^id,legacy_id,upn,.*,_file,_line' || fail "person header"
grep -q '^1003,,"Z, 9",,,X,' "$TMP/dump/person.csv" || fail "quoted value in dump"
grep -q '^A1,1001,,2024-05-01,1,.*forms\.csv,2' "$TMP/dump/assessment.csv" || fail "pivot row"

# the findings CSV
[ "$(stat -c %a "$TMP/findings.csv")" = 600 ] || fail "findings mode"
head -1 "$TMP/findings.csv" | grep -q '^code,severity,file,line,column,entity,field,source_id,original,repaired,message' \
    || fail "findings header"
[ "$(wc -l < "$TMP/findings.csv")" -eq 13 ] || fail "findings rows"
grep -q '^X111,error,.*persons\.csv,6,12,person,sex,1003,X,X,' "$TMP/findings.csv" || fail "X111 row"

# quiet: nothing on stdout
expect_exit 0 "$CSCDW" extract --quiet --profile "$P" --input "$D/input"
[ ! -s "$TMP/out" ] || fail "--quiet printed"

# listings and help
expect_exit 0 "$CSCDW" extract --list-entities
expect_stdout "^person$"
grep -Eq '^  birth_date +date +Date of birth' "$TMP/out" || fail "list-entities field line"
grep -Eq '^  sex +code \(sex\) ' "$TMP/out" || fail "list-entities code field"
expect_exit 0 "$CSCDW" extract --list-findings
expect_stdout "^X101  warning"
expect_stdout "^X121  info"
expect_exit 0 "$CSCDW" extract --help
expect_stdout "--profile FILE"

# operational failures: exit 1 with a positioned message
expect_exit 1 "$CSCDW" extract --profile "$P" --input "$TMP/no-such-dir"
expect_stderr "^cscdw: .*no-such-dir: cannot read the input directory"
mkdir "$TMP/emptyin"
expect_exit 1 "$CSCDW" extract --profile "$P" --input "$TMP/emptyin"
expect_stderr "no file matching 'persons.csv' in .*emptyin for entity person"
printf 'entities:\n  person:\n    file: p.csv\n    fields: { id: X, birth_dat: DOB }\n' > "$TMP/bad.yaml"
expect_exit 1 "$CSCDW" extract --profile "$TMP/bad.yaml" --input "$D/input"
expect_stderr "^cscdw: .*bad.yaml:4:22: unknown field 'birth_dat' for entity 'person' (fields are: id,"
expect_exit 1 "$CSCDW" extract --profile "$TMP/none.yaml" --input "$D/input"

# usage errors: exit 2
expect_exit 2 "$CSCDW" extract --bogus
expect_stderr "unknown option '--bogus'"
expect_exit 2 "$CSCDW" extract --input "$D/input"
expect_stderr "--profile FILE is required"
expect_exit 2 "$CSCDW" extract --profile "$P"
expect_exit 2 "$CSCDW" extract --profile "$P" --input "$D/input" stray
expect_exit 2 "$CSCDW" extract --profile
echo "extract: ok"
