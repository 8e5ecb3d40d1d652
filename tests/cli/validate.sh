#!/usr/bin/env bash
# cscdw validate: exit statuses 0/1/2/3, the exact CSV header, rows (record
# paths, aligned fields/values, return-level rows with no child, rules not
# run), .gz and UTF-16 input, --xlsx, and the 903 validator with and without
# last year's return. Small fixtures and a tiny rule set in tests/data/validate.
source "$(dirname "$0")/lib.sh"
D=${SRCROOT:-.}/tests/data/validate
RULES=$D/rules
CIN=$D/cin-small.xml
HEADER='run_id,return,year,rule,severity,child_id,record,fields,values,message,source_system,source_id,source_file,source_line,team,worker'

# --- CIN: a run that completes exits 0 whatever it found ------------------------
expect_exit 0 "$CSCDW" validate --return cin --year 2025-26 "$CIN" --rules "$RULES" \
    --exceptions "$TMP/cin.csv" --xlsx "$TMP/cin.xlsx"
expect_stdout "children     3"
expect_stdout "findings     4 error, 2 query, 0 warning, 1 info"
expect_stdout "time         compile"
expect_stdout "read"
expect_stdout "rules"
[ "$(head -1 "$TMP/cin.csv" | tr -d '\r')" = "$HEADER" ] || fail "CSV header: $(head -1 "$TMP/cin.csv")"
[ "$(stat -c %a "$TMP/cin.csv")" = 600 ] || fail "CSV mode"
rows() { grep -c "" "$1"; }
[ "$(rows "$TMP/cin.csv")" -eq 8 ] || { cat "$TMP/cin.csv"; fail "wanted 7 rows + header"; }
# a return-level row: empty child_id and record
grep -q '^[^,]*,cin,2025-26,2886Q,query,,,,,More than 2% of children' "$TMP/cin.csv" \
    || fail "return-level row"
# where in the child's return, fields and values aligned
grep -q ',1105,error,A001,CINdetails\[2\]/ChildProtectionPlans\[1\],CPPstartDate;CINdetails.CINreferralDate,2025-08-15;2025-09-01,' \
    "$TMP/cin.csv" || fail "1105 row"
grep -q ',8866,error,B002,CINdetails\[2\],CINreferralDate,,' "$TMP/cin.csv" || fail "8866 row"
# a value with a comma and quotes is quoted as CSV requires; its ';' kept the lists aligned
grep -q ',8606,error,A001,CINdetails\[2\],ReferralSource,"ZZ, ""odd"", value",' "$TMP/cin.csv" \
    || fail "quoted value"
# the reader's finding, with its child; source_system from the file's SoftwareCode
grep -q ',X123,error,B002,CINdetails,Unexpected,,.*,FixtureSoft,' "$TMP/cin.csv" || fail "X123 row"
# a rule that needs last year's return says so
grep -q ',LY01,info,,,,,Not run: needs last year.s return' "$TMP/cin.csv" || fail "not-run row"
expect_stdout "not run      1 rule: LY01"
# the workbook
[ -s "$TMP/cin.xlsx" ] || fail "no xlsx"
[ "$(stat -c %a "$TMP/cin.xlsx")" = 600 ] || fail "xlsx mode"
if command -v unzip >/dev/null; then
    unzip -p "$TMP/cin.xlsx" xl/workbook.xml | grep -q 'name="Summary"' || fail "xlsx summary"
    unzip -p "$TMP/cin.xlsx" xl/worksheets/sheet2.xml | grep -q 'state="frozen"' || fail "frozen"
    unzip -p "$TMP/cin.xlsx" xl/worksheets/sheet2.xml | grep -q '<autoFilter ref="A1:' || fail "filter"
fi

# --- --strict: 3 with error findings, 0 without ----------------------------------
expect_exit 3 "$CSCDW" validate --return cin --year 2025-26 "$CIN" --rules "$RULES" --strict \
    --exceptions "$TMP/strict.csv"
[ -s "$TMP/strict.csv" ] || fail "--strict must still write the list"
mkdir -p "$TMP/qrules/cin/2025-26"
cat > "$TMP/qrules/cin/2025-26/q.rules" <<'EOF'
rule Q1 query on Child "Sex not known"
  fields Sex
  require Sex != "U"
EOF
grep -v '<Unexpected>' "$CIN" > "$TMP/clean.xml"   # no reader finding (X123 is an error)
expect_exit 0 "$CSCDW" validate --return cin --year 2025-26 "$TMP/clean.xml" --rules "$TMP/qrules" \
    --strict --exceptions "$TMP/q.csv"
grep -q ',Q1,query,C003,,Sex,U,' "$TMP/q.csv" || fail "Q1 row"
# --rules may also name the year folder itself
expect_exit 0 "$CSCDW" validate --return cin --year 2025-26 "$CIN" --rules "$TMP/qrules/cin/2025-26" \
    --quiet
[ ! -s "$TMP/out" ] || fail "--quiet printed: $(cat "$TMP/out")"

# --- last year's CIN return: read when a rule reads it, else left alone ------------------
expect_exit 0 "$CSCDW" validate --return cin --year 2025-26 --previous "$CIN" "$CIN" --rules "$RULES" \
    --exceptions "$TMP/last.csv"
grep -q 'LY01' "$TMP/last.csv" && fail "LY01 should run and pass against the same file"
expect_stdout "last year's return: 3 children"
expect_exit 0 "$CSCDW" validate --return cin --year 2025-26 --previous "$TMP/not-there.xml" \
    "$TMP/clean.xml" --rules "$TMP/qrules"
expect_stdout "no rule reads last year's return"

# --- .gz and UTF-16 input give the same rows -----------------------------------------
gzip -c "$CIN" > "$TMP/cin.xml.gz"
expect_exit 0 "$CSCDW" validate --return cin --year 2025-26 "$TMP/cin.xml.gz" --rules "$RULES" \
    --exceptions "$TMP/gz.csv"
[ "$(rows "$TMP/gz.csv")" -eq 8 ] || fail ".gz rows"
sed 's/encoding="UTF-8"/encoding="UTF-16"/' "$CIN" | iconv -f UTF-8 -t UTF-16 > "$TMP/cin16.xml"
head -c 2 "$TMP/cin16.xml" | od -An -tx1 | grep -q 'ff fe\|fe ff' || fail "fixture not UTF-16"
expect_exit 0 "$CSCDW" validate --return cin --year 2025-26 "$TMP/cin16.xml" --rules "$RULES" \
    --exceptions "$TMP/u16.csv"
strip() { cut -d, -f2- "$1" | sed 's#,[^,]*/cin[^,]*\.xml[^,]*,#,FILE,#'; }
diff <(strip "$TMP/cin.csv" | sort) <(strip "$TMP/u16.csv" | sort) >/dev/null \
    || { diff <(strip "$TMP/cin.csv" | sort) <(strip "$TMP/u16.csv" | sort); fail "UTF-16 rows differ"; }

# --- operational failures: 1 with a clear message ------------------------------------
expect_exit 1 "$CSCDW" validate --return cin --year 2025-26 "$TMP/none.xml" --rules "$RULES"
expect_stderr "none.xml"
head -c 600 "$CIN" > "$TMP/truncated.xml"
expect_exit 1 "$CSCDW" validate --return cin --year 2025-26 "$TMP/truncated.xml" --rules "$RULES" \
    --exceptions "$TMP/t.csv"
expect_stderr "truncated.xml:"
[ ! -e "$TMP/t.csv" ] || fail "no list after a failed read"
expect_exit 1 "$CSCDW" validate --return cin --year 2019-20 "$CIN" --rules "$RULES"
expect_stderr "no cin rule set for 2019-20"
mkdir -p "$TMP/bad/cin/2025-26"
printf 'rule B1 error on Child "x"\n  require NoSuchField = 1\n' > "$TMP/bad/cin/2025-26/b.rules"
expect_exit 1 "$CSCDW" validate --return cin --year 2025-26 "$CIN" --rules "$TMP/bad"
expect_stderr "b.rules:2:"
expect_exit 1 "$CSCDW" validate --return cin --year 2025-26 "$CIN" --rules "$RULES" \
    --exceptions "$TMP/no/such/dir/x.csv"
expect_stderr "cannot write"

# --- usage errors: 2 -------------------------------------------------------------------
expect_exit 2 "$CSCDW" validate --year 2025-26 "$CIN"
expect_exit 2 "$CSCDW" validate --return cin "$CIN"
expect_exit 2 "$CSCDW" validate --return annexb --year 2025-26 "$CIN"
expect_exit 2 "$CSCDW" validate --return cin --year 2025 "$CIN" --bogus
expect_exit 2 "$CSCDW" validate --return cin --year 25-26 "$CIN"
expect_exit 2 "$CSCDW" validate --return cin --year 2025-26
expect_exit 2 "$CSCDW" validate --return cin --year 2025-26 "$CIN" "$CIN"
expect_exit 2 "$CSCDW" validate --return cin --year 2025-26 "$CIN" --reference-date 31/03/2026
expect_exit 0 "$CSCDW" validate --help
expect_stdout "--previous"

# --- SSDA903: a folder of tables, with and without last year's -------------------------
expect_exit 0 "$CSCDW" validate --return ssda903 --year 2025-26 "$D/903-current" --rules "$RULES" \
    --exceptions "$TMP/903a.csv"
grep -q ',202,info,,,,,Not run: needs last year.s return' "$TMP/903a.csv" || fail "202 not run"
grep -q ',502,info,,,,,Not run' "$TMP/903a.csv" || fail "502 not run"
expect_stdout "not run      2 rules: 202 502"
grep -q ',103,error,S2,Header\[1\],ETHNIC,XXXX,' "$TMP/903a.csv" || fail "103 row"
grep -q ',142,error,S1,Episodes\[1\],DECOM;DEC;REC,2024-12-13;;,' "$TMP/903a.csv" || fail "142 row"
grep -q ',X125,error,,Reviews,' "$TMP/903a.csv" || fail "missing table row"
expect_exit 0 "$CSCDW" validate --return ssda903 --year 2025-26 --previous "$D/903-previous" \
    "$D/903-current" --rules "$RULES" --exceptions "$TMP/903b.csv"
grep -q ',202,error,S1,Header\[1\],SEX,F,' "$TMP/903b.csv" || fail "202 with last year"
grep -q ',502,error,S3,Episodes\[1\],DECOM,2025-04-01,' "$TMP/903b.csv" || fail "502 with last year"
grep -q 'Not run' "$TMP/903b.csv" && fail "rules not run despite --previous"
expect_stdout "last year's return: 2 children"
# CSV files named one by one; a missing previous folder is an operational error
expect_exit 0 "$CSCDW" validate --return ssda903 --year 2025-26 "$D/903-current/header.csv" \
    "$D/903-current/episodes.csv" --rules "$RULES" --exceptions "$TMP/903c.csv"
grep -q ',103,error,S2,' "$TMP/903c.csv" || fail "103 from named files"
expect_exit 1 "$CSCDW" validate --return ssda903 --year 2025-26 --previous "$TMP/nope" \
    "$D/903-current" --rules "$RULES"
expect_exit 3 "$CSCDW" validate --return ssda903 --year 2025-26 "$D/903-current" --rules "$RULES" \
    --strict
# no postcode table anywhere (a program copied away from its rules/, another folder, no
# CSCDW_HOME): the placement fields cannot be derived, so it stops and says where it looked
mkdir -p "$TMP/alone/bin"
cp "$CSCDW" "$TMP/alone/bin/cscdw"
ABS_RULES=$(cd "$RULES" && pwd)
ABS_903=$(cd "$D/903-current" && pwd)
(cd "$TMP/alone" && env -u CSCDW_HOME "$TMP/alone/bin/cscdw" validate --return ssda903 \
    --year 2025-26 "$ABS_903" --rules "$ABS_RULES" >"$TMP/out" 2>"$TMP/err"; echo $? >"$TMP/rc")
[ "$(cat "$TMP/rc")" = 1 ] || { cat "$TMP/err" >&2; fail "no postcode table: exit $(cat "$TMP/rc")"; }
expect_stderr "postcodes.tsv"
expect_stderr "CSCDW_HOME"
# the rule folder given with --rules is searched first for it
mkdir -p "$TMP/alone/rules/ssda903/reference"
cp -r "$ABS_RULES/." "$TMP/alone/rules/"
cp "${SRCROOT:-.}/rules/ssda903/reference/postcodes.tsv" "$TMP/alone/rules/ssda903/reference/"
(cd "$TMP/alone" && env -u CSCDW_HOME "$TMP/alone/bin/cscdw" validate --return ssda903 \
    --year 2025-26 "$ABS_903" --rules "$TMP/alone/rules" >"$TMP/out" 2>"$TMP/err"; echo $? >"$TMP/rc")
[ "$(cat "$TMP/rc")" = 0 ] || { cat "$TMP/err" >&2; fail "postcode table under --rules: exit $(cat "$TMP/rc")"; }
echo "validate: ok"
