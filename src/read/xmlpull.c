/* The safe node-by-node XML parser (see xmlpull.h): plumbing between a
 * cs_bytesrc, the prolog guard and libxml2's xmlTextReader, and one place
 * that decides which of several reported problems the user is told about
 * (the byte source first: a truncated gzip is not an XML syntax error). */
#include "read/xmlpull.h"

#include <libxml/globals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "read/xml_prolog.h"
#include "read/xmlrec.h"
#include "util/arena.h"
#include "util/limits.h"

#define LINE_SATURATED 65535   /* libxml2 keeps element lines in 16 bits */

struct cs_xmlpull {
    cs_bytesrc *src;
    char name[512];
    xmlTextReaderPtr reader;
    cs_xml_prolog prolog;
    uint64_t bytes_in;
    int io_failed;
    cs_diag io_diag;
    int xml_failed;
    cs_diag xml_diag;
    cs_status sticky;
    cs_diag sticky_diag;
};

static void on_xml_error(void *arg, xmlErrorPtr e)
{
    cs_xmlpull *x = arg;
    if (!e || e->level < XML_ERR_ERROR || x->xml_failed)
        return;
    x->xml_failed = 1;
    char msg[600];
    snprintf(msg, sizeof msg, "%s", e->message ? e->message : "XML error");
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    cs_diag_set(&x->xml_diag, CS_ERR_FORMAT, x->name, e->line > 0 ? (uint64_t)e->line : 0,
                e->int2 > 0 ? (uint64_t)e->int2 : 0, "not well-formed XML: %s", msg);
}

static void on_generic_error(void *arg, const char *fmt, ...)
{
    (void)arg;
    (void)fmt;   /* context-free chatter; the structured handler has the facts */
}

/* libxml2 pulls raw bytes through here, past the prolog guard. */
static int on_read(void *ctx, char *buf, int len)
{
    cs_xmlpull *x = ctx;
    if (x->io_failed)
        return -1;
    if (len <= 0)
        return 0;
    /* the guard tells UTF-16 from 8-bit text by the first 4 bytes together */
    size_t want = x->bytes_in == 0 && len >= 4 ? 4 : 1, have = 0, got = 1;
    while (have < want && got > 0) {
        cs_status st = cs_bytesrc_read(x->src, buf + have, (size_t)len - have, &got, &x->io_diag);
        if (st != CS_OK && st != CS_EOF) {
            x->io_failed = 1;
            return -1;
        }
        have += got;
    }
    x->bytes_in += have;
    if (cs_xml_prolog_feed(&x->prolog, (const unsigned char *)buf, have, x->name,
                           &x->io_diag) != CS_OK) {
        x->io_failed = 1;
        return -1;
    }
    return (int)have;
}

static int on_close(void *ctx)
{
    (void)ctx;   /* the caller closes the byte source */
    return 0;
}

typedef struct {
    xmlStructuredErrorFunc serr;
    void *sctx;
    xmlGenericErrorFunc gerr;
    void *gctx;
} saved_handlers;

static saved_handlers quiet(cs_xmlpull *x)
{
    saved_handlers s = {xmlStructuredError, xmlStructuredErrorContext, xmlGenericError,
                        xmlGenericErrorContext};
    xmlSetStructuredErrorFunc(x, on_xml_error);
    xmlSetGenericErrorFunc(x, on_generic_error);
    return s;
}

static void restore(const saved_handlers *s)
{
    xmlSetStructuredErrorFunc(s->sctx, s->serr);
    xmlSetGenericErrorFunc(s->gctx, s->gerr);
}

static uint64_t parser_line(const cs_xmlpull *x)
{
    int l = x->reader ? xmlTextReaderGetParserLineNumber(x->reader) : 0;
    return l > 0 ? (uint64_t)l : 0;
}

uint64_t cs_xmlpull_line(const cs_xmlpull *x)
{
    xmlNodePtr n = x->reader ? xmlTextReaderCurrentNode(x->reader) : NULL;
    if (n && n->line > 0 && n->line < LINE_SATURATED)
        return n->line;
    return parser_line(x);
}

cs_status cs_xmlpull_open(cs_xmlpull **out, cs_bytesrc *src, cs_diag *d)
{
    cs_xmlpull *x = cs_xcalloc(1, sizeof *x);
    x->src = src;
    snprintf(x->name, sizeof x->name, "%s", cs_bytesrc_name(src) ? cs_bytesrc_name(src) : "");
    cs_xml_prolog_init(&x->prolog);
    saved_handlers h = quiet(x);
    x->reader = xmlReaderForIO(on_read, on_close, x, x->name, NULL, cs_xml_safe_options());
    if (x->reader)
        xmlTextReaderSetStructuredErrorHandler(x->reader, on_xml_error, x);
    restore(&h);
    if (!x->reader) {
        cs_status st = x->io_failed ? x->io_diag.status : CS_ERR_NOMEM;
        if (x->io_failed && d)
            *d = x->io_diag;
        else
            cs_diag_set(d, st, x->name, 0, 0, "cannot start the XML parser");
        free(x);
        *out = NULL;
        return st;
    }
    *out = x;
    return CS_OK;
}

void cs_xmlpull_close(cs_xmlpull *x)
{
    if (!x)
        return;
    if (x->reader) {
        saved_handlers h = quiet(x);
        xmlFreeTextReader(x->reader);
        restore(&h);
    }
    free(x);
}

static cs_status fail(cs_xmlpull *x, cs_diag *d)
{
    if (d)
        *d = x->sticky_diag;
    return x->sticky;
}

static cs_status fail_with(cs_xmlpull *x, cs_status st, uint64_t line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static cs_status fail_with(cs_xmlpull *x, cs_status st, uint64_t line, const char *fmt, ...)
{
    char msg[sizeof x->sticky_diag.msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cs_diag_set(&x->sticky_diag, st, x->name, line, 0, "%s", msg);
    x->sticky = st;
    return st;
}

/* The parser stopped: the byte source's reason first, then libxml2's. */
static cs_status fail_parse(cs_xmlpull *x)
{
    if (x->io_failed) {
        x->sticky_diag = x->io_diag;
        if (x->sticky_diag.line == 0)
            x->sticky_diag.line = parser_line(x);
    } else if (x->bytes_in == 0) {
        cs_diag_set(&x->sticky_diag, CS_ERR_FORMAT, x->name, 0, 0,
                    "the file is empty: there is no XML document");
    } else if (x->xml_failed) {
        x->sticky_diag = x->xml_diag;
    } else {
        cs_diag_set(&x->sticky_diag, CS_ERR_FORMAT, x->name, parser_line(x), 0,
                    "not well-formed XML");
    }
    if (x->sticky_diag.status == CS_OK || x->sticky_diag.status == CS_EOF)
        x->sticky_diag.status = CS_ERR_FORMAT;
    x->sticky = x->sticky_diag.status;
    return x->sticky;
}

static int dtd_is_unsafe(xmlNodePtr n)
{
    if (!n || n->type != XML_DTD_NODE)
        return 0;
    xmlDtdPtr dtd = (xmlDtdPtr)n;
    return dtd->entities || dtd->pentities || dtd->ExternalID || dtd->SystemID;
}

cs_status cs_xmlpull_next(cs_xmlpull *x, cs_diag *d)
{
    if (x->sticky != CS_OK)
        return fail(x, d);
    for (;;) {
        saved_handlers h = quiet(x);
        int ret = xmlTextReaderRead(x->reader);
        restore(&h);
        if (ret < 0 || x->io_failed || x->xml_failed) {
            fail_parse(x);
            return fail(x, d);
        }
        if (ret == 0) {
            if (x->bytes_in == 0) {
                fail_parse(x);
                return fail(x, d);
            }
            return CS_EOF;
        }
        int type = xmlTextReaderNodeType(x->reader);
        if (xmlTextReaderDepth(x->reader) >= (int)CS_MAX_XML_DEPTH) {
            fail_with(x, CS_ERR_LIMIT, cs_xmlpull_line(x), "elements are nested more than %u deep",
                      CS_MAX_XML_DEPTH);
            return fail(x, d);
        }
        if (type == XML_READER_TYPE_DOCUMENT_TYPE) {
            if (dtd_is_unsafe(xmlTextReaderCurrentNode(x->reader))) {
                fail_with(x, CS_ERR_FORMAT, parser_line(x),
                          "the DOCTYPE declares entities or an external DTD; refused (entities "
                          "can expand without bound or read other files)");
                return fail(x, d);
            }
            continue;
        }
        if (type == XML_READER_TYPE_ENTITY_REFERENCE) {
            const char *en = (const char *)xmlTextReaderConstName(x->reader);
            fail_with(x, CS_ERR_FORMAT, cs_xmlpull_line(x),
                      "entity reference &%.100s; refused (only the five predefined entities "
                      "and character references are accepted)", en ? en : "?");
            return fail(x, d);
        }
        return CS_OK;
    }
}

int cs_xmlpull_type(const cs_xmlpull *x)
{
    return xmlTextReaderNodeType(x->reader);
}

int cs_xmlpull_depth(const cs_xmlpull *x)
{
    return xmlTextReaderDepth(x->reader);
}

const char *cs_xmlpull_local_name(const cs_xmlpull *x)
{
    const char *n = (const char *)xmlTextReaderConstLocalName(x->reader);
    return n ? n : "";
}

int cs_xmlpull_attr(const cs_xmlpull *x, const char *local_name, char *buf, size_t n)
{
    int found = 0;
    if (n)
        buf[0] = '\0';
    if (xmlTextReaderNodeType(x->reader) != XML_READER_TYPE_ELEMENT)
        return 0;
    for (int ok = xmlTextReaderMoveToFirstAttribute(x->reader); ok == 1 && !found;
         ok = xmlTextReaderMoveToNextAttribute(x->reader)) {
        const char *name = (const char *)xmlTextReaderConstLocalName(x->reader);
        if (!name || strcmp(name, local_name) != 0)
            continue;
        const char *v = (const char *)xmlTextReaderConstValue(x->reader);
        if (n)
            snprintf(buf, n, "%s", v ? v : "");
        found = 1;
    }
    xmlTextReaderMoveToElement(x->reader);
    return found;
}

const char *cs_xmlpull_value(const cs_xmlpull *x)
{
    const char *v = (const char *)xmlTextReaderConstValue(x->reader);
    return v ? v : "";
}

int cs_xmlpull_is_empty(const cs_xmlpull *x)
{
    return xmlTextReaderIsEmptyElement(x->reader) == 1;
}

const char *cs_xmlpull_name(const cs_xmlpull *x)
{
    return x->name;
}
