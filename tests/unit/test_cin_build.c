/* Deriving the CIN census from a small hand-built canonical model: who is
 * in scope, which records and dates are written, where an ICPC goes,
 * NumberOfPreviousCPP, gender by year, provenance, and the result passing
 * the year's XSD. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "returns/cin/cin.h"

static cs_date D(int y, int m, int d)
{
    return cs_date_from_ymd(y, m, d);
}

static cs_prov at_line(cs_model *m, const char *file, uint32_t line)
{
    return (cs_prov){.file = cs_model_add_file(m, file), .line = line};
}

static void person(cs_model *m, const char *id, const char *sex, const char *gender,
                   cs_date birth, cs_date expected)
{
    cs_person *p = cs_model_append(m, CS_E_person);
    p->id = id;
    p->sex = sex;
    p->gender = gender;
    p->ethnicity = "WBRI";
    p->birth_date = birth;
    p->expected_birth_date = expected;
    p->prov = at_line(m, "people.csv", 2);
}

static cs_referral *referral(cs_model *m, const char *id, const char *person_id, cs_date start,
                             cs_date closed, const char *reason)
{
    cs_referral *r = cs_model_append(m, CS_E_referral);
    r->id = id;
    r->person_id = person_id;
    r->referral_date = start;
    r->closure_date = closed;
    r->closure_reason = reason;
    r->source = "2A";
    r->primary_need = "N1";
    r->nfa = 0;
    return r;
}

static void assessment(cs_model *m, const char *id, const char *ref, cs_date start, cs_date auth)
{
    cs_assessment *a = cs_model_append(m, CS_E_assessment);
    a->id = id;
    a->referral_id = ref;
    a->start_date = start;
    a->authorised_date = auth;
}

static void factor(cs_model *m, const char *assessment_id, const char *code)
{
    cs_assessment_factor *f = cs_model_append(m, CS_E_assessment_factor);
    f->id = code;
    f->assessment_id = assessment_id;
    f->code = code;
}

static void s47(cs_model *m, const char *id, const char *ref, cs_date start)
{
    cs_s47 *s = cs_model_append(m, CS_E_s47);
    s->id = id;
    s->referral_id = ref;
    s->start_date = start;
}

static void icpc(cs_model *m, const char *id, const char *ref, const char *s47_id, cs_date held,
                 cs_date target)
{
    cs_icpc *c = cs_model_append(m, CS_E_icpc);
    c->id = id;
    c->referral_id = ref;
    c->s47_id = s47_id;
    c->conference_date = held;
    c->target_date = target;
}

static void cp_plan(cs_model *m, const char *id, const char *person_id, const char *ref,
                    cs_date start, cs_date end, const char *initial, const char *latest)
{
    cs_cp_plan *p = cs_model_append(m, CS_E_cp_plan);
    p->id = id;
    p->person_id = person_id;
    p->referral_id = ref;
    p->start_date = start;
    p->end_date = end;
    p->initial_category = initial;
    p->latest_category = latest;
}

static void review(cs_model *m, const char *plan, cs_date held)
{
    cs_cp_review *r = cs_model_append(m, CS_E_cp_review);
    r->id = "rv";
    r->cp_plan_id = plan;
    r->review_date = held;
}

/* The model (census 2024-25 runs 2024-04-01 .. 2025-03-31):
 *   P1 referred in the period, closure after the ReferenceDate, an old
 *      closed episode with an old plan, S47 + ICPC, a transfer-in ICPC;
 *   P2 open on 1 April (referred 2023), an assessment finished before the
 *      period and one after, an S47 finished before the period whose ICPC
 *      started a plan still open;
 *   P3 closed the day before the period; P4 referred after the
 *      ReferenceDate; P6 a referral with no date: none of them in the census;
 *   P5 unborn, a no-further-action referral closed inside the period. */
static void make_model(cs_model *m)
{
    cs_model_init(m);
    person(m, "P1", "M", NULL, D(2015, 3, 27), CS_DATE_NONE);
    person(m, "P2", "F", NULL, D(2010, 1, 5), CS_DATE_NONE);
    person(m, "P3", "M", NULL, D(2011, 1, 5), CS_DATE_NONE);
    person(m, "P4", "M", NULL, D(2012, 1, 5), CS_DATE_NONE);
    person(m, "P5", NULL, "0", CS_DATE_NONE, D(2025, 6, 1));
    person(m, "P6", "F", NULL, D(2013, 1, 5), CS_DATE_NONE);
    cs_person *p2 = &CS_TABLE(m, person)[1];
    p2->upn_unknown = "UN2";
    cs_person *p1 = &CS_TABLE(m, person)[0];
    p1->upn = "A123456789012";
    p1->upn_unknown = "UN3";   /* not written: there is a UPN */

    cs_referral *r1 = referral(m, "R1", "P1", D(2024, 6, 1), D(2025, 5, 1), "RC7");
    r1->prov = at_line(m, "referrals.csv", 7);
    referral(m, "R0", "P1", D(2020, 1, 1), D(2021, 1, 1), "RC7");
    referral(m, "R2", "P2", D(2023, 10, 1), CS_DATE_NONE, NULL);
    referral(m, "R3", "P3", D(2023, 1, 1), D(2024, 3, 31), "RC7");
    referral(m, "R4", "P4", D(2025, 4, 2), CS_DATE_NONE, NULL);
    cs_referral *r5 = referral(m, "R5", "P5", D(2025, 3, 1), D(2025, 3, 5), "RC8");
    r5->nfa = 1;
    r5->primary_need = NULL;
    referral(m, "R6", "P6", CS_DATE_NONE, CS_DATE_NONE, NULL);

    assessment(m, "A1", "R1", D(2024, 6, 2), D(2024, 7, 10));
    factor(m, "A1", "3B");
    factor(m, "A1", "4B");
    assessment(m, "A1b", "R1", D(2025, 3, 20), D(2025, 4, 15));   /* authorised after: open */
    factor(m, "A1b", "20");
    assessment(m, "A2", "R2", D(2023, 10, 2), D(2023, 11, 1));
    assessment(m, "A3", "R2", D(2024, 3, 15), D(2024, 4, 10));

    cs_cin_plan *pl = cs_model_append(m, CS_E_cin_plan);
    pl->id = "PL1";
    pl->referral_id = "R1";
    pl->start_date = D(2024, 8, 1);
    pl->end_date = D(2025, 6, 1);

    s47(m, "S1", "R1", D(2024, 6, 5));
    icpc(m, "I1", "R1", "S1", D(2024, 6, 20), D(2024, 6, 21));
    icpc(m, "I2", "R1", NULL, D(2024, 9, 2), CS_DATE_NONE);   /* transfer-in: no S47 */
    s47(m, "S2", "R2", D(2023, 10, 5));
    icpc(m, "I3", "R2", "S2", D(2023, 10, 20), CS_DATE_NONE);

    cp_plan(m, "CPP0", "P1", "R0", D(2020, 2, 1), D(2020, 12, 1), "EMO", "EMO");
    cp_plan(m, "CPP3", "P1", "R1", D(2025, 1, 10), D(2025, 3, 3), "PHY", "PHY");
    cp_plan(m, "CPP1", "P1", "R1", D(2024, 6, 20), CS_DATE_NONE, "NEG", NULL);
    cp_plan(m, "CPP2", "P2", "R2", D(2023, 10, 20), CS_DATE_NONE, "SAB", "EMO");
    review(m, "CPP1", D(2025, 5, 1));    /* after the ReferenceDate */
    review(m, "CPP1", D(2025, 2, 10));
    review(m, "CPP1", D(2024, 9, 10));
    review(m, "CPP2", D(2024, 1, 10));   /* before the period */

    cs_disability *dis = cs_model_append(m, CS_E_disability);
    dis->id = "D1";
    dis->person_id = "P2";
    dis->code = "AUT";
}

typedef struct {
    cs_model m;
    cs_dataset ds;
    cs_cin_year y;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    cs_diag d;
    make_model(&f->m);
    if (cs_cin_year_parse("2024-25", &f->y, &d) != CS_OK ||
        cs_cin_build(&f->m, &f->y, "201", &f->ds, &d) != CS_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    cs_ds_free(&f->ds);
    cs_model_free(&f->m);
    free(f);
    return 0;
}

static const cs_value *cell(fixture *f, int g, uint32_t row, int field)
{
    assert_true(row < cs_ds_count(&f->ds, g));
    return cs_ds_cell_c(&f->ds, g, row, field);
}

static void assert_date(const cs_value *v, int y, int m, int d)
{
    assert_int_equal(v->kind, CS_V_DATE);
    assert_int_equal(v->i, D(y, m, d));
}

static void assert_absent(const cs_value *v)
{
    assert_int_equal(v->kind, CS_V_ABSENT);
}

static void assert_str(const cs_value *v, const char *s)
{
    assert_int_equal(v->kind, CS_V_STR);
    assert_string_equal(v->s, s);
}

/* Row of CINdetails for a child (by position) and episode (by position). */
static uint32_t episode(fixture *f, uint32_t child, uint32_t k)
{
    uint32_t first, n;
    cs_ds_children(&f->ds, CS_CIN_G_CINDETAILS, child, &first, &n);
    assert_true(k < n);
    return first + k;
}

static void scope(void **state)
{
    fixture *f = *state;
    assert_int_equal(cs_ds_count(&f->ds, CS_CIN_G_CHILD), 3);
    assert_str(cell(f, CS_CIN_G_CHILD, 0, CS_CIN_C_LACHILDID), "P1");   /* referred in the period */
    assert_str(cell(f, CS_CIN_G_CHILD, 1, CS_CIN_C_LACHILDID), "P2");   /* open on 1 April */
    assert_str(cell(f, CS_CIN_G_CHILD, 2, CS_CIN_C_LACHILDID), "P5");   /* unborn, NFA */
    /* P1's old episode closed in 2021 is not a CINdetails; one episode each */
    assert_int_equal(cs_ds_count(&f->ds, CS_CIN_G_CINDETAILS), 3);
    assert_date(cell(f, CS_CIN_G_CINDETAILS, episode(f, 0, 0), CS_CIN_E_REFERRAL_DATE), 2024, 6, 1);
    assert_date(cell(f, CS_CIN_G_CINDETAILS, episode(f, 1, 0), CS_CIN_E_REFERRAL_DATE), 2023, 10, 1);
}

static void header(void **state)
{
    fixture *f = *state;
    int H = CS_CIN_G_HEADER;
    assert_int_equal(cs_ds_count(&f->ds, H), 1);
    assert_str(cell(f, H, 0, CS_CIN_H_COLLECTION), "CIN");
    assert_int_equal(cell(f, H, 0, CS_CIN_H_YEAR)->i, 2025);
    assert_date(cell(f, H, 0, CS_CIN_H_REFERENCE_DATE), 2025, 3, 31);
    assert_str(cell(f, H, 0, CS_CIN_H_SOURCE_LEVEL), "L");
    assert_str(cell(f, H, 0, CS_CIN_H_LEA), "201");
}

static void child_fields(void **state)
{
    fixture *f = *state;
    int C = CS_CIN_G_CHILD;
    assert_str(cell(f, C, 0, CS_CIN_C_UPN), "A123456789012");
    assert_absent(cell(f, C, 0, CS_CIN_C_UPN_UNKNOWN));   /* a UPN is given */
    assert_str(cell(f, C, 0, CS_CIN_C_SEX), "M");
    assert_absent(cell(f, C, 0, CS_CIN_C_GENDER_CURRENT));
    assert_str(cell(f, C, 1, CS_CIN_C_UPN_UNKNOWN), "UN2");
    assert_str(cell(f, C, 1, CS_CIN_C_ETHNICITY), "WBRI");
    /* unborn: expected date only, sex from the gender code 0 */
    assert_absent(cell(f, C, 2, CS_CIN_C_BIRTH_DATE));
    assert_date(cell(f, C, 2, CS_CIN_C_EXPECTED_BIRTH_DATE), 2025, 6, 1);
    assert_str(cell(f, C, 2, CS_CIN_C_SEX), "U");
    uint32_t first, n;
    cs_ds_children(&f->ds, CS_CIN_G_DISABILITIES, 1, &first, &n);
    assert_int_equal(n, 1);
    assert_str(cell(f, CS_CIN_G_DISABILITIES, first, CS_CIN_D_DISABILITY), "AUT");
}

static void closure_only_inside_the_period(void **state)
{
    fixture *f = *state;
    int E = CS_CIN_G_CINDETAILS;
    uint32_t e1 = episode(f, 0, 0), e5 = episode(f, 2, 0);
    /* R1 closes 2025-05-01, after the ReferenceDate: open at the census date */
    assert_absent(cell(f, E, e1, CS_CIN_E_CLOSURE_DATE));
    assert_absent(cell(f, E, e1, CS_CIN_E_CLOSURE_REASON));
    assert_int_equal(cell(f, E, e1, CS_CIN_E_REFERRAL_NFA)->i, 0);
    assert_date(cell(f, E, e5, CS_CIN_E_CLOSURE_DATE), 2025, 3, 5);
    assert_str(cell(f, E, e5, CS_CIN_E_CLOSURE_REASON), "RC8");
    assert_int_equal(cell(f, E, e5, CS_CIN_E_REFERRAL_NFA)->kind, CS_V_BOOL);
    assert_int_equal(cell(f, E, e5, CS_CIN_E_REFERRAL_NFA)->i, 1);
    assert_absent(cell(f, E, e5, CS_CIN_E_PRIMARY_NEED));
}

static void assessments_and_plans(void **state)
{
    fixture *f = *state;
    int A = CS_CIN_G_ASSESSMENTS;
    uint32_t first, n;
    cs_ds_children(&f->ds, A, episode(f, 0, 0), &first, &n);
    assert_int_equal(n, 2);
    assert_date(cell(f, A, first, CS_CIN_A_AUTHORISED), 2024, 7, 10);
    uint32_t ff, fn;
    cs_ds_children(&f->ds, CS_CIN_G_FACTORS, first, &ff, &fn);
    assert_int_equal(fn, 2);
    assert_str(cell(f, CS_CIN_G_FACTORS, ff, CS_CIN_AF_FACTOR), "3B");
    /* authorised after the ReferenceDate: still open, so no date and no factors */
    assert_date(cell(f, A, first + 1, CS_CIN_A_START), 2025, 3, 20);
    assert_absent(cell(f, A, first + 1, CS_CIN_A_AUTHORISED));
    cs_ds_children(&f->ds, CS_CIN_G_FACTORS, first + 1, &ff, &fn);
    assert_int_equal(fn, 0);
    /* P2: the assessment finished in 2023 is left out, the one finished in April kept */
    cs_ds_children(&f->ds, A, episode(f, 1, 0), &first, &n);
    assert_int_equal(n, 1);
    assert_date(cell(f, A, first, CS_CIN_A_START), 2024, 3, 15);

    cs_ds_children(&f->ds, CS_CIN_G_PLANS, episode(f, 0, 0), &first, &n);
    assert_int_equal(n, 1);
    assert_date(cell(f, CS_CIN_G_PLANS, first, CS_CIN_P_START), 2024, 8, 1);
    assert_absent(cell(f, CS_CIN_G_PLANS, first, CS_CIN_P_END));
}

static void icpc_at_s47_or_episode_level(void **state)
{
    fixture *f = *state;
    int S = CS_CIN_G_S47, E = CS_CIN_G_CINDETAILS;
    uint32_t first, n;
    cs_ds_children(&f->ds, S, episode(f, 0, 0), &first, &n);
    assert_int_equal(n, 1);
    assert_date(cell(f, S, first, CS_CIN_S_START), 2024, 6, 5);
    assert_date(cell(f, S, first, CS_CIN_S_ICPC_DATE), 2024, 6, 20);
    assert_date(cell(f, S, first, CS_CIN_S_ICPC_TARGET), 2024, 6, 21);
    assert_int_equal(cell(f, S, first, CS_CIN_S_ICPC_NOT_REQUIRED)->kind, CS_V_BOOL);
    assert_int_equal(cell(f, S, first, CS_CIN_S_ICPC_NOT_REQUIRED)->i, 0);
    /* the transfer-in conference (no S47) is the episode's; the S47's is not repeated */
    assert_date(cell(f, E, episode(f, 0, 0), CS_CIN_E_ICPC_DATE), 2024, 9, 2);
    /* P2's S47 ended before the period (its ICPC in 2023): not written, so
     * its conference, which started a plan still open, sits on the episode */
    cs_ds_children(&f->ds, S, episode(f, 1, 0), &first, &n);
    assert_int_equal(n, 0);
    assert_date(cell(f, E, episode(f, 1, 0), CS_CIN_E_ICPC_DATE), 2023, 10, 20);
    assert_absent(cell(f, E, episode(f, 2, 0), CS_CIN_E_ICPC_DATE));
}

static void child_protection_plans(void **state)
{
    fixture *f = *state;
    int P = CS_CIN_G_CPP;
    uint32_t first, n;
    cs_ds_children(&f->ds, P, episode(f, 0, 0), &first, &n);
    assert_int_equal(n, 2);   /* CPP1 then CPP3, by start date */
    assert_date(cell(f, P, first, CS_CIN_CP_START), 2024, 6, 20);
    assert_absent(cell(f, P, first, CS_CIN_CP_END));
    assert_str(cell(f, P, first, CS_CIN_CP_INITIAL_CATEGORY), "NEG");
    assert_str(cell(f, P, first, CS_CIN_CP_LATEST_CATEGORY), "NEG");   /* none recorded */
    assert_int_equal(cell(f, P, first, CS_CIN_CP_PREVIOUS)->kind, CS_V_INT);
    assert_int_equal(cell(f, P, first, CS_CIN_CP_PREVIOUS)->i, 1);       /* CPP0 (2020) */
    assert_date(cell(f, P, first + 1, CS_CIN_CP_START), 2025, 1, 10);
    assert_date(cell(f, P, first + 1, CS_CIN_CP_END), 2025, 3, 3);
    assert_int_equal(cell(f, P, first + 1, CS_CIN_CP_PREVIOUS)->i, 2);   /* CPP0, CPP1 */

    uint32_t rf, rn;
    cs_ds_children(&f->ds, CS_CIN_G_REVIEWS, first, &rf, &rn);
    assert_int_equal(rn, 2);   /* the May 2025 review is after the ReferenceDate */
    assert_date(cell(f, CS_CIN_G_REVIEWS, rf, CS_CIN_R_DATE), 2024, 9, 10);
    assert_date(cell(f, CS_CIN_G_REVIEWS, rf + 1, CS_CIN_R_DATE), 2025, 2, 10);

    cs_ds_children(&f->ds, P, episode(f, 1, 0), &first, &n);
    assert_int_equal(n, 1);
    assert_int_equal(cell(f, P, first, CS_CIN_CP_PREVIOUS)->i, 0);
    assert_str(cell(f, P, first, CS_CIN_CP_LATEST_CATEGORY), "EMO");
    cs_ds_children(&f->ds, CS_CIN_G_REVIEWS, first, &rf, &rn);
    assert_int_equal(rn, 0);   /* its only review was before the period */
}

static void provenance(void **state)
{
    fixture *f = *state;
    uint32_t e1 = episode(f, 0, 0);
    assert_int_equal(f->ds.rows[CS_CIN_G_CINDETAILS].line[e1], 7);
    assert_string_equal(f->ds.files[f->ds.rows[CS_CIN_G_CINDETAILS].file[e1]], "referrals.csv");
    assert_string_equal(f->ds.files[f->ds.rows[CS_CIN_G_CHILD].file[0]], "people.csv");
    char path[128];
    cs_ds_record_path(&f->ds, CS_CIN_G_REVIEWS, 1, path, sizeof path);
    assert_string_equal(path, "CINdetails[1]/ChildProtectionPlans[1]/CPPreviewDate[2]");
}

static void written_census_passes_the_xsd(void **state)
{
    fixture *f = *state;
    char path[] = "/tmp/cin-build-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    cs_diag d;
    assert_int_equal(cs_cin_write(&f->ds, path, &f->y, &d), CS_OK);
    char xsd[4096];
    const char *root = getenv("SRCROOT");
    snprintf(xsd, sizeof xsd, "%s/schema/xml/cin-2024-25.xsd", root && *root ? root : ".");
    cs_status st = cs_cin_xsd_validate(path, xsd, &d);
    unlink(path);
    if (st != CS_OK)
        fail_msg("%llu:%llu: %s", (unsigned long long)d.line, (unsigned long long)d.col, d.msg);
}

static void earlier_year_uses_gender_current(void **state)
{
    (void)state;
    cs_model m;
    make_model(&m);
    cs_cin_year y;
    cs_diag d;
    cs_dataset ds;
    assert_int_equal(cs_cin_year_parse("2023-24", &y, &d), CS_OK);
    assert_int_equal(cs_cin_build(&m, &y, "201", &ds, &d), CS_OK);
    /* in 2023-24 (to 2024-03-31): P1 (old plan only, closed 2021) is out,
     * P2 referred in the period and P3 closed on its last day are in */
    assert_int_equal(cs_ds_count(&ds, CS_CIN_G_CHILD), 2);
    const cs_value *v = cs_ds_cell_c(&ds, CS_CIN_G_CHILD, 0, CS_CIN_C_LACHILDID);
    assert_string_equal(v->s, "P2");
    v = cs_ds_cell_c(&ds, CS_CIN_G_CHILD, 0, CS_CIN_C_GENDER_CURRENT);
    assert_string_equal(v->s, "2");
    assert_int_equal(cs_ds_cell_c(&ds, CS_CIN_G_CHILD, 0, CS_CIN_C_SEX)->kind, CS_V_ABSENT);
    v = cs_ds_cell_c(&ds, CS_CIN_G_CHILD, 1, CS_CIN_C_GENDER_CURRENT);
    assert_string_equal(v->s, "1");
    v = cs_ds_cell_c(&ds, CS_CIN_G_CINDETAILS, 1, CS_CIN_E_CLOSURE_DATE);
    assert_int_equal(v->i, D(2024, 3, 31));
    /* P2's S47 is inside 2023-24, so its ICPC is at the S47 level, not the episode's */
    assert_int_equal(cs_ds_count(&ds, CS_CIN_G_S47), 1);
    assert_int_equal(cs_ds_cell_c(&ds, CS_CIN_G_S47, 0, CS_CIN_S_ICPC_DATE)->i, D(2023, 10, 20));
    assert_int_equal(cs_ds_cell_c(&ds, CS_CIN_G_CINDETAILS, 0, CS_CIN_E_ICPC_DATE)->kind,
                     CS_V_ABSENT);
    cs_ds_free(&ds);
    cs_model_free(&m);
}

static void empty_model(void **state)
{
    (void)state;
    cs_model m;
    cs_model_init(&m);
    cs_cin_year y;
    cs_diag d;
    cs_dataset ds;
    assert_int_equal(cs_cin_year_parse("2025-26", &y, &d), CS_OK);
    assert_int_equal(cs_cin_build(&m, &y, NULL, &ds, &d), CS_OK);
    assert_int_equal(cs_ds_count(&ds, CS_CIN_G_CHILD), 0);
    assert_int_equal(cs_ds_count(&ds, CS_CIN_G_HEADER), 1);
    assert_int_equal(cs_ds_cell_c(&ds, CS_CIN_G_HEADER, 0, CS_CIN_H_LEA)->kind, CS_V_ABSENT);
    cs_ds_free(&ds);
    cs_model_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scope),
        cmocka_unit_test(header),
        cmocka_unit_test(child_fields),
        cmocka_unit_test(closure_only_inside_the_period),
        cmocka_unit_test(assessments_and_plans),
        cmocka_unit_test(icpc_at_s47_or_episode_level),
        cmocka_unit_test(child_protection_plans),
        cmocka_unit_test(provenance),
        cmocka_unit_test(written_census_passes_the_xsd),
        cmocka_unit_test(earlier_year_uses_gender_current),
        cmocka_unit_test(empty_model),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
