/* Private to the synthetic writer (write*.c): the output sink that turns
 * UTF-8 rows into a case system's file (encoding, BOM, line ends, CSV
 * quoting, fixed-width padding, XML elements), and the formatting of
 * canonical values as a system writes them. */
#ifndef CS_SYNTH_WRITE_INTERNAL_H
#define CS_SYNTH_WRITE_INTERNAL_H

#include <iconv.h>
#include <stddef.h>
#include <stdint.h>

#include "etl/profile.h"
#include "model/model.h"
#include "util/diag.h"

/* How one system's files usually reach the MI team (spec/legacy-sources.md
 * section 3): who wrote them decides the BOM, the line ends, and whether
 * Excel has been through them (serial dates). */
typedef struct {
    int bom;          /* UTF-8 files start with EF BB BF (Excel "CSV UTF-8", SSD) */
    int crlf;         /* Windows tools end lines with CR LF */
    int excel;        /* CSV files have been opened and saved in Excel */
} cs_wr_habits;

cs_wr_habits cs_wr_habits_for(const char *system, cs_encoding enc, cs_table_format fmt);

/* A cell of the row being written: a slice of the row scratch arena. */
typedef struct {
    const char *s;
    size_t n;
} cs_wr_cell;

typedef struct {
    const char *path;          /* for messages */
    int fd;
    cs_table_format format;
    char delimiter;
    int crlf;
    const cs_fixed_column *layout;  /* fixed: one per column, in column order */
    const char *record_element;     /* xml */
    iconv_t cd;                /* (iconv_t)-1: write UTF-8 as is */
    const char *enc_name;
    char *in;                  /* staged UTF-8 */
    size_t in_n, in_cap;
    char *out;                 /* converted bytes */
    size_t out_cap;
    uint64_t lines;            /* lines written so far (header included) */
    uint64_t bytes;
} cs_wr_sink;

/* Create path (0600, truncating), write the BOM the encoding and habits
 * call for, and the XML prologue for XML files. */
cs_status cs_wr_sink_open(cs_wr_sink *o, const char *path, const cs_table_spec *spec,
                          const cs_wr_habits *h, cs_diag *d);
/* The header line (CSV only; scratch holds ncols cells). */
cs_status cs_wr_sink_header(cs_wr_sink *o, const char *const *names, size_t ncols,
                            cs_wr_cell *scratch, cs_diag *d);
/* One record. Cells are UTF-8; names are the column names (XML element
 * names; fixed-width columns follow the layout order). */
cs_status cs_wr_sink_row(cs_wr_sink *o, const cs_wr_cell *cells, const char *const *names,
                         size_t ncols, cs_diag *d);
/* A blank row as Excel leaves it (delimiters only) or an empty line. */
cs_status cs_wr_sink_blank(cs_wr_sink *o, size_t ncols, int delimiters, cs_diag *d);
/* Flush, write the XML epilogue, close. Always releases the sink. */
cs_status cs_wr_sink_close(cs_wr_sink *o, cs_diag *d);
/* Release without flushing (after an error). */
void cs_wr_sink_abort(cs_wr_sink *o);

/* "yyyy-mm-dd", "dd/mm/yyyy", "yyyy-mm-dd 00:00:00.000", "dd-MON-yyyy";
 * AUTO writes ISO. buf holds at least 32 bytes. Returns the length. */
size_t cs_wr_format_date(cs_date dt, cs_date_style style, char *buf);
/* Excel's 1900-system serial number of a date (1900-03-01 and later). */
long cs_wr_excel_serial(cs_date dt);

/* Deterministic generator (splitmix64): the same seed gives the same files. */
typedef struct {
    uint64_t s;
} cs_wr_rng;

uint64_t cs_wr_rng_next(cs_wr_rng *r);
/* True with probability p (0..1). */
int cs_wr_rng_chance(cs_wr_rng *r, double p);

#endif
