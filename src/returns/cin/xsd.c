/* Checking a CIN XML file against an XSD with libxml2's xmlschemas, the
 * document streamed through xmlTextReader with cscdw's safe parse options
 * (no network, no DTD loading, no entity expansion), so a large file is
 * never held as a DOM. */
#include <errno.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "read/xmlrec.h"
#include "returns/cin/cin.h"
#include "returns/cin/xmlquiet.h"

typedef struct {
    const char *path;          /* the document (or the XSD while it is parsed) */
    xmlTextReaderPtr reader;   /* for a column when libxml2 gives none */
    cs_diag first;
    uint64_t errors;
} xsd_ctx;

static void on_error(void *arg, xmlErrorPtr e)
{
    xsd_ctx *c = arg;
    if (!e || e->level < XML_ERR_ERROR)
        return;
    if (c->errors++ > 0)
        return;
    char msg[700];
    snprintf(msg, sizeof msg, "%s", e->message ? e->message : "XML error");
    for (size_t n = strlen(msg); n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' ');)
        msg[--n] = '\0';
    uint64_t line = e->line > 0 ? (uint64_t)e->line : 0;
    uint64_t col = e->int2 > 0 ? (uint64_t)e->int2 : 0;
    if (c->reader && col == 0 && line > 0 &&
        xmlTextReaderGetParserLineNumber(c->reader) == (int)line) {
        int pc = xmlTextReaderGetParserColumnNumber(c->reader);
        col = pc > 0 ? (uint64_t)pc : 0;
    }
    if (line == 0 && c->reader) {
        int pl = xmlTextReaderGetParserLineNumber(c->reader);
        line = pl > 0 ? (uint64_t)pl : 0;
    }
    cs_diag_set(&c->first, CS_ERR_FORMAT, c->path, line, col, "%s", msg);
}

static xmlSchemaPtr load_schema(const char *xsd_path, cs_diag *d)
{
    if (access(xsd_path, R_OK) != 0) {
        cs_diag_set(d, CS_ERR_IO, xsd_path, 0, 0, "cannot read the XSD: %s", strerror(errno));
        return NULL;
    }
    xsd_ctx c = {.path = xsd_path};
    cs_cin_xml_handlers h = cs_cin_xml_quiet(&c, on_error);
    xmlSchemaPtr schema = NULL;
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(xsd_path);
    if (pc) {
        xmlSchemaSetParserStructuredErrors(pc, on_error, &c);
        schema = xmlSchemaParse(pc);
        xmlSchemaFreeParserCtxt(pc);
    }
    cs_cin_xml_restore(&h);
    if (!schema) {
        if (c.errors) {
            *d = c.first;
            d->status = CS_ERR_CONFIG;
        } else {
            cs_diag_set(d, CS_ERR_CONFIG, xsd_path, 0, 0, "cannot parse the XSD");
        }
    }
    return schema;
}

cs_status cs_cin_xsd_validate(const char *path, const char *xsd_path, cs_diag *d)
{
    if (access(path, R_OK) != 0)
        return cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot read the file: %s",
                           strerror(errno));
    xmlSchemaPtr schema = load_schema(xsd_path, d);
    if (!schema)
        return d ? d->status : CS_ERR_CONFIG;

    xsd_ctx c = {.path = path};
    cs_cin_xml_handlers h = cs_cin_xml_quiet(&c, on_error);
    cs_status st = CS_OK;
    c.reader = xmlReaderForFile(path, NULL, cs_xml_safe_options());
    if (!c.reader) {
        st = cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot open the file for XSD validation");
    } else {
        xmlTextReaderSetStructuredErrorHandler(c.reader, on_error, &c);
        if (xmlTextReaderSetSchema(c.reader, schema) != 0) {
            st = cs_diag_set(d, CS_ERR_INTERNAL, path, 0, 0, "cannot attach the XSD");
        } else {
            int ret, refused = 0;
            while ((ret = xmlTextReaderRead(c.reader)) == 1) {
                if (xmlTextReaderNodeType(c.reader) == XML_READER_TYPE_ENTITY_REFERENCE) {
                    refused = 1;
                    st = cs_diag_set(d, CS_ERR_FORMAT, path,
                                     (uint64_t)xmlTextReaderGetParserLineNumber(c.reader), 0,
                                     "entity reference refused");
                    break;
                }
            }
            if (!refused && (ret < 0 || c.errors > 0 || xmlTextReaderIsValid(c.reader) != 1)) {
                if (c.errors == 0)
                    cs_diag_set(&c.first, CS_ERR_FORMAT, path, 0, 0,
                                "the file does not match the XSD %s", xsd_path);
                st = CS_ERR_FORMAT;
                if (d) {
                    *d = c.first;
                    d->status = st;
                    if (c.errors > 1) {
                        size_t n = strlen(d->msg);
                        snprintf(d->msg + n, sizeof d->msg - n, " (and %llu more problems)",
                                 (unsigned long long)(c.errors - 1));
                    }
                }
            }
        }
        xmlFreeTextReader(c.reader);
    }
    cs_cin_xml_restore(&h);
    xmlSchemaFree(schema);
    return st;
}
