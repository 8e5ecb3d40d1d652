/* Code translation tables (etl/codes/<name>.tsv): local code -> DfE code.
 * File format: UTF-8 TSV, '#' comments, header line "local<TAB>dfe", one
 * mapping per line; matching ignores case and surrounding spaces. A line
 * "*<TAB>=" means "codes already in DfE form pass through unchanged" when
 * they appear in the right-hand column. */
#ifndef CS_ETL_CODEMAP_H
#define CS_ETL_CODEMAP_H

#include <stddef.h>

#include "util/arena.h"
#include "util/diag.h"

typedef struct cs_codemap cs_codemap;

cs_status cs_codemap_load(cs_codemap **out, const char *path, cs_arena *arena, cs_diag *d);
/* NULL when unmapped. */
const char *cs_codemap_lookup(const cs_codemap *m, const char *code, size_t n);
/* Reverse lookup (DfE -> first local code), for the synthetic generator. */
const char *cs_codemap_reverse(const cs_codemap *m, const char *dfe);
const char *cs_codemap_name(const cs_codemap *m);

#endif
