/* Compile errors: syntax errors, unknown fields and groups, type errors,
 * unknown functions and code lists, duplicate codes, misuse of rows and
 * aggregates — each reported at the right line and column with the source
 * line and a caret, and all of a file's errors reported together. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "rules_schema.h"

static void dump(const cs_rule_errors *e)
{
    for (size_t i = 0; i < e->count; i++)
        fprintf(stderr, "  [%zu] %s\n", i, e->items[i].text);
}

/* The text must fail with an error at line:col whose message contains
 * `part`. */
static void expect_error(const char *text, uint32_t line, uint32_t col, const char *part)
{
    cs_rule_errors e;
    int failed = rt_compile_errors(text, &e);
    int found = 0;
    for (size_t i = 0; i < e.count; i++)
        if (e.items[i].line == line && e.items[i].col == col && strstr(e.items[i].message, part))
            found = 1;
    if (!failed || !found) {
        fprintf(stderr, "wanted %u:%u \"%s\" for:\n%s\ngot:\n", line, col, part, text);
        dump(&e);
    }
    cs_rule_errors_free(&e);
    assert_true(failed);
    assert_true(found);
}

static void expect_ok(const char *text)
{
    cs_ruleset *rs = rt_compile(text, "2025-26");
    assert_non_null(rs);
    cs_ruleset_free(rs);
}

static void test_design_examples_compile(void **state)
{
    (void)state;
    expect_ok("# rules/cin/2025-26/child.rules\n"
              "rule 8525Q query on Child\n"
              "  \"Either the date of birth or the expected date of birth should be given, not both\"\n"
              "  fields PersonBirthDate, ExpectedPersonBirthDate\n"
              "  require present(PersonBirthDate) != present(ExpectedPersonBirthDate)\n"
              "\n"
              "rule 1105 error on ChildProtectionPlans\n"
              "  \"A child protection plan cannot start before the referral\"\n"
              "  fields CPPstartDate, CINdetails.CINreferralDate\n"
              "  when present(CPPstartDate)\n"
              "  require CPPstartDate >= parent.CINreferralDate\n"
              "\n"
              "rule 8670Q query on Assessments\n"
              "  \"Assessment open more than 45 working days\"\n"
              "  when absent(AssessmentAuthorisationDate)\n"
              "  require working_days(AssessmentActualStartDate, ReferenceDate) <= 45\n"
              "rule 8935 error on ChildIdentifiers \"aliases work\" mirrors 8935\n"
              "  explain \"More than one plan is open.\" example \"two plans, no end dates\"\n"
              "  require count(ChildProtectionPlans where absent(CPPendDate)) <= 1\n"
              "rule `odd code` warning on `Child` \"quoted names\" require `Sex` = \"M\" or true\n");
}

static void test_syntax_errors(void **state)
{
    (void)state;
    expect_error("rule 1 error on Child\n  fields Sex\n  require true\n", 2, 3,
                 "expected the rule's message in quotes, found 'fields'");
    expect_error("rule 1 fatal on Child \"m\" require true\n", 1, 8,
                 "expected a severity: error, query or warning");
    expect_error("rule 1 error in Child \"m\" require true\n", 1, 14, "expected 'on'");
    expect_error("rule 1 error on Child \"m\" when Sex = \"M\"\n", 1, 1, "has no 'require'");
    expect_error("rule 1 error on Child \"m\" require (Sex = \"M\"\n", 2, 1, "expected ')'");
    expect_error("rule 1 error on Child \"m\" require 1 < 2 < 3\n", 1, 41, "do not chain");
    expect_error("rule 1 error on Child \"m\" require Sex in {M, F}\n", 1, 43,
                 "codes in a set are quoted");
    expect_error("rule 1 error on Child \"m\" require Sex in {}\n", 1, 42, "empty set");
    expect_error("rule 1 error on Child \"m\" require max(c.CINreferralDate in CINdetails) = 1\n",
                 1, 70, "expected 'for'");
    expect_error("rule 1 error on Child \"m\" frobnicate require true\n", 1, 27, "expected a clause");
    expect_error("rule 1 error on Child \"m\" optional next require true\n", 1, 36,
                 "expected 'last'");
    expect_error("when true\n", 1, 1, "expected 'rule' or 'define'");
    expect_error("define f(x, ) = 1\n", 1, 13, "expected a parameter name");
    expect_error("rule 1 error on Child \"m\" mirrors 2 mirrors 3 require true\n", 1, 37,
                 "'mirrors' given twice");
}

static void test_all_errors_of_a_file(void **state)
{
    (void)state;
    cs_rule_errors e;
    assert_true(rt_compile_errors("rule A error on Child \"m\" require Sex = \n"
                                  "rule B error on Child \"m\" require Nope = 1\n"
                                  "rule C error on Child \"m\" require Sex = 1\n"
                                  "rule D error on Child \"m\" require true\n"
                                  "rule E error on Child \"m\" require PersonBirthDate = \"x\" and "
                                  "Foo\n",
                                  &e));
    if (e.count != 5)
        dump(&e);
    assert_int_equal(e.count, 5);
    assert_int_equal(e.items[0].line, 2);   /* A: the expression ends at the next rule */
    assert_int_equal(e.items[1].line, 2);
    assert_int_equal(e.items[2].line, 3);
    assert_int_equal(e.items[3].line, 5);
    assert_int_equal(e.items[4].line, 5);
    /* the full text: file:line:col: message, the line, the caret */
    assert_string_equal(e.items[1].text,
                        "t.rules:2:35: unknown name 'Nope': not a field of Child, a group or a "
                        "context value\n"
                        "rule B error on Child \"m\" require Nope = 1\n"
                        "                                  ^");
    cs_rule_errors_free(&e);
}

static void test_unknown_names(void **state)
{
    (void)state;
    expect_error("rule 1 error on Child \"m\" require PersonBirthdate < ReferenceDate\n", 1, 35,
                 "did you mean PersonBirthDate?");
    expect_error("rule 1 error on Assessments \"m\"\n  require AssessmentActualStartDate >= "
                 "CINreferralDate\n",
                 2, 40, "(it is a field of CINdetails): write CINdetails.CINreferralDate");
    expect_error("rule 1 error on Assessments \"m\" require parent.Nope = 1\n", 1, 48,
                 "CINdetails has no field or group 'Nope'");
    expect_error("rule 1 error on Nowhere \"m\" require true\n", 1, 17, "unknown group 'Nowhere'");
    expect_error("rule 1 error on Assesments \"m\" require true\n", 1, 17,
                 "did you mean Assessments?");
    expect_error("rule 1 error on Child \"m\" fields Nope require true\n", 1, 34,
                 "unknown field 'Nope'");
    expect_error("rule 1 error on Child \"m\" fields CINdetails.Nope require true\n", 1, 34,
                 "CINdetails has no field 'Nope'");
    expect_error("rule 1 error on Child \"m\" fields CINreferralDate require true\n", 1, 34,
                 "write Group.CINreferralDate");
    expect_error("rule 1 error on Child \"m\" require lenn(UPN) = 13\n", 1, 35,
                 "unknown function 'lenn' (did you mean len?)");
    expect_error("rule 1 error on Child \"m\" require any(b in CINdetails where true) and "
                 "b.CINreferralDate < ReferenceDate\n",
                 1, 71, "unknown name 'b'");
    expect_error("rule 1 error on Child \"m\" require Sex in sexes\n", 1, 42,
                 "unknown code list 'sexes'");
    expect_error("rule 1 error on Child \"m\" require lookup(nope, UPN, x) = \"1\"\n", 1, 42,
                 "unknown reference table 'nope'");
    expect_error("rule 1 error on Child \"m\" require this.Nope = 1\n", 1, 40,
                 "Child has no field or group 'Nope'");
}

static void test_type_errors(void **state)
{
    (void)state;
    expect_error("rule 1 error on Child \"m\" require PersonBirthDate = Sex\n", 1, 51,
                 "cannot compare a date with a string");
    expect_error("rule 1 error on Child \"m\" require Sex > 1\n", 1, 39,
                 "cannot compare a string with a number");
    expect_error("rule 1 error on Child \"m\" when PersonBirthDate require true\n", 1, 32,
                 "'when' needs true/false; this is a date");
    expect_error("rule 1 error on Child \"m\" require 1 + \"a\" = 2\n", 1, 37,
                 "'+' does not work on a number and a string");
    expect_error("rule 1 error on Child \"m\" require not 5\n", 1, 39, "'not' needs true/false");
    expect_error("rule 1 error on Child \"m\" require true and Sex\n", 1, 44,
                 "'and' needs true/false; this is a string");
    expect_error("rule 1 error on Child \"m\" require days(PersonBirthDate) = 1\n", 1, 35,
                 "days(...) takes 2 arguments, not 1");
    expect_error("rule 1 error on Child \"m\" require days(1, PersonBirthDate) = 1\n", 1, 40,
                 "argument 1 of days(...) is a date; this is a number");
    expect_error("rule 1 error on Child \"m\" require Sex in {1, 2}\n", 1, 39,
                 "a string cannot be in a set of numbers");
    expect_error("rule 1 error on Child \"m\" require Sex in {\"A\", 1}\n", 1, 48,
                 "a set holds one kind of value");
    expect_error("rule 1 error on Child \"m\" require PersonBirthDate in ethnicity\n", 1, 54,
                 "unknown code list");
    expect_error("rule 1 error on Child \"m\" require if(true, 1, \"a\") = 1\n", 1, 47,
                 "if(...) gives a number in one branch and a string in the other");
    expect_error("rule 1 error on Child \"m\" let x = Sex require x = 1\n", 1, 49,
                 "cannot compare a string with a number");
    expect_error("rule 1 error on Child \"m\" require sum(c.CINreferralDate for c in CINdetails) "
                 "= 1\n",
                 1, 39, "sum(...) needs numbers; this is a date");
    expect_error("rule 1 error on Child \"m\" require this = first(c in CINdetails)\n", 1, 40,
                 "comparing a row of Child with a row of CINdetails");
    expect_error("rule 1 error on Child \"m\" require PersonBirthDate < PersonBirthDate + "
                 "PersonBirthDate\n",
                 1, 69, "'+' does not work on a date and a date");
    expect_error("rule 1 error on Child \"m\" require true < false\n", 1, 40,
                 "'<' cannot order true/false values");
}

static void test_rows_and_aggregates(void **state)
{
    (void)state;
    expect_error("rule 1 error on Child \"m\" require CINdetails = 1\n", 1, 35,
                 "'CINdetails' is a group of rows here");
    expect_error("rule 1 error on Child \"m\" require count(Sex) = 1\n", 1, 41,
                 "expected a set of rows");
    expect_error("rule 1 error on Child \"m\" require count(this) = 1\n", 1, 41,
                 "expected a set of rows");
    expect_error("rule 1 error on Child \"m\" require all(c in CINdetails) \n", 1, 35,
                 "all(...) needs a condition");
    expect_error("rule 1 error on CINdetails \"m\" require prev.CINreferralDate = "
                 "CINreferralDate\n",
                 1, 40, "'prev' needs an ordered group; CINdetails has no order");
    expect_error("rule 1 error on Child \"m\" require Sex.Foo = 1\n", 1, 39,
                 "'.Foo' needs a row on its left; this is a string");
    expect_error("rule 1 error on return \"m\" require last.Sex = \"M\"\n", 1, 36,
                 "'last' needs a rule on Child or a group below it");
    expect_error("rule 1 error on return \"m\" require this.Sex = \"M\"\n", 1, 36,
                 "'this' is not available in 'on return' rules");
    expect_error("rule 1 error on Child \"m\" optional last require true\n", 1, 27,
                 "'optional last' but the rule does not read last year's return");
    expect_error("rule 1 error on Child \"m\" require count(last) = 1\n", 1, 41,
                 "'last' is the child's row in last year's return");
    expect_error("rule 1 error on Child \"m\" require matches(UPN, \"[A-\") \n", 1, 52,
                 "bad pattern: class [...] is not closed");
    expect_error("rule 1 error on Child \"m\" require matches(UPN, UPN) \n", 1, 48,
                 "the pattern is a quoted text");
    expect_error("rule 1 error on Child \"m\" require count(x in CINdetails where x.Nope) = 1\n",
                 1, 65, "CINdetails has no field or group 'Nope'");
    expect_error("rule 1 error on Child \"m\" require ChildProtectionPlans.CPPendDate = "
                 "ReferenceDate\n",
                 1, 35, "'ChildProtectionPlans' is a group of rows here");
    expect_error("rule 1 error on Child \"m\" require CINdetails[\"a\"].CINreferralDate = "
                 "ReferenceDate\n",
                 1, 46, "a row number in [...] is a number; this is a string");
    expect_error("rule 1 error on Child \"m\" require count(CINdetails[1]) = 1\n", 1, 41,
                 "expected a set of rows");
    expect_error("rule 1 error on Child \"m\" require Sex[1] = 1\n", 1, 35,
                 "expected a set of rows");
}

static void test_defines_and_duplicates(void **state)
{
    (void)state;
    expect_error("define f(x) = f(x)\nrule 1 error on Child \"m\" require f(1)\n", 1, 15,
                 "define f uses itself");
    expect_error("define f(x) = x > 1\nrule 1 error on Child \"m\" require f(1, 2)\n", 2, 35,
                 "f takes 1 argument, not 2");
    expect_error("define g(x) = x.Nope = 1\nrule 1 error on Child \"m\" require g(this)\n", 1, 17,
                 "in define g: Child has no field or group 'Nope'");
    expect_error("define h = Sex = \"M\"\nrule 1 error on Child \"m\" require h\n", 1, 12,
                 "in define h: 'Sex' needs a row: it is a field of Child");
    expect_error("define f = 1\ndefine f = 2\nrule 1 error on Child \"m\" require f = 1\n", 2, 8,
                 "define f is defined twice");
    expect_error("rule 100 error on Child \"m\" require true\n"
                 "rule 100 query on Child \"again\" require true\n",
                 2, 6, "duplicate rule code 100 (first defined at t.rules:1:1)");
}

static void test_limits(void **state)
{
    (void)state;
    /* deep nesting is an error, not a crash */
    char text[4096];
    size_t w = (size_t)snprintf(text, sizeof text, "rule 1 error on Child \"m\" require ");
    for (int i = 0; i < 600; i++)
        text[w++] = '(';
    snprintf(text + w, sizeof text - w, "true");
    cs_rule_errors e;
    assert_true(rt_compile_errors(text, &e));
    assert_non_null(strstr(e.items[0].message, "nested too deeply"));
    cs_rule_errors_free(&e);
    /* a flood of errors is capped */
    static char flood[64 * 1024];
    w = 0;
    for (int i = 0; i < 800; i++)
        w += (size_t)snprintf(flood + w, sizeof flood - w, "rule R%d error on Child \"m\" require x%d\n",
                              i, i);
    assert_true(rt_compile_errors(flood, &e));
    assert_int_equal(e.count, 501);
    assert_string_equal(e.items[500].message, "too many errors; stopped reporting");
    cs_rule_errors_free(&e);
    /* definitions that expand exponentially stop at a bound */
    w = 0;
    w += (size_t)snprintf(flood + w, sizeof flood - w, "define d0(x) = x + x + x + x + x + x\n");
    for (int i = 1; i < 12; i++)
        w += (size_t)snprintf(flood + w, sizeof flood - w,
                              "define d%d(x) = d%d(x) + d%d(x) + d%d(x) + d%d(x)\n", i, i - 1,
                              i - 1, i - 1, i - 1);
    snprintf(flood + w, sizeof flood - w, "rule X error on Child \"m\" require d11(1) > 0\n");
    assert_true(rt_compile_errors(flood, &e));
    int big = 0;
    for (size_t i = 0; i < e.count; i++)
        big |= strstr(e.items[i].message, "rule is too complex") != NULL;
    assert_true(big);
    assert_true(e.count < 20);
    cs_rule_errors_free(&e);
    /* aggregates nested nine deep: their cost would be rows^9 */
    w = (size_t)snprintf(flood, sizeof flood, "rule X error on Child \"m\" require ");
    for (int i = 0; i < 9; i++)
        w += (size_t)snprintf(flood + w, sizeof flood - w, "any(c%d in Child where ", i);
    w += (size_t)snprintf(flood + w, sizeof flood - w, "true");
    for (int i = 0; i < 9; i++)
        flood[w++] = ')';
    flood[w] = '\0';
    assert_true(rt_compile_errors(flood, &e));
    assert_non_null(strstr(e.items[0].message, "aggregates nest too deeply"));
    cs_rule_errors_free(&e);
}

static void test_fields_and_metadata(void **state)
{
    (void)state;
    cs_ruleset *rs = rt_compile(
        "rule 8600 error on CINdetails \"Referral date missing or after the census period\"\n"
        "  mirrors 8600\n"
        "  explain \"Every episode needs a referral date inside or before the year.\"\n"
        "  example \"CINreferralDate 2026-04-02 with ReferenceDate 2026-03-31\"\n"
        "  let late = CINreferralDate > ReferenceDate\n"
        "  require present(CINreferralDate) and not late\n"
        "rule LA9 warning on ChildIdentifiers \"m\" mirrors 8520\n"
        "  fields Header.LEA\n"
        "  when present(PersonBirthDate) require PersonBirthDate <= Header.ReferenceDate\n",
        "2025-26");
    assert_non_null(rs);
    const cs_rule *r = cs_ruleset_find(rs, "8600");
    assert_string_equal(r->mirrors, "8600");
    assert_int_equal(r->severity, CS_RULE_ERROR);
    assert_int_equal(r->group, RG_CIN);
    assert_int_equal(r->nlets, 1);
    assert_string_equal(r->lets[0].name, "late");
    assert_string_equal(r->lets[0].text, "CINreferralDate > ReferenceDate");
    assert_string_equal(r->require_text, "present(CINreferralDate) and not late");
    assert_null(r->when_text);
    assert_int_equal(r->line, 1);
    assert_int_equal(r->nfields, 1);
    r = cs_ruleset_find(rs, "LA9");
    assert_string_equal(r->scope, "ChildIdentifiers");
    assert_int_equal(r->group, RG_CHILD);
    assert_string_equal(r->mirrors, "8520");
    assert_int_equal(r->severity, CS_RULE_WARNING);
    assert_int_equal(r->nfields, 3);   /* Header.LEA declared; then DOB, Header.ReferenceDate */
    assert_int_equal(r->fields[0].group, RG_HDR);
    assert_true(r->fields[0].declared && r->fields[0].on_row);
    assert_int_equal(r->fields[2].group, RG_HDR);
    assert_false(r->fields[2].declared);
    char *x = cs_rule_explain(rs, cs_ruleset_find(rs, "8600"));
    assert_non_null(strstr(x, "Where late is: CINreferralDate > ReferenceDate"));
    assert_non_null(strstr(x, "Example:"));
    free(x);
    cs_ruleset_free(rs);
}

/* Which groups of last year's return each rule reads (last year's reader
 * skips the others): through `last`, last.Group, fields of last's rows and
 * defines called with last; none for a rule that does not read it. */
static void test_last_groups(void **state)
{
    (void)state;
    cs_ruleset *rs = rt_compile(
        "define first_decom(c) = min(e.DECOM for e in c.Episodes)\n"
        "rule L1 error on Child \"m\" require last.Sex = Sex\n"
        "rule L2 error on Episodes \"m\" require count(last.Episodes) > 0\n"
        "rule L3 error on Child \"m\" require count(Episodes) > 0\n"
        "rule L4 error on Child \"m\" optional last require first_decom(last) != PersonBirthDate\n"
        "rule L5 error on Child \"m\" require has_last\n",
        "2025-26");
    assert_non_null(rs);
    uint64_t child = (uint64_t)1 << RG_CHILD | (uint64_t)1 << RG_MSG;
    uint64_t eps = (uint64_t)1 << RG_EP;
    assert_int_equal(cs_ruleset_find(rs, "L1")->last_groups, child);
    assert_int_equal(cs_ruleset_find(rs, "L2")->last_groups, child | eps);
    assert_int_equal(cs_ruleset_find(rs, "L3")->last_groups, 0);
    assert_int_equal(cs_ruleset_find(rs, "L4")->last_groups, child | eps);
    assert_int_equal(cs_ruleset_find(rs, "L5")->last_groups, child);
    cs_ruleset_free(rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_design_examples_compile),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_all_errors_of_a_file),
        cmocka_unit_test(test_unknown_names),
        cmocka_unit_test(test_type_errors),
        cmocka_unit_test(test_rows_and_aggregates),
        cmocka_unit_test(test_defines_and_duplicates),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_fields_and_metadata),
        cmocka_unit_test(test_last_groups),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
