/* Rule findings as exception rows: child id, record path, fields and values
 * aligned (own group bare, other groups qualified, header values, ';' in a
 * value), return-level rows with no child, rules not run as info rows,
 * reader findings with the child the reader saw, the at-event date of a
 * record, allocation on the rows, and source ids from model provenance. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/rule_exceptions.h"
#include "returns/cin/cin.h"

static const char *XML =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<Message>\n"
    "<Header><CollectionDetails><Collection>CIN</Collection><Year>2026</Year>\n"
    "<ReferenceDate>2026-03-31</ReferenceDate></CollectionDetails>\n"
    "<Source><SourceLevel>L</SourceLevel><LEA>999</LEA><SoftwareCode>X</SoftwareCode>\n"
    "<Release>1</Release><SerialNo>1</SerialNo></Source></Header>\n"
    "<Children>\n"
    "<Child><ChildIdentifiers><LAchildID>K1</LAchildID><UPNunknown>UN1</UPNunknown>\n"
    "<PersonBirthDate>2015-06-01</PersonBirthDate><Sex>F</Sex></ChildIdentifiers>\n"
    "<ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>\n"
    "<CINdetails><CINreferralDate>2025-05-01</CINreferralDate><ReferralSource>1A</ReferralSource>\n"
    "<PrimaryNeedCode>N1</PrimaryNeedCode><ReferralNFA>false</ReferralNFA></CINdetails>\n"
    "<CINdetails><CINreferralDate>2025-09-01</CINreferralDate>\n"
    "<ReferralSource>a;b</ReferralSource><PrimaryNeedCode>N2</PrimaryNeedCode>\n"
    "<ReferralNFA>false</ReferralNFA>\n"
    "<ChildProtectionPlans><CPPstartDate>2025-08-15</CPPstartDate>\n"
    "<NumberOfPreviousCPP>0</NumberOfPreviousCPP></ChildProtectionPlans>\n"
    "</CINdetails></Child>\n"
    "<Child><ChildIdentifiers><LAchildID>K2</LAchildID><UPNunknown>UN1</UPNunknown>\n"
    "<PersonBirthDate>2012-01-20</PersonBirthDate><Sex>M</Sex></ChildIdentifiers>\n"
    "<CINdetails><CINreferralDate>2025-04-10</CINreferralDate><Stray>x</Stray>\n"
    "<ReferralNFA>false</ReferralNFA></CINdetails></Child>\n"
    "</Children></Message>\n";

static const char *RULES =
    "rule R1 error on ChildProtectionPlans \"Plan before referral\"\n"
    "  fields CPPstartDate, CINdetails.CINreferralDate\n"
    "  require CPPstartDate >= parent.CINreferralDate\n"
    "rule R2 query on CINdetails \"Odd source\"\n"
    "  fields ReferralSource, Header.LEA\n"
    "  when present(ReferralSource) require ReferralSource != \"a;b\"\n"
    "rule R3 warning on return \"Too few children\"\n"
    "  require count(Child) > 5\n"
    "rule R4 error on Child \"Birth date differs from last year\"\n"
    "  fields PersonBirthDate\n"
    "  when has_last require last.PersonBirthDate = PersonBirthDate\n";

typedef struct {
    char path[64];
    cs_dataset ds;
    cs_findings findings;
    cs_ruleset *rs;
    cs_rule_hits hits;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->path, sizeof f->path, "/tmp/cscdw-rexc-XXXXXX");
    int fd = mkstemp(f->path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, XML, strlen(XML)), (ssize_t)strlen(XML));
    close(fd);
    cs_diag d;
    cs_diag_clear(&d);
    cs_findings_init(&f->findings);
    assert_int_equal(cs_cin_read(f->path, &f->ds, &f->findings, &d), CS_OK);
    cs_ruleset_opts ro = {.year = "2025-26", .text = RULES, .text_len = strlen(RULES),
                          .schema = &cs_cin_schema};
    assert_int_equal(cs_ruleset_load(&f->rs, &ro, NULL, &d), CS_OK);
    cs_rules_context c;
    cs_rules_context_init(&c, f->rs);
    cs_rule_hits_init(&f->hits);
    cs_rule_sink sink = cs_rule_hits_sink(&f->hits);
    assert_int_equal(cs_rules_run(f->rs, &f->ds, &c, &sink, &d), CS_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    cs_rule_hits_free(&f->hits);
    cs_ruleset_free(f->rs);
    cs_findings_free(&f->findings);
    cs_ds_free(&f->ds);
    unlink(f->path);
    free(f);
    return 0;
}

static const cs_exception *find_rule(const cs_exception_list *l, const char *rule)
{
    for (size_t i = 0; i < l->count; i++)
        if (strcmp(l->items[i].rule, rule) == 0)
            return &l->items[i];
    return NULL;
}

static void test_rows_from_hits(void **state)
{
    fixture *f = *state;
    cs_exception_list l;
    cs_exceptions_init(&l, "RUN");
    cs_rule_exc_ctx c = {.return_name = "cin", .year = "2025-26", .source_system = "fixture"};
    cs_exceptions_from_rule_hits(&l, &f->ds, &f->hits, &c);
    /* R1 (one plan), R2 (the a;b episode), R3 (return), R4 not run */
    assert_int_equal(l.count, 4);

    const cs_exception *e = find_rule(&l, "R1");
    assert_non_null(e);
    assert_string_equal(e->child_id, "K1");
    assert_string_equal(e->record, "CINdetails[2]/ChildProtectionPlans[1]");
    assert_string_equal(e->fields, "CPPstartDate;CINdetails.CINreferralDate");
    assert_string_equal(e->values, "2025-08-15;2025-09-01");
    assert_int_equal(e->severity, CS_SEV_ERROR);
    assert_string_equal(e->message, "Plan before referral");
    assert_string_equal(e->source_file, f->path);
    assert_true(e->source_line > 0);
    assert_string_equal(e->source_system, "fixture");
    assert_string_equal(e->team, "");

    e = find_rule(&l, "R2");
    assert_non_null(e);
    assert_string_equal(e->record, "CINdetails[2]");
    assert_string_equal(e->fields, "ReferralSource;Header.LEA");
    /* the ';' inside the value is written ',' so the lists stay aligned */
    assert_string_equal(e->values, "a,b;999");
    assert_int_equal(e->severity, CS_SEV_QUERY);

    e = find_rule(&l, "R3");
    assert_non_null(e);
    assert_string_equal(e->child_id, "");
    assert_string_equal(e->record, "");
    assert_string_equal(e->fields, "");
    assert_int_equal(e->severity, CS_SEV_WARNING);

    e = find_rule(&l, "R4");
    assert_non_null(e);
    assert_int_equal(e->severity, CS_SEV_INFO);
    assert_string_equal(e->child_id, "");
    assert_non_null(strstr(e->message, "Not run: needs last year's return"));
    assert_non_null(strstr(e->message, "Birth date differs from last year"));
    cs_exceptions_free(&l);
}

static void test_reader_findings(void **state)
{
    fixture *f = *state;
    assert_true(f->findings.count >= 1);
    cs_exception_list l;
    cs_exceptions_init(&l, "RUN");
    cs_rule_exc_ctx c = {.return_name = "cin", .year = "2025-26", .source_system = "X"};
    cs_exceptions_from_reader_findings(&l, &f->findings, &c);
    const cs_exception *e = find_rule(&l, "X123");
    assert_non_null(e);
    assert_string_equal(e->return_name, "cin");
    assert_string_equal(e->child_id, "K2");
    assert_string_equal(e->record, "CINdetails");
    assert_string_equal(e->fields, "Stray");
    assert_true(e->source_line > 0);
    cs_exceptions_free(&l);
}

static void test_event_date(void **state)
{
    fixture *f = *state;
    const cs_dataset *ds = &f->ds;
    /* the child row has no event; the plan's is its start; the episode's its referral */
    assert_int_equal(cs_ds_event_date(ds, CS_CIN_G_CHILD, 0), CS_DATE_NONE);
    assert_int_equal(cs_ds_event_date(ds, CS_CIN_G_CPP, 0), cs_date_from_ymd(2025, 8, 15));
    uint32_t first, n;
    cs_ds_children(ds, CS_CIN_G_CINDETAILS, 0, &first, &n);
    assert_int_equal(n, 2);
    assert_int_equal(cs_ds_event_date(ds, CS_CIN_G_CINDETAILS, first),
                     cs_date_from_ymd(2025, 5, 1));
    /* the header is above the child: no event */
    assert_int_equal(cs_ds_event_date(ds, CS_CIN_G_HEADER, 0), CS_DATE_NONE);
    assert_int_equal(cs_ds_event_date(ds, -1, 0), CS_DATE_NONE);
}

static void put_person(cs_model *m, const char *id, uint32_t file, uint32_t line)
{
    cs_person *p = cs_model_append(m, CS_E_person);
    p->id = id;
    p->prov = (cs_prov){file, line};
}

static void test_allocation_on_rows(void **state)
{
    fixture *f = *state;
    cs_model m;
    cs_model_init(&m);
    cs_team *t = cs_model_append(&m, CS_E_team);
    t->id = "T1";
    t->name = "Team One";
    cs_worker *w = cs_model_append(&m, CS_E_worker);
    w->id = "W1";
    w->name = "Jo Smith";
    w->team_id = "T1";
    cs_involvement *v = cs_model_append(&m, CS_E_involvement);
    v->person_id = "K1";
    v->worker_id = "W1";
    v->start_date = cs_date_from_ymd(2025, 1, 1);
    cs_allocation_opts ao = {.rule = CS_ALLOC_LATEST, .reference_date = cs_date_from_ymd(2026, 3, 31)};
    cs_allocation *a = cs_allocation_build(&m, &ao);
    cs_exception_list l;
    cs_exceptions_init(&l, "RUN");
    cs_rule_exc_ctx c = {.return_name = "cin", .year = "2025-26", .alloc = a};
    cs_exceptions_from_rule_hits(&l, &f->ds, &f->hits, &c);
    const cs_exception *e = find_rule(&l, "R1");
    assert_string_equal(e->team, "Team One");
    assert_string_equal(e->worker, "Jo Smith");
    assert_string_equal(e->team_id, "T1");
    assert_string_equal(e->worker_id, "W1");
    /* return-level rows name nobody */
    assert_string_equal(find_rule(&l, "R3")->team, "");
    cs_exceptions_free(&l);
    cs_allocation_free(a);
    cs_model_free(&m);
}

static void test_source_ids(void **state)
{
    (void)state;
    cs_model m;
    cs_model_init(&m);
    uint32_t fa = cs_model_add_file(&m, "people.csv");
    uint32_t fb = cs_model_add_file(&m, "referrals.csv");
    put_person(&m, "P-7", fa, 7);
    put_person(&m, "P-8", fa, 8);
    cs_referral *r = cs_model_append(&m, CS_E_referral);
    r->id = "REF-3";
    r->prov = (cs_prov){fb, 7};
    cs_exception_list l;
    cs_exceptions_init(&l, "RUN");
    cs_exception rows[] = {
        {.rule = "A", .source_file = "people.csv", .source_line = 8},
        {.rule = "B", .source_file = "referrals.csv", .source_line = 7},
        {.rule = "C", .source_file = "people.csv", .source_line = 99},   /* no record there */
        {.rule = "D", .source_file = "other.csv", .source_line = 7},     /* not the model's */
        {.rule = "E", .source_file = "people.csv", .source_line = 7, .source_id = "kept"},
        {.rule = "F", .source_file = "people.csv", .source_line = 8},    /* same key as A */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        cs_exceptions_add(&l, &rows[i]);
    cs_exceptions_fill_source_ids(&l, 0, &m);
    assert_string_equal(l.items[0].source_id, "P-8");
    assert_string_equal(l.items[1].source_id, "REF-3");
    assert_string_equal(l.items[2].source_id, "");
    assert_string_equal(l.items[3].source_id, "");
    assert_string_equal(l.items[4].source_id, "kept");
    assert_string_equal(l.items[5].source_id, "P-8");
    /* from past the end: nothing to do, no crash */
    cs_exceptions_fill_source_ids(&l, l.count, &m);
    cs_exceptions_free(&l);
    cs_model_free(&m);
}

static void test_severity_mapping(void **state)
{
    (void)state;
    assert_int_equal(cs_rule_severity_to_exc(CS_RULE_ERROR), CS_SEV_ERROR);
    assert_int_equal(cs_rule_severity_to_exc(CS_RULE_QUERY), CS_SEV_QUERY);
    assert_int_equal(cs_rule_severity_to_exc(CS_RULE_WARNING), CS_SEV_WARNING);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_rows_from_hits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reader_findings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_event_date, setup, teardown),
        cmocka_unit_test_setup_teardown(test_allocation_on_rows, setup, teardown),
        cmocka_unit_test(test_source_ids),
        cmocka_unit_test(test_severity_mapping),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
