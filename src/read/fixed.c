/* Fixed-width reader: one line per record, columns cut by character
 * position (UTF-8 characters, not bytes, so a name with an accent does not
 * shift the columns after it).
 *
 * A line counts as short (short_line = 1) when at least one column starts
 * beyond its end, i.e. a field is wholly missing. A line that merely stops
 * inside the last column is not short: editors and transfer tools routinely
 * strip trailing padding, and the padding is not data. */
#include "read/fixed.h"

#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/limits.h"

#define FIXED_CHUNK (64u * 1024u)

struct cs_fixed {
    cs_textsrc *text;
    cs_arena arena;            /* layout names */
    cs_fixed_column *layout;   /* in caller order */
    uint32_t *order;           /* layout indices sorted by start */
    size_t ncols;
    cs_field *fields;
    char *buf;                 /* text window: [pos, len) not yet consumed */
    size_t pos, len, cap;
    int eof;
    uint64_t line;             /* lines returned so far */
    uint64_t index;
};

static int by_start(const void *a, const void *b, void *ctx)
{
    const cs_fixed_column *layout = ctx;
    uint32_t sa = layout[*(const uint32_t *)a].start;
    uint32_t sb = layout[*(const uint32_t *)b].start;
    return (sa > sb) - (sa < sb);
}

static cs_status check_layout(const cs_fixed_column *layout, const uint32_t *order,
                              size_t ncols, const char *file, cs_diag *d)
{
    for (size_t k = 0; k < ncols; k++) {
        const cs_fixed_column *c = &layout[order[k]];
        const char *name = c->name ? c->name : "(unnamed)";
        if (c->start == 0 || c->width == 0)
            return cs_diag_set(d, CS_ERR_CONFIG, file, 0, 0,
                               "fixed-width column '%s' needs a start of 1 or more and a "
                               "width of 1 or more (has start %u, width %u)",
                               name, c->start, c->width);
        if ((uint64_t)c->start + c->width - 1 > CS_MAX_ROW_BYTES)
            return cs_diag_set(d, CS_ERR_CONFIG, file, 0, 0,
                               "fixed-width column '%s' ends beyond the longest line "
                               "allowed (%u characters)",
                               name, CS_MAX_ROW_BYTES);
        if (k > 0) {
            const cs_fixed_column *p = &layout[order[k - 1]];
            if ((uint64_t)p->start + p->width > c->start)
                return cs_diag_set(d, CS_ERR_CONFIG, file, 0, 0,
                                   "fixed-width columns '%s' (%u-%u) and '%s' (%u-%u) overlap",
                                   p->name ? p->name : "(unnamed)", p->start,
                                   p->start + p->width - 1, name, c->start,
                                   c->start + c->width - 1);
        }
    }
    return CS_OK;
}

cs_status cs_fixed_open(cs_fixed **out, cs_textsrc *text, const cs_fixed_column *layout,
                        size_t ncols, cs_diag *d)
{
    *out = NULL;
    const char *file = cs_textsrc_name(text);
    if (ncols == 0 || ncols > CS_MAX_COLUMNS) {
        cs_diag_set(d, CS_ERR_CONFIG, file, 0, 0,
                    "a fixed-width layout needs between 1 and %u columns (has %zu)",
                    CS_MAX_COLUMNS, ncols);
        cs_textsrc_close(text);
        return CS_ERR_CONFIG;
    }
    cs_fixed *r = cs_xcalloc(1, sizeof *r);
    r->text = text;
    r->ncols = ncols;
    cs_arena_init(&r->arena, 0);
    r->layout = cs_xmalloc(ncols * sizeof *r->layout);
    r->order = cs_xmalloc(ncols * sizeof *r->order);
    for (size_t i = 0; i < ncols; i++) {
        r->layout[i] = layout[i];
        if (layout[i].name)
            r->layout[i].name = cs_arena_strdup(&r->arena, layout[i].name);
        r->order[i] = (uint32_t)i;
    }
    qsort_r(r->order, ncols, sizeof *r->order, by_start, r->layout);
    cs_status st = check_layout(r->layout, r->order, ncols, file, d);
    if (st != CS_OK) {
        cs_fixed_close(r);
        return st;
    }
    r->fields = cs_xcalloc(ncols, sizeof *r->fields);
    r->cap = FIXED_CHUNK * 2;
    r->buf = cs_xmalloc(r->cap);
    *out = r;
    return CS_OK;
}

static const char *find_eol(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\n' || s[i] == '\r')
            return s + i;
    return NULL;
}

/* Find the next line in the window, reading more text as needed. Lines end
 * at LF, CR LF or a lone CR (as in the CSV reader and the text source's line
 * counting). On CS_OK [*line_start, *line_len) is the line without its end. */
static cs_status next_line(cs_fixed *r, size_t *line_start, size_t *line_len, cs_diag *d)
{
    size_t scanned = 0;   /* bytes of the current line already searched */
    for (;;) {
        char *start = r->buf + r->pos;
        size_t avail = r->len - r->pos;
        const char *eol = find_eol(start + scanned, avail - scanned);
        if (eol) {
            size_t n = (size_t)(eol - start), used = n + 1;
            if (*eol == '\r' && n + 1 == avail && !r->eof) {
                scanned = n;   /* CR at the window's end: is an LF next? */
                goto more;
            }
            if (*eol == '\r' && n + 1 < avail && eol[1] == '\n')
                used++;
            *line_start = r->pos;
            *line_len = n;
            r->pos += used;
            return CS_OK;
        }
        scanned = avail;
        if (avail > CS_MAX_ROW_BYTES)
            return cs_diag_set(d, CS_ERR_LIMIT, cs_textsrc_name(r->text), r->line + 1, 0,
                               "line longer than %u bytes (a fixed-width record is one line; "
                               "is this the right file and format?)",
                               CS_MAX_ROW_BYTES);
        if (r->eof) {
            if (avail == 0)
                return CS_EOF;
            *line_start = r->pos;
            *line_len = avail;
            r->pos = r->len;
            return CS_OK;
        }
    more:
        /* slide the partial line to the front, grow if it fills the buffer */
        if (r->pos > 0) {
            memmove(r->buf, r->buf + r->pos, r->len - r->pos);
            r->len -= r->pos;
            r->pos = 0;
        }
        if (r->cap - r->len < FIXED_CHUNK) {
            r->cap *= 2;
            r->buf = cs_xrealloc(r->buf, r->cap);
        }
        size_t got = 0;
        cs_status st = cs_textsrc_read(r->text, r->buf + r->len, r->cap - r->len, &got, d);
        if (st != CS_OK && st != CS_EOF)
            return st;
        if (got == 0)
            r->eof = 1;
        r->len += got;
    }
}

/* Byte offset just past `n` more UTF-8 characters from p (stops at end). */
static size_t skip_chars(const char *s, size_t p, size_t end, uint64_t n)
{
    while (n > 0 && p < end) {
        p++;
        while (p < end && ((unsigned char)s[p] & 0xC0u) == 0x80u)
            p++;
        n--;
    }
    return p;
}

static int is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return 0;
    return 1;
}

cs_status cs_fixed_next(cs_fixed *r, cs_record *rec, int *short_line, cs_diag *d)
{
    size_t off = 0, n = 0;
    cs_status st = next_line(r, &off, &n, d);
    if (st != CS_OK)
        return st;
    char *s = r->buf + off;
    r->line++;

    int is_short = 0;
    size_t p = 0;        /* byte offset of character `c` */
    uint64_t c = 1;      /* 1-based character position */
    for (size_t k = 0; k < r->ncols; k++) {
        uint32_t i = r->order[k];
        const cs_fixed_column *col = &r->layout[i];
        cs_field *f = &r->fields[i];
        p = skip_chars(s, p, n, col->start - c);
        c = col->start;
        f->col = col->start;
        f->line = r->line;
        if (p >= n) {
            is_short = 1;
            f->ptr = "";
            f->len = 0;
            continue;
        }
        size_t e = skip_chars(s, p, n, col->width);
        size_t len = e - p;
        while (len > 0 && s[p + len - 1] == ' ')
            len--;
        f->ptr = s + p;
        f->len = (uint32_t)len;
        p = e;
        c += col->width;
    }

    rec->fields = r->fields;
    rec->nfields = (uint32_t)r->ncols;
    rec->line = r->line;
    rec->index = r->index++;
    rec->blank = is_blank(s, n);
    if (short_line)
        *short_line = is_short && !rec->blank;
    return CS_OK;
}

void cs_fixed_close(cs_fixed *r)
{
    if (!r)
        return;
    cs_textsrc_close(r->text);
    cs_arena_free(&r->arena);
    free(r->layout);
    free(r->order);
    free(r->fields);
    free(r->buf);
    free(r);
}
