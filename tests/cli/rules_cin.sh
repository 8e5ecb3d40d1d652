#!/usr/bin/env bash
# The repository's CIN census rule sets through the CLI: each year compiles,
# lists the number of rules the DfE has for it, and explains a rule in plain
# words. (The rules' behaviour is tested case by case by test_rules_cin.)
. "$(dirname "$0")/lib.sh"
R="$SRCROOT/rules"

for y in 2025-26:109:83:26 2024-25:109:83:26 2023-24:105:81:24 2022-23:105:81:24; do
    IFS=: read -r year n errors queries <<< "$y"
    expect_exit 0 "$CSCDW" rules check "$R/cin/$year"
    expect_stdout "^$n rules OK$"
    expect_exit 0 "$CSCDW" rules list --return cin --year "$year" --rules-dir "$R" --no-local
    expect_stdout "^$n rules: $errors errors, $queries queries, 0 warnings$"
done

# 2024-25 inherits 2025-26 unchanged; 2023-24 drops the rules that came in 2024-25
expect_exit 0 "$CSCDW" rules list --return cin --year 2023-24 --rules-dir "$R" --no-local
for code in 1570 1580 8945Q 8950Q; do
    grep -q "^$code " "$TMP/out" && fail "2023-24 lists $code"
done
grep -Eq '^8945Q +query +8945Q +Assessments +Factor 18A used' <("$CSCDW" rules list --return cin \
    --year 2024-25 --rules-dir "$R" --no-local) || fail "2024-25 lacks 8945Q"

expect_exit 0 "$CSCDW" rules explain 4180 --return cin --year 2023-24 --rules-dir "$R"
expect_stdout "Requires: GenderCurrent in"
expect_exit 0 "$CSCDW" rules explain 4180 --return cin --year 2025-26 --rules-dir "$R"
expect_stdout 'Requires: Sex in {"M", "F", "U"}'
expect_exit 0 "$CSCDW" rules explain 8670Q --return cin --year 2025-26 --rules-dir "$R"
expect_stdout "add_working_days(ReferenceDate, -45)"
expect_stdout "Example:"
exit 0
