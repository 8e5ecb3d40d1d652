/* XML record reader on libxml2's xmlTextReader.
 *
 * Safety: documents come from case systems and from other people's tools,
 * so they are untrusted. The parser runs without network access, without
 * loading external DTDs and without substituting entities. On top of that
 * the prolog guard (xml_prolog.h) reads the bytes before libxml2 does and
 * refuses any <!ENTITY> declaration at its line and column, so no entity
 * ever reaches libxml2's entity code; as a second line, a DOCTYPE node that
 * declares entities and any entity reference node are refused too, and
 * libxml2's own limits stay on (no XML_PARSE_HUGE).
 *
 * Errors: libxml2 reports through a structured handler installed on the
 * reader; while the reader runs, the thread's global handlers point here
 * too, so context-free errors (I/O, encoding) never reach stderr.
 *
 * Records: an element named record_name opens a record; its attributes and
 * its leaf descendants become fields named by their path below the record
 * ("Source/Code"). An element with that name inside an open record is
 * treated as an ordinary child: records do not nest. */
#include "read/xmlrec.h"

#include <libxml/globals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "read/xml_prolog.h"
#include "util/arena.h"
#include "util/limits.h"

/* libxml2 stores element line numbers in 16 bits; beyond this the parser's
 * own position is used instead (a few lines ahead at most). */
#define XML_LINE_SATURATED 65535

typedef struct {
    const char *path;      /* field-name prefix below the record ("" for the record) */
    uint64_t line;
    int has_child;         /* an element child was seen: not a leaf */
} frame;

struct cs_xmlrec {
    cs_bytesrc *src;
    xmlTextReaderPtr reader;
    char *record_name;
    char name[512];
    cs_xml_prolog prolog;  /* refuses entity declarations before libxml2 sees them */
    cs_diag io_diag;       /* why the byte source (or the prolog guard) failed */
    int io_failed;
    cs_diag xml_diag;      /* libxml2's first error */
    int xml_failed;
    uint64_t in_bytes;     /* input seen so far, and where its last non-blank byte is */
    uint64_t in_line, in_col, last_text_line, last_text_col;
    cs_status sticky;      /* once failed, every later call fails the same way */
    cs_diag sticky_diag;
    int done;
    uint64_t index;        /* records returned so far */

    cs_arena arena;        /* per record: paths, names, values */
    cs_field *fields;
    const char **names;
    uint32_t nfields, cap;
    size_t row_bytes;

    frame stack[CS_MAX_XML_DEPTH + 2];
    int top;               /* index of the innermost open element; 0 = record */
    int rec_depth;         /* libxml2 depth of the record element */
    char *text;            /* text of the innermost element while it may be a leaf */
    size_t text_len, text_cap;
};

int cs_xml_safe_options(void)
{
    /* NONET: no network. No NOENT (entities are not substituted), no
     * DTDLOAD/DTDATTR/DTDVALID (external DTDs are never fetched), no HUGE
     * (libxml2's size and depth limits stay on). BIG_LINES keeps line numbers
     * right past 65535 in long files. */
    return XML_PARSE_NONET | XML_PARSE_COMPACT | XML_PARSE_BIG_LINES;
}

/* ---- libxml2 plumbing --------------------------------------------------- */

/* libxml2's push parser words two common cases badly: a file cut short
 * ("Extra content at the end of the document", reported at its very end)
 * and a file that is not XML at all ("Document is empty"). */
static const char *plain_words(const cs_xmlrec *r, const xmlError *e)
{
    if (r->last_text_line == 0)
        return "the file is empty or blank: there is no XML document";
    if (e->code == XML_ERR_DOCUMENT_EMPTY)
        return "no XML document here: it should begin with '<' (is this file XML?)";
    if (e->code == XML_ERR_DOCUMENT_END && e->line > 0 &&
        ((uint64_t)e->line > r->last_text_line ||
         ((uint64_t)e->line == r->last_text_line && (uint64_t)e->int2 > r->last_text_col)))
        return "the document ends before all its elements are closed (is the file cut short?)";
    return NULL;
}

static void on_xml_error(void *arg, xmlErrorPtr e)
{
    cs_xmlrec *r = arg;
    if (!e || e->level < XML_ERR_ERROR || r->xml_failed)
        return;
    r->xml_failed = 1;
    char msg[512];
    const char *plain = plain_words(r, e);
    snprintf(msg, sizeof msg, "%s", plain ? plain : e->message ? e->message : "XML error");
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    cs_diag_set(&r->xml_diag, CS_ERR_FORMAT, r->name, e->line > 0 ? (uint64_t)e->line : 0,
                e->int2 > 0 ? (uint64_t)e->int2 : 0, "malformed XML: %s", msg);
}

/* Where the input's last non-blank byte is, for plain_words. */
static void track_input(cs_xmlrec *r, const char *buf, size_t n)
{
    r->in_bytes += n;
    for (size_t i = 0; i < n; i++) {
        char c = buf[i];
        if (c == '\n') {
            r->in_line++;
            r->in_col = 0;
            continue;
        }
        r->in_col++;
        if (c != ' ' && c != '\t' && c != '\r' && c != '\0') {
            r->last_text_line = r->in_line;
            r->last_text_col = r->in_col;
        }
    }
}

static void on_generic_error(void *arg, const char *fmt, ...)
{
    (void)arg;
    (void)fmt;   /* context-free chatter; the structured handler has the facts */
}

static int io_read(void *ctx, char *buf, int len)
{
    cs_xmlrec *r = ctx;
    if (r->io_failed || len <= 0)
        return r->io_failed ? -1 : 0;
    /* the first read gathers 4 bytes if it can: the prolog guard decides
     * the encoding family from them */
    size_t total = 0, want = r->prolog.width == 0 && len >= 4 ? 4 : 1;
    while (total < want) {
        size_t got = 0;
        cs_status st = cs_bytesrc_read(r->src, buf + total, (size_t)len - total, &got,
                                       &r->io_diag);
        if (st != CS_OK && st != CS_EOF) {
            r->io_failed = 1;
            return -1;
        }
        if (got == 0)
            break;
        total += got;
    }
    track_input(r, buf, total);
    if (cs_xml_prolog_feed(&r->prolog, (const unsigned char *)buf, total, r->name,
                           &r->io_diag) != CS_OK) {
        r->io_failed = 1;
        return -1;
    }
    return (int)total;
}

static int io_close(void *ctx)
{
    (void)ctx;   /* the byte source is closed by cs_xmlrec_close */
    return 0;
}

/* Run one libxml2 call with this reader's handlers as the thread's global
 * ones too, then put the caller's back. */
typedef struct {
    xmlStructuredErrorFunc serr;
    void *sctx;
    xmlGenericErrorFunc gerr;
    void *gctx;
} saved_handlers;

static saved_handlers handlers_push(cs_xmlrec *r)
{
    saved_handlers s = {xmlStructuredError, xmlStructuredErrorContext, xmlGenericError,
                        xmlGenericErrorContext};
    xmlSetStructuredErrorFunc(r, on_xml_error);
    xmlSetGenericErrorFunc(r, on_generic_error);
    return s;
}

static void handlers_pop(const saved_handlers *s)
{
    xmlSetStructuredErrorFunc(s->sctx, s->serr);
    xmlSetGenericErrorFunc(s->gctx, s->gerr);
}

static uint64_t parser_line(cs_xmlrec *r)
{
    int l = xmlTextReaderGetParserLineNumber(r->reader);
    return l > 0 ? (uint64_t)l : 0;
}

static uint64_t node_line(cs_xmlrec *r)
{
    xmlNodePtr n = xmlTextReaderCurrentNode(r->reader);
    if (n && n->line > 0 && n->line < XML_LINE_SATURATED)
        return n->line;
    return parser_line(r);
}

/* ---- failure ------------------------------------------------------------ */

static cs_status fail(cs_xmlrec *r, cs_status st, cs_diag *d)
{
    r->sticky = st;
    if (d)
        *d = r->sticky_diag;
    return st;
}

static cs_status fail_with(cs_xmlrec *r, cs_status st, uint64_t line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static cs_status fail_with(cs_xmlrec *r, cs_status st, uint64_t line, const char *fmt, ...)
{
    char msg[sizeof r->sticky_diag.msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cs_diag_set(&r->sticky_diag, st, r->name, line, 0, "%s", msg);
    r->sticky = st;
    return st;
}

/* The parser or the byte source reported a problem: say which, preferring
 * the byte source (a truncated gzip is not an XML syntax error). */
static cs_status fail_parse(cs_xmlrec *r, cs_diag *d)
{
    if (r->io_failed) {
        r->sticky_diag = r->io_diag;
        if (r->sticky_diag.line == 0 && r->reader)
            r->sticky_diag.line = parser_line(r);
    } else if (r->xml_failed) {
        r->sticky_diag = r->xml_diag;
    } else {
        cs_diag_set(&r->sticky_diag, CS_ERR_FORMAT, r->name, r->reader ? parser_line(r) : 0, 0,
                    "malformed XML");
    }
    if (r->sticky_diag.status == CS_OK || r->sticky_diag.status == CS_EOF)
        r->sticky_diag.status = CS_ERR_FORMAT;
    return fail(r, r->sticky_diag.status, d);
}

/* ---- open / close ------------------------------------------------------- */

cs_status cs_xmlrec_open(cs_xmlrec **out, cs_bytesrc *src, const char *record_name, cs_diag *d)
{
    *out = NULL;
    const char *name = cs_bytesrc_name(src);
    if (!record_name || !record_name[0]) {
        cs_diag_set(d, CS_ERR_CONFIG, name, 0, 0,
                    "XML reading needs the name of the record element");
        cs_bytesrc_close(src);
        return CS_ERR_CONFIG;
    }
    cs_xmlrec *r = cs_xcalloc(1, sizeof *r);
    r->src = src;
    r->record_name = cs_xstrdup(record_name);
    snprintf(r->name, sizeof r->name, "%s", name ? name : "");
    cs_arena_init(&r->arena, 0);
    cs_xml_prolog_init(&r->prolog);
    r->in_line = 1;
    r->text_cap = 4096;
    r->text = cs_xmalloc(r->text_cap);

    saved_handlers h = handlers_push(r);
    r->reader = xmlReaderForIO(io_read, io_close, r, r->name, NULL, cs_xml_safe_options());
    if (r->reader)
        xmlTextReaderSetStructuredErrorHandler(r->reader, on_xml_error, r);
    handlers_pop(&h);
    if (!r->reader) {
        cs_status st = r->io_failed ? r->io_diag.status : CS_ERR_NOMEM;
        if (r->io_failed && d)
            *d = r->io_diag;
        else
            cs_diag_set(d, st, r->name, 0, 0, "cannot start the XML parser");
        cs_xmlrec_close(r);
        return st;
    }
    *out = r;
    return CS_OK;
}

void cs_xmlrec_close(cs_xmlrec *r)
{
    if (!r)
        return;
    if (r->reader) {
        saved_handlers h = handlers_push(r);
        xmlFreeTextReader(r->reader);
        handlers_pop(&h);
    }
    cs_bytesrc_close(r->src);
    cs_arena_free(&r->arena);
    free(r->fields);
    free(r->names);
    free(r->text);
    free(r->record_name);
    free(r);
}

const char *cs_xmlrec_encoding(const cs_xmlrec *r)
{
    const xmlChar *enc = r->reader ? xmlTextReaderConstEncoding(r->reader) : NULL;
    return enc ? (const char *)enc : "UTF-8";
}

/* ---- records ------------------------------------------------------------ */

static cs_status add_field(cs_xmlrec *r, const char *name, const char *value, size_t len,
                           uint64_t line)
{
    if (r->nfields >= CS_MAX_COLUMNS)
        return fail_with(r, CS_ERR_LIMIT, line,
                         "record <%s> has more than %u fields", r->record_name,
                         CS_MAX_COLUMNS);
    r->row_bytes += len + strlen(name);
    if (r->row_bytes > CS_MAX_ROW_BYTES)
        return fail_with(r, CS_ERR_LIMIT, line, "record <%s> is larger than %u bytes",
                         r->record_name, CS_MAX_ROW_BYTES);
    if (r->nfields == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 32;
        r->fields = cs_xrealloc(r->fields, r->cap * sizeof *r->fields);
        r->names = cs_xrealloc(r->names, r->cap * sizeof *r->names);
    }
    cs_field *f = &r->fields[r->nfields];
    f->ptr = cs_arena_strndup(&r->arena, value, len);
    f->len = (uint32_t)len;
    f->col = 0;
    f->line = line;
    r->names[r->nfields++] = name;
    return CS_OK;
}

static const char *child_path(cs_xmlrec *r, const char *parent, const char *name)
{
    if (!parent[0])
        return cs_arena_strdup(&r->arena, name);
    return cs_arena_printf(&r->arena, "%s/%s", parent, name);
}

/* Attributes of the current element as fields under `path`. */
static cs_status add_attributes(cs_xmlrec *r, const char *path, uint64_t line)
{
    unsigned count = 0;
    cs_status st = CS_OK;
    while (st == CS_OK && xmlTextReaderMoveToNextAttribute(r->reader) == 1) {
        if (xmlTextReaderIsNamespaceDecl(r->reader) == 1)
            continue;
        if (++count > CS_MAX_XML_ATTRS) {
            st = fail_with(r, CS_ERR_LIMIT, line, "an element has more than %u attributes",
                           CS_MAX_XML_ATTRS);
            break;
        }
        const char *an = (const char *)xmlTextReaderConstLocalName(r->reader);
        const char *av = (const char *)xmlTextReaderConstValue(r->reader);
        size_t alen = av ? strlen(av) : 0;
        if (alen > CS_MAX_FIELD_BYTES) {
            st = fail_with(r, CS_ERR_LIMIT, line, "attribute '%s' is longer than %u bytes",
                           an ? an : "?", CS_MAX_FIELD_BYTES);
            break;
        }
        st = add_field(r, child_path(r, path, an ? an : ""), av ? av : "", alen, line);
    }
    xmlTextReaderMoveToElement(r->reader);
    return st;
}

static cs_status append_text(cs_xmlrec *r, const char *s, uint64_t line)
{
    size_t n = s ? strlen(s) : 0;
    if (r->text_len + n > CS_MAX_FIELD_BYTES)
        return fail_with(r, CS_ERR_LIMIT, line, "text of <%s> is longer than %u bytes",
                         r->stack[r->top].path, CS_MAX_FIELD_BYTES);
    if (r->text_len + n > r->text_cap) {
        while (r->text_len + n > r->text_cap)
            r->text_cap *= 2;
        r->text = cs_xrealloc(r->text, r->text_cap);
    }
    memcpy(r->text + r->text_len, s, n);
    r->text_len += n;
    return CS_OK;
}

static cs_status start_record(cs_xmlrec *r, int depth, uint64_t line)
{
    cs_arena_reset(&r->arena);
    r->nfields = 0;
    r->row_bytes = 0;
    r->top = 0;
    r->rec_depth = depth;
    r->stack[0] = (frame){.path = "", .line = line, .has_child = 0};
    r->text_len = 0;
    return add_attributes(r, "", line);
}

static cs_status start_child(cs_xmlrec *r, const char *local, uint64_t line, int empty)
{
    frame *parent = &r->stack[r->top];
    parent->has_child = 1;
    r->text_len = 0;   /* mixed content of a non-leaf is not data */
    const char *path = child_path(r, parent->path, local);
    cs_status st = add_attributes(r, path, line);
    if (st != CS_OK)
        return st;
    if (empty)
        return add_field(r, path, "", 0, line);
    r->stack[++r->top] = (frame){.path = path, .line = line, .has_child = 0};
    return CS_OK;
}

static cs_status end_child(cs_xmlrec *r)
{
    frame *f = &r->stack[r->top--];
    cs_status st = CS_OK;
    if (!f->has_child)
        st = add_field(r, f->path, r->text, r->text_len, f->line);
    r->text_len = 0;
    return st;
}

static void yield_record(cs_xmlrec *r, cs_record *rec, const char *const **names)
{
    rec->fields = r->fields;
    rec->nfields = r->nfields;
    rec->line = r->stack[0].line;
    rec->blank = 0;
    rec->index = r->index++;
    if (names)
        *names = (const char *const *)r->names;
}

static int is_text_node(int type)
{
    return type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
           type == XML_READER_TYPE_WHITESPACE || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE;
}

static int dtd_declares_entities(xmlNodePtr n)
{
    if (!n || n->type != XML_DTD_NODE)
        return 0;
    xmlDtdPtr dtd = (xmlDtdPtr)n;
    return dtd->entities != NULL || dtd->pentities != NULL;
}

/* One step of the walk. Returns CS_OK to go on, CS_EOF at a finished record
 * (rec filled), or an error. */
static cs_status on_node(cs_xmlrec *r, int *in_record, cs_record *rec, const char *const **names)
{
    int type = xmlTextReaderNodeType(r->reader);
    int depth = xmlTextReaderDepth(r->reader);
    if (depth >= (int)CS_MAX_XML_DEPTH)
        return fail_with(r, CS_ERR_LIMIT, node_line(r),
                         "elements are nested more than %u deep", CS_MAX_XML_DEPTH);
    switch (type) {
    case XML_READER_TYPE_DOCUMENT_TYPE:
        if (dtd_declares_entities(xmlTextReaderCurrentNode(r->reader)))
            return fail_with(r, CS_ERR_FORMAT,
                             r->prolog.doctype_line ? r->prolog.doctype_line : parser_line(r),
                             "the DOCTYPE declares entities; cscdw refuses entity "
                             "declarations (they can expand without bound or read "
                             "other files)");
        return CS_OK;
    case XML_READER_TYPE_ENTITY_REFERENCE: {
        const char *en = (const char *)xmlTextReaderConstName(r->reader);
        return fail_with(r, CS_ERR_FORMAT, node_line(r),
                         "entity reference &%s; refused (only &lt; &gt; &amp; &apos; &quot; "
                         "and character references are accepted)",
                         en ? en : "?");
    }
    case XML_READER_TYPE_ELEMENT: {
        const char *local = (const char *)xmlTextReaderConstLocalName(r->reader);
        int empty = xmlTextReaderIsEmptyElement(r->reader) == 1;
        uint64_t line = node_line(r);
        if (!local)
            return CS_OK;
        if (!*in_record) {
            if (strcmp(local, r->record_name) != 0)
                return CS_OK;
            *in_record = 1;
            cs_status st = start_record(r, depth, line);
            if (st != CS_OK)
                return st;
            if (empty) {
                yield_record(r, rec, names);
                return CS_EOF;
            }
            return CS_OK;
        }
        return start_child(r, local, line, empty);
    }
    case XML_READER_TYPE_END_ELEMENT:
        if (!*in_record)
            return CS_OK;
        if (depth == r->rec_depth) {
            yield_record(r, rec, names);
            return CS_EOF;
        }
        return end_child(r);
    default:
        if (*in_record && is_text_node(type) && r->top > 0 && !r->stack[r->top].has_child)
            return append_text(r, (const char *)xmlTextReaderConstValue(r->reader),
                               node_line(r));
        return CS_OK;
    }
}

cs_status cs_xmlrec_next(cs_xmlrec *r, cs_record *rec, const char *const **names, cs_diag *d)
{
    if (r->sticky != CS_OK)
        return fail(r, r->sticky, d);
    if (r->done)
        return CS_EOF;
    int in_record = 0;
    for (;;) {
        saved_handlers h = handlers_push(r);
        int ret = xmlTextReaderRead(r->reader);
        handlers_pop(&h);
        if (ret < 0 || r->io_failed || r->xml_failed)
            return fail_parse(r, d);
        if (ret == 0) {
            r->done = 1;
            return CS_EOF;
        }
        h = handlers_push(r);
        cs_status st = on_node(r, &in_record, rec, names);
        handlers_pop(&h);
        if (st == CS_EOF)
            return CS_OK;   /* a record is complete */
        if (st != CS_OK)
            return fail(r, st, d);
    }
}
