/* Reading SSDA903 files: CSV tables recognised by their columns whatever
 * their names, encodings (UTF-8 with BOM, UTF-16, Windows-1252, gzip, tab
 * separated), Excel damage repaired and recorded, every bad-input case with
 * its message and position; the XML form, its findings, and hostile XML. */
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

#define GOOD "tests/data/ssda903/csv-2025-26"
#define XML_EXAMPLE "tests/data/ssda903/example-2025-26.xml"
#define E CS_903_G_EPISODES
#define H CS_903_G_HEADER

/* ---- helpers ----------------------------------------------------------------- */

static size_t count_kind(const cs_findings *f, cs_finding_kind k)
{
    return (size_t)f->per_kind[k];
}

/* The first finding of kind k whose detail (or file) holds `text`. */
static const cs_finding *find(const cs_findings *f, cs_finding_kind k, const char *text)
{
    for (size_t i = 0; i < f->count; i++) {
        const cs_finding *x = &f->items[i];
        if (x->kind != k)
            continue;
        if (!text || (x->detail && strstr(x->detail, text)) || (x->file && strstr(x->file, text)))
            return x;
    }
    return NULL;
}

static cs_903_year y2526(void)
{
    cs_903_year y;
    assert_int_equal(cs_903_year_parse("2025-26", &y, NULL), CS_OK);
    return y;
}

/* A scratch folder with files written from strings (bytes as given). */
typedef struct {
    char dir[64];
    char names[16][64];
    int n;
} scratch;

static void scratch_init(scratch *s)
{
    snprintf(s->dir, sizeof s->dir, "/tmp/test903.XXXXXX");
    assert_non_null(mkdtemp(s->dir));
    s->n = 0;
}

static void put(scratch *s, const char *name, const void *data, size_t n)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", s->dir, name);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, n, fp), n);
    fclose(fp);
    snprintf(s->names[s->n++], sizeof s->names[0], "%s", name);
}

static void puts_(scratch *s, const char *name, const char *text)
{
    put(s, name, text, strlen(text));
}

static void scratch_free(scratch *s)
{
    for (int i = 0; i < s->n; i++) {
        char path[256];
        snprintf(path, sizeof path, "%s/%s", s->dir, s->names[i]);
        unlink(path);
    }
    rmdir(s->dir);
}

static const char *HEADER_CSV = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\r\n1,M,01/01/2015,WBRI,UN1,,\r\n";
static const char *EPISODES_HDR =
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\r\n";

/* ---- the good folder ------------------------------------------------------------------ */

typedef struct {
    cs_dataset ds;
    cs_findings f;
} loaded;

static int load_good(void **state)
{
    loaded *l = calloc(1, sizeof *l);
    cs_findings_init(&l->f);
    cs_903_year y = y2526();
    cs_diag d;
    cs_status st = cs_903_read_csv_dir(src_path(GOOD), &y, &l->ds, &l->f, &d);
    if (st != CS_OK) {
        char buf[1200];
        fprintf(stderr, "%s\n", cs_diag_format(&d, buf, sizeof buf));
        return -1;
    }
    *state = l;
    return 0;
}

static int free_loaded(void **state)
{
    loaded *l = *state;
    cs_ds_free(&l->ds);
    cs_findings_free(&l->f);
    free(l);
    return 0;
}

static void recognised_by_columns(void **state)
{
    loaded *l = *state;
    const cs_dataset *ds = &l->ds;
    /* "Children Export (1).CSV" is the Header, eps.txt the Episodes (columns
     * in other case), r.csv (UTF-16) the Reviews, missing.tsv (tabs) ... */
    assert_int_equal(cs_ds_count(ds, H), 3);
    assert_int_equal(cs_ds_count(ds, E), 6);
    assert_int_equal(cs_ds_count(ds, CS_903_G_REVIEWS), 2);
    assert_int_equal(cs_ds_count(ds, CS_903_G_OC2), 1);
    assert_int_equal(cs_ds_count(ds, CS_903_G_OC3), 1);
    assert_int_equal(cs_ds_count(ds, CS_903_G_UASC), 1);
    assert_int_equal(cs_ds_count(ds, CS_903_G_AD1), 1);
    assert_int_equal(cs_ds_count(ds, CS_903_G_PLACED), 0);
    assert_int_equal(cs_ds_count(ds, CS_903_G_PREVPERM), 1);
    assert_int_equal(cs_ds_count(ds, CS_903_G_MISSING), 1);
    assert_int_equal(cs_ds_count(ds, CS_903_G_DOLO), 1);
    /* children: 101-105 once each, plus one for the blank-CHILD episode */
    assert_int_equal(cs_ds_count(ds, CS_903_G_CHILD), 6);
    uint32_t c0 = 0;
    assert_string_equal(cs_ds_child_id(ds, CS_903_G_CHILD, c0), "101");   /* Header order first */
    uint32_t first;
    assert_int_equal(rows_of(ds, "101", E, &first), 2);
    assert_string_equal(val(ds, E, first, CS_903_E_DECOM), "01/04/2024");   /* by DECOM */
    assert_string_equal(val(ds, E, first + 1, CS_903_E_URN), "SC398152");   /* upper-cased */
    assert_string_equal(val(ds, E, first, CS_903_E_REASON_PLACE_CHANGE), "CARPL");
    /* provenance: file and line */
    assert_non_null(strstr(ds->files[ds->rows[E].file[first]], "eps.txt"));
    assert_int_equal(ds->rows[E].line[first], 2);
    /* the UTF-16 and Windows-1252 files were read as text */
    assert_int_equal(rows_of(ds, "101", CS_903_G_REVIEWS, &first), 2);
    assert_string_equal(val(ds, CS_903_G_REVIEWS, first, CS_903_R_REVIEW_CODE), "PN1");
    assert_int_equal(rows_of(ds, "105", CS_903_G_OC3, &first), 1);
    assert_string_equal(val(ds, CS_903_G_OC3, first, CS_903_O3_IN_TOUCH), "YES");
    /* the gzip file */
    assert_int_equal(rows_of(ds, "102", CS_903_G_UASC, &first), 1);
    assert_string_equal(val(ds, CS_903_G_UASC, first, CS_903_U_DUC), "01/09/2025");
    /* Header.UASC derived from the UASC table */
    assert_int_equal(rows_of(ds, "102", H, &first), 1);
    assert_string_equal(val(ds, H, first, CS_903_H_UASC), "1");
    assert_string_equal(val(ds, H, first, CS_903_H_SEX), "M");      /* "m" upper-cased */
    assert_string_equal(val(ds, H, first, CS_903_H_ETHNIC), "BAFR");
    assert_string_equal(val(ds, H, first, CS_903_H_UPN), "UN1");
    assert_int_equal(rows_of(ds, "101", H, &first), 1);
    assert_string_equal(val(ds, H, first, CS_903_H_UASC), "0");
    /* the tab-separated file */
    assert_int_equal(rows_of(ds, "101", CS_903_G_MISSING, &first), 1);
    assert_string_equal(val(ds, CS_903_G_MISSING, first, CS_903_M_MISSING), "M");
    /* DATE_PERM keeps ZZ as text */
    assert_int_equal(rows_of(ds, "102", CS_903_G_PREVPERM, &first), 1);
    assert_string_equal(val(ds, CS_903_G_PREVPERM, first, CS_903_PP_DATE_PERM), "ZZ/06/2019");
    assert_int_equal(kind(ds, CS_903_G_PREVPERM, first, CS_903_PP_DATE_PERM), CS_V_STR);
    /* the table's own column order was used (the file was "child,DECOM,rne,...") */
    assert_int_equal(rows_of(ds, "102", E, &first), 1);
    assert_string_equal(val(ds, E, first, CS_903_E_LS), "V2");
}

static void excel_damage_repaired_and_recorded(void **state)
{
    loaded *l = *state;
    const cs_dataset *ds = &l->ds;
    uint32_t r;
    /* DOB 45000 (an Excel serial) -> 15/03/2023 */
    assert_int_equal(rows_of(ds, "103", H, &r), 1);
    assert_string_equal(val(ds, H, r, CS_903_H_DOB), "15/03/2023");
    const cs_finding *x = find(&l->f, CS_FK_EXCEL_SERIAL_DATE, NULL);
    assert_non_null(x);
    assert_string_equal(x->original, "45000");
    assert_string_equal(x->repaired, "15/03/2023");
    assert_string_equal(x->field, "DOB");
    assert_string_equal(x->source_id, "103");
    assert_int_equal(x->line, 4);
    /* MC_DOB 2023-11-04 (ISO) and DECOM 2025-05-01 -> read, X129 */
    assert_string_equal(val(ds, H, r, CS_903_H_MC_DOB), "04/11/2023");
    assert_int_equal(count_kind(&l->f, CS_FK_DATE_FORMAT), 2);
    x = find(&l->f, CS_FK_DATE_FORMAT, "DECOM");
    assert_non_null(x);
    assert_string_equal(x->original, "2025-05-01");
    assert_string_equal(x->repaired, "01/05/2025");
    assert_int_equal(x->line, 4);
    assert_int_equal(x->col, 5);
    /* 31/02/2025 is not a date: invalid for the rules, raw text kept */
    assert_int_equal(rows_of(ds, "103", E, &r), 1);
    assert_int_equal(kind(ds, E, r, CS_903_E_DECOM), CS_V_INVALID);
    assert_string_equal(val(ds, E, r, CS_903_E_DECOM), "31/02/2025");
    /* CHILD 104.0 -> 104 (X101), in Episodes and AD1: one child */
    assert_int_equal(rows_of(ds, "104", E, NULL), 1);
    assert_int_equal(rows_of(ds, "104", CS_903_G_AD1, NULL), 1);
    assert_int_equal(count_kind(&l->f, CS_FK_ID_FLOAT), 2);
    /* SDQ_SCORE 12.0 and HEALTH_ASSESSMENT 1.0 and LA_PERM 316.0 (X102) */
    assert_int_equal(rows_of(ds, "101", CS_903_G_OC2, &r), 1);
    assert_int_equal(kind(ds, CS_903_G_OC2, r, CS_903_O2_SDQ_SCORE), CS_V_INT);
    assert_string_equal(val(ds, CS_903_G_OC2, r, CS_903_O2_SDQ_SCORE), "12");
    assert_string_equal(val(ds, CS_903_G_OC2, r, CS_903_O2_HEALTH_ASSESSMENT), "1");
    assert_int_equal(count_kind(&l->f, CS_FK_INT_DECIMAL), 3);
    assert_int_equal(rows_of(ds, "102", CS_903_G_PREVPERM, &r), 1);
    assert_string_equal(val(ds, CS_903_G_PREVPERM, r, CS_903_PP_LA_PERM), "316");
}

static void bad_input_findings_in_the_good_folder(void **state)
{
    loaded *l = *state;
    const cs_dataset *ds = &l->ds;
    /* a row with a blank CHILD: kept under a child of its own, flagged */
    const cs_finding *x = find(&l->f, CS_FK_MISSING_ID, NULL);
    assert_non_null(x);
    assert_int_equal(x->line, 6);
    assert_string_equal(x->entity, "Episodes");
    uint32_t blank = child_of(ds, "");
    assert_int_not_equal(blank, UINT32_MAX);
    uint32_t first, n;
    cs_ds_children(ds, E, blank, &first, &n);
    assert_int_equal(n, 1);
    assert_string_equal(val(ds, E, first, CS_903_E_DECOM), "01/06/2025");
    /* the blank line (X106) and the row with an extra field (X112) */
    x = find(&l->f, CS_FK_BLANK_ROW, NULL);
    assert_non_null(x);
    assert_int_equal(x->line, 5);
    x = find(&l->f, CS_FK_RAGGED_ROW, NULL);
    assert_non_null(x);
    assert_int_equal(x->line, 8);
    assert_non_null(strstr(x->detail, "14 fields, the header 13"));
    /* an unknown column (X127) with its position */
    x = find(&l->f, CS_FK_COLUMN_UNEXPECTED, "NOTES");
    assert_non_null(x);
    assert_int_equal(x->col, 6);
    assert_string_equal(x->entity, "OC3");
    /* a column named twice (X128) */
    x = find(&l->f, CS_FK_COLUMN_DUPLICATE, NULL);
    assert_non_null(x);
    assert_non_null(strstr(x->detail, "PREV_PERM appears twice (columns 3 and 6)"));
    assert_int_equal(x->col, 6);
    assert_int_equal(rows_of(ds, "102", CS_903_G_PREVPERM, &first), 1);
    assert_string_equal(val(ds, CS_903_G_PREVPERM, first, CS_903_PP_PREV_PERM), "P2");
    /* a table with no rows (X107) */
    x = find(&l->f, CS_FK_EMPTY_FILE, "placed_for_adoption.csv");
    assert_non_null(x);
    assert_non_null(strstr(x->detail, "PlacedAdoption"));
    /* a file that is no table (X126), and a table the year needs missing (X125) */
    x = find(&l->f, CS_FK_FILE_UNRECOGNISED, "notes.txt");
    assert_non_null(x);
    assert_non_null(strstr(x->detail, "match no SSDA903 table"));
    assert_int_equal(count_kind(&l->f, CS_FK_FILE_UNRECOGNISED), 1);   /* README.md not a candidate */
    x = find(&l->f, CS_FK_TABLE_MISSING, "SWEpisodes");
    assert_non_null(x);
    assert_non_null(strstr(x->detail, "2025-26"));
    assert_int_equal(count_kind(&l->f, CS_FK_TABLE_MISSING), 1);   /* DoLo is not due until 2026-27 */
}

/* ---- bad folders --------------------------------------------------------------------- */

static cs_status read_dir(const char *dir, cs_dataset *ds, cs_findings *f, cs_diag *d)
{
    cs_903_year y = y2526();
    return cs_903_read_csv_dir(dir, &y, ds, f, d);
}

static void two_files_for_one_table(void **state)
{
    (void)state;
    scratch s;
    scratch_init(&s);
    puts_(&s, "a.csv", HEADER_CSV);
    puts_(&s, "b.csv", "upn,child,sex,dob,ethnic,mother,mc_dob\r\nUN1,2,F,01/01/2016,WBRI,,\r\n");
    cs_dataset ds;
    cs_findings f;
    cs_findings_init(&f);
    cs_diag d;
    assert_int_equal(read_dir(s.dir, &ds, &f, &d), CS_ERR_FORMAT);
    assert_non_null(strstr(d.msg, "two files hold the SSDA903 Header table"));
    assert_non_null(strstr(d.msg, "a.csv"));
    assert_non_null(strstr(d.file, "b.csv"));
    cs_findings_free(&f);
    scratch_free(&s);
}

static void closest_table_named(void **state)
{
    (void)state;
    scratch s;
    scratch_init(&s);
    puts_(&s, "header.csv", HEADER_CSV);
    /* the Episodes columns without URN and with FOO */
    puts_(&s, "episodes.csv",
          "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,"
          "PL_POST,FOO\r\n1,01/05/2025,S,C2,N1,U4,PR1,,,,,,x\r\n");
    /* a derived column in an Episodes file: ignored, said so */
    puts_(&s, "eps2.csv", "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,"
                          "REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN,PL_DISTANCE\r\n"
                          "1,01/05/2025,S,C2,N1,U4,PR1,,,,,,,12.5\r\n");
    cs_dataset ds;
    cs_findings f;
    cs_findings_init(&f);
    cs_diag d;
    assert_int_equal(read_dir(s.dir, &ds, &f, &d), CS_OK);
    const cs_finding *x = find(&f, CS_FK_FILE_UNRECOGNISED, "episodes.csv");
    assert_non_null(x);
    assert_non_null(strstr(x->detail, "closest Episodes: lacks URN; has extra FOO"));
    x = find(&f, CS_FK_COLUMN_UNEXPECTED, "PL_DISTANCE");
    assert_non_null(x);
    assert_non_null(strstr(x->detail, "derived"));
    assert_int_equal(x->col, 14);
    uint32_t e;
    assert_int_equal(rows_of(&ds, "1", E, &e), 1);   /* eps2.csv read */
    assert_int_equal(kind(&ds, E, e, CS_903_E_PL_DISTANCE), CS_V_ABSENT);
    /* every other table of the year is missing */
    assert_int_equal(count_kind(&f, CS_FK_TABLE_MISSING), 9);
    x = find(&f, CS_FK_TABLE_MISSING, "Reviews");
    assert_non_null(x);
    assert_string_equal(x->file, s.dir);
    cs_ds_free(&ds);
    cs_findings_free(&f);
    scratch_free(&s);
}

static void folders_that_cannot_be_read(void **state)
{
    (void)state;
    cs_dataset ds;
    cs_findings f;
    cs_findings_init(&f);
    cs_diag d;
    assert_int_equal(read_dir("/nonexistent/903", &ds, &f, &d), CS_ERR_IO);
    assert_non_null(strstr(d.msg, "cannot list the folder"));
    scratch s;
    scratch_init(&s);
    puts_(&s, "data.xlsx", "PK\x03\x04");
    assert_int_equal(read_dir(s.dir, &ds, &f, &d), CS_ERR_IO);
    assert_non_null(strstr(d.msg, "no .csv, .txt or .tsv file"));
    puts_(&s, "other.csv", "a,b,c\r\n1,2,3\r\n");
    assert_int_equal(read_dir(s.dir, &ds, &f, &d), CS_ERR_FORMAT);
    assert_non_null(strstr(d.msg, "none of the 1 file is an SSDA903 table"));
    /* an unterminated quote: the CSV reader's error and line */
    char text[512];
    snprintf(text, sizeof text, "%s1,01/05/2025,S,\"C2,N1,U4,PR1,,,,,,\r\n2,x\r\n", EPISODES_HDR);
    puts_(&s, "episodes.csv", text);
    assert_int_equal(read_dir(s.dir, &ds, &f, &d), CS_ERR_FORMAT);
    assert_non_null(strstr(d.file, "episodes.csv"));
    assert_int_equal(d.line, 2);
    scratch_free(&s);
    /* a corrupt gzip file */
    scratch_init(&s);
    static const unsigned char bad_gz[] = {0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 0x03, 'x',
                                           'y', 'z', 'z', 'y'};
    put(&s, "header.csv.gz", bad_gz, sizeof bad_gz);
    assert_int_not_equal(read_dir(s.dir, &ds, &f, &d), CS_OK);
    assert_non_null(strstr(d.file, "header.csv.gz"));
    scratch_free(&s);
    cs_findings_free(&f);
}

static void explicit_file_list_and_previous_year(void **state)
{
    (void)state;
    scratch s;
    scratch_init(&s);
    puts_(&s, "last-year header.dat", HEADER_CSV);
    char text[512];
    snprintf(text, sizeof text, "%s1,01/05/2024,S,C2,N1,U4,PR1,,,,,,\r\n", EPISODES_HDR);
    puts_(&s, "episodes_last", text);
    char p1[256], p2[256];
    snprintf(p1, sizeof p1, "%s/%s", s.dir, "last-year header.dat");
    snprintf(p2, sizeof p2, "%s/%s", s.dir, "episodes_last");
    const char *paths[] = {p1, p2};
    cs_903_year y = y2526(), last;
    cs_903_year_previous(&y, &last);
    cs_dataset ds;
    cs_findings f;
    cs_findings_init(&f);
    cs_diag d;
    assert_int_equal(cs_903_read_csv_files(paths, 2, &last, &ds, &f, &d), CS_OK);
    assert_int_equal(cs_ds_count(&ds, E), 1);
    const cs_finding *x = find(&f, CS_FK_TABLE_MISSING, "2024-25");
    assert_non_null(x);
    assert_null(x->file);   /* no folder to name */
    /* the index other datasets use to look last year's return up */
    cs_ds_index *ix = cs_ds_index_build(&ds);
    assert_int_not_equal(cs_ds_index_find(ix, "1"), UINT32_MAX);
    cs_ds_index_free(ix);
    cs_ds_free(&ds);
    cs_findings_free(&f);
    scratch_free(&s);
}

static void partial_dates(void **state)
{
    (void)state;
    scratch s;
    scratch_init(&s);
    puts_(&s, "header.csv", HEADER_CSV);
    puts_(&s, "sw.csv", "CHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON\r\n"
                        "1,01/01/2015,sw123,2025-05-01,ZZ/06/2025,fconta\r\n"
                        "1,01/01/2015,SW124,45800,,MANAGE\r\n"
                        "1,01/01/2015,SW125,1/9/2025,SOON,OTHERS\r\n");
    cs_dataset ds;
    cs_findings f;
    cs_findings_init(&f);
    cs_diag d;
    assert_int_equal(read_dir(s.dir, &ds, &f, &d), CS_OK);
    const int g = CS_903_G_SW;
    uint32_t r;
    assert_int_equal(rows_of(&ds, "1", g, &r), 3);
    /* rows are in file order: SW_DECOM is text, so not an order field */
    assert_string_equal(val(&ds, g, r, CS_903_SW_ID), "SW123");
    assert_string_equal(val(&ds, g, r, CS_903_SW_DECOM), "01/05/2025");   /* ISO repaired */
    assert_int_equal(kind(&ds, g, r, CS_903_SW_DECOM), CS_V_STR);
    assert_string_equal(val(&ds, g, r, CS_903_SW_DEC), "ZZ/06/2025");     /* kept */
    assert_string_equal(val(&ds, g, r, CS_903_SW_REASON), "FCONTA");
    assert_string_equal(val(&ds, g, r + 1, CS_903_SW_DECOM), "23/05/2025");   /* serial */
    assert_string_equal(val(&ds, g, r + 2, CS_903_SW_DECOM), "1/9/2025");     /* as given */
    assert_string_equal(val(&ds, g, r + 2, CS_903_SW_DEC), "SOON");           /* for the rules */
    assert_non_null(find(&f, CS_FK_DATE_FORMAT, "SW_DECOM"));
    assert_int_equal(count_kind(&f, CS_FK_EXCEL_SERIAL_DATE), 1);
    cs_ds_free(&ds);
    cs_findings_free(&f);
    scratch_free(&s);
}

/* ---- XML --------------------------------------------------------------------------------- */

static void xml_example(void **state)
{
    (void)state;
    cs_dataset ds;
    cs_findings f;
    cs_findings_init(&f);
    cs_diag d;
    assert_int_equal(cs_903_read_xml(src_path(XML_EXAMPLE), &ds, &f, &d), CS_OK);
    assert_int_equal(f.total, 0);
    assert_int_equal(cs_ds_count(&ds, CS_903_G_CHILD), 3);
    uint32_t r;
    assert_int_equal(rows_of(&ds, "201", H, &r), 1);
    assert_string_equal(val(&ds, H, r, CS_903_H_CHILD), "201");
    assert_string_equal(val(&ds, H, r, CS_903_H_UPN), "A123456789012");
    assert_string_equal(val(&ds, H, r, CS_903_H_ETHNIC), "WBRI");   /* upper-cased */
    assert_string_equal(val(&ds, H, r, CS_903_H_UASC), "0");        /* empty: derived */
    assert_int_equal(kind(&ds, H, r, CS_903_H_MC_DOB), CS_V_ABSENT);
    assert_int_equal(rows_of(&ds, "201", E, &r), 2);
    assert_string_equal(val(&ds, E, r, CS_903_E_CHILD), "201");     /* copied in */
    assert_string_equal(val(&ds, E, r, CS_903_E_PLACE), "U4");      /* PL */
    assert_string_equal(val(&ds, E, r, CS_903_E_PL_POST), "SW13 0AJ");
    assert_string_equal(val(&ds, E, r + 1, CS_903_E_PLACE), "K2");
    assert_int_equal(kind(&ds, E, r + 1, CS_903_E_DEC), CS_V_ABSENT);
    assert_int_equal(rows_of(&ds, "201", CS_903_G_REVIEWS, &r), 2);
    assert_string_equal(val(&ds, CS_903_G_REVIEWS, r, CS_903_R_DOB), "01/06/2012");
    assert_int_equal(rows_of(&ds, "201", CS_903_G_MISSING, NULL), 1);
    assert_int_equal(rows_of(&ds, "201", CS_903_G_OC2, &r), 1);
    assert_int_equal(kind(&ds, CS_903_G_OC2, r, CS_903_O2_SDQ_SCORE), CS_V_INT);
    assert_int_equal(kind(&ds, CS_903_G_OC2, r, CS_903_O2_SDQ_REASON), CS_V_ABSENT);
    assert_int_equal(rows_of(&ds, "201", CS_903_G_OC3, NULL), 0);
    assert_int_equal(rows_of(&ds, "201", CS_903_G_AD1, NULL), 0);
    /* 202: UASC with DUC, AD1 items, placed for adoption, permanence */
    assert_int_equal(rows_of(&ds, "202", CS_903_G_UASC, &r), 1);
    assert_string_equal(val(&ds, CS_903_G_UASC, r, CS_903_U_SEX), "M");
    assert_string_equal(val(&ds, CS_903_G_UASC, r, CS_903_U_DUC), "01/09/2025");
    assert_int_equal(rows_of(&ds, "202", CS_903_G_AD1, &r), 1);
    assert_string_equal(val(&ds, CS_903_G_AD1, r, CS_903_A_SEX_ADOPTR), "MF");
    assert_string_equal(val(&ds, CS_903_G_AD1, r, CS_903_A_DOB), "15/02/2008");
    assert_int_equal(rows_of(&ds, "202", CS_903_G_PLACED, NULL), 1);
    assert_int_equal(rows_of(&ds, "202", CS_903_G_PREVPERM, &r), 1);
    assert_string_equal(val(&ds, CS_903_G_PREVPERM, r, CS_903_PP_DATE_PERM), "ZZ/06/2019");
    /* an ISO date in XML is not repaired: invalid for the rules */
    assert_int_equal(rows_of(&ds, "202", E, &r), 1);
    assert_int_equal(kind(&ds, E, r, CS_903_E_DEC), CS_V_INVALID);
    assert_int_equal(kind(&ds, E, r, CS_903_E_HOME_POST), CS_V_ABSENT);
    /* 203: a care leaver */
    assert_int_equal(rows_of(&ds, "203", CS_903_G_OC3, &r), 1);
    assert_string_equal(val(&ds, CS_903_G_OC3, r, CS_903_O3_ACCOM), "D1");
    assert_int_equal(rows_of(&ds, "203", E, NULL), 0);
    /* provenance */
    assert_int_equal(rows_of(&ds, "203", H, &r), 1);
    assert_non_null(strstr(ds.files[ds.rows[H].file[r]], "example-2025-26.xml"));
    assert_true(ds.rows[H].line[r] > 90);
    cs_ds_free(&ds);
    cs_findings_free(&f);
}

static cs_status read_xml_text(const char *doc, cs_dataset *ds, cs_findings *f, cs_diag *d)
{
    cs_bytesrc *src = NULL;
    assert_int_equal(cs_bytesrc_open_mem(&src, doc, strlen(doc), "t.xml", d), CS_OK);
    return cs_903_read_xml_src(src, ds, f, d);
}

static void xml_findings(void **state)
{
    (void)state;
    const char *doc =
        "<EXPSSDA903>\n"
        "<CHILD><HEADER><CHILDID>7</CHILDID><SEX>F</SEX><SEX>M</SEX><NICKNAME>x</NICKNAME>\n"
        "<DOB>01/01/2015<b>bold</b></DOB></HEADER>\n"
        "stray words\n"
        "<EPISODE><DECOM>01/05/2025</DECOM><PL>u4</PL></EPISODE></CHILD>\n"
        "<CHILD><HEADER><CHILDID>7</CHILDID></HEADER><EPISODE><DECOM>01/06/2025</DECOM></EPISODE></CHILD>\n"
        "<CHILD><EPISODE><DECOM>01/07/2025</DECOM></EPISODE></CHILD>\n"
        "<FOOTER/>\n"
        "</EXPSSDA903>\n";
    cs_dataset ds;
    cs_findings f;
    cs_findings_init(&f);
    cs_diag d;
    assert_int_equal(read_xml_text(doc, &ds, &f, &d), CS_OK);
    assert_int_equal(count_kind(&f, CS_FK_XML_UNEXPECTED), 6);
    assert_non_null(find(&f, CS_FK_XML_UNEXPECTED, "<SEX> appears more than once"));
    const cs_finding *x = find(&f, CS_FK_XML_UNEXPECTED, "NICKNAME");
    assert_non_null(x);
    assert_int_equal(x->line, 2);
    assert_string_equal(x->source_id, "7");
    assert_non_null(find(&f, CS_FK_XML_UNEXPECTED, "inside the value <DOB>"));
    assert_non_null(find(&f, CS_FK_XML_UNEXPECTED, "stray words"));
    assert_non_null(find(&f, CS_FK_XML_UNEXPECTED, "has no <HEADER>"));
    assert_non_null(find(&f, CS_FK_XML_UNEXPECTED, "<FOOTER>"));
    /* two CHILD elements with one CHILDID are one child; the one without an
     * id is a child of its own */
    assert_int_equal(cs_ds_count(&ds, CS_903_G_CHILD), 2);
    uint32_t r;
    assert_int_equal(rows_of(&ds, "7", E, &r), 2);
    assert_string_equal(val(&ds, E, r, CS_903_E_PLACE), "U4");
    assert_int_equal(rows_of(&ds, "7", H, &r), 2);
    assert_string_equal(val(&ds, H, r, CS_903_H_SEX), "F");   /* the first is kept */
    assert_string_equal(val(&ds, H, r, CS_903_H_DOB), "01/01/2015");
    cs_ds_free(&ds);
    cs_findings_free(&f);
}

static void xml_hostile(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        cs_status st;
        const char *msg;
    } bad[] = {
        {"tests/data/bad/billion-laughs.xml", CS_ERR_FORMAT, "ENTITY"},
        {"tests/data/bad/external-entity.xml", CS_ERR_FORMAT, "ENTITY"},
        {"tests/data/bad/external-dtd.xml", CS_ERR_FORMAT, "DTD"},
        {"tests/data/bad/unclosed.xml", CS_ERR_FORMAT, ""},
        {"tests/data/bad/empty.xml", CS_ERR_FORMAT, "empty"},
        {"tests/data/bad/not-xml.xml", CS_ERR_FORMAT, ""},
        {"tests/data/bad/utf32.xml", CS_ERR_FORMAT, ""},
        {"tests/data/cin/example-2024-25.xml", CS_ERR_FORMAT, "<EXPSSDA903>"},
        {"/nonexistent/903.xml", CS_ERR_IO, ""},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cs_dataset ds;
        cs_findings f;
        cs_findings_init(&f);
        cs_diag d;
        cs_diag_clear(&d);
        const char *path = bad[i].file[0] == '/' ? bad[i].file : src_path(bad[i].file);
        cs_status st = cs_903_read_xml(path, &ds, &f, &d);
        if (st != bad[i].st || !strstr(d.msg, bad[i].msg))
            fail_msg("%s: status %d, message \"%s\"", bad[i].file, st, d.msg);
        assert_true(d.file[0] != '\0');
        cs_findings_free(&f);
    }
    /* deep nesting and an over-long value */
    size_t depth = 200, n = 0;
    char *deep = malloc(depth * 8 + 64);
    n += (size_t)sprintf(deep + n, "<EXPSSDA903>");
    for (size_t i = 0; i < depth; i++)
        n += (size_t)sprintf(deep + n, "<a>");
    for (size_t i = 0; i < depth; i++)
        n += (size_t)sprintf(deep + n, "</a>");
    sprintf(deep + n, "</EXPSSDA903>");
    cs_dataset ds;
    cs_diag d;
    assert_int_equal(read_xml_text(deep, &ds, NULL, &d), CS_ERR_LIMIT);
    free(deep);
    size_t big = (1u << 20) + 100;
    char *longv = malloc(big + 200);
    n = (size_t)sprintf(longv, "<EXPSSDA903><CHILD><HEADER><CHILDID>");
    memset(longv + n, '9', big);
    sprintf(longv + n + big, "</CHILDID></HEADER></CHILD></EXPSSDA903>");
    assert_int_equal(read_xml_text(longv, &ds, NULL, &d), CS_ERR_LIMIT);
    assert_non_null(strstr(d.msg, "longer than"));
    free(longv);
    /* not well formed, with libxml2's position */
    assert_int_equal(read_xml_text("<EXPSSDA903>\n<CHILD>\n<HEADER></CHILD>\n</EXPSSDA903>", &ds,
                                   NULL, &d),
                     CS_ERR_FORMAT);
    assert_non_null(strstr(d.msg, "not well-formed XML"));
    assert_int_equal(d.line, 3);
    assert_true(d.col > 0);
    /* an entity reference to an undeclared entity, and a position */
    assert_int_equal(read_xml_text("<EXPSSDA903>\n<CHILD>&x;</CHILD></EXPSSDA903>", &ds, NULL, &d),
                     CS_ERR_FORMAT);
    assert_int_equal(d.line, 2);
}

/* Last year's return read for some tables only (the ones rules read):
 * Header and UASC always, the asked-for ones, and the rest recognised but
 * neither read nor reported missing. */
static void only_some_tables(void **state)
{
    (void)state;
    cs_903_year y = y2526();
    cs_dataset all, some;
    cs_findings fa, fs;
    cs_findings_init(&fa);
    cs_findings_init(&fs);
    cs_diag d;
    assert_int_equal(cs_903_read_csv_dir(src_path(GOOD), &y, &all, &fa, &d), CS_OK);
    uint64_t eps = (uint64_t)1 << CS_903_G_EPISODES;
    assert_int_equal(cs_903_read_csv_dir_only(src_path(GOOD), &y, eps, &some, &fs, &d), CS_OK);
    assert_true(all.rows[CS_903_G_EPISODES].count > 0);
    assert_true(all.rows[CS_903_G_REVIEWS].count > 0);
    assert_int_equal(some.rows[CS_903_G_EPISODES].count, all.rows[CS_903_G_EPISODES].count);
    assert_int_equal(some.rows[CS_903_G_HEADER].count, all.rows[CS_903_G_HEADER].count);
    assert_int_equal(some.rows[CS_903_G_UASC].count, all.rows[CS_903_G_UASC].count);
    /* the fixture's orphan child (rows in another table, not in Header) is
     * only made when that table is read */
    assert_int_equal(some.rows[CS_903_G_CHILD].count + 1, all.rows[CS_903_G_CHILD].count);
    assert_int_equal(some.rows[CS_903_G_REVIEWS].count, 0);
    /* the folder lacks SWEpisodes: reported when all tables are read, not when it is not wanted */
    assert_non_null(find(&fa, CS_FK_TABLE_MISSING, "SWEpisodes"));
    assert_null(find(&fs, CS_FK_TABLE_MISSING, "SWEpisodes"));
    /* 0 reads every table */
    cs_dataset zero;
    assert_int_equal(cs_903_read_csv_dir_only(src_path(GOOD), &y, 0, &zero, NULL, &d), CS_OK);
    assert_int_equal(zero.rows[CS_903_G_REVIEWS].count, all.rows[CS_903_G_REVIEWS].count);
    cs_ds_free(&zero);
    cs_ds_free(&all);
    cs_ds_free(&some);
    cs_findings_free(&fa);
    cs_findings_free(&fs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(recognised_by_columns, load_good, free_loaded),
        cmocka_unit_test_setup_teardown(excel_damage_repaired_and_recorded, load_good, free_loaded),
        cmocka_unit_test_setup_teardown(bad_input_findings_in_the_good_folder, load_good,
                                        free_loaded),
        cmocka_unit_test(two_files_for_one_table),
        cmocka_unit_test(closest_table_named),
        cmocka_unit_test(folders_that_cannot_be_read),
        cmocka_unit_test(explicit_file_list_and_previous_year),
        cmocka_unit_test(partial_dates),
        cmocka_unit_test(xml_example),
        cmocka_unit_test(xml_findings),
        cmocka_unit_test(xml_hostile),
        cmocka_unit_test(only_some_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
