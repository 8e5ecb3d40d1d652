/* Streaming XML record reader on libxml2's xmlTextReader, with network
 * access, DTD loading and entity expansion off (XML_PARSE_NONET, no
 * XML_PARSE_NOENT/DTDLOAD; an entity reference or DOCTYPE with entities is
 * an error). Every element named record_name (at any depth) is one record;
 * its fields are its attributes and its leaf child elements (name = element
 * name, value = text). Nested non-leaf children are flattened with "/" in
 * the name (Parent/Child). Positions are libxml2's line numbers; columns are
 * 0 when unknown.
 *
 * Malformed XML (unclosed tags, bad characters, an empty file) is
 * CS_ERR_FORMAT with the line and column libxml2 reports. Depth is capped at
 * CS_MAX_XML_DEPTH and text at CS_MAX_FIELD_BYTES (CS_ERR_LIMIT). */
#ifndef CS_READ_XMLREC_H
#define CS_READ_XMLREC_H

#include "io/source.h"
#include "read/record.h"
#include "util/diag.h"

typedef struct cs_xmlrec cs_xmlrec;

/* Takes ownership of src (raw bytes: libxml2 handles the XML encoding
 * declaration and BOMs itself). */
cs_status cs_xmlrec_open(cs_xmlrec **out, cs_bytesrc *src, const char *record_name, cs_diag *d);
/* names[i] is the field name of rec->fields[i]; valid until the next call. */
cs_status cs_xmlrec_next(cs_xmlrec *r, cs_record *rec, const char *const **names, cs_diag *d);
void cs_xmlrec_close(cs_xmlrec *r);
/* The document's encoding as libxml2 sees it ("UTF-8" when undeclared). */
const char *cs_xmlrec_encoding(const cs_xmlrec *r);

/* Options every XML parse in cscdw uses (also for the CIN reader). */
int cs_xml_safe_options(void);

#endif
