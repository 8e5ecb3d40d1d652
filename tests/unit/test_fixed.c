#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "read/fixed.h"
#include "util/limits.h"

static const cs_fixed_column LAYOUT[] = {
    {"ID", 1, 5},
    {"NAME", 6, 8},
    {"DOB", 14, 10},
};

typedef struct {
    cs_fixed *r;
    cs_record rec;
    int short_line;
    cs_diag d;
} fx;

static cs_status open_layout(fx *x, const char *text, size_t n, const cs_fixed_column *layout,
                             size_t ncols)
{
    memset(x, 0, sizeof *x);
    cs_diag_clear(&x->d);
    cs_bytesrc *src = NULL;
    assert_int_equal(cs_bytesrc_open_mem(&src, text, n, "test.txt", &x->d), CS_OK);
    cs_textsrc *t = NULL;
    assert_int_equal(cs_textsrc_open(&t, src, CS_ENC_UTF8, CS_INVALID_ERROR, NULL, &x->d), CS_OK);
    return cs_fixed_open(&x->r, t, layout, ncols, &x->d);
}

static void open_ok(fx *x, const char *text)
{
    assert_int_equal(open_layout(x, text, strlen(text), LAYOUT, 3), CS_OK);
}

static cs_status next(fx *x)
{
    return cs_fixed_next(x->r, &x->rec, &x->short_line, &x->d);
}

static void assert_field(const fx *x, uint32_t i, const char *want)
{
    assert_true(i < x->rec.nfields);
    char buf[128];
    snprintf(buf, sizeof buf, "%.*s", (int)x->rec.fields[i].len, x->rec.fields[i].ptr);
    assert_string_equal(buf, want);
}

static void test_columns_and_trimming(void **state)
{
    (void)state;
    fx x;
    open_ok(&x,
            "00001Ann     2010-01-01\n"
            "00002  Bob   2011-02-03   trailing junk past the layout\r\n"
            "00003Cy      \n");
    assert_int_equal(next(&x), CS_OK);
    assert_int_equal(x.rec.nfields, 3);
    assert_field(&x, 0, "00001");
    assert_field(&x, 1, "Ann");            /* trailing spaces are padding */
    assert_field(&x, 2, "2010-01-01");
    assert_int_equal(x.rec.line, 1);
    assert_int_equal(x.rec.index, 0);
    assert_int_equal(x.rec.fields[1].col, 6);
    assert_int_equal(x.rec.fields[2].col, 14);
    assert_false(x.short_line);
    assert_false(x.rec.blank);

    assert_int_equal(next(&x), CS_OK);
    assert_field(&x, 1, "  Bob");          /* leading spaces are kept */
    assert_field(&x, 2, "2011-02-03");
    assert_int_equal(x.rec.line, 2);
    assert_false(x.short_line);

    assert_int_equal(next(&x), CS_OK);     /* DOB wholly missing */
    assert_field(&x, 1, "Cy");
    assert_field(&x, 2, "");
    assert_true(x.short_line);
    assert_int_equal(x.rec.line, 3);

    assert_int_equal(next(&x), CS_EOF);
    assert_int_equal(next(&x), CS_EOF);
    cs_fixed_close(x.r);
}

static void test_utf8_counts_characters(void **state)
{
    (void)state;
    fx x;
    /* "Zoë" and "Łukasz" take more bytes than characters: the DOB column
     * must still start at character 14 */
    open_ok(&x,
            "00001Zo\xc3\xab     2010-01-01\n"
            "00002\xc5\x81ukasz  2011-02-03\n"
            "00003\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
            "\xe2\x82\xac\xe2\x82\xac" "2012-03-04\n");
    assert_int_equal(next(&x), CS_OK);
    assert_field(&x, 1, "Zo\xc3\xab");
    assert_field(&x, 2, "2010-01-01");
    assert_int_equal(next(&x), CS_OK);
    assert_field(&x, 1, "\xc5\x81ukasz");
    assert_field(&x, 2, "2011-02-03");
    assert_int_equal(next(&x), CS_OK);
    assert_int_equal(x.rec.fields[1].len, 24);   /* eight 3-byte euro signs */
    assert_field(&x, 2, "2012-03-04");
    cs_fixed_close(x.r);
}

static void test_short_and_blank_lines(void **state)
{
    (void)state;
    fx x;
    open_ok(&x, "00001Ann\n\n   \n0000\nlast line no newline 2013-01-01");
    assert_int_equal(next(&x), CS_OK);
    assert_field(&x, 1, "Ann");
    assert_field(&x, 2, "");
    assert_true(x.short_line);           /* DOB wholly missing */

    assert_int_equal(next(&x), CS_OK);
    assert_true(x.rec.blank);
    assert_false(x.short_line);
    assert_int_equal(x.rec.line, 2);
    assert_field(&x, 0, "");

    assert_int_equal(next(&x), CS_OK);
    assert_true(x.rec.blank);
    assert_int_equal(x.rec.line, 3);

    assert_int_equal(next(&x), CS_OK);
    assert_field(&x, 0, "0000");
    assert_field(&x, 1, "");
    assert_true(x.short_line);

    assert_int_equal(next(&x), CS_OK);   /* final line without a newline */
    assert_int_equal(x.rec.line, 5);
    assert_field(&x, 0, "last");
    assert_int_equal(next(&x), CS_EOF);
    cs_fixed_close(x.r);

    /* a line that stops inside the last column is not short */
    open_ok(&x, "00001Ann     2010\n");
    assert_int_equal(next(&x), CS_OK);
    assert_field(&x, 2, "2010");
    assert_false(x.short_line);
    cs_fixed_close(x.r);
}

static void test_line_ends(void **state)
{
    (void)state;
    fx x;
    open_ok(&x, "A\rB\r\nC\n\rD");
    const char *want[] = {"A", "B", "C", "", "D"};
    for (int i = 0; i < 5; i++) {
        assert_int_equal(next(&x), CS_OK);
        assert_int_equal(x.rec.line, (uint64_t)i + 1);
        assert_field(&x, 0, want[i]);
    }
    assert_int_equal(next(&x), CS_EOF);
    cs_fixed_close(x.r);

    open_ok(&x, "");
    assert_int_equal(next(&x), CS_EOF);
    cs_fixed_close(x.r);
}

static void test_layout_order_is_kept(void **state)
{
    (void)state;
    /* columns listed out of position order come back in layout order */
    const cs_fixed_column layout[] = {{"DOB", 14, 10}, {"ID", 1, 5}, {"GAP", 30, 3}};
    fx x;
    const char *text = "00001Ann     2010-01-01      xyz\n";
    assert_int_equal(open_layout(&x, text, strlen(text), layout, 3), CS_OK);
    assert_int_equal(next(&x), CS_OK);
    assert_field(&x, 0, "2010-01-01");
    assert_field(&x, 1, "00001");
    assert_field(&x, 2, "xyz");
    assert_int_equal(x.rec.fields[0].col, 14);
    cs_fixed_close(x.r);
}

static void test_bad_layouts(void **state)
{
    (void)state;
    const cs_fixed_column overlap[] = {{"A", 1, 5}, {"B", 5, 2}};
    const cs_fixed_column zero_width[] = {{"A", 1, 0}};
    const cs_fixed_column zero_start[] = {{"A", 0, 3}};
    const cs_fixed_column too_far[] = {{"A", CS_MAX_ROW_BYTES, 2}};
    struct {
        const cs_fixed_column *l;
        size_t n;
        const char *msg;
    } cases[] = {
        {overlap, 2, "overlap"},
        {zero_width, 1, "width"},
        {zero_start, 1, "start"},
        {too_far, 1, "beyond"},
        {overlap, 0, "between"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fx x;
        assert_int_equal(open_layout(&x, "x\n", 2, cases[i].l, cases[i].n), CS_ERR_CONFIG);
        assert_null(x.r);
        if (!strstr(x.d.msg, cases[i].msg))
            fail_msg("case %zu: %s", i, x.d.msg);
        assert_string_equal(x.d.file, "test.txt");
    }
}

static void test_overlong_line(void **state)
{
    (void)state;
    size_t n = CS_MAX_ROW_BYTES + 100;
    char *text = malloc(n + 8);
    memcpy(text, "ok\n", 3);
    memset(text + 3, 'x', n);
    fx x;
    assert_int_equal(open_layout(&x, text, n + 3, LAYOUT, 3), CS_OK);
    assert_int_equal(next(&x), CS_OK);
    assert_int_equal(next(&x), CS_ERR_LIMIT);
    assert_int_equal(x.d.line, 2);
    assert_string_equal(x.d.file, "test.txt");
    cs_fixed_close(x.r);
    free(text);
}

static void test_encoding_error_passes_through(void **state)
{
    (void)state;
    fx x;
    const char *text = "00001Ann\n00002B\xff\xfe\n";
    assert_int_equal(open_layout(&x, text, strlen(text), LAYOUT, 3), CS_OK);
    cs_status st;
    while ((st = next(&x)) == CS_OK)
        ;
    assert_int_equal(st, CS_ERR_ENCODING);
    assert_int_equal(x.d.line, 2);
    cs_fixed_close(x.r);
}

static void test_many_lines_cross_buffers(void **state)
{
    (void)state;
    /* enough text to refill the window many times, with a CR LF pair that
     * lands on a read boundary somewhere */
    size_t lines = 40000;
    char *text = malloc(lines * 26 + 1);
    size_t len = 0;
    for (size_t i = 0; i < lines; i++)
        len += (size_t)sprintf(text + len, "%05zuName%-4zu2010-01-01\r\n", i % 100000, i % 1000);
    fx x;
    assert_int_equal(open_layout(&x, text, len, LAYOUT, 3), CS_OK);
    size_t count = 0;
    while (next(&x) == CS_OK) {
        char want[8];
        snprintf(want, sizeof want, "%05zu", count % 100000);
        assert_int_equal(x.rec.fields[0].len, 5);
        assert_memory_equal(x.rec.fields[0].ptr, want, 5);
        assert_int_equal(x.rec.line, count + 1);
        assert_field(&x, 2, "2010-01-01");
        count++;
    }
    assert_int_equal(count, lines);
    cs_fixed_close(x.r);
    free(text);
}

/* One byte per underlying read: every byte is a buffer boundary, CR LF
 * pairs included. */
static void test_one_byte_reads(void **state)
{
    (void)state;
    const char *text = "00001Zo\xc3\xab     2010-01-01\r\n00002Bob\r\r\n00003\r";
    cs_diag d;
    cs_bytesrc *src = NULL;
    assert_int_equal(cs_bytesrc_open_mem(&src, text, strlen(text), "t.txt", &d), CS_OK);
    cs_bytesrc_set_max_read(src, 1);
    cs_textsrc *t = NULL;
    assert_int_equal(cs_textsrc_open(&t, src, CS_ENC_UTF8, CS_INVALID_ERROR, NULL, &d), CS_OK);
    fx x;
    memset(&x, 0, sizeof x);
    assert_int_equal(cs_fixed_open(&x.r, t, LAYOUT, 3, &d), CS_OK);
    assert_int_equal(next(&x), CS_OK);
    assert_field(&x, 1, "Zo\xc3\xab");
    assert_field(&x, 2, "2010-01-01");
    assert_int_equal(next(&x), CS_OK);
    assert_field(&x, 1, "Bob");
    assert_int_equal(x.rec.line, 2);
    assert_int_equal(next(&x), CS_OK);   /* the lone CR made an empty line */
    assert_true(x.rec.blank);
    assert_int_equal(x.rec.line, 3);
    assert_int_equal(next(&x), CS_OK);
    assert_field(&x, 0, "00003");
    assert_int_equal(x.rec.line, 4);
    assert_int_equal(next(&x), CS_EOF);
    cs_fixed_close(x.r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_columns_and_trimming),
        cmocka_unit_test(test_utf8_counts_characters),
        cmocka_unit_test(test_short_and_blank_lines),
        cmocka_unit_test(test_line_ends),
        cmocka_unit_test(test_layout_order_is_kept),
        cmocka_unit_test(test_bad_layouts),
        cmocka_unit_test(test_overlong_line),
        cmocka_unit_test(test_encoding_error_passes_through),
        cmocka_unit_test(test_many_lines_cross_buffers),
        cmocka_unit_test(test_one_byte_reads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
