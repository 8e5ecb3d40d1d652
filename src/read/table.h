/* One interface over the three readers for the extract stage: a table of
 * named columns read record by record. CSV: names from the header row.
 * Fixed-width: names from the layout. XML: names from the first record's
 * fields (later records are matched by name; a name first seen in a later
 * record becomes a new column at the end). Without a CSV header the columns
 * are named "1", "2", ... and the first row is data. */
#ifndef CS_READ_TABLE_H
#define CS_READ_TABLE_H

#include "io/source.h"
#include "read/fixed.h"
#include "read/record.h"
#include "util/diag.h"
#include "util/findings.h"

typedef enum { CS_TABLE_CSV = 0, CS_TABLE_FIXED, CS_TABLE_XML } cs_table_format;

typedef struct {
    cs_table_format format;
    char delimiter;                 /* CSV; 0 = sniff */
    cs_encoding encoding;           /* CSV/fixed; AUTO = sniff */
    cs_invalid_policy invalid;      /* CSV/fixed */
    int has_header;                 /* CSV: 1 (default) */
    const cs_fixed_column *layout;  /* fixed */
    size_t nlayout;
    const char *record_element;     /* XML */
} cs_table_spec;

typedef struct cs_table_reader cs_table_reader;

cs_status cs_table_open(cs_table_reader **out, const char *path, const cs_table_spec *spec,
                        cs_findings *findings, cs_diag *d);
/* The same over bytes already open (a file, or memory: cs_bytesrc_open_mem);
 * the reader owns src from here, also when opening fails. Its name is the
 * table's path in messages. */
cs_status cs_table_open_src(cs_table_reader **out, cs_bytesrc *src, const cs_table_spec *spec,
                            cs_findings *findings, cs_diag *d);
/* Column names (header). Available right after open. */
size_t cs_table_ncolumns(const cs_table_reader *t);
const char *cs_table_column(const cs_table_reader *t, size_t i);
/* Case-insensitive, surrounding spaces ignored; -1 when absent. */
int cs_table_find_column(const cs_table_reader *t, const char *name);
/* Fields are aligned with the columns: rec->fields[i] is column i (missing
 * trailing fields are empty with len 0; extra fields beyond the header are
 * kept after them). Blank rows are returned with rec->blank set. */
cs_status cs_table_next(cs_table_reader *t, cs_record *rec, cs_diag *d);
const char *cs_table_path(const cs_table_reader *t);
void cs_table_close(cs_table_reader *t);

/* About the last record returned: how many fields it really had (before
 * alignment), and whether it was ragged (CSV: not blank and a field count
 * other than the header's; fixed-width: a short line; XML: never). */
uint32_t cs_table_raw_nfields(const cs_table_reader *t);
int cs_table_ragged(const cs_table_reader *t);
/* About the file: encoding detected/used ("utf-8", "windows-1252", or the
 * XML document's own), gzip or not, the CSV delimiter (0 for other
 * formats), raw bytes consumed so far (for progress). */
const char *cs_table_encoding(const cs_table_reader *t);
int cs_table_is_gzip(const cs_table_reader *t);
char cs_table_delimiter(const cs_table_reader *t);
uint64_t cs_table_bytes_read(const cs_table_reader *t);

#endif
