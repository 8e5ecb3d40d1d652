#!/usr/bin/env bash
# The hostile-input corpus (tests/data/bad/, see its README.md): `cscdw
# inspect` on every file must finish within 60 s, never crash (exit < 128,
# no sanitizer report), exit as the table below says, and on failure name
# the file and a line on stderr ("cscdw: FILE:LINE[:COL]: message"). The
# huge cases are generated here into a temporary folder, not committed.
. "$(dirname "$0")/lib.sh"
ROOT=${SRCROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BAD="$ROOT/tests/data/bad"
[ -x "$CSCDW" ] || fail "no cscdw binary at $CSCDW"
LAYOUT="--layout ID:1:5,NAME:6:8,DOB:14:10"

# One run: check the exit status, the position on stderr and the absence of
# crashes; $3... are the inspect options. Output is left in $TMP/out, $TMP/err.
check() {
    local want=$1 file=$2
    shift 2
    timeout 60 "$CSCDW" inspect "$file" "$@" > "$TMP/out" 2> "$TMP/err"
    local rc=$?
    [ "$rc" -ne 124 ] || fail "$file: still running after 60 s"
    [ "$rc" -lt 128 ] || { cat "$TMP/err" >&2; fail "$file: crashed (exit $rc)"; }
    if grep -Eq 'Sanitizer|runtime error:' "$TMP/err"; then
        cat "$TMP/err" >&2
        fail "$file: sanitizer report"
    fi
    [ "$rc" -eq "$want" ] || { cat "$TMP/out" "$TMP/err" >&2; fail "$file: exit $rc, wanted $want"; }
    if [ "$want" -eq 1 ]; then
        awk -v p="cscdw: $file:" 'index($0, p) == 1 && substr($0, length(p) + 1) ~ /^[0-9]+(:[0-9]+)?: ./ { ok = 1 }
                                  END { exit !ok }' "$TMP/err" ||
            { cat "$TMP/err" >&2; fail "$file: stderr does not name the file and a line"; }
    fi
    cases=$((cases + 1))
}

# expect_in out|err EXTENDED-REGEX: the last run's output holds it
expect_in() {
    grep -Eq -- "$2" "$TMP/$1" || { cat "$TMP/$1" >&2; fail "$1 lacks /$2/"; }
}

cases=0
started=$SECONDS

# ---- committed files: exit status, where to look, what it must say -------
while IFS='|' read -r want name opts stream pattern; do
    [ -n "$want" ] && [ "${want#\#}" = "$want" ] || continue
    # shellcheck disable=SC2086  # opts is a list of words
    check "$want" "$BAD/$name" $opts
    [ -z "$pattern" ] || expect_in "$stream" "$pattern"
done <<EOF
1|truncated.csv.gz||err|gzip stream is truncated
1|corrupt.csv.gz||err|corrupt gzip
1|invalid-utf8.csv|--encoding utf-8|err|invalid-utf8.csv:3:[0-9]+: .*UTF-8
0|invalid-utf8.csv||out|encoding: +windows-1252
1|truncated-utf8.csv|--encoding utf-8|err|truncated-utf8.csv:3:
1|invalid-utf16.csv||err|invalid-utf16.csv:3:[0-9]+: .*surrogate
1|odd-length-utf16.csv||err|odd-length-utf16.csv:4:
1|nul-bytes.csv||err|nul-bytes.csv:3:[0-9]+: NUL
1|binary.csv||err|NUL
1|unterminated-quote.csv||err|unterminated-quote.csv:3:[0-9]+: .*never closed
1|junk-after-quote.csv||err|junk-after-quote.csv:2:[0-9]+: .*closing quote
0|wrong-delimiter.csv|--delimiter ,|out|columns: +1$
0|wrong-delimiter.csv||out|delimiter: +';'
0|missing-header.csv||out|records: +2$
0|ragged.csv||out|ragged rows: 2 \(lines 3, 4\)
0|empty.csv||out|records: +0$
0|fixed-short-lines.txt|$LAYOUT|out|short lines: 2 \(lines 2, 4\)
1|billion-laughs.xml|--record Child|err|billion-laughs.xml:3:[0-9]+: .*entity
1|quadratic-blowup.xml|--record Child|err|quadratic-blowup.xml:3:[0-9]+: .*entity
1|external-entity.xml|--record Child|err|external-entity.xml:3:[0-9]+: .*entity
1|external-parameter-entity.xml|--record Child|err|external-parameter-entity.xml:3:[0-9]+: .*entity
0|external-dtd.xml|--record Child|out|records: +2$
1|unclosed.xml|--record Child|err|unclosed.xml:4:[0-9]+: .*cut short
1|mismatched.xml|--record Child|err|mismatched.xml:3:[0-9]+: .*mismatch
1|empty.xml|--record Child|err|empty.xml:1:.*empty
1|undeclared-entity.xml|--record Child|err|undeclared-entity.xml:3:[0-9]+: .*nbsp
1|control-char.xml|--record Child|err|control-char.xml:3:
1|utf32.xml|--record Child|err|UTF-32
1|not-xml.xml|--record Child|err|is this file XML
1|many-attributes.xml|--record Child|err|many-attributes.xml:2: .*attributes
EOF

# the external entities' target must never be read
for f in external-entity.xml external-parameter-entity.xml; do
    check 1 "$BAD/$f" --record Child
    ! grep -q 'root:' "$TMP/out" "$TMP/err" || fail "$f: /etc/passwd leaked"
done

# ---- generated: too big to commit ----------------------------------------
G="$TMP/gen"
mkdir -p "$G"
xs() { head -c "$1" /dev/zero | tr '\0' "$2"; }

{ printf 'ID,NOTES\n1,"'; xs 100000000 x; printf '"\n'; } > "$G/huge-quoted-field.csv"
check 1 "$G/huge-quoted-field.csv"
expect_in err 'huge-quoted-field.csv:2:[0-9]+: field is longer'

{ printf 'ID,NOTES\n1,'; xs 8000000 x; printf '\n'; } > "$G/huge-field.csv"
check 1 "$G/huge-field.csv"
expect_in err 'huge-field.csv:2:[0-9]+: field is longer'

{ xs 999999 ,; echo; echo 1; } > "$G/million-columns.csv"
check 1 "$G/million-columns.csv"
expect_in err 'million-columns.csv:1:[0-9]+: .*columns'

{ echo ID,NAME; echo 1,Ann; xs 999999 ,; echo; } > "$G/million-fields.csv"
check 1 "$G/million-fields.csv"
expect_in err 'million-fields.csv:3:[0-9]+: .*columns'

xs 200000000 a | gzip -1 > "$G/gzip-bomb.csv.gz"
check 1 "$G/gzip-bomb.csv.gz"
expect_in err 'gzip-bomb.csv.gz:1:[0-9]+: '

{ echo "00001Ann     2010-01-01"; xs 6000000 x; echo; } > "$G/long-line.txt"
# shellcheck disable=SC2086
check 1 "$G/long-line.txt" $LAYOUT
expect_in err 'long-line.txt:2: line longer'

{ printf '<r>'; yes '<d>' | head -n 100000 | tr -d '\n'; printf '</r>\n'; } > "$G/deep.xml"
check 1 "$G/deep.xml" --record d
expect_in err 'deep.xml:1: .*nested'

{ printf '<r>\n<Child><Name>'; xs 5000000 x; printf '</Name></Child></r>\n'; } > "$G/huge-text.xml"
check 1 "$G/huge-text.xml" --record Child
expect_in err 'huge-text.xml:2: .*longer'

# ---- not files at all: named, no line to give -----------------------------
timeout 60 "$CSCDW" inspect "$G/no-such.csv" > "$TMP/out" 2> "$TMP/err"
[ $? -eq 1 ] || fail "missing file: wanted exit 1"
expect_in err "^cscdw: $G/no-such.csv: "
timeout 60 "$CSCDW" inspect "$G" > "$TMP/out" 2> "$TMP/err"
[ $? -eq 1 ] || fail "directory: wanted exit 1"
expect_in err "^cscdw: $G: "

echo "bad_input: $cases cases passed in $((SECONDS - started)) s"
