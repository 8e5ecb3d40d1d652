/* Code translation tables (etl/codemap.c), from fixture TSVs written to a
 * temporary folder. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "etl/codemap.h"

static char dir[] = "/tmp/cscdw-codemap-XXXXXX";
static char path[256];
static cs_arena arena;

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof path, "%s/mosaic-gender.tsv", dir);
    cs_arena_init(&arena, 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(path);
    rmdir(dir);
    cs_arena_free(&arena);
    return 0;
}

static cs_status load(const char *text, cs_codemap **m, cs_diag *d)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
    cs_diag_clear(d);
    return cs_codemap_load(m, path, &arena, d);
}

static const cs_codemap *load_ok(const char *text)
{
    cs_codemap *m;
    cs_diag d;
    cs_status st = load(text, &m, &d);
    if (st != CS_OK) {
        char buf[1600];
        fail_msg("load failed: %s", cs_diag_format(&d, buf, sizeof buf));
    }
    assert_non_null(m);
    return m;
}

#define LOOK(m, s) cs_codemap_lookup(m, s, strlen(s))

static const char *GENDER = "# Mosaic gender codes -> CIN PersonGender\n"
                            "local\tdfe\n"
                            "M\t1\n"
                            "\n"
                            "F\t2\n"
                            "  Unknown \t 0 \n"
                            "MALE\t1\n"
                            "Not stated\t9\n"
                            "*\t=\n";

static void test_lookup(void **state)
{
    (void)state;
    const cs_codemap *m = load_ok(GENDER);
    assert_string_equal(cs_codemap_name(m), "mosaic-gender");
    assert_string_equal(LOOK(m, "M"), "1");
    assert_string_equal(LOOK(m, "m"), "1");
    assert_string_equal(LOOK(m, "male"), "1");
    assert_string_equal(LOOK(m, " F "), "2");
    assert_string_equal(LOOK(m, "\xC2\xA0" "f\t"), "2");
    assert_string_equal(LOOK(m, "UNKNOWN"), "0");
    assert_string_equal(LOOK(m, "not STATED"), "9");
    assert_null(LOOK(m, "X"));
    assert_null(LOOK(m, "Not"));
    assert_null(LOOK(m, ""));
    assert_null(LOOK(m, "   "));
    assert_null(cs_codemap_lookup(m, NULL, 0));
    /* a length, not a NUL, ends the code */
    assert_string_equal(cs_codemap_lookup(m, "Fxyz", 1), "2");
}

static void test_pass_through(void **state)
{
    (void)state;
    const cs_codemap *m = load_ok(GENDER);
    /* DfE codes pass through because of the "*<TAB>=" line */
    assert_string_equal(LOOK(m, "1"), "1");
    assert_string_equal(LOOK(m, " 9 "), "9");
    assert_null(LOOK(m, "3"));   /* not a DfE code in this table */

    const cs_codemap *strict = load_ok("local\tdfe\nM\t1\nF\t2\n");
    assert_null(LOOK(strict, "1"));
    assert_string_equal(LOOK(strict, "f"), "2");

    /* local codes win over pass-through; pass-through returns the table's spelling */
    const cs_codemap *ethn = load_ok("local\tdfe\nWBRI\tWBRI\nBRIT\tWBRI\nwirl\tWIRL\nA\tB\nB\tC\n*\t=\n");
    assert_string_equal(LOOK(ethn, "brit"), "WBRI");
    assert_string_equal(LOOK(ethn, "wirl"), "WIRL");
    assert_string_equal(LOOK(ethn, "B"), "C");
    assert_string_equal(LOOK(ethn, "c"), "C");
}

static void test_reverse(void **state)
{
    (void)state;
    const cs_codemap *m = load_ok(GENDER);
    assert_string_equal(cs_codemap_reverse(m, "1"), "M");   /* first local code in file order */
    assert_string_equal(cs_codemap_reverse(m, "2"), "F");
    assert_string_equal(cs_codemap_reverse(m, "0"), "Unknown");
    assert_null(cs_codemap_reverse(m, "7"));
    assert_null(cs_codemap_reverse(m, ""));
    assert_null(cs_codemap_reverse(m, NULL));
    assert_null(cs_codemap_reverse(NULL, "1"));
    assert_null(cs_codemap_lookup(NULL, "M", 1));
    assert_null(cs_codemap_name(NULL));
}

static void test_file_details(void **state)
{
    (void)state;
    /* BOM, CRLF, comments anywhere, a harmless repeated mapping */
    const cs_codemap *m = load_ok("\xEF\xBB\xBF# header follows\r\nLOCAL\tDFE\r\n"
                                  "A\t1\r\n  # indented comment\r\na\t1\r\nB\t2\r\n");
    assert_string_equal(LOOK(m, "a"), "1");
    assert_string_equal(LOOK(m, "b"), "2");
    /* header only: a valid, empty table */
    m = load_ok("local\tdfe\n");
    assert_null(LOOK(m, "a"));
    assert_null(cs_codemap_reverse(m, "1"));
}

static void test_many_codes(void **state)
{
    (void)state;
    size_t cap = 64 * 5000;
    char *text = malloc(cap), *p = text;
    p += sprintf(p, "local\tdfe\n");
    for (int i = 0; i < 5000; i++)
        p += sprintf(p, "code%d\tD%d\n", i, i % 37);
    const cs_codemap *m = load_ok(text);
    free(text);
    char key[32], want[16];
    for (int i = 0; i < 5000; i++) {
        snprintf(key, sizeof key, "CODE%d", i);
        snprintf(want, sizeof want, "D%d", i % 37);
        assert_string_equal(LOOK(m, key), want);
    }
    assert_string_equal(cs_codemap_reverse(m, "d5"), "code5");
    assert_null(LOOK(m, "code5000"));
}

static void expect_error(const char *text, uint64_t line, const char *words)
{
    cs_codemap *m = (cs_codemap *)&arena;   /* must be reset to NULL */
    cs_diag d;
    assert_int_equal(load(text, &m, &d), CS_ERR_CONFIG);
    assert_null(m);
    assert_string_equal(d.file, path);
    assert_int_equal(d.line, line);
    if (!strstr(d.msg, words))
        fail_msg("message '%s' lacks '%s'", d.msg, words);
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("local\tdfe\nA\t1\nB\t2\tx\n", 3, "3 columns");
    expect_error("local\tdfe\nA\t1\nB\n", 3, "1 column;");
    expect_error("local\tdfe\nA\t1\nB\t2\t\n", 3, "3 columns");
    expect_error("# c\nlocal\tdfe\nA\t1\n\na\t2\n", 5, "line 3");
    expect_error("local\tdfe\nA\t1\n a \t2\n", 3, "maps to '2' here but to '1'");
    expect_error("M\t1\nF\t2\n", 1, "header");
    expect_error("# comment\nlocal dfe\n", 2, "header");
    expect_error("local\tdfe\tnote\n", 1, "header");
    expect_error("", 0, "no header");
    expect_error("# nothing\n\n", 0, "no header");
    expect_error("local\tdfe\n\t1\n", 2, "empty local");
    expect_error("local\tdfe\nA\t \n", 2, "empty DfE");
    expect_error("local\tdfe\n*\t1\n", 2, "'*<TAB>='");
    expect_error("local\tdfe\nA\t=\n", 2, "'*<TAB>='");

    cs_codemap *m;
    cs_diag d;
    cs_diag_clear(&d);
    assert_int_equal(cs_codemap_load(&m, "/nonexistent/x.tsv", &arena, &d), CS_ERR_IO);
    assert_null(m);
    assert_string_equal(d.file, "/nonexistent/x.tsv");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookup),
        cmocka_unit_test(test_pass_through),
        cmocka_unit_test(test_reverse),
        cmocka_unit_test(test_file_details),
        cmocka_unit_test(test_many_codes),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
