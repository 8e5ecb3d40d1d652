/* The per-rule profile cs_rules_run fills when the caller hands it one:
 * one cost per rule that ran (not the rules not run), evaluations = rows of
 * the rule's group, findings as the plain run finds them, instructions and
 * aggregate rows counted, names that outlive the rule set; without a
 * profile nothing is collected. Counts only: times are not asserted. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "rules/profile.h"
#include "rules_schema.h"

/* Three children: C1 with two CIN episodes, C2 with one, C3 with none. */
static void three_children(cs_dataset *ds)
{
    static const char *const ids[] = {"C1", "C2", "C3"};
    static const int episodes[] = {2, 1, 0};
    cs_ds_init(ds, &rt_schema);
    uint32_t m = cs_ds_add_row(ds, RG_MSG, 0, 0, 0);
    uint32_t h = cs_ds_add_row(ds, RG_HDR, m, 0, 0);
    cs_ds_set_text(ds, RG_HDR, h, H_REF, "2026-03-31", 10, CS_DS_TEXT_ISO);
    for (int i = 0; i < 3; i++) {
        uint32_t c = cs_ds_add_row(ds, RG_CHILD, m, 0, 0);
        cs_ds_set_text(ds, RG_CHILD, c, C_ID, ids[i], strlen(ids[i]), CS_DS_TEXT_ISO);
        for (int e = 0; e < episodes[i]; e++) {
            uint32_t r = cs_ds_add_row(ds, RG_CIN, c, 0, 0);
            cs_ds_set_text(ds, RG_CIN, r, E_REF, "2025-05-01", 10, CS_DS_TEXT_ISO);
        }
    }
    cs_diag d;
    assert_int_equal(cs_ds_finalize(ds, &d), CS_OK);
}

static const char *const RULES =
    /* fires on C3 only */
    "rule HASCIN error on Child \"no episode\" require count(CINdetails) > 0\n"
    /* fires on none of the three episodes */
    "rule REF error on CINdetails \"referral\" require present(CINreferralDate)\n"
    /* return level: once, fires (3 children) */
    "rule TWO error on return \"two children\" require count(c in Child where present(c.LAchildID)) = 2\n"
    /* needs last year: not run, so not in the profile */
    "rule LAST error on Child \"last\" require last.Sex = Sex\n";

static const cs_rule_cost *cost_of(const cs_rules_profile *p, const char *code)
{
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->costs[i].code, code) == 0)
            return &p->costs[i];
    return NULL;
}

static size_t run(const cs_ruleset *rs, const cs_dataset *ds, cs_rules_profile *prof)
{
    cs_rules_context c;
    cs_rules_context_init(&c, rs);
    c.profile = prof;
    cs_rule_hits h;
    cs_rule_hits_init(&h);
    cs_rule_sink sink = cs_rule_hits_sink(&h);
    cs_diag d;
    cs_diag_clear(&d);
    assert_int_equal(cs_rules_run(rs, ds, &c, &sink, &d), CS_OK);
    size_t n = h.count;
    assert_int_equal(h.nnot_run, 1);
    cs_rule_hits_free(&h);
    return n;
}

typedef struct {
    cs_ruleset *rs;
    cs_dataset ds;
    cs_rules_profile prof;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->rs = rt_compile(RULES, "2025-26");
    assert_non_null(f->rs);
    three_children(&f->ds);
    cs_rules_profile_init(&f->prof);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    cs_rules_profile_free(&f->prof);
    cs_ruleset_free(f->rs);
    cs_ds_free(&f->ds);
    free(f);
    return 0;
}

static void test_profile_counts(void **state)
{
    fixture *f = *state;
    size_t plain = run(f->rs, &f->ds, NULL);
    size_t profiled = run(f->rs, &f->ds, &f->prof);
    assert_int_equal(plain, 2);   /* HASCIN on C3, TWO once */
    assert_int_equal(profiled, plain);
    cs_ruleset_free(f->rs);       /* the profile keeps its own names */
    f->rs = NULL;

    const cs_rules_profile *prof = &f->prof;
    assert_int_equal(prof->n, 3); /* LAST was not run */
    assert_null(cost_of(prof, "LAST"));
    const cs_rule_cost *hascin = cost_of(prof, "HASCIN");
    const cs_rule_cost *ref = cost_of(prof, "REF");
    const cs_rule_cost *two = cost_of(prof, "TWO");
    assert_non_null(hascin);
    assert_non_null(ref);
    assert_non_null(two);
    assert_string_equal(hascin->scope, "Child");
    assert_string_equal(ref->scope, "CINdetails");
    assert_string_equal(two->scope, "return");
    assert_int_equal(hascin->evals, 3);
    assert_int_equal(hascin->fires, 1);
    assert_int_equal(ref->evals, 3);
    assert_int_equal(ref->fires, 0);
    assert_int_equal(two->evals, 1);
    assert_int_equal(two->fires, 1);
    assert_true(hascin->ops > 0 && ref->ops > 0 && two->ops > 0);
    assert_int_equal(two->rows, 3);   /* its aggregate walked the three children */

    cs_rule_cost all = cs_rules_profile_total(prof);
    assert_int_equal(all.evals, 7);
    assert_int_equal(all.fires, 2);
    assert_int_equal(all.ops, hascin->ops + ref->ops + two->ops);
    assert_int_equal(all.rows, hascin->rows + ref->rows + two->rows);
    assert_null(all.code);

    cs_rules_profile_sort_by_time(&f->prof);
    for (size_t i = 1; i < prof->n; i++)
        assert_true(prof->costs[i - 1].ns >= prof->costs[i].ns);
    cs_rules_profile_free(&f->prof);
    assert_int_equal(prof->n, 0);
    assert_null(prof->costs);
}

/* A profile handed to a second run holds that run's figures only. */
static void test_profile_refilled(void **state)
{
    fixture *f = *state;
    run(f->rs, &f->ds, &f->prof);
    run(f->rs, &f->ds, &f->prof);
    assert_int_equal(f->prof.n, 3);
    assert_int_equal(cost_of(&f->prof, "HASCIN")->evals, 3);
    assert_int_equal(cs_rules_profile_total(&f->prof).fires, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_profile_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_profile_refilled, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
