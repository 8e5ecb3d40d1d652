/* Building the Annex A lists from a hand-built canonical model: windows,
 * derived counts that leave the event out, case status precedence, second
 * period of care within 12 months, ages, previous plans, placements,
 * allocation (latest and at the event), labels per template, and bad input
 * (an inspection date in the future or before the data, no events, no
 * worker history). */
#include "annexa_test.h"

static cs_model *model_new(void)
{
    cs_model *m = malloc(sizeof *m);
    cs_model_init(m);
    return m;
}

static void model_done(cs_model *m)
{
    cs_model_free(m);
    free(m);
}

typedef struct {
    cs_model *m;
    cs_aa_template *t;
    cs_dataset ds;
    cs_exception_list exc;
} fx;

static void run(fx *f, const char *tpl)
{
    f->t = load_template(tpl);
    cs_exceptions_init(&f->exc, "test");
    build(f->m, f->t, &f->ds, &f->exc);
}

static void done(fx *f)
{
    cs_ds_free(&f->ds);
    cs_exceptions_free(&f->exc);
    cs_aa_template_free(f->t);
    model_done(f->m);
}

static void test_contacts_window(void **state)
{
    (void)state;
    fx f = {.m = model_new()};
    add_person(f.m, "C1", "M", D(2015, 3, 2));
    add_contact(f.m, "K1", "C1", D(2025, 9, 1), "6");    /* a day before the window */
    add_contact(f.m, "K2", "C1", D(2025, 9, 2), "6");    /* first day */
    add_contact(f.m, "K3", "C1", INSP, "5D");            /* the inspection date */
    add_contact(f.m, "K4", "C1", D(2026, 3, 3), "6");    /* after it */
    add_contact(f.m, "K5", "NOBODY", INSP, "6");         /* an orphan */
    run(&f, "current");
    assert_int_equal(rows(&f.ds, 1), 2);
    assert_int_equal(date_of(&f.ds, 1, 0, "Date of Contact"), D(2025, 9, 2));
    assert_string_equal(text(&f.ds, 1, 0, "Contact Source"), "q) 6: Police");
    assert_string_equal(text(&f.ds, 1, 1, "Contact Source"), "p1) 5D: LA services");
    assert_string_equal(text(&f.ds, 1, 0, "Gender"), "a) Male");
    assert_string_equal(text(&f.ds, 1, 0, "Ethnicity"), "a) WBRI");
    assert_int_equal(num(&f.ds, 1, 0, "Age of Child (Years)"), 11);   /* birthday on the day */
    /* the other ten lists are empty, and each says why */
    assert_int_equal(count_rule(&f.exc, "AAB06"), 10);
    done(&f);
}

static void test_labels_by_template(void **state)
{
    (void)state;
    fx f = {.m = model_new()};
    add_person(f.m, "C1", "F", D(2015, 3, 3));
    add_contact(f.m, "K1", "C1", INSP, "5D");
    run(&f, "2020");
    /* 5D has no 2020 label: written as the code, for the label check to find */
    assert_string_equal(text(&f.ds, 1, 0, "Contact Source"), "5D");
    assert_int_equal(num(&f.ds, 1, 0, "Age of Child (Years)"), 10);   /* birthday tomorrow */
    assert_string_equal(text(&f.ds, 1, 0, "Gender"), "b) Female");
    done(&f);
}

static void test_referral_counts_exclude_event(void **state)
{
    (void)state;
    fx f = {.m = model_new()};
    add_person(f.m, "C1", "M", D(2012, 1, 1));
    add_referral(f.m, "R0", "C1", D(2024, 9, 1), D(2024, 9, 20));    /* > 12 months before R2 */
    add_referral(f.m, "R1", "C1", D(2025, 4, 10), D(2025, 5, 1));
    add_referral(f.m, "R2", "C1", D(2025, 10, 1), D(2025, 10, 9));
    add_referral(f.m, "R3", "C1", D(2026, 2, 1), CS_DATE_NONE)->nfa = 1;
    run(&f, "current");
    assert_int_equal(rows(&f.ds, 3), 2);
    assert_int_equal(date_of(&f.ds, 3, 0, "Date of Referral"), D(2025, 10, 1));
    assert_int_equal(num(&f.ds, 3, 0, "Number of Referrals in Last 12 Months"), 1);   /* R1 */
    assert_int_equal(num(&f.ds, 3, 1, "Number of Referrals in Last 12 Months"), 2);   /* R1, R2 */
    assert_string_equal(text(&f.ds, 3, 0, "Referral NFA?"), "b) No");
    assert_string_equal(text(&f.ds, 3, 1, "Referral NFA?"), "a) Yes");
    assert_string_equal(text(&f.ds, 3, 0, "Referral Source"), "q) 6: Police");
    done(&f);
}

static void add_s47(cs_model *m, const char *id, cs_date start, cs_date end, const char *icpc_id,
                    cs_date held)
{
    cs_s47 *s = cs_model_append(m, CS_E_s47);
    s->id = id;
    s->person_id = "C1";
    s->start_date = start;
    s->end_date = end;
    if (icpc_id) {
        cs_icpc *c = cs_model_append(m, CS_E_icpc);
        c->id = icpc_id;
        c->person_id = "C1";
        c->s47_id = id;
        c->conference_date = held;
        c->outcome_cp = 1;
    }
}

static void test_s47_and_icpc_counts(void **state)
{
    (void)state;
    fx f = {.m = model_new()};
    add_person(f.m, "C1", "M", D(2012, 1, 1));
    add_s47(f.m, "S1", D(2025, 5, 1), D(2025, 5, 10), "I1", D(2025, 5, 20));
    add_s47(f.m, "S2", D(2025, 11, 1), D(2025, 11, 20), "I2", D(2025, 11, 25));
    add_s47(f.m, "S3", D(2026, 2, 20), CS_DATE_NONE, NULL, CS_DATE_NONE);   /* open */
    run(&f, "current");
    assert_int_equal(rows(&f.ds, 5), 2);
    assert_int_equal(num(&f.ds, 5, 0, "Number of Section 47 Enquiries in the last 12 months"), 1);
    assert_int_equal(num(&f.ds, 5, 0, "Number of ICPCs in the last 12 months"), 1);
    assert_int_equal(date_of(&f.ds, 5, 0, "Date of Initial Child Protection Conference"), D(2025, 11, 25));
    assert_string_equal(text(&f.ds, 5, 0, "Was an Initial Child Protection Conference deemed unnecessary?"), "b) No");
    assert_string_equal(text(&f.ds, 5, 0, "Did the Initial Child Protection Conference Result in a Child Protection Plan"), "a) Yes");
    assert_int_equal(num(&f.ds, 5, 1, "Number of Section 47 Enquiries in the last 12 months"), 2);
    assert_int_equal(num(&f.ds, 5, 1, "Number of ICPCs in the last 12 months"), 2);
    /* open: no outcome yet */
    assert_int_equal(cell(&f.ds, 5, 1, "Was an Initial Child Protection Conference deemed unnecessary?")->kind, CS_V_ABSENT);
    done(&f);
}

/* Five children, each open on a referral, holding different statuses. */
static void test_case_status_precedence(void **state)
{
    (void)state;
    fx f = {.m = model_new()};
    const char *ids[] = {"A", "B", "C", "D", "E", "F"};
    for (int i = 0; i < 6; i++) {
        add_person(f.m, ids[i], "M", D(2015, 1, 1));
        add_referral(f.m, ids[i], ids[i], D(2025, 6, 1), i == 4 ? D(2026, 1, 10) : CS_DATE_NONE)
            ->closure_reason = i == 4 ? "RC8" : NULL;
    }
    /* A: looked after and on a plan -> looked after */
    cs_cla_period *p = cs_model_append(f.m, CS_E_cla_period);
    p->id = "P1", p->person_id = "A", p->start_date = D(2025, 7, 1);
    cs_cp_plan *cp = cs_model_append(f.m, CS_E_cp_plan);
    cp->id = "CP1", cp->person_id = "A", cp->start_date = D(2025, 6, 20);
    /* B: plan and CIN plan -> CP */
    cp = cs_model_append(f.m, CS_E_cp_plan);
    cp->id = "CP2", cp->person_id = "B", cp->start_date = D(2025, 6, 20);
    cs_cin_plan *cin = cs_model_append(f.m, CS_E_cin_plan);
    cin->id = "CIN1", cin->person_id = "B", cin->start_date = D(2025, 6, 10);
    /* C: CIN plan and an open assessment -> CIN plan */
    cin = cs_model_append(f.m, CS_E_cin_plan);
    cin->id = "CIN2", cin->person_id = "C", cin->start_date = D(2025, 6, 10);
    cs_assessment *a = cs_model_append(f.m, CS_E_assessment);
    a->id = "AS1", a->person_id = "C", a->start_date = D(2026, 2, 1);
    /* D: open assessment only */
    a = cs_model_append(f.m, CS_E_assessment);
    a->id = "AS2", a->person_id = "D", a->start_date = D(2026, 2, 1);
    /* E: closed episode, though looked after */
    p = cs_model_append(f.m, CS_E_cla_period);
    p->id = "P2", p->person_id = "E", p->start_date = D(2025, 7, 1);
    /* F: open, nothing current (a plan that ended) -> blank */
    cp = cs_model_append(f.m, CS_E_cp_plan);
    cp->id = "CP3", cp->person_id = "F", cp->start_date = D(2025, 6, 20), cp->end_date = D(2025, 12, 1);
    run(&f, "current");
    assert_int_equal(rows(&f.ds, 6), 6);
    assert_string_equal(text(&f.ds, 6, 0, "Case Status"), "a) Looked after child");
    assert_string_equal(text(&f.ds, 6, 1, "Case Status"), "b) Child Protection plan");
    assert_string_equal(text(&f.ds, 6, 2, "Case Status"), "c) Child in need plan");
    assert_string_equal(text(&f.ds, 6, 3, "Case Status"), "d) Open assessment");
    assert_string_equal(text(&f.ds, 6, 4, "Case Status"), "e) Closed episode");
    assert_string_equal(text(&f.ds, 6, 4, "Reason for Closure"), "RC8 - Case closed after assessment, no further action");
    assert_int_equal(cell(&f.ds, 6, 5, "Case Status")->kind, CS_V_ABSENT);
    done(&f);
}

static cs_cla_period *period(cs_model *m, const char *id, const char *pid, cs_date from, cs_date to)
{
    cs_cla_period *p = cs_model_append(m, CS_E_cla_period);
    p->id = id;
    p->person_id = pid;
    p->start_date = from;
    p->end_date = to;
    p->primary_need = "N4";
    p->permanence_plan = "LONG_TERM_FOSTERING";
    return p;
}

static void placement(cs_model *m, const char *pid, const char *per, cs_date from, cs_date to,
                      const char *postcode)
{
    cs_cla_placement *p = cs_model_append(m, CS_E_cla_placement);
    p->id = "PL";
    p->person_id = pid;
    p->period_id = per;
    p->start_date = from;
    p->end_date = to;
    p->placement_type = "U4";
    p->provider = "PR1";
    p->postcode = postcode;
}

static void test_cla_second_period_and_placements(void **state)
{
    (void)state;
    fx f = {.m = model_new()};
    add_person(f.m, "A", "F", D(2014, 5, 5));
    add_person(f.m, "B", "F", D(2014, 5, 5));
    /* A: left care in April 2025, back in October 2025 -> second period */
    period(f.m, "P1", "A", D(2024, 1, 1), D(2025, 4, 1));
    period(f.m, "P2", "A", D(2025, 10, 1), CS_DATE_NONE);
    placement(f.m, "A", "P1", D(2024, 1, 1), D(2025, 4, 1), "TW1 4AR");
    placement(f.m, "A", "P2", D(2025, 10, 1), D(2025, 12, 1), "TW1 4AR");
    placement(f.m, "A", "P2", D(2025, 12, 1), CS_DATE_NONE, "CR0 0NP");
    /* B: left in 2024, back in October 2025 -> not within 12 months */
    period(f.m, "P3", "B", D(2023, 1, 1), D(2024, 12, 1));
    period(f.m, "P4", "B", D(2025, 10, 1), CS_DATE_NONE)->end_reason = "E13";
    cs_legal_status *ls = cs_model_append(f.m, CS_E_legal_status);
    ls->id = "L1", ls->person_id = "B", ls->legal_status = "C2", ls->start_date = D(2025, 11, 1);
    run(&f, "current");
    assert_int_equal(rows(&f.ds, 8), 2);
    assert_string_equal(text(&f.ds, 8, 0, "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)"), "a) Yes");
    assert_string_equal(text(&f.ds, 8, 1, "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)"), "b) No");
    assert_int_equal(num(&f.ds, 8, 0, "Number of Placements in the Last 12 months"), 3);
    assert_int_equal(date_of(&f.ds, 8, 0, "Start Date of Most Recent Placement"), D(2025, 12, 1));
    assert_string_equal(text(&f.ds, 8, 0, "Placement Type"), "d) U4: Foster placement - long term");
    /* CR0 0NP is in Croydon, outside the synthetic LA (Richmond) */
    assert_string_equal(text(&f.ds, 8, 0, "Placement Location"), "b) Out");
    assert_string_equal(text(&f.ds, 8, 0, "LA of Placement"), "Croydon");
    assert_string_equal(text(&f.ds, 8, 0, "Child's Category of Need"), "N4 - Family in acute stress");
    assert_string_equal(text(&f.ds, 8, 1, "Child's Legal Status"), "C2: FCO");
    assert_int_equal(date_of(&f.ds, 8, 1, "Start date of current legal status"), D(2025, 11, 1));
    assert_int_equal(num(&f.ds, 8, 1, "Number of Placements in the Last 12 months"), 0);
    done(&f);
}

static void test_placement_in_la(void **state)
{
    (void)state;
    fx f = {.m = model_new()};
    add_person(f.m, "A", "F", D(2014, 5, 5));
    period(f.m, "P1", "A", D(2025, 1, 1), CS_DATE_NONE);
    placement(f.m, "A", "P1", D(2025, 1, 1), CS_DATE_NONE, "tw1 4ar");
    run(&f, "current");
    assert_string_equal(text(&f.ds, 8, 0, "Placement Location"), "a) In");
    assert_string_equal(text(&f.ds, 8, 0, "LA of Placement"), "Richmond upon Thames");
    done(&f);
}

static void test_cp_previous_plans_and_visits(void **state)
{
    (void)state;
    fx f = {.m = model_new()};
    add_person(f.m, "A", "M", D(2018, 6, 1));
    cs_cp_plan *cp = cs_model_append(f.m, CS_E_cp_plan);
    cp->id = "CP1", cp->person_id = "A", cp->start_date = D(2022, 1, 1), cp->end_date = D(2022, 9, 1);
    cp = cs_model_append(f.m, CS_E_cp_plan);
    cp->id = "CP2", cp->person_id = "A", cp->start_date = D(2023, 1, 1), cp->end_date = D(2025, 10, 1);
    cp->initial_category = "EMO";
    cp = cs_model_append(f.m, CS_E_cp_plan);
    cp->id = "CP3", cp->person_id = "A", cp->start_date = D(2025, 11, 1);
    cp->initial_category = "NEG", cp->latest_category = "MUL";
    cs_visit *v = cs_model_append(f.m, CS_E_visit);
    v->id = "V1", v->person_id = "A", v->kind = "CP", v->visit_date = D(2026, 2, 10), v->seen_alone = 1;
    v = cs_model_append(f.m, CS_E_visit);
    v->id = "V2", v->person_id = "A", v->kind = "CIN", v->visit_date = D(2026, 2, 20);
    cs_cp_review *r = cs_model_append(f.m, CS_E_cp_review);
    r->id = "RV", r->person_id = "A", r->cp_plan_id = "CP3", r->review_date = D(2026, 1, 20);
    cs_legal_status *ls = cs_model_append(f.m, CS_E_legal_status);
    ls->id = "L", ls->person_id = "A", ls->legal_status = "L2", ls->start_date = D(2025, 10, 30),
    ls->end_date = D(2025, 11, 5);
    run(&f, "current");
    assert_int_equal(rows(&f.ds, 7), 2);   /* CP2 ended in the window, CP3 open */
    assert_int_equal(num(&f.ds, 7, 0, "Number of Previous Child Protection Plans"), 1);
    assert_int_equal(num(&f.ds, 7, 1, "Number of Previous Child Protection Plans"), 2);
    assert_int_equal(date_of(&f.ds, 7, 0, "Child Protection Plan End Date"), D(2025, 10, 1));
    assert_string_equal(text(&f.ds, 7, 1, "Initial Category of Abuse"), "a) Neglect");
    assert_string_equal(text(&f.ds, 7, 1, "Latest Category of Abuse"), "e) Multiple/not recommended");
    assert_int_equal(date_of(&f.ds, 7, 1, "Date of the Last Statutory Visit"), D(2026, 2, 10));
    assert_string_equal(text(&f.ds, 7, 1, "Was the Child Seen Alone?"), "a) Yes");
    assert_int_equal(date_of(&f.ds, 7, 1, "Date of latest review conference"), D(2026, 1, 20));
    assert_string_equal(text(&f.ds, 7, 1, "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)"), "a) Yes");
    assert_int_equal(cell(&f.ds, 7, 1, "Child Protection Plan End Date")->kind, CS_V_ABSENT);
    done(&f);
}

static void test_allocation_latest_and_at_event(void **state)
{
    (void)state;
    for (int mode = 0; mode < 2; mode++) {
        fx f = {.m = model_new()};
        add_person(f.m, "A", "M", D(2015, 1, 1));
        add_worker(f.m, "W1", "Front Door Coordinator", "T1", "Front Door");
        add_worker(f.m, "W2", "Sam Social", "T2", "Locality East");
        add_involvement(f.m, "A", "W1", "T1", D(2025, 10, 1), D(2025, 10, 20));
        add_involvement(f.m, "A", "W2", "T2", D(2025, 10, 20), CS_DATE_NONE);
        add_referral(f.m, "R1", "A", D(2025, 10, 5), CS_DATE_NONE);
        f.t = load_template("current");
        cs_exceptions_init(&f.exc, "t");
        cs_aa_build_opts o;
        cs_aa_build_opts_init(&o, INSP);
        o.la_code = "999";
        o.rules_dir = rules_dir();
        o.alloc[3] = mode ? CS_AA_ALLOC_AT_EVENT : CS_AA_ALLOC_LATEST;
        cs_diag d;
        assert_int_equal(cs_annexa_build(f.m, f.t, &o, &f.ds, &f.exc, &d), CS_OK);
        assert_string_equal(text(&f.ds, 3, 0, "Allocated Worker"), mode ? "Front Door Coordinator" : "Sam Social");
        assert_string_equal(text(&f.ds, 3, 0, "Allocated Team"), mode ? "Front Door" : "Locality East");
        /* List 6 keeps the latest worker either way */
        assert_string_equal(text(&f.ds, 6, 0, "Allocated Worker"), "Sam Social");
        assert_int_equal(count_rule(&f.exc, "AAB02"), 0);
        done(&f);
    }
}

static void test_missing_worker_history(void **state)
{
    (void)state;
    fx f = {.m = model_new()};
    add_person(f.m, "A", "M", D(2015, 1, 1));
    add_worker(f.m, "W9", "Rec Worker", "T9", "Team Nine");
    add_referral(f.m, "R1", "A", D(2025, 10, 5), CS_DATE_NONE)->worker_id = "W9";
    add_referral(f.m, "R2", "A", D(2025, 11, 5), CS_DATE_NONE);
    run(&f, "current");
    assert_int_equal(count_rule(&f.exc, "AAB02"), 1);
    assert_string_equal(text(&f.ds, 3, 0, "Allocated Worker"), "Rec Worker");
    assert_string_equal(text(&f.ds, 3, 0, "Allocated Team"), "Team Nine");
    assert_int_equal(cell(&f.ds, 3, 1, "Allocated Worker")->kind, CS_V_ABSENT);
    done(&f);
}

static void test_bad_dates_refused(void **state)
{
    (void)state;
    cs_model *m = model_new();
    add_person(m, "A", "M", D(2015, 1, 1));
    add_contact(m, "K", "A", D(2024, 5, 1), "6");
    cs_aa_template *t = load_template("current");
    cs_aa_build_opts o;
    cs_dataset ds;
    cs_diag d;
    /* before the data begins */
    cs_aa_build_opts_init(&o, D(2024, 4, 30));
    o.rules_dir = rules_dir();
    assert_int_equal(cs_annexa_build(m, t, &o, &ds, NULL, &d), CS_ERR_USAGE);
    assert_non_null(strstr(d.msg, "before the data begins"));
    assert_non_null(strstr(d.msg, "01/05/2024"));
    /* in the future */
    cs_aa_build_opts_init(&o, D(2026, 3, 2));
    o.today = D(2026, 3, 1);
    o.rules_dir = rules_dir();
    assert_int_equal(cs_annexa_build(m, t, &o, &ds, NULL, &d), CS_ERR_USAGE);
    assert_non_null(strstr(d.msg, "in the future"));
    /* no date */
    cs_aa_build_opts_init(&o, CS_DATE_NONE);
    assert_int_equal(cs_annexa_build(m, t, &o, &ds, NULL, &d), CS_ERR_USAGE);
    /* the window reaching back before the data: built, with a finding */
    cs_exception_list exc;
    cs_exceptions_init(&exc, "t");
    cs_aa_build_opts_init(&o, D(2024, 9, 1));
    o.rules_dir = rules_dir();
    assert_int_equal(cs_annexa_build(m, t, &o, &ds, &exc, &d), CS_OK);
    assert_int_equal(count_rule(&exc, "AAB01"), 1);
    assert_int_equal(rows(&ds, 1), 1);
    cs_ds_free(&ds);
    cs_exceptions_free(&exc);
    cs_aa_template_free(t);
    model_done(m);
}

static void test_empty_model(void **state)
{
    (void)state;
    fx f = {.m = model_new()};
    run(&f, "current");
    for (int l = 1; l <= CS_AA_NLISTS; l++)
        assert_int_equal(rows(&f.ds, l), 0);
    assert_int_equal(count_rule(&f.exc, "AAB01"), 1);
    assert_int_equal(count_rule(&f.exc, "AAB02"), 1);
    assert_int_equal(count_rule(&f.exc, "AAB06"), 0);   /* no data at all: AAB01 says it once */
    done(&f);
}

static void test_care_leavers_and_templates(void **state)
{
    (void)state;
    for (int v = 0; v < 2; v++) {
        fx f = {.m = model_new()};
        add_person(f.m, "Y", "F", D(2007, 1, 1));
        add_person(f.m, "OLD", "F", D(1999, 1, 1));
        const char *who[] = {"Y", "OLD"};
        for (int i = 0; i < 2; i++) {
            cs_care_leaver *c = cs_model_append(f.m, CS_E_care_leaver);
            c->id = "CL", c->person_id = who[i], c->eligibility = "ELIGIBLE", c->in_touch = "YES";
            c->latest_contact_date = D(2026, 2, 1), c->accommodation = "S";
            c->accommodation_suitable = 0, c->activity = "F4", c->personal_advisor = "Pat Advisor";
            c->pathway_plan_review_date = D(2025, 12, 1);
        }
        add_referral(f.m, "R", "Y", D(2026, 1, 10), CS_DATE_NONE);
        run(&f, v ? "2020" : "current");
        assert_int_equal(rows(&f.ds, 9), 1);   /* the 27-year-old is past leaving care */
        assert_int_equal(rows(&f.ds, 6), 0);   /* a care leaver is not a child in need */
        assert_int_equal(rows(&f.ds, 3), 1);
        assert_string_equal(text(&f.ds, 9, 0, "LA in Touch"), "a) Yes");
        assert_string_equal(text(&f.ds, 9, 0, "Type of Accommodation"), "S: No fixed abode/homeless");
        assert_string_equal(text(&f.ds, 9, 0, "Suitability of Accommodation"), "b) Unsuitable");
        assert_string_equal(text(&f.ds, 9, 0, "Does the Child have a Disability"), v ? "" : "c) Unknown");
        if (v) {
            /* 2020 has no personal advisor column, no "eligible child" or F4 label */
            assert_int_equal(cell(&f.ds, 9, 0, "Allocated Personal Advisor")->kind, CS_V_ABSENT);
            assert_int_equal(cell(&f.ds, 9, 0, "Latest Pathway Plan Review Date")->kind, CS_V_ABSENT);
            assert_string_equal(text(&f.ds, 9, 0, "Eligibility Category"), "ELIGIBLE");
            assert_string_equal(text(&f.ds, 9, 0, "Activity Status"), "F4");
        } else {
            assert_string_equal(text(&f.ds, 9, 0, "Allocated Personal Advisor"), "Pat Advisor");
            assert_string_equal(text(&f.ds, 9, 0, "Eligibility Category"), "d) Eligible child");
            assert_string_equal(text(&f.ds, 9, 0, "Activity Status"),
                                "F4: Young person engaged full time in an apprenticeship");
            assert_int_equal(date_of(&f.ds, 9, 0, "Latest Pathway Plan Review Date"), D(2025, 12, 1));
        }
        done(&f);
    }
}

static void test_adoption_and_adopters(void **state)
{
    (void)state;
    fx f = {.m = model_new()};
    add_person(f.m, "A", "M", D(2022, 1, 1));
    add_person(f.m, "B", "M", D(2022, 1, 1));
    add_person(f.m, "C", "M", D(2022, 1, 1));
    period(f.m, "PA", "A", D(2023, 1, 1), D(2025, 8, 1));
    cs_permanence *p = cs_model_append(f.m, CS_E_permanence);
    p->id = "1", p->person_id = "A", p->period_id = "PA", p->decision_date = D(2024, 1, 1);
    p->order_date = D(2025, 8, 1), p->order_type = "ADOPTION", p->family_id = "FAM1";
    p = cs_model_append(f.m, CS_E_permanence);   /* adopted two years ago: out */
    p->id = "2", p->person_id = "B", p->decision_date = D(2022, 6, 1), p->order_date = D(2023, 8, 1);
    p->order_type = "ADOPTION";
    p = cs_model_append(f.m, CS_E_permanence);   /* decision reversed in the window */
    p->id = "3", p->person_id = "C", p->decision_date = D(2025, 1, 1), p->reversed_date = D(2025, 12, 1);
    p->reversed_reason = "RD1";
    cs_adopter *a = cs_model_append(f.m, CS_E_adopter);
    a->id = "AD1", a->family_id = "FAM1", a->gender = "F", a->ethnicity = "WBRI", a->enquiry_date = D(2024, 1, 1);
    a->disability = 0, a->fostering_for_adoption = 0, a->placed_date = D(2025, 3, 1), a->children_placed = 1;
    a->adoption_order_date = D(2025, 8, 1);
    a = cs_model_append(f.m, CS_E_adopter);   /* left two years ago */
    a->id = "AD2", a->enquiry_date = D(2023, 1, 1), a->left_date = D(2023, 6, 1), a->left_reason = "1";
    run(&f, "current");
    assert_int_equal(rows(&f.ds, 10), 2);
    assert_string_equal(text(&f.ds, 10, 0, "Family identifier"), "FAM1");
    assert_int_equal(date_of(&f.ds, 10, 0, "Date the Child Entered Care"), D(2023, 1, 1));
    assert_int_equal(date_of(&f.ds, 10, 0, "Date of Adoption Order"), D(2025, 8, 1));
    assert_string_equal(text(&f.ds, 10, 1, "Reason Why Child No Longer Placed for Adoption"),
                        "RD1 - The child’s needs changed subsequent to the decision");
    assert_int_equal(rows(&f.ds, 11), 1);
    assert_string_equal(text(&f.ds, 11, 0, "Individual adopter identifier"), "AD1");
    assert_int_equal(num(&f.ds, 11, 0, "No. of children placed"), 1);
    assert_string_equal(text(&f.ds, 11, 0, "Disability"), "b) No");
    done(&f);
}

static void test_identities(void **state)
{
    (void)state;
    fx f = {.m = model_new()};
    add_person(f.m, "A", "M", D(2015, 1, 1));
    add_contact(f.m, "K1", "A", D(2026, 1, 1), "6");
    add_referral(f.m, "R1", "A", D(2026, 1, 2), CS_DATE_NONE);
    run(&f, "current");
    assert_int_equal(cs_ds_count(&f.ds, CS_AA_G_IDENT), 1);
    const cs_value *v = cs_ds_cell_c(&f.ds, CS_AA_G_IDENT, 0, CS_AA_I_LISTS);
    assert_string_equal(v->s, "List 1, List 3, List 6");
    done(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_contacts_window),
        cmocka_unit_test(test_labels_by_template),
        cmocka_unit_test(test_referral_counts_exclude_event),
        cmocka_unit_test(test_s47_and_icpc_counts),
        cmocka_unit_test(test_case_status_precedence),
        cmocka_unit_test(test_cla_second_period_and_placements),
        cmocka_unit_test(test_placement_in_la),
        cmocka_unit_test(test_cp_previous_plans_and_visits),
        cmocka_unit_test(test_allocation_latest_and_at_event),
        cmocka_unit_test(test_missing_worker_history),
        cmocka_unit_test(test_bad_dates_refused),
        cmocka_unit_test(test_empty_model),
        cmocka_unit_test(test_care_leavers_and_templates),
        cmocka_unit_test(test_adoption_and_adopters),
        cmocka_unit_test(test_identities),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
