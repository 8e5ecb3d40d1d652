/* The Annex A checks (rules/annexa/current and 2020): every rule fires on a
 * row made to break it and stays quiet on the same row made right. Label
 * rules, date rules and the child rules are walked for every list from the
 * template; the casework rules and the cross-list rule have their own
 * cases. */
#include "annexa_test.h"

#include "rules/rules.h"

/* A dataset of one row in one list, cells given as heading=value text. */
typedef struct {
    cs_dataset ds;
    cs_exception_list exc;
    const char *tpl;
} lists;

static void lists_begin(lists *x, const char *tpl)
{
    cs_ds_init(&x->ds, &cs_annexa_schema);
    uint32_t root = cs_ds_add_row(&x->ds, CS_AA_G_ROOT, 0, 0, 0);
    cs_ds_set_str(&x->ds, CS_AA_G_ROOT, root, CS_AA_R_TEMPLATE, tpl);
    cs_ds_set_date(&x->ds, CS_AA_G_ROOT, root, CS_AA_R_INSPECTION_DATE, INSP);
    cs_exceptions_init(&x->exc, "t");
    x->tpl = tpl;
}

/* Adds a row; pairs of heading, value (dd/mm/yyyy dates), NULL-terminated. */
static uint32_t add(lists *x, int list, ...)
{
    int g = cs_aa_list_group(list);
    uint32_t row = cs_ds_add_row(&x->ds, g, 0, 0, 0);
    va_list ap;
    va_start(ap, list);
    const char *h;
    while ((h = va_arg(ap, const char *))) {
        const char *v = va_arg(ap, const char *);
        int f = cs_ds_field_find(&cs_annexa_schema, g, h);
        if (f < 0)
            fail_msg("List %d has no field '%s'", list, h);
        cs_ds_set_text(&x->ds, g, row, f, v, strlen(v), CS_DS_TEXT_DMY);
    }
    va_end(ap);
    return row;
}

static void set(lists *x, int list, uint32_t row, const char *heading, const char *v)
{
    int g = cs_aa_list_group(list);
    int f = cs_ds_field_find(&cs_annexa_schema, g, heading);
    assert_true(f >= 0);
    cs_ds_set_text(&x->ds, g, row, f, v, strlen(v), CS_DS_TEXT_DMY);
}

/* Finalises, runs the template's rules, and returns how often `rule` fired. */
static size_t check(lists *x, const char *rule)
{
    cs_diag d;
    cs_aa_derive_identities(&x->ds);
    assert_int_equal(cs_ds_finalize(&x->ds, &d), CS_OK);
    size_t n = 0;
    if (cs_annexa_check(&x->ds, rules_dir(), x->tpl, INSP, "999", &x->exc, &n, NULL, &d) != CS_OK)
        fail_msg("check: %s:%llu: %s", d.file, (unsigned long long)d.line, d.msg);
    size_t hits = count_rule(&x->exc, rule);
    cs_ds_free(&x->ds);
    cs_exceptions_free(&x->exc);
    return hits;
}

/* The fields a row needs so that only the rule under test can fire. */
static uint32_t good_row(lists *x, int list)
{
    if (list == 11)
        return add(x, 11, "Individual adopter identifier", "AD1", "Date enquiry received", "01/01/2026", NULL);
    return add(x, list, "Child Unique ID", "C1", "Date of Birth", "02/03/2015", "Age of Child (Years)",
               list == 9 ? "19" : "11", NULL);
}

static const char *first_label(const cs_aa_column *c)
{
    /* every map's first label is in both templates */
    static const char *const by_map[][2] = {
        {"gender", "a) Male"}, {"ethnicity", "a) WBRI"}, {"source", "q) 6: Police"},
        {"yes_no", "a) Yes"}, {"yes_no_unknown", "b) No"}, {"primary_need", "N1 - Abuse or neglect"},
        {"closure_reason", "RC1 - Adopted"}, {"case_status", "e) Closed episode"},
        {"abuse_category", "a) Neglect"}, {"legal_status", "C2: FCO"},
        {"permanence_plan", "g) other"}, {"reason_ceased", "c) E2: Died"},
        {"placement_type", "zz) T4: Temporary placement - seven days or less"},
        {"provider", "a) PR0: Parents/Parental responsibility"}, {"in_out", "b) Out"},
        {"eligibility", "a) Relevant child"}, {"in_touch", "f) Rhom"},
        {"accommodation", "S: No fixed abode/homeless"}, {"suitability", "a) Suitable"},
        {"activity", "G6: Not in education, employment or training - pregnancy or parenting"},
        {"rd_reason", "RD1 - The child’s needs changed subsequent to the decision"},
        {"adopter_left", "3 - Application refused"},
    };
    for (size_t i = 0; i < sizeof by_map / sizeof by_map[0]; i++)
        if (strcmp(by_map[i][0], cs_aa_labels_name(c->labels)) == 0) {
            assert_non_null(cs_aa_label_code(c->labels, by_map[i][1]));
            return by_map[i][1];
        }
    fail_msg("no test label for map %s", cs_aa_labels_name(c->labels));
    return NULL;
}

static void label_rules(const char *tpl)
{
    cs_aa_template *t = load_template(tpl);
    int seen = 0;
    for (int l = 1; l <= CS_AA_NLISTS; l++) {
        const cs_aa_list *ls = cs_aa_template_list(t, l);
        const cs_aa_list *cur = ls;
        for (uint32_t c = 0; c < cur->ncols; c++) {
            if (cur->cols[c].type != CS_AA_LABEL)
                continue;
            /* codes follow the current template's column numbers */
            cs_aa_template *ct = load_template("current");
            const cs_aa_list *cl = cs_aa_template_list(ct, l);
            char code[16];
            snprintf(code, sizeof code, "AA%02dC%02d", l, cl->col_of_field[cur->cols[c].field] + 1);
            cs_aa_template_free(ct);
            lists x;
            lists_begin(&x, tpl);
            uint32_t r = good_row(&x, l);
            set(&x, l, r, cur->cols[c].heading, "zz) Not a label");
            if (check(&x, code) != 1)
                fail_msg("%s (%s) did not fire on a bad label", code, tpl);
            lists_begin(&x, tpl);
            r = good_row(&x, l);
            set(&x, l, r, cur->cols[c].heading, first_label(&cur->cols[c]));
            if (check(&x, code) != 0)
                fail_msg("%s (%s) fired on a good label", code, tpl);
            seen++;
        }
    }
    assert_true(seen >= 40);
    cs_aa_template_free(t);
}

static void test_label_rules_current(void **state)
{
    (void)state;
    label_rules("current");
}

static void test_label_rules_2020(void **state)
{
    (void)state;
    label_rules("2020");
}

/* Labels a template has not got: 5D, RC9, c) Unknown, d) Eligible child, F4. */
static void test_labels_per_template(void **state)
{
    (void)state;
    static const struct {
        int list;
        const char *heading, *label, *code;
    } cases[] = {
        {1, "Contact Source", "p1) 5D: LA services", "AA01C07"},
        {6, "Reason for Closure", "RC9 - Case closed after assessment, referred to early help", "AA06C11"},
        {4, "Does the Child have a Disability", "c) Unknown", "AA04C06"},
        {9, "Eligibility Category", "d) Eligible child", "AA09C11"},
        {9, "Activity Status", "F4: Young person engaged full time in an apprenticeship", "AA09C17"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (int v = 0; v < 2; v++) {
            lists x;
            lists_begin(&x, v ? "2020" : "current");
            uint32_t r = good_row(&x, cases[i].list);
            set(&x, cases[i].list, r, cases[i].heading, cases[i].label);
            size_t n = check(&x, cases[i].code);
            if (n != (size_t)v)
                fail_msg("%s on \"%s\" in the %s template: %zu findings", cases[i].code,
                         cases[i].label, v ? "2020" : "current", n);
        }
    }
}

static void test_date_rules(void **state)
{
    (void)state;
    cs_aa_template *t = load_template("current");
    for (int l = 1; l <= CS_AA_NLISTS; l++) {
        const cs_aa_list *ls = cs_aa_template_list(t, l);
        char code[16];
        snprintf(code, sizeof code, "AA%02dD", l);
        for (uint32_t c = 0; c < ls->ncols; c++) {
            if (ls->cols[c].type != CS_AA_DATE)
                continue;
            lists x;
            lists_begin(&x, "current");
            uint32_t r = good_row(&x, l);
            set(&x, l, r, ls->cols[c].heading, "03/03/2026");
            if (check(&x, code) != 1)
                fail_msg("%s did not fire on %s after the inspection date", code, ls->cols[c].heading);
            lists_begin(&x, "current");
            r = good_row(&x, l);
            set(&x, l, r, ls->cols[c].heading, "02/03/2026");
            if (check(&x, code) != 0)
                fail_msg("%s fired on %s on the inspection date", code, ls->cols[c].heading);
        }
    }
    cs_aa_template_free(t);
}

static void test_child_rules(void **state)
{
    (void)state;
    for (int l = 1; l <= 10; l++) {
        char code[16];
        lists x;
        snprintf(code, sizeof code, "AA%02dI", l);
        lists_begin(&x, "current");
        add(&x, l, "Gender", "a) Male", NULL);
        assert_int_equal(check(&x, code), 1);
        lists_begin(&x, "current");
        good_row(&x, l);
        assert_int_equal(check(&x, code), 0);

        snprintf(code, sizeof code, "AA%02dA", l);
        lists_begin(&x, "current");
        add(&x, l, "Child Unique ID", "C1", "Date of Birth", "02/03/2000", "Age of Child (Years)", "26", NULL);
        assert_int_equal(check(&x, code), 1);
        lists_begin(&x, "current");
        add(&x, l, "Child Unique ID", "C1", "Date of Birth", "02/03/2010", "Age of Child (Years)",
            l == 9 ? "16" : "16", NULL);
        assert_int_equal(check(&x, code), 0);

        snprintf(code, sizeof code, "AA%02dB", l);
        lists_begin(&x, "current");
        add(&x, l, "Child Unique ID", "C1", "Date of Birth", "03/03/2009", "Age of Child (Years)", "17", NULL);
        assert_int_equal(check(&x, code), 1);   /* 16 until tomorrow */
        lists_begin(&x, "current");
        add(&x, l, "Child Unique ID", "C1", "Date of Birth", "02/03/2009", "Age of Child (Years)", "17", NULL);
        assert_int_equal(check(&x, code), 0);
    }
    /* a care leaver of 15 is out of List 9's range, a child of 15 is not out of List 8's */
    lists x;
    lists_begin(&x, "current");
    add(&x, 9, "Child Unique ID", "C1", "Date of Birth", "02/03/2011", "Age of Child (Years)", "15", NULL);
    assert_int_equal(check(&x, "AA09A"), 1);
    lists_begin(&x, "current");
    add(&x, 8, "Child Unique ID", "C1", "Date of Birth", "02/03/2011", "Age of Child (Years)", "15", NULL);
    assert_int_equal(check(&x, "AA08A"), 0);
}

static void test_same_child_across_lists(void **state)
{
    (void)state;
    lists x;
    lists_begin(&x, "current");
    add(&x, 1, "Child Unique ID", "C1", "Date of Birth", "02/03/2015", "Gender", "a) Male", NULL);
    add(&x, 3, "Child Unique ID", "C1", "Date of Birth", "02/03/2015", "Gender", "a) Male", NULL);
    add(&x, 8, "Child Unique ID", "C1", "Date of Birth", "02/04/2015", "Gender", "a) Male", NULL);
    add(&x, 8, "Child Unique ID", "C2", "Date of Birth", "02/04/2015", "Gender", "b) Female", NULL);
    assert_int_equal(check(&x, "AAX01"), 2);
    lists_begin(&x, "current");
    add(&x, 1, "Child Unique ID", "C1", "Date of Birth", "02/03/2015", "Gender", "a) Male", NULL);
    add(&x, 3, "Child Unique ID", "C1", "Date of Birth", "02/03/2015", "Gender", "a) Male", NULL);
    assert_int_equal(check(&x, "AAX01"), 0);
}

typedef struct {
    const char *rule;
    int list;
    const char *fire[12];    /* heading, value pairs, NULL-terminated */
    const char *quiet[12];
} rule_case;

static const rule_case casework[] = {
    {"AA03W", 3, {"Referral NFA?", "b) No", NULL}, {"Referral NFA?", "a) Yes", NULL}},
    {"AA04W", 4, {"Continuous Assessment Start Date", "01/02/2026", NULL},
     {"Continuous Assessment Start Date", "01/02/2026", "Allocated Worker", "W", NULL}},
    {"AA05W", 5, {"Strategy discussion initiating Section 47 Enquiry Start Date", "01/02/2026", NULL},
     {"Strategy discussion initiating Section 47 Enquiry Start Date", "01/02/2026",
      "Was an Initial Child Protection Conference deemed unnecessary?", "a) Yes", NULL}},
    {"AA06W", 6, {"CIN Start Date", "01/02/2026", NULL},
     {"CIN Start Date", "01/02/2026", "CIN Closure Date", "20/02/2026", NULL}},
    {"AA07W", 7, {"Child Protection Plan Start Date", "01/02/2026", NULL},
     {"Child Protection Plan Start Date", "01/02/2026", "Allocated Worker", "W", NULL}},
    {"AA08W", 8, {"Date Started to be Looked After", "01/02/2026", NULL},
     {"Date Started to be Looked After", "01/02/2026", "Allocated Worker", "W", NULL}},
    {"AA09W", 9, {"Allocated Team", "T", NULL}, {"Allocated Personal Advisor", "P", NULL}},
    {"AA06S", 6, {"CIN Start Date", "01/02/2026", NULL},
     {"CIN Start Date", "01/02/2026", "Case Status", "c) Child in need plan", NULL}},
    {"AA07V", 7, {"Child Protection Plan Start Date", "01/10/2025", "Date of the Last Statutory Visit", "18/01/2026", NULL},
     {"Child Protection Plan Start Date", "01/10/2025", "Date of the Last Statutory Visit", "19/01/2026", NULL}},
    {"AA07V", 7, {"Child Protection Plan Start Date", "01/10/2025", NULL},
     {"Child Protection Plan Start Date", "01/02/2026", NULL}},   /* too new to judge */
    {"AA07R", 7, {"Child Protection Plan Start Date", "01/10/2025", "Date of latest review conference", "01/09/2025", NULL},
     {"Child Protection Plan Start Date", "01/10/2025", "Date of latest review conference", "02/09/2025", NULL}},
    {"AA07R", 7, {"Child Protection Plan Start Date", "01/12/2025", NULL},
     {"Child Protection Plan Start Date", "02/12/2025", NULL}},
    {"AA08R", 8, {"Date Started to be Looked After", "01/01/2025", "Date of Latest Statutory Review", "01/09/2025", NULL},
     {"Date Started to be Looked After", "01/01/2025", "Date of Latest Statutory Review", "02/09/2025", NULL}},
    {"AA08R", 8, {"Date Started to be Looked After", "30/01/2026", NULL},
     {"Date Started to be Looked After", "02/02/2026", NULL}},   /* 20 working days: due 27/02, 02/03 */
    {"AA08V", 8, {"Date Started to be Looked After", "01/01/2025", "Start Date of Most Recent Placement", "01/01/2026",
                  "Date of Last Social Work Visit", "18/01/2026", NULL},
     {"Date Started to be Looked After", "01/01/2025", "Start Date of Most Recent Placement", "01/01/2026",
      "Date of Last Social Work Visit", "19/01/2026", NULL}},
    {"AA08V", 8, {"Date Started to be Looked After", "01/01/2024", "Start Date of Most Recent Placement", "01/01/2024",
                  "Date of Last Social Work Visit", "01/12/2025", NULL},
     {"Date Started to be Looked After", "01/01/2024", "Start Date of Most Recent Placement", "01/01/2024",
      "Date of Last Social Work Visit", "02/12/2025", NULL}},
    {"AA08H", 8, {"Date Started to be Looked After", "01/01/2024", "Date of Last Health Assessment", "01/03/2025", NULL},
     {"Date Started to be Looked After", "01/01/2024", "Date of Last Health Assessment", "02/03/2025", NULL}},
    {"AA09R", 9, {"Latest Pathway Plan Review Date", "01/09/2025", NULL},
     {"Latest Pathway Plan Review Date", "02/09/2025", NULL}},
};

static void fill(lists *x, int list, uint32_t row, const char *const *kv)
{
    for (; *kv; kv += 2)
        set(x, list, row, kv[0], kv[1]);
}

static void test_casework_rules(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof casework / sizeof casework[0]; i++) {
        const rule_case *c = &casework[i];
        lists x;
        lists_begin(&x, "current");
        fill(&x, c->list, good_row(&x, c->list), c->fire);
        size_t n = check(&x, c->rule);
        if (n != 1)
            fail_msg("case %zu: %s fired %zu times on its failing row", i, c->rule, n);
        lists_begin(&x, "current");
        fill(&x, c->list, good_row(&x, c->list), c->quiet);
        n = check(&x, c->rule);
        if (n != 0)
            fail_msg("case %zu: %s fired %zu times on its passing row", i, c->rule, n);
    }
}

/* Every rule of the set is exercised by one of the tests above. */
static void test_every_rule_has_cases(void **state)
{
    (void)state;
    cs_ruleset *rs = NULL;
    char labels[4200];
    snprintf(labels, sizeof labels, "%s/annexa/templates/labels", rules_dir());
    cs_ruleset_opts o = {.rules_dir = rules_dir(), .ret = "annexa", .year = "2020",
                         .schema = &cs_annexa_schema, .reference_dir = labels};
    cs_diag d;
    assert_int_equal(cs_ruleset_load(&rs, &o, NULL, &d), CS_OK);
    for (size_t i = 0; i < cs_ruleset_count(rs); i++) {
        const char *code = cs_ruleset_rule(rs, i)->code;
        size_t n = strlen(code);
        int generic = strncmp(code, "AA", 2) == 0 && n >= 5 &&
                      (code[4] == 'C' || code[4] == 'D' || code[4] == 'I' || code[4] == 'A' ||
                       code[4] == 'B');
        int special = strcmp(code, "AAX01") == 0;
        for (size_t k = 0; k < sizeof casework / sizeof casework[0] && !special; k++)
            special = strcmp(casework[k].rule, code) == 0;
        if (!generic && !special)
            fail_msg("rule %s has no test case", code);
    }
    assert_true(cs_ruleset_count(rs) >= 100);
    cs_ruleset_free(rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_label_rules_current),
        cmocka_unit_test(test_label_rules_2020),
        cmocka_unit_test(test_labels_per_template),
        cmocka_unit_test(test_date_rules),
        cmocka_unit_test(test_child_rules),
        cmocka_unit_test(test_same_child_across_lists),
        cmocka_unit_test(test_casework_rules),
        cmocka_unit_test(test_every_rule_has_cases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
