/* Writing and reading Annex A: a synthetic LA's lists written as xlsx and
 * as CSVs and read back equal cell for cell (both templates); headings
 * exactly Ofsted's (curly quotes too), real date cells, owner-only files,
 * empty lists written with their headings; the pseudonymised variant; and
 * the reader's findings on lists produced elsewhere (missing sheet or file,
 * missing, extra, misspelt and repeated columns, bad values) and refusals
 * (not a workbook). */
#include <sys/stat.h>
#include <unistd.h>

#include <unzip.h>
#include <zip.h>
#include <xlsxwriter.h>

#include "annexa_test.h"
#include "synth/synth.h"

static char tmpdir[256];

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/cscdw-annexa-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static cs_model *synth_model(uint32_t children)
{
    cs_model *m = malloc(sizeof *m);
    cs_model_init(m);
    cs_synth_opts o = {.seed = 11, .children = children, .defect_rate = 0.05,
                       .reference_date = D(2026, 3, 31), .la_code = "999"};
    cs_synth_manifest man;
    cs_synth_manifest_init(&man);
    cs_diag d;
    assert_int_equal(cs_synth_generate(&o, m, &man, &d), CS_OK);
    cs_synth_manifest_free(&man);
    return m;
}

static void free_model(cs_model *m)
{
    cs_model_free(m);
    free(m);
}

/* Every template column of every list equal in a and b. */
static void assert_same_lists(const cs_dataset *a, const cs_dataset *b, const cs_aa_template *t)
{
    char va[512], vb[512];
    for (int l = 1; l <= CS_AA_NLISTS; l++) {
        int g = cs_aa_list_group(l);
        assert_int_equal(cs_ds_count(a, g), cs_ds_count(b, g));
        const cs_aa_list *ls = cs_aa_template_list(t, l);
        for (uint32_t r = 0; r < cs_ds_count(a, g); r++)
            for (uint32_t c = 0; c < ls->ncols; c++) {
                const cs_value *x = cs_ds_cell_c(a, g, r, ls->cols[c].field);
                const cs_value *y = cs_ds_cell_c(b, g, r, ls->cols[c].field);
                cs_value_format(x, 1, va, sizeof va);
                cs_value_format(y, 1, vb, sizeof vb);
                if (x->kind != y->kind || strcmp(va, vb) != 0)
                    fail_msg("List %d row %u column \"%s\": built \"%s\" (kind %d), read \"%s\" (kind %d)",
                             l, r + 2, ls->cols[c].heading, va, x->kind, vb, y->kind);
            }
    }
}

static size_t count_prefix(const cs_exception_list *exc, const char *prefix)
{
    size_t n = 0;
    for (size_t i = 0; i < exc->count; i++)
        n += strncmp(exc->items[i].rule, prefix, strlen(prefix)) == 0;
    return n;
}

static void round_trip(const char *tpl)
{
    cs_model *m = synth_model(1500);
    cs_aa_template *t = load_template(tpl);
    cs_dataset built, back;
    build(m, t, &built, NULL);
    uint32_t total = 0;
    for (int l = 1; l <= CS_AA_NLISTS; l++)
        total += rows(&built, l);
    assert_true(total > 200);
    assert_true(rows(&built, 8) > 5);
    char dir[512], xlsx[600];
    snprintf(dir, sizeof dir, "%s/rt-%s", tmpdir, tpl);
    mkdir(dir, 0700);
    snprintf(xlsx, sizeof xlsx, "%s/Annex A.xlsx", dir);
    cs_diag d;
    assert_int_equal(cs_annexa_write_xlsx(&built, t, xlsx, &d), CS_OK);
    assert_int_equal(cs_annexa_write_csv(&built, t, dir, "Annex A - ", &d), CS_OK);
    struct stat st;
    assert_int_equal(stat(xlsx, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    cs_exception_list exc;
    cs_exceptions_init(&exc, "t");
    assert_int_equal(cs_annexa_read(xlsx, t, &back, &exc, &d), CS_OK);
    assert_int_equal(count_prefix(&exc, "AAS"), 0);
    assert_same_lists(&built, &back, t);
    cs_ds_free(&back);
    assert_int_equal(cs_annexa_read(dir, t, &back, &exc, &d), CS_OK);
    assert_int_equal(count_prefix(&exc, "AAS"), 0);
    assert_same_lists(&built, &back, t);
    cs_ds_free(&back);
    cs_exceptions_free(&exc);
    cs_ds_free(&built);
    cs_aa_template_free(t);
    free_model(m);
}

static void test_round_trip_current(void **state)
{
    (void)state;
    round_trip("current");
}

static void test_round_trip_2020(void **state)
{
    (void)state;
    round_trip("2020");
}

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = malloc(1 << 22);
    *n = fread(buf, 1, (1 << 22) - 1, f);
    buf[*n] = '\0';
    fclose(f);
    return buf;
}

static char *zip_member(const char *zip, const char *name)
{
    unzFile z = unzOpen64(zip);
    assert_non_null(z);
    assert_int_equal(unzLocateFile(z, name, 1), UNZ_OK);
    assert_int_equal(unzOpenCurrentFile(z), UNZ_OK);
    char *buf = malloc(1 << 22);
    int n = unzReadCurrentFile(z, buf, (1 << 22) - 1);
    assert_true(n > 0);
    buf[n] = '\0';
    unzCloseCurrentFile(z);
    unzClose(z);
    return buf;
}

/* Headings byte for byte, BOM and CRLF; date cells are numbers with a date
 * format; the header row is frozen and filtered; empty lists keep their
 * headings. */
static void test_headings_and_cells(void **state)
{
    (void)state;
    cs_model *m = malloc(sizeof *m);
    cs_model_init(m);
    add_person(m, "C1", "M", D(2015, 3, 2));
    add_contact(m, "K1", "C1", D(2026, 1, 5), "6");
    cs_aa_template *t = load_template("current");
    cs_dataset ds;
    build(m, t, &ds, NULL);
    char dir[512], path[700];
    snprintf(dir, sizeof dir, "%s/heads", tmpdir);
    mkdir(dir, 0700);
    cs_diag d;
    assert_int_equal(cs_annexa_write_csv(&ds, t, dir, "", &d), CS_OK);
    snprintf(path, sizeof path, "%s/List 1.csv", dir);
    size_t n;
    char *s = slurp(path, &n);
    assert_string_equal(s, "\xEF\xBB\xBF" "Child Unique ID,Gender,Ethnicity,Date of Birth,Age of Child (Years),"
                           "Date of Contact,Contact Source\r\n"
                           "C1,a) Male,a) WBRI,02/03/2015,11,05/01/2026,q) 6: Police\r\n");
    free(s);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    snprintf(path, sizeof path, "%s/List 8.csv", dir);
    s = slurp(path, &n);
    assert_non_null(strstr(s, "Number of Episodes the Child has been \xE2\x80\x98Missing\xE2\x80\x99 from their Placement in the last 12 months"));
    assert_non_null(strstr(s, "Child's Category of Need"));
    assert_non_null(strstr(s, "\r\n"));
    assert_int_equal(strlen(strstr(s, "\r\n")), 2);   /* an empty list: headings only */
    free(s);
    snprintf(path, sizeof path, "%s/List 9.csv", dir);
    s = slurp(path, &n);
    assert_non_null(strstr(s, ",\"Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over (Y/N)\","));
    free(s);

    snprintf(path, sizeof path, "%s/Annex A.xlsx", dir);
    assert_int_equal(cs_annexa_write_xlsx(&ds, t, path, &d), CS_OK);
    char *wb = zip_member(path, "xl/workbook.xml");
    for (int l = 1; l <= 11; l++) {
        char want[64];
        snprintf(want, sizeof want, "<sheet name=\"List %d\"", l);
        assert_non_null(strstr(wb, want));
    }
    free(wb);
    char *sheet = zip_member(path, "xl/worksheets/sheet1.xml");
    assert_non_null(strstr(sheet, "state=\"frozen\""));
    assert_non_null(strstr(sheet, "<autoFilter ref=\"A1:G2\"/>"));
    /* 2 March 2015 is Excel day 42065, a number cell with a style */
    assert_non_null(strstr(sheet, "<c r=\"D2\" s=\""));
    assert_non_null(strstr(sheet, "<v>42065</v>"));
    free(sheet);
    char *styles = zip_member(path, "xl/styles.xml");
    assert_non_null(strstr(styles, "formatCode=\"dd/mm/yyyy\""));
    free(styles);
    sheet = zip_member(path, "xl/worksheets/sheet8.xml");
    assert_non_null(strstr(sheet, "\xE2\x80\x98" "Absent" "\xE2\x80\x99"));
    free(sheet);
    cs_ds_free(&ds);
    cs_aa_template_free(t);
    free_model(m);
}

static void test_pseudonymise(void **state)
{
    (void)state;
    const char *key = "a-long-test-key-0123456789";
    char a[21], b[21], c[21];
    cs_aa_pseudo_id(key, strlen(key), "1000123", a);
    cs_aa_pseudo_id(key, strlen(key), "1000123", b);
    cs_aa_pseudo_id("another-key-0123456789", 22, "1000123", c);
    assert_string_equal(a, b);
    assert_string_not_equal(a, c);
    assert_int_equal(strlen(a), 20);
    char pc[16];
    cs_aa_postcode_district("tw1 4ar", pc, sizeof pc);
    assert_string_equal(pc, "TW1");
    cs_aa_postcode_district("SW1A1AA", pc, sizeof pc);
    assert_string_equal(pc, "SW1A");
    cs_aa_postcode_district("", pc, sizeof pc);
    assert_string_equal(pc, "");

    cs_model *m = malloc(sizeof *m);
    cs_model_init(m);
    add_person(m, "1000123", "F", D(2014, 5, 17));
    add_worker(m, "W1", "Secret Name", "T1", "Team One");
    add_involvement(m, "1000123", "W1", "T1", D(2025, 1, 1), CS_DATE_NONE);
    add_contact(m, "K", "1000123", D(2026, 1, 5), "6");
    add_referral(m, "R", "1000123", D(2026, 1, 6), CS_DATE_NONE);
    cs_cla_period *p = cs_model_append(m, CS_E_cla_period);
    p->id = "P", p->person_id = "1000123", p->start_date = D(2025, 1, 1);
    cs_cla_placement *pl = cs_model_append(m, CS_E_cla_placement);
    pl->id = "PL", pl->person_id = "1000123", pl->period_id = "P", pl->start_date = D(2025, 1, 1);
    pl->postcode = "TW1 4AR";
    cs_aa_template *t = load_template("current");
    cs_dataset ds;
    build(m, t, &ds, NULL);
    cs_diag d;
    assert_int_equal(cs_annexa_pseudonymise(&ds, "short", 5, &d), CS_ERR_USAGE);
    assert_int_equal(cs_annexa_pseudonymise(&ds, key, strlen(key), &d), CS_OK);
    assert_string_equal(text(&ds, 1, 0, "Child Unique ID"), a);
    assert_string_equal(text(&ds, 3, 0, "Child Unique ID"), a);   /* the same in every list */
    assert_int_equal(date_of(&ds, 1, 0, "Date of Birth"), D(2014, 5, 1));
    assert_int_equal(num(&ds, 1, 0, "Age of Child (Years)"), 11);
    assert_string_equal(text(&ds, 8, 0, "Placement postcode"), "TW1");
    assert_int_equal(cell(&ds, 3, 0, "Allocated Worker")->kind, CS_V_ABSENT);
    assert_string_equal(text(&ds, 3, 0, "Allocated Team"), "Team One");
    char dir[512];
    snprintf(dir, sizeof dir, "%s/pseudo", tmpdir);
    mkdir(dir, 0700);
    assert_int_equal(cs_annexa_write_csv(&ds, t, dir, "", &d), CS_OK);
    for (int l = 1; l <= 11; l++) {
        char path[700];
        snprintf(path, sizeof path, "%s/List %d.csv", dir, l);
        size_t n;
        char *s = slurp(path, &n);
        assert_null(strstr(s, "1000123"));
        assert_null(strstr(s, "Secret Name"));
        assert_null(strstr(s, "17/05/2014"));
        assert_null(strstr(s, "4AR"));
        assert_null(strstr(s, key));
        free(s);
    }
    cs_ds_free(&ds);
    cs_aa_template_free(t);
    free_model(m);
}

static void write_text(const char *path, const char *s)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(s, f);
    fclose(f);
}

static const char *find_msg(const cs_exception_list *exc, const char *rule, const char *part)
{
    for (size_t i = 0; i < exc->count; i++)
        if (strcmp(exc->items[i].rule, rule) == 0 && strstr(exc->items[i].message, part))
            return exc->items[i].message;
    return NULL;
}

/* A folder of CSVs with the habits of hand-made lists. */
static void test_read_csv_problems(void **state)
{
    (void)state;
    cs_model *m = malloc(sizeof *m);
    cs_model_init(m);
    cs_aa_template *t = load_template("current");
    cs_dataset ds;
    build(m, t, &ds, NULL);
    char dir[512], path[700];
    snprintf(dir, sizeof dir, "%s/hand", tmpdir);
    mkdir(dir, 0700);
    cs_diag d;
    assert_int_equal(cs_annexa_write_csv(&ds, t, dir, "LA ", &d), CS_OK);
    cs_ds_free(&ds);
    snprintf(path, sizeof path, "%s/LA List 5.csv", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/LA List 3.csv", dir);
    write_text(path, "Child Unique ID,Gender,Ethnicity,Date of Birth,Age of Child (Years),Date of Refferal,"
                     "referral source,Referral NFA?,Number of Referrals in Last 12 Months,Allocated Worker,"
                     "Notes,Allocated Worker\r\n"
                     "C1,a) Male,a) WBRI,2015-01-31,11,31/02/2026,q) 6: Police,b) No,two,W,note,W2\r\n");
    cs_exception_list exc;
    cs_exceptions_init(&exc, "t");
    assert_int_equal(cs_annexa_read(dir, t, &ds, &exc, &d), CS_OK);
    assert_non_null(find_msg(&exc, "AAS01", "no file for List 5"));
    assert_non_null(find_msg(&exc, "AAS04", "\"Date of Refferal\" looks like a misspelling of \"Date of Referral\""));
    assert_non_null(find_msg(&exc, "AAS04", "\"referral source\" is not written as Ofsted writes it: \"Referral Source\""));
    assert_non_null(find_msg(&exc, "AAS03", "\"Notes\" is not a column of List 3"));
    assert_non_null(find_msg(&exc, "AAS02", "List 3 has no column \"Allocated Team\""));
    assert_non_null(find_msg(&exc, "AAS05", "repeats the heading \"Allocated Worker\""));
    assert_non_null(find_msg(&exc, "AAS06", "\"31/02/2026\" in \"Date of Referral\" is not a date"));
    assert_non_null(find_msg(&exc, "AAS06", "\"two\" in \"Number of Referrals in Last 12 Months\""));
    assert_non_null(find_msg(&exc, "AAS06", "\"2015-01-31\" in \"Date of Birth\""));
    assert_int_equal(rows(&ds, 3), 1);
    assert_int_equal(date_of(&ds, 3, 0, "Date of Birth"), D(2015, 1, 31));   /* read, and said */
    assert_int_equal(cell(&ds, 3, 0, "Date of Referral")->kind, CS_V_INVALID);
    assert_string_equal(text(&ds, 3, 0, "Referral Source"), "q) 6: Police");
    assert_string_equal(text(&ds, 3, 0, "Allocated Worker"), "W");
    const char *near = cs_aa_closest_heading(cs_aa_template_list(t, 8), "Date Started to be Looked Afer");
    assert_non_null(near);
    assert_string_equal(near, "Date Started to be Looked After");
    assert_null(cs_aa_closest_heading(cs_aa_template_list(t, 8), "Favourite colour"));
    cs_ds_free(&ds);
    cs_exceptions_free(&exc);
    cs_aa_template_free(t);
    free_model(m);
}

/* A workbook made by another tool: shared strings, a sheet missing, a
 * sheet named loosely, a misspelt heading, dates as numbers and as text. */
static void test_read_foreign_xlsx(void **state)
{
    (void)state;
    char path[600];
    snprintf(path, sizeof path, "%s/foreign.xlsx", tmpdir);
    lxw_workbook *wb = workbook_new(path);   /* shared strings, not constant memory */
    lxw_format *df = workbook_add_format(wb);
    format_set_num_format(df, "d mmm yyyy");
    cs_aa_template *t = load_template("current");
    for (int l = 1; l <= 11; l++) {
        if (l == 4)
            continue;
        char name[16];
        snprintf(name, sizeof name, l == 2 ? "list 2 " : "List %d", l);
        lxw_worksheet *ws = workbook_add_worksheet(wb, name);
        const cs_aa_list *ls = cs_aa_template_list(t, l);
        for (uint32_t c = 0; c < ls->ncols; c++) {
            const char *h = ls->cols[c].heading;
            if (l == 1 && c == 5)
                h = "Date of Contatc";
            worksheet_write_string(ws, 0, (lxw_col_t)c, h, NULL);
        }
        if (l == 1) {
            worksheet_write_number(ws, 1, 0, 1000321, NULL);
            worksheet_write_string(ws, 1, 1, "b) Female", NULL);
            worksheet_write_string(ws, 1, 2, "a) WBRI", NULL);
            worksheet_write_string(ws, 1, 3, "17/05/2014", NULL);
            worksheet_write_number(ws, 1, 4, 11, NULL);
            worksheet_write_number(ws, 1, 5, 46027, df);   /* 5 January 2026 */
            worksheet_write_string(ws, 1, 6, "q) 6: Police", NULL);
        }
    }
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    cs_dataset ds;
    cs_exception_list exc;
    cs_exceptions_init(&exc, "t");
    cs_diag d;
    assert_int_equal(cs_annexa_read(path, t, &ds, &exc, &d), CS_OK);
    assert_non_null(find_msg(&exc, "AAS01", "no sheet \"List 4\""));
    assert_non_null(find_msg(&exc, "AAS01", "\"list 2 \" is read as \"List 2\""));
    assert_non_null(find_msg(&exc, "AAS04", "\"Date of Contatc\" looks like a misspelling of \"Date of Contact\""));
    assert_int_equal(rows(&ds, 1), 1);
    assert_string_equal(text(&ds, 1, 0, "Child Unique ID"), "1000321");
    assert_int_equal(date_of(&ds, 1, 0, "Date of Contact"), D(2026, 1, 5));
    assert_int_equal(date_of(&ds, 1, 0, "Date of Birth"), D(2014, 5, 17));
    assert_int_equal(num(&ds, 1, 0, "Age of Child (Years)"), 11);
    cs_ds_free(&ds);
    cs_exceptions_free(&exc);

    /* not a workbook at all */
    snprintf(path, sizeof path, "%s/not.xlsx", tmpdir);
    write_text(path, "Child Unique ID,Gender\r\n");
    cs_exceptions_init(&exc, "t");
    assert_int_equal(cs_annexa_read(path, t, &ds, &exc, &d), CS_ERR_FORMAT);
    assert_non_null(strstr(d.msg, "not a zip"));
    snprintf(path, sizeof path, "%s/missing.xlsx", tmpdir);
    assert_int_equal(cs_annexa_read(path, t, &ds, &exc, &d), CS_ERR_IO);
    cs_exceptions_free(&exc);
    cs_aa_template_free(t);
}

/* A zip with the given members (name, text pairs, NULL-terminated). */
static void make_zip(const char *path, const char *const *members)
{
    zipFile z = zipOpen64(path, APPEND_STATUS_CREATE);
    assert_non_null(z);
    for (; *members; members += 2) {
        assert_int_equal(zipOpenNewFileInZip(z, members[0], NULL, NULL, 0, NULL, 0, NULL, Z_DEFLATED,
                                             Z_DEFAULT_COMPRESSION),
                         ZIP_OK);
        assert_int_equal(zipWriteInFileInZip(z, members[1], (unsigned)strlen(members[1])), ZIP_OK);
        zipCloseFileInZip(z);
    }
    assert_int_equal(zipClose(z, NULL), ZIP_OK);
}

#define WB_OK "<workbook xmlns:r=\"r\"><sheets><sheet name=\"List 1\" r:id=\"rId1\"/></sheets></workbook>"
#define RELS_OK "<Relationships><Relationship Id=\"rId1\" Target=\"worksheets/sheet1.xml\"/></Relationships>"

/* Workbooks built to hurt: entities, a sheet pointing nowhere, a shared
 * string index out of range, cells far to the right, no workbook part. */
static void test_read_hostile_xlsx(void **state)
{
    (void)state;
    cs_aa_template *t = load_template("current");
    char path[600];
    cs_dataset ds;
    cs_exception_list exc;
    cs_diag d;
    snprintf(path, sizeof path, "%s/evil.xlsx", tmpdir);

    const char *const entity[] = {
        "xl/workbook.xml",
        "<?xml version=\"1.0\"?><!DOCTYPE w [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
        "<workbook><sheets><sheet name=\"&e;\"/></sheets></workbook>",
        "xl/_rels/workbook.xml.rels", RELS_OK, NULL};
    make_zip(path, entity);
    cs_exceptions_init(&exc, "t");
    assert_int_equal(cs_annexa_read(path, t, &ds, &exc, &d), CS_ERR_FORMAT);
    cs_exceptions_free(&exc);

    const char *const nowhere[] = {"xl/workbook.xml", WB_OK, "xl/_rels/workbook.xml.rels", RELS_OK, NULL};
    make_zip(path, nowhere);
    cs_exceptions_init(&exc, "t");
    assert_int_equal(cs_annexa_read(path, t, &ds, &exc, &d), CS_ERR_FORMAT);
    assert_non_null(strstr(d.msg, "worksheets/sheet1.xml"));
    cs_exceptions_free(&exc);

    const char *const odd[] = {
        "xl/workbook.xml", WB_OK, "xl/_rels/workbook.xml.rels", RELS_OK,
        "xl/sharedStrings.xml", "<sst><si><t>Child Unique ID</t></si><si><r><t>Gen</t></r><r><t>der</t></r></si></sst>",
        "xl/worksheets/sheet1.xml",
        "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c></row>"
        "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>99999999</v></c><c r=\"B2\" t=\"inlineStr\"><is><t>a) Male</t></is></c>"
        "<c r=\"ZZZ2\" t=\"str\"><v>far</v></c><c r=\"XFD2\"><v>1</v></c></row><row r=\"3\"/></sheetData></worksheet>",
        NULL};
    make_zip(path, odd);
    cs_exceptions_init(&exc, "t");
    assert_int_equal(cs_annexa_read(path, t, &ds, &exc, &d), CS_OK);
    assert_int_equal(rows(&ds, 1), 1);
    assert_string_equal(text(&ds, 1, 0, "Gender"), "a) Male");
    assert_int_equal(cell(&ds, 1, 0, "Child Unique ID")->kind, CS_V_ABSENT);
    assert_non_null(find_msg(&exc, "AAS02", "List 1 has no column \"Contact Source\""));
    assert_non_null(find_msg(&exc, "AAS01", "no sheet \"List 2\""));
    cs_ds_free(&ds);
    cs_exceptions_free(&exc);

    const char *const empty[] = {"docProps/app.xml", "<x/>", NULL};
    make_zip(path, empty);
    cs_exceptions_init(&exc, "t");
    assert_int_equal(cs_annexa_read(path, t, &ds, &exc, &d), CS_ERR_FORMAT);
    assert_non_null(strstr(d.msg, "workbook.xml"));
    cs_exceptions_free(&exc);
    cs_aa_template_free(t);
}

static void test_template_errors(void **state)
{
    (void)state;
    cs_aa_template *t = NULL;
    cs_diag d;
    assert_int_equal(cs_aa_template_load(&t, rules_dir(), "2019", &d), CS_ERR_USAGE);
    assert_non_null(strstr(d.msg, "current"));
    assert_int_equal(cs_aa_template_load(&t, rules_dir(), "../x", &d), CS_ERR_USAGE);
    char dir[512], path[700];
    snprintf(dir, sizeof dir, "%s/badrules", tmpdir);
    snprintf(path, sizeof path, "%s/annexa", dir);
    mkdir(dir, 0700);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/annexa/templates", dir);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/annexa/templates/bad.tsv", dir);
    write_text(path, "list\theading\tfield\ttype\tlabels\n1\tChild Unique ID\t\ttext\t\n1\tShoe size\t\tint\t\n");
    assert_int_equal(cs_aa_template_load(&t, dir, "bad", &d), CS_ERR_CONFIG);
    assert_non_null(strstr(d.msg, "'Shoe size' is not a field of List 1"));
    assert_int_equal(d.line, 3);
    t = load_template("current");
    assert_int_equal(cs_aa_template_list(t, 8)->ncols, 34);
    assert_int_equal(cs_aa_template_list(t, 9)->ncols, 17);
    cs_aa_template_free(t);
    t = load_template("2020");
    assert_int_equal(cs_aa_template_list(t, 9)->ncols, 13);
    assert_null(cs_aa_column_of(t, 9, CS_AA9_PA));
    cs_aa_template_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_current),
        cmocka_unit_test(test_round_trip_2020),
        cmocka_unit_test(test_headings_and_cells),
        cmocka_unit_test(test_pseudonymise),
        cmocka_unit_test(test_read_csv_problems),
        cmocka_unit_test(test_read_foreign_xlsx),
        cmocka_unit_test(test_read_hostile_xlsx),
        cmocka_unit_test(test_template_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
