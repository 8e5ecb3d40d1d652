/* The CIN census writer and XSD check: a dataset built by hand is written,
 * validated against the year's XSD, read back cell for cell, and the XML is
 * checked for element order, the year's gender element, no empty elements
 * and one Reviews wrapper per plan. Every year's XSD accepts its output. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "returns/cin/cin.h"

static char tmpdir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/cin-writer-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static const char *xsd_for(const cs_cin_year *y)
{
    static char buf[4096];
    char name[32];
    const char *root = getenv("SRCROOT");
    snprintf(buf, sizeof buf, "%s/schema/xml/%s", root && *root ? root : ".",
             cs_cin_xsd_name(y, name, sizeof name));
    return buf;
}

static const char *out_path(const char *name)
{
    static char buf[256];
    snprintf(buf, sizeof buf, "%s/%s", tmpdir, name);
    return buf;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    return s;
}

static void set_d(cs_dataset *ds, int g, uint32_t row, int f, int y, int m, int d)
{
    cs_ds_set_date(ds, g, row, f, cs_date_from_ymd(y, m, d));
}

/* A census for year y built by hand: two children, every element used. */
static void make_dataset(cs_dataset *ds, const cs_cin_year *y)
{
    int s = y->start_year, e = y->end_year;
    cs_ds_init(ds, &cs_cin_schema);
    cs_ds_add_row(ds, CS_CIN_G_MESSAGE, 0, 0, 0);
    int H = CS_CIN_G_HEADER;
    uint32_t h = cs_ds_add_row(ds, H, 0, 0, 0);
    cs_ds_set_str(ds, H, h, CS_CIN_H_COLLECTION, "CIN");
    cs_ds_set_int(ds, H, h, CS_CIN_H_YEAR, e);
    cs_ds_set_date(ds, H, h, CS_CIN_H_REFERENCE_DATE, y->reference_date);
    cs_ds_set_str(ds, H, h, CS_CIN_H_SOURCE_LEVEL, "L");
    cs_ds_set_str(ds, H, h, CS_CIN_H_LEA, "201");
    cs_ds_set_str(ds, H, h, CS_CIN_H_SOFTWARE_CODE, "cscdw <test> & co");
    cs_ds_set_str(ds, H, h, CS_CIN_H_RELEASE, "0.1");
    cs_ds_set_str(ds, H, h, CS_CIN_H_SERIAL_NO, "001");
    cs_ds_set_str(ds, H, h, CS_CIN_H_DATE_TIME, "2025-05-23T11:14:05");

    int sexf = cs_cin_year_gender_field(y);
    int C = CS_CIN_G_CHILD, E = CS_CIN_G_CINDETAILS;
    uint32_t c1 = cs_ds_add_row(ds, C, 0, 0, 0);
    cs_ds_set_str(ds, C, c1, CS_CIN_C_LACHILDID, "C0001");
    cs_ds_set_str(ds, C, c1, CS_CIN_C_UPN, "A123456789012");
    cs_ds_set_str(ds, C, c1, CS_CIN_C_FORMER_UPN, "B12345678901C");
    set_d(ds, C, c1, CS_CIN_C_BIRTH_DATE, 2012, 2, 29);
    cs_ds_set_str(ds, C, c1, sexf, sexf == CS_CIN_C_SEX ? "F" : "2");
    set_d(ds, C, c1, CS_CIN_C_DEATH_DATE, e, 3, 1);
    cs_ds_set_str(ds, C, c1, CS_CIN_C_ETHNICITY, "WBRI");
    uint32_t d1 = cs_ds_add_row(ds, CS_CIN_G_DISABILITIES, c1, 0, 0);
    cs_ds_set_str(ds, CS_CIN_G_DISABILITIES, d1, CS_CIN_D_DISABILITY, "HAND");
    d1 = cs_ds_add_row(ds, CS_CIN_G_DISABILITIES, c1, 0, 0);
    cs_ds_set_str(ds, CS_CIN_G_DISABILITIES, d1, CS_CIN_D_DISABILITY, "VIS");

    uint32_t e1 = cs_ds_add_row(ds, E, c1, 0, 0);
    set_d(ds, E, e1, CS_CIN_E_REFERRAL_DATE, s, 5, 6);
    cs_ds_set_str(ds, E, e1, CS_CIN_E_REFERRAL_SOURCE, "2A");
    cs_ds_set_str(ds, E, e1, CS_CIN_E_PRIMARY_NEED, "N1");
    set_d(ds, E, e1, CS_CIN_E_CLOSURE_DATE, e, 3, 1);
    cs_ds_set_str(ds, E, e1, CS_CIN_E_CLOSURE_REASON, "RC2");
    cs_ds_set_bool(ds, E, e1, CS_CIN_E_REFERRAL_NFA, 0);
    /* added before the assessments on purpose: the writer follows the schema, not row order */
    uint32_t p1 = cs_ds_add_row(ds, CS_CIN_G_CPP, e1, 0, 0);
    set_d(ds, CS_CIN_G_CPP, p1, CS_CIN_CP_START, s, 6, 11);
    set_d(ds, CS_CIN_G_CPP, p1, CS_CIN_CP_END, s, 12, 2);
    cs_ds_set_str(ds, CS_CIN_G_CPP, p1, CS_CIN_CP_INITIAL_CATEGORY, "PHY");
    cs_ds_set_str(ds, CS_CIN_G_CPP, p1, CS_CIN_CP_LATEST_CATEGORY, "EMO");
    cs_ds_set_int(ds, CS_CIN_G_CPP, p1, CS_CIN_CP_PREVIOUS, 0);
    for (int m = 7; m <= 11; m += 2) {
        uint32_t r = cs_ds_add_row(ds, CS_CIN_G_REVIEWS, p1, 0, 0);
        set_d(ds, CS_CIN_G_REVIEWS, r, CS_CIN_R_DATE, s, m, 1);
    }
    uint32_t p2 = cs_ds_add_row(ds, CS_CIN_G_CPP, e1, 0, 0);
    set_d(ds, CS_CIN_G_CPP, p2, CS_CIN_CP_START, e, 1, 6);
    cs_ds_set_str(ds, CS_CIN_G_CPP, p2, CS_CIN_CP_INITIAL_CATEGORY, "NEG");
    cs_ds_set_str(ds, CS_CIN_G_CPP, p2, CS_CIN_CP_LATEST_CATEGORY, "NEG");
    cs_ds_set_int(ds, CS_CIN_G_CPP, p2, CS_CIN_CP_PREVIOUS, 1);
    uint32_t a1 = cs_ds_add_row(ds, CS_CIN_G_ASSESSMENTS, e1, 0, 0);
    set_d(ds, CS_CIN_G_ASSESSMENTS, a1, CS_CIN_A_START, s, 5, 7);
    set_d(ds, CS_CIN_G_ASSESSMENTS, a1, CS_CIN_A_REVIEW, s, 5, 20);
    set_d(ds, CS_CIN_G_ASSESSMENTS, a1, CS_CIN_A_AUTHORISED, s, 6, 3);
    const char *factors[] = {"3B", "4B", "24A"};
    for (int i = 0; i < 3; i++) {
        uint32_t f = cs_ds_add_row(ds, CS_CIN_G_FACTORS, a1, 0, 0);
        cs_ds_set_str(ds, CS_CIN_G_FACTORS, f, CS_CIN_AF_FACTOR, factors[i]);
    }
    uint32_t a2 = cs_ds_add_row(ds, CS_CIN_G_ASSESSMENTS, e1, 0, 0);
    set_d(ds, CS_CIN_G_ASSESSMENTS, a2, CS_CIN_A_START, e, 2, 3);
    uint32_t pl = cs_ds_add_row(ds, CS_CIN_G_PLANS, e1, 0, 0);
    set_d(ds, CS_CIN_G_PLANS, pl, CS_CIN_P_START, s, 6, 4);
    set_d(ds, CS_CIN_G_PLANS, pl, CS_CIN_P_END, s, 6, 10);
    uint32_t s47 = cs_ds_add_row(ds, CS_CIN_G_S47, e1, 0, 0);
    set_d(ds, CS_CIN_G_S47, s47, CS_CIN_S_START, s, 5, 22);
    set_d(ds, CS_CIN_G_S47, s47, CS_CIN_S_ICPC_TARGET, s, 6, 12);
    set_d(ds, CS_CIN_G_S47, s47, CS_CIN_S_ICPC_DATE, s, 6, 11);
    cs_ds_set_bool(ds, CS_CIN_G_S47, s47, CS_CIN_S_ICPC_NOT_REQUIRED, 0);
    uint32_t pp = cs_ds_add_row(ds, CS_CIN_G_PREPROC, e1, 0, 0);   /* 2026-27 only */
    set_d(ds, CS_CIN_G_PREPROC, pp, CS_CIN_PP_START, s, 9, 9);

    uint32_t c2 = cs_ds_add_row(ds, C, 0, 0, 0);
    cs_ds_set_str(ds, C, c2, CS_CIN_C_LACHILDID, "C0002");
    cs_ds_set_str(ds, C, c2, CS_CIN_C_UPN_UNKNOWN, "UN1");
    set_d(ds, C, c2, CS_CIN_C_EXPECTED_BIRTH_DATE, e, 5, 1);
    cs_ds_set_str(ds, C, c2, sexf, sexf == CS_CIN_C_SEX ? "U" : "0");
    cs_ds_set_str(ds, C, c2, CS_CIN_C_ETHNICITY, "NOBT");
    uint32_t e2 = cs_ds_add_row(ds, E, c2, 0, 0);
    set_d(ds, E, e2, CS_CIN_E_REFERRAL_DATE, e, 1, 10);
    cs_ds_set_str(ds, E, e2, CS_CIN_E_REFERRAL_SOURCE, "5D");
    set_d(ds, E, e2, CS_CIN_E_ICPC_DATE, e, 1, 20);
    cs_ds_set_bool(ds, E, e2, CS_CIN_E_REFERRAL_NFA, 1);

    cs_diag d;
    assert_int_equal(cs_ds_finalize(ds, &d), CS_OK);
}

/* Every cell of every group equal (rows in the same order). */
static void assert_same_cells(const cs_dataset *a, const cs_dataset *b, int skip_group)
{
    for (int g = 0; g < CS_CIN_NGROUPS; g++) {
        if (g == skip_group)
            continue;
        assert_int_equal(cs_ds_count(a, g), cs_ds_count(b, g));
        for (uint32_t r = 0; r < cs_ds_count(a, g); r++) {
            assert_int_equal(a->rows[g].parent[r], b->rows[g].parent[r]);
            for (uint32_t f = 0; f < cs_cin_schema.groups[g].nfields; f++) {
                const cs_value *x = cs_ds_cell_c(a, g, r, (int)f);
                const cs_value *y = cs_ds_cell_c(b, g, r, (int)f);
                if (x->kind != y->kind)
                    fail_msg("%s[%u].%s: kind %d != %d", cs_cin_schema.groups[g].name, r,
                             cs_cin_schema.groups[g].fields[f].name, x->kind, y->kind);
                if (x->kind == CS_V_STR || x->kind == CS_V_INVALID)
                    assert_string_equal(x->s, y->s);
                else
                    assert_int_equal(x->i, y->i);
            }
        }
    }
}

/* Position of needle in hay, failing when absent. */
static size_t at(const char *hay, const char *needle)
{
    const char *p = strstr(hay, needle);
    if (!p)
        fail_msg("\"%s\" not in the output", needle);
    return (size_t)(p - hay);
}

static int occurrences(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

/* Builds the sample for the year and writes it to file in the temp dir;
 * keeps the dataset in *keep when given, else frees it. */
static const char *write_sample(const char *label, const char *file, cs_cin_year *y,
                                cs_dataset *keep)
{
    cs_diag d;
    cs_dataset ds;
    assert_int_equal(cs_cin_year_parse(label, y, &d), CS_OK);
    make_dataset(&ds, y);
    const char *path = out_path(file);
    assert_int_equal(cs_cin_write(&ds, path, y, &d), CS_OK);
    if (keep)
        *keep = ds;
    else
        cs_ds_free(&ds);
    return path;
}

static void round_trip_2024_25(void **state)
{
    (void)state;
    cs_cin_year y;
    cs_diag d;
    cs_dataset ds;
    const char *path = write_sample("2024-25", "cin-2024-25.xml", &y, &ds);

    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    cs_status vs = cs_cin_xsd_validate(path, xsd_for(&y), &d);
    if (vs != CS_OK)
        fail_msg("XSD: %s:%llu:%llu: %s", d.file, (unsigned long long)d.line,
                 (unsigned long long)d.col, d.msg);

    cs_dataset back;
    cs_findings f;
    cs_findings_init(&f);
    assert_int_equal(cs_cin_read(path, &back, &f, &d), CS_OK);
    assert_int_equal(f.total, 0);
    /* PreProceedingsandFGDM belongs to 2026-27 and is not written for 2024-25 */
    assert_int_equal(cs_ds_count(&back, CS_CIN_G_PREPROC), 0);
    assert_same_cells(&ds, &back, CS_CIN_G_PREPROC);
    cs_findings_free(&f);
    cs_ds_free(&back);
    cs_ds_free(&ds);
}

static void element_order_and_shape(void **state)
{
    (void)state;
    cs_cin_year y;
    char *x = slurp(write_sample("2025-26", "order.xml", &y, NULL));

    assert_int_equal(strncmp(x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 38), 0);
    const char *order[] = {
        "<Header>", "<CollectionDetails>", "<Collection>CIN<", "<Year>2026<",
        "<ReferenceDate>2026-03-31<", "<Source>", "<SourceLevel>L<", "<LEA>201<",
        "<SoftwareCode>cscdw &lt;test&gt; &amp; co<", "<Release>", "<SerialNo>001<",
        "<DateTime>", "<Children>", "<Child>", "<ChildIdentifiers>", "<LAchildID>C0001<",
        "<UPN>", "<FormerUPN>", "<PersonBirthDate>2012-02-29<", "<Sex>F<", "<PersonDeathDate>",
        "<ChildCharacteristics>", "<Ethnicity>", "<Disabilities>", "<Disability>HAND<",
        "<Disability>VIS<", "<CINdetails>", "<CINreferralDate>2025-05-06<", "<ReferralSource>",
        "<PrimaryNeedCode>", "<CINclosureDate>", "<ReasonForClosure>", "<Assessments>",
        "<AssessmentActualStartDate>", "<AssessmentInternalReviewDate>",
        "<AssessmentAuthorisationDate>", "<FactorsIdentifiedAtAssessment>",
        "<AssessmentFactors>3B<", "<AssessmentFactors>24A<", "<CINPlanDates>",
        "<CINPlanStartDate>", "<CINPlanEndDate>", "<Section47>", "<S47ActualStartDate>",
        "<InitialCPCtarget>", "<DateOfInitialCPC>2025-06-11<", "<ICPCnotRequired>false<",
        "<ReferralNFA>false<", "<ChildProtectionPlans>", "<CPPstartDate>2025-06-11<",
        "<CPPendDate>", "<InitialCategoryOfAbuse>PHY<", "<LatestCategoryOfAbuse>EMO<",
        "<NumberOfPreviousCPP>0<", "<Reviews>", "<CPPreviewDate>2025-07-01<",
        "<CPPreviewDate>2025-09-01<", "<CPPreviewDate>2025-11-01<", "</Reviews>",
        "<CPPstartDate>2026-01-06<", "<NumberOfPreviousCPP>1<", "<LAchildID>C0002<",
        "<UPNunknown>UN1<", "<ExpectedPersonBirthDate>2026-05-01<", "<Sex>U<",
        "<CINreferralDate>2026-01-10<", "<ReferralSource>5D<", "<DateOfInitialCPC>2026-01-20<",
        "<ReferralNFA>true<", "</Children>", "</Message>",
    };
    size_t prev = 0;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        size_t p = at(x + prev, order[i]) + prev;
        prev = p + 1;
    }
    /* one Reviews wrapper for the plan with three reviews, none for the plan without */
    assert_int_equal(occurrences(x, "<Reviews>"), 1);
    assert_int_equal(occurrences(x, "<ChildProtectionPlans>"), 2);
    /* no empty elements, no absent optional values, no other year's elements */
    assert_null(strstr(x, "/>"));
    assert_null(strstr(x, "GenderCurrent"));
    assert_null(strstr(x, "PreProceedings"));
    assert_null(strstr(x, "FactorsIdentifiedAtAssessmentEmpty"));
    assert_int_equal(occurrences(x, "<Disabilities>"), 1);           /* child 2 has none */
    assert_int_equal(occurrences(x, "<FactorsIdentifiedAtAssessment>"), 1);
    assert_int_equal(occurrences(x, "<CINclosureDate>"), 1);
    free(x);
}

static void gender_element_by_year(void **state)
{
    (void)state;
    cs_cin_year y;
    cs_diag d;
    assert_int_equal(cs_cin_year_parse("2023-24", &y, &d), CS_OK);
    cs_dataset ds;
    make_dataset(&ds, &y);
    /* a Sex value in a 2023-24 dataset is not written: the year carries GenderCurrent */
    cs_ds_set_str(&ds, CS_CIN_G_CHILD, 0, CS_CIN_C_SEX, "F");
    const char *path = out_path("gender.xml");
    assert_int_equal(cs_cin_write(&ds, path, &y, &d), CS_OK);
    cs_ds_free(&ds);
    char *x = slurp(path);
    assert_int_equal(occurrences(x, "<GenderCurrent>"), 2);
    assert_non_null(strstr(x, "<GenderCurrent>2</GenderCurrent>"));
    assert_null(strstr(x, "<Sex>"));
    free(x);
}

static void every_year_xsd_accepts_its_output(void **state)
{
    (void)state;
    const char *years[] = {"2022-23", "2023-24", "2024-25", "2025-26"};
    for (size_t i = 0; i < 4; i++) {
        cs_cin_year y;
        cs_diag d;
        char name[64];
        snprintf(name, sizeof name, "year-%s.xml", years[i]);
        const char *path = write_sample(years[i], name, &y, NULL);
        cs_status st = cs_cin_xsd_validate(path, xsd_for(&y), &d);
        if (st != CS_OK)
            fail_msg("%s: %s:%llu: %s", years[i], d.file, (unsigned long long)d.line, d.msg);
        /* and another year's XSD refuses it: the gender element differs */
        cs_cin_year other;
        assert_int_equal(cs_cin_year_from_end(y.end_year >= 2025 ? 2024 : 2025, &other, &d),
                         CS_OK);
        assert_int_equal(cs_cin_xsd_validate(path, xsd_for(&other), &d), CS_ERR_FORMAT);
    }
}

static void xsd_reports_line_and_column(void **state)
{
    (void)state;
    cs_cin_year y;
    cs_diag d;
    assert_int_equal(cs_cin_year_parse("2024-25", &y, &d), CS_OK);
    cs_dataset ds;
    make_dataset(&ds, &y);
    /* a bad date and a code outside the list, as a reader would keep them */
    cs_ds_set_text(&ds, CS_CIN_G_CINDETAILS, 0, CS_CIN_E_REFERRAL_DATE, "2025-02-30", 10,
                   CS_DS_TEXT_ISO);
    cs_ds_set_str(&ds, CS_CIN_G_CINDETAILS, 1, CS_CIN_E_REFERRAL_SOURCE, "ZZ");
    const char *path = out_path("invalid.xml");
    assert_int_equal(cs_cin_write(&ds, path, &y, &d), CS_OK);
    cs_ds_free(&ds);
    char *x = slurp(path);
    assert_non_null(strstr(x, "<CINreferralDate>2025-02-30</CINreferralDate>"));
    /* the line of the bad date in the written file */
    int line = 1;
    for (const char *p = x; p < strstr(x, "2025-02-30"); p++)
        line += *p == '\n';
    free(x);
    assert_int_equal(cs_cin_xsd_validate(path, xsd_for(&y), &d), CS_ERR_FORMAT);
    assert_int_equal(d.line, line);
    assert_true(d.col > 0);
    assert_non_null(strstr(d.msg, "CINreferralDate"));
    assert_non_null(strstr(d.msg, "1 more"));
}

static void xsd_and_writer_failures(void **state)
{
    (void)state;
    cs_diag d;
    cs_cin_year y;
    assert_int_equal(cs_cin_year_parse("2024-25", &y, &d), CS_OK);
    assert_int_equal(cs_cin_xsd_validate("/nonexistent.xml", xsd_for(&y), &d), CS_ERR_IO);
    const char *path = out_path("tiny.xml");
    FILE *f = fopen(path, "w");
    fputs("<Message/>\n", f);
    fclose(f);
    assert_int_equal(cs_cin_xsd_validate(path, "/nonexistent.xsd", &d), CS_ERR_IO);
    assert_int_equal(cs_cin_xsd_validate(path, path, &d), CS_ERR_CONFIG);   /* not an XSD */
    assert_int_equal(cs_cin_xsd_validate(path, xsd_for(&y), &d), CS_ERR_FORMAT);
    f = fopen(path, "w");
    fputs("<Message>\n<Header>\n", f);
    fclose(f);
    assert_int_equal(cs_cin_xsd_validate(path, xsd_for(&y), &d), CS_ERR_FORMAT);

    cs_dataset ds;
    make_dataset(&ds, &y);
    assert_int_equal(cs_cin_write(&ds, "/nonexistent/dir/out.xml", &y, &d), CS_ERR_IO);
    cs_ds_free(&ds);
    cs_ds_init(&ds, &cs_cin_schema);   /* not finalised, no Message row */
    assert_int_equal(cs_cin_write(&ds, out_path("never.xml"), &y, &d), CS_ERR_INTERNAL);
    assert_int_equal(access(out_path("never.xml"), F_OK), -1);
    cs_ds_free(&ds);
}

static void read_example_write_read_again(void **state)
{
    (void)state;
    /* a file from elsewhere goes through the writer unchanged, apart from
     * what the writer never emits (the empty factors element) */
    cs_dataset a, b;
    cs_diag d;
    char src[4096];
    const char *root = getenv("SRCROOT");
    snprintf(src, sizeof src, "%s/tests/data/cin/example-2024-25.xml", root && *root ? root : ".");
    assert_int_equal(cs_cin_read(src, &a, NULL, &d), CS_OK);
    cs_cin_year y;
    assert_int_equal(cs_cin_year_parse("2024-25", &y, &d), CS_OK);
    const char *path = out_path("again.xml");
    assert_int_equal(cs_cin_write(&a, path, &y, &d), CS_OK);
    assert_int_equal(cs_cin_xsd_validate(path, xsd_for(&y), &d), CS_OK);
    assert_int_equal(cs_cin_read(path, &b, NULL, &d), CS_OK);
    cs_ds_set_bool(&b, CS_CIN_G_ASSESSMENTS, 1, CS_CIN_A_FACTORS_EMPTY, 1);
    assert_same_cells(&a, &b, -1);
    cs_ds_free(&a);
    cs_ds_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip_2024_25),
        cmocka_unit_test(element_order_and_shape),
        cmocka_unit_test(gender_element_by_year),
        cmocka_unit_test(every_year_xsd_accepts_its_output),
        cmocka_unit_test(xsd_reports_line_and_column),
        cmocka_unit_test(xsd_and_writer_failures),
        cmocka_unit_test(read_example_write_read_again),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
