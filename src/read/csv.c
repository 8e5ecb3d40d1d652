/* Streaming delimited-text reader (see csv.h).
 *
 * The text is read into one buffer (64 KiB, grown to 1 MiB for long inputs
 * and up to the row cap when a record does not fit) and split by a resumable
 * state machine: when the buffer runs out in the middle of a record the scan
 * state is saved, the unread record is moved to the front, more text is read
 * behind it and the scan goes on where it stopped. Nothing is rescanned and nothing is
 * allocated per record: field slices point into the buffer, offsets are kept
 * relative to the record start while it is incomplete and turned into
 * pointers when it is done. Doubled quotes are undone in place, at the end.
 *
 * Line breaks are LF, CR LF or a lone CR. Columns count characters (UTF-8
 * continuation bytes are not counted), from 1 at the start of the line.
 * rec->index counts the records returned (the header row, if the caller has
 * one, is record 0; the table layer renumbers). */
#include "read/csv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/limits.h"

#define BUF_INIT ((64u << 10) + 1u)   /* small inputs stay small */
#define BUF_STEADY (1u << 20)          /* long inputs: grow to this before compacting */
#define BUF_MAX (CS_MAX_ROW_BYTES + (64u << 10) + 1u)
#define MIN_READ (16u << 10)           /* make room before reading less than this */

/* Byte classes for the scanning loops: a nonzero entry stops the loop. */
enum { C_PLAIN = 0, C_STOP = 1, C_LEAD2, C_LEAD3, C_LEAD4 };

typedef enum {
    S_FIELD_START,   /* at the first byte of a field */
    S_UNQUOTED,
    S_QUOTED,
    S_QUOTE_SEEN,    /* a quote inside a quoted field: closing or doubled? */
    S_CR_SEEN        /* a CR ended the record: is an LF next? */
} scan_state;

struct cs_csv {
    cs_textsrc *text;
    char *name;
    unsigned char delim, quote;
    unsigned char cls_unquoted[256], cls_quoted[256];

    char *buf;               /* text; buf[len] is a NUL sentinel */
    size_t cap, len;
    size_t rec;              /* offset of the current record */
    int eof;

    /* scan state, offsets relative to rec (they survive compaction) */
    scan_state state;
    size_t pos;              /* next byte to scan */
    size_t line_start;       /* first byte of the current line */
    uint64_t cont;           /* UTF-8 continuation bytes in [line_start, pos) */
    uint64_t line;           /* line at pos */
    uint64_t rec_line;
    size_t fcontent;         /* current field: first content byte */
    uint32_t fesc;           /* doubled quotes seen */
    uint64_t fline;
    uint64_t fcol;

    cs_field *fields;        /* ptr filled only when the record is complete */
    size_t *foff;            /* content offset of each field, relative to rec */
    uint32_t *fesc_of;       /* doubled quotes in each field */
    uint32_t nf, fcap;

    uint64_t index;
    int failed;
    cs_diag err;
};

static cs_status fail(cs_csv *r, cs_status st, uint64_t line, uint64_t col, const char *fmt,
                      ...) __attribute__((format(printf, 5, 6)));

/* Records a sticky error in r->err; cs_csv_next copies it to the caller. */
static cs_status fail(cs_csv *r, cs_status st, uint64_t line, uint64_t col, const char *fmt, ...)
{
    cs_diag_set(&r->err, st, r->name, line, col, "%s", "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err.msg, sizeof r->err.msg, fmt, ap);
    va_end(ap);
    r->failed = 1;
    return st;
}

static void set_classes(cs_csv *r)
{
    memset(r->cls_unquoted, C_PLAIN, sizeof r->cls_unquoted);
    for (unsigned c = 0xC0; c < 0x100; c++)
        r->cls_unquoted[c] = c >= 0xF0 ? C_LEAD4 : c >= 0xE0 ? C_LEAD3 : C_LEAD2;
    memcpy(r->cls_quoted, r->cls_unquoted, sizeof r->cls_quoted);
    r->cls_unquoted[0] = r->cls_quoted[0] = C_STOP;
    r->cls_unquoted['\n'] = r->cls_quoted['\n'] = C_STOP;
    r->cls_unquoted['\r'] = r->cls_quoted['\r'] = C_STOP;
    r->cls_unquoted[r->delim] = C_STOP;
    r->cls_quoted[r->quote] = C_STOP;
}

/* Makes room and reads more text. Sets r->eof at the end of input. */
static cs_status refill(cs_csv *r)
{
    int grow = 0;
    if (r->cap - 1 - r->len < MIN_READ) {
        if (r->cap < BUF_STEADY) {
            grow = 1;
        } else if (r->rec > 0) {
            memmove(r->buf, r->buf + r->rec, r->len - r->rec);
            r->len -= r->rec;
            r->rec = 0;
        }
    }
    if (grow || r->len == r->cap - 1) {
        size_t ncap = r->cap * 2 > BUF_MAX ? BUF_MAX : r->cap * 2;
        if (ncap <= r->cap)   /* cannot happen: the row cap is checked first */
            return fail(r, CS_ERR_INTERNAL, r->rec_line, 0, "CSV buffer full");
        r->buf = cs_xrealloc(r->buf, ncap);
        r->cap = ncap;
    }
    size_t got;
    cs_diag e;
    cs_diag_clear(&e);
    cs_status st = cs_textsrc_read(r->text, r->buf + r->len, r->cap - 1 - r->len, &got, &e);
    if (st != CS_OK) {
        r->failed = 1;
        r->err = e;
        return st;
    }
    if (got == 0)
        r->eof = 1;
    r->len += got;
    r->buf[r->len] = '\0';
    return CS_OK;
}

static inline uint64_t column_at(const cs_csv *r, size_t off)
{
    uint64_t c = (off - r->line_start) - r->cont + 1;
    return c > CS_MAX_LINE_COLUMNS ? CS_MAX_LINE_COLUMNS : c;
}

static cs_status grow_fields(cs_csv *r, size_t off)
{
    if (r->nf == CS_MAX_COLUMNS)
        return fail(r, CS_ERR_LIMIT, r->line, column_at(r, off),
                    "record has more than %u columns (the column cap, CS_MAX_COLUMNS)",
                    CS_MAX_COLUMNS);
    r->fcap = r->fcap ? r->fcap * 2 : 64;
    if (r->fcap > CS_MAX_COLUMNS)
        r->fcap = CS_MAX_COLUMNS;
    r->fields = cs_xrealloc(r->fields, r->fcap * sizeof *r->fields);
    r->foff = cs_xrealloc(r->foff, r->fcap * sizeof *r->foff);
    r->fesc_of = cs_xrealloc(r->fesc_of, r->fcap * sizeof *r->fesc_of);
    return CS_OK;
}

static inline cs_status begin_field(cs_csv *r, size_t off)
{
    if (r->nf == r->fcap) {
        cs_status st = grow_fields(r, off);
        if (st != CS_OK)
            return st;
    }
    r->fcontent = off;
    r->fesc = 0;
    r->fline = r->line;
    r->fcol = column_at(r, off);
    return CS_OK;
}

static __attribute__((noinline)) cs_status field_too_long(cs_csv *r)
{
    return fail(r, CS_ERR_LIMIT, r->fline, r->fcol,
                "field is longer than %u bytes (the field cap, CS_MAX_FIELD_BYTES)",
                CS_MAX_FIELD_BYTES);
}

static inline cs_status end_field(cs_csv *r, size_t content_end)
{
    size_t raw = content_end - r->fcontent;
    if (raw - r->fesc > CS_MAX_FIELD_BYTES)
        return field_too_long(r);
    cs_field *f = &r->fields[r->nf];
    f->ptr = NULL;
    f->len = (uint32_t)raw;
    f->col = (uint32_t)r->fcol;
    f->line = r->fline;
    r->foff[r->nf] = r->fcontent;
    r->fesc_of[r->nf] = r->fesc;
    r->nf++;
    return CS_OK;
}

static cs_status row_too_long(cs_csv *r)
{
    return fail(r, CS_ERR_LIMIT, r->rec_line, 1,
                "record is longer than %u bytes (the row cap, CS_MAX_ROW_BYTES)",
                CS_MAX_ROW_BYTES);
}

/* Undoes doubled quotes in place; returns the new length. */
static uint32_t unescape(char *p, uint32_t len, char quote)
{
    uint32_t w = 0;
    for (uint32_t i = 0; i < len; i++) {
        p[w++] = p[i];
        if (p[i] == quote && i + 1 < len && p[i + 1] == quote)
            i++;
    }
    return w;
}

static int is_blank(const cs_field *f, uint32_t nf)
{
    for (uint32_t i = 0; i < nf; i++)
        for (uint32_t k = 0; k < f[i].len; k++)
            if (f[i].ptr[k] != ' ' && f[i].ptr[k] != '\t')
                return 0;
    return 1;
}

/* The record [rec, rec + end) is complete; next is where the following one starts. */
static cs_status finish_record(cs_csv *r, size_t end, size_t next, cs_record *out)
{
    if (end > CS_MAX_ROW_BYTES)
        return row_too_long(r);
    char *base = r->buf + r->rec;
    for (uint32_t i = 0; i < r->nf; i++) {
        cs_field *f = &r->fields[i];
        f->ptr = base + r->foff[i];
        if (r->fesc_of[i])
            f->len = unescape(base + r->foff[i], f->len, (char)r->quote);
    }
    out->fields = r->fields;
    out->nfields = r->nf;
    out->line = r->rec_line;
    out->index = r->index++;
    out->blank = is_blank(r->fields, r->nf);

    r->rec += next;
    r->line++;   /* the terminator (none only at EOF, where it no longer matters) */
    r->state = S_FIELD_START;
    r->pos = r->line_start = 0;
    r->cont = 0;
    r->rec_line = r->line;
    r->nf = 0;
    return CS_OK;
}

/* What the end of input means in each state. */
static cs_status at_eof(cs_csv *r, cs_record *out)
{
    size_t avail = r->len - r->rec;
    cs_status st;
    switch (r->state) {
    case S_FIELD_START:
        if (r->nf == 0 && avail == 0)
            return CS_EOF;
        if ((st = begin_field(r, avail)) != CS_OK || (st = end_field(r, avail)) != CS_OK)
            return st;
        break;
    case S_UNQUOTED:
        if ((st = end_field(r, avail)) != CS_OK)
            return st;
        break;
    case S_QUOTED:
        return fail(r, CS_ERR_FORMAT, r->fline, r->fcol,
                    "quoted field is never closed: the quote opened here is still open at "
                    "the end of the file (line %llu)", (unsigned long long)r->line);
    case S_QUOTE_SEEN:
        if ((st = end_field(r, avail - 1)) != CS_OK)
            return st;
        break;
    case S_CR_SEEN:
        break;
    }
    return finish_record(r, r->state == S_CR_SEEN ? avail - 1 : avail, avail, out);
}

/* Checks the caps on the incomplete record before more text is read. */
static cs_status check_partial(cs_csv *r)
{
    size_t avail = r->len - r->rec;
    if (avail - (r->state == S_CR_SEEN) > CS_MAX_ROW_BYTES)   /* the CR is not part of it */
        return row_too_long(r);
    if ((r->state == S_UNQUOTED || r->state == S_QUOTED) &&
        avail - r->fcontent - r->fesc > CS_MAX_FIELD_BYTES)
        return field_too_long(r);
    return CS_OK;
}

/* Skips ordinary bytes up to the next one the class table stops at (or the
 * end), counting UTF-8 continuation bytes so columns are in characters. A
 * NUL before the end (only the sentinel is expected) is ordinary. */
static inline const unsigned char *skip_plain(cs_csv *r, const unsigned char *cls,
                                              const unsigned char *p, const unsigned char *end)
{
    for (;;) {
        while (!cls[*p])
            p++;
        unsigned char k = cls[*p];
        if (k >= C_LEAD2)
            r->cont += (uint64_t)k - 1;   /* C_LEAD2 -> 1, C_LEAD3 -> 2, C_LEAD4 -> 3 */
        else if (*p != 0 || p == end)
            return p;
        p++;
    }
}

cs_status cs_csv_next(cs_csv *r, cs_record *out, cs_diag *d)
{
    if (r->failed) {
        if (d)
            *d = r->err;
        return r->err.status;
    }
    cs_status st = CS_OK;
    for (;;) {
        const unsigned char *base = (const unsigned char *)r->buf + r->rec;
        const unsigned char *end = (const unsigned char *)r->buf + r->len;
        const unsigned char *p = base + r->pos;
        for (;;) {
            switch (r->state) {
            case S_FIELD_START:
                if (p == end)
                    goto need_more;
                if ((st = begin_field(r, (size_t)(p - base))) != CS_OK)
                    goto failed;
                if (*p == r->quote) {
                    r->state = S_QUOTED;
                    r->fcontent = (size_t)(++p - base);
                    continue;
                }
                r->state = S_UNQUOTED;
                /* fall through */
            case S_UNQUOTED: {
                p = skip_plain(r, r->cls_unquoted, p, end);
                if (p == end)
                    goto need_more;
                unsigned char c = *p;
                if ((st = end_field(r, (size_t)(p - base))) != CS_OK)
                    goto failed;
                if (c == r->delim) {
                    r->state = S_FIELD_START;
                    p++;
                    continue;
                }
                if (c == '\n') {
                    st = finish_record(r, (size_t)(p - base), (size_t)(p + 1 - base), out);
                    goto done;
                }
                r->state = S_CR_SEEN;
                p++;
                continue;
            }
            case S_QUOTED: {
                p = skip_plain(r, r->cls_quoted, p, end);
                if (p == end)
                    goto need_more;
                unsigned char c = *p;
                if (c == r->quote) {
                    r->state = S_QUOTE_SEEN;
                    p++;
                } else if (c == '\n' || c == '\r') {
                    /* an LF right after a CR ends the same line */
                    if (!(c == '\n' && p[-1] == '\r'))
                        r->line++;
                    p++;
                    r->line_start = (size_t)(p - base);
                    r->cont = 0;
                }
                continue;
            }
            case S_QUOTE_SEEN: {
                if (p == end)
                    goto need_more;
                unsigned char c = *p;
                if (c == r->quote) {
                    r->fesc++;
                    r->state = S_QUOTED;
                    p++;
                    continue;
                }
                if (c != r->delim && c != '\n' && c != '\r') {
                    st = fail(r, CS_ERR_FORMAT, r->line, column_at(r, (size_t)(p - base)),
                              "unexpected character after the closing quote of a field "
                              "(expected a delimiter or the end of the line)");
                    goto failed;
                }
                if ((st = end_field(r, (size_t)(p - 1 - base))) != CS_OK)
                    goto failed;
                if (c == r->delim) {
                    r->state = S_FIELD_START;
                    p++;
                } else if (c == '\n') {
                    st = finish_record(r, (size_t)(p - base), (size_t)(p + 1 - base), out);
                    goto done;
                } else {
                    r->state = S_CR_SEEN;
                    p++;
                }
                continue;
            }
            case S_CR_SEEN:
                if (p == end)
                    goto need_more;
                st = finish_record(r, (size_t)(p - 1 - base),
                                   (size_t)(p - base) + (*p == '\n'), out);
                goto done;
            }
        }
    need_more:
        r->pos = (size_t)(p - base);
        if (r->eof) {
            st = at_eof(r, out);
            goto done;
        }
        if ((st = check_partial(r)) != CS_OK)
            goto failed;
        if ((st = refill(r)) != CS_OK)
            goto failed;
    }
done:
    if (st == CS_OK || st == CS_EOF)
        return st;
failed:
    if (d)
        *d = r->err;
    return st;
}

/* ---- open / close ---- */

/* The candidate found most often in the first line, outside quotes;
 * ties go to the earlier candidate; ',' when there is none. */
static unsigned char sniff_delimiter(const char *p, size_t n, unsigned char quote)
{
    static const unsigned char cand[] = {',', '\t', '|', ';'};
    size_t count[sizeof cand] = {0};
    int in_quotes = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == quote)
            in_quotes = !in_quotes;
        else if (!in_quotes && (c == '\n' || c == '\r'))
            break;
        else if (!in_quotes)
            for (size_t k = 0; k < sizeof cand; k++)
                count[k] += c == cand[k];
    }
    size_t best = 0;
    for (size_t k = 1; k < sizeof cand; k++)
        if (count[k] > count[best])
            best = k;
    return cand[best];
}

static int bad_special(unsigned char c)
{
    return c == 0 || c == '\n' || c == '\r' || c >= 0x80;
}

cs_status cs_csv_open(cs_csv **out, cs_textsrc *text, const cs_csv_opts *opts, cs_diag *d)
{
    *out = NULL;
    cs_csv *r = cs_xcalloc(1, sizeof *r);
    r->text = text;
    r->name = cs_xstrdup(cs_textsrc_name(text));
    r->quote = opts && opts->quote ? (unsigned char)opts->quote : '"';
    r->delim = opts ? (unsigned char)opts->delimiter : 0;
    r->cap = BUF_INIT;
    r->buf = cs_xmalloc(r->cap);
    r->buf[0] = '\0';
    r->line = r->rec_line = 1;
    cs_status st = CS_OK;
    if (bad_special(r->quote) || (r->delim && (bad_special(r->delim) || r->delim == r->quote))) {
        st = cs_diag_set(d, CS_ERR_CONFIG, r->name, 0, 0,
                         "CSV delimiter and quote must be distinct ASCII characters other "
                         "than a line break");
        goto out;
    }
    if (!r->delim) {
        /* enough text to see the first line (or 1 MiB of it) */
        size_t seen = 0;
        while (!r->eof && r->len < r->cap - 1 && !memchr(r->buf + seen, '\n', r->len - seen) &&
               !memchr(r->buf + seen, '\r', r->len - seen)) {
            seen = r->len;
            if ((st = refill(r)) != CS_OK) {
                if (d)
                    *d = r->err;
                goto out;
            }
        }
        r->delim = sniff_delimiter(r->buf, r->len, r->quote);
    }
    set_classes(r);
out:
    if (st != CS_OK) {
        cs_csv_close(r);
        return st;
    }
    *out = r;
    return CS_OK;
}

char cs_csv_delimiter(const cs_csv *r)
{
    return (char)r->delim;
}

const char *cs_csv_name(const cs_csv *r)
{
    return r->name;
}

void cs_csv_close(cs_csv *r)
{
    if (!r)
        return;
    cs_textsrc_close(r->text);
    free(r->buf);
    free(r->fields);
    free(r->foff);
    free(r->fesc_of);
    free(r->name);
    free(r);
}
