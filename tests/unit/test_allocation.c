/* Case allocation from the involvement history: the worker open on the
 * reference date, the last one when the case is closed, later allocations
 * ignored, the role filter, team and name fallbacks, the at-event rule and
 * its fallback, and the rule names. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "report/allocation.h"

static cs_date D(int y, int m, int d)
{
    return cs_date_from_ymd(y, m, d);
}

static void inv(cs_model *m, const char *person, const char *worker, const char *team,
                const char *role, cs_date start, cs_date end)
{
    cs_involvement *v = cs_model_append(m, CS_E_involvement);
    v->person_id = person;
    v->worker_id = worker;
    v->team_id = team;
    v->role = role;
    v->start_date = start;
    v->end_date = end;
}

static void people(cs_model *m)
{
    cs_model_init(m);
    static const struct { const char *id, *name; } teams[] = {{"T1", "Team North"},
                                                              {"T2", "Team South"},
                                                              {"T3", ""}};
    for (size_t i = 0; i < 3; i++) {
        cs_team *t = cs_model_append(m, CS_E_team);
        t->id = teams[i].id;
        t->name = teams[i].name;
    }
    static const struct { const char *id, *name, *team; } workers[] = {
        {"W1", "Ann Able", "T1"}, {"W2", "Bob Brown", "T2"}, {"W3", NULL, "T2"}};
    for (size_t i = 0; i < 3; i++) {
        cs_worker *w = cs_model_append(m, CS_E_worker);
        w->id = workers[i].id;
        w->name = workers[i].name;
        w->team_id = workers[i].team;
    }
    /* C1: W1 until 2025-06-30, then W2 open; an IRO and a future allocation */
    inv(m, "C1", "W1", "T1", "ALLOCATED_SW", D(2024, 1, 1), D(2025, 6, 30));
    inv(m, "C1", "W2", NULL, "ALLOCATED_SW", D(2025, 6, 30), CS_DATE_NONE);
    inv(m, "C1", "W3", "T3", "IRO", D(2025, 7, 1), CS_DATE_NONE);
    inv(m, "C1", "W1", "T1", "ALLOCATED_SW", D(2026, 6, 1), CS_DATE_NONE);
    /* C2: closed case, last worker W1 */
    inv(m, "C2", "W2", "T2", "ALLOCATED_SW", D(2023, 1, 1), D(2023, 12, 31));
    inv(m, "C2", "W1", "T1", "ALLOCATED_SW", D(2024, 1, 1), D(2025, 2, 1));
    /* C3: no role recorded, worker with no name, team with no name */
    inv(m, "C3", "W3", "T3", NULL, CS_DATE_NONE, CS_DATE_NONE);
    /* C4: only allocated after the reference date */
    inv(m, "C4", "W1", "T1", "ALLOCATED_SW", D(2026, 5, 1), CS_DATE_NONE);
    /* C5: an unknown worker and no team anywhere */
    inv(m, "C5", "W9", NULL, "ALLOCATED_SW", D(2025, 1, 1), CS_DATE_NONE);
    /* rows that cannot be used */
    inv(m, NULL, "W1", "T1", "ALLOCATED_SW", D(2025, 1, 1), CS_DATE_NONE);
    inv(m, "C6", NULL, NULL, "ALLOCATED_SW", D(2025, 1, 1), CS_DATE_NONE);
}

static void test_latest(void **state)
{
    (void)state;
    cs_model m;
    people(&m);
    cs_allocation_opts o = {.rule = CS_ALLOC_LATEST, .reference_date = D(2026, 3, 31)};
    cs_allocation *a = cs_allocation_build(&m, &o);
    assert_int_equal(cs_allocation_count(a), 8);   /* IRO, no-person and no-worker rows out */
    cs_case_holder h;

    assert_int_equal(cs_allocation_find(a, "C1", CS_DATE_NONE, &h), 1);
    assert_string_equal(h.worker, "Bob Brown");
    assert_string_equal(h.worker_id, "W2");
    assert_string_equal(h.team, "Team South");   /* the worker's home team */
    assert_string_equal(h.team_id, "T2");
    /* latest ignores the record's date */
    assert_int_equal(cs_allocation_find(a, "C1", D(2024, 3, 1), &h), 1);
    assert_string_equal(h.worker_id, "W2");

    assert_int_equal(cs_allocation_find(a, "C2", CS_DATE_NONE, &h), 1);
    assert_string_equal(h.worker, "Ann Able");    /* the last one to hold the closed case */
    assert_string_equal(h.team, "Team North");

    assert_int_equal(cs_allocation_find(a, "C3", CS_DATE_NONE, &h), 1);
    assert_string_equal(h.worker, "W3");          /* no name: the id */
    assert_string_equal(h.team, "T3");

    assert_int_equal(cs_allocation_find(a, "C4", CS_DATE_NONE, &h), 0);
    assert_string_equal(h.worker, "");
    assert_string_equal(h.team, "");

    assert_int_equal(cs_allocation_find(a, "C5", CS_DATE_NONE, &h), 1);
    assert_string_equal(h.worker, "W9");
    assert_string_equal(h.team, "");

    assert_int_equal(cs_allocation_find(a, "C6", CS_DATE_NONE, &h), 0);
    assert_int_equal(cs_allocation_find(a, "nobody", CS_DATE_NONE, &h), 0);
    assert_int_equal(cs_allocation_find(a, "", CS_DATE_NONE, &h), 0);
    assert_int_equal(cs_allocation_find(a, NULL, CS_DATE_NONE, &h), 0);
    assert_int_equal(cs_allocation_find(NULL, "C1", CS_DATE_NONE, &h), 0);
    cs_allocation_free(a);
    cs_model_free(&m);
}

static void test_at_event(void **state)
{
    (void)state;
    cs_model m;
    people(&m);
    cs_allocation_opts o = {.rule = CS_ALLOC_AT_EVENT, .reference_date = D(2026, 3, 31)};
    cs_allocation *a = cs_allocation_build(&m, &o);
    cs_case_holder h;
    assert_int_equal(cs_allocation_find(a, "C1", D(2025, 3, 1), &h), 1);
    assert_string_equal(h.worker_id, "W1");
    assert_string_equal(h.team, "Team North");
    /* on the changeover day the later allocation holds the case */
    assert_int_equal(cs_allocation_find(a, "C1", D(2025, 6, 30), &h), 1);
    assert_string_equal(h.worker_id, "W2");
    /* no date: the reference date */
    assert_int_equal(cs_allocation_find(a, "C1", CS_DATE_NONE, &h), 1);
    assert_string_equal(h.worker_id, "W2");
    /* a date no allocation covers (before any): falls back to the reference date */
    assert_int_equal(cs_allocation_find(a, "C1", D(2020, 1, 1), &h), 1);
    assert_string_equal(h.worker_id, "W2");
    /* C2 in its gap between allocations: the last worker at the reference date */
    assert_int_equal(cs_allocation_find(a, "C2", D(2023, 12, 31), &h), 1);
    assert_string_equal(h.worker_id, "W2");
    assert_int_equal(cs_allocation_find(a, "C2", D(2023, 12, 31) + 1, &h), 1);
    assert_string_equal(h.worker_id, "W1");
    cs_allocation_free(a);
    cs_model_free(&m);
}

static void test_roles(void **state)
{
    (void)state;
    cs_model m;
    people(&m);
    cs_allocation_opts o = {.rule = CS_ALLOC_LATEST, .roles = " iro , PERSONAL_ADVISOR",
                            .reference_date = D(2026, 3, 31)};
    cs_allocation *a = cs_allocation_build(&m, &o);
    cs_case_holder h;
    assert_int_equal(cs_allocation_find(a, "C1", CS_DATE_NONE, &h), 1);
    assert_string_equal(h.worker_id, "W3");       /* the IRO, matched case-insensitively */
    assert_string_equal(h.team, "T3");            /* the team has no name */
    assert_int_equal(cs_allocation_find(a, "C2", CS_DATE_NONE, &h), 0);
    cs_allocation_free(a);
    cs_model_free(&m);
}

static void test_empty_model(void **state)
{
    (void)state;
    cs_model m;
    cs_model_init(&m);
    cs_allocation_opts o = {.rule = CS_ALLOC_LATEST, .reference_date = D(2026, 3, 31)};
    cs_allocation *a = cs_allocation_build(&m, &o);
    cs_case_holder h;
    assert_int_equal(cs_allocation_count(a), 0);
    assert_int_equal(cs_allocation_find(a, "C1", CS_DATE_NONE, &h), 0);
    cs_allocation_free(a);
    cs_allocation_free(NULL);
    cs_model_free(&m);
}

static void test_rule_names(void **state)
{
    (void)state;
    cs_alloc_rule r = CS_ALLOC_AT_EVENT;
    cs_diag d;
    assert_int_equal(cs_alloc_rule_parse(NULL, &r, &d), CS_OK);
    assert_int_equal(r, CS_ALLOC_LATEST);
    assert_int_equal(cs_alloc_rule_parse("at-event", &r, &d), CS_OK);
    assert_int_equal(r, CS_ALLOC_AT_EVENT);
    assert_int_equal(cs_alloc_rule_parse("at_event", &r, &d), CS_OK);
    assert_int_equal(cs_alloc_rule_parse("latest", &r, &d), CS_OK);
    assert_int_equal(r, CS_ALLOC_LATEST);
    assert_int_equal(cs_alloc_rule_parse("newest", &r, &d), CS_ERR_USAGE);
    assert_non_null(strstr(d.msg, "latest or at-event"));
    assert_string_equal(cs_alloc_rule_name(CS_ALLOC_AT_EVENT), "at-event");
    assert_string_equal(cs_alloc_rule_name(CS_ALLOC_LATEST), "latest");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_latest),     cmocka_unit_test(test_at_event),
        cmocka_unit_test(test_roles),      cmocka_unit_test(test_empty_model),
        cmocka_unit_test(test_rule_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
