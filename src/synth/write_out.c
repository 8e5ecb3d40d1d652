/* The synthetic writer's output side: rows staged as UTF-8, converted with
 * iconv to the file's encoding in large blocks, and written to a file only
 * its owner can read. Also the per-system hand-over habits and the textual
 * forms of dates. */
#include "synth/write_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/arena.h"

#define STAGE_BYTES (64u * 1024u)

cs_wr_habits cs_wr_habits_for(const char *system, cs_encoding enc, cs_table_format fmt)
{
    /* Defaults follow the encoding: Windows code pages and UTF-16 come from
     * Windows tools (CR LF); a Windows-1252 CSV is what Excel saves. */
    cs_wr_habits h = {.bom = enc == CS_ENC_AUTO, .crlf = enc != CS_ENC_UTF8, .excel = 0};
    h.excel = fmt == CS_TABLE_CSV && (enc == CS_ENC_CP1252 || enc == CS_ENC_LATIN1);
    if (!system)
        return h;
    if (strcasecmp(system, "ssd") == 0) {
        /* SSD tables saved from SSMS or Excel as "CSV UTF-8" */
        h.bom = 1;
        h.crlf = 1;
        h.excel = fmt == CS_TABLE_CSV;
    } else if (strcasecmp(system, "liquidlogic") == 0) {
        /* SSMS "save results as" Unicode text: never through Excel */
        h.crlf = 1;
        h.excel = 0;
    } else if (strcasecmp(system, "mosaic") == 0 || strcasecmp(system, "azeus") == 0) {
        /* data-mart/SQL Developer exports that someone opened and saved in Excel */
        h.crlf = 1;
        h.excel = fmt == CS_TABLE_CSV;
    } else if (strcasecmp(system, "eclipse") == 0) {
        /* psql \copy on the PostgreSQL reporting server */
        h.bom = 0;
        h.crlf = 0;
        h.excel = 0;
    }
    if (enc == CS_ENC_UTF16LE || enc == CS_ENC_UTF16BE)
        h.bom = 1;
    if (fmt == CS_TABLE_XML)   /* XML exports come from services, not desktops */
        h.bom = h.crlf = h.excel = 0;
    return h;
}

static const char *iconv_name(cs_encoding enc)
{
    switch (enc) {
    case CS_ENC_UTF16LE: return "UTF-16LE";
    case CS_ENC_UTF16BE: return "UTF-16BE";
    case CS_ENC_CP1252: return "WINDOWS-1252";
    case CS_ENC_LATIN1: return "ISO-8859-1";
    case CS_ENC_AUTO:
    case CS_ENC_UTF8: break;
    }
    return NULL;
}

static cs_status write_all(cs_wr_sink *o, const char *p, size_t n, cs_diag *d)
{
    while (n > 0) {
        ssize_t w = write(o->fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return cs_diag_set(d, CS_ERR_IO, o->path, 0, 0, "cannot write: %s", strerror(errno));
        }
        p += w;
        n -= (size_t)w;
        o->bytes += (uint64_t)w;
    }
    return CS_OK;
}

/* Convert and write the staged UTF-8. An incomplete character at the end is
 * kept for the next flush unless final. */
static cs_status flush(cs_wr_sink *o, int final, cs_diag *d)
{
    if (o->cd == (iconv_t)-1) {
        cs_status st = write_all(o, o->in, o->in_n, d);
        o->in_n = 0;
        return st;
    }
    char *ip = o->in;
    size_t il = o->in_n;
    while (il > 0) {
        char *op = o->out;
        size_t ol = o->out_cap;
        size_t r = iconv(o->cd, &ip, &il, &op, &ol);
        int err = r == (size_t)-1 ? errno : 0;
        cs_status st = write_all(o, o->out, (size_t)(op - o->out), d);
        if (st != CS_OK)
            return st;
        if (err == E2BIG)
            continue;
        if (err == EINVAL && !final)
            break;
        if (err == EILSEQ || err == EINVAL) {
            unsigned char c = (unsigned char)*ip;
            return cs_diag_set(d, CS_ERR_ENCODING, o->path, o->lines + 1, 0,
                               "a character (starting with byte 0x%02X) cannot be written in %s",
                               c, o->enc_name);
        }
    }
    memmove(o->in, ip, il);
    o->in_n = il;
    return CS_OK;
}

static cs_status put(cs_wr_sink *o, const char *s, size_t n, cs_diag *d)
{
    while (n > 0) {
        size_t room = o->in_cap - o->in_n;
        if (room == 0) {
            cs_status st = flush(o, 0, d);
            if (st != CS_OK)
                return st;
            room = o->in_cap - o->in_n;
            if (room == 0)   /* cannot happen: a partial character is < 4 bytes */
                return cs_diag_set(d, CS_ERR_INTERNAL, o->path, 0, 0, "output stage stuck");
        }
        size_t k = n < room ? n : room;
        memcpy(o->in + o->in_n, s, k);
        o->in_n += k;
        s += k;
        n -= k;
    }
    return CS_OK;
}

static cs_status put_str(cs_wr_sink *o, const char *s, cs_diag *d)
{
    return put(o, s, strlen(s), d);
}

static cs_status put_eol(cs_wr_sink *o, cs_diag *d)
{
    o->lines++;
    return o->crlf ? put(o, "\r\n", 2, d) : put(o, "\n", 1, d);
}

/* Several strings, then an end of line when eol is set. */
static cs_status put_line(cs_wr_sink *o, const char *const *parts, size_t n, int eol,
                          cs_diag *d)
{
    cs_status st = CS_OK;
    for (size_t i = 0; i < n && st == CS_OK; i++)
        st = put_str(o, parts[i], d);
    return st == CS_OK && eol ? put_eol(o, d) : st;
}

cs_status cs_wr_sink_open(cs_wr_sink *o, const char *path, const cs_table_spec *spec,
                          const cs_wr_habits *h, cs_diag *d)
{
    memset(o, 0, sizeof *o);
    o->cd = (iconv_t)-1;
    o->fd = -1;
    o->path = path;
    o->format = spec->format;
    o->delimiter = spec->delimiter ? spec->delimiter : ',';
    o->crlf = h->crlf;
    o->layout = spec->layout;
    o->record_element = spec->record_element;
    /* XML declares its own encoding: always UTF-8 here */
    cs_encoding enc = spec->format == CS_TABLE_XML ? CS_ENC_UTF8 : spec->encoding;
    const char *name = iconv_name(enc);
    o->enc_name = name ? name : "UTF-8";
    if (name) {
        o->cd = iconv_open(name, "UTF-8");
        if (o->cd == (iconv_t)-1)
            return cs_diag_set(d, CS_ERR_INTERNAL, path, 0, 0, "iconv cannot convert to %s: %s",
                               name, strerror(errno));
    }
    o->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (o->fd < 0) {
        cs_status st = cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot create: %s", strerror(errno));
        cs_wr_sink_abort(o);
        return st;
    }
    if (fchmod(o->fd, 0600) != 0) {   /* an older file may have been wider */
        cs_status st = cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot restrict: %s", strerror(errno));
        cs_wr_sink_abort(o);
        return st;
    }
    o->in_cap = STAGE_BYTES;
    o->in = cs_xmalloc(o->in_cap);
    o->out_cap = STAGE_BYTES * 2;   /* UTF-16 of ASCII doubles */
    o->out = cs_xmalloc(o->out_cap);
    cs_status st = CS_OK;
    if (o->format == CS_TABLE_XML) {
        const char *decl[] = {"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"}, *root[] = {"<Extract>"};
        st = put_line(o, decl, 1, 1, d);
        if (st == CS_OK)
            st = put_line(o, root, 1, 1, d);
    } else if (enc == CS_ENC_UTF16LE || enc == CS_ENC_UTF16BE ||
               (h->bom && (enc == CS_ENC_UTF8 || enc == CS_ENC_AUTO))) {
        st = put(o, "\xEF\xBB\xBF", 3, d);   /* U+FEFF, converted like the rest */
    }
    if (st != CS_OK)
        cs_wr_sink_abort(o);
    return st;
}

static int needs_quotes(const cs_wr_cell *c, char delim)
{
    for (size_t i = 0; i < c->n; i++) {
        char ch = c->s[i];
        if (ch == delim || ch == '"' || ch == '\n' || ch == '\r')
            return 1;
    }
    return 0;
}

static cs_status csv_row(cs_wr_sink *o, const cs_wr_cell *cells, size_t ncols, cs_diag *d)
{
    cs_status st = CS_OK;
    for (size_t i = 0; i < ncols && st == CS_OK; i++) {
        if (i > 0)
            st = put(o, &o->delimiter, 1, d);
        const cs_wr_cell *c = &cells[i];
        if (st != CS_OK || c->n == 0)
            continue;
        if (!needs_quotes(c, o->delimiter)) {
            st = put(o, c->s, c->n, d);
            continue;
        }
        st = put(o, "\"", 1, d);
        for (size_t k = 0; k < c->n && st == CS_OK; k++) {
            if (c->s[k] == '\n')
                o->lines++;
            st = c->s[k] == '"' ? put(o, "\"\"", 2, d) : put(o, &c->s[k], 1, d);
        }
        if (st == CS_OK)
            st = put(o, "\"", 1, d);
    }
    return st == CS_OK ? put_eol(o, d) : st;
}

/* Characters, not bytes: fixed-width positions count characters. */
static size_t utf8_chars(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            k++;
    return k;
}

static cs_status fixed_row(cs_wr_sink *o, const cs_wr_cell *cells, size_t ncols, cs_diag *d)
{
    static const char spaces[] = "                                ";
    uint32_t pos = 1;
    cs_status st = CS_OK;
    for (size_t i = 0; i < ncols && st == CS_OK; i++) {
        const cs_fixed_column *lc = &o->layout[i];
        size_t chars = utf8_chars(cells[i].s, cells[i].n);
        if (chars > lc->width || memchr(cells[i].s, '\n', cells[i].n))
            return cs_diag_set(d, CS_ERR_CONFIG, o->path, o->lines + 1, lc->start,
                               "value for %s does not fit its %u-character column", lc->name,
                               (unsigned)lc->width);
        while (pos < lc->start && st == CS_OK) {
            uint32_t gap = lc->start - pos;
            uint32_t k = gap < sizeof spaces - 1 ? gap : (uint32_t)(sizeof spaces - 1);
            st = put(o, spaces, k, d);
            pos += k;
        }
        if (st == CS_OK)
            st = put(o, cells[i].s, cells[i].n, d);
        pos += (uint32_t)chars;
    }
    return st == CS_OK ? put_eol(o, d) : st;
}

static cs_status xml_text(cs_wr_sink *o, const char *s, size_t n, cs_diag *d)
{
    cs_status st = CS_OK;
    size_t from = 0;
    for (size_t i = 0; i < n && st == CS_OK; i++) {
        const char *rep = s[i] == '<' ? "&lt;" : s[i] == '>' ? "&gt;" : s[i] == '&' ? "&amp;" : NULL;
        if (!rep)
            continue;
        st = put(o, s + from, i - from, d);
        if (st == CS_OK)
            st = put_str(o, rep, d);
        from = i + 1;
    }
    return st == CS_OK ? put(o, s + from, n - from, d) : st;
}

static cs_status xml_row(cs_wr_sink *o, const cs_wr_cell *cells, const char *const *names,
                         size_t ncols, cs_diag *d)
{
    const char *open[] = {"  <", o->record_element, ">"};
    cs_status st = put_line(o, open, 3, 1, d);
    for (size_t i = 0; i < ncols && st == CS_OK; i++) {
        /* every column on every record: the reader takes names from the first */
        const char *start[] = {"    <", names[i], ">"}, *end[] = {"</", names[i], ">"};
        st = put_line(o, start, 3, 0, d);
        if (st == CS_OK)
            st = xml_text(o, cells[i].s, cells[i].n, d);
        if (st == CS_OK)
            st = put_line(o, end, 3, 1, d);
    }
    const char *close[] = {"  </", o->record_element, ">"};
    return st == CS_OK ? put_line(o, close, 3, 1, d) : st;
}

cs_status cs_wr_sink_header(cs_wr_sink *o, const char *const *names, size_t ncols,
                            cs_wr_cell *scratch, cs_diag *d)
{
    if (o->format != CS_TABLE_CSV)
        return CS_OK;   /* the layout or the element names are the header */
    for (size_t i = 0; i < ncols; i++)
        scratch[i] = (cs_wr_cell){names[i], strlen(names[i])};
    return csv_row(o, scratch, ncols, d);
}

cs_status cs_wr_sink_row(cs_wr_sink *o, const cs_wr_cell *cells, const char *const *names,
                         size_t ncols, cs_diag *d)
{
    switch (o->format) {
    case CS_TABLE_CSV: return csv_row(o, cells, ncols, d);
    case CS_TABLE_FIXED: return fixed_row(o, cells, ncols, d);
    case CS_TABLE_XML: return xml_row(o, cells, names, ncols, d);
    }
    return CS_OK;
}

cs_status cs_wr_sink_blank(cs_wr_sink *o, size_t ncols, int delimiters, cs_diag *d)
{
    if (o->format != CS_TABLE_CSV)
        return CS_OK;
    cs_status st = CS_OK;
    for (size_t i = 1; delimiters && i < ncols && st == CS_OK; i++)
        st = put(o, &o->delimiter, 1, d);
    return st == CS_OK ? put_eol(o, d) : st;
}

void cs_wr_sink_abort(cs_wr_sink *o)
{
    if (o->fd >= 0)
        close(o->fd);
    if (o->cd != (iconv_t)-1)
        iconv_close(o->cd);
    free(o->in);
    free(o->out);
    o->fd = -1;
    o->cd = (iconv_t)-1;
    o->in = o->out = NULL;
}

cs_status cs_wr_sink_close(cs_wr_sink *o, cs_diag *d)
{
    cs_status st = CS_OK;
    if (o->format == CS_TABLE_XML) {
        const char *root[] = {"</Extract>"};
        st = put_line(o, root, 1, 1, d);
    }
    if (st == CS_OK)
        st = flush(o, 1, d);
    if (st == CS_OK && o->cd != (iconv_t)-1) {
        /* reset the conversion state (a no-op for these encodings) */
        char *op = o->out;
        size_t ol = o->out_cap;
        iconv(o->cd, NULL, NULL, &op, &ol);
        st = write_all(o, o->out, (size_t)(op - o->out), d);
    }
    int fd = o->fd;
    o->fd = -1;
    if (fd >= 0 && close(fd) != 0 && st == CS_OK)
        st = cs_diag_set(d, CS_ERR_IO, o->path, 0, 0, "cannot close: %s", strerror(errno));
    cs_wr_sink_abort(o);
    return st;
}

size_t cs_wr_format_date(cs_date dt, cs_date_style style, char *buf)
{
    static const char mon[12][4] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                    "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
    int y, m, dd;
    buf[0] = '\0';
    if (dt == CS_DATE_NONE)
        return 0;
    cs_date_to_ymd(dt, &y, &m, &dd);
    int w;
    switch (style) {
    case CS_DATES_DMY: w = snprintf(buf, 32, "%02d/%02d/%04d", dd, m, y); break;
    case CS_DATES_SQLSERVER: w = snprintf(buf, 32, "%04d-%02d-%02d 00:00:00.000", y, m, dd); break;
    case CS_DATES_ORACLE: w = snprintf(buf, 32, "%02d-%s-%04d", dd, mon[(m - 1) % 12], y); break;
    case CS_DATES_ISO:
    case CS_DATES_AUTO:
    default: w = snprintf(buf, 32, "%04d-%02d-%02d", y, m, dd); break;
    }
    return w < 0 ? 0 : (size_t)w;
}

long cs_wr_excel_serial(cs_date dt)
{
    /* serial 61 = 1900-03-01; Excel counts a 29/02/1900 that never was */
    return (long)(dt - cs_date_from_ymd(1899, 12, 30));
}

uint64_t cs_wr_rng_next(cs_wr_rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

int cs_wr_rng_chance(cs_wr_rng *r, double p)
{
    if (p <= 0)
        return 0;
    return (double)(cs_wr_rng_next(r) >> 11) * (1.0 / 9007199254740992.0) < p;
}
