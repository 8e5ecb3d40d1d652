/* A record as every reader yields it: fields as byte slices (UTF-8) with the
 * position each starts at. Slices point into the reader's buffer and are
 * valid until the next call on that reader. */
#ifndef CS_READ_RECORD_H
#define CS_READ_RECORD_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *ptr;
    uint32_t len;
    uint32_t col;       /* 1-based column (in characters) where the field starts */
    uint64_t line;      /* line where the field starts (may differ with embedded newlines) */
} cs_field;

typedef struct {
    cs_field *fields;
    uint32_t nfields;
    uint64_t line;      /* first line of the record (1-based) */
    uint64_t index;     /* 0-based data record number (header excluded) */
    int blank;          /* the line held nothing but delimiters/whitespace */
} cs_record;

#endif
