/* Streaming delimited-text reader: CSV/TSV/pipe (RFC 4180 quoting, CRLF and
 * LF, embedded newlines in quoted fields, doubled quotes). Excel habits are
 * accepted: a quote inside an unquoted field is kept literally; a final line
 * with no newline is a record.
 *
 * Errors (CS_ERR_FORMAT / CS_ERR_LIMIT) name file, line and column: an
 * unterminated quoted field (reported at the line where the quote opened), a
 * character after a closing quote that is not a delimiter or newline, a field
 * over CS_MAX_FIELD_BYTES, a row over CS_MAX_ROW_BYTES or CS_MAX_COLUMNS.
 * Blank lines are returned with rec->blank set so the caller can record them. */
#ifndef CS_READ_CSV_H
#define CS_READ_CSV_H

#include "io/source.h"
#include "read/record.h"
#include "util/diag.h"

typedef struct {
    char delimiter;      /* ',' '\t' '|' ...; 0 = sniff from the first line (, \t | ;) */
    char quote;          /* 0 = '"' */
} cs_csv_opts;

typedef struct cs_csv cs_csv;

/* Takes ownership of text. */
cs_status cs_csv_open(cs_csv **out, cs_textsrc *text, const cs_csv_opts *opts, cs_diag *d);
/* CS_OK with a record, CS_EOF at the end, or an error. */
cs_status cs_csv_next(cs_csv *r, cs_record *rec, cs_diag *d);
char cs_csv_delimiter(const cs_csv *r);
const char *cs_csv_name(const cs_csv *r);
void cs_csv_close(cs_csv *r);

#endif
