/* Writing SSDA903 files: CSV tables (DfE's column order per year, which
 * tables a year has, dd/mm/yyyy, CRLF, no BOM, quoting, owner-only files)
 * and XML (element order, the XSD check before the file is put in place);
 * round trips CSV -> dataset -> CSV and XML -> dataset -> XML; a built
 * return passes the year's XSD. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit/s903_test.h"

#define XSD_2526 "schema/xml/ssda903-2025-26.xsd"
#define XSD_2627 "schema/xml/ssda903-2026-27.xsd"

static cs_903_year year_of(const char *label)
{
    cs_903_year y;
    assert_int_equal(cs_903_year_parse(label, &y, NULL), CS_OK);
    return y;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    size_t got = fread(buf, 1, (size_t)n, fp);
    fclose(fp);
    buf[got] = '\0';
    if (len)
        *len = got;
    return buf;
}

static void rm_tree(const char *dir)
{
    DIR *dh = opendir(dir);
    if (!dh)
        return;
    struct dirent *e;
    while ((e = readdir(dh)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char p[512];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        unlink(p);
    }
    closedir(dh);
    rmdir(dir);
}

static int file_exists(const char *dir, const char *name)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return access(p, F_OK) == 0;
}

/* A small dataset by hand: two children, with awkward values. */
static void small_dataset(cs_dataset *ds)
{
    cs_ds_init(ds, &cs_903_schema);
    cs_ds_add_row(ds, CS_903_G_ROOT, 0, 0, 0);
    uint32_t c = cs_ds_add_row(ds, CS_903_G_CHILD, 0, 0, 0);
    cs_ds_set_str(ds, CS_903_G_CHILD, c, 0, "A1");
    uint32_t h = cs_ds_add_row(ds, CS_903_G_HEADER, c, 0, 0);
    cs_ds_set_str(ds, CS_903_G_HEADER, h, CS_903_H_CHILD, "A1");
    cs_ds_set_str(ds, CS_903_G_HEADER, h, CS_903_H_SEX, "F");
    cs_ds_set_date(ds, CS_903_G_HEADER, h, CS_903_H_DOB, D(2012, 6, 1));
    cs_ds_set_str(ds, CS_903_G_HEADER, h, CS_903_H_ETHNIC, "WBRI");
    cs_ds_set_str(ds, CS_903_G_HEADER, h, CS_903_H_UPN, "UN1");
    cs_ds_set_str(ds, CS_903_G_HEADER, h, CS_903_H_MOTHER, "0");
    cs_ds_set_str(ds, CS_903_G_HEADER, h, CS_903_H_UASC, "0");
    for (int i = 0; i < 2; i++) {
        uint32_t e = cs_ds_add_row(ds, CS_903_G_EPISODES, c, 0, 0);
        cs_ds_set_str(ds, CS_903_G_EPISODES, e, CS_903_E_CHILD, "A1");
        cs_ds_set_date(ds, CS_903_G_EPISODES, e, CS_903_E_DECOM, i ? D(2025, 9, 1) : D(2024, 4, 1));
        cs_ds_set_str(ds, CS_903_G_EPISODES, e, CS_903_E_RNE, i ? "P" : "S");
        cs_ds_set_str(ds, CS_903_G_EPISODES, e, CS_903_E_LS, "C2");
        cs_ds_set_str(ds, CS_903_G_EPISODES, e, CS_903_E_CIN, "N1");
        cs_ds_set_str(ds, CS_903_G_EPISODES, e, CS_903_E_PLACE, i ? "K2" : "U4");
        cs_ds_set_str(ds, CS_903_G_EPISODES, e, CS_903_E_PLACE_PROVIDER, "PR1");
        cs_ds_set_str(ds, CS_903_G_EPISODES, e, CS_903_E_PL_POST, "SW13 0AJ");
        cs_ds_set_str(ds, CS_903_G_EPISODES, e, CS_903_E_PL_LA, "E09000027");   /* derived */
        if (!i) {
            cs_ds_set_date(ds, CS_903_G_EPISODES, e, CS_903_E_DEC, D(2025, 9, 1));
            cs_ds_set_str(ds, CS_903_G_EPISODES, e, CS_903_E_REC, "X1");
        }
    }
    uint32_t sw = cs_ds_add_row(ds, CS_903_G_SW, c, 0, 0);
    cs_ds_set_str(ds, CS_903_G_SW, sw, CS_903_SW_CHILD, "A1");
    cs_ds_set_str(ds, CS_903_G_SW, sw, CS_903_SW_ID, "SW1, \"the\" worker");   /* needs quoting */
    cs_ds_set_str(ds, CS_903_G_SW, sw, CS_903_SW_DECOM, "ZZ/04/2025");
    uint32_t c2 = cs_ds_add_row(ds, CS_903_G_CHILD, 0, 0, 0);
    cs_ds_set_str(ds, CS_903_G_CHILD, c2, 0, "B2");
    uint32_t o3 = cs_ds_add_row(ds, CS_903_G_OC3, c2, 0, 0);
    cs_ds_set_str(ds, CS_903_G_OC3, o3, CS_903_O3_CHILD, "B2");
    cs_ds_set_text(ds, CS_903_G_OC3, o3, CS_903_O3_DOB, "31/02/2006", 10, CS_DS_TEXT_DMY);
    cs_ds_set_str(ds, CS_903_G_OC3, o3, CS_903_O3_IN_TOUCH, "YES");
    assert_int_equal(cs_ds_finalize(ds, NULL), CS_OK);
}

/* ---- CSV ------------------------------------------------------------------------ */

static void csv_files_and_format(void **state)
{
    (void)state;
    cs_dataset ds;
    small_dataset(&ds);
    char dir[] = "/tmp/test903w.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char out[600];
    snprintf(out, sizeof out, "%s/return", dir);   /* created by the writer */
    cs_903_year y = year_of("2025-26");
    cs_diag d;
    assert_int_equal(cs_903_write_csv(&ds, out, &y, &d), CS_OK);
    static const char *const files[] = {"header.csv", "episodes.csv", "reviews.csv", "uasc.csv",
                                        "oc2.csv", "oc3.csv", "ad1.csv",
                                        "placed_for_adoption.csv", "previous_permanence.csv",
                                        "missing.csv", "sw_episodes.csv"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        assert_true(file_exists(out, files[i]));
        char p[700];
        snprintf(p, sizeof p, "%s/%s", out, files[i]);
        struct stat sb;
        assert_int_equal(stat(p, &sb), 0);
        assert_int_equal(sb.st_mode & 0777, 0600);
    }
    assert_false(file_exists(out, "dolo.csv"));   /* DoLo from 2026-27 */
    char p[700];
    snprintf(p, sizeof p, "%s/episodes.csv", out);
    size_t n;
    char *text = slurp(p, &n);
    assert_non_null(text);
    assert_string_equal(text,
                        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,"
                        "HOME_POST,PL_POST,URN\r\n"
                        "A1,01/04/2024,S,C2,N1,U4,PR1,01/09/2025,X1,,,SW13 0AJ,\r\n"
                        "A1,01/09/2025,P,C2,N1,K2,PR1,,,,,SW13 0AJ,\r\n");
    free(text);
    snprintf(p, sizeof p, "%s/header.csv", out);
    text = slurp(p, &n);
    assert_true((unsigned char)text[0] != 0xEF);   /* no BOM */
    assert_string_equal(text, "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\r\n"
                              "A1,F,01/06/2012,WBRI,UN1,0,\r\n");   /* no derived UASC */
    free(text);
    snprintf(p, sizeof p, "%s/sw_episodes.csv", out);
    text = slurp(p, &n);
    assert_string_equal(text, "CHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON\r\n"
                              "A1,,\"SW1, \"\"the\"\" worker\",ZZ/04/2025,,\r\n");
    free(text);
    snprintf(p, sizeof p, "%s/oc3.csv", out);
    text = slurp(p, &n);   /* an invalid date is written as found */
    assert_string_equal(text, "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\r\nB2,31/02/2006,YES,,\r\n");
    free(text);
    snprintf(p, sizeof p, "%s/reviews.csv", out);
    text = slurp(p, &n);   /* an empty table: its header line */
    assert_string_equal(text, "CHILD,DOB,REVIEW,REVIEW_CODE\r\n");
    free(text);
    rm_tree(out);
    /* the year decides the tables */
    cs_903_year y2627 = year_of("2026-27"), y2223 = year_of("2022-23");
    assert_int_equal(cs_903_write_csv(&ds, out, &y2627, &d), CS_OK);
    assert_true(file_exists(out, "dolo.csv"));
    assert_true(file_exists(out, "sw_episodes.csv"));
    snprintf(p, sizeof p, "%s/dolo.csv", out);
    text = slurp(p, &n);
    assert_string_equal(text, "CHILD,DOB,DOLO_START,DOLO_END\r\n");
    free(text);
    rm_tree(out);
    assert_int_equal(cs_903_write_csv(&ds, out, &y2223, &d), CS_OK);
    assert_false(file_exists(out, "sw_episodes.csv"));
    assert_false(file_exists(out, "dolo.csv"));
    rm_tree(out);
    /* a folder that cannot be made */
    assert_int_equal(cs_903_write_csv(&ds, "/nonexistent/x/y", &y, &d), CS_ERR_IO);
    assert_non_null(strstr(d.msg, "cannot create the output folder"));
    rmdir(dir);
    cs_ds_free(&ds);
}

/* Every CSV cell of two datasets is equal (groups, rows, text). */
static void assert_same_tables(const cs_dataset *a, const cs_dataset *b, int include_sw)
{
    for (size_t t = 0; t < CS_903_NTABLES; t++) {
        const cs_903_table *tb = cs_903_table_at(t);
        if (!include_sw && (tb->group == CS_903_G_SW || tb->group == CS_903_G_DOLO))
            continue;
        uint32_t n = cs_ds_count(a, tb->group);
        if (n != cs_ds_count(b, tb->group))
            fail_msg("%s: %u rows, then %u", cs_903_schema.groups[tb->group].name, n,
                     cs_ds_count(b, tb->group));
        for (uint32_t r = 0; r < n; r++)
            for (uint32_t f = 0; f < tb->ncsv; f++) {
                const char *x = val(a, tb->group, r, (int)f), *y = val(b, tb->group, r, (int)f);
                if (strcmp(x, y) != 0)
                    fail_msg("%s row %u %s: \"%s\" then \"%s\"",
                             cs_903_schema.groups[tb->group].name, r,
                             cs_903_schema.groups[tb->group].fields[f].name, x, y);
            }
    }
}

static void csv_round_trip(void **state)
{
    (void)state;
    cs_903_year y = year_of("2025-26");
    cs_dataset a, b;
    cs_findings f;
    cs_findings_init(&f);
    cs_diag d;
    assert_int_equal(cs_903_read_csv_dir(src_path("tests/data/ssda903/csv-2025-26"), &y, &a, &f, &d),
                     CS_OK);
    char dir[] = "/tmp/test903r.XXXXXX";
    assert_non_null(mkdtemp(dir));
    assert_int_equal(cs_903_write_csv(&a, dir, &y, &d), CS_OK);
    cs_findings g;
    cs_findings_init(&g);
    assert_int_equal(cs_903_read_csv_dir(dir, &y, &b, &g, &d), CS_OK);
    assert_same_tables(&a, &b, 0);
    /* what the first read repaired is written clean: nothing left to repair */
    assert_int_equal(g.per_kind[CS_FK_EXCEL_SERIAL_DATE] + g.per_kind[CS_FK_DATE_FORMAT] +
                         g.per_kind[CS_FK_ID_FLOAT] + g.per_kind[CS_FK_INT_DECIMAL],
                     0);
    cs_ds_free(&b);
    cs_findings_free(&g);
    rm_tree(dir);
    cs_ds_free(&a);
    cs_findings_free(&f);
}

/* ---- XML ------------------------------------------------------------------------ */

static void xml_order_and_xsd(void **state)
{
    (void)state;
    cs_dataset ds;
    small_dataset(&ds);
    /* the invalid OC3 DOB would fail the XSD: make it valid first */
    uint32_t r;
    assert_int_equal(rows_of(&ds, "B2", CS_903_G_OC3, &r), 1);
    cs_ds_set_date(&ds, CS_903_G_OC3, r, CS_903_O3_DOB, D(2006, 2, 28));
    char dir[] = "/tmp/test903x.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[600];
    snprintf(path, sizeof path, "%s/return.xml", dir);
    cs_903_year y = year_of("2025-26");
    cs_diag d;
    assert_int_equal(cs_903_write_xml(&ds, path, &y, src_path(XSD_2526), &d), CS_OK);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    char *text = slurp(path, NULL);
    /* HEADER in CSV column order, then EPISODEs with PL; SW not in the XML */
    const char *h = strstr(text, "<HEADER>");
    assert_non_null(h);
    const char *order[] = {"<CHILDID>A1</CHILDID>", "<SEX>F</SEX>", "<DOB>01/06/2012</DOB>",
                           "<ETHNIC>WBRI</ETHNIC>", "<UPN>UN1</UPN>", "<MOTHER>0</MOTHER>",
                           "<UASC>0</UASC>", "</HEADER>", "<EPISODE>", "<DECOM>01/04/2024</DECOM>",
                           "<PL>U4</PL>", "<PLACE_PROVIDER>PR1</PLACE_PROVIDER>",
                           "<DEC>01/09/2025</DEC>", "<REC>X1</REC>", "<PL_POST>SW13 0AJ</PL_POST>"};
    const char *at = h;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        const char *next = strstr(at, order[i]);
        if (!next)
            fail_msg("%s missing or out of order", order[i]);
        at = next;
    }
    assert_null(strstr(text, "SW_ID"));
    assert_null(strstr(text, "PL_LA"));
    assert_null(strstr(text, "<MC_DOB"));   /* absent values are left out */
    /* the care leaver's items are flat in HEADER */
    assert_non_null(strstr(text, "<CHILDID>B2</CHILDID>"));   /* no Header row: from Child */
    assert_non_null(strstr(text, "<IN_TOUCH>YES</IN_TOUCH>"));
    free(text);
    /* and the file is valid for 2026-27 too */
    assert_int_equal(cs_903_xsd_validate(path, src_path(XSD_2627), &d), CS_OK);
    unlink(path);
    cs_ds_free(&ds);
    rmdir(dir);
}

static void xml_refused(void **state)
{
    (void)state;
    char dir[] = "/tmp/test903z.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[600];
    snprintf(path, sizeof path, "%s/return.xml", dir);
    cs_903_year y = year_of("2025-26");
    cs_diag d;
    /* a date written year first and a code the XSD does not know: the file
     * is not put in place (31/02 has the right shape: the rules catch it) */
    cs_dataset ds;
    small_dataset(&ds);
    uint32_t r;
    assert_int_equal(rows_of(&ds, "B2", CS_903_G_OC3, &r), 1);
    cs_ds_set_text(&ds, CS_903_G_OC3, r, CS_903_O3_DOB, "2006-02-01", 10, CS_DS_TEXT_DMY);
    assert_int_equal(rows_of(&ds, "A1", CS_903_G_EPISODES, &r), 2);
    cs_ds_set_str(&ds, CS_903_G_EPISODES, r, CS_903_E_PLACE, "Q9");
    assert_int_equal(cs_903_write_xml(&ds, path, &y, src_path(XSD_2526), &d), CS_ERR_FORMAT);
    assert_string_equal(d.file, path);
    assert_true(d.line > 0);
    assert_non_null(strstr(d.msg, "PL"));
    assert_non_null(strstr(d.msg, "Q9"));
    assert_int_equal(access(path, F_OK), -1);
    DIR *dh = opendir(dir);   /* and no temporary file is left behind */
    struct dirent *e;
    int entries = 0;
    while ((e = readdir(dh)) != NULL)
        entries += e->d_name[0] != '.';
    closedir(dh);
    assert_int_equal(entries, 0);
    /* without an XSD it is written as it is */
    assert_int_equal(cs_903_write_xml(&ds, path, &y, NULL, &d), CS_OK);
    assert_int_equal(cs_903_xsd_validate(path, src_path(XSD_2526), &d), CS_ERR_FORMAT);
    unlink(path);
    cs_ds_free(&ds);
    /* two OC3 rows for one child cannot be flat in one HEADER */
    small_dataset(&ds);
    cs_dataset two;
    cs_ds_init(&two, &cs_903_schema);
    cs_ds_add_row(&two, CS_903_G_ROOT, 0, 0, 0);
    uint32_t c = cs_ds_add_row(&two, CS_903_G_CHILD, 0, 0, 0);
    cs_ds_set_str(&two, CS_903_G_CHILD, c, 0, "C3");
    cs_ds_add_row(&two, CS_903_G_OC3, c, 0, 0);
    cs_ds_add_row(&two, CS_903_G_OC3, c, 0, 0);
    assert_int_equal(cs_ds_finalize(&two, NULL), CS_OK);
    assert_int_equal(cs_903_write_xml(&two, path, &y, NULL, &d), CS_ERR_FORMAT);
    assert_non_null(strstr(d.msg, "child C3 has 2 OC3 rows"));
    cs_ds_free(&two);
    cs_ds_free(&ds);
    /* not a 903 dataset, a path that cannot be written, an unreadable XSD */
    cs_dataset other;
    cs_ds_init(&other, &cs_903_schema);   /* not finalised */
    assert_int_equal(cs_903_write_xml(&other, path, &y, NULL, &d), CS_ERR_INTERNAL);
    cs_ds_free(&other);
    small_dataset(&ds);
    assert_int_equal(cs_903_write_xml(&ds, "/nonexistent/x.xml", &y, NULL, &d), CS_ERR_IO);
    assert_int_equal(cs_903_xsd_validate(src_path("tests/data/ssda903/example-2025-26.xml"),
                                         "/nonexistent.xsd", &d),
                     CS_ERR_IO);
    cs_ds_free(&ds);
    rmdir(dir);
}

static void xml_round_trip(void **state)
{
    (void)state;
    cs_dataset a, b;
    cs_findings f;
    cs_findings_init(&f);
    cs_diag d;
    assert_int_equal(cs_903_read_xml(src_path("tests/data/ssda903/example-2025-26.xml"), &a, &f, &d),
                     CS_OK);
    /* the example has one ISO date (invalid for the return): mend it so the
     * XSD passes */
    uint32_t r;
    assert_int_equal(rows_of(&a, "202", CS_903_G_EPISODES, &r), 1);
    cs_ds_set_date(&a, CS_903_G_EPISODES, r, CS_903_E_DEC, D(2025, 12, 1));
    char dir[] = "/tmp/test903t.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[600];
    snprintf(path, sizeof path, "%s/x.xml", dir);
    cs_903_year y = year_of("2025-26");
    assert_int_equal(cs_903_write_xml(&a, path, &y, src_path(XSD_2526), &d), CS_OK);
    cs_findings g;
    cs_findings_init(&g);
    assert_int_equal(cs_903_read_xml(path, &b, &g, &d), CS_OK);
    assert_int_equal(g.total, 0);
    assert_same_tables(&a, &b, 1);
    /* and through CSV and back to XML once more */
    char csvdir[700];
    snprintf(csvdir, sizeof csvdir, "%s/csv", dir);
    assert_int_equal(cs_903_write_csv(&b, csvdir, &y, &d), CS_OK);
    cs_dataset c;
    assert_int_equal(cs_903_read_csv_dir(csvdir, &y, &c, &g, &d), CS_OK);
    assert_same_tables(&b, &c, 1);
    char path2[700];
    snprintf(path2, sizeof path2, "%s/y.xml", dir);
    assert_int_equal(cs_903_write_xml(&c, path2, &y, src_path(XSD_2526), &d), CS_OK);
    char *x1 = slurp(path, NULL), *x2 = slurp(path2, NULL);
    assert_string_equal(x1, x2);
    free(x1);
    free(x2);
    cs_ds_free(&c);
    rm_tree(csvdir);
    unlink(path);
    unlink(path2);
    rmdir(dir);
    cs_ds_free(&b);
    cs_ds_free(&a);
    cs_findings_free(&f);
    cs_findings_free(&g);
}

static void built_return_passes_xsd(void **state)
{
    (void)state;
    cs_model m;
    cs_model_init(&m);
    cs_person *p = cs_model_append(&m, CS_E_person);
    p->id = "9001";
    p->sex = "F";
    p->ethnicity = "WBRI";
    p->birth_date = D(2011, 3, 3);
    p->upn_unknown = "UN2";
    p->postcode = "KT1 4AW";
    p->is_mother = 0;
    cs_cla_period *pd = cs_model_append(&m, CS_E_cla_period);
    pd->id = "P";
    pd->person_id = "9001";
    pd->start_date = D(2024, 1, 1);
    pd->primary_need = "N1";
    cs_cla_placement *pl = cs_model_append(&m, CS_E_cla_placement);
    pl->person_id = "9001";
    pl->period_id = "P";
    pl->start_date = D(2024, 1, 1);
    pl->placement_type = "U4";
    pl->provider = "PR1";
    pl->postcode = "SW13 0AJ";
    pl->urn = "1234567";
    cs_legal_status *ls = cs_model_append(&m, CS_E_legal_status);
    ls->person_id = "9001";
    ls->legal_status = "C2";
    ls->start_date = D(2024, 1, 1);
    cs_903_year y = year_of("2025-26");
    cs_dataset ds;
    cs_diag d;
    assert_int_equal(cs_903_build(&m, &y, "E09000027", &ds, &d), CS_OK);
    char dir[] = "/tmp/test903b.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[600];
    snprintf(path, sizeof path, "%s/return.xml", dir);
    assert_int_equal(cs_903_write_xml(&ds, path, &y, src_path(XSD_2526), &d), CS_OK);
    char *text = slurp(path, NULL);
    assert_non_null(strstr(text, "<OC2>"));
    assert_non_null(strstr(text, "<HOME_POST>KT1 4AW</HOME_POST>"));
    free(text);
    unlink(path);
    rmdir(dir);
    cs_ds_free(&ds);
    cs_model_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(csv_files_and_format),
        cmocka_unit_test(csv_round_trip),
        cmocka_unit_test(xml_order_and_xsd),
        cmocka_unit_test(xml_refused),
        cmocka_unit_test(xml_round_trip),
        cmocka_unit_test(built_return_passes_xsd),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
