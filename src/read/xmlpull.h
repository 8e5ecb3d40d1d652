/* A safe streaming node-by-node XML parser, for readers that walk an
 * element tree themselves (return files: SSDA903 XML, and any other reader
 * that wants it). libxml2's xmlTextReader is fed from a cs_bytesrc through
 * the prolog guard (xml_prolog.h: entity declarations refused before the
 * parser sees them), with cs_xml_safe_options() (no network, no DTD
 * loading, no entity substitution). A DOCTYPE that declares entities or
 * names an external DTD and any entity reference are refused; DOCTYPE
 * nodes are never handed out. libxml2's errors are captured (never
 * printed): its thread-global handlers point here only while a call runs.
 *
 * The caller owns the byte source (close it after cs_xmlpull_close). */
#ifndef CS_READ_XMLPULL_H
#define CS_READ_XMLPULL_H

#include <stddef.h>
#include <stdint.h>

#include "io/source.h"
#include "util/diag.h"

typedef struct cs_xmlpull cs_xmlpull;

cs_status cs_xmlpull_open(cs_xmlpull **out, cs_bytesrc *src, cs_diag *d);
void cs_xmlpull_close(cs_xmlpull *x);

/* The next node: CS_OK (see the accessors), CS_EOF after the last node of a
 * well-formed document, or an error with file, line and column in d:
 *   - CS_ERR_FORMAT: not well-formed (libxml2's message and position), an
 *     empty file, a refused DOCTYPE or entity declaration or reference;
 *   - CS_ERR_LIMIT: elements nested deeper than CS_MAX_XML_DEPTH;
 *   - the byte source's own error (CS_ERR_IO, a truncated gzip ...).
 * After an error every later call returns it again. */
cs_status cs_xmlpull_next(cs_xmlpull *x, cs_diag *d);

/* About the current node. type is libxml2's XML_READER_TYPE_* value. */
int cs_xmlpull_type(const cs_xmlpull *x);
int cs_xmlpull_depth(const cs_xmlpull *x);          /* 0 = the root element */
const char *cs_xmlpull_local_name(const cs_xmlpull *x);   /* namespace prefix dropped */
const char *cs_xmlpull_value(const cs_xmlpull *x);  /* text and CDATA nodes; "" otherwise */
int cs_xmlpull_is_empty(const cs_xmlpull *x);       /* an element written <X/> */
uint64_t cs_xmlpull_line(const cs_xmlpull *x);      /* line of the node (past 65535 too) */
const char *cs_xmlpull_name(const cs_xmlpull *x);   /* the byte source's name */
/* The current element's attribute with this local name (namespace prefix
 * ignored; the first such), copied into buf (NUL-terminated, cut to n - 1
 * bytes). 1 when the element has it, 0 when not. */
int cs_xmlpull_attr(const cs_xmlpull *x, const char *local_name, char *buf, size_t n);

#endif
