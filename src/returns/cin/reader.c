/* Reading an existing CIN census XML file into the CIN dataset.
 *
 * One pass over libxml2's xmlTextReader (which frees each subtree once it
 * has been passed, so memory follows the dataset, not the file), guided by
 * the element tree in schema.c: a stack of open elements, each knowing its
 * node in the tree, the dataset row its values go to, which of its kids have
 * been seen and the highest kid order so far. What stops the read and what
 * only records a finding is listed in cin.h. */
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "read/xml_prolog.h"
#include "read/xmlrec.h"
#include "returns/cin/cin.h"
#include "returns/cin/xmlquiet.h"
#include "util/limits.h"

/* The deepest element of the CIN tree is 7 levels down
 * (Message/Children/Child/CINdetails/ChildProtectionPlans/Reviews/CPPreviewDate). */
#define MAX_OPEN 16
/* libxml2 keeps element line numbers in 16 bits; past that, use the parser's line. */
#define LINE_SATURATED 65535

typedef struct {
    const cs_cin_xnode *x;
    int group;             /* the row values below this element go to */
    uint32_t row;
    uint32_t seen;         /* bit per kid order index */
    int last_kid;          /* highest kid order index seen, -1 before any */
    int stray_reported;    /* stray text already reported for this element */
    uint64_t line;
} frame;

typedef struct {
    cs_bytesrc *src;
    const char *name;
    cs_dataset *ds;
    cs_findings *findings;
    uint32_t file;
    xmlTextReaderPtr reader;

    uint64_t bytes_in;
    cs_xml_prolog prolog;  /* refuses entity declarations before libxml2 sees them */
    int io_failed;
    cs_diag io_diag;
    int xml_failed;
    cs_diag xml_diag;
    cs_diag diag;          /* our own stop reason */

    frame stack[MAX_OPEN];
    int top;               /* -1 before the root */
    int skip_depth;        /* libxml2 depth of the element being skipped, -1 when none */
    int root_seen;
    int header_rows;

    char *text;            /* value of the open leaf */
    size_t text_len, text_cap;
} cin_reader;

/* ---- libxml2 plumbing ---------------------------------------------------- */

static void on_xml_error(void *arg, xmlErrorPtr e)
{
    cin_reader *r = arg;
    if (!e || e->level < XML_ERR_ERROR || r->xml_failed)
        return;
    r->xml_failed = 1;
    char msg[600];
    snprintf(msg, sizeof msg, "%s", e->message ? e->message : "XML error");
    for (size_t n = strlen(msg); n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' ');)
        msg[--n] = '\0';
    cs_diag_set(&r->xml_diag, CS_ERR_FORMAT, r->name, e->line > 0 ? (uint64_t)e->line : 0,
                e->int2 > 0 ? (uint64_t)e->int2 : 0, "not well-formed XML: %s", msg);
}

/* libxml2 pulls raw bytes through here; the prolog guard sees them first
 * and refuses entity declarations before the parser could act on them. */
static int on_read(void *ctx, char *buf, int len)
{
    cin_reader *r = ctx;
    if (r->io_failed)
        return -1;
    if (len <= 0)
        return 0;
    /* the guard tells UTF-16 from 8-bit text by the first 4 bytes */
    size_t need = r->bytes_in == 0 && len >= 4 ? 4 : 1, have = 0;
    for (size_t got = 1; have < need && got > 0;) {
        cs_status st = cs_bytesrc_read(r->src, buf + have, (size_t)len - have, &got, &r->io_diag);
        if (st != CS_OK && st != CS_EOF) {
            r->io_failed = 1;
            return -1;
        }
        have += got;
    }
    r->bytes_in += have;
    if (cs_xml_prolog_feed(&r->prolog, (const unsigned char *)buf, have, r->name,
                           &r->io_diag) != CS_OK) {
        r->io_failed = 1;
        return -1;
    }
    return (int)have;
}

static int on_close(void *ctx)
{
    (void)ctx;   /* the byte source is closed by the caller */
    return 0;
}

static uint64_t parser_line(const cin_reader *r)
{
    int l = r->reader ? xmlTextReaderGetParserLineNumber(r->reader) : 0;
    return l > 0 ? (uint64_t)l : 0;
}

static uint64_t parser_col(const cin_reader *r)
{
    int c = r->reader ? xmlTextReaderGetParserColumnNumber(r->reader) : 0;
    return c > 0 ? (uint64_t)c : 0;
}

static uint64_t node_line(const cin_reader *r)
{
    xmlNodePtr n = xmlTextReaderCurrentNode(r->reader);
    if (n && n->line > 0 && n->line < LINE_SATURATED)
        return n->line;
    return parser_line(r);
}

static cs_status stop(cin_reader *r, cs_status st, uint64_t line, uint64_t col, const char *fmt,
                      ...) __attribute__((format(printf, 5, 6)));

static cs_status stop(cin_reader *r, cs_status st, uint64_t line, uint64_t col, const char *fmt,
                      ...)
{
    char msg[sizeof r->diag.msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cs_diag_set(&r->diag, st, r->name, line, col, "%s", msg);
    return st;
}

/* ---- findings -------------------------------------------------------------- */

static const char *current_child_id(const cin_reader *r)
{
    for (int i = r->top; i >= 0; i--)
        if (r->stack[i].x->kind == CS_CIN_X_ROW && r->stack[i].group == CS_CIN_G_CHILD) {
            const cs_value *v =
                cs_ds_cell_c(r->ds, CS_CIN_G_CHILD, r->stack[i].row, CS_CIN_C_LACHILDID);
            return v->kind == CS_V_STR || v->kind == CS_V_INVALID ? v->s : NULL;
        }
    return NULL;
}

static void finding(cin_reader *r, cs_finding_kind kind, uint64_t line, const char *parent,
                    const char *element, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static void finding(cin_reader *r, cs_finding_kind kind, uint64_t line, const char *parent,
                    const char *element, const char *fmt, ...)
{
    if (!r->findings)
        return;
    char detail[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    cs_findings_addv(r->findings, kind, r->name, line, 0, parent, element, current_child_id(r),
                     NULL, 0, NULL, detail);
}

/* ---- element handling ------------------------------------------------------- */

static int is_xml_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static cs_status push(cin_reader *r, const cs_cin_xnode *x, int group, uint32_t row,
                      uint64_t line)
{
    if (r->top + 1 >= MAX_OPEN)
        return stop(r, CS_ERR_INTERNAL, line, 0, "CIN element tree deeper than expected");
    frame *f = &r->stack[++r->top];
    *f = (frame){.x = x, .group = group, .row = row, .last_kid = -1, .line = line};
    r->text_len = 0;
    return CS_OK;
}

static cs_status append_text(cin_reader *r, const char *s, size_t n)
{
    if (r->text_len + n > CS_MAX_FIELD_BYTES)
        return stop(r, CS_ERR_LIMIT, node_line(r), 0,
                    "a value is longer than %u bytes", CS_MAX_FIELD_BYTES);
    if (r->text_len + n + 1 > r->text_cap) {
        size_t cap = r->text_cap ? r->text_cap : 256;
        while (cap < r->text_len + n + 1)
            cap *= 2;
        r->text = cs_xrealloc(r->text, cap);
        r->text_cap = cap;
    }
    memcpy(r->text + r->text_len, s, n);
    r->text_len += n;
    r->text[r->text_len] = '\0';
    return CS_OK;
}

static void set_leaf_value(cin_reader *r, int group, uint32_t row, int field)
{
    const char *s = r->text ? r->text : "";
    size_t n = r->text_len;
    while (n > 0 && is_xml_space(*s))
        s++, n--;
    while (n > 0 && is_xml_space(s[n - 1]))
        n--;
    cs_ds_set_text(r->ds, group, row, field, s, n, CS_DS_TEXT_ISO);
}

/* The element on top of the stack has ended. */
static void pop(cin_reader *r)
{
    frame *f = &r->stack[r->top];
    const cs_cin_xnode *x = f->x;
    if (x->kind == CS_CIN_X_LEAF) {
        set_leaf_value(r, f->group, f->row, x->field);
    } else if (x->kind == CS_CIN_X_LEAF_ROW) {
        uint32_t row = cs_ds_add_row(r->ds, x->group, f->row, r->file, (uint32_t)f->line);
        set_leaf_value(r, x->group, row, x->field);
    } else if (x->kind == CS_CIN_X_WRAP && f->seen == 0) {
        /* Empty wrappers the rules ask about (8897Q, 8842Q). */
        if (strcmp(x->name, "FactorsIdentifiedAtAssessment") == 0)
            cs_ds_set_bool(r->ds, CS_CIN_G_ASSESSMENTS, f->row, CS_CIN_A_FACTORS_EMPTY, 1);
        else if (strcmp(x->name, "Reviews") == 0)
            cs_ds_add_row(r->ds, CS_CIN_G_REVIEWS, f->row, r->file, (uint32_t)f->line);
    }
    r->top--;
    r->text_len = 0;
}

/* Skip the current element and everything inside it. */
static void skip_element(cin_reader *r, int depth, int empty)
{
    if (!empty)
        r->skip_depth = depth;
}

static cs_status start_root(cin_reader *r, const char *name, uint64_t line)
{
    r->root_seen = 1;
    if (strcmp(name, cs_cin_xml_root.name) != 0)
        return stop(r, CS_ERR_FORMAT, line, 0,
                    "the root element is <%.100s>; a CIN census file has <Message>", name);
    uint32_t row = cs_ds_add_row(r->ds, CS_CIN_G_MESSAGE, 0, r->file, (uint32_t)line);
    return push(r, &cs_cin_xml_root, CS_CIN_G_MESSAGE, row, line);
}

static cs_status start_element(cin_reader *r, const char *name, int depth, int empty)
{
    uint64_t line = node_line(r);
    if (!r->root_seen) {
        cs_status st = start_root(r, name, line);
        if (st == CS_OK && empty)
            pop(r);
        return st;
    }
    if (r->top < 0) /* libxml2 reports a second root itself; be safe */
        return stop(r, CS_ERR_FORMAT, line, 0, "element <%.100s> after the root element", name);
    frame *f = &r->stack[r->top];
    const cs_cin_xnode *px = f->x;
    if (px->kind == CS_CIN_X_LEAF || px->kind == CS_CIN_X_LEAF_ROW) {
        finding(r, CS_FK_XML_UNEXPECTED, line, px->name, name,
                "element <%.100s> inside the value <%s>; ignored", name, px->name);
        skip_element(r, depth, empty);
        return CS_OK;
    }
    uint32_t idx = 0;
    const cs_cin_xnode *x = cs_cin_xnode_kid(px, name, &idx);
    if (!x) {
        finding(r, CS_FK_XML_UNEXPECTED, line, px->name, name,
                "<%.100s> is not part of <%s> in the CIN census; skipped with its content", name,
                px->name);
        skip_element(r, depth, empty);
        return CS_OK;
    }
    if (x->kind == CS_CIN_X_OBSOLETE) {
        skip_element(r, depth, empty);
        return CS_OK;
    }
    uint32_t bit = 1u << idx;
    if ((f->seen & bit) && !(x->flags & CS_CIN_X_REPEAT)) {
        finding(r, CS_FK_XML_UNEXPECTED, line, px->name, name,
                "<%s> appears more than once in <%s>; the first is kept", name, px->name);
        skip_element(r, depth, empty);
        return CS_OK;
    }
    if ((int)idx < f->last_kid)
        finding(r, CS_FK_XML_ORDER, line, px->name, name,
                "<%s> comes after <%s> in <%s>; the schema puts it before; read anyway", name,
                px->kids[f->last_kid].name, px->name);
    else
        f->last_kid = (int)idx;
    f->seen |= bit;

    int group = f->group;
    uint32_t row = f->row;
    if (x->kind == CS_CIN_X_ROW) {
        group = x->group;
        row = cs_ds_add_row(r->ds, group, f->row, r->file, (uint32_t)line);
        if (group == CS_CIN_G_HEADER)
            r->header_rows++;
    }
    cs_status st = push(r, x, group, row, line);
    if (st == CS_OK && empty)
        pop(r);
    return st;
}

static cs_status on_text(cin_reader *r)
{
    const char *v = (const char *)xmlTextReaderConstValue(r->reader);
    size_t n = v ? strlen(v) : 0;
    if (r->top < 0)
        return CS_OK;
    frame *f = &r->stack[r->top];
    if (f->x->kind == CS_CIN_X_LEAF || f->x->kind == CS_CIN_X_LEAF_ROW)
        return append_text(r, v, n);
    size_t i = 0;
    while (i < n && is_xml_space(v[i]))
        i++;
    if (i < n && !f->stray_reported) {
        f->stray_reported = 1;
        char shown[60];
        snprintf(shown, sizeof shown, "%.50s", v + i);
        for (char *p = shown; *p; p++)
            if (*p == '\n' || *p == '\r' || *p == '\t')
                *p = ' ';
        finding(r, CS_FK_XML_UNEXPECTED, node_line(r), f->x->name, NULL,
                "text \"%s\" inside <%s>, where only elements belong; ignored", shown,
                f->x->name);
    }
    return CS_OK;
}

static int dtd_is_unsafe(xmlNodePtr n)
{
    if (!n || n->type != XML_DTD_NODE)
        return 0;
    xmlDtdPtr dtd = (xmlDtdPtr)n;
    return dtd->entities || dtd->pentities || dtd->ExternalID || dtd->SystemID;
}

static cs_status on_node(cin_reader *r)
{
    int type = xmlTextReaderNodeType(r->reader);
    int depth = xmlTextReaderDepth(r->reader);
    if (depth >= (int)CS_MAX_XML_DEPTH)
        return stop(r, CS_ERR_LIMIT, node_line(r), 0, "elements are nested more than %u deep",
                    CS_MAX_XML_DEPTH);
    switch (type) {
    case XML_READER_TYPE_DOCUMENT_TYPE:
        if (dtd_is_unsafe(xmlTextReaderCurrentNode(r->reader)))
            return stop(r, CS_ERR_FORMAT, parser_line(r), 0,
                        "the DOCTYPE declares entities or an external DTD; refused (a CIN "
                        "census file has no DOCTYPE, and entities can expand without bound or "
                        "read other files)");
        return CS_OK;
    case XML_READER_TYPE_ENTITY_REFERENCE: {
        const char *en = (const char *)xmlTextReaderConstName(r->reader);
        return stop(r, CS_ERR_FORMAT, node_line(r), 0,
                    "entity reference &%.100s; refused (only the five predefined entities and "
                    "character references are accepted)",
                    en ? en : "?");
    }
    default:
        break;
    }
    if (r->skip_depth >= 0) {
        if (type == XML_READER_TYPE_END_ELEMENT && depth == r->skip_depth)
            r->skip_depth = -1;
        return CS_OK;
    }
    switch (type) {
    case XML_READER_TYPE_ELEMENT: {
        const char *name = (const char *)xmlTextReaderConstLocalName(r->reader);
        int empty = xmlTextReaderIsEmptyElement(r->reader) == 1;
        return start_element(r, name ? name : "", depth, empty);
    }
    case XML_READER_TYPE_END_ELEMENT:
        if (r->top >= 0)
            pop(r);
        return CS_OK;
    case XML_READER_TYPE_TEXT:
    case XML_READER_TYPE_CDATA:
        return on_text(r);
    case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
        if (r->top >= 0 && (r->stack[r->top].x->kind == CS_CIN_X_LEAF ||
                            r->stack[r->top].x->kind == CS_CIN_X_LEAF_ROW))
            return on_text(r);
        return CS_OK;
    default: /* whitespace between elements, comments, processing instructions */
        return CS_OK;
    }
}

/* The reason a read stopped, best first: the byte source, our own check,
 * then libxml2's error. */
static cs_status failure(cin_reader *r, cs_status st, cs_diag *d)
{
    cs_diag out;
    if (r->io_failed) {
        out = r->io_diag;
        if (out.status == CS_OK || out.status == CS_EOF)
            out.status = CS_ERR_IO;
    } else if (st != CS_OK && r->diag.status != CS_OK) {
        out = r->diag;
    } else if (r->xml_failed) {
        out = r->xml_diag;
    } else {
        cs_diag_set(&out, CS_ERR_FORMAT, r->name, parser_line(r), parser_col(r),
                    "not well-formed XML");
    }
    if (d)
        *d = out;
    return out.status;
}

static cs_status read_all(cin_reader *r)
{
    int ret;
    while ((ret = xmlTextReaderRead(r->reader)) == 1) {
        cs_status st = on_node(r);
        if (st != CS_OK)
            return st;
    }
    if (r->io_failed)
        return CS_ERR_IO;
    if (r->bytes_in == 0)
        return stop(r, CS_ERR_FORMAT, 0, 0, "the file is empty; a CIN census file has <Message>");
    if (ret < 0 || r->xml_failed)
        return CS_ERR_FORMAT;
    if (!r->root_seen)
        return stop(r, CS_ERR_FORMAT, parser_line(r), 0, "the file has no root element");
    return CS_OK;
}

cs_status cs_cin_read_src(cs_bytesrc *src, cs_dataset *out, cs_findings *findings, cs_diag *d)
{
    cs_ds_init(out, &cs_cin_schema);
    cin_reader r = {.src = src, .ds = out, .findings = findings, .top = -1, .skip_depth = -1};
    r.name = cs_bytesrc_name(src) ? cs_bytesrc_name(src) : "";
    r.file = cs_ds_add_file(out, r.name);
    cs_xml_prolog_init(&r.prolog);

    cs_cin_xml_handlers h = cs_cin_xml_quiet(&r, on_xml_error);
    r.reader = xmlReaderForIO(on_read, on_close, &r, r.name, NULL,
                              cs_xml_safe_options() | XML_PARSE_BIG_LINES);
    cs_status st;
    if (!r.reader) {
        st = r.io_failed ? CS_ERR_IO : CS_ERR_NOMEM;
        if (!r.io_failed)
            stop(&r, st, 0, 0, "cannot start the XML parser");
    } else {
        xmlTextReaderSetStructuredErrorHandler(r.reader, on_xml_error, &r);
        st = read_all(&r);
    }
    if (st == CS_OK && r.header_rows == 0) {
        finding(&r, CS_FK_XML_UNEXPECTED, 0, "Message", "Header",
                "the file has no <Header>; an empty one is assumed so the header rules report it");
        cs_ds_add_row(out, CS_CIN_G_HEADER, 0, r.file, 0);
    }
    if (st != CS_OK)
        st = failure(&r, st, d);
    if (r.reader)
        xmlFreeTextReader(r.reader);
    cs_cin_xml_restore(&h);
    free(r.text);
    cs_bytesrc_close(src);
    if (st == CS_OK)
        st = cs_ds_finalize(out, d);
    if (st != CS_OK)
        cs_ds_free(out);
    return st;
}

cs_status cs_cin_read(const char *path, cs_dataset *out, cs_findings *findings, cs_diag *d)
{
    cs_bytesrc *src = NULL;
    cs_status st = cs_bytesrc_open(&src, path, d);
    if (st != CS_OK) {
        cs_ds_init(out, &cs_cin_schema);
        cs_ds_free(out);
        return st;
    }
    return cs_cin_read_src(src, out, findings, d);
}
