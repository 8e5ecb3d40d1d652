/* The SSDA903 return a run built, kept until the warehouse load: the
 * dataset (for fact_cla_episode) and its CSV tables in memory, byte for byte
 * as the writer produced them (for meta_run_return, where next year's run
 * finds them as last year's return). */
#ifndef CS_PIPELINE_BUILT_903_H
#define CS_PIPELINE_BUILT_903_H

#include "returns/ssda903/ssda903.h"
#include "util/diag.h"
#include "warehouse/returns_store.h"

typedef struct {
    int have;                                  /* 0 until kept */
    cs_903_year year;
    cs_dataset ds;
    cs_wh_return_file files[CS_903_NTABLES];
    unsigned char *bytes[CS_903_NTABLES];
    cs_wh_return wh;                           /* what the load stores; points into the above */
} cs_built_903;

/* Keeps ds (taken over: the caller must not free it, also on failure) and
 * the year's CSV tables: read from dir, where the writer has just written
 * them, or, dir NULL, written into a private temporary folder, read back
 * and removed. source_system must outlive b. */
cs_status cs_built_903_keep(cs_built_903 *b, cs_dataset *ds, const cs_903_year *year,
                            const char *dir, const char *source_system, cs_diag *d);
void cs_built_903_free(cs_built_903 *b);   /* a zeroed one is fine */

#endif
