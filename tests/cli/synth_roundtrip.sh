#!/usr/bin/env bash
# Round trip per case system: `cscdw synth` writes 300 children as the
# system's extracts (with Excel-style damage), `cscdw extract` reads them back
# with the same profile, and the canonical dump must equal the dump of the
# generated model (the hidden --dump-model), record for record and field for
# field, ignoring only the _file/_line provenance columns.
. "$(dirname "$0")/lib.sh"
cd "${SRCROOT:-$(dirname "$0")/../..}" || exit 1
[ -x "$CSCDW" ] || fail "no binary at $CSCDW"

# A dump file without its header, provenance columns and line-end CRs, sorted.
canon() {
    tail -n +2 "$1" | sed -E 's/\r$//; s/,[^,]*,[^,]*$//' | LC_ALL=C sort
}

# usage errors exit 2, failures 1
expect_exit 2 "$CSCDW" synth --children 10 --seed 1 --out "$TMP/u"
expect_stderr "one of --system or --profile"
expect_exit 2 "$CSCDW" synth --system ssd --profile etl/sources/ssd.yaml --children 10 --seed 1 --out "$TMP/u"
expect_exit 2 "$CSCDW" synth --system ssd --children 0 --seed 1 --out "$TMP/u"
expect_exit 2 "$CSCDW" synth --system ssd --children 10 --seed x --out "$TMP/u"
expect_exit 2 "$CSCDW" synth --system ssd --children 10 --seed 1 --out "$TMP/u" --damage-rate 1.5
expect_exit 2 "$CSCDW" synth --system ssd --children 10 --seed 1 --out "$TMP/u" --reference-date 2026-02-30
expect_exit 2 "$CSCDW" synth --system ssd --children 10 --seed 1 --out "$TMP/u" --la 99
expect_exit 2 "$CSCDW" synth --system ../../etc/passwd --children 10 --seed 1 --out "$TMP/u"
expect_exit 2 "$CSCDW" synth --system nosuchsystem --children 10 --seed 1 --out "$TMP/u"
expect_stderr "no profile for system"
expect_exit 1 "$CSCDW" synth --profile "$TMP/missing.yaml" --children 10 --seed 1 --out "$TMP/u"
touch "$TMP/file"
expect_exit 1 "$CSCDW" synth --system ssd --children 10 --seed 1 --out "$TMP/file/sub"
expect_exit 0 "$CSCDW" synth --help
expect_stdout "Usage: cscdw synth"

# the output is private and repeatable
expect_exit 0 "$CSCDW" synth --system mosaic --children 20 --seed 3 --out "$TMP/r1"
expect_exit 0 "$CSCDW" synth --system mosaic --children 20 --seed 3 --out "$TMP/r2"
diff -r "$TMP/r1" "$TMP/r2" > /dev/null || fail "same seed, different files"
[ "$(stat -c %a "$TMP/r1")" = 700 ] || fail "output folder is not 0700"
[ "$(stat -c %a "$TMP/r1/DM_PERSONS.csv")" = 600 ] || fail "extract file is not 0600"

systems="ssd liquidlogic mosaic eclipse azeus"
for s in $systems; do
    w="$TMP/$s"
    mkdir -p "$w"
    expect_exit 0 "$CSCDW" synth --system "$s" --children 300 --seed 20260331 \
        --damage-rate 0.02 --out "$w/extract" --dump-model "$w/model"
    expect_stdout "records per entity"
    [ -s "$w/extract/manifest.tsv" ] || fail "$s: no manifest.tsv"
    # damage was added and recorded with the finding codes extract raises
    damage=$(awk -F'\t' 'NR > 1 && $7 ~ /^X1/' "$w/extract/manifest.tsv" | wc -l)
    [ "$damage" -gt 0 ] || fail "$s: no damage recorded in the manifest"
    if grep -q -P '\t(record-not-written|entity-not-in-profile)\t' "$w/extract/manifest.tsv"; then
        fail "$s: the profile cannot carry some generated records"
    fi
    expect_exit 0 "$CSCDW" extract --profile "etl/sources/$s.yaml" --input "$w/extract" \
        --dump "$w/back" --quiet
    n=0
    for f in "$w/model"/*.csv; do
        e=$(basename "$f" .csv)
        b="$w/back/$e.csv"
        [ -f "$b" ] || fail "$s: extract wrote no $e.csv"
        head -1 "$f" | cmp -s - <(head -1 "$b") || fail "$s: $e columns differ"
        want=$(($(wc -l < "$f") - 1))
        got=$(($(wc -l < "$b") - 1))
        [ "$want" -eq "$got" ] || fail "$s: $e: generated $want records, extracted $got"
        if ! diff <(canon "$f") <(canon "$b") > "$w/$e.diff"; then
            head -20 "$w/$e.diff" >&2
            fail "$s: $e differs after the round trip"
        fi
        n=$((n + want))
    done
    [ "$n" -gt 1000 ] || fail "$s: only $n records generated"
    echo "ok $s: $n records in $(ls "$w/extract" | wc -l) files, $damage damaged cells, identical after extract"
done
exit 0
