#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "read/table.h"
#include "util/limits.h"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/cs-table-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static const char *write_file(const char *name, const char *data, size_t n)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    fclose(f);
    return path;
}

static const char *write_text(const char *name, const char *text)
{
    return write_file(name, text, strlen(text));
}

typedef struct {
    cs_table_reader *t;
    cs_record rec;
    cs_diag d;
} tb;

static cs_status open_spec(tb *x, const char *path, const cs_table_spec *spec)
{
    memset(x, 0, sizeof *x);
    cs_diag_clear(&x->d);
    return cs_table_open(&x->t, path, spec, NULL, &x->d);
}

static void open_csv(tb *x, const char *path)
{
    cs_table_spec spec = {.format = CS_TABLE_CSV, .has_header = 1};
    assert_int_equal(open_spec(x, path, &spec), CS_OK);
}

static cs_status next(tb *x)
{
    return cs_table_next(x->t, &x->rec, &x->d);
}

static void assert_field(const tb *x, uint32_t i, const char *want)
{
    assert_true(i < x->rec.nfields);
    char buf[256];
    snprintf(buf, sizeof buf, "%.*s", (int)x->rec.fields[i].len, x->rec.fields[i].ptr);
    assert_string_equal(buf, want);
}

static void test_csv_header_and_alignment(void **state)
{
    (void)state;
    const char *path = write_text("people.csv",
                                  "\xef\xbb\xbf PERSON_ID , Name,DOB,name\n"
                                  "1,Ann,2010-01-01,dup\n"
                                  "2,Bob\n"
                                  "\n"
                                  "3,Cy,2012-03-04,x,extra1,extra2\n"
                                  "4,\"Di, Jr\",2013-04-05,y\n");
    tb x;
    open_csv(&x, path);
    assert_int_equal(cs_table_ncolumns(x.t), 4);
    assert_string_equal(cs_table_column(x.t, 0), "PERSON_ID");   /* BOM gone, trimmed */
    assert_string_equal(cs_table_column(x.t, 1), "Name");
    assert_null(cs_table_column(x.t, 4));
    assert_int_equal(cs_table_find_column(x.t, "person_id"), 0);
    assert_int_equal(cs_table_find_column(x.t, "  dob "), 2);
    assert_int_equal(cs_table_find_column(x.t, "NAME"), 1);        /* first of the two */
    assert_int_equal(cs_table_find_column(x.t, "missing"), -1);
    assert_int_equal(cs_table_find_column(x.t, "  "), -1);
    assert_int_equal(cs_table_delimiter(x.t), ',');
    assert_string_equal(cs_table_path(x.t), path);
    assert_false(cs_table_is_gzip(x.t));

    assert_int_equal(next(&x), CS_OK);
    assert_int_equal(x.rec.nfields, 4);
    assert_field(&x, 3, "dup");
    assert_int_equal(x.rec.index, 0);
    assert_int_equal(x.rec.line, 2);
    assert_false(cs_table_ragged(x.t));

    assert_int_equal(next(&x), CS_OK);   /* missing trailing fields are empty */
    assert_int_equal(x.rec.nfields, 4);
    assert_field(&x, 1, "Bob");
    assert_field(&x, 2, "");
    assert_field(&x, 3, "");
    assert_int_equal(x.rec.fields[3].len, 0);
    assert_int_equal(cs_table_raw_nfields(x.t), 2);
    assert_true(cs_table_ragged(x.t));
    assert_int_equal(x.rec.index, 1);

    assert_int_equal(next(&x), CS_OK);   /* blank row: flagged, not ragged */
    assert_true(x.rec.blank);
    assert_false(cs_table_ragged(x.t));
    assert_true(x.rec.nfields >= 4);

    assert_int_equal(next(&x), CS_OK);   /* extra fields kept after the columns */
    assert_int_equal(x.rec.nfields, 6);
    assert_field(&x, 4, "extra1");
    assert_field(&x, 5, "extra2");
    assert_true(cs_table_ragged(x.t));
    assert_int_equal(cs_table_raw_nfields(x.t), 6);
    assert_int_equal(x.rec.line, 5);

    assert_int_equal(next(&x), CS_OK);
    assert_field(&x, 1, "Di, Jr");
    assert_false(cs_table_ragged(x.t));
    assert_int_equal(x.rec.index, 4);

    assert_int_equal(next(&x), CS_EOF);
    assert_true(cs_table_bytes_read(x.t) > 0);
    cs_table_close(x.t);
}

static void test_csv_leading_blank_lines_and_sniffing(void **state)
{
    (void)state;
    const char *path = write_text("pipes.txt", "A|B\n\n\n1|2\n");
    tb x;
    open_csv(&x, path);
    assert_int_equal(cs_table_ncolumns(x.t), 2);
    assert_int_equal(cs_table_delimiter(x.t), '|');
    assert_int_equal(next(&x), CS_OK);
    assert_true(x.rec.blank);
    assert_int_equal(x.rec.line, 2);
    assert_int_equal(next(&x), CS_OK);
    assert_true(x.rec.blank);
    assert_int_equal(next(&x), CS_OK);
    assert_field(&x, 1, "2");
    assert_int_equal(next(&x), CS_EOF);
    cs_table_close(x.t);

    /* blank lines before the header are skipped */
    path = write_text("late-header.csv", "\n\nA,B\n1,2\n");
    open_csv(&x, path);
    assert_int_equal(cs_table_ncolumns(x.t), 2);
    assert_string_equal(cs_table_column(x.t, 1), "B");
    assert_int_equal(next(&x), CS_OK);
    assert_int_equal(x.rec.line, 4);
    assert_field(&x, 1, "2");
    assert_int_equal(next(&x), CS_EOF);
    cs_table_close(x.t);
}

static void test_csv_without_header(void **state)
{
    (void)state;
    const char *path = write_text("nohead.csv", "1,Ann,x\n2,Bob,y\n");
    cs_table_spec spec = {.format = CS_TABLE_CSV, .has_header = 0};
    tb x;
    assert_int_equal(open_spec(&x, path, &spec), CS_OK);
    assert_int_equal(cs_table_ncolumns(x.t), 3);
    assert_string_equal(cs_table_column(x.t, 0), "1");
    assert_int_equal(cs_table_find_column(x.t, "3"), 2);
    assert_int_equal(next(&x), CS_OK);
    assert_field(&x, 1, "Ann");
    assert_int_equal(x.rec.index, 0);
    assert_int_equal(x.rec.line, 1);
    assert_int_equal(next(&x), CS_OK);
    assert_field(&x, 1, "Bob");
    assert_int_equal(next(&x), CS_EOF);
    cs_table_close(x.t);
}

static void test_empty_files(void **state)
{
    (void)state;
    tb x;
    open_csv(&x, write_text("empty.csv", ""));
    assert_int_equal(cs_table_ncolumns(x.t), 0);
    assert_int_equal(next(&x), CS_EOF);
    cs_table_close(x.t);

    open_csv(&x, write_text("header-only.csv", "A,B\r\n"));
    assert_int_equal(cs_table_ncolumns(x.t), 2);
    assert_int_equal(next(&x), CS_EOF);
    cs_table_close(x.t);
}

static void test_gzip_and_encoding(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "%s/data.csv.gz", dir);
    gzFile g = gzopen(path, "wb");
    assert_non_null(g);
    const char *text = "ID;Nom\n1;Zo\xeb\n";   /* Windows-1252 e-diaeresis */
    gzwrite(g, text, (unsigned)strlen(text));
    gzclose(g);
    tb x;
    open_csv(&x, path);
    assert_true(cs_table_is_gzip(x.t));
    assert_int_equal(cs_table_delimiter(x.t), ';');
    assert_int_equal(next(&x), CS_OK);
    assert_field(&x, 1, "Zo\xc3\xab");
    assert_string_equal(cs_table_encoding(x.t), cs_encoding_name(CS_ENC_CP1252));
    cs_table_close(x.t);
}

static void test_fixed(void **state)
{
    (void)state;
    const cs_fixed_column layout[] = {{"ID", 1, 3}, {"NAME", 4, 5}, {NULL, 9, 2}};
    const char *path = write_text("fixed.txt", "001Ann  AB\n002Bob\n");
    cs_table_spec spec = {.format = CS_TABLE_FIXED, .layout = layout, .nlayout = 3};
    tb x;
    assert_int_equal(open_spec(&x, path, &spec), CS_OK);
    assert_int_equal(cs_table_ncolumns(x.t), 3);
    assert_string_equal(cs_table_column(x.t, 1), "NAME");
    assert_string_equal(cs_table_column(x.t, 2), "3");
    assert_int_equal(cs_table_find_column(x.t, "name"), 1);
    assert_int_equal(cs_table_delimiter(x.t), 0);
    assert_int_equal(next(&x), CS_OK);
    assert_field(&x, 1, "Ann");
    assert_field(&x, 2, "AB");
    assert_false(cs_table_ragged(x.t));
    assert_int_equal(next(&x), CS_OK);
    assert_field(&x, 1, "Bob");
    assert_field(&x, 2, "");
    assert_true(cs_table_ragged(x.t));   /* short line */
    assert_int_equal(x.rec.index, 1);
    assert_int_equal(next(&x), CS_EOF);
    cs_table_close(x.t);

    const cs_fixed_column bad[] = {{"A", 1, 3}, {"B", 2, 3}};
    spec.layout = bad;
    spec.nlayout = 2;
    assert_int_equal(open_spec(&x, path, &spec), CS_ERR_CONFIG);
    assert_null(x.t);
}

static void test_xml_columns_by_name(void **state)
{
    (void)state;
    const char *path = write_text("refs.xml",
                                  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                  "<Refs>\n"
                                  "<Referral id=\"1\"><Date>2024-01-01</Date>"
                                  "<Factor>1A</Factor><Factor>2B</Factor></Referral>\n"
                                  "<Referral id=\"2\"><Factor>3C</Factor>"
                                  "<Source>Police</Source><Date>2024-02-02</Date></Referral>\n"
                                  "<Referral/>\n"
                                  "</Refs>\n");
    cs_table_spec spec = {.format = CS_TABLE_XML, .record_element = "Referral"};
    tb x;
    assert_int_equal(open_spec(&x, path, &spec), CS_OK);
    assert_int_equal(cs_table_ncolumns(x.t), 4);
    assert_string_equal(cs_table_column(x.t, 0), "id");
    assert_string_equal(cs_table_column(x.t, 1), "Date");
    assert_string_equal(cs_table_column(x.t, 3), "Factor");
    assert_int_equal(cs_table_find_column(x.t, "factor"), 2);
    assert_string_equal(cs_table_encoding(x.t), "UTF-8");

    assert_int_equal(next(&x), CS_OK);
    assert_field(&x, 0, "1");
    assert_field(&x, 2, "1A");
    assert_field(&x, 3, "2B");
    assert_int_equal(x.rec.line, 3);
    assert_int_equal(x.rec.index, 0);

    assert_int_equal(next(&x), CS_OK);   /* other order, one Factor, a new Source */
    assert_int_equal(cs_table_ncolumns(x.t), 5);
    assert_string_equal(cs_table_column(x.t, 4), "Source");
    assert_int_equal(x.rec.nfields, 5);
    assert_field(&x, 0, "2");
    assert_field(&x, 1, "2024-02-02");
    assert_field(&x, 2, "3C");
    assert_field(&x, 3, "");
    assert_field(&x, 4, "Police");
    assert_int_equal(cs_table_raw_nfields(x.t), 4);
    assert_false(cs_table_ragged(x.t));

    assert_int_equal(next(&x), CS_OK);   /* nothing at all: every column empty */
    assert_int_equal(x.rec.nfields, 5);
    for (uint32_t i = 0; i < 5; i++)
        assert_int_equal(x.rec.fields[i].len, 0);
    assert_int_equal(next(&x), CS_EOF);
    cs_table_close(x.t);

    /* no records at all */
    path = write_text("none.xml", "<Refs/>");
    assert_int_equal(open_spec(&x, path, &spec), CS_OK);
    assert_int_equal(cs_table_ncolumns(x.t), 0);
    assert_int_equal(next(&x), CS_EOF);
    cs_table_close(x.t);
}

static void test_errors_name_file_and_line(void **state)
{
    (void)state;
    tb x;
    cs_table_spec spec = {.format = CS_TABLE_CSV, .has_header = 1};
    char missing[128];
    snprintf(missing, sizeof missing, "%s/no-such.csv", dir);
    assert_int_equal(open_spec(&x, missing, &spec), CS_ERR_IO);
    assert_string_equal(x.d.file, missing);
    assert_null(x.t);

    const char *path = write_text("quote.csv", "A,B\n1,2\n3,\"open\n4,5\n");
    open_csv(&x, path);
    cs_status st;
    while ((st = next(&x)) == CS_OK)
        ;
    assert_int_equal(st, CS_ERR_FORMAT);
    assert_string_equal(x.d.file, path);
    assert_int_equal(x.d.line, 3);
    cs_table_close(x.t);

    path = write_text("bad-utf8.csv", "A,B\n1,2\n3,\xc3\x28\n");
    spec.encoding = CS_ENC_UTF8;
    assert_int_equal(open_spec(&x, path, &spec), CS_OK);
    while ((st = next(&x)) == CS_OK)
        ;
    assert_int_equal(st, CS_ERR_ENCODING);
    assert_int_equal(x.d.line, 3);
    cs_table_close(x.t);

    path = write_text("bad.xml", "<r>\n<c><n>1</n></c>\n<c><n>2</m></c>\n</r>\n");
    cs_table_spec xs = {.format = CS_TABLE_XML, .record_element = "c"};
    st = open_spec(&x, path, &xs);
    if (st == CS_OK) {
        while ((st = next(&x)) == CS_OK)
            ;
        cs_table_close(x.t);
    }
    assert_int_equal(st, CS_ERR_FORMAT);
    assert_string_equal(x.d.file, path);
    assert_int_equal(x.d.line, 3);

    /* a header wider than the column cap */
    size_t n = (CS_MAX_COLUMNS + 10) * 2;
    char *wide = malloc(n + 1);
    for (size_t i = 0; i < n; i += 2)
        memcpy(wide + i, "a,", 2);
    wide[n - 1] = '\n';
    path = write_file("wide.csv", wide, n);
    free(wide);
    assert_int_equal(open_spec(&x, path, &spec), CS_ERR_LIMIT);
    assert_int_equal(x.d.line, 1);
    assert_null(x.t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_header_and_alignment),
        cmocka_unit_test(test_csv_leading_blank_lines_and_sniffing),
        cmocka_unit_test(test_csv_without_header),
        cmocka_unit_test(test_empty_files),
        cmocka_unit_test(test_gzip_and_encoding),
        cmocka_unit_test(test_fixed),
        cmocka_unit_test(test_xml_columns_by_name),
        cmocka_unit_test(test_errors_name_file_and_line),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
