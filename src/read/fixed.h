/* Streaming fixed-width reader: each line is one record, cut into columns at
 * the positions of a layout (1-based start, width, in characters). Trailing
 * spaces of a column are part of the layout, not data, and are dropped.
 * A line shorter than the layout yields empty trailing fields and sets
 * rec->short_line; a line longer than CS_MAX_ROW_BYTES is CS_ERR_LIMIT. */
#ifndef CS_READ_FIXED_H
#define CS_READ_FIXED_H

#include "io/source.h"
#include "read/record.h"
#include "util/diag.h"

typedef struct {
    const char *name;
    uint32_t start;   /* 1-based character position */
    uint32_t width;   /* characters */
} cs_fixed_column;

typedef struct cs_fixed cs_fixed;

/* Layout is copied. Overlapping or zero-width columns are CS_ERR_CONFIG. */
cs_status cs_fixed_open(cs_fixed **out, cs_textsrc *text, const cs_fixed_column *layout,
                        size_t ncols, cs_diag *d);
cs_status cs_fixed_next(cs_fixed *r, cs_record *rec, int *short_line, cs_diag *d);
void cs_fixed_close(cs_fixed *r);

#endif
