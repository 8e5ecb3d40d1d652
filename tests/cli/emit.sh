#!/usr/bin/env bash
# cscdw emit cin / emit ssda903 on samples/<system> for every system: the
# return written (owner-only), checked against its XSD (the verdict agrees
# with xmllint's; a file that fails carries an XSD error row), the exception
# list beside it with the team and worker of each case, last year's 903
# return through --previous, and the usage and operational exit statuses.
source "$(dirname "$0")/lib.sh"
ROOT=${SRCROOT:-.}
cd "$ROOT" || fail "no source root"
HEADER='run_id,return,year,rule,severity,child_id,record,fields,values,message,source_system,source_id,source_file,source_line,team,worker'
command -v xmllint >/dev/null || { echo "xmllint not installed"; exit 77; }

# a rule set that flags every child, so allocation shows on every row
mkdir -p "$TMP/rules/cin/2025-26" "$TMP/rules/ssda903/2025-26" "$TMP/rules/ssda903/2024-25"
cat > "$TMP/rules/cin/2025-26/all.rules" <<'EOF'
rule T1 warning on Child "Every child, to see who holds the case"
  fields LAchildID
  require false
rule T2 query on CINdetails "Every episode"
  fields CINreferralDate
  require false
EOF
cat > "$TMP/rules/ssda903/2025-26/all.rules" <<'EOF'
rule E1 warning on Episodes "Every episode"
  fields DECOM
  require false
rule L1 error on Header "Sex differs from last year's"
  fields SEX
  when has_last and any(h in last.Header) require any(h in last.Header where h.SEX = SEX)
EOF
cp "$TMP/rules/ssda903/2025-26/all.rules" "$TMP/rules/ssda903/2024-25/"

checked=0
for dir in samples/*/; do
    sys=$(basename "$dir")
    [ -f "etl/sources/$sys.yaml" ] || continue
    out="$TMP/$sys"
    mkdir -p "$out"

    # --- CIN ---------------------------------------------------------------------
    expect_exit 0 "$CSCDW" emit cin --profile "etl/sources/$sys.yaml" --input "$dir" --la 999 \
        --year 2025-26 --out "$out/cin.xml" --rules "$TMP/rules" --xlsx "$out/cin.xlsx"
    expect_stdout "cscdw emit cin: LA 999, 2025-26"
    [ -s "$out/cin.xml" ] || fail "$sys: no CIN XML"
    [ "$(stat -c %a "$out/cin.xml")" = 600 ] || fail "$sys: CIN XML mode"
    exc="$out/cin-exceptions.csv"
    [ -s "$exc" ] || fail "$sys: no exception list beside the XML"
    [ "$(head -1 "$exc" | tr -d '\r')" = "$HEADER" ] || fail "$sys: header"
    [ -s "$out/cin.xlsx" ] || fail "$sys: no xlsx"
    if xmllint --noout --nonet --schema schema/xml/cin-2025-26.xsd "$out/cin.xml" 2>/dev/null; then
        grep -q ',XSD,' "$exc" && fail "$sys: XSD row for a valid file"
        checked=$((checked + 1))
    else
        grep -q ',cin,2025-26,XSD,error,.*does not pass the DfE schema' "$exc" \
            || fail "$sys: invalid XML without an XSD row"
        expect_stderr "does not pass"
    fi
    # every child flagged, and named with the team and worker holding the case
    t1=$(grep -c ',T1,warning,' "$exc")
    [ "$t1" -gt 0 ] || fail "$sys: T1 did not fire"
    t1team=$(grep ',T1,warning,' "$exc" | awk -F, '$15 != "" && $16 != ""' | wc -l)
    [ "$t1team" -gt $((t1 / 2)) ] || fail "$sys: only $t1team of $t1 rows name a team and worker"
    # episode rows carry their record path and the source record's id
    grep -q ",T2,query,[^,]*,CINdetails\[1\],CINreferralDate,20" "$exc" || fail "$sys: T2 row"
    grep ',T2,query,' "$exc" | awk -F, '$12 == ""' | grep -q . && fail "$sys: T2 without source id"
    # extract findings are in the same list
    grep -q ',extract,2025-26,X' "$exc" || fail "$sys: no extract findings"

    # --- SSDA903: two years, the second with the first as last year's -----------------
    for y in 2024-25 2025-26; do
        prev=()
        [ "$y" = 2025-26 ] && prev=(--previous "$out/903-2024-25")
        expect_exit 0 "$CSCDW" emit ssda903 --profile "etl/sources/$sys.yaml" --input "$dir" \
            --la 999 --la-ons E09000027 --year "$y" --out "$out/903-$y" --xml "$out/903-$y.xml" \
            --rules "$TMP/rules" "${prev[@]}"
        [ -s "$out/903-$y/header.csv" ] || fail "$sys $y: no header.csv"
        [ -s "$out/903-$y/episodes.csv" ] || fail "$sys $y: no episodes.csv"
        [ "$(stat -c %a "$out/903-$y/episodes.csv")" = 600 ] || fail "$sys $y: table mode"
        e903="$out/903-$y-exceptions.csv"
        [ -s "$e903" ] || fail "$sys $y: no exception list beside the tables"
        [ ! -e "$out/903-$y/exceptions.csv" ] || fail "$sys: list inside the tables folder"
        grep -q ",E1,warning,[^,]*,Episodes\[1\],DECOM," "$e903" || fail "$sys $y: E1 rows"
    done
    grep -q ',L1,info,.*Not run' "$out/903-2024-25-exceptions.csv" || fail "$sys: L1 not-run row"
    grep -q 'Not run' "$out/903-2025-26-exceptions.csv" && fail "$sys: not run despite --previous"
    if xmllint --noout --nonet --schema schema/xml/ssda903-2025-26.xsd "$out/903-2025-26.xml" \
        2>/dev/null; then
        grep -q ',XSD,' "$out/903-2025-26-exceptions.csv" && fail "$sys: 903 XSD row for a valid file"
    else
        grep -q ',ssda903,2025-26,XSD,error,' "$out/903-2025-26-exceptions.csv" \
            || fail "$sys: invalid 903 XML without an XSD row"
    fi
    # the tables read back by the validator
    expect_exit 0 "$CSCDW" validate --return ssda903 --year 2025-26 "$out/903-2025-26" \
        --previous "$out/903-2024-25" --rules "$TMP/rules" --exceptions "$out/back.csv"
done
[ "$checked" -gt 0 ] || fail "no system's sample gave an XSD-valid CIN file"

# --- exit statuses ---------------------------------------------------------------------
P=(--profile etl/sources/mosaic.yaml --input samples/mosaic --la 999 --year 2025-26)
expect_exit 2 "$CSCDW" emit "${P[@]}" --out "$TMP/x.xml"
expect_exit 2 "$CSCDW" emit annexb "${P[@]}" --out "$TMP/x.xml"
expect_exit 2 "$CSCDW" emit cin --profile etl/sources/mosaic.yaml --input samples/mosaic --la 999 \
    --year 2025-26
expect_exit 2 "$CSCDW" emit cin "${P[@]}" --out "$TMP/x.xml" --allocation newest
expect_exit 2 "$CSCDW" emit cin "${P[@]}" --out "$TMP/x.xml" --previous "$TMP"
expect_exit 2 "$CSCDW" emit cin --profile etl/sources/mosaic.yaml --input samples/mosaic --la 999 \
    --year 2025 --out "$TMP/x.xml" --oops
expect_exit 0 "$CSCDW" emit --help
expect_exit 1 "$CSCDW" emit cin --profile "$TMP/none.yaml" --input samples/mosaic --la 999 \
    --year 2025-26 --out "$TMP/x.xml" --rules "$TMP/rules"
expect_exit 1 "$CSCDW" emit cin "${P[@]}" --out "$TMP/no/such/dir/x.xml" --rules "$TMP/rules"
# at-event allocation and --strict (the samples hold error findings: the XSD row at least,
# or the extract's)
expect_exit 0 "$CSCDW" emit cin "${P[@]}" --out "$TMP/ae.xml" --rules "$TMP/rules" \
    --allocation at-event --exceptions "$TMP/ae.csv"
expect_stdout "allocation   at-event"
[ -s "$TMP/ae.csv" ] || fail "--exceptions path not used"
if grep -q ',error,' "$TMP/ae.csv"; then
    expect_exit 3 "$CSCDW" emit cin "${P[@]}" --out "$TMP/st.xml" --rules "$TMP/rules" --strict
fi
echo "emit: ok"
