#!/usr/bin/env bash
# cscdw rules list / explain / check on a rule tree made here (a CIN year that
# inherits another, a code list, a local rule) and on broken rule files:
# outputs, carets and exit statuses.
. "$(dirname "$0")/lib.sh"
R="$TMP/rules"
mkdir -p "$R/cin/2024-25/codes" "$R/cin/2025-26" "$R/local/cin" "$TMP/bad/cin/2025-26"
cat > "$R/cin/2024-25/child.rules" <<'RULES'
rule 8525Q query on Child
  "Either the date of birth or the expected date of birth should be given, not both"
  fields PersonBirthDate, ExpectedPersonBirthDate
  explain "An unborn child has only an expected date of birth."
  example "PersonBirthDate 2020-01-01 and ExpectedPersonBirthDate 2020-02-01"
  require present(PersonBirthDate) != present(ExpectedPersonBirthDate)

rule 4220 error on ChildCharacteristics "Ethnicity missing or invalid"
  require Ethnicity in ethnicity

rule 8945Q query on AssessmentFactors "Factor 18A used" require AssessmentFactors != "18A"
RULES
printf 'WBRI White British\nWIRI White Irish\n' > "$R/cin/2024-25/codes/ethnicity.txt"
printf 'inherits: 2024-25\ndrop: [8945Q]\n' > "$R/cin/2025-26/ruleset.yaml"
cat > "$R/cin/2025-26/episodes.rules" <<'RULES'
rule 1105 error on ChildProtectionPlans "A child protection plan cannot start before the referral"
  fields CPPstartDate, CINdetails.CINreferralDate
  when present(CPPstartDate)
  require CPPstartDate >= parent.CINreferralDate

rule 8670Q query on Assessments "Assessment open more than 45 working days"
  when absent(AssessmentAuthorisationDate)
  require working_days(AssessmentActualStartDate, ReferenceDate) <= 45
RULES
printf 'rule LA001 warning on Child "Local: postcode shape" require true\n' > "$R/local/cin/la.rules"

expect_exit 0 "$CSCDW" rules --help
expect_stdout "cscdw rules check DIR|FILE"
expect_exit 2 "$CSCDW" rules
expect_exit 2 "$CSCDW" rules frobnicate
expect_exit 2 "$CSCDW" rules list --return cin
expect_stderr "list needs --return and --year"
expect_exit 2 "$CSCDW" rules list --bogus
expect_exit 2 "$CSCDW" rules explain

expect_exit 0 "$CSCDW" rules list --return cin --year 2025-26 --rules-dir "$R"
grep -Eq '^8525Q +query +8525Q +Child +Either the date of birth' "$TMP/out" || fail "8525Q line"
grep -Eq '^1105 +error +1105 +ChildProtectionPlans ' "$TMP/out" || fail "1105 line"
grep -q '^4220 .*ChildCharacteristics' "$TMP/out" || fail "alias shown as written"
grep -q '^LA001 .*\[local\]$' "$TMP/out" || fail "local rule"
grep -q '^8945Q' "$TMP/out" && fail "dropped rule listed"
expect_stdout "^5 rules: 2 errors, 2 queries, 1 warning$"
expect_exit 0 "$CSCDW" rules list --return cin --year 2025-26 --rules-dir "$R" --no-local
expect_stdout "^4 rules:"

expect_exit 0 "$CSCDW" rules explain 1105 --rules-dir "$R"
expect_stdout "^\[cin 2025-26\]"
expect_stdout "Fields: CPPstartDate, CINdetails.CINreferralDate"
expect_stdout "Applies when: present(CPPstartDate)"
expect_stdout "Requires: CPPstartDate >= parent.CINreferralDate"
expect_exit 0 "$CSCDW" rules explain 8525Q --return cin --year 2024-25 --rules-dir "$R"
expect_stdout "Example:"
expect_stdout "An unborn child has only an expected date of birth."
expect_exit 1 "$CSCDW" rules explain 8945Q --return cin --year 2025-26 --rules-dir "$R"
expect_stderr "no rule 8945Q in cin 2025-26"

expect_exit 0 "$CSCDW" rules check "$R/cin/2025-26"
expect_stdout "^4 rules OK$"
expect_exit 0 "$CSCDW" rules check "$R/cin"
expect_stdout "^7 rules OK$"
expect_exit 0 "$CSCDW" rules check "$R/cin/2025-26/episodes.rules"
expect_stdout "^2 rules OK$"
expect_exit 0 "$CSCDW" rules check "$R/local/cin/la.rules" --return cin
expect_stdout "^1 rule OK$"
expect_exit 1 "$CSCDW" rules check "$R/local/cin/la.rules" --return nosuch
expect_stderr "no dataset schema named 'nosuch'"
expect_exit 1 "$CSCDW" rules check "$TMP/nothing-here"
expect_exit 2 "$CSCDW" rules check "$R/cin/2024-25/codes/ethnicity.txt"

# every error of a file, each with file:line:col, the line and a caret
cat > "$TMP/bad/cin/2025-26/bad.rules" <<'RULES'
rule 1 error on Child "m"
  require PersonBirthDate = Sex
rule 2 error on Child "m" require Ethnicity in ethnicities
rule 3 error on Child "m" require CINreferalDate < ReferenceDate
rule 3 error on Child "again" require true
RULES
expect_exit 1 "$CSCDW" rules check "$TMP/bad/cin/2025-26"
expect_stderr "bad.rules:2:27: cannot compare a date with a string"
grep -qx '  require PersonBirthDate = Sex' "$TMP/err" || fail "source line"
grep -qx '                          ^' "$TMP/err" || fail "caret line"
expect_stderr "bad.rules:3:48: unknown code list 'ethnicities'"
expect_stderr "bad.rules:4:35: unknown name 'CINreferalDate'.*(did you mean CINreferralDate?)"
expect_stderr "bad.rules:5:6: duplicate rule code 3"
expect_stderr "^4 errors$"

# every example rule in rules/README.md compiles against the real schemas
X="$TMP/readme"
mkdir -p "$X/cin/2025-26/codes" "$X/ssda903/2025-26"
awk -v cin="$X/cin/2025-26/x.rules" -v l903="$X/ssda903/2025-26/x.rules" '
    /^```/ { if (inblock) { if (rules && block !~ /List 3/)
                 print block > (block ~ /DECOM|SEX|URN|OC2/ ? l903 : cin)
             block = ""; rules = 0 }
             inblock = !inblock; next }
    inblock { block = block $0 "\n"; if ($0 ~ /^ *(rule|define) /) rules = 1 }
' "$SRCROOT/rules/README.md"
printf '201\n202\n' > "$X/cin/2025-26/codes/upn_la_codes.txt"
printf 'tables:\n  ofsted_providers: [URN, REG_END]\n  postcodes: [pcd, utla, oseast1m, osnrth1m]\n' \
    > "$X/ssda903/2025-26/ruleset.yaml"
expect_exit 0 "$CSCDW" rules check "$X/cin/2025-26"
grep -Eq '^1[0-9] rules OK$' "$TMP/out" || fail "README CIN examples: $(cat "$TMP/out")"
expect_exit 0 "$CSCDW" rules check "$X/ssda903/2025-26"
grep -Eq '^1[0-9] rules OK$' "$TMP/out" || fail "README 903 examples: $(cat "$TMP/out")"

# the repository's own rule folders compile
for d in "$SRCROOT"/rules/cin/20* "$SRCROOT"/rules/ssda903/20*; do
    [ -d "$d" ] || continue
    expect_exit 0 "$CSCDW" rules check "$d"
done
exit 0
