#!/usr/bin/env bash
# cscdw run with a job's `previous:` return reads only the tables of last
# year's 903 return that some rule of the year reads: a broken table no rule
# looks at (reviews.csv) does not stop the run, the same break in one they
# read (episodes.csv) does; with no rule set for the year nothing of last
# year's is read at all.
source "$(dirname "$0")/lib.sh"
ROOT=${SRCROOT:-.}
cd "$ROOT" || exit 1

# job YEAR OUT [PREVIOUS]: the samples' LA 999, SSDA903 only, no warehouse
job() {
    local end=20${1#*-}
    cat > "$TMP/job-$1.yaml" <<YAML
job: prev-tables-$1
la:
  code: "999"
  name: Test LA 999
collection_year: $1
reference_date: $end-03-31
source:
  profile: etl/sources/mosaic.yaml
  input: samples/mosaic
${3:+previous: $3}
returns: [ssda903]
output: $2
warehouse:
  none: true
YAML
}
# break FILE: a quote left open to the end of the file, which no reader gets past
break_table() { printf '1000001,"never closed\n' >> "$1"; }

job 2024-25 "$TMP/out-2024-25"
expect_exit 0 "$CSCDW" run --job "$TMP/job-2024-25.yaml" --no-load
last="$TMP/out-2024-25/ssda903-2024-25"
[ -f "$last/reviews.csv" ] && [ -f "$last/episodes.csv" ] || fail "no 2024-25 tables written"

# intact: last year's rules run
job 2025-26 "$TMP/out-a" "$last"
expect_exit 0 "$CSCDW" run --job "$TMP/job-2025-26.yaml" --no-load
expect_stdout "ssda903 .* 0 not run"
cut -d, -f2- "$TMP/out-a/exceptions.csv" > "$TMP/a"

# reviews.csv broken: not read, the same findings
break_table "$last/reviews.csv"
job 2025-26 "$TMP/out-b" "$last"
expect_exit 0 "$CSCDW" run --job "$TMP/job-2025-26.yaml" --no-load
expect_stdout "ssda903 .* 0 not run"
cut -d, -f2- "$TMP/out-b/exceptions.csv" | sed "s#$TMP/out-b/#$TMP/out-a/#g" > "$TMP/b"
cmp -s "$TMP/a" "$TMP/b" || { diff "$TMP/a" "$TMP/b" | head >&2; fail "findings differ"; }

# episodes.csv broken: read, and the run stops saying where
break_table "$last/episodes.csv"
job 2025-26 "$TMP/out-c" "$last"
expect_exit 1 "$CSCDW" run --job "$TMP/job-2025-26.yaml" --no-load
expect_stderr "episodes.csv:.*quote"

# a year with no rule set: last year's return is not read at all
job 2024-25 "$TMP/out-d" "$last"
expect_exit 0 "$CSCDW" run --job "$TMP/job-2024-25.yaml" --no-load
expect_stdout "not validated"
echo ok
