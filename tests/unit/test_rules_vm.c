/* The rule VM on a small dataset: every builtin, absent/invalid semantics,
 * aggregates with and without binders, prev/next, last year's return and
 * the needs-last report, return-level rules, reference tables, defines, and
 * rule sets inheriting across year folders in a temporary directory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rules_schema.h"
#include "util/calendar.h"

/* ---- dataset helpers --------------------------------------------------- */

static uint32_t add(cs_dataset *ds, int g, uint32_t parent)
{
    return cs_ds_add_row(ds, g, parent, 0, 0);
}

static void sv(cs_dataset *ds, int g, uint32_t r, int f, const char *text)
{
    cs_ds_set_text(ds, g, r, f, text, strlen(text), CS_DS_TEXT_ISO);
}

static void finalize(cs_dataset *ds)
{
    cs_diag d;
    assert_int_equal(cs_ds_finalize(ds, &d), CS_OK);
}

/* Row numbers (after finalize) where rule `code` fired, as "g:row g:row". */
static const char *fired(const cs_rule_hits *h, const char *code)
{
    static char buf[1024];
    size_t w = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < h->count; i++) {
        if (strcmp(h->items[i].rule->code, code) != 0)
            continue;
        int n = snprintf(buf + w, sizeof buf - w, "%s%d:%u", w ? " " : "", h->items[i].group,
                         h->items[i].row);
        if (n > 0 && (size_t)n < sizeof buf - w)
            w += (size_t)n;
    }
    return buf;
}

static int nfired(const cs_rule_hits *h, const char *code)
{
    int n = 0;
    for (size_t i = 0; i < h->count; i++)
        if (strcmp(h->items[i].rule->code, code) == 0)
            n++;
    return n;
}

static void run(const cs_ruleset *rs, const cs_dataset *ds, const cs_dataset *last,
                cs_rule_hits *h)
{
    cs_rules_context c;
    cs_rules_context_init(&c, rs);
    c.last = last;
    c.la = "E09000027";
    cs_rule_hits_init(h);
    cs_rule_sink sink = cs_rule_hits_sink(h);
    cs_diag d;
    cs_diag_clear(&d);
    assert_int_equal(cs_rules_run(rs, ds, &c, &sink, &d), CS_OK);
}

/* A one-child dataset for expression tests. */
static void one_child(cs_dataset *ds)
{
    cs_ds_init(ds, &rt_schema);
    uint32_t m = add(ds, RG_MSG, 0);
    uint32_t h = add(ds, RG_HDR, m);
    sv(ds, RG_HDR, h, H_YEAR, "2026");
    sv(ds, RG_HDR, h, H_REF, "2026-03-31");
    sv(ds, RG_HDR, h, H_LEA, "201");
    uint32_t c = add(ds, RG_CHILD, m);
    sv(ds, RG_CHILD, c, C_ID, "C1");
    sv(ds, RG_CHILD, c, C_UPN, "A123456789012");
    sv(ds, RG_CHILD, c, C_DOB, "2010-02-28");
    sv(ds, RG_CHILD, c, C_SEX, "M");
    sv(ds, RG_CHILD, c, C_POST, "sw1a 1aa");
    sv(ds, RG_CHILD, c, C_DOD, "2021-02-30");   /* invalid */
    uint32_t e = add(ds, RG_CIN, c);
    sv(ds, RG_CIN, e, E_REF, "2025-05-01");
    sv(ds, RG_CIN, e, E_NFA, "False");
    finalize(ds);
}

/* Rules named T* must not fire (their require is true); F* must fire. */
static void check_truth(const char *rules)
{
    cs_ruleset *rs = rt_compile(rules, "2025-26");
    assert_non_null(rs);
    cs_dataset ds;
    one_child(&ds);
    cs_rule_hits h;
    run(rs, &ds, NULL, &h);
    int bad = 0;
    for (size_t i = 0; i < cs_ruleset_count(rs); i++) {
        const cs_rule *r = cs_ruleset_rule(rs, i);
        int want = r->code[0] == 'F';
        int got = nfired(&h, r->code) > 0;
        if (want != got) {
            fprintf(stderr, "rule %s: %s (require %s)\n", r->code,
                    want ? "should fire but did not" : "fired but should not", r->require_text);
            bad = 1;
        }
    }
    cs_rule_hits_free(&h);
    cs_ds_free(&ds);
    cs_ruleset_free(rs);
    assert_false(bad);
}

/* ---- builtins ---------------------------------------------------------- */

static void test_date_builtins(void **state)
{
    (void)state;
    check_truth(
        "rule T1 error on Child \"m\" require days(2025-01-01, 2025-01-31) = 30\n"
        "rule T2 error on Child \"m\" require days(2025-01-31, 2025-01-01) = -30\n"
        "rule T3 error on Child \"m\" require add_days(2025-02-27, 2) = 2025-03-01\n"
        "rule T4 error on Child \"m\" require add_months(2025-01-31, 1) = 2025-02-28\n"
        "rule T5 error on Child \"m\" require add_years(2024-02-29, 1) = 2025-02-28\n"
        "rule T6 error on Child \"m\" require age(PersonBirthDate, 2026-02-27) = 15\n"
        "rule T7 error on Child \"m\" require age(PersonBirthDate, 2026-02-28) = 16\n"
        "rule T8 error on Child \"m\" require weekday(2025-03-31) = 1 and weekday(2025-03-30) = 7\n"
        "rule T9 error on Child \"m\" require is_weekend(2025-03-29) and not is_weekend(2025-03-28)\n"
        "rule T10 error on Child \"m\" require in_period(2025-04-01) and in_period(2026-03-31)\n"
        "rule T11 error on Child \"m\" require not in_period(2025-03-31) and not in_period(2026-04-01)\n"
        "rule T12 error on Child \"m\" require year(2025-03-31) = 2025 and month(2025-03-31) = 3 "
        "and day(2025-03-31) = 31\n"
        "rule T13 error on Child \"m\" require date(2024, 2, 29) = 2024-02-29\n"
        "rule T14 error on Child \"m\" require absent(date(2025, 2, 29))\n"
        "rule T15 error on Child \"m\" require 2025-03-31 - 2025-03-01 = 30\n"
        "rule T16 error on Child \"m\" require 2025-03-01 + 30 = 2025-03-31 and 30 + 2025-03-01 = "
        "2025-03-31\n"
        "rule T17 error on Child \"m\" require 2025-03-31 - 30 = 2025-03-01\n"
        "rule T18 error on Child \"m\" require CollectionStart = 2025-04-01 and CollectionEnd = "
        "2026-03-31 and ReferenceDate = 2026-03-31 and CollectionYear = 2026\n"
        "rule T19 error on Child \"m\" require LA = \"E09000027\"\n"
        "rule T20 error on Child \"m\" require age(2010-02-28, 2009-01-01) = -1\n"
        "rule F1 error on Child \"m\" require days(2025-01-01, 2025-01-31) = 31\n"
        "rule F2 error on Child \"m\" require absent(add_days(9999-12-31, 1)) and "
        "add_days(9999-12-31, 1) = 9999-12-31\n");
}

static void test_working_days(void **state)
{
    (void)state;
    /* the bank holidays come from the repository's calendar */
    const char *cal_path = "rules/calendar/england-and-wales.tsv";
    cs_calendar *cal = NULL;
    cs_diag d;
    if (cs_calendar_load(&cal, cal_path, &d) != CS_OK)
        skip();
    cs_ruleset *rs = rt_compile(
        "rule T1 error on Child \"m\" require working_days(2025-03-28, 2025-03-31) = 1\n"
        "rule T2 error on Child \"m\" require working_days(2025-03-31, 2025-03-28) = -1\n"
        /* 1 April 2024 was Easter Monday: the first working day of 2024-25 is the 2nd */
        "rule T3 error on Child \"m\" require add_working_days(2024-03-31, 1) = 2024-04-02\n"
        "rule T4 error on Child \"m\" require not is_working_day(2024-04-01) and "
        "is_working_day(2024-04-02)\n"
        "rule T5 error on Child \"m\" require working_days(add_working_days(2026-03-31, -45), "
        "2026-03-31) = 45\n"
        "rule T6 error on Child \"m\" require add_working_days(2025-12-24, 1) = 2025-12-29\n",
        "2025-26");
    assert_non_null(rs);
    cs_dataset ds;
    one_child(&ds);
    cs_rules_context c;
    cs_rules_context_init(&c, rs);
    c.calendar = cal;
    cs_rule_hits h;
    cs_rule_hits_init(&h);
    cs_rule_sink sink = cs_rule_hits_sink(&h);
    assert_int_equal(cs_rules_run(rs, &ds, &c, &sink, &d), CS_OK);
    for (size_t i = 0; i < h.count; i++)
        fprintf(stderr, "fired: %s\n", h.items[i].rule->code);
    assert_int_equal(h.count, 0);
    cs_rule_hits_free(&h);
    cs_ds_free(&ds);
    cs_ruleset_free(rs);
    cs_calendar_free(cal);
}

static void test_string_builtins(void **state)
{
    (void)state;
    check_truth(
        "rule T1 error on Child \"m\" require len(UPN) = 13 and len(\"\") = 0\n"
        "rule T2 error on Child \"m\" require upper(\"ab1\") = \"AB1\" and lower(\"AB1\") = \"ab1\"\n"
        "rule T3 error on Child \"m\" require substr(UPN, 2, 3) = \"123\"\n"
        "rule T4 error on Child \"m\" require substr(\"abc\", 3, 10) = \"c\" and substr(\"abc\", 4, 1) "
        "= \"\"\n"
        "rule T5 error on Child \"m\" require absent(substr(\"abc\", 0, 1))\n"
        "rule T6 error on Child \"m\" require trim(\"  x y \") = \"x y\"\n"
        "rule T7 error on Child \"m\" require replace(Postcode, \" \", \"\") = \"sw1a1aa\"\n"
        "rule T8 error on Child \"m\" require contains(UPN, \"456\") and starts_with(UPN, \"A1\") and "
        "ends_with(UPN, \"012\")\n"
        "rule T9 error on Child \"m\" require list_has(\"K1, K2 ,R3\", \"K2\") and not "
        "list_has(\"K1,K2\", \"K\")\n"
        "rule T10 error on Child \"m\" require matches(UPN, \"[A-HJ-NP-RT-Z]\\\\d{12}\")\n"
        "rule T11 error on Child \"m\" require not matches(UPN, \"[B-Z]\\\\d{12}\") and "
        "matches(\"UN3\", \"UN[1-5]\") and matches(\"\", \"a*\")\n"
        "rule T12 error on Child \"m\" require matches(\"ab\", \"(a|b)+\") and not matches(\"abc\", "
        "\"(a|b)+\") and matches(\"x.y\", \"x\\\\.y\")\n"
        "rule T13 error on Child \"m\" require postcode_shape(Postcode) and postcode_shape(\"EC1A1BB\") "
        "and postcode_shape(\"W1A 0AX\") and postcode_shape(\"M1 1AE\")\n"
        "rule T14 error on Child \"m\" require not postcode_shape(\"SW1A  1AA\") and not "
        "postcode_shape(\"1W1A 1AA\") and not postcode_shape(\"SW1A 1A\")\n"
        /* UPN check letter: cin-census.md §3 (sum digit*position 2..13, mod 23) */
        "rule T15 error on Child \"m\" require upn_check_letter(\"X801200001001\") = \"H\"\n"
        "rule T16 error on Child \"m\" require absent(upn_check_letter(\"X80120000100\")) and "
        "absent(upn_check_letter(\"X8012000010I1\"))\n"
        "rule T17 error on Child \"m\" require text(2025-03-31) = \"2025-03-31\" and text(42) = \"42\" "
        "and text(PersonDeathDate) = \"2021-02-30\"\n"
        "rule T18 error on Child \"m\" require to_int(\" 12 \") = 12 and invalid(to_int(\"1x\"))\n"
        "rule T19 error on Child \"m\" require to_date(\"31/03/2025\") = 2025-03-31 and "
        "to_date(\"2025-03-31\") = 2025-03-31 and invalid(to_date(\"2025-3-31\"))\n"
        "rule T20 error on Child \"m\" require abs(-5) = 5 and hypot(3, 4) = 5 and hypot(1, 1) = 1\n"
        "rule T21 error on Child \"m\" require least(3, 5) = 3 and greatest(2025-01-01, 2024-01-01) "
        "= 2024-01-01 + 366\n"
        "rule T22 error on Child \"m\" require least(ExpectedPersonBirthDate, 2025-01-01) = "
        "2025-01-01\n"
        "rule T23 error on Child \"m\" require coalesce(ExpectedPersonBirthDate, PersonDeathDate, "
        "2020-01-01) = 2020-01-01\n"
        "rule T24 error on Child \"m\" require if(Sex = \"M\", 1, 2) = 1 and if(Sex = \"F\", 1, 2) = 2\n"
        "rule T25 error on Child \"m\" require 7 / 2 = 3 and 7 % 2 = 1 and -7 + 2 * 3 = -1 and "
        "absent(1 / 0) and absent(1 % 0)\n"
        "rule T26 error on Child \"m\" require absent(2147483647 + 1)\n"
        "rule T27 error on Child \"m\" require \"B\" > \"A\" and \"AB\" < \"B\"\n"
        "rule F1 error on Child \"m\" require upper(Sex) = \"F\"\n"
        "rule F2 error on Child \"m\" require matches(UPN, \"A\\\\d{11}\")\n");
}

static void test_absent_and_invalid(void **state)
{
    (void)state;
    check_truth(
        /* PersonDeathDate is invalid (2021-02-30), ExpectedPersonBirthDate absent */
        "rule T1 error on Child \"m\" require present(PersonDeathDate) and invalid(PersonDeathDate) "
        "and not valid(PersonDeathDate)\n"
        "rule T2 error on Child \"m\" require absent(ExpectedPersonBirthDate) and not "
        "present(ExpectedPersonBirthDate) and not valid(ExpectedPersonBirthDate) and not "
        "invalid(ExpectedPersonBirthDate)\n"
        "rule T3 error on Child \"m\" require not (ExpectedPersonBirthDate = 2020-01-01)\n"
        "rule T4 error on Child \"m\" require not (ExpectedPersonBirthDate != 2020-01-01)\n"
        "rule T5 error on Child \"m\" require not (PersonDeathDate < 2099-01-01) and not "
        "(PersonDeathDate >= 1900-01-01)\n"
        "rule T6 error on Child \"m\" require not (Ethnicity in {\"WBRI\"}) and not (Ethnicity not "
        "in {\"WBRI\"})\n"
        "rule T7 error on Child \"m\" require not is_true(Ethnicity) and not is_false(Ethnicity)\n"
        "rule T8 error on CINdetails \"m\" require is_false(ReferralNFA) and not "
        "is_true(ReferralNFA) and not ReferralNFA\n"
        "rule T9 error on Child \"m\" require absent(ExpectedPersonBirthDate + 1) and "
        "absent(days(ExpectedPersonBirthDate, 2025-01-01)) and absent(upper(Ethnicity))\n"
        "rule T10 error on Child \"m\" require absent(len(text(ExpectedPersonBirthDate)))\n"
        "rule T11 error on Child \"m\" require not matches(Ethnicity, \".*\")\n"
        "rule T12 error on Child \"m\" require (absent(Ethnicity) or Ethnicity = \"X\") and not "
        "(Ethnicity = \"X\" and true)\n"
        "rule T13 error on Child \"m\" require is_true(\"TRUE\") and is_true(\"1\") and "
        "is_false(\" false \") and not is_true(\"yes\")\n"
        /* a finding when the comparison cannot be made: require is false */
        "rule F1 error on Child \"m\" require ExpectedPersonBirthDate < 2099-01-01\n"
        "rule F2 error on Child \"m\" require PersonDeathDate = PersonDeathDate\n"
        "rule F3 error on Child \"m\" require Ethnicity not in {\"WBRI\"}\n"
        /* when with an absent value is not true: no finding */
        "rule T14 error on Child \"m\" when ExpectedPersonBirthDate < 2099-01-01 require false\n");
}

/* ---- aggregates -------------------------------------------------------- */

/* Two children. C1: episodes E1 (two CPPs, one open; an assessment), E2
 * (closed, one CPP open). C2: one episode, no plans, Disabilities. */
static void family(cs_dataset *ds)
{
    cs_ds_init(ds, &rt_schema);
    uint32_t m = add(ds, RG_MSG, 0);
    uint32_t h = add(ds, RG_HDR, m);
    sv(ds, RG_HDR, h, H_REF, "2026-03-31");
    uint32_t c1 = add(ds, RG_CHILD, m);
    sv(ds, RG_CHILD, c1, C_ID, "C1");
    sv(ds, RG_CHILD, c1, C_UPN, "A123456789012");
    uint32_t c2 = add(ds, RG_CHILD, m);
    sv(ds, RG_CHILD, c2, C_ID, "C2");
    sv(ds, RG_CHILD, c2, C_UPN, "A123456789012");   /* duplicate UPN */
    uint32_t c3 = add(ds, RG_CHILD, m);
    sv(ds, RG_CHILD, c3, C_ID, "C3");
    sv(ds, RG_CHILD, c3, C_UPN, "B123456789012");
    uint32_t e1 = add(ds, RG_CIN, c1);
    sv(ds, RG_CIN, e1, E_REF, "2025-05-01");
    uint32_t e2 = add(ds, RG_CIN, c1);
    sv(ds, RG_CIN, e2, E_REF, "2025-09-01");
    sv(ds, RG_CIN, e2, E_CLOSE, "2026-01-10");
    uint32_t e3 = add(ds, RG_CIN, c2);
    sv(ds, RG_CIN, e3, E_REF, "2025-06-01");
    uint32_t p1 = add(ds, RG_CPP, e1);
    sv(ds, RG_CPP, p1, P_START, "2025-06-01");
    sv(ds, RG_CPP, p1, P_END, "2025-08-01");
    sv(ds, RG_CPP, p1, P_PREV, "2");
    uint32_t p2 = add(ds, RG_CPP, e1);
    sv(ds, RG_CPP, p2, P_START, "2025-07-01");
    sv(ds, RG_CPP, p2, P_PREV, "3");
    uint32_t p3 = add(ds, RG_CPP, e2);
    sv(ds, RG_CPP, p3, P_START, "2025-04-01");   /* before its referral */
    uint32_t r1 = add(ds, RG_REV, p1);
    sv(ds, RG_REV, r1, R_DATE, "2025-06-01");    /* on the start day */
    uint32_t r2 = add(ds, RG_REV, p1);
    sv(ds, RG_REV, r2, R_DATE, "2025-07-15");
    uint32_t a1 = add(ds, RG_ASS, e1);
    sv(ds, RG_ASS, a1, A_START, "2025-05-02");
    uint32_t d1 = add(ds, RG_DIS, c2);
    sv(ds, RG_DIS, d1, D_DIS, "MOB");
    uint32_t d2 = add(ds, RG_DIS, c2);
    sv(ds, RG_DIS, d2, D_DIS, "MOB");
    uint32_t d3 = add(ds, RG_DIS, c3);
    sv(ds, RG_DIS, d3, D_DIS, "NONE");
    finalize(ds);
}

static void test_aggregates(void **state)
{
    (void)state;
    cs_ruleset *rs = rt_compile(
        /* siblings: CPPs in the same episode (without a binder) */
        "rule SIB error on ChildProtectionPlans \"m\"\n"
        "  require count(ChildProtectionPlans where absent(CPPendDate)) <= 0\n"
        /* descendants across levels: all the child's CPPs */
        "rule DESC error on Child \"m\" require count(ChildProtectionPlans) = 3\n"
        "rule DESC2 error on Child \"m\" require count(p in Child.ChildProtectionPlans where "
        "absent(p.CPPendDate)) <= 1\n"
        /* parent access and named binder against `this` */
        "rule 1105 error on ChildProtectionPlans \"m\" fields CPPstartDate, "
        "CINdetails.CINreferralDate\n"
        "  when present(CPPstartDate) require CPPstartDate >= parent.CINreferralDate\n"
        "rule ANY error on CINdetails \"m\"\n"
        "  require any(b in Child.CINdetails where b != this and b.CINreferralDate > "
        "CINreferralDate)\n"
        "rule ALL error on ChildProtectionPlans \"m\"\n"
        "  require all(r in Reviews where r.CPPreviewDate > CPPstartDate)\n"
        "rule NONE error on Child \"m\" require none(c in CINdetails where present(c.CINclosureDate))\n"
        "rule MIN error on Child \"m\" when count(CINdetails) > 0\n"
        "  require min(c.CINreferralDate for c in CINdetails) = 2025-05-01\n"
        "rule MAX error on Child \"m\" when count(CINdetails) > 0\n"
        "  require max(c.CINreferralDate for c in CINdetails) = 2025-09-01\n"
        "rule SUM error on Child \"m\" require sum(p.NumberOfPreviousCPP for p in "
        "ChildProtectionPlans where present(p.CPPendDate)) = 2\n"
        "rule FIRST error on Child \"m\" require first(c in CINdetails where "
        "present(c.CINclosureDate)).CINreferralDate = 2025-09-01\n"
        "rule FINAL error on Child \"m\" require final(c in CINdetails).CINreferralDate = "
        "2025-09-01\n"
        "rule NOROW error on Child \"m\" require absent(first(c in CINdetails where false))\n"
        "rule DIST error on Child \"m\" require distinct(d.Disability for d in Disabilities) = 1\n"
        "rule NEST error on Child \"m\" require count(c in CINdetails where count(c.ChildProtectionPlans) "
        "> 0 and any(p in c.ChildProtectionPlans where p.CPPstartDate < c.CINreferralDate)) = 0\n"
        /* review on or before its plan's start (8841): two levels up via binder */
        "rule 8841 error on Reviews \"m\" require CPPreviewDate > ChildProtectionPlans.CPPstartDate\n"
        /* indexed count over the whole return (1520) and the plain loop agree */
        "rule 1520 error on Child \"m\" when present(UPN) require count(c in Child where c.UPN = UPN) "
        "= 1\n"
        "rule 1520b error on Child \"m\" when present(UPN) require count(c in Child where UPN = "
        "c.UPN and true) = 1\n"
        "rule 8794 error on Disabilities \"m\" require count(d in Disabilities where d.Disability = "
        "Disability) = 1\n"
        /* one row by position: 1-based, negative from the end, absent outside */
        "rule IDX error on Child \"m\" require CINdetails[1].CINreferralDate = 2025-05-01\n"
        "rule IDX2 error on Child \"m\" require CINdetails[-1].CINreferralDate = 2025-09-01 and "
        "CINdetails[count(CINdetails)] = CINdetails[-1]\n"
        "rule IDX3 error on Child \"m\" require absent(CINdetails[0]) and absent(CINdetails[3]) and "
        "absent(CINdetails[-3])\n",
        "2025-26");
    assert_non_null(rs);
    cs_dataset ds;
    family(&ds);
    cs_rule_hits h;
    run(rs, &ds, NULL, &h);
    /* CPP rows after finalize: e1: p1 (0), p2 (1); e2: p3 (2) */
    assert_string_equal(fired(&h, "SIB"), "7:0 7:1 7:2");
    assert_string_equal(fired(&h, "DESC"), "2:1 2:2");
    assert_string_equal(fired(&h, "DESC2"), "2:0");
    assert_string_equal(fired(&h, "1105"), "7:2");
    /* ANY: C1's e2 has no later sibling; e3 has no sibling */
    assert_string_equal(fired(&h, "ANY"), "4:1 4:2");
    assert_string_equal(fired(&h, "ALL"), "7:0");
    assert_string_equal(fired(&h, "NONE"), "2:0");
    assert_string_equal(fired(&h, "MIN"), "2:1");
    assert_string_equal(fired(&h, "MAX"), "2:1");
    assert_string_equal(fired(&h, "SUM"), "2:1 2:2");
    assert_string_equal(fired(&h, "FIRST"), "2:1 2:2");
    assert_string_equal(fired(&h, "FINAL"), "2:1 2:2");
    assert_string_equal(fired(&h, "NOROW"), "");
    assert_string_equal(fired(&h, "DIST"), "2:0");
    assert_string_equal(fired(&h, "NEST"), "2:0");
    assert_string_equal(fired(&h, "8841"), "8:0");
    assert_string_equal(fired(&h, "1520"), "2:0 2:1");
    assert_string_equal(fired(&h, "1520b"), "2:0 2:1");
    assert_string_equal(fired(&h, "8794"), "3:0 3:1");
    assert_string_equal(fired(&h, "IDX"), "2:1 2:2");
    assert_string_equal(fired(&h, "IDX2"), "2:1 2:2");
    assert_string_equal(fired(&h, "IDX3"), "");
    /* the rule's fields: declared first, then the ones it reads on its row */
    const cs_rule *r = cs_ruleset_find(rs, "1105");
    assert_int_equal(r->nfields, 2);
    assert_int_equal(r->fields[0].group, RG_CPP);
    assert_int_equal(r->fields[1].group, RG_CIN);
    assert_true(r->fields[1].declared && r->fields[1].on_row);
    r = cs_ruleset_find(rs, "8841");
    assert_int_equal(r->nfields, 2);
    assert_false(r->fields[1].declared);
    assert_int_equal(r->fields[1].group, RG_CPP);
    cs_rule_hits_free(&h);
    cs_ds_free(&ds);
    cs_ruleset_free(rs);
}

static void test_return_level(void **state)
{
    (void)state;
    cs_ruleset *rs = rt_compile(
        "rule 2883 error on return \"more plans than conferences\"\n"
        "  require count(p in ChildProtectionPlans where in_period(p.CPPstartDate)) <=\n"
        "          count(c in CINdetails where in_period(c.DateOfInitialCPC))\n"
        "rule 2886Q query on return \"over 2% with no sex\"\n"
        "  require count(c in Child where absent(c.Sex)) * 100 <= count(Child) * 2\n"
        "rule 2887Q query on return \"fewer than 8 disability codes\"\n"
        "  require distinct(d.Disability for d in Disabilities where d.Disability != \"NONE\") >= 8\n"
        "rule 2888Q query on return \"one code each\"\n"
        "  when any(d in Disabilities where d.Disability != \"NONE\")\n"
        "  require max(count(d in c.Disabilities where d.Disability != \"NONE\") for c in Child) >= 2\n"
        "rule HDR error on return \"header\" require Header.ReferenceDate = ReferenceDate\n"
        "rule OK error on return \"fine\" require count(Child) = 3\n",
        "2025-26");
    assert_non_null(rs);
    cs_dataset ds;
    family(&ds);
    cs_rule_hits h;
    run(rs, &ds, NULL, &h);
    assert_string_equal(fired(&h, "2883"), "0:0");   /* root group, row 0 */
    assert_string_equal(fired(&h, "2886Q"), "0:0");
    assert_string_equal(fired(&h, "2887Q"), "0:0");
    assert_string_equal(fired(&h, "2888Q"), "");     /* C2 has MOB twice */
    assert_string_equal(fired(&h, "HDR"), "");
    assert_string_equal(fired(&h, "OK"), "");
    assert_int_equal(cs_ruleset_find(rs, "2883")->group, -1);
    cs_rule_hits_free(&h);
    cs_ds_free(&ds);
    cs_ruleset_free(rs);
}

/* ---- prev/next and last year ------------------------------------------ */

static uint32_t episode(cs_dataset *ds, uint32_t child, const char *decom, const char *dec,
                        const char *rne, const char *rec, const char *place)
{
    uint32_t e = add(ds, RG_EP, child);
    sv(ds, RG_EP, e, EP_DECOM, decom);
    sv(ds, RG_EP, e, EP_DEC, dec);
    sv(ds, RG_EP, e, EP_RNE, rne);
    sv(ds, RG_EP, e, EP_REC, rec);
    sv(ds, RG_EP, e, EP_PLACE, place);
    return e;
}

/* this year: C1 three episodes (added out of order), C2 one; last year: C1
 * (open episode, sex F), C9 */
static void episodes(cs_dataset *ds, cs_dataset *last)
{
    cs_ds_init(ds, &rt_schema);
    uint32_t m = add(ds, RG_MSG, 0);
    uint32_t c1 = add(ds, RG_CHILD, m);
    sv(ds, RG_CHILD, c1, C_ID, "C1");
    sv(ds, RG_CHILD, c1, C_SEX, "M");
    uint32_t c2 = add(ds, RG_CHILD, m);
    sv(ds, RG_CHILD, c2, C_ID, "C2");
    episode(ds, c1, "2025-06-01", "2025-07-01", "P", "X1", "U1");
    episode(ds, c1, "2025-03-01", "2025-06-01", "S", "X1", "T1");   /* earliest */
    episode(ds, c1, "2025-07-01", "", "P", "", "U4");
    episode(ds, c2, "2025-05-01", "2025-05-10", "S", "X1", "U1");   /* X1 with no next */
    finalize(ds);
    cs_ds_init(last, &rt_schema);
    m = add(last, RG_MSG, 0);
    uint32_t l1 = add(last, RG_CHILD, m);
    sv(last, RG_CHILD, l1, C_ID, "C1");
    sv(last, RG_CHILD, l1, C_SEX, "F");
    episode(last, l1, "2024-01-01", "2024-06-01", "S", "X1", "U1");
    episode(last, l1, "2024-06-01", "", "P", "", "T1");
    uint32_t l9 = add(last, RG_CHILD, m);
    sv(last, RG_CHILD, l9, C_ID, "C9");
    finalize(last);
}

static void test_prev_next(void **state)
{
    (void)state;
    cs_ruleset *rs = rt_compile(
        /* 388: X1 must be followed by an episode starting that day */
        "rule 388 error on Episodes \"m\"\n"
        "  when REC = \"X1\" and present(DEC)\n"
        "  require present(next) and next.DECOM = DEC\n"
        "rule 433 error on Episodes \"m\" when RNE in {\"P\", \"T\"} and present(prev)\n"
        "  require prev.DEC = DECOM\n"
        "rule FIRSTEP error on Episodes \"m\" require present(prev) or RNE = \"S\"\n"
        "rule PP error on Episodes \"m\" when present(prev.prev) require prev.prev.PLACE = \"T1\"\n"
        "rule CHAIN error on Episodes \"m\" when absent(next) require absent(next.next)\n"
        "rule BIN error on Child \"m\" require all(e in Episodes where absent(e.prev) or "
        "e.prev.DECOM < e.DECOM)\n",
        "2025-26");
    assert_non_null(rs);
    cs_dataset ds, last;
    episodes(&ds, &last);
    cs_rule_hits h;
    run(rs, &ds, NULL, &h);
    /* C1 episodes are sorted: 0 (Mar, S), 1 (Jun, P), 2 (Jul, P); C2: 3 */
    assert_string_equal(fired(&h, "388"), "9:3");
    assert_string_equal(fired(&h, "433"), "");
    assert_string_equal(fired(&h, "FIRSTEP"), "");
    assert_string_equal(fired(&h, "PP"), "");
    assert_string_equal(fired(&h, "CHAIN"), "");
    assert_string_equal(fired(&h, "BIN"), "");
    cs_rule_hits_free(&h);
    cs_ds_free(&ds);
    cs_ds_free(&last);
    cs_ruleset_free(rs);
}

static void test_last_year(void **state)
{
    (void)state;
    cs_ruleset *rs = rt_compile(
        "rule 202 error on Child \"sex changed\" when has_last require last.Sex = Sex\n"
        "rule 502 error on Episodes \"carry over\"\n"
        "  when absent(prev) and has_last\n"
        "  let open = final(e in last.Episodes)\n"
        "  when present(open) and absent(open.DEC)\n"
        "  require open.DECOM = DECOM\n"
        "rule NoE error on Episodes \"no episodes last year\" when DECOM < CollectionStart\n"
        "  require count(last.Episodes) > 0\n"
        "rule OPT error on Child \"optional\" optional last\n"
        "  require not has_last or last.Child.LAchildID = LAchildID\n"
        "rule LH error on Child \"last header absent\" require absent(last.Header)\n"
        "rule ROOT error on Child \"root rows of each year\" when has_last\n"
        "  require count(last.Message) = 1 and count(Message) = 1 and count(last.Child) = 2\n"
        "rule LIX error on Child \"last year's final episode is open\" when has_last\n"
        "  require absent(last.Episodes[-1].DEC) and last.Episodes[1].DEC = 2024-06-01\n"
        "rule NOLAST error on Child \"plain\" require true\n",
        "2025-26");
    assert_non_null(rs);
    assert_int_equal(cs_ruleset_find(rs, "202")->last, CS_LAST_REQUIRED);
    assert_int_equal(cs_ruleset_find(rs, "OPT")->last, CS_LAST_OPTIONAL);
    assert_int_equal(cs_ruleset_find(rs, "NOLAST")->last, CS_LAST_NONE);
    cs_dataset ds, last;
    episodes(&ds, &last);
    cs_rule_hits h;
    run(rs, &ds, &last, &h);
    assert_string_equal(fired(&h, "202"), "2:0");
    /* C1's first episode starts 2025-03-01, last year's open one 2024-06-01 */
    assert_string_equal(fired(&h, "502"), "9:0");
    /* C2 is not in last year's return */
    assert_string_equal(fired(&h, "NoE"), "");
    assert_string_equal(fired(&h, "OPT"), "");
    assert_string_equal(fired(&h, "LH"), "");
    assert_string_equal(fired(&h, "LIX"), "");
    assert_string_equal(fired(&h, "ROOT"), "");
    assert_int_equal(h.nnot_run, 0);
    cs_rule_hits_free(&h);
    /* without last year's return: each needing rule reported once, not run */
    run(rs, &ds, NULL, &h);
    assert_int_equal(h.nnot_run, 6);   /* 202, 502, NoE, LH, ROOT, LIX */
    for (size_t i = 0; i < h.nnot_run; i++)
        assert_string_equal(h.not_run_reason[i], "not run: needs last year's return");
    assert_string_equal(h.not_run[0]->code, "202");
    assert_int_equal(nfired(&h, "202"), 0);
    assert_int_equal(nfired(&h, "OPT"), 0);   /* ran, with has_last false */
    cs_rule_hits_free(&h);
    /* a dataset of another schema is refused */
    cs_ds_free(&last);
    cs_ds_free(&ds);
    cs_ruleset_free(rs);
}

static void test_defines(void **state)
{
    (void)state;
    cs_ruleset *rs = rt_compile(
        "define open_plans(e) = count(p in e.ChildProtectionPlans where absent(p.CPPendDate))\n"
        "define started_before(a, b) = present(a) and present(b) and a < b\n"
        "define year_start = CollectionStart\n"
        "rule D1 error on CINdetails \"m\" require open_plans(this) <= 0\n"
        "rule D2 error on ChildProtectionPlans \"m\" require not started_before(CPPstartDate, "
        "parent.CINreferralDate)\n"
        "rule D3 error on Child \"m\" require year_start = 2025-04-01\n"
        "rule D4 error on Child \"m\" require open_plans(first(c in CINdetails)) = 0\n",
        "2025-26");
    assert_non_null(rs);
    cs_dataset ds;
    family(&ds);
    cs_rule_hits h;
    run(rs, &ds, NULL, &h);
    assert_string_equal(fired(&h, "D1"), "4:0 4:1");
    assert_string_equal(fired(&h, "D2"), "7:2");
    assert_string_equal(fired(&h, "D3"), "");
    assert_string_equal(fired(&h, "D4"), "2:0");   /* C3 has no episode: absent row, 0 plans */
    cs_rule_hits_free(&h);
    cs_ds_free(&ds);
    cs_ruleset_free(rs);
}

/* ---- folders: inheritance, codes, reference tables, local rules -------- */

static char tmpdir[256];

static void write_file(const char *rel, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, rel);
    for (char *p = path + strlen(tmpdir) + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(path, 0700);
            *p = '/';
        }
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int rm_tree(const char *p)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", p);
    return system(cmd);
}

static int setup_tree(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/cscdw-rules-XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    write_file("rtest/2024-25/ruleset.yaml", "description: base year\n");
    write_file("rtest/2024-25/child.rules",
               "define is_white(x) = x in eth\n"
               "rule A error on Child \"ethnicity\" when present(Ethnicity) require Ethnicity in eth\n"
               "rule B error on Child \"dropped later\" require false\n"
               "rule C error on Child \"old message\" require false\n");
    write_file("rtest/2024-25/codes/eth.txt", "# ethnicity\nWBRI White British\nWIRI\n");
    write_file("rtest/2025-26/ruleset.yaml", "inherits: 2024-25\ndrop: [B]\n");
    write_file("rtest/2025-26/more.rules",
               "rule C error on Child \"new message\" require Sex != \"X\"\n"
               "rule D error on Child \"new\" require is_white(Ethnicity) or absent(Ethnicity)\n"
               "rule E error on Child \"lookup\" when present(Postcode)\n"
               "  require lookup(postcodes, Postcode, la) = \"E09000027\" and Postcode in postcodes\n");
    write_file("rtest/2025-26/codes/eth.txt", "WBRI\nAIND\n");
    write_file("rtest/2025-26/reference/postcodes.tsv",
               "pcd\tla\toseast1m\nSW1A 1AA\tE09000033\t529090\nN1 9GU\tE09000019\t530000\n");
    write_file("rtest/2026-27/ruleset.yaml",
               "inherits: 2025-26\ntables:\n  ofsted: [URN, REG_END]\n");
    write_file("rtest/2026-27/x.rules", "rule G error on Child \"g\" require true\n"
                                        "rule F error on Episodes \"ofsted\" when present(URN)\n"
                                        "  require URN in ofsted\n");
    write_file("local/rtest/ruleset.yaml", "drop: [C]\n");
    write_file("local/rtest/la.rules", "rule LA1 warning on Child \"local check\" require true\n");
    write_file("calendar/england-and-wales.tsv", "2025-12-25\tChristmas Day\n");
    return 0;
}

static int teardown_tree(void **state)
{
    (void)state;
    return rm_tree(tmpdir);
}

static cs_ruleset *load_year(const char *year, int local, cs_rule_errors *errs)
{
    cs_ruleset_opts o;
    memset(&o, 0, sizeof o);
    o.rules_dir = tmpdir;
    o.ret = "rtest";
    o.year = year;
    o.schema = &rt_schema;
    o.include_local = local;
    cs_ruleset *rs = NULL;
    cs_diag d;
    cs_diag_clear(&d);
    cs_rule_errors_init(errs);
    cs_ruleset_load(&rs, &o, errs, &d);
    for (size_t i = 0; i < errs->count; i++)
        fprintf(stderr, "%s\n", errs->items[i].text);
    return rs;
}

static void test_inheritance(void **state)
{
    (void)state;
    cs_rule_errors errs;
    cs_ruleset *rs = load_year("2025-26", 0, &errs);
    assert_non_null(rs);
    assert_int_equal(errs.count, 0);
    cs_rule_errors_free(&errs);
    assert_non_null(cs_ruleset_find(rs, "A"));
    assert_null(cs_ruleset_find(rs, "B"));
    assert_string_equal(cs_ruleset_find(rs, "C")->message, "new message");
    assert_non_null(cs_ruleset_find(rs, "D"));
    assert_string_equal(cs_ruleset_year(rs), "2025-26");
    assert_int_equal(cs_ruleset_source_count(rs), 2);
    /* the year's period and calendar come with the set */
    cs_rules_context c;
    cs_rules_context_init(&c, rs);
    assert_int_equal(c.collection_start, cs_date_from_ymd(2025, 4, 1));
    assert_int_equal(c.reference_date, cs_date_from_ymd(2026, 3, 31));
    assert_non_null(c.calendar);
    /* inherited rule A uses 2025-26's code list (AIND in, WIRI out) */
    cs_dataset ds;
    cs_ds_init(&ds, &rt_schema);
    uint32_t m = add(&ds, RG_MSG, 0);
    const char *eths[] = {"WBRI", "WIRI", "AIND"};
    for (int i = 0; i < 3; i++) {
        uint32_t ch = add(&ds, RG_CHILD, m);
        sv(&ds, RG_CHILD, ch, C_ETH, eths[i]);
    }
    uint32_t ch = add(&ds, RG_CHILD, m);
    sv(&ds, RG_CHILD, ch, C_POST, "SW1A 1AA");
    uint32_t ep = add(&ds, RG_EP, ch);
    sv(&ds, RG_EP, ep, EP_URN, "SC123456");
    finalize(&ds);
    cs_rule_hits h;
    run(rs, &ds, NULL, &h);
    assert_string_equal(fired(&h, "A"), "2:1");
    assert_string_equal(fired(&h, "D"), "2:1");
    assert_string_equal(fired(&h, "E"), "2:3");   /* SW1A 1AA is in Westminster */
    cs_rule_hits_free(&h);
    cs_ruleset_free(rs);
    /* 2026-27 declares the ofsted table without supplying it: F compiles
     * and is reported as not run */
    rs = load_year("2026-27", 1, &errs);
    assert_non_null(rs);
    cs_rule_errors_free(&errs);
    assert_non_null(cs_ruleset_find(rs, "F"));
    assert_null(cs_ruleset_find(rs, "C"));       /* dropped by the local folder */
    assert_true(cs_ruleset_find(rs, "LA1")->local);
    run(rs, &ds, NULL, &h);
    assert_int_equal(h.nnot_run, 1);
    assert_string_equal(h.not_run[0]->code, "F");
    assert_string_equal(h.not_run_reason[0], "not run: needs reference table ofsted");
    cs_rule_hits_free(&h);
    cs_ruleset_free(rs);
    cs_ds_free(&ds);
}

static void test_inheritance_errors(void **state)
{
    (void)state;
    write_file("rtest/2025-26/more.rules",
               "rule F error on Episodes \"ofsted\" when present(URN) require URN in ofsted\n");
    cs_rule_errors errs;
    cs_ruleset *rs = load_year("2025-26", 0, &errs);
    assert_null(rs);
    assert_int_equal(errs.count, 1);
    assert_non_null(strstr(errs.items[0].message, "unknown code list 'ofsted'"));
    cs_rule_errors_free(&errs);
    /* drop of an unknown code, duplicate code in a folder, circular inherits */
    write_file("rtest/2025-26/ruleset.yaml", "inherits: 2024-25\ndrop: [B, ZZZ]\n");
    write_file("rtest/2025-26/more.rules", "rule Q error on Child \"a\" require true\n");
    write_file("rtest/2025-26/more2.rules", "rule Q error on Child \"b\" require true\n");
    rs = load_year("2025-26", 0, &errs);
    assert_null(rs);
    assert_int_equal(errs.count, 2);
    assert_non_null(strstr(errs.items[0].message, "drop: no inherited rule has the code ZZZ"));
    assert_int_equal(errs.items[0].line, 2);
    assert_non_null(strstr(errs.items[1].message, "duplicate rule code Q"));
    assert_non_null(strstr(errs.items[1].file, "more2.rules"));
    cs_rule_errors_free(&errs);
    write_file("rtest/2024-25/ruleset.yaml", "inherits: 2025-26\n");
    write_file("rtest/2025-26/ruleset.yaml", "inherits: 2024-25\nschedule: never\n");
    rs = load_year("2025-26", 0, &errs);
    assert_null(rs);
    int circle = 0, unknown_key = 0;
    for (size_t i = 0; i < errs.count; i++) {
        circle |= strstr(errs.items[i].message, "circle") != NULL;
        unknown_key |= strstr(errs.items[i].message, "unknown key 'schedule'") != NULL;
    }
    assert_true(circle);
    assert_true(unknown_key);
    cs_rule_errors_free(&errs);
    /* a year folder that does not exist is an operational error */
    cs_ruleset_opts o;
    memset(&o, 0, sizeof o);
    o.rules_dir = tmpdir;
    o.ret = "rtest";
    o.year = "1999-00";
    o.schema = &rt_schema;
    cs_diag d;
    assert_int_equal(cs_ruleset_load(&rs, &o, NULL, &d), CS_ERR_IO);
}

static void test_context_checks(void **state)
{
    (void)state;
    cs_ruleset *rs = rt_compile("rule X error on Child \"m\" require true\n", "2025-26");
    assert_non_null(rs);
    cs_dataset ds;
    cs_ds_init(&ds, &rt_schema);
    add(&ds, RG_MSG, 0);
    cs_rules_context c;
    cs_rules_context_init(&c, rs);
    cs_rule_hits h;
    cs_rule_hits_init(&h);
    cs_rule_sink sink = cs_rule_hits_sink(&h);
    cs_diag d;
    assert_int_equal(cs_rules_run(rs, &ds, &c, &sink, &d), CS_ERR_INTERNAL);   /* not finalized */
    finalize(&ds);
    assert_int_equal(cs_rules_run(rs, &ds, &c, &sink, &d), CS_OK);
    static const cs_ds_schema other = {"other", rt_groups, RG_N, RG_MSG, RG_CHILD, C_ID, RG_HDR};
    cs_dataset o;
    cs_ds_init(&o, &other);
    finalize(&o);
    assert_int_equal(cs_rules_run(rs, &o, &c, &sink, &d), CS_ERR_CONFIG);
    c.last = &o;
    assert_int_equal(cs_rules_run(rs, &ds, &c, &sink, &d), CS_ERR_CONFIG);
    assert_int_equal(cs_rules_year_period("2025-27", &c.collection_start, &c.collection_end), 0);
    assert_int_equal(cs_rules_year_period("2026", &c.collection_start, &c.collection_end), 1);
    assert_int_equal(c.collection_start, cs_date_from_ymd(2025, 4, 1));
    assert_int_equal(cs_rules_year_period("1999-00", &c.collection_start, &c.collection_end), 1);
    assert_int_equal(c.collection_end, cs_date_from_ymd(2000, 3, 31));
    assert_int_equal(cs_rules_year_period("soon", &c.collection_start, &c.collection_end), 0);
    cs_rule_hits_free(&h);
    cs_ds_free(&o);
    cs_ds_free(&ds);
    cs_ruleset_free(rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_date_builtins),
        cmocka_unit_test(test_working_days),
        cmocka_unit_test(test_string_builtins),
        cmocka_unit_test(test_absent_and_invalid),
        cmocka_unit_test(test_aggregates),
        cmocka_unit_test(test_return_level),
        cmocka_unit_test(test_prev_next),
        cmocka_unit_test(test_last_year),
        cmocka_unit_test(test_defines),
        cmocka_unit_test_setup_teardown(test_inheritance, setup_tree, teardown_tree),
        cmocka_unit_test_setup_teardown(test_inheritance_errors, setup_tree, teardown_tree),
        cmocka_unit_test(test_context_checks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
