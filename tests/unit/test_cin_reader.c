/* The CIN census reader: a DfE-style example file read into the right
 * groups and fields, and hostile input (malformed XML, wrong root, unknown
 * and misordered elements, bad dates, empty files, entity attacks, caps). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "dataset/schemas.h"
#include "returns/cin/cin.h"
#include "util/limits.h"

#define EXAMPLE "tests/data/cin/example-2024-25.xml"

static char *data_path(const char *rel)
{
    static char buf[4096];
    const char *root = getenv("SRCROOT");
    snprintf(buf, sizeof buf, "%s/%s", root && *root ? root : ".", rel);
    return buf;
}

typedef struct {
    cs_dataset ds;
    cs_findings f;
    cs_diag d;
    cs_status st;
} rd;

static void read_mem(rd *r, const char *doc, size_t n)
{
    memset(r, 0, sizeof *r);
    cs_findings_init(&r->f);
    cs_bytesrc *src = NULL;
    assert_int_equal(cs_bytesrc_open_mem(&src, doc, n, "mem.xml", &r->d), CS_OK);
    r->st = cs_cin_read_src(src, &r->ds, &r->f, &r->d);
}

static void read_str(rd *r, const char *doc)
{
    read_mem(r, doc, strlen(doc));
}

static void rd_free(rd *r)
{
    if (r->st == CS_OK)
        cs_ds_free(&r->ds);
    cs_findings_free(&r->f);
}

static const cs_value *cell(rd *r, int g, uint32_t row, int f)
{
    assert_true(row < cs_ds_count(&r->ds, g));
    return cs_ds_cell_c(&r->ds, g, row, f);
}

static void assert_date(const cs_value *v, const char *iso)
{
    char buf[11];
    assert_int_equal(v->kind, CS_V_DATE);
    assert_string_equal(cs_date_iso(v->i, buf), iso);
}

static void assert_str(const cs_value *v, const char *s)
{
    assert_int_equal(v->kind, CS_V_STR);
    assert_string_equal(v->s, s);
}

static int count_kind(const cs_findings *f, cs_finding_kind k)
{
    return (int)f->per_kind[k];
}

/* A minimal valid document with `body` as the only CINdetails content. */
static char *doc_with_episode(const char *body)
{
    static char buf[8192];
    snprintf(buf, sizeof buf,
             "<Message><Header><CollectionDetails><Collection>CIN</Collection>"
             "<Year>2025</Year><ReferenceDate>2025-03-31</ReferenceDate></CollectionDetails>"
             "<Source><SourceLevel>L</SourceLevel><LEA>201</LEA></Source></Header>\n"
             "<Children><Child><ChildIdentifiers><LAchildID>C1</LAchildID><Sex>F</Sex>"
             "</ChildIdentifiers><ChildCharacteristics><Ethnicity>WBRI</Ethnicity>"
             "</ChildCharacteristics>\n<CINdetails>%s</CINdetails></Child></Children></Message>\n",
             body);
    return buf;
}

/* ---- the example file ------------------------------------------------------ */

static void example_groups_and_counts(void **state)
{
    (void)state;
    rd r;
    memset(&r, 0, sizeof r);
    cs_findings_init(&r.f);
    r.st = cs_cin_read(data_path(EXAMPLE), &r.ds, &r.f, &r.d);
    assert_int_equal(r.st, CS_OK);
    assert_int_equal(r.f.total, 0);
    assert_true(r.ds.finalized);
    assert_int_equal(cs_ds_count(&r.ds, CS_CIN_G_MESSAGE), 1);
    assert_int_equal(cs_ds_count(&r.ds, CS_CIN_G_HEADER), 1);
    assert_int_equal(cs_ds_count(&r.ds, CS_CIN_G_CHILD), 2);
    assert_int_equal(cs_ds_count(&r.ds, CS_CIN_G_DISABILITIES), 3);
    assert_int_equal(cs_ds_count(&r.ds, CS_CIN_G_CINDETAILS), 3);
    assert_int_equal(cs_ds_count(&r.ds, CS_CIN_G_ASSESSMENTS), 2);
    assert_int_equal(cs_ds_count(&r.ds, CS_CIN_G_FACTORS), 3);
    assert_int_equal(cs_ds_count(&r.ds, CS_CIN_G_PLANS), 1);
    assert_int_equal(cs_ds_count(&r.ds, CS_CIN_G_S47), 1);
    assert_int_equal(cs_ds_count(&r.ds, CS_CIN_G_CPP), 2);
    assert_int_equal(cs_ds_count(&r.ds, CS_CIN_G_REVIEWS), 2);
    assert_int_equal(cs_ds_count(&r.ds, CS_CIN_G_PREPROC), 0);
    rd_free(&r);
}

static void example_values(void **state)
{
    (void)state;
    rd r;
    memset(&r, 0, sizeof r);
    cs_findings_init(&r.f);
    r.st = cs_cin_read(data_path(EXAMPLE), &r.ds, &r.f, &r.d);
    assert_int_equal(r.st, CS_OK);
    int H = CS_CIN_G_HEADER;
    assert_str(cell(&r, H, 0, CS_CIN_H_COLLECTION), "CIN");
    assert_int_equal(cell(&r, H, 0, CS_CIN_H_YEAR)->kind, CS_V_INT);
    assert_int_equal(cell(&r, H, 0, CS_CIN_H_YEAR)->i, 2025);
    assert_date(cell(&r, H, 0, CS_CIN_H_REFERENCE_DATE), "2025-03-31");
    assert_str(cell(&r, H, 0, CS_CIN_H_SOURCE_LEVEL), "L");
    assert_str(cell(&r, H, 0, CS_CIN_H_LEA), "201");
    assert_str(cell(&r, H, 0, CS_CIN_H_SOFTWARE_CODE), "Local Authority");
    assert_str(cell(&r, H, 0, CS_CIN_H_RELEASE), "ver 3.1.21");
    assert_str(cell(&r, H, 0, CS_CIN_H_SERIAL_NO), "001");
    assert_str(cell(&r, H, 0, CS_CIN_H_DATE_TIME), "2025-05-23T11:14:05");

    int C = CS_CIN_G_CHILD;
    assert_str(cell(&r, C, 0, CS_CIN_C_LACHILDID), "DfEX0000001");
    assert_str(cell(&r, C, 0, CS_CIN_C_UPN), "A123456789123");
    assert_str(cell(&r, C, 0, CS_CIN_C_FORMER_UPN), "X98765432123B");
    assert_str(cell(&r, C, 0, CS_CIN_C_UPN_UNKNOWN), "UN3");
    assert_date(cell(&r, C, 0, CS_CIN_C_BIRTH_DATE), "2015-03-27");
    assert_date(cell(&r, C, 0, CS_CIN_C_EXPECTED_BIRTH_DATE), "2015-03-21");
    assert_str(cell(&r, C, 0, CS_CIN_C_SEX), "M");
    assert_int_equal(cell(&r, C, 0, CS_CIN_C_GENDER_CURRENT)->kind, CS_V_ABSENT);
    assert_date(cell(&r, C, 0, CS_CIN_C_DEATH_DATE), "2025-02-15");
    assert_str(cell(&r, C, 0, CS_CIN_C_ETHNICITY), "WBRI");
    assert_str(cell(&r, C, 1, CS_CIN_C_LACHILDID), "DfEX0000002");
    assert_int_equal(cell(&r, C, 1, CS_CIN_C_BIRTH_DATE)->kind, CS_V_ABSENT);
    assert_date(cell(&r, C, 1, CS_CIN_C_EXPECTED_BIRTH_DATE), "2025-05-01");

    uint32_t first, n;
    cs_ds_children(&r.ds, CS_CIN_G_DISABILITIES, 0, &first, &n);
    assert_int_equal(n, 2);
    assert_str(cell(&r, CS_CIN_G_DISABILITIES, first, CS_CIN_D_DISABILITY), "HAND");
    assert_str(cell(&r, CS_CIN_G_DISABILITIES, first + 1, CS_CIN_D_DISABILITY), "HEAR");

    int E = CS_CIN_G_CINDETAILS;
    assert_date(cell(&r, E, 0, CS_CIN_E_REFERRAL_DATE), "2024-05-06");
    assert_str(cell(&r, E, 0, CS_CIN_E_REFERRAL_SOURCE), "1A");
    assert_str(cell(&r, E, 0, CS_CIN_E_PRIMARY_NEED), "N4");
    assert_date(cell(&r, E, 0, CS_CIN_E_CLOSURE_DATE), "2025-02-27");
    assert_str(cell(&r, E, 0, CS_CIN_E_CLOSURE_REASON), "RC1");
    assert_date(cell(&r, E, 0, CS_CIN_E_ICPC_DATE), "2024-06-12");
    assert_int_equal(cell(&r, E, 0, CS_CIN_E_REFERRAL_NFA)->kind, CS_V_BOOL);
    assert_int_equal(cell(&r, E, 0, CS_CIN_E_REFERRAL_NFA)->i, 0);
    /* the second child's episodes in file order; the yes/no keeps its spelling */
    assert_date(cell(&r, E, 1, CS_CIN_E_REFERRAL_DATE), "2025-01-10");
    assert_int_equal(cell(&r, E, 1, CS_CIN_E_REFERRAL_NFA)->i, 0);
    assert_string_equal(cell(&r, E, 1, CS_CIN_E_REFERRAL_NFA)->s, "FALSE");
    assert_int_equal(cell(&r, E, 2, CS_CIN_E_REFERRAL_NFA)->i, 1);
    assert_int_equal(cell(&r, E, 1, CS_CIN_E_CLOSURE_DATE)->kind, CS_V_ABSENT);

    int A = CS_CIN_G_ASSESSMENTS;
    assert_date(cell(&r, A, 0, CS_CIN_A_START), "2024-05-07");
    assert_date(cell(&r, A, 0, CS_CIN_A_REVIEW), "2024-05-20");
    assert_date(cell(&r, A, 0, CS_CIN_A_AUTHORISED), "2024-06-03");
    assert_int_equal(cell(&r, A, 0, CS_CIN_A_FACTORS_EMPTY)->kind, CS_V_ABSENT);
    /* an empty FactorsIdentifiedAtAssessment is flagged on its assessment */
    assert_int_equal(cell(&r, A, 1, CS_CIN_A_FACTORS_EMPTY)->kind, CS_V_BOOL);
    assert_int_equal(cell(&r, A, 1, CS_CIN_A_FACTORS_EMPTY)->i, 1);
    cs_ds_children(&r.ds, CS_CIN_G_FACTORS, 0, &first, &n);
    assert_int_equal(n, 3);
    assert_str(cell(&r, CS_CIN_G_FACTORS, first + 2, CS_CIN_AF_FACTOR), "3A");
    cs_ds_children(&r.ds, CS_CIN_G_FACTORS, 1, &first, &n);
    assert_int_equal(n, 0);

    assert_date(cell(&r, CS_CIN_G_PLANS, 0, CS_CIN_P_START), "2024-06-04");
    assert_date(cell(&r, CS_CIN_G_PLANS, 0, CS_CIN_P_END), "2024-06-11");
    int S = CS_CIN_G_S47;
    assert_date(cell(&r, S, 0, CS_CIN_S_START), "2024-05-22");
    assert_date(cell(&r, S, 0, CS_CIN_S_ICPC_TARGET), "2024-06-12");
    assert_date(cell(&r, S, 0, CS_CIN_S_ICPC_DATE), "2024-06-11");
    assert_int_equal(cell(&r, S, 0, CS_CIN_S_ICPC_NOT_REQUIRED)->kind, CS_V_BOOL);
    assert_int_equal(cell(&r, S, 0, CS_CIN_S_ICPC_NOT_REQUIRED)->i, 0);

    int P = CS_CIN_G_CPP;
    assert_date(cell(&r, P, 0, CS_CIN_CP_START), "2024-06-11");
    assert_date(cell(&r, P, 0, CS_CIN_CP_END), "2025-02-14");
    assert_str(cell(&r, P, 0, CS_CIN_CP_INITIAL_CATEGORY), "PHY");
    assert_str(cell(&r, P, 0, CS_CIN_CP_LATEST_CATEGORY), "EMO");
    assert_int_equal(cell(&r, P, 0, CS_CIN_CP_PREVIOUS)->kind, CS_V_INT);
    assert_int_equal(cell(&r, P, 0, CS_CIN_CP_PREVIOUS)->i, 1);
    assert_int_equal(cell(&r, P, 1, CS_CIN_CP_PREVIOUS)->i, 0);
    cs_ds_children(&r.ds, CS_CIN_G_REVIEWS, 0, &first, &n);
    assert_int_equal(n, 2);
    assert_date(cell(&r, CS_CIN_G_REVIEWS, first, CS_CIN_R_DATE), "2024-09-02");
    assert_date(cell(&r, CS_CIN_G_REVIEWS, first + 1, CS_CIN_R_DATE), "2025-01-20");
    rd_free(&r);
}

static void example_paths_and_lines(void **state)
{
    (void)state;
    rd r;
    memset(&r, 0, sizeof r);
    cs_findings_init(&r.f);
    r.st = cs_cin_read(data_path(EXAMPLE), &r.ds, &r.f, &r.d);
    assert_int_equal(r.st, CS_OK);
    char buf[256];
    cs_ds_record_path(&r.ds, CS_CIN_G_CINDETAILS, 2, buf, sizeof buf);
    assert_string_equal(buf, "CINdetails[2]");
    cs_ds_record_path(&r.ds, CS_CIN_G_CPP, 1, buf, sizeof buf);
    assert_string_equal(buf, "CINdetails[1]/ChildProtectionPlans[1]");
    cs_ds_record_path(&r.ds, CS_CIN_G_REVIEWS, 1, buf, sizeof buf);
    assert_string_equal(buf, "CINdetails[1]/ChildProtectionPlans[1]/CPPreviewDate[2]");
    cs_ds_record_path(&r.ds, CS_CIN_G_DISABILITIES, 1, buf, sizeof buf);
    assert_string_equal(buf, "Disability[2]");
    assert_string_equal(cs_ds_child_id(&r.ds, CS_CIN_G_FACTORS, 2), "DfEX0000001");
    assert_string_equal(cs_ds_child_id(&r.ds, CS_CIN_G_CINDETAILS, 2), "DfEX0000002");
    /* rows remember the line their element starts on */
    assert_int_equal(r.ds.rows[CS_CIN_G_CHILD].line[0], 20);
    assert_int_equal(r.ds.rows[CS_CIN_G_CINDETAILS].line[0], 38);
    assert_int_equal(r.ds.rows[CS_CIN_G_REVIEWS].line[1], 74);
    assert_true(strstr(r.ds.files[r.ds.rows[CS_CIN_G_CHILD].file[0]], "example-2024-25.xml"));
    rd_free(&r);
}

static void schema_is_registered_and_findable(void **state)
{
    (void)state;
    assert_ptr_equal(cs_schema_find("cin"), &cs_cin_schema);
    assert_int_equal(cs_ds_group_find(&cs_cin_schema, "ChildIdentifiers"), CS_CIN_G_CHILD);
    assert_int_equal(cs_ds_group_find(&cs_cin_schema, "ChildCharacteristics"), CS_CIN_G_CHILD);
    assert_int_equal(cs_ds_group_find(&cs_cin_schema, "Reviews"), CS_CIN_G_REVIEWS);
    assert_int_equal(cs_ds_field_find(&cs_cin_schema, CS_CIN_G_CINDETAILS, "ReferralNFA"),
                     CS_CIN_E_REFERRAL_NFA);
    assert_int_equal(cs_ds_field_find(&cs_cin_schema, CS_CIN_G_S47, "DateOfInitialCPC"),
                     CS_CIN_S_ICPC_DATE);
    /* every group but the root hangs under the group the XML nests it in */
    assert_int_equal(cs_cin_schema.groups[CS_CIN_G_REVIEWS].parent, CS_CIN_G_CPP);
    assert_int_equal(cs_cin_schema.groups[CS_CIN_G_FACTORS].parent, CS_CIN_G_ASSESSMENTS);
}

static void years(void **state)
{
    (void)state;
    cs_cin_year y;
    cs_diag d;
    char buf[32];
    assert_int_equal(cs_cin_year_parse("2025-26", &y, &d), CS_OK);
    assert_int_equal(y.end_year, 2026);
    assert_string_equal(cs_date_iso(y.reference_date, buf), "2026-03-31");
    assert_string_equal(cs_date_iso(y.period_start, buf), "2025-04-01");
    assert_string_equal(y.label, "2025-26");
    assert_int_equal(cs_cin_year_gender(&y), CS_CIN_SEX);
    assert_int_equal(cs_cin_year_parse("2024", &y, &d), CS_OK);
    assert_string_equal(y.label, "2023-24");
    assert_int_equal(cs_cin_year_gender(&y), CS_CIN_GENDER_CURRENT);
    assert_int_equal(cs_cin_year_gender_field(&y), CS_CIN_C_GENDER_CURRENT);
    assert_int_equal(cs_cin_year_parse("2024/25", &y, &d), CS_OK);
    assert_int_equal(cs_cin_year_gender(&y), CS_CIN_SEX);
    assert_string_equal(cs_cin_xsd_name(&y, buf, sizeof buf), "cin-2024-25.xsd");
    assert_int_equal(cs_cin_year_parse("1999-00", &y, &d), CS_ERR_USAGE);
    assert_int_equal(cs_cin_year_parse("2025-27", &y, &d), CS_ERR_USAGE);
    assert_int_equal(cs_cin_year_parse("twenty", &y, &d), CS_ERR_USAGE);
    assert_int_equal(cs_cin_year_parse(NULL, &y, &d), CS_ERR_USAGE);
}

/* ---- data errors: findings, not failures -------------------------------------- */

static void bad_dates_are_invalid_cells(void **state)
{
    (void)state;
    rd r;
    read_str(&r, doc_with_episode("<CINreferralDate>2025-02-30</CINreferralDate>"
                                  "<ReferralSource>1A</ReferralSource>"
                                  "<CINclosureDate>last Tuesday</CINclosureDate>"
                                  "<ReferralNFA>maybe</ReferralNFA>"));
    assert_int_equal(r.st, CS_OK);
    const cs_value *v = cell(&r, CS_CIN_G_CINDETAILS, 0, CS_CIN_E_REFERRAL_DATE);
    assert_int_equal(v->kind, CS_V_INVALID);
    assert_string_equal(v->s, "2025-02-30");
    v = cell(&r, CS_CIN_G_CINDETAILS, 0, CS_CIN_E_CLOSURE_DATE);
    assert_int_equal(v->kind, CS_V_INVALID);
    assert_string_equal(v->s, "last Tuesday");
    assert_int_equal(cell(&r, CS_CIN_G_CINDETAILS, 0, CS_CIN_E_REFERRAL_NFA)->kind, CS_V_INVALID);
    assert_int_equal(r.f.total, 0);
    rd_free(&r);
}

static void unknown_element_is_skipped_with_a_finding(void **state)
{
    (void)state;
    rd r;
    read_str(&r, doc_with_episode("<CINreferralDate>2024-06-01</CINreferralDate>"
                                  "<Surprise><CINreferralDate>1999-01-01</CINreferralDate>"
                                  "<Assessments/></Surprise>"
                                  "<ReferralSource>1A</ReferralSource><ReferralNFA>0</ReferralNFA>"));
    assert_int_equal(r.st, CS_OK);
    assert_int_equal(count_kind(&r.f, CS_FK_XML_UNEXPECTED), 1);
    assert_int_equal(r.f.total, 1);
    const cs_finding *x = &r.f.items[0];
    assert_string_equal(x->field, "Surprise");
    assert_string_equal(x->entity, "CINdetails");
    assert_string_equal(x->source_id, "C1");
    assert_int_equal(x->line, 3);
    assert_non_null(strstr(x->detail, "not part of <CINdetails>"));
    /* nothing inside the unknown element was taken */
    assert_date(cell(&r, CS_CIN_G_CINDETAILS, 0, CS_CIN_E_REFERRAL_DATE), "2024-06-01");
    assert_int_equal(cs_ds_count(&r.ds, CS_CIN_G_ASSESSMENTS), 0);
    assert_str(cell(&r, CS_CIN_G_CINDETAILS, 0, CS_CIN_E_REFERRAL_SOURCE), "1A");
    rd_free(&r);
}

static void misordered_elements_are_read_with_a_finding(void **state)
{
    (void)state;
    rd r;
    read_str(&r, doc_with_episode("<ReferralNFA>false</ReferralNFA>"
                                  "<CINreferralDate>2024-06-01</CINreferralDate>"
                                  "<Assessments><AssessmentAuthorisationDate>2024-07-01"
                                  "</AssessmentAuthorisationDate><AssessmentActualStartDate>"
                                  "2024-06-02</AssessmentActualStartDate></Assessments>"
                                  "<ReferralSource>1A</ReferralSource>"));
    assert_int_equal(r.st, CS_OK);
    /* CINreferralDate, Assessments, ReferralSource after ReferralNFA; the
     * start date after the authorisation date inside the assessment */
    assert_int_equal(count_kind(&r.f, CS_FK_XML_ORDER), 4);
    assert_int_equal(count_kind(&r.f, CS_FK_XML_UNEXPECTED), 0);
    assert_string_equal(r.f.items[0].field, "CINreferralDate");
    assert_non_null(strstr(r.f.items[0].detail, "after <ReferralNFA>"));
    assert_date(cell(&r, CS_CIN_G_CINDETAILS, 0, CS_CIN_E_REFERRAL_DATE), "2024-06-01");
    assert_int_equal(cell(&r, CS_CIN_G_CINDETAILS, 0, CS_CIN_E_REFERRAL_NFA)->i, 0);
    assert_date(cell(&r, CS_CIN_G_ASSESSMENTS, 0, CS_CIN_A_START), "2024-06-02");
    assert_date(cell(&r, CS_CIN_G_ASSESSMENTS, 0, CS_CIN_A_AUTHORISED), "2024-07-01");
    rd_free(&r);
}

static void repeated_stray_and_nested_are_findings(void **state)
{
    (void)state;
    rd r;
    read_str(&r, doc_with_episode("<CINreferralDate>2024-06-01</CINreferralDate>"
                                  "<CINreferralDate>2024-07-01</CINreferralDate>"
                                  "PersonBirthDate"
                                  "<ReferralSource>1A<b>bold</b></ReferralSource>"
                                  "<ReferralNFA>0</ReferralNFA>"));
    assert_int_equal(r.st, CS_OK);
    assert_int_equal(count_kind(&r.f, CS_FK_XML_UNEXPECTED), 3);
    assert_non_null(strstr(r.f.items[0].detail, "more than once"));
    assert_non_null(strstr(r.f.items[1].detail, "\"PersonBirthDate\""));
    assert_non_null(strstr(r.f.items[2].detail, "inside the value <ReferralSource>"));
    assert_date(cell(&r, CS_CIN_G_CINDETAILS, 0, CS_CIN_E_REFERRAL_DATE), "2024-06-01");
    assert_str(cell(&r, CS_CIN_G_CINDETAILS, 0, CS_CIN_E_REFERRAL_SOURCE), "1A");
    rd_free(&r);
}

static void empty_wrappers(void **state)
{
    (void)state;
    rd r;
    read_str(&r, doc_with_episode("<CINreferralDate>2024-06-01</CINreferralDate>"
                                  "<ChildProtectionPlans><CPPstartDate>2024-06-02</CPPstartDate>"
                                  "<Reviews/></ChildProtectionPlans>"
                                  "<ChildProtectionPlans><CPPstartDate>2024-08-02</CPPstartDate>"
                                  "<Reviews><CPPreviewDate/></Reviews></ChildProtectionPlans>"));
    assert_int_equal(r.st, CS_OK);
    /* an empty Reviews and an empty CPPreviewDate both give one dateless review (8842Q) */
    assert_int_equal(cs_ds_count(&r.ds, CS_CIN_G_REVIEWS), 2);
    assert_int_equal(cell(&r, CS_CIN_G_REVIEWS, 0, CS_CIN_R_DATE)->kind, CS_V_ABSENT);
    assert_int_equal(cell(&r, CS_CIN_G_REVIEWS, 1, CS_CIN_R_DATE)->kind, CS_V_ABSENT);
    assert_int_equal(r.f.total, 0);
    rd_free(&r);
}

static void missing_header_gets_an_empty_row(void **state)
{
    (void)state;
    rd r;
    read_str(&r, "<Message><Children><Child><ChildIdentifiers><LAchildID>X</LAchildID>"
                 "</ChildIdentifiers></Child></Children></Message>");
    assert_int_equal(r.st, CS_OK);
    assert_int_equal(cs_ds_count(&r.ds, CS_CIN_G_HEADER), 1);
    assert_int_equal(cell(&r, CS_CIN_G_HEADER, 0, CS_CIN_H_REFERENCE_DATE)->kind, CS_V_ABSENT);
    assert_int_equal(count_kind(&r.f, CS_FK_XML_UNEXPECTED), 1);
    assert_string_equal(r.f.items[0].field, "Header");
    rd_free(&r);
}

static void older_and_newer_elements_are_accepted(void **state)
{
    (void)state;
    rd r;
    read_str(&r, "<?xml version='1.0'?>\n<!DOCTYPE Message>\n"
                 "<Message><Header><CollectionDetails><Year>2021</Year></CollectionDetails>"
                 "<Source><LEA>201</LEA></Source><Content><CBDSLevels><CBDSLevel>CIN"
                 "</CBDSLevel></CBDSLevels></Content></Header><Children><Child>"
                 "<ChildIdentifiers><LAchildID>X</LAchildID><GenderCurrent>1</GenderCurrent>"
                 "</ChildIdentifiers><CINdetails><CINreferralDate>2020-05-01</CINreferralDate>"
                 "<PreProceedingsandFGDM><PPStartDate>2026-09-09</PPStartDate>"
                 "<FGDMMeetingOffer>1</FGDMMeetingOffer><ReviewMeetingsCount>3"
                 "</ReviewMeetingsCount><PPOutcome>A</PPOutcome></PreProceedingsandFGDM>"
                 "</CINdetails></Child></Children></Message>");
    assert_int_equal(r.st, CS_OK);
    assert_int_equal(r.f.total, 0);
    assert_str(cell(&r, CS_CIN_G_CHILD, 0, CS_CIN_C_GENDER_CURRENT), "1");
    assert_date(cell(&r, CS_CIN_G_PREPROC, 0, CS_CIN_PP_START), "2026-09-09");
    assert_int_equal(cell(&r, CS_CIN_G_PREPROC, 0, CS_CIN_PP_FGDM_OFFER)->i, 1);
    assert_int_equal(cell(&r, CS_CIN_G_PREPROC, 0, CS_CIN_PP_REVIEW_COUNT)->i, 3);
    assert_str(cell(&r, CS_CIN_G_PREPROC, 0, CS_CIN_PP_OUTCOME), "A");
    rd_free(&r);
}

/* ---- files that cannot be read: errors with a position --------------------------- */

static void malformed_xml_has_line_and_column(void **state)
{
    (void)state;
    rd r;
    read_str(&r, "<Message>\n  <Header>\n    <CollectionDetails>\n"
                 "      <Year>2025</Yeer>\n    </CollectionDetails>\n");
    assert_int_equal(r.st, CS_ERR_FORMAT);
    assert_int_equal(r.d.line, 4);
    assert_true(r.d.col > 0);
    assert_string_equal(r.d.file, "mem.xml");
    assert_non_null(strstr(r.d.msg, "Yeer"));
    rd_free(&r);

    read_str(&r, "<Message>\n<Children>\n<Child>\n");   /* unclosed at the end */
    assert_int_equal(r.st, CS_ERR_FORMAT);
    assert_true(r.d.line >= 3);
    rd_free(&r);

    read_str(&r, "<Message></Message>\n<Message></Message>\n");   /* two roots */
    assert_int_equal(r.st, CS_ERR_FORMAT);
    assert_int_equal(r.d.line, 2);
    rd_free(&r);
}

static void wrong_root_is_refused(void **state)
{
    (void)state;
    rd r;
    read_str(&r, "<?xml version=\"1.0\"?>\n<Return><Children/></Return>");
    assert_int_equal(r.st, CS_ERR_FORMAT);
    assert_int_equal(r.d.line, 2);
    assert_non_null(strstr(r.d.msg, "<Return>"));
    assert_non_null(strstr(r.d.msg, "<Message>"));
    rd_free(&r);
}

static void empty_files_are_refused(void **state)
{
    (void)state;
    rd r;
    read_mem(&r, "", 0);
    assert_int_equal(r.st, CS_ERR_FORMAT);
    assert_non_null(strstr(r.d.msg, "empty"));
    rd_free(&r);
    read_str(&r, "  \n\n ");
    assert_int_equal(r.st, CS_ERR_FORMAT);
    rd_free(&r);
    read_str(&r, "<?xml version=\"1.0\"?>\n");
    assert_int_equal(r.st, CS_ERR_FORMAT);
    rd_free(&r);
}

static void entity_attacks_are_refused(void **state)
{
    (void)state;
    rd r;
    read_str(&r, "<?xml version=\"1.0\"?>\n"
                 "<!DOCTYPE Message [\n"
                 " <!ENTITY lol \"lol\">\n"
                 " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
                 " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
                 " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
                 " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
                 " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
                 " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
                 " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
                 " <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
                 " <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
                 "]>\n<Message><Header><Source><SoftwareCode>&lol9;</SoftwareCode></Source>"
                 "</Header></Message>\n");
    assert_int_equal(r.st, CS_ERR_FORMAT);
    assert_int_equal(r.d.line, 3);
    assert_non_null(strstr(r.d.msg, "ENTITY"));
    rd_free(&r);

    read_str(&r, "<?xml version=\"1.0\"?>\n"
                 "<!DOCTYPE Message [ <!ENTITY xxe SYSTEM \"file:///etc/passwd\"> ]>\n"
                 "<Message><Header><Source><SoftwareCode>&xxe;</SoftwareCode></Source>"
                 "</Header></Message>\n");
    assert_int_equal(r.st, CS_ERR_FORMAT);
    assert_int_equal(r.d.line, 2);
    rd_free(&r);

    /* an external DTD is not fetched: the DOCTYPE itself is refused */
    read_str(&r, "<?xml version=\"1.0\"?>\n"
                 "<!DOCTYPE Message SYSTEM \"http://example.invalid/cin.dtd\">\n"
                 "<Message/>\n");
    assert_int_equal(r.st, CS_ERR_FORMAT);
    assert_non_null(strstr(r.d.msg, "DOCTYPE"));
    rd_free(&r);

    /* an undeclared entity is not well-formed */
    read_str(&r, "<Message><Header><Source><SoftwareCode>&nope;</SoftwareCode></Source>"
                 "</Header></Message>\n");
    assert_int_equal(r.st, CS_ERR_FORMAT);
    rd_free(&r);
}

static void depth_and_value_caps(void **state)
{
    (void)state;
    rd r;
    size_t depth = CS_MAX_XML_DEPTH + 4;
    size_t cap = 64 + depth * 16;
    char *doc = malloc(cap);
    size_t w = (size_t)snprintf(doc, cap, "<Message>");
    for (size_t i = 0; i < depth; i++)
        w += (size_t)snprintf(doc + w, cap - w, "<x>");
    for (size_t i = 0; i < depth; i++)
        w += (size_t)snprintf(doc + w, cap - w, "</x>");
    snprintf(doc + w, cap - w, "</Message>");
    read_str(&r, doc);
    assert_int_equal(r.st, CS_ERR_LIMIT);
    assert_non_null(strstr(r.d.msg, "nested"));
    rd_free(&r);
    free(doc);

    size_t big = CS_MAX_FIELD_BYTES + 100;
    doc = malloc(big + 200);
    w = (size_t)snprintf(doc, big + 200, "<Message><Header><Source><SoftwareCode>");
    memset(doc + w, 'a', big);
    w += big;
    snprintf(doc + w, 200, "</SoftwareCode></Source></Header></Message>");
    read_str(&r, doc);
    assert_int_equal(r.st, CS_ERR_LIMIT);
    rd_free(&r);
    free(doc);
}

static void missing_file_is_an_io_error(void **state)
{
    (void)state;
    cs_dataset ds;
    cs_diag d;
    assert_int_equal(cs_cin_read("/nonexistent/dir/cin.xml", &ds, NULL, &d), CS_ERR_IO);
}

/* ---- encodings and compression ------------------------------------------------------ */

static void gzip_and_latin1(void **state)
{
    (void)state;
    char path[] = "/tmp/cin-reader-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    gzFile gz = gzdopen(fd, "wb");
    assert_non_null(gz);
    const char *doc = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
                      "<Message><Header><Source><SoftwareCode>Caf\xe9 "
                      "syst\xe8me</SoftwareCode></Source></Header></Message>\n";
    assert_int_equal(gzwrite(gz, doc, (unsigned)strlen(doc)), (int)strlen(doc));
    assert_int_equal(gzclose(gz), Z_OK);
    rd r;
    memset(&r, 0, sizeof r);
    r.st = cs_cin_read(path, &r.ds, NULL, &r.d);
    unlink(path);
    assert_int_equal(r.st, CS_OK);
    assert_str(cell(&r, CS_CIN_G_HEADER, 0, CS_CIN_H_SOFTWARE_CODE), "Caf\xc3\xa9 syst\xc3\xa8me");
    cs_ds_free(&r.ds);
}

static void utf16_with_bom(void **state)
{
    (void)state;
    const char *ascii = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><Message><Header><Source>"
                        "<LEA>938</LEA></Source></Header></Message>";
    size_t n = strlen(ascii);
    unsigned char *buf = malloc(2 + 2 * n);
    buf[0] = 0xff;
    buf[1] = 0xfe;
    for (size_t i = 0; i < n; i++) {
        buf[2 + 2 * i] = (unsigned char)ascii[i];
        buf[3 + 2 * i] = 0;
    }
    rd r;
    read_mem(&r, (const char *)buf, 2 + 2 * n);
    assert_int_equal(r.st, CS_OK);
    assert_str(cell(&r, CS_CIN_G_HEADER, 0, CS_CIN_H_LEA), "938");
    rd_free(&r);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(example_groups_and_counts),
        cmocka_unit_test(example_values),
        cmocka_unit_test(example_paths_and_lines),
        cmocka_unit_test(schema_is_registered_and_findable),
        cmocka_unit_test(years),
        cmocka_unit_test(bad_dates_are_invalid_cells),
        cmocka_unit_test(unknown_element_is_skipped_with_a_finding),
        cmocka_unit_test(misordered_elements_are_read_with_a_finding),
        cmocka_unit_test(repeated_stray_and_nested_are_findings),
        cmocka_unit_test(empty_wrappers),
        cmocka_unit_test(missing_header_gets_an_empty_row),
        cmocka_unit_test(older_and_newer_elements_are_accepted),
        cmocka_unit_test(malformed_xml_has_line_and_column),
        cmocka_unit_test(wrong_root_is_refused),
        cmocka_unit_test(empty_files_are_refused),
        cmocka_unit_test(entity_attacks_are_refused),
        cmocka_unit_test(depth_and_value_caps),
        cmocka_unit_test(missing_file_is_an_io_error),
        cmocka_unit_test(gzip_and_latin1),
        cmocka_unit_test(utf16_with_bom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
