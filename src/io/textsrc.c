/* Text sources: UTF-8 out of any supported encoding.
 *
 * Raw bytes are read in 256 KiB chunks. UTF-8 input is validated in place
 * and copied out (no iconv); for the other encodings ASCII runs are copied
 * directly and only the rest goes through iconv.
 *
 * Each decoder converts the longest valid stretch it can, then stops at an
 * invalid sequence, which the caller either reports (CS_INVALID_ERROR) or
 * replaces with U+FFFD (CS_INVALID_REPLACE). The valid text before an
 * invalid sequence is always handed out first, so the line and column
 * counters (kept on the output: LF, CR LF and lone CR each end a line, as in
 * the CSV reader) name the line the bad bytes are on. */
#include "io/source.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/utf8.h"
#include "util/arena.h"

#define RAW_MAX (256u * 1024u)   /* raw buffer; it starts at SNIFF_BYTES */
#define SNIFF_BYTES (64u * 1024u)
#define SMALL_OUT 16u   /* below this a read goes through the pend buffer */

typedef struct {
    size_t len;          /* bytes of the invalid sequence at raw_pos */
    const char *what;    /* plain words for messages and findings */
} bad_seq;

struct cs_textsrc {
    cs_bytesrc *src;
    char *name;
    cs_encoding enc;
    cs_invalid_policy policy;
    cs_findings *findings;
    int sniffed;             /* encoding guessed from bytes, not BOM or caller */
    iconv_t cd;

    unsigned char *raw;
    size_t raw_cap, raw_pos, raw_len;
    uint64_t raw_base;       /* raw offset of raw[0] */
    int raw_eof;
    int last_read_full;      /* the last read filled the buffer: grow it */

    uint64_t line;           /* line of the next output byte (1-based) */
    uint64_t col;            /* characters already on that line */
    int prev_cr;             /* last output byte was CR (a following LF is not a new line) */
    uint64_t finding_line;   /* last line given a BAD_ENCODING finding */

    char pend[SMALL_OUT];    /* output decoded for a tiny read, not yet handed out */
    size_t pend_pos, pend_len;

    int failed;              /* sticky error */
    cs_diag err;
};

/* ---- encoding names ---- */

static void squash_name(const char *in, char *out, size_t n)
{
    size_t j = 0;
    for (; *in && j + 1 < n; in++) {
        if (*in == '-' || *in == '_' || *in == ' ')
            continue;
        out[j++] = (char)tolower((unsigned char)*in);
    }
    out[j] = '\0';
}

int cs_encoding_parse(const char *name)
{
    static const struct { const char *alias; cs_encoding enc; } names[] = {
        {"auto", CS_ENC_AUTO},         {"utf8", CS_ENC_UTF8},
        {"utf16le", CS_ENC_UTF16LE},   {"utf16", CS_ENC_UTF16LE},
        {"ucs2", CS_ENC_UTF16LE},      {"ucs2le", CS_ENC_UTF16LE},
        {"unicode", CS_ENC_UTF16LE},   {"utf16be", CS_ENC_UTF16BE},
        {"ucs2be", CS_ENC_UTF16BE},    {"windows1252", CS_ENC_CP1252},
        {"cp1252", CS_ENC_CP1252},     {"win1252", CS_ENC_CP1252},
        {"ansi", CS_ENC_CP1252},       {"iso88591", CS_ENC_LATIN1},
        {"latin1", CS_ENC_LATIN1},     {"l1", CS_ENC_LATIN1},
        {"iso885915", -1},
    };
    char key[32];
    if (!name)
        return -1;
    squash_name(name, key, sizeof key);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(key, names[i].alias) == 0)
            return (int)names[i].enc;
    return -1;
}

const char *cs_encoding_name(cs_encoding e)
{
    switch (e) {
    case CS_ENC_AUTO: return "auto";
    case CS_ENC_UTF8: return "utf-8";
    case CS_ENC_UTF16LE: return "utf-16le";
    case CS_ENC_UTF16BE: return "utf-16be";
    case CS_ENC_CP1252: return "windows-1252";
    case CS_ENC_LATIN1: return "iso-8859-1";
    }
    return "unknown";
}

static const char *iconv_name(cs_encoding e)
{
    switch (e) {
    case CS_ENC_UTF16LE: return "UTF-16LE";
    case CS_ENC_UTF16BE: return "UTF-16BE";
    case CS_ENC_CP1252: return "WINDOWS-1252";
    case CS_ENC_LATIN1: return "ISO-8859-1";
    default: return NULL;
    }
}

/* ---- raw buffer ---- */

static cs_status set_failed(cs_textsrc *t, const cs_diag *e)
{
    t->failed = 1;
    t->err = *e;
    return e->status;
}

/* Moves the unread tail to the front and reads more behind it. */
static cs_status refill(cs_textsrc *t)
{
    if (t->raw_pos > 0) {
        memmove(t->raw, t->raw + t->raw_pos, t->raw_len - t->raw_pos);
        t->raw_base += t->raw_pos;
        t->raw_len -= t->raw_pos;
        t->raw_pos = 0;
    }
    if (t->raw_eof)
        return CS_OK;
    if (t->last_read_full && t->raw_cap < RAW_MAX) {
        t->raw_cap *= 2;   /* a long input: larger reads */
        t->raw = cs_xrealloc(t->raw, t->raw_cap);
    }
    if (t->raw_len == t->raw_cap)
        return CS_OK;
    size_t got;
    cs_diag e;
    cs_diag_clear(&e);
    cs_status st = cs_bytesrc_read(t->src, t->raw + t->raw_len, t->raw_cap - t->raw_len, &got, &e);
    if (st != CS_OK)
        return set_failed(t, &e);
    if (got == 0)
        t->raw_eof = 1;
    t->last_read_full = got == t->raw_cap - t->raw_len;
    t->raw_len += got;
    return CS_OK;
}

/* ---- sniffing ---- */

/* UTF-16 without a BOM: ASCII-range text has a zero in every other byte. */
static cs_encoding sniff_utf16(const unsigned char *p, size_t n)
{
    size_t pairs = n / 2, zero_lo = 0, zero_hi = 0;
    for (size_t i = 0; i < pairs; i++) {
        unsigned char a = p[2 * i], b = p[2 * i + 1];
        if (a != 0 && b == 0)
            zero_hi++;
        else if (a == 0 && b != 0)
            zero_lo++;
    }
    if (pairs == 0)
        return CS_ENC_AUTO;
    if (zero_hi * 2 >= pairs && zero_lo * 8 <= zero_hi)
        return CS_ENC_UTF16LE;
    if (zero_lo * 2 >= pairs && zero_hi * 8 <= zero_lo)
        return CS_ENC_UTF16BE;
    return CS_ENC_AUTO;
}

static cs_encoding sniff_bytes(const unsigned char *p, size_t n, int whole_file)
{
    cs_encoding e = sniff_utf16(p, n);
    if (e != CS_ENC_AUTO)
        return e;
    cs_utf8_scan sc = cs_utf8_validate(p, n, 1);
    if (sc.status == CS_UTF8_OK || (sc.status == CS_UTF8_INCOMPLETE && !whole_file))
        return CS_ENC_UTF8;
    return CS_ENC_CP1252;
}

/* A BOM, when present, decides the encoding (and is dropped). The caller's
 * forced encoding applies to files without one. */
static cs_encoding bom_encoding(const unsigned char *p, size_t n, size_t *bom_len)
{
    if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
        *bom_len = 3;
        return CS_ENC_UTF8;
    }
    if (n >= 2 && p[0] == 0xFF && p[1] == 0xFE) {
        *bom_len = 2;
        return CS_ENC_UTF16LE;
    }
    if (n >= 2 && p[0] == 0xFE && p[1] == 0xFF) {
        *bom_len = 2;
        return CS_ENC_UTF16BE;
    }
    *bom_len = 0;
    return CS_ENC_AUTO;
}

/* ---- decoders: convert from raw_pos into out; stop at an invalid sequence
 * (bad->len > 0) or at an incomplete one at the end of the raw data (*more). */

static size_t decode_utf8(cs_textsrc *t, char *out, size_t cap, bad_seq *bad, int *more)
{
    const unsigned char *p = t->raw + t->raw_pos;
    size_t avail = t->raw_len - t->raw_pos;
    size_t n = avail < cap ? avail : cap;
    cs_utf8_scan sc = cs_utf8_validate(p, n, 0);
    memcpy(out, p, sc.valid);
    t->raw_pos += sc.valid;
    if (sc.status == CS_UTF8_INVALID) {
        bad->len = sc.bad_len;
        bad->what = p[sc.valid] == 0 ? "NUL byte" : "invalid UTF-8 byte sequence";
    } else if (sc.status == CS_UTF8_INCOMPLETE && n == avail) {
        if (t->raw_eof) {
            bad->len = avail - sc.valid;
            bad->what = "UTF-8 sequence cut short at the end of the file";
        } else {
            *more = 1;
        }
    }
    return sc.valid;
}

/* How far iconv should take it from p (a non-ASCII byte): up to the next
 * long ASCII run, NUL or the end, so text full of accents is not converted
 * a character per call. */
static const unsigned char *single_byte_span(const unsigned char *p, const unsigned char *end)
{
    while (p < end && *p != 0) {
        if (*p >= 0x80) {
            p++;
            continue;
        }
        size_t lim = (size_t)(end - p) < 16 ? (size_t)(end - p) : 16;
        size_t a = cs_ascii_run(p, lim);
        if (a == 16)
            break;
        p += a;
    }
    return p;
}

/* Windows-1252 / Latin-1: ASCII runs are copied, the rest goes to iconv
 * (which rejects the five bytes Windows-1252 leaves undefined). */
static size_t decode_single(cs_textsrc *t, char *out, size_t cap, bad_seq *bad, int *more)
{
    (void)more;
    const unsigned char *p = t->raw + t->raw_pos, *end = t->raw + t->raw_len;
    size_t produced = 0;
    while (p < end && produced < cap) {
        size_t lim = (size_t)(end - p) < cap - produced ? (size_t)(end - p) : cap - produced;
        size_t a = cs_ascii_run(p, lim);
        memcpy(out + produced, p, a);
        p += a;
        produced += a;
        if (a == lim)
            break;
        if (*p == 0) {
            bad->len = 1;
            bad->what = "NUL byte";
            break;
        }
        const unsigned char *q = single_byte_span(p, end);
        char *in = (char *)p, *o = out + produced;
        size_t inleft = (size_t)(q - p), outleft = cap - produced;
        size_t r = iconv(t->cd, &in, &inleft, &o, &outleft);
        int err = errno;
        p = (const unsigned char *)in;
        produced = (size_t)(o - out);
        if (r == (size_t)-1) {
            if (err == EILSEQ || err == EINVAL) {
                bad->len = 1;
                bad->what = "byte not defined in the encoding";
            }
            break;   /* E2BIG: output full */
        }
    }
    t->raw_pos = (size_t)(p - t->raw);
    return produced;
}

static inline unsigned utf16_unit(const unsigned char *p, int be)
{
    return be ? (unsigned)p[0] << 8 | p[1] : (unsigned)p[1] << 8 | p[0];
}

/* Copies the leading ASCII code units (U+0001..U+007F) of p, at most
 * `units` of them, to out as bytes; returns how many. */
static size_t utf16_ascii_run(const unsigned char *p, size_t units, int be, char *out)
{
    size_t i = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const uint64_t not_ascii = be ? 0x80FF80FF80FF80FFull : 0xFF80FF80FF80FF80ull;
    for (; i + 4 <= units; i += 4) {
        uint64_t w;
        memcpy(&w, p + 2 * i, 8);
        if (be)
            w >>= 8;   /* the low bytes of the units to the even places */
        if ((w & not_ascii) != 0 ||
            ((w - 0x0001000100010001ull) & ~w & 0x8000800080008000ull) != 0)
            break;
        uint32_t four = (uint32_t)((w & 0xFF) | ((w >> 8) & 0xFF00) | ((w >> 16) & 0xFF0000) |
                                   ((w >> 24) & 0xFF000000));
        memcpy(out + i, &four, 4);
    }
#endif
    for (; i < units; i++) {
        unsigned u = utf16_unit(p + 2 * i, be);
        if (u == 0 || u >= 0x80)
            break;
        out[i] = (char)u;
    }
    return i;
}

/* How far iconv should take it from p (a non-ASCII unit): up to the next
 * run of 8 ASCII units, U+0000 or the end. */
static const unsigned char *utf16_span(const unsigned char *p, const unsigned char *end, int be)
{
    size_t ascii = 0;
    const unsigned char *q = p;
    for (; q < end; q += 2) {
        unsigned u = utf16_unit(q, be);
        if (u == 0)
            break;
        ascii = u < 0x80 ? ascii + 1 : 0;
        if (ascii == 8)
            return q - 14;
    }
    return q - 2 * ascii;
}

/* ASCII runs are copied; the stretches between them go to iconv. */
static size_t decode_utf16(cs_textsrc *t, char *out, size_t cap, bad_seq *bad, int *more)
{
    int be = t->enc == CS_ENC_UTF16BE;
    const unsigned char *p = t->raw + t->raw_pos;
    const unsigned char *end = p + ((t->raw_len - t->raw_pos) & ~(size_t)1);
    size_t produced = 0;
    while (p < end && produced < cap) {
        size_t lim = (size_t)(end - p) / 2;
        if (lim > cap - produced)
            lim = cap - produced;
        size_t a = utf16_ascii_run(p, lim, be, out + produced);
        p += 2 * a;
        produced += a;
        if (a == lim)
            continue;
        if (utf16_unit(p, be) == 0) {
            bad->len = 2;
            bad->what = "NUL character";
            break;
        }
        const unsigned char *q = utf16_span(p, end, be);
        char *in = (char *)p, *o = out + produced;
        size_t inleft = (size_t)(q - p), outleft = cap - produced;
        size_t r = iconv(t->cd, &in, &inleft, &o, &outleft);
        int err = errno;
        p = (const unsigned char *)in;
        produced = (size_t)(o - out);
        if (r != (size_t)-1)
            continue;
        if (err == EILSEQ || (err == EINVAL && q < end)) {
            bad->len = 2;
            bad->what = "unpaired UTF-16 surrogate";
        } else if (err == EINVAL && !t->raw_eof) {
            *more = 1;
        } else if (err == EINVAL) {
            bad->len = t->raw_len - (size_t)(p - t->raw);
            bad->what = "UTF-16 text cut short at the end of the file";
        }
        break;   /* or E2BIG: output full */
    }
    t->raw_pos = (size_t)(p - t->raw);
    if (!bad->len && !*more && p == end && t->raw_len - t->raw_pos == 1) {
        if (t->raw_eof) {
            bad->len = 1;
            bad->what = "odd trailing byte in UTF-16 text";
        } else {
            *more = 1;
        }
    }
    return produced;
}

/* ---- line and column tracking on the output ---- */

static void track(cs_textsrc *t, const char *s, size_t n)
{
    if (n == 0)
        return;
    const char *end = s + n, *line_start = NULL, *q, *hit;
    for (q = s; (hit = memchr(q, '\n', (size_t)(end - q))) != NULL; q = hit + 1) {
        int after_cr = hit > s ? hit[-1] == '\r' : t->prev_cr;
        if (!after_cr)
            t->line++;
        line_start = hit + 1;
    }
    for (q = s; (hit = memchr(q, '\r', (size_t)(end - q))) != NULL; q = hit + 1) {
        t->line++;
        if (!line_start || hit + 1 > line_start)
            line_start = hit + 1;
    }
    if (line_start)
        t->col = cs_utf8_count_chars((const unsigned char *)line_start, (size_t)(end - line_start));
    else
        t->col += cs_utf8_count_chars((const unsigned char *)s, n);
    t->prev_cr = end[-1] == '\r';
}

/* "invalid UTF-8 byte sequence (C3 28) at byte offset 5 in utf-8 text" */
static void describe_bad(const cs_textsrc *t, const bad_seq *bad, char *buf, size_t cap)
{
    const unsigned char *p = t->raw + t->raw_pos;
    char hex[40];
    size_t j = 0;
    hex[0] = '\0';
    for (size_t i = 0; i < bad->len && i < 8; i++)
        j += (size_t)snprintf(hex + j, sizeof hex - j, "%s%02X", i ? " " : "", p[i]);
    snprintf(buf, cap, "%s (%s%s) at byte offset %llu in %s text", bad->what, hex,
             bad->len > 8 ? " ..." : "", (unsigned long long)(t->raw_base + t->raw_pos),
             cs_encoding_name(t->enc));
}

static cs_status report_bad(cs_textsrc *t, const bad_seq *bad)
{
    char what[200];
    describe_bad(t, bad, what, sizeof what);
    cs_diag e;
    cs_diag_set(&e, CS_ERR_ENCODING, t->name, t->line, t->col + 1, "%s%s", what,
                t->sniffed ? " (encoding guessed from the first 64 KiB; set it in the "
                             "source profile if that guess is wrong)" : "");
    e.byte_offset = t->raw_base + t->raw_pos;
    return set_failed(t, &e);
}

static void record_replacement(cs_textsrc *t, const bad_seq *bad)
{
    if (!t->findings || t->finding_line == t->line)
        return;
    t->finding_line = t->line;
    char detail[200];
    describe_bad(t, bad, detail, sizeof detail);
    uint32_t col = t->col + 1 > UINT32_MAX ? UINT32_MAX : (uint32_t)(t->col + 1);
    cs_findings_addv(t->findings, CS_FK_BAD_ENCODING, t->name, t->line, col, NULL, NULL, NULL,
                     NULL, 0, "\xEF\xBF\xBD", detail);
}

typedef size_t (*decode_fn)(cs_textsrc *, char *, size_t, bad_seq *, int *);

static decode_fn decoder(cs_encoding e)
{
    switch (e) {
    case CS_ENC_UTF16LE:
    case CS_ENC_UTF16BE: return decode_utf16;
    case CS_ENC_CP1252:
    case CS_ENC_LATIN1: return decode_single;
    default: return decode_utf8;
    }
}

/* Fills out (cap >= SMALL_OUT) with as much text as is at hand. */
static cs_status fill(cs_textsrc *t, char *out, size_t cap, size_t *gotp)
{
    decode_fn dec = decoder(t->enc);
    size_t got = 0;
    cs_status st = CS_OK;
    int more = t->raw_pos == t->raw_len;
    while (cap - got >= 4) {
        if (more) {
            if (t->raw_eof && t->raw_pos == t->raw_len)
                break;
            if (got > 0 && t->raw_pos == t->raw_len)
                break;   /* hand out what we have rather than wait */
            if ((st = refill(t)) != CS_OK)
                break;
            if (t->raw_eof && t->raw_pos == t->raw_len)
                break;
        }
        bad_seq bad = {0, NULL};
        more = 0;
        size_t n = dec(t, out + got, cap - got, &bad, &more);
        track(t, out + got, n);
        got += n;
        if (bad.len) {
            if (t->policy == CS_INVALID_ERROR) {
                if (got == 0)
                    st = report_bad(t, &bad);
                break;   /* text before the bad bytes first; the error next time */
            }
            if (cap - got < 3)
                break;
            record_replacement(t, &bad);
            memcpy(out + got, "\xEF\xBF\xBD", 3);
            got += 3;
            t->col++;
            t->prev_cr = 0;
            t->raw_pos += bad.len;
        } else if (!more && n == 0 && t->raw_pos < t->raw_len) {
            break;   /* output full */
        }
        more = more || t->raw_pos == t->raw_len;
    }
    *gotp = got;
    return got ? CS_OK : st;
}

cs_status cs_textsrc_read(cs_textsrc *t, char *buf, size_t cap, size_t *got, cs_diag *d)
{
    *got = 0;
    if (cap == 0)
        return CS_OK;
    if (t->pend_pos == t->pend_len && !t->failed && cap < SMALL_OUT) {
        t->pend_pos = t->pend_len = 0;
        cs_status st = fill(t, t->pend, SMALL_OUT, &t->pend_len);
        if (st != CS_OK && d)
            *d = t->err;
        if (st != CS_OK)
            return st;
    }
    if (t->pend_pos < t->pend_len) {
        size_t n = t->pend_len - t->pend_pos;
        if (n > cap)
            n = cap;
        memcpy(buf, t->pend + t->pend_pos, n);
        t->pend_pos += n;
        *got = n;
        return CS_OK;
    }
    if (t->failed) {
        if (d)
            *d = t->err;
        return t->err.status;
    }
    cs_status st = fill(t, buf, cap, got);
    if (st != CS_OK && d)
        *d = t->err;
    return st;
}

/* ---- open / close ---- */

static cs_status choose_encoding(cs_textsrc *t, cs_encoding forced)
{
    /* A read error here is left for the first read to report (byte sources
     * repeat their errors), after the text that came before it. */
    while (t->raw_len < SNIFF_BYTES && !t->raw_eof && refill(t) == CS_OK)
        ;
    t->failed = 0;
    size_t bom;
    cs_encoding e = bom_encoding(t->raw, t->raw_len, &bom);
    t->raw_pos = bom;
    if (e == CS_ENC_AUTO && forced != CS_ENC_AUTO) {
        e = forced;
    } else if (e == CS_ENC_AUTO) {
        size_t n = t->raw_len < SNIFF_BYTES ? t->raw_len : SNIFF_BYTES;
        e = sniff_bytes(t->raw, n, t->raw_eof && n == t->raw_len);
        t->sniffed = 1;
    }
    t->enc = e;
    const char *from = iconv_name(e);
    if (from) {
        t->cd = iconv_open("UTF-8", from);
        if (t->cd == (iconv_t)-1) {
            cs_diag e2;
            cs_diag_set(&e2, CS_ERR_CONFIG, t->name, 0, 0,
                        "this system's iconv cannot convert from %s", from);
            return set_failed(t, &e2);
        }
    }
    return CS_OK;
}

cs_status cs_textsrc_open(cs_textsrc **out, cs_bytesrc *src, cs_encoding enc,
                          cs_invalid_policy policy, cs_findings *findings, cs_diag *d)
{
    *out = NULL;
    cs_textsrc *t = cs_xcalloc(1, sizeof *t);
    t->src = src;
    t->name = cs_xstrdup(cs_bytesrc_name(src));
    t->policy = policy;
    t->findings = findings;
    t->cd = (iconv_t)-1;
    t->raw_cap = SNIFF_BYTES;
    t->raw = cs_xmalloc(t->raw_cap);
    t->line = 1;
    if ((unsigned)enc > CS_ENC_LATIN1) {
        cs_diag_set(d, CS_ERR_CONFIG, t->name, 0, 0, "unknown encoding number %d", (int)enc);
        cs_textsrc_close(t);
        return CS_ERR_CONFIG;
    }
    cs_status st = choose_encoding(t, enc);
    if (st != CS_OK) {
        if (d)
            *d = t->err;
        cs_textsrc_close(t);
        return st;
    }
    *out = t;
    return CS_OK;
}

cs_status cs_textsrc_open_path(cs_textsrc **out, const char *path, cs_encoding enc,
                               cs_invalid_policy policy, cs_findings *findings, cs_diag *d)
{
    cs_bytesrc *src;
    *out = NULL;
    cs_status st = cs_bytesrc_open(&src, path, d);
    if (st != CS_OK)
        return st;
    return cs_textsrc_open(out, src, enc, policy, findings, d);
}

cs_encoding cs_textsrc_encoding(const cs_textsrc *t)
{
    return t->enc;
}

const char *cs_textsrc_name(const cs_textsrc *t)
{
    return t->name;
}

void cs_textsrc_close(cs_textsrc *t)
{
    if (!t)
        return;
    if (t->cd != (iconv_t)-1)
        iconv_close(t->cd);
    cs_bytesrc_close(t->src);
    free(t->raw);
    free(t->name);
    free(t);
}
