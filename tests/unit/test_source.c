/* Byte sources (file, gzip, stdin, memory) and text decoding (BOMs,
 * sniffing, iconv conversions, invalid input with positions, replacement). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "io/source.h"
#include "util/arena.h"

/* ---- helpers ---- */

/* Writes data to a new temp file; returns its path (free and unlink after). */
static char *temp_file(const void *data, size_t n)
{
    const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    size_t cap = strlen(dir) + 32;
    char *path = cs_xmalloc(cap);
    snprintf(path, cap, "%s/cs_source_XXXXXX", dir);
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, n), (ssize_t)n);
    close(fd);
    return path;
}

static void drop_file(char *path)
{
    unlink(path);
    free(path);
}

/* One gzip member holding data. */
static unsigned char *gzip_bytes(const void *data, size_t n, size_t *out_len)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    size_t cap = deflateBound(&z, n) + 64;
    unsigned char *out = cs_xmalloc(cap);
    z.next_in = (unsigned char *)data;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    *out_len = cap - z.avail_out;
    deflateEnd(&z);
    return out;
}

typedef struct {
    char *data;
    size_t len;
    cs_status st;     /* CS_EOF when read to the end, else the error */
    cs_diag d;
} text_result;

/* Reads a text source to the end (or the first error) in reads of `chunk`. */
static text_result read_text(cs_textsrc *t, size_t chunk)
{
    text_result r = {cs_xmalloc(64), 0, CS_EOF, {0}};
    size_t cap = 64;
    char *buf = cs_xmalloc(chunk);
    cs_diag_clear(&r.d);
    for (;;) {
        size_t got;
        cs_status st = cs_textsrc_read(t, buf, chunk, &got, &r.d);
        if (st != CS_OK) {
            r.st = st;
            break;
        }
        if (got == 0)
            break;
        if (r.len + got + 1 > cap) {
            cap = (r.len + got + 1) * 2;
            r.data = cs_xrealloc(r.data, cap);
        }
        memcpy(r.data + r.len, buf, got);
        r.len += got;
    }
    r.data[r.len] = '\0';
    free(buf);
    return r;
}

typedef struct {
    cs_encoding enc;          /* forced encoding (AUTO = sniff) */
    cs_invalid_policy policy;
    cs_findings *findings;
    size_t max_read;          /* raw read cap, 0 = none */
    size_t chunk;             /* output read size, 0 = 4096 */
    cs_encoding *used;        /* out: encoding used */
} decode_opts;

/* Decodes a memory buffer; the result owns its data. */
static text_result decode(const void *data, size_t n, const decode_opts *o)
{
    cs_bytesrc *b;
    cs_textsrc *t;
    cs_diag d;
    cs_diag_clear(&d);
    assert_int_equal(cs_bytesrc_open_mem(&b, data, n, "mem.csv", &d), CS_OK);
    if (o->max_read)
        cs_bytesrc_set_max_read(b, o->max_read);
    cs_status st = cs_textsrc_open(&t, b, o->enc, o->policy, o->findings, &d);
    if (st != CS_OK) {
        text_result r = {cs_xstrdup(""), 0, st, d};
        return r;
    }
    if (o->used)
        *o->used = cs_textsrc_encoding(t);
    text_result r = read_text(t, o->chunk ? o->chunk : 4096);
    cs_textsrc_close(t);
    return r;
}

/* ---- byte sources ---- */

static void test_plain_file(void **state)
{
    (void)state;
    const char text[] = "id,name\n1,Zoë\n";
    char *path = temp_file(text, sizeof text - 1);
    cs_bytesrc *b;
    cs_diag d;
    assert_int_equal(cs_bytesrc_open(&b, path, &d), CS_OK);
    assert_string_equal(cs_bytesrc_name(b), path);
    assert_false(cs_bytesrc_is_gzip(b));
    char buf[64];
    size_t got, total = 0;
    while (cs_bytesrc_read(b, buf + total, 5, &got, &d) == CS_OK && got > 0)
        total += got;
    assert_int_equal(total, sizeof text - 1);
    assert_memory_equal(buf, text, total);
    assert_int_equal(cs_bytesrc_offset(b), total);
    /* end of input stays end of input */
    assert_int_equal(cs_bytesrc_read(b, buf, sizeof buf, &got, &d), CS_OK);
    assert_int_equal(got, 0);
    cs_bytesrc_close(b);
    drop_file(path);
}

static void test_open_errors(void **state)
{
    (void)state;
    cs_bytesrc *b = (cs_bytesrc *)1;
    cs_diag d;
    cs_diag_clear(&d);
    assert_int_equal(cs_bytesrc_open(&b, "/nonexistent/dir/file.csv", &d), CS_ERR_IO);
    assert_null(b);
    assert_string_equal(d.file, "/nonexistent/dir/file.csv");
    assert_non_null(strstr(d.msg, "cannot open"));
    assert_int_equal(cs_bytesrc_open(&b, "/tmp", &d), CS_ERR_IO);
    assert_non_null(strstr(d.msg, "directory"));
    cs_textsrc *t = (cs_textsrc *)1;
    assert_int_equal(cs_textsrc_open_path(&t, "/nonexistent.csv", CS_ENC_AUTO, CS_INVALID_ERROR,
                                          NULL, &d), CS_ERR_IO);
    assert_null(t);
}

static void test_empty_input(void **state)
{
    (void)state;
    decode_opts o = {0};
    cs_encoding used = CS_ENC_LATIN1;
    o.used = &used;
    text_result r = decode("", 0, &o);
    assert_int_equal(r.st, CS_EOF);
    assert_int_equal(r.len, 0);
    assert_int_equal(used, CS_ENC_UTF8);
    free(r.data);
}

static void test_gzip_file_detected_by_magic(void **state)
{
    (void)state;
    char text[5000];
    for (size_t i = 0; i < sizeof text; i++)
        text[i] = (char)('a' + i % 26);
    size_t zlen;
    unsigned char *z = gzip_bytes(text, sizeof text, &zlen);
    char *path = temp_file(z, zlen);   /* no .gz in the name */
    cs_textsrc *t;
    cs_diag d;
    assert_int_equal(cs_textsrc_open_path(&t, path, CS_ENC_AUTO, CS_INVALID_ERROR, NULL, &d),
                     CS_OK);
    assert_string_equal(cs_textsrc_name(t), path);
    text_result r = read_text(t, 1000);
    assert_int_equal(r.st, CS_EOF);
    assert_int_equal(r.len, sizeof text);
    assert_memory_equal(r.data, text, sizeof text);
    cs_textsrc_close(t);

    cs_bytesrc *b;
    assert_int_equal(cs_bytesrc_open(&b, path, &d), CS_OK);
    assert_true(cs_bytesrc_is_gzip(b));
    char buf[8192];
    size_t got, total = 0;
    while (cs_bytesrc_read(b, buf, sizeof buf, &got, &d) == CS_OK && got > 0)
        total += got;
    assert_int_equal(total, sizeof text);
    assert_int_equal(cs_bytesrc_offset(b), sizeof text);
    cs_bytesrc_close(b);
    free(r.data);
    /* 1-byte reads: zlib holds decoded output back while input runs out */
    for (size_t max_read = 1; max_read <= 2; max_read++) {
        decode_opts o = {.max_read = max_read, .chunk = 1};
        r = decode(z, zlen, &o);
        assert_int_equal(r.st, CS_EOF);
        assert_int_equal(r.len, sizeof text);
        assert_memory_equal(r.data, text, sizeof text);
        free(r.data);
    }
    free(z);
    drop_file(path);
}

static void test_gzip_multi_member(void **state)
{
    (void)state;
    size_t la, lb;
    unsigned char *a = gzip_bytes("first,member\n", 13, &la);
    unsigned char *b = gzip_bytes("second,member\n", 14, &lb);
    unsigned char both[512];
    memcpy(both, a, la);
    memcpy(both + la, b, lb);
    memset(both + la + lb, 0, 8);   /* zero padding after the last member is ignored */
    for (size_t max_read = 0; max_read <= 3; max_read += 3) {
        decode_opts o = {.max_read = max_read};
        text_result r = decode(both, la + lb + 8, &o);
        assert_int_equal(r.st, CS_EOF);
        assert_string_equal(r.data, "first,member\nsecond,member\n");
        free(r.data);
    }
    free(a);
    free(b);
}

static void test_gzip_truncated(void **state)
{
    (void)state;
    char text[20000];
    for (size_t i = 0; i < sizeof text; i++)
        text[i] = (char)(i % 7 == 6 ? '\n' : 'x' + i % 3);
    size_t zlen;
    unsigned char *z = gzip_bytes(text, sizeof text, &zlen);
    size_t cut = zlen - 12;
    char *path = temp_file(z, cut);
    cs_textsrc *t;
    cs_diag d;
    assert_int_equal(cs_textsrc_open_path(&t, path, CS_ENC_AUTO, CS_INVALID_ERROR, NULL, &d),
                     CS_OK);
    text_result r = read_text(t, 4096);
    assert_int_equal(r.st, CS_ERR_FORMAT);
    assert_string_equal(r.d.file, path);
    assert_non_null(strstr(r.d.msg, "truncated"));
    assert_int_equal(r.d.byte_offset, cut);
    assert_true(r.len <= sizeof text);
    assert_memory_equal(r.data, text, r.len);   /* what came before is intact */
    /* the error is sticky */
    size_t got;
    char buf[16];
    assert_int_equal(cs_textsrc_read(t, buf, sizeof buf, &got, &d), CS_ERR_FORMAT);
    cs_textsrc_close(t);
    /* with 1-byte reads, the same text comes out before the same error */
    decode_opts small = {.max_read = 1, .chunk = 1};
    text_result r1 = decode(z, cut, &small);
    assert_int_equal(r1.st, CS_ERR_FORMAT);
    assert_int_equal(r1.len, r.len);
    assert_memory_equal(r1.data, r.data, r.len);
    assert_int_equal(r1.d.byte_offset, cut);
    free(r1.data);
    free(r.data);

    /* just the magic: truncated too */
    decode_opts o = {0};
    r = decode("\x1f\x8b", 2, &o);
    assert_int_equal(r.st, CS_ERR_FORMAT);
    free(r.data);
    free(z);
    drop_file(path);
}

static void test_gzip_corrupt_and_trailing_garbage(void **state)
{
    (void)state;
    size_t zlen;
    unsigned char *z = gzip_bytes("a,b\n", 4, &zlen);
    unsigned char buf[256];
    memcpy(buf, z, zlen);
    memcpy(buf + zlen, "junk", 4);
    decode_opts o = {0};
    text_result r = decode(buf, zlen + 4, &o);
    assert_int_equal(r.st, CS_ERR_FORMAT);
    assert_non_null(strstr(r.d.msg, "after the end of the gzip stream"));
    assert_int_equal(r.d.byte_offset, zlen);
    assert_string_equal(r.data, "a,b\n");
    free(r.data);

    memcpy(buf, z, zlen);
    buf[zlen - 6] ^= 0xFF;   /* damage the CRC */
    r = decode(buf, zlen, &o);
    assert_int_equal(r.st, CS_ERR_FORMAT);
    assert_non_null(strstr(r.d.msg, "corrupt gzip"));
    free(r.data);
    free(z);
}

static void test_stdin(void **state)
{
    (void)state;
    const char text[] = "from,stdin\r\n";
    char *path = temp_file(text, sizeof text - 1);
    int saved = dup(STDIN_FILENO);
    int fd = open(path, O_RDONLY);
    assert_true(saved >= 0 && fd >= 0);
    dup2(fd, STDIN_FILENO);
    close(fd);
    cs_textsrc *t;
    cs_diag d;
    assert_int_equal(cs_textsrc_open_path(&t, "-", CS_ENC_AUTO, CS_INVALID_ERROR, NULL, &d),
                     CS_OK);
    assert_string_equal(cs_textsrc_name(t), "<stdin>");
    text_result r = read_text(t, 3);
    cs_textsrc_close(t);   /* must not close fd 0 */
    assert_true(fcntl(STDIN_FILENO, F_GETFD) >= 0);
    dup2(saved, STDIN_FILENO);
    close(saved);
    assert_int_equal(r.st, CS_EOF);
    assert_string_equal(r.data, text);
    free(r.data);
    drop_file(path);
}

/* ---- encodings ---- */

static void test_encoding_names(void **state)
{
    (void)state;
    assert_int_equal(cs_encoding_parse("UTF-8"), CS_ENC_UTF8);
    assert_int_equal(cs_encoding_parse("utf8"), CS_ENC_UTF8);
    assert_int_equal(cs_encoding_parse("utf-16"), CS_ENC_UTF16LE);
    assert_int_equal(cs_encoding_parse("UTF-16LE"), CS_ENC_UTF16LE);
    assert_int_equal(cs_encoding_parse("utf-16be"), CS_ENC_UTF16BE);
    assert_int_equal(cs_encoding_parse("Windows-1252"), CS_ENC_CP1252);
    assert_int_equal(cs_encoding_parse("cp1252"), CS_ENC_CP1252);
    assert_int_equal(cs_encoding_parse("ISO-8859-1"), CS_ENC_LATIN1);
    assert_int_equal(cs_encoding_parse("latin1"), CS_ENC_LATIN1);
    assert_int_equal(cs_encoding_parse("auto"), CS_ENC_AUTO);
    assert_int_equal(cs_encoding_parse("ebcdic"), -1);
    assert_int_equal(cs_encoding_parse(""), -1);
    assert_int_equal(cs_encoding_parse(NULL), -1);
    for (int e = CS_ENC_AUTO; e <= CS_ENC_LATIN1; e++)
        assert_int_equal(cs_encoding_parse(cs_encoding_name((cs_encoding)e)), e);
}

/* "Zoë £5 ‘quoted’ – ok\r\nline 2\n" in each encoding. */
static const char want_utf8[] =
    "Zo\xC3\xAB \xC2\xA3" "5 \xE2\x80\x98quoted\xE2\x80\x99 \xE2\x80\x93 ok\r\nline 2\n";
static const char in_cp1252[] = "Zo\xEB \xA3" "5 \x91quoted\x92 \x96 ok\r\nline 2\n";

/* The sample as UTF-16 (little or big endian), optionally with a BOM. */
static size_t sample_utf16(unsigned char *out, int big_endian, int bom)
{
    static const uint16_t units[] = {'Z', 'o', 0xEB, ' ', 0xA3, '5', ' ', 0x2018, 'q', 'u', 'o',
                                     't', 'e', 'd', 0x2019, ' ', 0x2013, ' ', 'o', 'k', '\r',
                                     '\n', 'l', 'i', 'n', 'e', ' ', '2', '\n'};
    size_t n = 0;
    if (bom) {
        out[n++] = big_endian ? 0xFE : 0xFF;
        out[n++] = big_endian ? 0xFF : 0xFE;
    }
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        out[n++] = (unsigned char)(big_endian ? units[i] >> 8 : units[i] & 0xFF);
        out[n++] = (unsigned char)(big_endian ? units[i] & 0xFF : units[i] >> 8);
    }
    return n;
}

static void check_decodes(const void *in, size_t n, cs_encoding forced, cs_encoding expect_used,
                          const char *expect)
{
    static const size_t max_reads[] = {0, 1, 3};
    static const size_t chunks[] = {4096, 1, 5};
    for (size_t i = 0; i < 3; i++) {
        cs_encoding used = CS_ENC_AUTO;
        decode_opts o = {.enc = forced, .max_read = max_reads[i], .chunk = chunks[i],
                         .used = &used};
        text_result r = decode(in, n, &o);
        assert_int_equal(r.st, CS_EOF);
        assert_int_equal(used, expect_used);
        assert_string_equal(r.data, expect);
        free(r.data);
    }
}

static void test_utf8_with_and_without_bom(void **state)
{
    (void)state;
    char in[256];
    check_decodes(want_utf8, sizeof want_utf8 - 1, CS_ENC_AUTO, CS_ENC_UTF8, want_utf8);
    memcpy(in, "\xEF\xBB\xBF", 3);
    memcpy(in + 3, want_utf8, sizeof want_utf8);
    check_decodes(in, 3 + sizeof want_utf8 - 1, CS_ENC_AUTO, CS_ENC_UTF8, want_utf8);
    check_decodes(in, 3 + sizeof want_utf8 - 1, CS_ENC_UTF8, CS_ENC_UTF8, want_utf8);
    /* a BOM-only file is empty text */
    check_decodes("\xEF\xBB\xBF", 3, CS_ENC_AUTO, CS_ENC_UTF8, "");
}

static void test_utf16_with_and_without_bom(void **state)
{
    (void)state;
    unsigned char in[256];
    size_t n = sample_utf16(in, 0, 1);
    check_decodes(in, n, CS_ENC_AUTO, CS_ENC_UTF16LE, want_utf8);
    check_decodes(in, n, CS_ENC_UTF16LE, CS_ENC_UTF16LE, want_utf8);
    n = sample_utf16(in, 1, 1);
    check_decodes(in, n, CS_ENC_AUTO, CS_ENC_UTF16BE, want_utf8);
    /* a BOM decides the byte order even when the profile says the other one */
    check_decodes(in, n, CS_ENC_UTF16LE, CS_ENC_UTF16BE, want_utf8);
    n = sample_utf16(in, 0, 0);
    check_decodes(in, n, CS_ENC_AUTO, CS_ENC_UTF16LE, want_utf8);
    n = sample_utf16(in, 1, 0);
    check_decodes(in, n, CS_ENC_AUTO, CS_ENC_UTF16BE, want_utf8);
    check_decodes(in, n, CS_ENC_UTF16BE, CS_ENC_UTF16BE, want_utf8);
    /* a character outside the BMP (surrogate pair), split by 1-byte reads */
    const unsigned char pair[] = {0xFF, 0xFE, 'a', 0, 0x3D, 0xD8, 0x00, 0xDE, 'b', 0};
    check_decodes(pair, sizeof pair, CS_ENC_AUTO, CS_ENC_UTF16LE, "a\xF0\x9F\x98\x80" "b");
}

static void test_single_byte_encodings(void **state)
{
    (void)state;
    /* not valid UTF-8, so sniffed as Windows-1252 */
    check_decodes(in_cp1252, sizeof in_cp1252 - 1, CS_ENC_AUTO, CS_ENC_CP1252, want_utf8);
    check_decodes(in_cp1252, sizeof in_cp1252 - 1, CS_ENC_CP1252, CS_ENC_CP1252, want_utf8);
    /* Latin-1 must be asked for; 0x80-0x9F are C1 controls there */
    check_decodes("caf\xE9 \xA3" "1\n", 8, CS_ENC_LATIN1, CS_ENC_LATIN1,
                  "caf\xC3\xA9 \xC2\xA3" "1\n");
    check_decodes("\x96", 1, CS_ENC_LATIN1, CS_ENC_LATIN1, "\xC2\x96");
    /* a UTF-8 BOM wins over a forced single-byte encoding */
    check_decodes("\xEF\xBB\xBFZo\xC3\xAB", 7, CS_ENC_CP1252, CS_ENC_UTF8, "Zo\xC3\xAB");
}

static void test_sniff_window(void **state)
{
    (void)state;
    /* 70 000 bytes of ASCII, then a Windows-1252 byte: the first 64 KiB look
     * like UTF-8, so the late byte is an error naming its line and offset. */
    size_t n = 70000;
    char *in = cs_xmalloc(n + 16);
    for (size_t i = 0; i < n; i++)
        in[i] = i % 100 == 99 ? '\n' : 'a';
    memcpy(in + n, "caf\xE9\n", 5);
    decode_opts o = {0};
    cs_encoding used;
    o.used = &used;
    text_result r = decode(in, n + 5, &o);
    assert_int_equal(used, CS_ENC_UTF8);
    assert_int_equal(r.st, CS_ERR_ENCODING);
    assert_int_equal(r.d.line, 701);
    assert_int_equal(r.d.col, 4);
    assert_int_equal(r.d.byte_offset, n + 3);
    assert_non_null(strstr(r.d.msg, "E9"));
    assert_non_null(strstr(r.d.msg, "guessed"));
    assert_int_equal(r.len, n + 3);   /* the text before it was handed out */
    free(r.data);
    /* the profile can say what it is */
    o.enc = CS_ENC_CP1252;
    r = decode(in, n + 5, &o);
    assert_int_equal(r.st, CS_EOF);
    assert_int_equal(used, CS_ENC_CP1252);
    assert_string_equal(r.data + n, "caf\xC3\xA9\n");
    free(r.data);
    free(in);
}

/* ---- invalid input ---- */

static void expect_error(const void *in, size_t n, cs_encoding enc, uint64_t line, uint64_t col,
                         uint64_t offset, const char *words)
{
    static const size_t max_reads[] = {0, 1};
    for (size_t i = 0; i < 2; i++) {
        decode_opts o = {.enc = enc, .max_read = max_reads[i]};
        text_result r = decode(in, n, &o);
        assert_int_equal(r.st, CS_ERR_ENCODING);
        assert_string_equal(r.d.file, "mem.csv");
        assert_int_equal(r.d.line, line);
        assert_int_equal(r.d.col, col);
        assert_int_equal(r.d.byte_offset, offset);
        if (!strstr(r.d.msg, words))
            fail_msg("message \"%s\" lacks \"%s\"", r.d.msg, words);
        free(r.data);
    }
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    expect_error("ab\ncd\xC3(x\n", 9, CS_ENC_UTF8, 2, 3, 5, "invalid UTF-8");
    expect_error("\xEF\xBB\xBF" "ab\r\nc\xFF", 9, CS_ENC_UTF8, 2, 2, 8, "FF");
    expect_error("a\rb\r\nc\nd\xC0\x80", 10, CS_ENC_UTF8, 4, 2, 8, "invalid UTF-8");  /* overlong */
    expect_error("x\xED\xA0\x80", 4, CS_ENC_UTF8, 1, 2, 1, "invalid UTF-8");   /* surrogate */
    /* above U+10FFFF */
    expect_error("\xC3\xA9\xC3\xA9\xF4\x90\x80\x80", 8, CS_ENC_UTF8, 1, 3, 4, "F4");
    expect_error("ok\n\xE2\x82", 5, CS_ENC_UTF8, 2, 1, 3, "cut short");
    expect_error("a,b\nc\0d\n", 8, CS_ENC_UTF8, 2, 2, 5, "NUL byte");
    expect_error("a,b\nc\0d\n", 8, CS_ENC_AUTO, 2, 2, 5, "NUL byte");
}

static void test_invalid_single_byte(void **state)
{
    (void)state;
    expect_error("caf\xE9\n\x81", 6, CS_ENC_CP1252, 2, 1, 5, "not defined");
    expect_error("caf\xE9\nx\0", 7, CS_ENC_CP1252, 2, 2, 6, "NUL byte");
    expect_error("\0", 1, CS_ENC_LATIN1, 1, 1, 0, "NUL byte");
    /* inside a stretch of accented text given to iconv at once */
    expect_error("caf\xE9\xE9 \xE9\x81\xE9 abc", 13, CS_ENC_CP1252, 1, 8, 7, "not defined");
}

static void test_invalid_utf16(void **state)
{
    (void)state;
    /* BOM, "a\n", lone low surrogate */
    const unsigned char lone_low[] = {0xFF, 0xFE, 'a', 0, '\n', 0, 'b', 0, 0x00, 0xDC, 'c', 0};
    expect_error(lone_low, sizeof lone_low, CS_ENC_AUTO, 2, 2, 8, "surrogate");
    /* high surrogate followed by a plain character */
    const unsigned char high_then_a[] = {0xFE, 0xFF, 0, 'x', 0xD8, 0x3D, 0, 'a'};
    expect_error(high_then_a, sizeof high_then_a, CS_ENC_AUTO, 1, 2, 4, "surrogate");
    /* high surrogate at the very end */
    const unsigned char high_at_end[] = {0xFF, 0xFE, 'x', 0, 0x3D, 0xD8};
    expect_error(high_at_end, sizeof high_at_end, CS_ENC_AUTO, 1, 2, 4, "cut short");
    /* odd trailing byte */
    const unsigned char odd[] = {0xFF, 0xFE, 'x', 0, '\n', 0, 'y', 0, 'z'};
    expect_error(odd, sizeof odd, CS_ENC_AUTO, 2, 2, 8, "odd trailing byte");
    /* U+0000 */
    const unsigned char nul[] = {0xFF, 0xFE, 'x', 0, 0, 0, 'y', 0};
    expect_error(nul, sizeof nul, CS_ENC_AUTO, 1, 2, 4, "NUL");
    /* a lone surrogate among other non-ASCII characters */
    const unsigned char mid[] = {0xFF, 0xFE, 0xE9, 0, 0xE9, 0, 0x00, 0xDC, 0xE9, 0, 'a', 0};
    expect_error(mid, sizeof mid, CS_ENC_AUTO, 1, 3, 6, "surrogate");
    /* high surrogate right before U+0000 */
    const unsigned char high_nul[] = {0xFF, 0xFE, 0x3D, 0xD8, 0, 0};
    expect_error(high_nul, sizeof high_nul, CS_ENC_AUTO, 1, 1, 2, "surrogate");
}

static void test_replace_policy(void **state)
{
    (void)state;
    cs_findings f;
    cs_findings_init(&f);
    const char in[] = "a\xFF" "b\nc\xFE\xFE" "d\nok\n\xE2\x82";
    decode_opts o = {.enc = CS_ENC_UTF8, .policy = CS_INVALID_REPLACE, .findings = &f};
    static const size_t max_reads[] = {0, 1};
    for (size_t i = 0; i < 2; i++) {
        o.max_read = max_reads[i];
        o.chunk = i ? 1 : 4096;
        text_result r = decode(in, sizeof in - 1, &o);
        assert_int_equal(r.st, CS_EOF);
        assert_string_equal(r.data, "a\xEF\xBF\xBD" "b\nc\xEF\xBF\xBD\xEF\xBF\xBD" "d\nok\n"
                                    "\xEF\xBF\xBD");
        free(r.data);
    }
    /* one finding per affected line (lines 1, 2 and 4), per run */
    assert_int_equal(f.count, 6);
    assert_int_equal(f.per_kind[CS_FK_BAD_ENCODING], 6);
    assert_int_equal(f.items[0].kind, CS_FK_BAD_ENCODING);
    assert_string_equal(f.items[0].file, "mem.csv");
    assert_int_equal(f.items[0].line, 1);
    assert_int_equal(f.items[0].col, 2);
    assert_string_equal(f.items[0].repaired, "\xEF\xBF\xBD");
    assert_non_null(strstr(f.items[0].detail, "byte offset 1"));
    assert_int_equal(f.items[1].line, 2);
    assert_int_equal(f.items[1].col, 2);
    assert_int_equal(f.items[2].line, 4);
    assert_int_equal(f.items[3].line, 1);
    cs_findings_free(&f);

    /* replacement without a findings list, and NUL / UTF-16 replacements */
    o.findings = NULL;
    o.max_read = 0;
    o.chunk = 0;
    text_result r = decode("x\0y", 3, &o);
    assert_int_equal(r.st, CS_EOF);
    assert_string_equal(r.data, "x\xEF\xBF\xBDy");
    free(r.data);
    const unsigned char u16[] = {0xFF, 0xFE, 'a', 0, 0x00, 0xDC, 'b', 0, 'c'};
    o.enc = CS_ENC_AUTO;
    r = decode(u16, sizeof u16, &o);
    assert_int_equal(r.st, CS_EOF);
    assert_string_equal(r.data, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD");
    free(r.data);
    o.enc = CS_ENC_CP1252;
    r = decode("\x81\x8D\x80", 3, &o);
    assert_int_equal(r.st, CS_EOF);
    assert_string_equal(r.data, "\xEF\xBF\xBD\xEF\xBF\xBD\xE2\x82\xAC");
    free(r.data);
}

static void test_error_is_sticky_and_late(void **state)
{
    (void)state;
    cs_bytesrc *b;
    cs_textsrc *t;
    cs_diag d;
    const char in[] = "good line\nbad \xFF here\n";
    assert_int_equal(cs_bytesrc_open_mem(&b, in, sizeof in - 1, "x.csv", &d), CS_OK);
    assert_int_equal(cs_textsrc_open(&t, b, CS_ENC_UTF8, CS_INVALID_ERROR, NULL, &d), CS_OK);
    char buf[64];
    size_t got;
    /* the valid text comes first, the error on the next read */
    assert_int_equal(cs_textsrc_read(t, buf, sizeof buf, &got, &d), CS_OK);
    assert_int_equal(got, 14);
    assert_int_equal(cs_textsrc_read(t, buf, sizeof buf, &got, &d), CS_ERR_ENCODING);
    assert_int_equal(got, 0);
    cs_diag d2;
    assert_int_equal(cs_textsrc_read(t, buf, sizeof buf, &got, &d2), CS_ERR_ENCODING);
    assert_string_equal(d.msg, d2.msg);
    assert_int_equal(d2.line, 2);
    assert_int_equal(d2.col, 5);
    cs_textsrc_close(t);
}

static void test_gzip_of_utf16(void **state)
{
    (void)state;
    unsigned char in[256];
    size_t n = sample_utf16(in, 0, 1), zlen;
    unsigned char *z = gzip_bytes(in, n, &zlen);
    check_decodes(z, zlen, CS_ENC_AUTO, CS_ENC_UTF16LE, want_utf8);
    free(z);
}

static void expect_decoded(const void *in, size_t n, cs_encoding enc, size_t chunk,
                           const char *want, size_t want_len)
{
    decode_opts o = {.enc = enc, .chunk = chunk};
    text_result r = decode(in, n, &o);
    assert_int_equal(r.st, CS_EOF);
    assert_int_equal(r.len, want_len);
    assert_memory_equal(r.data, want, want_len);
    free(r.data);
}

static void test_large_mixed_text_in_chunks(void **state)
{
    (void)state;
    /* 600 KB of accented text in Windows-1252, UTF-8 and UTF-16BE (with a
     * character outside the BMP now and then), read in odd chunks so that
     * boundaries fall inside characters on both sides. */
    size_t n = 600000, cn = 0, un = 0, wn = 0, wantn = 0;
    char *cp = cs_xmalloc(n), *u = cs_xmalloc(2 * n), *want = cs_xmalloc(4 * n);
    unsigned char *w = cs_xmalloc(4 * n + 2);
    w[wn++] = 0xFE;
    w[wn++] = 0xFF;
    for (size_t i = 0; i < n; i++) {
        char c = i % 50 == 49 ? '\n' : i % 3 == 0 ? '\xE9' : 'e';
        cp[cn++] = c;
        if (c == '\xE9') {
            memcpy(u + un, "\xC3\xA9", 2);
            un += 2;
        } else {
            u[un++] = c;
        }
        if (i % 97 == 5) {   /* U+1F600 */
            memcpy(w + wn, "\xD8\x3D\xDE\x00", 4);
            memcpy(want + wantn, "\xF0\x9F\x98\x80", 4);
            wn += 4;
            wantn += 4;
        } else {
            w[wn++] = 0;
            w[wn++] = (unsigned char)c;
            memcpy(want + wantn, u + un - (c == '\xE9' ? 2 : 1), c == '\xE9' ? 2 : 1);
            wantn += c == '\xE9' ? 2 : 1;
        }
    }
    expect_decoded(cp, cn, CS_ENC_CP1252, 7777, u, un);
    expect_decoded(u, un, CS_ENC_AUTO, 100003, u, un);
    expect_decoded(w, wn, CS_ENC_AUTO, 65537, want, wantn);
    free(cp);
    free(u);
    free(want);
    free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_file),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_empty_input),
        cmocka_unit_test(test_gzip_file_detected_by_magic),
        cmocka_unit_test(test_gzip_multi_member),
        cmocka_unit_test(test_gzip_truncated),
        cmocka_unit_test(test_gzip_corrupt_and_trailing_garbage),
        cmocka_unit_test(test_stdin),
        cmocka_unit_test(test_encoding_names),
        cmocka_unit_test(test_utf8_with_and_without_bom),
        cmocka_unit_test(test_utf16_with_and_without_bom),
        cmocka_unit_test(test_single_byte_encodings),
        cmocka_unit_test(test_sniff_window),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_invalid_single_byte),
        cmocka_unit_test(test_invalid_utf16),
        cmocka_unit_test(test_replace_policy),
        cmocka_unit_test(test_error_is_sticky_and_late),
        cmocka_unit_test(test_gzip_of_utf16),
        cmocka_unit_test(test_large_mixed_text_in_chunks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
