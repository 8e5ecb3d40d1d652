#!/usr/bin/env bash
# CSCDW_RULES_PROFILE: validate prints the per-rule cost table to stderr, with
# each rule's evaluations and findings; without it nothing is printed and the
# exception list is the same.
source "$(dirname "$0")/lib.sh"
D=${SRCROOT:-.}/tests/data/validate
CIN=$D/cin-small.xml

CSCDW_RULES_PROFILE=1 expect_exit 0 "$CSCDW" validate --return cin --year 2025-26 "$CIN" \
    --rules "$D/rules" --exceptions "$TMP/prof.csv"
expect_stderr "rules profile: [0-9]* rules"
expect_stderr "evals"
# 8866 runs on the CIN episodes of the fixture (3 children, 5 episodes) and fires once
grep -Eq '^  8866 +CINdetails +[0-9.]+ +[0-9.]+ +5 +[0-9]+ +[0-9]+ +1$' "$TMP/err" \
    || { cat "$TMP/err" >&2; fail "8866 profile line"; }
cp "$TMP/err" "$TMP/prof.err"

CSCDW_RULES_PROFILE=0 expect_exit 0 "$CSCDW" validate --return cin --year 2025-26 "$CIN" \
    --rules "$D/rules" --exceptions "$TMP/plain.csv"
if grep -q "rules profile" "$TMP/err"; then fail "profile printed with CSCDW_RULES_PROFILE=0"; fi
# same findings either way (the run id differs)
cut -d, -f2- "$TMP/prof.csv" > "$TMP/a"
cut -d, -f2- "$TMP/plain.csv" > "$TMP/b"
cmp -s "$TMP/a" "$TMP/b" || fail "profiled run found something else"

# cscdw run: one table per rule set run (CIN, SSDA903), printed by the CLI
ROOT=${SRCROOT:-.}
cat > "$TMP/job.yaml" <<YAML
job: profile
la:
  code: "999"
  name: Test LA 999
collection_year: 2025-26
reference_date: 2026-03-31
source:
  profile: $ROOT/etl/sources/mosaic.yaml
  input: $ROOT/samples/mosaic
returns: [cin, ssda903]
output: $TMP/run
warehouse:
  none: true
YAML
(cd "$ROOT" && CSCDW_RULES_PROFILE=1 "$CSCDW" run --job "$TMP/job.yaml" --no-load \
    > "$TMP/out" 2> "$TMP/err") || { cat "$TMP/err" >&2; fail "run with the profile"; }
[ "$(grep -c '^rules profile: [0-9]* rules' "$TMP/err")" -eq 2 ] || { cat "$TMP/err" >&2; fail "run: two profiles"; }
(cd "$ROOT" && "$CSCDW" run --job "$TMP/job.yaml" --no-load > "$TMP/out" 2> "$TMP/err") || fail "run"
if grep -q "rules profile" "$TMP/err"; then fail "run printed a profile unasked"; fi
echo ok
