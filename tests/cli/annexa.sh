#!/usr/bin/env bash
# cscdw emit annexa on every sample system with both templates: eleven CSVs
# and a workbook with Ofsted's headings, owner-only files, the exception list,
# the same findings when the workbook and the CSV folder are read back with
# cscdw validate --return annexa; the pseudonymised variant (refused without
# a key, no child ids or worker names in it); inspection dates in the future
# or before the data refused with plain words; an empty extract written as
# headings only.
. "$(dirname "$0")/lib.sh"
cd "${SRCROOT:-.}"

if ! "$CSCDW" emit annexa --help > /dev/null 2>&1; then
    echo "cscdw emit does not hand 'annexa' to cs_cmd_emit_annexa yet"
    exit 77
fi

for sys in ssd liquidlogic mosaic eclipse azeus; do
    for tpl in current 2020; do
        out="$TMP/$sys-$tpl"
        expect_exit 0 "$CSCDW" emit annexa --profile "etl/sources/$sys.yaml" --input "samples/$sys" \
            --inspection-date 2026-03-02 --template "$tpl" --out "$out"
        expect_stdout "List 11"
        [ -f "$out/Annex A.xlsx" ] || fail "$sys $tpl: no workbook"
        for n in 1 2 3 4 5 6 7 8 9 10 11; do
            f="$out/Annex A - List $n.csv"
            [ -f "$f" ] || fail "$sys $tpl: no $f"
            [ "$(stat -c %a "$f")" = 600 ] || fail "$f is not owner-only"
        done
        [ "$(stat -c %a "$out/Annex A.xlsx")" = 600 ] || fail "workbook is not owner-only"
        head -c 3 "$out/Annex A - List 1.csv" | od -An -tx1 | grep -q "ef bb bf" || fail "no BOM"
        grep -q "‘Missing’" "$out/Annex A - List 8.csv" || fail "List 8 heading lacks the curly quotes"
        if [ "$tpl" = 2020 ]; then
            grep -q "Allocated Personal Advisor" "$out/Annex A - List 9.csv" && fail "2020 has no PA column"
        else
            grep -q "Allocated Personal Advisor" "$out/Annex A - List 9.csv" || fail "current has a PA column"
        fi
        grep -q "^run_id,return" "$out/exceptions-annexa.csv" || fail "no exception list"
        built=$(grep -c ",annexa,$tpl,AA" "$out/exceptions-annexa.csv" || true)
        # read back: the same rule findings from the workbook and from the CSVs
        for src in "$out/Annex A.xlsx" "$out"; do
            expect_exit 0 "$CSCDW" validate --return annexa "$src" --template "$tpl" \
                --inspection-date 2026-03-02 --la 999 --exceptions "$TMP/back.csv"
            grep -q "AAS0" "$TMP/out" && { cat "$TMP/out"; fail "$sys $tpl: shape findings on our own output"; }
            back=$(grep -c ",annexa,$tpl,AA" "$TMP/back.csv" || true)
            [ "$back" = "$built" ] || fail "$sys $tpl $src: $back findings read back, $built built"
        done
    done
done

# the pseudonymised variant
unset CSCDW_PSEUDO_KEY
expect_exit 2 "$CSCDW" emit annexa --profile etl/sources/mosaic.yaml --input samples/mosaic \
    --inspection-date 2026-03-02 --out "$TMP/p" --pseudonymise
expect_stderr "CSCDW_PSEUDO_KEY"
[ -e "$TMP/p/Annex A (pseudonymised).xlsx" ] && fail "written without a key"
export ANNEXA_TEST_KEY="test-key-for-the-annexa-cli-test"
expect_exit 0 "$CSCDW" emit annexa --profile etl/sources/mosaic.yaml --input samples/mosaic \
    --inspection-date 2026-03-02 --out "$TMP/p" --pseudonymise --key-env ANNEXA_TEST_KEY
[ -f "$TMP/p/Annex A (pseudonymised).xlsx" ] || fail "no pseudonymised workbook"
[ -e "$TMP/p/Annex A.xlsx" ] && fail "the full workbook was written beside the pseudonymised one"
ids=$(tail -n +2 "$TMP/mosaic-current/Annex A - List 3.csv" | cut -d, -f1 | sort -u | head -20)
workers=$(tail -n +2 "$TMP/mosaic-current/Annex A - List 3.csv" | awk -F, '{print $NF}' | tr -d '\r' | sort -u | head -5)
for f in "$TMP/p/"*List*.csv; do
    grep -q "$ANNEXA_TEST_KEY" "$f" && fail "the key is in $f"
    for id in $ids; do grep -q "^$id," "$f" && fail "child $id is in $f"; done
    while IFS= read -r w; do [ -n "$w" ] && grep -qF "$w" "$f" && fail "worker $w is in $f"; done <<< "$workers"
done
# stable: the same key gives the same pseudonyms
expect_exit 0 "$CSCDW" emit annexa --profile etl/sources/mosaic.yaml --input samples/mosaic \
    --inspection-date 2026-03-02 --out "$TMP/p2" --pseudonymise --key-env ANNEXA_TEST_KEY --no-xlsx
cmp -s "$TMP/p/Annex A (pseudonymised) - List 3.csv" "$TMP/p2/Annex A (pseudonymised) - List 3.csv" ||
    fail "pseudonyms differ between runs with the same key"

# bad inspection dates
expect_exit 2 "$CSCDW" emit annexa --profile etl/sources/ssd.yaml --input samples/ssd \
    --inspection-date 2999-01-01 --out "$TMP/f"
expect_stderr "in the future"
expect_exit 2 "$CSCDW" emit annexa --profile etl/sources/ssd.yaml --input samples/ssd \
    --inspection-date 1990-01-01 --out "$TMP/f"
expect_stderr "before the data begins"
expect_exit 2 "$CSCDW" emit annexa --profile etl/sources/ssd.yaml --input samples/ssd \
    --inspection-date 2026-02-30 --out "$TMP/f"
expect_exit 2 "$CSCDW" emit annexa --profile etl/sources/ssd.yaml --input samples/ssd \
    --inspection-date 2026-03-02 --out "$TMP/f" --template 2019
expect_stderr "current"

# an extract with no records: every list written with its headings
mkdir -p "$TMP/empty"
for f in samples/ssd/*.csv; do head -1 "$f" > "$TMP/empty/$(basename "$f")"; done
expect_exit 0 "$CSCDW" emit annexa --profile etl/sources/ssd.yaml --input "$TMP/empty" \
    --inspection-date 2026-03-02 --out "$TMP/e"
for n in 1 2 3 4 5 6 7 8 9 10 11; do
    [ "$(wc -l < "$TMP/e/Annex A - List $n.csv")" = 1 ] || fail "empty List $n is not headings only"
done
grep -q "AAB01" "$TMP/e/exceptions-annexa.csv" || fail "no finding about the empty extract"

# a hand-made folder with a misspelt heading and a missing file
mkdir -p "$TMP/hand"
cp "$TMP/ssd-current/"*List*.csv "$TMP/hand/"
rm "$TMP/hand/Annex A - List 7.csv"
sed -i '1s/Date of Referral/Date of Refferal/' "$TMP/hand/Annex A - List 3.csv"
expect_exit 0 "$CSCDW" validate --return annexa "$TMP/hand" --inspection-date 2026-03-02
expect_stdout 'no file for List 7'
expect_stdout '"Date of Refferal" looks like a misspelling of "Date of Referral"'
expect_exit 1 "$CSCDW" validate --return annexa "$TMP/hand/Annex A - List 1.csv"
echo ok
