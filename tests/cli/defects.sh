#!/usr/bin/env bash
# End to end: every defect the synthetic LA injects is caught. For each case
# system, synth ~2000 children with defect rate 0.5, emit the CIN census and
# the SSDA903 for 2025-26, and check against the manifest that
#   - each defect with rule codes has an exception row for EVERY code it
#     names, at its person_id as child_id;
#   - each X1xx row (Excel damage to the extract) has an extract finding with
#     that code for its source record id, or, for a row with no record id
#     (a blank row), at its file and line.
# Misses are printed one per line with the manifest row. Plain awk: CI
# machines may have no python.
source "$(dirname "$0")/lib.sh"
ROOT=${SRCROOT:-.}
cd "$ROOT" || fail "no source root"
CHILDREN=${DEFECTS_CHILDREN:-2000}

cat > "$TMP/check.awk" <<'AWK'
# awk -F'\t' -f check.awk manifest.tsv exceptions.csv...
function csvsplit(line, f,    n, i, c, q, cur) {
    n = 0; cur = ""; q = 0
    for (i = 1; i <= length(line); i++) {
        c = substr(line, i, 1)
        if (q) {
            if (c == "\"") { if (substr(line, i + 1, 1) == "\"") { cur = cur "\""; i++ } else q = 0 }
            else cur = cur c
        } else if (c == "\"") q = 1
        else if (c == ",") { f[++n] = cur; cur = "" }
        else cur = cur c
    }
    f[++n] = cur
    return n
}
function base(p) { sub(/.*\//, "", p); return p }
# the source id as the extract read it: "1000026  " and "1000026.0" are 1000026
function normid(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); sub(/\.0+$/, "", s); return s }
FNR == 1 { file++; next }
file == 1 { nm++; M[nm] = $0; next }
{
    sub(/\r$/, "")
    csvsplit($0, f)            # 4 rule, 6 child_id, 12 source_id, 13 source_file, 14 source_line
    if (f[6] != "") HIT[f[4] SUBSEP f[6]] = 1
    if (f[4] ~ /^X/) {
        if (f[12] != "") XID[f[4] SUBSEP normid(f[12])] = 1
        if (f[14] != "") XLN[f[4] SUBSEP base(f[13]) SUBSEP f[14]] = 1
    }
}
END {
    for (i = 1; i <= nm; i++) {
        split(M[i], m, "\t")   # 2 kind, 4 record_id, 5 person_id, 7 rules, 8 detail
        if (m[7] == "") continue
        nc = split(m[7], codes, ";")
        miss = ""
        if (m[7] ~ /^X/) {
            xt++
            # detail: "<file> line <n>: ..."
            fn = m[8]; sub(/ line .*/, "", fn)
            ln = m[8]; sub(/^[^ ]+ line /, "", ln); sub(/:.*/, "", ln)
            for (j = 1; j <= nc; j++) {
                if (m[4] != "") ok = (codes[j] SUBSEP m[4]) in XID
                else ok = (codes[j] SUBSEP fn SUBSEP ln) in XLN
                if (!ok) miss = miss " " codes[j]
            }
            if (miss == "") xf++; else print "MISS\t" M[i] "\tnot found:" miss
            continue
        }
        rt++
        for (j = 1; j <= nc; j++)
            if (!((codes[j] SUBSEP m[5]) in HIT)) miss = miss " " codes[j]
        if (miss == "") rf++; else print "MISS\t" M[i] "\tnot found:" miss
    }
    printf "rule-coded defects found: %d/%d; extract damage found: %d/%d\n", rf, rt, xf, xt
    # a manifest with too few defects would pass without testing anything
    if (rt < 100 || xt < 100) { print "too few defects in the manifest"; exit 1 }
    exit (rf == rt && xf == xt) ? 0 : 1
}
AWK

failed=0
for pair in ssd:11 mosaic:11 mosaic:12 liquidlogic:13 eclipse:14 azeus:15; do
    system=${pair%%:*}
    seed=${pair##*:}
    d="$TMP/$system-$seed"
    mkdir -p "$d/out"
    "$CSCDW" synth --system "$system" --children "$CHILDREN" --seed "$seed" --defect-rate 0.5 \
        --reference-date 2026-03-31 --la 999 --out "$d/in" > /dev/null 2> "$d.err" ||
        { cat "$d.err" >&2; fail "synth $system failed"; }
    for ret in cin ssda903; do
        out="$d/out/903"
        [ "$ret" = cin ] && out="$d/out/cin.xml"
        "$CSCDW" emit "$ret" --profile "etl/sources/$system.yaml" --input "$d/in" --la 999 \
            --year 2025-26 --out "$out" > /dev/null 2> "$d.err"
        rc=$?
        # 0 clean, 1 rule findings: either way the exception list is written
        [ "$rc" -le 1 ] || { cat "$d.err" >&2; fail "emit $ret for $system exit $rc"; }
    done
    [ -f "$d/out/cin-exceptions.csv" ] && [ -f "$d/out/903-exceptions.csv" ] ||
        fail "$system: exception lists not written"
    if awk -F'\t' -f "$TMP/check.awk" "$d/in/manifest.tsv" \
        "$d/out/cin-exceptions.csv" "$d/out/903-exceptions.csv" > "$d.res"; then
        echo "$system seed $seed: $(tail -n 1 "$d.res")"
    else
        echo "FAIL $system seed $seed:" >&2
        cat "$d.res" >&2
        failed=1
    fi
done
[ "$failed" -eq 0 ] || fail "injected defects not found by the rules their manifest names"
