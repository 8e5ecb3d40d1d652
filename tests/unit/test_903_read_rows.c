/* Reading SSDA903 CSV rows: each row reaches its own child whatever order
 * the tables list children in (Header order, reversed, repeated, new ones),
 * ids longer than 16 bytes or sharing their first 16 bytes, ids repaired
 * or upper-cased; codes upper-cased and interned in the dataset; text
 * cells as written, repeated ones included; dates repeated down a column. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit/s903_test.h"

#define E CS_903_G_EPISODES

static char dir[64];

static void put(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
    fclose(fp);
}

static void clean(void)
{
    static const char *const names[] = {"header.csv", "episodes.csv"};
    for (size_t i = 0; i < 2; i++) {
        char path[256];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

/* The folder holding these Header and Episodes files, read (2025-26). */
static void read_tables(const char *header, const char *episodes, cs_dataset *ds,
                        cs_findings *f)
{
    put("header.csv", header);
    put("episodes.csv", episodes);
    cs_findings_init(f);
    cs_903_year y;
    assert_int_equal(cs_903_year_parse("2025-26", &y, NULL), CS_OK);
    cs_diag d;
    assert_int_equal(cs_903_read_csv_dir(dir, &y, ds, f, &d), CS_OK);
}

/* Every episode's parent is the child its CHILD cell names. */
static void assert_rows_reach_their_child(const cs_dataset *ds)
{
    for (uint32_t e = 0; e < cs_ds_count(ds, E); e++) {
        const cs_value *v = cs_ds_cell_c(ds, E, e, CS_903_E_CHILD);
        assert_int_equal(v->kind, CS_V_STR);
        assert_string_equal(cs_ds_child_id(ds, E, e), v->s);
    }
}

static const char *HEADER_COLS = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\r\n";
static const char *EPISODE_COLS =
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\r\n";

static void ids_in_any_order(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/test903rows.XXXXXX");
    assert_non_null(mkdtemp(dir));
    char header[2048], episodes[4096];
    snprintf(header, sizeof header,
             "%sA1,M,01/01/2015,WBRI,UN1,,\r\n"
             " a2 ,F,01/01/2014,WBRI,UN1,,\r\n"
             "12345678901234567890,M,01/01/2013,WBRI,UN1,,\r\n"
             "12345678901234567899,M,01/01/2013,WBRI,UN1,,\r\n"
             "1234567890123456,M,01/01/2012,WBRI,UN1,,\r\n"
             "123456.0,F,01/01/2011,WBRI,UN1,,\r\n",
             HEADER_COLS);
    const char *ep = ",L,C2,N1,U1,PR1,,,,SW1 1AA,SW1 1AA,XXXXXXX\r\n";
    snprintf(episodes, sizeof episodes,
             "%s"
             "A2,01/04/2025%s"                         /* not the first child */
             "a1,02/04/2025,l,c2,N1,U1,PR1,,,,sw1 1aa,SW1 1AB,XXXXXXX\r\n"
             "12345678901234567899,03/04/2025%s"       /* differs after 16 bytes */
             "12345678901234567890,04/04/2025%s"
             "1234567890123456,05/04/2025%s"
             "A1,06/04/2025%s"                         /* back to an earlier child */
             "123456,07/04/2025%s"                     /* the repaired id */
             "Z9,08/04/2025%s"                         /* a child with no Header row */
             "Z9,09/04/2025%s",
             EPISODE_COLS, ep, ep, ep, ep, ep, ep, ep, ep);
    cs_dataset ds;
    cs_findings f;
    read_tables(header, episodes, &ds, &f);
    assert_int_equal(cs_ds_count(&ds, CS_903_G_CHILD), 7);
    assert_int_equal(cs_ds_count(&ds, E), 9);
    assert_rows_reach_their_child(&ds);
    assert_int_equal(rows_of(&ds, "A1", E, NULL), 2);
    assert_int_equal(rows_of(&ds, "A2", E, NULL), 1);
    assert_int_equal(rows_of(&ds, "12345678901234567890", E, NULL), 1);
    assert_int_equal(rows_of(&ds, "12345678901234567899", E, NULL), 1);
    assert_int_equal(rows_of(&ds, "1234567890123456", E, NULL), 1);
    assert_int_equal(rows_of(&ds, "123456", E, NULL), 1);
    assert_int_equal(rows_of(&ds, "Z9", E, NULL), 2);
    assert_int_equal(f.per_kind[CS_FK_ID_FLOAT], 1);
    /* codes upper-cased and interned: one pointer per code */
    uint32_t a1;
    assert_int_equal(rows_of(&ds, "A1", E, &a1), 2);
    const cs_value *rne = cs_ds_cell_c(&ds, E, a1, CS_903_E_RNE);
    const cs_value *rne2 = cs_ds_cell_c(&ds, E, a1 + 1, CS_903_E_RNE);
    assert_string_equal(rne->s, "L");
    assert_ptr_equal(rne->s, rne2->s);
    assert_ptr_equal(rne->s, cs_intern_find(&ds.strings, "L", 1));
    assert_string_equal(val(&ds, E, a1, CS_903_E_LS), "C2");
    /* text as written (upper-cased), the same text repeated */
    assert_string_equal(val(&ds, E, a1, CS_903_E_HOME_POST), "SW1 1AA");
    assert_string_equal(val(&ds, E, a1, CS_903_E_PL_POST), "SW1 1AB");
    assert_string_equal(val(&ds, E, a1 + 1, CS_903_E_PL_POST), "SW1 1AA");
    assert_string_equal(val(&ds, E, a1 + 1, CS_903_E_URN), "XXXXXXX");
    cs_ds_free(&ds);
    cs_findings_free(&f);
    clean();
}

/* Thousands of children (the index grows), episodes listed in reverse,
 * then in Header order with every child twice in a row; ids of 8 bytes, and
 * of 23 bytes all sharing their first 16. */
static void many_children_with(const char *idfmt)
{
    snprintf(dir, sizeof dir, "/tmp/test903rows.XXXXXX");
    assert_non_null(mkdtemp(dir));
    enum { N = 5000 };
    size_t cap = (size_t)N * 160 + 256, hn = 0, en = 0;
    char *header = malloc(cap), *episodes = malloc(cap * 3);
    assert_non_null(header);
    assert_non_null(episodes);
    char id[64];
    hn += (size_t)sprintf(header + hn, "%s", HEADER_COLS);
    en += (size_t)sprintf(episodes + en, "%s", EPISODE_COLS);
    for (int i = 0; i < N; i++) {
        snprintf(id, sizeof id, idfmt, i);
        hn += (size_t)sprintf(header + hn, "%s,M,01/01/2015,WBRI,UN1,,\r\n", id);
    }
    for (int i = N - 1; i >= 0; i--) {
        snprintf(id, sizeof id, idfmt, i);
        en += (size_t)sprintf(episodes + en, "%s,01/04/2025,L,C2,N1,U1,PR1,,,,,,\r\n", id);
    }
    for (int i = 0; i < N; i++)
        for (int k = 0; k < 2; k++) {
            snprintf(id, sizeof id, idfmt, i);
            en += (size_t)sprintf(episodes + en, "%s,0%d/05/2025,L,C2,N1,U1,PR1,,,,,,\r\n", id,
                                  k + 1);
        }
    cs_dataset ds;
    cs_findings f;
    read_tables(header, episodes, &ds, &f);
    free(header);
    free(episodes);
    assert_int_equal(cs_ds_count(&ds, CS_903_G_CHILD), N);
    assert_int_equal(cs_ds_count(&ds, E), 3 * N);
    assert_rows_reach_their_child(&ds);
    uint32_t first;
    snprintf(id, sizeof id, idfmt, 4321);
    assert_int_equal(rows_of(&ds, id, E, &first), 3);
    assert_string_equal(val(&ds, E, first, CS_903_E_DECOM), "01/04/2025");
    assert_string_equal(val(&ds, E, first + 2, CS_903_E_DECOM), "02/05/2025");
    cs_ds_free(&ds);
    cs_findings_free(&f);
    clean();
}

static void many_children(void **state)
{
    (void)state;
    many_children_with("C%07d");
    many_children_with("0123456789ABCDEF%07d");
}

/* A date repeated down a column, a different one, an impossible one and a
 * year-first one between repeats: each row has its own value. */
static void dates_down_a_column(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/test903rows.XXXXXX");
    assert_non_null(mkdtemp(dir));
    char header[1024], episodes[2048];
    snprintf(header, sizeof header, "%sA1,M,01/01/2015,WBRI,UN1,,\r\n", HEADER_COLS);
    static const char *const decom[] = {"01/04/2025", "01/04/2025", "02/04/2025", "31/02/2025",
                                        "02/04/2025", "2025-04-02", "02/04/2025", "2/4/2025"};
    size_t en = (size_t)snprintf(episodes, sizeof episodes, "%s", EPISODE_COLS);
    for (size_t i = 0; i < 8; i++)
        en += (size_t)snprintf(episodes + en, sizeof episodes - en,
                               "A1,%s,L,C2,N1,U1,PR1,,,,,,\r\n", decom[i]);
    cs_dataset ds;
    cs_findings f;
    read_tables(header, episodes, &ds, &f);
    assert_int_equal(cs_ds_count(&ds, E), 8);
    /* ordered by DECOM (stable), the impossible date last */
    static const char *const want[] = {"01/04/2025", "01/04/2025", "02/04/2025", "02/04/2025",
                                       "02/04/2025", "02/04/2025", "02/04/2025", "31/02/2025"};
    for (uint32_t e = 0; e < 8; e++)
        assert_string_equal(val(&ds, E, e, CS_903_E_DECOM), want[e]);
    assert_int_equal(kind(&ds, E, 7, CS_903_E_DECOM), CS_V_INVALID);
    assert_int_equal(f.per_kind[CS_FK_DATE_FORMAT], 1);
    cs_ds_free(&ds);
    cs_findings_free(&f);
    clean();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ids_in_any_order),
        cmocka_unit_test(many_children),
        cmocka_unit_test(dates_down_a_column),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
