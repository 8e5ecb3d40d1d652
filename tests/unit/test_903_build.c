/* Deriving the SSDA903 return from small hand-built canonical models:
 * episodes (each RNE, moves with the same carer, legal status changes,
 * both at once, X1 chaining, period ends, continuity across 1 April, no
 * overlaps), who is in scope, Header by year, UASC, reviews, OC2's
 * continuously-looked-after edge cases and items, OC3 birthdays, adoption,
 * missing, social workers, DoLo, provenance and the derived placement
 * fields. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "synth/synth.h"
#include "unit/s903_test.h"

#define E CS_903_G_EPISODES

/* ---- model builders ---------------------------------------------------------- */

static void person(cs_model *m, const char *id, const char *sex, cs_date dob)
{
    cs_person *p = cs_model_append(m, CS_E_person);
    p->id = id;
    p->sex = sex;
    p->ethnicity = "WBRI";
    p->birth_date = dob;
    p->upn = NULL;
    p->upn_unknown = "UN1";
    p->postcode = "kt1 4aw";
    p->is_mother = CS_BOOL_NONE;
    p->prov = (cs_prov){cs_model_add_file(m, "people.csv"), 7};
}

static void period(cs_model *m, const char *id, const char *pid, cs_date start, cs_date end,
                   const char *reason)
{
    cs_cla_period *p = cs_model_append(m, CS_E_cla_period);
    p->id = id;
    p->person_id = pid;
    p->start_date = start;
    p->end_date = end;
    p->primary_need = "N1";
    p->end_reason = reason;
}

static void placement(cs_model *m, const char *pid, const char *per, cs_date start, cs_date end,
                      const char *type, const char *carer, const char *postcode,
                      const char *change_reason)
{
    cs_cla_placement *p = cs_model_append(m, CS_E_cla_placement);
    p->person_id = pid;
    p->period_id = per;
    p->start_date = start;
    p->end_date = end;
    p->placement_type = type;
    p->provider = "PR1";
    p->urn = "SC040211";
    p->postcode = postcode;
    p->carer_id = carer;
    p->change_reason = change_reason;
    p->prov = (cs_prov){cs_model_add_file(m, "placements.csv"), 40};
}

static void legal(cs_model *m, const char *pid, const char *code, cs_date start, cs_date end)
{
    cs_legal_status *l = cs_model_append(m, CS_E_legal_status);
    l->person_id = pid;
    l->legal_status = code;
    l->start_date = start;
    l->end_date = end;
}

/* A child in care from `start`, C2, in foster care U4 with carer C1. */
static void simple_child(cs_model *m, const char *id, cs_date dob, cs_date start, cs_date end,
                         const char *reason)
{
    person(m, id, "F", dob);
    period(m, id, id, start, end, reason);
    placement(m, id, id, start, end, "U4", "CARER1", "SW13 0AJ", NULL);
    legal(m, id, "C2", start, end);
}

static cs_903_year year_of(const char *label)
{
    cs_903_year y;
    cs_diag d;
    assert_int_equal(cs_903_year_parse(label, &y, &d), CS_OK);
    return y;
}

static void build(cs_model *m, const char *label, cs_dataset *ds)
{
    cs_903_year y = year_of(label);
    cs_diag d;
    assert_int_equal(cs_903_build(m, &y, "E09000027", ds, &d), CS_OK);
}

/* The RNE sequence of a child's episodes, "SLP". */
static const char *rnes(const cs_dataset *ds, const char *id)
{
    static char buf[64];
    uint32_t first, n = rows_of(ds, id, E, &first);
    size_t k = 0;
    for (uint32_t i = 0; i < n && k + 1 < sizeof buf; i++)
        buf[k++] = val(ds, E, first + i, CS_903_E_RNE)[0];
    buf[k] = '\0';
    return buf;
}

/* ---- years ----------------------------------------------------------------------- */

static void years(void **state)
{
    (void)state;
    cs_903_year y;
    cs_diag d;
    assert_int_equal(cs_903_year_parse("2025-26", &y, &d), CS_OK);
    assert_int_equal(y.collection_start, D(2025, 4, 1));
    assert_int_equal(y.collection_end, D(2026, 3, 31));
    assert_string_equal(y.label, "2025-26");
    assert_int_equal(cs_903_year_parse("2025/26", &y, &d), CS_OK);
    assert_int_equal(y.end_year, 2026);
    assert_int_equal(cs_903_year_parse("2025", &y, &d), CS_OK);   /* year ending 2025 */
    assert_string_equal(y.label, "2024-25");
    assert_int_equal(cs_903_year_parse("2025-27", &y, &d), CS_ERR_USAGE);
    assert_non_null(strstr(d.msg, "follow"));
    assert_int_equal(cs_903_year_parse("25-26", &y, &d), CS_ERR_USAGE);
    assert_int_equal(cs_903_year_parse(NULL, &y, &d), CS_ERR_USAGE);
    cs_903_year prev;
    y = year_of("2025-26");
    cs_903_year_previous(&y, &prev);
    assert_string_equal(prev.label, "2024-25");
    /* code lists by year */
    assert_int_equal(cs_903_year_sex_mfu(&y), 1);
    cs_903_year old = year_of("2023-24");
    assert_int_equal(cs_903_year_sex_mfu(&old), 0);
    int has_z11 = 0, has_h5 = 0;
    for (const char *const *c = cs_903_place_codes(&y); *c; c++)
        has_z11 |= !strcmp(*c, "Z11"), has_h5 |= !strcmp(*c, "H5");
    assert_true(has_z11 && !has_h5);
    has_z11 = has_h5 = 0;
    for (const char *const *c = cs_903_place_codes(&old); *c; c++)
        has_z11 |= !strcmp(*c, "Z11"), has_h5 |= !strcmp(*c, "H5");
    assert_true(!has_z11 && has_h5);
    char buf[32];
    assert_string_equal(cs_903_xsd_name(&y, buf, sizeof buf), "ssda903-2025-26.xsd");
    /* tables by year */
    const cs_903_table *sw = cs_903_table_of(CS_903_G_SW), *dolo = cs_903_table_of(CS_903_G_DOLO);
    cs_903_year y2223 = year_of("2022-23"), y2627 = year_of("2026-27");
    assert_false(cs_903_table_in_year(sw, &y2223));
    assert_true(cs_903_table_in_year(sw, &old));
    assert_false(cs_903_table_in_year(dolo, &y));
    assert_true(cs_903_table_in_year(dolo, &y2627));
}

/* ---- episodes ----------------------------------------------------------------------- */

static void single_episode(void **state)
{
    (void)state;
    cs_model m;
    cs_model_init(&m);
    simple_child(&m, "A1", D(2015, 5, 1), D(2025, 6, 1), CS_DATE_NONE, NULL);
    cs_dataset ds;
    build(&m, "2025-26", &ds);
    uint32_t e;
    assert_int_equal(rows_of(&ds, "A1", E, &e), 1);
    assert_string_equal(val(&ds, E, e, CS_903_E_CHILD), "A1");
    assert_string_equal(val(&ds, E, e, CS_903_E_DECOM), "01/06/2025");
    assert_string_equal(val(&ds, E, e, CS_903_E_RNE), "S");
    assert_string_equal(val(&ds, E, e, CS_903_E_LS), "C2");
    assert_string_equal(val(&ds, E, e, CS_903_E_CIN), "N1");
    assert_string_equal(val(&ds, E, e, CS_903_E_PLACE), "U4");
    assert_string_equal(val(&ds, E, e, CS_903_E_PLACE_PROVIDER), "PR1");
    assert_int_equal(kind(&ds, E, e, CS_903_E_DEC), CS_V_ABSENT);
    assert_int_equal(kind(&ds, E, e, CS_903_E_REC), CS_V_ABSENT);
    assert_string_equal(val(&ds, E, e, CS_903_E_HOME_POST), "KT1 4AW");   /* normalised */
    assert_string_equal(val(&ds, E, e, CS_903_E_PL_POST), "SW13 0AJ");
    assert_string_equal(val(&ds, E, e, CS_903_E_URN), "SC040211");
    /* provenance of the placement row */
    assert_string_equal(ds.files[ds.rows[E].file[e]], "placements.csv");
    assert_int_equal(ds.rows[E].line[e], 40);
    cs_ds_free(&ds);
    cs_model_free(&m);
}

static void legal_status_change_only(void **state)
{
    (void)state;
    cs_model m;
    cs_model_init(&m);
    person(&m, "B1", "M", D(2012, 1, 1));
    period(&m, "B1", "B1", D(2025, 5, 1), CS_DATE_NONE, NULL);
    placement(&m, "B1", "B1", D(2025, 5, 1), CS_DATE_NONE, "U4", "C1", "SW13 0AJ", NULL);
    legal(&m, "B1", "C1", D(2025, 5, 1), D(2025, 8, 1));
    legal(&m, "B1", "C2", D(2025, 8, 1), CS_DATE_NONE);
    cs_dataset ds;
    build(&m, "2025-26", &ds);
    uint32_t e;
    assert_int_equal(rows_of(&ds, "B1", E, &e), 2);
    assert_string_equal(rnes(&ds, "B1"), "SL");
    assert_string_equal(val(&ds, E, e, CS_903_E_LS), "C1");
    assert_string_equal(val(&ds, E, e, CS_903_E_DEC), "01/08/2025");
    assert_string_equal(val(&ds, E, e, CS_903_E_REC), "X1");
    assert_int_equal(kind(&ds, E, e, CS_903_E_REASON_PLACE_CHANGE), CS_V_ABSENT);
    assert_string_equal(val(&ds, E, e + 1, CS_903_E_DECOM), "01/08/2025");
    assert_string_equal(val(&ds, E, e + 1, CS_903_E_LS), "C2");
    assert_string_equal(val(&ds, E, e + 1, CS_903_E_PLACE), "U4");
    cs_ds_free(&ds);
    cs_model_free(&m);
}

static void placement_moves(void **state)
{
    (void)state;
    cs_model m;
    cs_model_init(&m);
    /* P: another carer; T: same carer, new placement type; U: same carer and
     * LS changes the same day; B: another carer and LS changes */
    person(&m, "C1", "M", D(2010, 1, 1));
    period(&m, "C1", "C1", D(2025, 4, 10), CS_DATE_NONE, NULL);
    placement(&m, "C1", "C1", D(2025, 4, 10), D(2025, 5, 1), "U4", "CA", "SW13 0AJ", "CREQB");
    placement(&m, "C1", "C1", D(2025, 5, 1), D(2025, 6, 1), "U5", "CB", "SW13 0BN", "CARPL");
    placement(&m, "C1", "C1", D(2025, 6, 1), D(2025, 7, 1), "A4", "CB", "SW13 0BN", "PLACE");
    placement(&m, "C1", "C1", D(2025, 7, 1), D(2025, 9, 1), "A6", "CB", "SW13 0BN", "OTHER");
    placement(&m, "C1", "C1", D(2025, 9, 1), CS_DATE_NONE, "K2", "HOME9", "CR0 3AL", NULL);
    legal(&m, "C1", "C2", D(2025, 4, 10), D(2025, 7, 1));
    legal(&m, "C1", "E1", D(2025, 7, 1), D(2025, 9, 1));
    legal(&m, "C1", "C2", D(2025, 9, 1), CS_DATE_NONE);
    cs_dataset ds;
    build(&m, "2025-26", &ds);
    assert_string_equal(rnes(&ds, "C1"), "SPTUB");
    uint32_t e;
    assert_int_equal(rows_of(&ds, "C1", E, &e), 5);
    /* the reason sits on the episode that ends with the move */
    assert_string_equal(val(&ds, E, e, CS_903_E_REASON_PLACE_CHANGE), "CREQB");
    assert_string_equal(val(&ds, E, e + 1, CS_903_E_REASON_PLACE_CHANGE), "CARPL");
    assert_string_equal(val(&ds, E, e + 2, CS_903_E_REASON_PLACE_CHANGE), "PLACE");
    assert_string_equal(val(&ds, E, e + 3, CS_903_E_REASON_PLACE_CHANGE), "OTHER");
    assert_int_equal(kind(&ds, E, e + 4, CS_903_E_REASON_PLACE_CHANGE), CS_V_ABSENT);
    /* X1 chaining: each DEC is the next DECOM */
    for (uint32_t i = 0; i + 1 < 5; i++) {
        assert_string_equal(val(&ds, E, e + i, CS_903_E_DEC),
                            val(&ds, E, e + i + 1, CS_903_E_DECOM));
        assert_string_equal(val(&ds, E, e + i, CS_903_E_REC), "X1");
    }
    assert_string_equal(val(&ds, E, e + 3, CS_903_E_LS), "E1");
    assert_string_equal(val(&ds, E, e + 4, CS_903_E_PL_POST), "CR0 3AL");
    cs_ds_free(&ds);
    cs_model_free(&m);
}

static void unchanged_placement_is_no_episode(void **state)
{
    (void)state;
    cs_model m;
    cs_model_init(&m);
    /* a new placement record with the same type, provider, URN and postcode
     * (another carer id alone) and a renewed legal status with the same
     * code start nothing new */
    person(&m, "D1", "M", D(2010, 1, 1));
    period(&m, "D1", "D1", D(2025, 4, 10), CS_DATE_NONE, NULL);
    placement(&m, "D1", "D1", D(2025, 4, 10), D(2025, 6, 1), "U4", "CA", "SW13 0AJ", NULL);
    placement(&m, "D1", "D1", D(2025, 6, 1), CS_DATE_NONE, "U4", "CB", "sw130aj", NULL);
    legal(&m, "D1", "C2", D(2025, 4, 10), D(2025, 8, 1));
    legal(&m, "D1", "C2", D(2025, 8, 1), CS_DATE_NONE);
    cs_dataset ds;
    build(&m, "2025-26", &ds);
    assert_string_equal(rnes(&ds, "D1"), "S");
    cs_ds_free(&ds);
    cs_model_free(&m);
}

static void continuity_across_april(void **state)
{
    (void)state;
    cs_model m;
    cs_model_init(&m);
    person(&m, "E1", "M", D(2010, 1, 1));
    period(&m, "E1", "E1", D(2023, 6, 1), CS_DATE_NONE, NULL);
    placement(&m, "E1", "E1", D(2023, 6, 1), D(2024, 2, 1), "U4", "CA", "SW13 0AJ", "CARPL");
    placement(&m, "E1", "E1", D(2024, 2, 1), D(2025, 6, 1), "U5", "CB", "SW13 0BN", "ALLEG");
    placement(&m, "E1", "E1", D(2025, 6, 1), CS_DATE_NONE, "K2", "H", "CR0 3AL", NULL);
    legal(&m, "E1", "C2", D(2023, 6, 1), CS_DATE_NONE);
    cs_dataset ds;
    build(&m, "2025-26", &ds);
    uint32_t e;
    /* the 2023 episode ended before the year; the one open on 1 April keeps
     * its true DECOM and its RNE */
    assert_int_equal(rows_of(&ds, "E1", E, &e), 2);
    assert_string_equal(val(&ds, E, e, CS_903_E_DECOM), "01/02/2024");
    assert_string_equal(val(&ds, E, e, CS_903_E_RNE), "P");
    assert_string_equal(val(&ds, E, e, CS_903_E_DEC), "01/06/2025");
    assert_string_equal(val(&ds, E, e, CS_903_E_REASON_PLACE_CHANGE), "ALLEG");
    assert_string_equal(val(&ds, E, e + 1, CS_903_E_RNE), "P");
    /* the same history seen from 2023-24: the first two episodes, the second
     * open at 31 March (DEC and the move's reason not yet known) */
    cs_dataset old;
    build(&m, "2023-24", &old);
    assert_int_equal(rows_of(&old, "E1", E, &e), 2);
    assert_string_equal(rnes(&old, "E1"), "SP");
    assert_string_equal(val(&old, E, e, CS_903_E_DECOM), "01/06/2023");
    assert_int_equal(kind(&old, E, e + 1, CS_903_E_DEC), CS_V_ABSENT);
    assert_int_equal(kind(&old, E, e + 1, CS_903_E_REC), CS_V_ABSENT);
    assert_int_equal(kind(&old, E, e + 1, CS_903_E_REASON_PLACE_CHANGE), CS_V_ABSENT);
    cs_ds_free(&old);
    cs_ds_free(&ds);
    cs_model_free(&m);
}

static void period_ends(void **state)
{
    (void)state;
    cs_model m;
    cs_model_init(&m);
    simple_child(&m, "F1", D(2010, 1, 1), D(2025, 5, 1), D(2025, 10, 1), "E13");
    simple_child(&m, "F2", D(2010, 1, 1), D(2025, 5, 1), D(2026, 5, 1), "E13");   /* after */
    simple_child(&m, "F3", D(2010, 1, 1), D(2024, 5, 1), D(2025, 3, 31), "E13");  /* before */
    simple_child(&m, "F4", D(2010, 1, 1), D(2024, 5, 1), D(2025, 4, 1), "E4A");   /* on 1 April */
    simple_child(&m, "F5", D(2010, 1, 1), D(2026, 4, 1), CS_DATE_NONE, NULL);     /* next year */
    cs_dataset ds;
    build(&m, "2025-26", &ds);
    uint32_t e;
    assert_int_equal(rows_of(&ds, "F1", E, &e), 1);
    assert_string_equal(val(&ds, E, e, CS_903_E_DEC), "01/10/2025");
    assert_string_equal(val(&ds, E, e, CS_903_E_REC), "E13");
    assert_int_equal(rows_of(&ds, "F2", E, &e), 1);
    assert_int_equal(kind(&ds, E, e, CS_903_E_DEC), CS_V_ABSENT);
    assert_int_equal(kind(&ds, E, e, CS_903_E_REC), CS_V_ABSENT);
    assert_int_equal(child_of(&ds, "F3"), UINT32_MAX);
    assert_int_equal(rows_of(&ds, "F4", E, &e), 1);
    assert_string_equal(val(&ds, E, e, CS_903_E_REC), "E4A");
    assert_int_equal(child_of(&ds, "F5"), UINT32_MAX);
    cs_ds_free(&ds);
    cs_model_free(&m);
}

static void periods_never_overlap(void **state)
{
    (void)state;
    cs_model m;
    cs_model_init(&m);
    /* an open period, then another starting: the first is cut short; a
     * period starting the same day as another replaces it */
    person(&m, "G1", "M", D(2010, 1, 1));
    period(&m, "P1", "G1", D(2025, 5, 1), CS_DATE_NONE, NULL);
    placement(&m, "G1", "P1", D(2025, 5, 1), CS_DATE_NONE, "U4", "CA", "SW13 0AJ", NULL);
    period(&m, "P2", "G1", D(2025, 9, 1), CS_DATE_NONE, NULL);
    placement(&m, "G1", "P2", D(2025, 9, 1), CS_DATE_NONE, "K2", "CB", "CR0 3AL", NULL);
    period(&m, "P3", "G1", D(2025, 9, 1), D(2025, 12, 1), "E8");
    placement(&m, "G1", "P3", D(2025, 9, 1), D(2025, 12, 1), "U6", "CC", "CR0 3AL", NULL);
    legal(&m, "G1", "V2", D(2025, 5, 1), CS_DATE_NONE);
    cs_dataset ds;
    build(&m, "2025-26", &ds);
    uint32_t e;
    assert_int_equal(rows_of(&ds, "G1", E, &e), 2);
    assert_string_equal(rnes(&ds, "G1"), "SS");
    assert_string_equal(val(&ds, E, e, CS_903_E_DEC), "01/09/2025");
    assert_int_equal(kind(&ds, E, e, CS_903_E_REC), CS_V_ABSENT);   /* cut short: no reason */
    assert_string_equal(val(&ds, E, e + 1, CS_903_E_PLACE), "U6");
    assert_string_equal(val(&ds, E, e + 1, CS_903_E_DEC), "01/12/2025");
    assert_string_equal(val(&ds, E, e + 1, CS_903_E_REC), "E8");
    cs_ds_free(&ds);
    cs_model_free(&m);
}

static void short_breaks_and_exempt_items(void **state)
{
    (void)state;
    cs_model m;
    cs_model_init(&m);
    person(&m, "H1", "F", D(2012, 1, 1));
    period(&m, "H1", "H1", D(2025, 5, 1), D(2025, 5, 3), "E8");
    placement(&m, "H1", "H1", D(2025, 5, 1), D(2025, 5, 3), "R1", "X", "SW13 0AJ", NULL);
    legal(&m, "H1", "V3", D(2025, 5, 1), D(2025, 5, 3));
    cs_cla_review *r = cs_model_append(&m, CS_E_cla_review);
    r->person_id = "H1";
    r->review_date = D(2025, 5, 2);
    r->participation = "PN1";
    person(&m, "H2", "M", D(2012, 1, 1));
    period(&m, "H2", "H2", D(2025, 5, 1), CS_DATE_NONE, NULL);
    placement(&m, "H2", "H2", D(2025, 5, 1), CS_DATE_NONE, "T1", "X", "SW13 0AJ", NULL);
    legal(&m, "H2", "C2", D(2025, 5, 1), CS_DATE_NONE);
    cs_dataset ds;
    build(&m, "2025-26", &ds);
    uint32_t e, h;
    assert_int_equal(rows_of(&ds, "H1", E, &e), 1);
    assert_int_equal(kind(&ds, E, e, CS_903_E_HOME_POST), CS_V_ABSENT);
    assert_int_equal(kind(&ds, E, e, CS_903_E_PL_POST), CS_V_ABSENT);
    assert_int_equal(kind(&ds, E, e, CS_903_E_URN), CS_V_ABSENT);
    assert_int_equal(rows_of(&ds, "H1", CS_903_G_REVIEWS, NULL), 0);   /* rule 399 */
    assert_int_equal(rows_of(&ds, "H1", CS_903_G_HEADER, &h), 1);
    assert_int_equal(kind(&ds, CS_903_G_HEADER, h, CS_903_H_MOTHER), CS_V_ABSENT);
    /* a provider and URN on a temporary placement are reported as recorded,
     * for rules 178/213/222 to judge */
    assert_int_equal(rows_of(&ds, "H2", E, &e), 1);
    assert_string_equal(val(&ds, E, e, CS_903_E_PLACE_PROVIDER), "PR1");
    assert_string_equal(val(&ds, E, e, CS_903_E_URN), "SC040211");
    assert_string_equal(val(&ds, E, e, CS_903_E_PL_POST), "SW13 0AJ");
    cs_ds_free(&ds);
    cs_model_free(&m);
}

/* ---- Header, UASC, reviews -------------------------------------------------------------- */

static void header_by_year(void **state)
{
    (void)state;
    cs_model m;
    cs_model_init(&m);
    simple_child(&m, "J1", D(2008, 2, 3), D(2023, 6, 1), CS_DATE_NONE, NULL);
    cs_person *p = &CS_TABLE(&m, person)[0];
    p->upn = "A123456789012";
    p->is_mother = 1;
    p->first_child_birth_date = D(2024, 1, 5);
    simple_child(&m, "J2", D(2009, 2, 3), D(2023, 6, 1), CS_DATE_NONE, NULL);
    CS_TABLE(&m, person)[1].sex = "1";   /* a system with 1/2 codes */
    cs_dataset ds;
    build(&m, "2025-26", &ds);
    uint32_t h;
    assert_int_equal(rows_of(&ds, "J1", CS_903_G_HEADER, &h), 1);
    assert_string_equal(val(&ds, CS_903_G_HEADER, h, CS_903_H_SEX), "F");
    assert_string_equal(val(&ds, CS_903_G_HEADER, h, CS_903_H_DOB), "03/02/2008");
    assert_string_equal(val(&ds, CS_903_G_HEADER, h, CS_903_H_ETHNIC), "WBRI");
    assert_string_equal(val(&ds, CS_903_G_HEADER, h, CS_903_H_UPN), "A123456789012");
    assert_string_equal(val(&ds, CS_903_G_HEADER, h, CS_903_H_MOTHER), "1");
    assert_string_equal(val(&ds, CS_903_G_HEADER, h, CS_903_H_MC_DOB), "05/01/2024");
    assert_string_equal(val(&ds, CS_903_G_HEADER, h, CS_903_H_UASC), "0");
    assert_int_equal(rows_of(&ds, "J2", CS_903_G_HEADER, &h), 1);
    assert_string_equal(val(&ds, CS_903_G_HEADER, h, CS_903_H_SEX), "M");
    assert_string_equal(val(&ds, CS_903_G_HEADER, h, CS_903_H_UPN), "UN1");
    assert_int_equal(kind(&ds, CS_903_G_HEADER, h, CS_903_H_MOTHER), CS_V_ABSENT);   /* a boy */
    cs_ds_free(&ds);
    build(&m, "2023-24", &ds);
    assert_int_equal(rows_of(&ds, "J1", CS_903_G_HEADER, &h), 1);
    assert_string_equal(val(&ds, CS_903_G_HEADER, h, CS_903_H_SEX), "2");
    assert_int_equal(rows_of(&ds, "J2", CS_903_G_HEADER, &h), 1);
    assert_string_equal(val(&ds, CS_903_G_HEADER, h, CS_903_H_SEX), "1");
    cs_ds_free(&ds);
    cs_model_free(&m);
}

static void uasc_and_reviews(void **state)
{
    (void)state;
    cs_model m;
    cs_model_init(&m);
    simple_child(&m, "K1", D(2009, 7, 1), D(2024, 9, 1), CS_DATE_NONE, NULL);
    cs_immigration_status *s = cs_model_append(&m, CS_E_immigration_status);
    s->person_id = "K1";
    s->status = "UASC";
    s->start_date = D(2024, 9, 1);
    s->end_date = D(2025, 7, 1);
    s = cs_model_append(&m, CS_E_immigration_status);
    s->person_id = "K1";
    s->status = "Former UASC";
    s->start_date = D(2025, 7, 1);
    static const int review_days[] = {10, 40, 100};   /* days after 1 March 2025 */
    for (size_t i = 0; i < 3; i++) {
        cs_cla_review *r = cs_model_append(&m, CS_E_cla_review);
        r->person_id = "K1";
        r->review_date = D(2025, 3, 1) + review_days[i];
        r->participation = "pn1";
        r->cancelled = i == 1 ? 1 : 0;
    }
    cs_dataset ds;
    build(&m, "2025-26", &ds);
    uint32_t u, h, e, r;
    assert_int_equal(rows_of(&ds, "K1", CS_903_G_UASC, &u), 1);
    assert_string_equal(val(&ds, CS_903_G_UASC, u, CS_903_U_SEX), "F");
    assert_string_equal(val(&ds, CS_903_G_UASC, u, CS_903_U_DOB), "01/07/2009");
    assert_string_equal(val(&ds, CS_903_G_UASC, u, CS_903_U_DUC), "01/07/2025");
    assert_int_equal(rows_of(&ds, "K1", CS_903_G_HEADER, &h), 1);
    assert_string_equal(val(&ds, CS_903_G_HEADER, h, CS_903_H_UASC), "1");
    /* (former) UASC: no home postcode, so no distance (rules 164/406) */
    assert_int_equal(rows_of(&ds, "K1", E, &e), 1);
    assert_int_equal(kind(&ds, E, e, CS_903_E_HOME_POST), CS_V_ABSENT);
    assert_string_equal(val(&ds, E, e, CS_903_E_PL_POST), "SW13 0AJ");
    /* reviews held in the year and not cancelled: 11 March is last year, the
     * 10 April one was cancelled */
    assert_int_equal(rows_of(&ds, "K1", CS_903_G_REVIEWS, &r), 1);
    assert_string_equal(val(&ds, CS_903_G_REVIEWS, r, CS_903_R_REVIEW), "09/06/2025");
    assert_string_equal(val(&ds, CS_903_G_REVIEWS, r, CS_903_R_REVIEW_CODE), "PN1");
    assert_string_equal(val(&ds, CS_903_G_REVIEWS, r, CS_903_R_CHILD), "K1");
    cs_ds_free(&ds);
    cs_model_free(&m);
}

/* ---- OC2 ------------------------------------------------------------------------------ */

static int has_oc2(const cs_dataset *ds, const char *id)
{
    return rows_of(ds, id, CS_903_G_OC2, NULL) == 1;
}

static void oc2_continuous_edges(void **state)
{
    (void)state;
    cs_model m;
    cs_model_init(&m);
    cs_date none = CS_DATE_NONE;
    simple_child(&m, "L1", D(2012, 1, 1), D(2020, 1, 1), none, NULL);            /* in care for years */
    simple_child(&m, "L2", D(2012, 1, 1), D(2025, 4, 1), none, NULL);            /* starts 1 April */
    simple_child(&m, "L3", D(2012, 1, 1), D(2025, 4, 2), none, NULL);            /* starts 2 April */
    simple_child(&m, "L4", D(2012, 1, 1), D(2020, 1, 1), D(2026, 3, 30), "E8");  /* leaves 30 March */
    simple_child(&m, "L5", D(2012, 1, 1), D(2020, 1, 1), D(2026, 3, 31), "E8");  /* leaves 31 March */
    /* a second period in the year (RNE S after 1 April) */
    simple_child(&m, "L6", D(2012, 1, 1), D(2020, 1, 1), D(2025, 6, 1), "E13");
    period(&m, "L6b", "L6", D(2025, 8, 1), none, NULL);
    placement(&m, "L6", "L6b", D(2025, 8, 1), none, "U4", "C", "SW13 0AJ", NULL);
    /* short breaks overlapping the year */
    simple_child(&m, "L7", D(2012, 1, 1), D(2020, 1, 1), none, NULL);
    legal(&m, "L7", "V4", D(2025, 9, 1), none);
    /* moves with X1 inside the year keep the child in */
    simple_child(&m, "L8", D(2012, 1, 1), D(2020, 1, 1), none, NULL);
    placement(&m, "L8", "L8", D(2025, 9, 1), none, "K2", "H", "CR0 3AL", NULL);
    cs_dataset ds;
    build(&m, "2025-26", &ds);
    assert_true(has_oc2(&ds, "L1"));
    assert_true(has_oc2(&ds, "L2"));
    assert_false(has_oc2(&ds, "L3"));
    assert_false(has_oc2(&ds, "L4"));
    assert_true(has_oc2(&ds, "L5"));
    assert_false(has_oc2(&ds, "L6"));
    assert_false(has_oc2(&ds, "L7"));
    assert_true(has_oc2(&ds, "L8"));
    cs_ds_free(&ds);
    cs_model_free(&m);
}

static void health(cs_model *m, const char *pid, const char *kind_, cs_date d, const char *status)
{
    cs_health_check *h = cs_model_append(m, CS_E_health_check);
    h->person_id = pid;
    h->kind = kind_;
    h->check_date = d;
    h->status = status;
}

static void oc2_items(void **state)
{
    (void)state;
    cs_model m;
    cs_model_init(&m);
    /* a three-year-old: development check, no SDQ, no convictions item */
    simple_child(&m, "M1", D(2022, 6, 1), D(2023, 1, 1), CS_DATE_NONE, NULL);
    health(&m, "M1", "DEVELOPMENT", D(2025, 9, 1), "Completed");
    health(&m, "M1", "IMMUNISATIONS", D(2025, 10, 1), NULL);
    health(&m, "M1", "DENTAL", D(2025, 10, 1), "Declined");
    /* a twelve-year-old with an SDQ, a conviction and substance misuse */
    simple_child(&m, "M2", D(2013, 6, 1), D(2020, 1, 1), CS_DATE_NONE, NULL);
    health(&m, "M2", "HEALTH_ASSESSMENT", D(2025, 11, 1), "done");
    health(&m, "M2", "DENTAL", D(2024, 11, 1), "done");   /* last year */
    cs_sdq *s = cs_model_append(&m, CS_E_sdq);
    s->person_id = "M2";
    s->completed_date = D(2025, 5, 1);
    s->score = 14;
    s = cs_model_append(&m, CS_E_sdq);
    s->person_id = "M2";
    s->completed_date = D(2026, 1, 1);
    s->score = 17;
    cs_outcome *o = cs_model_append(&m, CS_E_outcome);
    o->person_id = "M2";
    o->recorded_date = D(2026, 3, 1);
    o->convicted = 1;
    o->substance_misuse = 1;
    o->intervention_received = 0;
    o->intervention_offered = 1;
    /* turns 17 during the year: SDQ still due (rule 189) */
    simple_child(&m, "M3", D(2008, 6, 1), D(2020, 1, 1), CS_DATE_NONE, NULL);
    s = cs_model_append(&m, CS_E_sdq);
    s->person_id = "M3";
    s->completed_date = D(2025, 6, 1);
    s->score = CS_INT_NONE;
    s->reason = "SDQ5";
    cs_dataset ds;
    build(&m, "2025-26", &ds);
    const int g = CS_903_G_OC2;
    uint32_t r;
    assert_int_equal(rows_of(&ds, "M1", g, &r), 1);
    assert_string_equal(val(&ds, g, r, CS_903_O2_DOB), "01/06/2022");
    assert_int_equal(kind(&ds, g, r, CS_903_O2_SDQ_SCORE), CS_V_ABSENT);
    assert_int_equal(kind(&ds, g, r, CS_903_O2_CONVICTED), CS_V_ABSENT);
    assert_string_equal(val(&ds, g, r, CS_903_O2_HEALTH_CHECK), "1");
    assert_string_equal(val(&ds, g, r, CS_903_O2_IMMUNISATIONS), "1");
    assert_string_equal(val(&ds, g, r, CS_903_O2_TEETH_CHECK), "0");   /* declined */
    assert_string_equal(val(&ds, g, r, CS_903_O2_HEALTH_ASSESSMENT), "0");
    assert_string_equal(val(&ds, g, r, CS_903_O2_SUBSTANCE_MISUSE), "0");
    assert_int_equal(kind(&ds, g, r, CS_903_O2_INTERVENTION_RECEIVED), CS_V_ABSENT);
    assert_int_equal(rows_of(&ds, "M2", g, &r), 1);
    assert_string_equal(val(&ds, g, r, CS_903_O2_SDQ_SCORE), "17");   /* the latest */
    assert_int_equal(kind(&ds, g, r, CS_903_O2_SDQ_SCORE), CS_V_INT);
    assert_int_equal(kind(&ds, g, r, CS_903_O2_SDQ_REASON), CS_V_ABSENT);
    assert_string_equal(val(&ds, g, r, CS_903_O2_CONVICTED), "1");
    assert_int_equal(kind(&ds, g, r, CS_903_O2_HEALTH_CHECK), CS_V_ABSENT);
    assert_string_equal(val(&ds, g, r, CS_903_O2_TEETH_CHECK), "0");
    assert_string_equal(val(&ds, g, r, CS_903_O2_HEALTH_ASSESSMENT), "1");
    assert_string_equal(val(&ds, g, r, CS_903_O2_SUBSTANCE_MISUSE), "1");
    assert_string_equal(val(&ds, g, r, CS_903_O2_INTERVENTION_RECEIVED), "0");
    assert_string_equal(val(&ds, g, r, CS_903_O2_INTERVENTION_OFFERED), "1");
    assert_int_equal(rows_of(&ds, "M3", g, &r), 1);
    assert_string_equal(val(&ds, g, r, CS_903_O2_SDQ_REASON), "SDQ5");
    assert_string_equal(val(&ds, g, r, CS_903_O2_CONVICTED), "0");
    /* 17 before the year began: no SDQ items */
    CS_TABLE(&m, person)[2].birth_date = D(2008, 1, 1);
    cs_ds_free(&ds);
    build(&m, "2025-26", &ds);
    assert_int_equal(rows_of(&ds, "M3", g, &r), 1);
    assert_int_equal(kind(&ds, g, r, CS_903_O2_SDQ_REASON), CS_V_ABSENT);
    cs_ds_free(&ds);
    cs_model_free(&m);
}

/* ---- OC3 ------------------------------------------------------------------------------ */

static void leaver(cs_model *m, const char *pid, const char *in_touch, const char *activity,
                   const char *accom, int suitable)
{
    cs_care_leaver *c = cs_model_append(m, CS_E_care_leaver);
    c->person_id = pid;
    c->in_touch = in_touch;
    c->activity = activity;
    c->accommodation = accom;
    c->accommodation_suitable = (int8_t)suitable;
    c->latest_contact_date = D(2025, 9, 1);
}

static void oc3_birthdays(void **state)
{
    (void)state;
    cs_model m;
    cs_model_init(&m);
    /* left care in 2024; 19th birthday in the year */
    simple_child(&m, "N1", D(2006, 10, 5), D(2020, 1, 1), D(2024, 10, 5), "E17");
    leaver(&m, "N1", "YES", "F2", "D", 1);
    /* 17th birthday in the year but still looked after on it */
    simple_child(&m, "N2", D(2008, 10, 5), D(2020, 1, 1), CS_DATE_NONE, NULL);
    leaver(&m, "N2", "YES", "F2", "D", 1);
    /* 22nd birthday in the year: too old */
    person(&m, "N3", "M", D(2003, 10, 5));
    leaver(&m, "N3", "YES", "F2", "D", 1);
    /* 21st birthday on 31 March, died */
    person(&m, "N4", "M", D(2005, 3, 31));
    leaver(&m, "N4", "DIED", NULL, NULL, -1);
    /* left care at 18 in the year, before... the 18th birthday was the day
     * care ended: not looked after on it */
    simple_child(&m, "N5", D(2007, 6, 1), D(2020, 1, 1), D(2025, 6, 1), "E17");
    leaver(&m, "N5", "NO", "G5", "B", 0);
    /* one row per birthday: the one recorded nearest this year's (20th) */
    person(&m, "N6", "F", D(2005, 12, 1));
    leaver(&m, "N6", "YES", "F1", "U", 1);
    CS_TABLE(&m, care_leaver)[5].latest_contact_date = D(2024, 12, 10);
    leaver(&m, "N6", "NO", "G4", "B", 1);
    CS_TABLE(&m, care_leaver)[6].latest_contact_date = D(2025, 11, 20);
    leaver(&m, "N6", "REFU", NULL, NULL, -1);
    CS_TABLE(&m, care_leaver)[7].latest_contact_date = CS_DATE_NONE;
    cs_dataset ds;
    build(&m, "2025-26", &ds);
    const int g = CS_903_G_OC3;
    uint32_t r;
    assert_int_equal(rows_of(&ds, "N1", g, &r), 1);
    assert_string_equal(val(&ds, g, r, CS_903_O3_IN_TOUCH), "YES");
    assert_string_equal(val(&ds, g, r, CS_903_O3_ACTIV), "F2");
    assert_string_equal(val(&ds, g, r, CS_903_O3_ACCOM), "D1");
    assert_string_equal(val(&ds, g, r, CS_903_O3_DOB), "05/10/2006");
    assert_int_equal(rows_of(&ds, "N1", CS_903_G_HEADER, NULL), 1);   /* every child has one */
    assert_int_equal(rows_of(&ds, "N1", E, NULL), 0);
    assert_int_equal(rows_of(&ds, "N1", CS_903_G_HEADER, &r), 1);
    assert_int_equal(kind(&ds, CS_903_G_HEADER, r, CS_903_H_MOTHER), CS_V_ABSENT);   /* 165 */
    assert_int_equal(rows_of(&ds, "N2", g, NULL), 0);
    assert_int_not_equal(child_of(&ds, "N2"), UINT32_MAX);   /* still in the return */
    assert_int_equal(child_of(&ds, "N3"), UINT32_MAX);
    assert_int_equal(rows_of(&ds, "N4", g, &r), 1);
    assert_string_equal(val(&ds, g, r, CS_903_O3_IN_TOUCH), "DIED");
    assert_string_equal(val(&ds, g, r, CS_903_O3_ACTIV), "0");
    assert_string_equal(val(&ds, g, r, CS_903_O3_ACCOM), "0");
    assert_int_equal(rows_of(&ds, "N5", g, &r), 1);
    assert_string_equal(val(&ds, g, r, CS_903_O3_ACCOM), "B2");
    assert_int_equal(rows_of(&ds, "N5", E, NULL), 1);
    assert_int_equal(rows_of(&ds, "N6", g, &r), 1);
    assert_string_equal(val(&ds, g, r, CS_903_O3_IN_TOUCH), "NO");
    assert_string_equal(val(&ds, g, r, CS_903_O3_ACCOM), "B1");
    cs_ds_free(&ds);
    cs_model_free(&m);
}

/* ---- adoption, previous permanence, missing ------------------------------------------- */

static void adoption_and_permanence(void **state)
{
    (void)state;
    cs_model m;
    cs_model_init(&m);
    simple_child(&m, "P1", D(2022, 1, 1), D(2024, 1, 1), D(2025, 11, 1), "E11");
    cs_permanence *pm = cs_model_append(&m, CS_E_permanence);
    pm->person_id = "P1";
    pm->decision_date = D(2024, 6, 1);
    pm->matched_date = D(2025, 5, 1);
    pm->order_date = D(2025, 11, 1);
    pm->order_type = "Adoption order";
    pm->adopted_by_carer = 0;
    pm->number_of_adopters = 2;
    pm->adopter_sex = "mf";
    pm->adopter_legal_status = "L11";
    pm->reversed_date = CS_DATE_NONE;
    pm = cs_model_append(&m, CS_E_permanence);   /* an old decision reversed last year */
    pm->person_id = "P1";
    pm->decision_date = D(2024, 2, 1);
    pm->reversed_date = D(2024, 3, 1);
    pm->reversed_reason = "RD1";
    pm->number_of_adopters = CS_INT_NONE;
    pm->adopted_by_carer = CS_BOOL_NONE;
    /* starts care in the year with a previous permanence order */
    simple_child(&m, "P2", D(2015, 1, 1), D(2025, 7, 1), CS_DATE_NONE, NULL);
    cs_previous_permanence *pp = cs_model_append(&m, CS_E_previous_permanence);
    pp->person_id = "P2";
    pp->option = "P2";
    pp->la = "316";
    pp->order_date = "ZZ/06/2019";
    cs_dataset ds;
    build(&m, "2025-26", &ds);
    uint32_t r;
    assert_int_equal(rows_of(&ds, "P1", CS_903_G_AD1, &r), 1);
    assert_string_equal(val(&ds, CS_903_G_AD1, r, CS_903_A_DATE_INT), "01/06/2024");
    assert_string_equal(val(&ds, CS_903_G_AD1, r, CS_903_A_DATE_MATCH), "01/05/2025");
    assert_string_equal(val(&ds, CS_903_G_AD1, r, CS_903_A_FOSTER_CARE), "0");
    assert_string_equal(val(&ds, CS_903_G_AD1, r, CS_903_A_NB_ADOPTR), "2");
    assert_string_equal(val(&ds, CS_903_G_AD1, r, CS_903_A_SEX_ADOPTR), "MF");
    assert_string_equal(val(&ds, CS_903_G_AD1, r, CS_903_A_LS_ADOPTR), "L11");
    assert_int_equal(rows_of(&ds, "P1", CS_903_G_PLACED, &r), 1);
    assert_string_equal(val(&ds, CS_903_G_PLACED, r, CS_903_PA_DATE_PLACED), "01/06/2024");
    assert_int_equal(kind(&ds, CS_903_G_PLACED, r, CS_903_PA_DATE_PLACED_CEASED), CS_V_ABSENT);
    assert_int_equal(rows_of(&ds, "P1", CS_903_G_PREVPERM, NULL), 0);   /* started before */
    assert_int_equal(rows_of(&ds, "P2", CS_903_G_PREVPERM, &r), 1);
    assert_string_equal(val(&ds, CS_903_G_PREVPERM, r, CS_903_PP_PREV_PERM), "P2");
    assert_string_equal(val(&ds, CS_903_G_PREVPERM, r, CS_903_PP_LA_PERM), "316");
    assert_string_equal(val(&ds, CS_903_G_PREVPERM, r, CS_903_PP_DATE_PERM), "ZZ/06/2019");
    assert_int_equal(kind(&ds, CS_903_G_PREVPERM, r, CS_903_PP_DATE_PERM), CS_V_STR);
    assert_int_equal(rows_of(&ds, "P2", CS_903_G_AD1, NULL), 0);
    cs_ds_free(&ds);
    cs_model_free(&m);
}

static void missing_sw_and_dolo(void **state)
{
    (void)state;
    cs_model m;
    cs_model_init(&m);
    simple_child(&m, "Q1", D(2010, 1, 1), D(2024, 1, 1), CS_DATE_NONE, NULL);
    cs_missing_episode *me = cs_model_append(&m, CS_E_missing_episode);
    me->person_id = "Q1";
    me->kind = "Missing";
    me->start_date = D(2026, 3, 30);
    me->end_date = D(2026, 4, 2);   /* ends next year: MIS_END blank */
    me = cs_model_append(&m, CS_E_missing_episode);
    me->person_id = "Q1";
    me->kind = "Absent";
    me->start_date = D(2025, 5, 1);
    me->end_date = D(2025, 5, 2);
    me = cs_model_append(&m, CS_E_missing_episode);
    me->person_id = "Q1";
    me->kind = "M";
    me->start_date = D(2024, 5, 1);   /* last year */
    me->end_date = D(2024, 5, 2);
    cs_worker *w = cs_model_append(&m, CS_E_worker);
    w->id = "W9";
    w->registration_no = "SW123456";
    cs_involvement *v = cs_model_append(&m, CS_E_involvement);
    v->person_id = "Q1";
    v->worker_id = "W9";
    v->role = "ALLOCATED_SW";
    v->start_date = D(2025, 1, 10);
    v->end_date = D(2025, 9, 1);
    v->change_reason = "FCONTA";
    v = cs_model_append(&m, CS_E_involvement);
    v->person_id = "Q1";
    v->worker_id = "W10";   /* not in the model: no SW_ID */
    v->role = "allocated sw";
    v->start_date = D(2025, 9, 1);
    v->change_reason = "LEFTRL";
    v = cs_model_append(&m, CS_E_involvement);
    v->person_id = "Q1";
    v->worker_id = "W9";
    v->role = "IRO";
    v->start_date = D(2025, 1, 10);
    cs_dol_order *o = cs_model_append(&m, CS_E_dol_order);
    o->person_id = "Q1";
    o->start_date = D(2026, 6, 1);
    o->end_date = D(2027, 5, 1);
    cs_dataset ds;
    build(&m, "2025-26", &ds);
    const int g = CS_903_G_MISSING;
    uint32_t r;
    assert_int_equal(rows_of(&ds, "Q1", g, &r), 2);
    assert_string_equal(val(&ds, g, r, CS_903_M_MISSING), "A");   /* in date order */
    assert_string_equal(val(&ds, g, r + 1, CS_903_M_MISSING), "M");
    assert_string_equal(val(&ds, g, r + 1, CS_903_M_MIS_START), "30/03/2026");
    assert_int_equal(kind(&ds, g, r + 1, CS_903_M_MIS_END), CS_V_ABSENT);
    assert_int_equal(rows_of(&ds, "Q1", CS_903_G_SW, &r), 2);
    assert_string_equal(val(&ds, CS_903_G_SW, r, CS_903_SW_ID), "SW123456");
    assert_string_equal(val(&ds, CS_903_G_SW, r, CS_903_SW_DECOM), "10/01/2025");
    assert_string_equal(val(&ds, CS_903_G_SW, r, CS_903_SW_DEC), "01/09/2025");
    assert_string_equal(val(&ds, CS_903_G_SW, r, CS_903_SW_REASON), "FCONTA");
    assert_int_equal(kind(&ds, CS_903_G_SW, r + 1, CS_903_SW_ID), CS_V_ABSENT);
    assert_int_equal(kind(&ds, CS_903_G_SW, r + 1, CS_903_SW_DEC), CS_V_ABSENT);
    assert_int_equal(rows_of(&ds, "Q1", CS_903_G_DOLO, NULL), 0);   /* not before 2026-27 */
    cs_ds_free(&ds);
    build(&m, "2026-27", &ds);
    assert_int_equal(rows_of(&ds, "Q1", CS_903_G_DOLO, &r), 1);
    assert_string_equal(val(&ds, CS_903_G_DOLO, r, CS_903_DL_DOLO_START), "01/06/2026");
    assert_int_equal(kind(&ds, CS_903_G_DOLO, r, CS_903_DL_DOLO_END), CS_V_ABSENT);
    cs_ds_free(&ds);
    build(&m, "2022-23", &ds);
    assert_int_equal(rows_of(&ds, "Q1", CS_903_G_SW, NULL), 0);   /* before SW episodes */
    cs_ds_free(&ds);
    cs_model_free(&m);
}

/* ---- derived placement fields --------------------------------------------------------- */

static void derived_placement_fields(void **state)
{
    (void)state;
    assert_int_equal(cs_903_distance_tenths(0, 0, 3000, 4000), 31);   /* 5 km = 3.1 miles */
    assert_int_equal(cs_903_distance_tenths(100, 100, 100, 100), 0);
    cs_903_postcodes *pc = NULL;
    cs_diag d;
    assert_int_equal(cs_903_postcodes_load(&pc, src_path("rules/ssda903/reference/postcodes.tsv"), &d),
                     CS_OK);
    assert_true(cs_903_postcodes_count(pc) > 1000);
    cs_903_postcode home, far;
    assert_true(cs_903_postcode_find(pc, "kt14aw", &home));
    assert_int_equal(home.east, 517420);
    assert_string_equal(home.la, "E09000027");
    assert_true(cs_903_postcode_find(pc, "RG1 4NX", &far));
    assert_false(cs_903_postcode_find(pc, "SW13 9ZZ", NULL));   /* not in the directory */
    cs_model m;
    cs_model_init(&m);
    simple_child(&m, "R1", D(2012, 1, 1), D(2025, 5, 1), CS_DATE_NONE, NULL);
    placement(&m, "R1", "R1", D(2025, 8, 1), CS_DATE_NONE, "K2", "H", "RG1 4NX", NULL);
    placement(&m, "R1", "R1", D(2025, 10, 1), CS_DATE_NONE, "K2", "H2", "SW13 9ZZ", NULL);
    placement(&m, "R1", "R1", D(2025, 12, 1), CS_DATE_NONE, "K2", "H3", "CF1 9QE", NULL);
    cs_903_year y = year_of("2025-26");
    cs_dataset ds;
    assert_int_equal(cs_903_build_with(&m, &y, "E09000027", pc, &ds, &d), CS_OK);
    uint32_t e;
    assert_int_equal(rows_of(&ds, "R1", E, &e), 4);
    /* home KT1 4AW and SW13 0AJ are in the LA */
    assert_string_equal(val(&ds, E, e, CS_903_E_PL_LA), "E09000027");
    assert_string_equal(val(&ds, E, e, CS_903_E_PL_LOCATION), "IN");
    cs_903_postcode near;
    assert_true(cs_903_postcode_find(pc, "SW13 0AJ", &near));
    char want[16];
    int32_t t = cs_903_distance_tenths(home.east, home.north, near.east, near.north);
    snprintf(want, sizeof want, "%d.%d", (int)(t / 10), (int)(t % 10));
    assert_string_equal(val(&ds, E, e, CS_903_E_PL_DISTANCE), want);
    assert_string_equal(val(&ds, E, e + 1, CS_903_E_PL_LA), "E06000038");
    assert_string_equal(val(&ds, E, e + 1, CS_903_E_PL_LOCATION), "OUT");
    t = cs_903_distance_tenths(home.east, home.north, far.east, far.north);
    assert_in_range(t, 250, 350);   /* Kingston to Reading: about 28 miles as the crow flies */
    /* an unknown postcode: nothing derived */
    assert_int_equal(kind(&ds, E, e + 2, CS_903_E_PL_LA), CS_V_ABSENT);
    assert_int_equal(kind(&ds, E, e + 2, CS_903_E_PL_LOCATION), CS_V_ABSENT);
    assert_int_equal(kind(&ds, E, e + 2, CS_903_E_PL_DISTANCE), CS_V_ABSENT);
    assert_string_equal(val(&ds, E, e + 3, CS_903_E_PL_LA), "WAL");
    assert_string_equal(val(&ds, E, e + 3, CS_903_E_PL_LOCATION), "OUT");
    cs_ds_free(&ds);
    /* without postcodes: the fields stay blank */
    assert_int_equal(cs_903_build(&m, &y, "E09000027", &ds, &d), CS_OK);
    assert_int_equal(rows_of(&ds, "R1", E, &e), 4);
    assert_int_equal(kind(&ds, E, e, CS_903_E_PL_LA), CS_V_ABSENT);
    cs_ds_free(&ds);
    cs_model_free(&m);
    cs_903_postcodes_free(pc);
    /* a table without the needed columns */
    assert_int_not_equal(cs_903_postcodes_load(&pc, src_path("rules/ssda903/reference/providers.tsv"), &d),
                         CS_OK);
    assert_null(pc);
    assert_non_null(strstr(d.msg, "pcd"));
}

static void held(cs_model *m, const char *id, const char *pid, const char *per, const char *pl,
                 cs_date start, const char *rne, cs_date end, const char *rec)
{
    cs_cla_episode *e = cs_model_append(m, CS_E_cla_episode);
    e->id = id;
    e->person_id = pid;
    e->period_id = per;
    e->placement_id = pl;
    e->start_date = start;
    e->start_reason = rne;
    e->end_date = end;
    e->end_reason = rec;
    e->prov = (cs_prov){cs_model_add_file(m, "episodes.csv"), 12};
}

static void held_episodes_as_recorded(void **state)
{
    (void)state;
    cs_model m;
    cs_model_init(&m);
    person(&m, "S1", "M", D(2010, 1, 1));
    period(&m, "S1", "S1", D(2025, 5, 1), CS_DATE_NONE, NULL);
    placement(&m, "S1", "S1", D(2025, 5, 1), D(2025, 8, 1), "U4", "CA", "SW13 0AJ", "CREQO");
    CS_TABLE(&m, cla_placement)[0].id = "PL1";
    placement(&m, "S1", "S1", D(2025, 8, 1), CS_DATE_NONE, "K2", "CB", "CR0 3AL", NULL);
    CS_TABLE(&m, cla_placement)[1].id = "PL2";
    legal(&m, "S1", "C1", D(2025, 5, 1), D(2025, 7, 1));
    legal(&m, "S1", "C2", D(2025, 7, 1), CS_DATE_NONE);
    /* the system's episodes: an invalid RNE, an end before the start, and
     * no episode for the legal status change; all reported as they are */
    held(&m, "EP1", "S1", "S1", "PL1", D(2025, 5, 1), "S", D(2025, 8, 1), "X1");
    held(&m, "EP2", "S1", "S1", NULL, D(2025, 8, 1), "Z", D(2025, 7, 20), "E99");
    held(&m, "EP3", "S1", "S1", "PL2", D(2025, 9, 1), "P", CS_DATE_NONE, NULL);
    cs_dataset ds;
    build(&m, "2025-26", &ds);
    uint32_t e;
    assert_int_equal(rows_of(&ds, "S1", E, &e), 3);
    assert_string_equal(rnes(&ds, "S1"), "SZP");
    assert_string_equal(val(&ds, E, e, CS_903_E_LS), "C1");            /* in force on DECOM */
    assert_string_equal(val(&ds, E, e, CS_903_E_PLACE), "U4");         /* placement_id */
    assert_int_equal(kind(&ds, E, e, CS_903_E_REASON_PLACE_CHANGE), CS_V_ABSENT);   /* next is Z */
    assert_string_equal(val(&ds, E, e + 1, CS_903_E_PLACE), "K2");     /* in force on DECOM */
    assert_string_equal(val(&ds, E, e + 1, CS_903_E_LS), "C2");
    assert_string_equal(val(&ds, E, e + 1, CS_903_E_DEC), "20/07/2025");
    assert_string_equal(val(&ds, E, e + 1, CS_903_E_REC), "E99");
    assert_string_equal(val(&ds, E, e + 1, CS_903_E_CIN), "N1");       /* from the period */
    assert_string_equal(ds.files[ds.rows[E].file[e]], "episodes.csv");
    assert_int_equal(ds.rows[E].line[e], 12);
    cs_ds_free(&ds);
    /* a move the system recorded with its reason */
    CS_TABLE(&m, cla_episode)[1].start_reason = "P";
    CS_TABLE(&m, cla_episode)[0].end_reason = "X1";
    build(&m, "2025-26", &ds);
    assert_int_equal(rows_of(&ds, "S1", E, &e), 3);
    assert_string_equal(val(&ds, E, e, CS_903_E_REASON_PLACE_CHANGE), "CREQO");
    cs_ds_free(&ds);
    cs_model_free(&m);
}

/* The derivation agrees with the synthetic LA's own episodes: build once
 * from the held episodes, once from periods, placements and legal statuses
 * alone, and compare every Episodes cell. */
static void derivation_agrees_with_synthetic_episodes(void **state)
{
    (void)state;
    cs_model m;
    cs_model_init(&m);
    cs_synth_manifest man;
    cs_synth_manifest_init(&man);
    cs_synth_opts o = {.seed = 11, .children = 4000, .defect_rate = 0,
                       .reference_date = D(2026, 3, 31), .la_code = "999"};
    cs_diag d;
    assert_int_equal(cs_synth_generate(&o, &m, &man, &d), CS_OK);
    assert_true(CS_COUNT(&m, cla_episode) > 100);
    cs_dataset a, b;
    build(&m, "2025-26", &a);
    size_t held_n = m.tables[CS_E_cla_episode].count;
    m.tables[CS_E_cla_episode].count = 0;   /* hide them */
    build(&m, "2025-26", &b);
    m.tables[CS_E_cla_episode].count = held_n;
    assert_true(cs_ds_count(&a, E) > 50);
    assert_int_equal(cs_ds_count(&a, E), cs_ds_count(&b, E));
    for (uint32_t r = 0; r < cs_ds_count(&a, E); r++)
        for (int f = 0; f < CS_903_E_NFIELDS; f++)
            if (strcmp(val(&a, E, r, f), val(&b, E, r, f)) != 0)
                fail_msg("episode %u of %s, %s: held \"%s\", derived \"%s\"", r,
                         cs_ds_child_id(&a, E, r), cs_903_schema.groups[E].fields[f].name,
                         val(&a, E, r, f), val(&b, E, r, f));
    /* the other tables do not depend on where the episodes came from */
    assert_int_equal(cs_ds_count(&a, CS_903_G_OC2), cs_ds_count(&b, CS_903_G_OC2));
    assert_int_equal(cs_ds_count(&a, CS_903_G_CHILD), cs_ds_count(&b, CS_903_G_CHILD));
    cs_ds_free(&a);
    cs_ds_free(&b);
    cs_synth_manifest_free(&man);
    cs_model_free(&m);
}

static void empty_model(void **state)
{
    (void)state;
    cs_model m;
    cs_model_init(&m);
    cs_dataset ds;
    build(&m, "2025-26", &ds);
    assert_int_equal(cs_ds_count(&ds, CS_903_G_ROOT), 1);
    assert_int_equal(cs_ds_count(&ds, CS_903_G_CHILD), 0);
    cs_ds_free(&ds);
    cs_model_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(years),
        cmocka_unit_test(single_episode),
        cmocka_unit_test(legal_status_change_only),
        cmocka_unit_test(placement_moves),
        cmocka_unit_test(unchanged_placement_is_no_episode),
        cmocka_unit_test(continuity_across_april),
        cmocka_unit_test(period_ends),
        cmocka_unit_test(periods_never_overlap),
        cmocka_unit_test(short_breaks_and_exempt_items),
        cmocka_unit_test(header_by_year),
        cmocka_unit_test(uasc_and_reviews),
        cmocka_unit_test(oc2_continuous_edges),
        cmocka_unit_test(oc2_items),
        cmocka_unit_test(oc3_birthdays),
        cmocka_unit_test(adoption_and_permanence),
        cmocka_unit_test(missing_sw_and_dolo),
        cmocka_unit_test(derived_placement_fields),
        cmocka_unit_test(held_episodes_as_recorded),
        cmocka_unit_test(derivation_agrees_with_synthetic_episodes),
        cmocka_unit_test(empty_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
