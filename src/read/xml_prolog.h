/* A guard that watches the raw bytes of an XML document up to its root
 * element, before libxml2 sees them, and refuses entity declarations
 * (<!ENTITY ...>) in the prolog with the exact line and column. Refusing the
 * declaration itself, rather than a later expansion, means no billion-laughs
 * or external-entity document ever gets as far as the parser's entity code.
 *
 * It understands comments, processing instructions, quoted literals and the
 * DOCTYPE internal subset, so "<!ENTITY" inside a comment is not a false
 * alarm and a '<' inside a SYSTEM literal does not end the watch early.
 * 8-bit encodings (UTF-8, Latin-1, Windows-1252) and UTF-16 (with or
 * without BOM) are followed; UTF-32 and EBCDIC documents are refused. */
#ifndef CS_READ_XML_PROLOG_H
#define CS_READ_XML_PROLOG_H

#include <stddef.h>
#include <stdint.h>

#include "util/diag.h"

typedef struct {
    int width;              /* 0 = not yet known, 1 = 8-bit, 2 = UTF-16 */
    int big_endian;
    int have_half;          /* UTF-16: a unit split across two feeds */
    unsigned char half;
    int done;               /* the root element has started: nothing left to watch */
    int state;
    int in_subset;          /* inside DOCTYPE [ ... ] */
    int in_doctype;
    unsigned quote;         /* open quote character in a declaration, or 0 */
    int dashes;             /* comment end tracking */
    int qmark;              /* PI end tracking */
    char word[8];           /* keyword after "<!" */
    size_t nword;
    uint64_t line, col;     /* position of the next character */
    uint64_t lt_line, lt_col;
    uint64_t doctype_line;  /* where <!DOCTYPE began, 0 = none */
} cs_xml_prolog;

void cs_xml_prolog_init(cs_xml_prolog *p);
/* Feed the next raw bytes. The first feed should hold at least 4 bytes when
 * the document has them (the encoding family is decided from them).
 * CS_ERR_FORMAT (filled into d, naming `file`) when an entity declaration or
 * an unsupported encoding is seen; CS_OK otherwise. */
cs_status cs_xml_prolog_feed(cs_xml_prolog *p, const unsigned char *buf, size_t n,
                             const char *file, cs_diag *d);

#endif
