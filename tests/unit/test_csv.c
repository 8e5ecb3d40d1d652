/* CSV reader: quoting, line endings, blank lines, delimiters and sniffing,
 * positions, malformed input, caps, and buffer boundaries. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "io/source.h"
#include "read/csv.h"
#include "util/arena.h"
#include "util/limits.h"

/* ---- helpers ---- */

typedef struct {
    char delimiter, quote;
    size_t max_read;          /* raw read cap (1 = every byte a boundary) */
    cs_encoding enc;
} read_opts;

static cs_csv *open_csv(const void *data, size_t n, const read_opts *o)
{
    cs_bytesrc *b;
    cs_textsrc *t;
    cs_csv *r;
    cs_diag d;
    assert_int_equal(cs_bytesrc_open_mem(&b, data, n, "t.csv", &d), CS_OK);
    if (o && o->max_read)
        cs_bytesrc_set_max_read(b, o->max_read);
    assert_int_equal(cs_textsrc_open(&t, b, o ? o->enc : CS_ENC_AUTO, CS_INVALID_ERROR, NULL, &d),
                     CS_OK);
    cs_csv_opts co = {o ? o->delimiter : 0, o ? o->quote : 0};
    assert_int_equal(cs_csv_open(&r, t, &co, &d), CS_OK);
    return r;
}

/* Renders every record as "<f1><f2>...\n" ("!" before a blank one) until
 * the end or an error; returns the final status and fills d. */
static cs_status render(const void *data, size_t n, const read_opts *o, char *out, size_t cap,
                        cs_diag *d)
{
    cs_csv *r = open_csv(data, n, o);
    cs_record rec;
    cs_status st;
    size_t j = 0;
    uint64_t expect_index = 0;
    out[0] = '\0';
    while ((st = cs_csv_next(r, &rec, d)) == CS_OK) {
        assert_int_equal(rec.index, expect_index++);
        assert_true(rec.nfields >= 1);
        if (rec.blank)
            j += (size_t)snprintf(out + j, cap - j, "!");
        for (uint32_t i = 0; i < rec.nfields; i++)
            j += (size_t)snprintf(out + j, cap - j, "<%.*s>", (int)rec.fields[i].len,
                                  rec.fields[i].ptr);
        j += (size_t)snprintf(out + j, cap - j, "\n");
        assert_true(j < cap);
    }
    cs_csv_close(r);
    return st;
}

/* Renders at several read sizes and checks they all agree with want. */
static void expect_records(const char *data, char delimiter, const char *want)
{
    static const size_t max_reads[] = {0, 1, 2, 3, 7};
    char out[4096];
    for (size_t i = 0; i < sizeof max_reads / sizeof max_reads[0]; i++) {
        read_opts o = {.delimiter = delimiter, .max_read = max_reads[i]};
        cs_diag d;
        cs_status st = render(data, strlen(data), &o, out, sizeof out, &d);
        if (st != CS_EOF)
            fail_msg("max_read %zu: %s: %s", max_reads[i], cs_status_name(st), d.msg);
        if (strcmp(out, want) != 0)
            fail_msg("max_read %zu: got\n%s\nwanted\n%s", max_reads[i], out, want);
    }
}

/* Expects the error both with whole reads and with reads of small_read bytes. */
static void expect_error_reads(const char *data, size_t n, size_t small_read, cs_status want,
                               uint64_t line, uint64_t col, const char *words)
{
    const size_t max_reads[] = {0, small_read};
    char out[4096];
    for (size_t i = 0; i < 2; i++) {
        read_opts o = {.max_read = max_reads[i]};
        cs_diag d;
        cs_diag_clear(&d);
        cs_status st = render(data, n, &o, out, sizeof out, &d);
        assert_int_equal(st, want);
        assert_string_equal(d.file, "t.csv");
        assert_int_equal(d.line, line);
        assert_int_equal(d.col, col);
        if (!strstr(d.msg, words))
            fail_msg("message \"%s\" lacks \"%s\"", d.msg, words);
    }
}

static void expect_error(const char *data, size_t n, cs_status want, uint64_t line,
                         uint64_t col, const char *words)
{
    expect_error_reads(data, n, 1, want, line, col, words);
}

/* ---- records and quoting ---- */

static void test_simple(void **state)
{
    (void)state;
    expect_records("id,name,dob\n1,Zoë,01/02/2010\n2,,\n",
                   0, "<id><name><dob>\n<1><Zoë><01/02/2010>\n<2><><>\n");
    expect_records("", 0, "");
    expect_records("a", 0, "<a>\n");
    expect_records("a,", 0, "<a><>\n");
}

static void test_quoting(void **state)
{
    (void)state;
    expect_records("\"a,b\",\"c\"\"d\",e\n", 0, "<a,b><c\"d><e>\n");
    expect_records("\"\",\"\"\"\",\"x\"\"\"\n", 0, "<><\"><x\">\n");
    /* Excel habit: a quote inside an unquoted field is kept as it is */
    expect_records("ab\"c,5\" screen\n", 0, "<ab\"c><5\" screen>\n");
    /* leading space: not a quoted field */
    expect_records("a, \"b\"\n", 0, "<a>< \"b\">\n");
    /* a different quote character */
    read_opts o = {.quote = '\''};
    char out[256];
    cs_diag d;
    const char *in = "'a,b','it''s',\"x\"\n";
    assert_int_equal(render(in, strlen(in), &o, out, sizeof out, &d), CS_EOF);
    assert_string_equal(out, "<a,b><it's><\"x\">\n");
}

static void test_embedded_newlines(void **state)
{
    (void)state;
    expect_records("x,\"line1\nline2\",y\nnext,row,z\n", 0,
                   "<x><line1\nline2><y>\n<next><row><z>\n");
    expect_records("x,\"a\r\nb\rc\",y\r\n", 0, "<x><a\r\nb\rc><y>\n");
}

static void test_line_endings(void **state)
{
    (void)state;
    expect_records("a,b\r\nc,d\r\n", 0, "<a><b>\n<c><d>\n");
    expect_records("a,b\rc,d\r", 0, "<a><b>\n<c><d>\n");
    expect_records("a,b\nc,d", 0, "<a><b>\n<c><d>\n");
    expect_records("a,\"b\"\r\nc,\"d\"", 0, "<a><b>\n<c><d>\n");
    expect_records("a,\"b\"\r", 0, "<a><b>\n");
    expect_records("\"a\"", 0, "<a>\n");
    expect_records("a\n\r\n\rb", 0, "<a>\n!<>\n!<>\n<b>\n");
}

static void test_blank_lines(void **state)
{
    (void)state;
    expect_records("a,b\n\n,\n  , \t\nc,d\n\"\",\"\"\n\" \",x\n", 0,
                   "<a><b>\n!<>\n!<><>\n!<  >< \t>\n<c><d>\n!<><>\n< ><x>\n");
}

/* ---- delimiters ---- */

static void test_delimiters(void **state)
{
    (void)state;
    expect_records("a\tb\t\"c\td\"\n1\t2\t3\n", '\t', "<a><b><c\td>\n<1><2><3>\n");
    expect_records("a|b|c,d\n", '|', "<a><b><c,d>\n");
    expect_records("a;b;c,d\n", ';', "<a><b><c,d>\n");
    expect_records("a,b;c\n", ',', "<a><b;c>\n");
}

static char sniffed(const char *in)
{
    cs_csv *r = open_csv(in, strlen(in), NULL);
    char c = cs_csv_delimiter(r);
    assert_string_equal(cs_csv_name(r), "t.csv");
    cs_csv_close(r);
    return c;
}

static void test_delimiter_sniffing(void **state)
{
    (void)state;
    assert_int_equal(sniffed("a,b,c\n1,2,3\n"), ',');
    assert_int_equal(sniffed("a;b;c\n1;2;3\n"), ';');
    assert_int_equal(sniffed("a\tb\tc\n"), '\t');
    assert_int_equal(sniffed("a|b|c"), '|');
    assert_int_equal(sniffed("\"a,b,c\"|d|e\n"), '|');        /* quoted commas do not count */
    assert_int_equal(sniffed("name;amount\nx;\"1,5\"\n"), ';');
    assert_int_equal(sniffed("a;b,c;d\n"), ';');               /* most frequent */
    assert_int_equal(sniffed("a\tb|c\n"), '\t');               /* tie: earlier candidate */
    assert_int_equal(sniffed("single\n1,2,3,4\n"), ',');      /* only the first line counts */
    assert_int_equal(sniffed("single;column\r\n"), ';');
    assert_int_equal(sniffed(""), ',');
    /* sniffing works when the first line arrives a byte at a time */
    read_opts o = {.max_read = 1};
    const char *in = "a;b;c\n1;2;3\n";
    char out[256];
    cs_diag d;
    assert_int_equal(render(in, strlen(in), &o, out, sizeof out, &d), CS_EOF);
    assert_string_equal(out, "<a><b><c>\n<1><2><3>\n");
}

static void test_bad_options(void **state)
{
    (void)state;
    static const cs_csv_opts bad[] = {{'"', 0}, {'\n', 0}, {',', '\r'}, {'\xE9', 0}, {'x', 'x'}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cs_bytesrc *b;
        cs_textsrc *t;
        cs_csv *r = (cs_csv *)1;
        cs_diag d;
        assert_int_equal(cs_bytesrc_open_mem(&b, "a,b\n", 4, "t.csv", &d), CS_OK);
        assert_int_equal(cs_textsrc_open(&t, b, CS_ENC_AUTO, CS_INVALID_ERROR, NULL, &d), CS_OK);
        assert_int_equal(cs_csv_open(&r, t, &bad[i], &d), CS_ERR_CONFIG);   /* t is closed */
        assert_null(r);
    }
}

/* ---- positions ---- */

static void test_positions(void **state)
{
    (void)state;
    const char *in = "id,name,town\n"
                     "1,\"Zoë\",Llanelli\n"
                     "\"2\",\"multi\nline, é\",ß,x\r\n"
                     "é,ü,\"ß\"\n";
    static const size_t max_reads[] = {0, 1};
    for (size_t m = 0; m < 2; m++) {
        read_opts o = {.max_read = max_reads[m]};
        cs_csv *r = open_csv(in, strlen(in), &o);
        cs_record rec;
        cs_diag d;
        assert_int_equal(cs_csv_next(r, &rec, &d), CS_OK);
        assert_int_equal(rec.line, 1);
        assert_int_equal(rec.index, 0);
        assert_int_equal(rec.fields[2].col, 9);
        assert_int_equal(cs_csv_next(r, &rec, &d), CS_OK);
        assert_int_equal(rec.line, 2);
        assert_int_equal(rec.fields[1].col, 3);
        assert_int_equal(rec.fields[2].col, 9);   /* "Zoë" is 5 characters, 6 bytes */
        assert_int_equal(rec.fields[2].line, 2);
        assert_int_equal(cs_csv_next(r, &rec, &d), CS_OK);
        assert_int_equal(rec.line, 3);
        assert_int_equal(rec.nfields, 4);
        assert_int_equal(rec.fields[1].line, 3);
        assert_int_equal(rec.fields[1].col, 5);
        assert_int_equal(rec.fields[2].line, 4);  /* after the embedded newline */
        assert_int_equal(rec.fields[2].col, 10);  /* `line, é",` is 9 characters */
        assert_int_equal(rec.fields[3].col, 12);
        assert_int_equal(cs_csv_next(r, &rec, &d), CS_OK);
        assert_int_equal(rec.line, 5);
        assert_int_equal(rec.index, 3);
        assert_int_equal(rec.fields[0].col, 1);
        assert_int_equal(rec.fields[1].col, 3);
        assert_int_equal(rec.fields[2].col, 5);
        assert_int_equal(rec.fields[2].len, 2);
        assert_memory_equal(rec.fields[2].ptr, "ß", 2);
        assert_int_equal(cs_csv_next(r, &rec, &d), CS_EOF);
        assert_int_equal(cs_csv_next(r, &rec, &d), CS_EOF);
        cs_csv_close(r);
    }
}

static void test_lines_after_blank_and_cr(void **state)
{
    (void)state;
    const char *in = "a\r\rb\r\n\r\nc\n";
    cs_csv *r = open_csv(in, strlen(in), NULL);
    cs_record rec;
    cs_diag d;
    static const uint64_t lines[] = {1, 2, 3, 4, 5};
    static const int blank[] = {0, 1, 0, 1, 0};
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(cs_csv_next(r, &rec, &d), CS_OK);
        assert_int_equal(rec.line, lines[i]);
        assert_int_equal(rec.blank, blank[i]);
    }
    assert_int_equal(cs_csv_next(r, &rec, &d), CS_EOF);
    cs_csv_close(r);
}

/* ---- malformed input ---- */

static void test_unterminated_quote(void **state)
{
    (void)state;
    const char *a = "a,\"open\nmore\nlines";
    expect_error(a, strlen(a), CS_ERR_FORMAT, 1, 3, "never closed");
    const char *b = "x\ny,z,\"q\n";
    expect_error(b, strlen(b), CS_ERR_FORMAT, 2, 5, "never closed");
    const char *c = "é,\"";
    expect_error(c, strlen(c), CS_ERR_FORMAT, 1, 3, "never closed");
}

static void test_junk_after_closing_quote(void **state)
{
    (void)state;
    const char *a = "\"ab\"c,d\n";
    expect_error(a, strlen(a), CS_ERR_FORMAT, 1, 5, "after the closing quote");
    const char *b = "ok\n\"multi\nline\" x\n";
    expect_error(b, strlen(b), CS_ERR_FORMAT, 3, 6, "after the closing quote");
    const char *c = "x,\"é\"é\n";
    expect_error(c, strlen(c), CS_ERR_FORMAT, 1, 6, "after the closing quote");
}

static void test_records_before_an_error_come_first(void **state)
{
    (void)state;
    const char *in = "a,b\nc,d\n\"e\"f\n";
    cs_csv *r = open_csv(in, strlen(in), NULL);
    cs_record rec;
    cs_diag d, d2;
    assert_int_equal(cs_csv_next(r, &rec, &d), CS_OK);
    assert_int_equal(cs_csv_next(r, &rec, &d), CS_OK);
    assert_int_equal(cs_csv_next(r, &rec, &d), CS_ERR_FORMAT);
    assert_int_equal(cs_csv_next(r, &rec, &d2), CS_ERR_FORMAT);   /* sticky */
    assert_string_equal(d.msg, d2.msg);
    assert_int_equal(d2.line, 3);
    cs_csv_close(r);
}

static void test_encoding_error_passes_through(void **state)
{
    (void)state;
    const char in[] = "a,b\nc,d\xFF\n";
    read_opts o = {.enc = CS_ENC_UTF8};
    cs_csv *r = open_csv(in, sizeof in - 1, &o);
    cs_record rec;
    cs_diag d;
    assert_int_equal(cs_csv_next(r, &rec, &d), CS_OK);
    assert_int_equal(cs_csv_next(r, &rec, &d), CS_ERR_ENCODING);
    assert_int_equal(d.line, 2);
    assert_int_equal(d.col, 4);
    assert_int_equal(d.byte_offset, 7);
    cs_csv_close(r);
}

/* ---- caps ---- */

static void test_field_cap(void **state)
{
    (void)state;
    size_t n = CS_MAX_FIELD_BYTES;
    char *in = cs_xmalloc(n + 16);
    memcpy(in, "a,", 2);
    memset(in + 2, 'x', n);
    memcpy(in + 2 + n, "\nb\n", 3);
    char *out = cs_xmalloc(n + 64);
    cs_diag d;
    /* exactly at the cap: fine */
    assert_int_equal(render(in, n + 5, NULL, out, n + 64, &d), CS_EOF);
    /* one byte over: an error naming the field, unquoted or quoted */
    memset(in + 2, 'x', n + 1);
    memcpy(in + 3 + n, "\nb\n", 3);
    expect_error_reads(in, n + 6, 4093, CS_ERR_LIMIT, 1, 3, "field cap");
    in[2] = '"';
    memcpy(in + 3 + n, "\"\nb\n", 4);   /* n - 0 bytes between quotes: fine */
    assert_int_equal(render(in, n + 7, NULL, out, n + 64, &d), CS_EOF);
    in[3 + n] = 'x';
    memcpy(in + 4 + n, "\"\nb\n", 4);
    expect_error_reads(in, n + 8, 4093, CS_ERR_LIMIT, 1, 3, "field cap");
    /* doubled quotes count once */
    memset(in + 3, '"', n);
    assert_int_equal(render(in, n + 8, NULL, out, n + 64, &d), CS_EOF);
    free(out);
    free(in);
}

static void test_row_cap(void **state)
{
    (void)state;
    /* five fields just under the field cap: over the 4 MiB row cap */
    size_t f = CS_MAX_FIELD_BYTES - 1, n = 5 * (f + 1) + 8;
    char *in = cs_xmalloc(n);
    size_t j = 0;
    memcpy(in, "ok\n", 3);
    j = 3;
    for (int i = 0; i < 5; i++) {
        memset(in + j, 'y', f);
        j += f;
        in[j++] = i < 4 ? ',' : '\n';
    }
    expect_error_reads(in, j, 4093, CS_ERR_LIMIT, 2, 1, "row cap");
    /* a quote that never closes swallows the rest: the field cap stops it */
    in[3] = '"';
    expect_error_reads(in, j, 4093, CS_ERR_LIMIT, 2, 1, "field cap");
    free(in);
}

static void test_column_cap(void **state)
{
    (void)state;
    size_t n = CS_MAX_COLUMNS + 1;
    char *in = cs_xmalloc(2 * n + 4);
    for (size_t i = 0; i < n; i++) {
        in[2 * i] = 'a';
        in[2 * i + 1] = ',';
    }
    /* exactly CS_MAX_COLUMNS fields */
    in[2 * (n - 1) - 1] = '\n';
    cs_csv *r = open_csv(in, 2 * (n - 1), NULL);
    cs_record rec;
    cs_diag d;
    assert_int_equal(cs_csv_next(r, &rec, &d), CS_OK);
    assert_int_equal(rec.nfields, CS_MAX_COLUMNS);
    cs_csv_close(r);
    /* one more */
    in[2 * (n - 1) - 1] = ',';
    in[2 * n - 1] = '\n';
    expect_error(in, 2 * n, CS_ERR_LIMIT, 1, 2 * CS_MAX_COLUMNS + 1, "column cap");
    free(in);
}

/* ---- buffer boundaries ---- */

/* A few MiB of records of every kind, some longer than the initial buffer,
 * read with several read sizes: the fields must match what was written. */
static void test_buffer_boundaries(void **state)
{
    (void)state;
    size_t cap = 6u << 20, n = 0;
    char *in = cs_xmalloc(cap);
    uint32_t expect_len[4096][3];
    size_t nrec = 0;
    unsigned seed = 7;
    while (n < (5u << 20) && nrec < 4096) {
        seed = seed * 1103515245u + 12345u;
        uint32_t big = (seed >> 8) % 40 == 0;
        uint32_t len0 = big ? 900000 + (seed >> 4) % 100000 : (seed >> 5) % 300;
        uint32_t len1 = (seed >> 9) % 50;
        /* field 0: plain; field 1: quoted with doubled quotes and an embedded CRLF */
        memset(in + n, 'p', len0);
        n += len0;
        in[n++] = ',';
        in[n++] = '"';
        for (uint32_t k = 0; k < len1; k++) {
            in[n++] = 'q';
            in[n++] = '"';
            in[n++] = '"';
        }
        memcpy(in + n, "\r\nz\",é\r\n", 9);
        n += 9;
        expect_len[nrec][0] = len0;
        expect_len[nrec][1] = len1 * 2 + 3;
        expect_len[nrec][2] = 2;
        nrec++;
    }
    static const size_t max_reads[] = {0, 4093, 65536};
    for (size_t m = 0; m < 3; m++) {
        read_opts o = {.max_read = max_reads[m]};
        cs_csv *r = open_csv(in, n, &o);
        cs_record rec;
        cs_diag d;
        uint64_t line = 1;
        for (size_t i = 0; i < nrec; i++) {
            assert_int_equal(cs_csv_next(r, &rec, &d), CS_OK);
            assert_int_equal(rec.nfields, 3);
            assert_int_equal(rec.line, line);
            line += 2;
            for (int k = 0; k < 3; k++)
                assert_int_equal(rec.fields[k].len, expect_len[i][k]);
            for (uint32_t k = 0; k < rec.fields[0].len; k++)
                if (rec.fields[0].ptr[k] != 'p')
                    fail_msg("record %zu: field 0 byte %u", i, k);
            const char *q = rec.fields[1].ptr;
            for (uint32_t k = 0; k + 3 < rec.fields[1].len; k += 2)
                if (q[k] != 'q' || q[k + 1] != '"')
                    fail_msg("record %zu: field 1 at %u", i, k);
            assert_memory_equal(q + rec.fields[1].len - 3, "\r\nz", 3);
            assert_memory_equal(rec.fields[2].ptr, "é", 2);
            assert_int_equal(rec.fields[2].line, rec.line + 1);
            assert_int_equal(rec.fields[2].col, 4);
        }
        assert_int_equal(cs_csv_next(r, &rec, &d), CS_EOF);
        cs_csv_close(r);
    }
    free(in);
}

/* Every feature, a byte at a time, through UTF-16 and gzip. */
static void test_one_byte_source_through_utf16_and_gzip(void **state)
{
    (void)state;
    const char *in = "h1;h2;h3\r\n\"a;\"\"b\";\"multi\r\nline\";é\r\n\r\n;;\rlast;\"x\"";
    const char *want = "<h1><h2><h3>\n<a;\"b><multi\r\nline><é>\n!<>\n!<><><>\n<last><x>\n";
    expect_records(in, 0, want);
    /* UTF-16LE with BOM, gzip-compressed */
    unsigned char u16[256];
    size_t n = 0;
    u16[n++] = 0xFF;
    u16[n++] = 0xFE;
    for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
        unsigned cp = *p;
        if (cp == 0xC3) {   /* é */
            cp = 0xE9;
            p++;
        }
        u16[n++] = (unsigned char)cp;
        u16[n++] = 0;
    }
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    unsigned char gz[1024];
    z.next_in = u16;
    z.avail_in = (uInt)n;
    z.next_out = gz;
    z.avail_out = sizeof gz;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    size_t gzlen = sizeof gz - z.avail_out;
    deflateEnd(&z);
    char out[1024];
    cs_diag d;
    for (size_t max_read = 1; max_read <= 3; max_read++) {
        read_opts o = {.max_read = max_read};
        assert_int_equal(render(gz, gzlen, &o, out, sizeof out, &d), CS_EOF);
        assert_string_equal(out, want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simple),
        cmocka_unit_test(test_quoting),
        cmocka_unit_test(test_embedded_newlines),
        cmocka_unit_test(test_line_endings),
        cmocka_unit_test(test_blank_lines),
        cmocka_unit_test(test_delimiters),
        cmocka_unit_test(test_delimiter_sniffing),
        cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_positions),
        cmocka_unit_test(test_lines_after_blank_and_cr),
        cmocka_unit_test(test_unterminated_quote),
        cmocka_unit_test(test_junk_after_closing_quote),
        cmocka_unit_test(test_records_before_an_error_come_first),
        cmocka_unit_test(test_encoding_error_passes_through),
        cmocka_unit_test(test_field_cap),
        cmocka_unit_test(test_row_cap),
        cmocka_unit_test(test_column_cap),
        cmocka_unit_test(test_buffer_boundaries),
        cmocka_unit_test(test_one_byte_source_through_utf16_and_gzip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
