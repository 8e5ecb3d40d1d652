#!/usr/bin/env bash
# The analyst views against answers worked out by hand from the tiny extract
# in tests/data/warehouse/ (see the comments beside each expectation), and
# text that COPY must carry unchanged.
. "$(dirname "$0")/lib.sh"
DATA=tests/data/warehouse
IN="$TMP/in"          # both runs read the same folder, as an LA's drop folder
cp -r "$DATA/a" "$IN"
# a 100,000-character value with backslashes in it
long=$(head -c 25000 /dev/zero | tr '\0' 'q' | sed 's/q/ab\\c/g')
printf 'CT4,C3,2025-05-05,%s\n' "$long" >> "$IN/contacts.csv"
job "$TMP/job.yaml" "$IN" "$DATA/profile.yaml" 999 2026-03-31
expect_exit 0 "$CSCDW" run --job "$TMP/job.yaml"
run_a=$(sql "SELECT max(run_id) FROM meta_run")

# CIN census cohort 2025-26 (1 Apr 2025 - 31 Mar 2026):
#  C1: R1 (10/05/2025, open) and R5 (01/09/2025-01/10/2025): 2 episodes, both
#      referred in the year, neither open on 1 April, R1 open at year end
#  C2: R2 (01/12/2024-30/06/2025): open on 1 April, closed in the year
#  C3: R3 closed 31/03/2025, before the year: out
#  C4: R4 referred 01/04/2026, after the year: out
#  C5: R6 referred 31/03/2025 and open: open on 1 April and at year end
expect_sql "SELECT * FROM cin_census_cohort('2025-26') ORDER BY person_id" \
"999|C1|2|2|f|t
999|C2|1|0|t|f
999|C5|1|0|t|t"
expect_sql "SELECT count(*) FROM v_cin_census_cohort WHERE financial_year = '2025-26'" 3
# 2024-25: C2 (R2 from 01/12/2024), C3 (R3 open all year), C5 (R6 on 31/03/2025)
expect_sql "SELECT string_agg(person_id, ',' ORDER BY person_id) FROM cin_census_cohort('2024-25')" \
    "C2,C3,C5"

# Looked after on 31/03/2026:
#  P1 (C1, from 01/01/2025, open): legal status L2 V3 from 01/06/2025 (L1 C2
#     ended that day), placement PL1 U1/PR1; a short break; 454 days
#  P2 (C2) ended 31/03/2026: not looked after on that day
#  P3 (C3) starts 01/04/2026: not yet
#  P4 (C6, 02/02/2024-10/04/2026): E1; PL2 ended 31/12/2025 and PL3 (U4/PR3)
#     began that day; 788 days
expect_sql "SELECT * FROM cla_on_date('2026-03-31') ORDER BY person_id" \
"999|C1|P1|2025-01-01|V3|U1|PR1|t|454
999|C6|P4|2024-02-02|E1|U4|PR3|f|788"
# on 31/12/2025 C6 had just moved: PL3 from that day
expect_sql "SELECT person_id, placement_type FROM cla_on_date('2025-12-31') ORDER BY 1" \
"C1|U1
C2|
C6|U4"
# on 15/03/2025 C1 was under L1 (C2) and not on a short break
expect_sql "SELECT person_id, legal_status, short_breaks FROM cla_on_date('2025-03-15') ORDER BY 1" \
"C1|C2|f
C6|E1|f"

# Child protection plans open on 31/03/2026:
#  CP1 (C2, from 01/03/2024, open): 760 days, over two years; T1/W1
#  CP2 (C4) ended 31/03/2026: not open on that day
#  CP3 (C5, 01/10/2025-01/05/2026): 181 days; T2, no worker
expect_sql "SELECT person_id, cp_plan_id, start_date, latest_category, days_open, over_two_years,
            team = (SELECT name FROM dim_team WHERE team_id = p.team_id_),
            coalesce(worker = (SELECT name FROM dim_worker WHERE worker_id = 'W1'), false)
            FROM (SELECT *, CASE cp_plan_id WHEN 'CP1' THEN 'T1' ELSE 'T2' END AS team_id_
                  FROM cp_plans_open_on('2026-03-31')) p ORDER BY 1" \
"C2|CP1|2024-03-01|NEG|760|t|t|t
C5|CP3|2025-10-01|EMO|181|f|t|f"
expect_sql "SELECT count(*) FROM cp_plans_open_on('2026-03-30')" 3

# text carried unchanged through COPY (bytes compared by md5)
md5() { printf '%b' "$1" | md5sum | cut -d' ' -f1; }
expect_sql "SELECT md5(name) FROM dim_team WHERE team_id = 'T1'" "$(md5 'Back\\slash\\\\ and tab\t team')"
expect_sql "SELECT md5(name) FROM dim_team WHERE team_id = 'T2'" "$(md5 'Multi\nline team')"
expect_sql "SELECT md5(name) FROM dim_worker WHERE worker_id = 'W1'" \
    "$(md5 'Zo\xc3\xab "Quote" \xc3\x89mile \xf0\x9f\x99\x82')"
expect_sql "SELECT name IS NOT NULL AND name = E'\\\\N' FROM dim_worker WHERE worker_id = 'W2'" t
expect_sql "SELECT name = E'\\\\.' FROM dim_worker WHERE worker_id = 'W3'" t
expect_sql "SELECT length(outcome), md5(outcome) FROM fact_contact WHERE contact_id = 'CT4'" \
    "100000|$(printf '%s' "$long" | md5sum | cut -d' ' -f1)"
# the repeated CT3: the first in file order is loaded
expect_sql "SELECT outcome FROM fact_contact WHERE contact_id = 'CT3'" "First"
# derived on load: postcode district, working days are not in this extract
expect_sql "SELECT string_agg(person_id || ':' || coalesce(postcode_district, '-'), ',' ORDER BY person_id)
            FROM dim_child" "C1:KT1,C2:KT1,C3:-,C4:SW1A,C5:N1,C6:E17"
expect_sql "SELECT string_agg(person_id || ':' || valid_from, ',' ORDER BY person_id) FROM dim_child
            WHERE person_id IN ('C1', 'C6')" "C1:2012-03-04,C6:2008-02-02"

# the next extract: the repeated CT3 fixed (X118), the orphan CT2 still
# there (X119), a new contact with an impossible date (X109)
cp "$DATA/b/contacts.csv" "$IN/contacts.csv"
printf 'CT4,C3,2025-05-05,%s\n' "$long" >> "$IN/contacts.csv"
expect_exit 0 "$CSCDW" run --job "$TMP/job.yaml"
run_b=$(sql "SELECT max(run_id) FROM meta_run")
expect_sql "SELECT status, rule, severity FROM exceptions_compare($run_a, $run_b)
            WHERE rule LIKE 'X%' ORDER BY rule" \
"new|X109|error
fixed|X118|error
still open|X119|warning"
expect_sql "SELECT count(*) FROM exceptions_compare($run_b, $run_b) WHERE status <> 'still open'" 0

# exceptions open now: the latest run only, by team and worker. Extract
# findings name no team; three rule findings are added to the latest run by
# hand: two for C1 with T1/W1, one for C2 with T1 and no worker.
sql "INSERT INTO fact_exception (run_id, seq, la_key, rule_key, child_key, person_id, team_key,
         worker_key, severity, fingerprint)
     SELECT $run_b, 1000 + n, r.la_key, ru.rule_key, c.child_key, c.person_id, t.team_key,
            CASE WHEN n < 2 THEN w.worker_key END, 'error', 'fp' || n
     FROM meta_run r, dim_rule ru, generate_series(0, 2) n
     JOIN dim_child c ON c.person_id = CASE WHEN n < 2 THEN 'C1' ELSE 'C2' END AND c.is_current
     JOIN dim_team t ON t.team_id = 'T1' JOIN dim_worker w ON w.worker_id = 'W1'
     WHERE r.run_id = $run_b AND ru.code = 'X119'" > /dev/null || fail "adding rule findings"
expect_sql "SELECT team = (SELECT name FROM dim_team WHERE team_id = 'T1'),
                   worker = (SELECT name FROM dim_worker WHERE worker_id = 'W1'),
                   team = '(no team)', worker = '(no worker)', rule, exceptions, children
            FROM v_exceptions_open WHERE return_name = 'extract' ORDER BY rule, exceptions DESC, team" \
"f|f|t|t|X109|1|0
t|t|f|f|X119|2|1
f|f|t|t|X119|1|0
t|f|f|t|X119|1|1"
# run A's findings are history: not open
expect_sql "SELECT count(*) FROM v_exceptions_open WHERE rule = 'X118'" 0
echo "view tests passed"
