#include "read/xml_prolog.h"

#include <string.h>

enum {
    ST_TEXT = 0,   /* prolog text, or the internal subset between declarations */
    ST_LT,         /* just after '<' */
    ST_BANG,       /* after "<!", reading the keyword */
    ST_COMMENT,
    ST_PI,
    ST_DECL        /* inside <!DOCTYPE ...>, <!ELEMENT ...>, ... */
};

void cs_xml_prolog_init(cs_xml_prolog *p)
{
    memset(p, 0, sizeof *p);
    p->line = 1;
    p->col = 1;
}

static cs_status step(cs_xml_prolog *p, unsigned c, const char *file, cs_diag *d);

static int is_name_start(unsigned c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':' ||
           c >= 0x80;
}

static cs_status refuse_entity(const cs_xml_prolog *p, const char *file, cs_diag *d)
{
    return cs_diag_set(d, CS_ERR_FORMAT, file, p->lt_line, p->lt_col,
                       "the document declares an entity (<!ENTITY>); cscdw refuses entity "
                       "declarations, which can expand without bound or read other files");
}

/* End of the keyword after "<!": decide what kind of markup this is. */
static cs_status keyword_done(cs_xml_prolog *p, const char *file, cs_diag *d)
{
    p->word[p->nword] = '\0';
    if (strcmp(p->word, "ENTITY") == 0)
        return refuse_entity(p, file, d);
    if (strcmp(p->word, "DOCTYPE") == 0 && !p->in_subset) {
        p->in_doctype = 1;
        p->doctype_line = p->lt_line;
    }
    p->state = ST_DECL;
    p->quote = 0;
    return CS_OK;
}

static cs_status step(cs_xml_prolog *p, unsigned c, const char *file, cs_diag *d)
{
    switch (p->state) {
    case ST_TEXT:
        if (c == '<') {
            p->state = ST_LT;
            p->lt_line = p->line;
            p->lt_col = p->col;
        } else if (c == ']' && p->in_subset) {
            p->in_subset = 0;   /* back in the DOCTYPE declaration itself */
            p->state = ST_DECL;
            p->quote = 0;
        }
        return CS_OK;
    case ST_LT:
        if (c == '?') {
            p->state = ST_PI;
            p->qmark = 0;
        } else if (c == '!') {
            p->state = ST_BANG;
            p->nword = 0;
        } else if (is_name_start(c) && !p->in_subset) {
            p->done = 1;   /* the root element: the prolog is over */
        } else {
            p->state = ST_TEXT;
        }
        return CS_OK;
    case ST_BANG:
        if (p->nword == 0 && c == '-') {
            p->word[p->nword++] = '-';
            return CS_OK;
        }
        if (p->nword == 1 && p->word[0] == '-') {
            if (c == '-') {
                p->state = ST_COMMENT;
                p->dashes = 0;
            } else {
                p->state = ST_DECL;
                p->quote = 0;
            }
            return CS_OK;
        }
        if (c >= 'A' && c <= 'Z' && p->nword < sizeof p->word - 1) {
            p->word[p->nword++] = (char)c;
            return CS_OK;
        }
        if (keyword_done(p, file, d) != CS_OK)
            return CS_ERR_FORMAT;
        return step(p, c, file, d);   /* c belongs to the declaration */
    case ST_COMMENT:
        if (c == '-') {
            p->dashes++;
        } else {
            if (c == '>' && p->dashes >= 2)
                p->state = ST_TEXT;
            p->dashes = 0;
        }
        return CS_OK;
    case ST_PI:
        if (c == '>' && p->qmark)
            p->state = ST_TEXT;
        p->qmark = c == '?';
        return CS_OK;
    case ST_DECL:
        if (p->quote) {
            if (c == p->quote)
                p->quote = 0;
        } else if (c == '"' || c == '\'') {
            p->quote = c;
        } else if (c == '[' && p->in_doctype && !p->in_subset) {
            p->in_subset = 1;
            p->state = ST_TEXT;
        } else if (c == '>') {
            if (!p->in_subset)
                p->in_doctype = 0;
            p->state = ST_TEXT;
        }
        return CS_OK;
    }
    return CS_OK;
}

static cs_status take(cs_xml_prolog *p, unsigned c, const char *file, cs_diag *d)
{
    cs_status st = step(p, c, file, d);
    if (c == '\n') {
        p->line++;
        p->col = 1;
    } else {
        p->col++;
    }
    return st;
}

/* Decide 8-bit or UTF-16 from the first bytes (XML 1.0 appendix F). */
static cs_status detect(cs_xml_prolog *p, const unsigned char *b, size_t n, const char *file,
                        cs_diag *d)
{
    p->width = 1;
    if (n < 2)
        return CS_OK;
    if ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0x3C && b[1] == 0x00)) {
        if (n >= 4 && b[2] == 0 && b[3] == 0)
            goto unsupported;   /* UTF-32LE */
        p->width = 2;
        p->big_endian = 0;
    } else if ((b[0] == 0xFE && b[1] == 0xFF) || (b[0] == 0x00 && b[1] == 0x3C)) {
        p->width = 2;
        p->big_endian = 1;
    } else if (b[0] == 0x00 && b[1] == 0x00) {
        goto unsupported;       /* UTF-32BE */
    } else if (n >= 4 && b[0] == 0x4C && b[1] == 0x6F && b[2] == 0xA7 && b[3] == 0x94) {
        goto unsupported;       /* EBCDIC "<?xm" */
    }
    return CS_OK;
unsupported:
    return cs_diag_set(d, CS_ERR_FORMAT, file, 1, 1,
                       "XML in UTF-32 or EBCDIC is not supported; save it as UTF-8 or UTF-16");
}

cs_status cs_xml_prolog_feed(cs_xml_prolog *p, const unsigned char *buf, size_t n,
                             const char *file, cs_diag *d)
{
    if (p->done || n == 0)
        return CS_OK;
    size_t i = 0;
    if (p->width == 0) {
        cs_status st = detect(p, buf, n, file, d);
        if (st != CS_OK)
            return st;
    }
    if (p->width == 1) {
        for (; i < n && !p->done; i++) {
            cs_status st = take(p, buf[i], file, d);
            if (st != CS_OK)
                return st;
        }
        return CS_OK;
    }
    while (i < n && !p->done) {
        unsigned char lo, hi;
        if (p->have_half) {
            p->have_half = 0;
            lo = p->half;
            hi = buf[i++];
        } else if (i + 1 < n) {
            lo = buf[i];
            hi = buf[i + 1];
            i += 2;
        } else {
            p->have_half = 1;
            p->half = buf[i++];
            break;
        }
        unsigned unit = p->big_endian ? ((unsigned)lo << 8 | hi) : ((unsigned)hi << 8 | lo);
        if (unit == 0xFEFF)
            continue;   /* the BOM */
        cs_status st = take(p, unit, file, d);
        if (st != CS_OK)
            return st;
    }
    return CS_OK;
}
