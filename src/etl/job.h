/* Job files (etl/jobs/NAME.yaml): one run of cscdw for one LA, from extracts to
 * returns and warehouse. Relative paths are taken from the current folder.
 *
 *   job: demo
 *   la: { code: "999", name: Demoshire }
 *   collection_year: 2025-26
 *   reference_date: 2026-03-31        # default: 31 March ending the year
 *   inspection_date: 2026-03-02       # Annex A; default: reference date
 *   source: { profile: etl/sources/mosaic.yaml, input: samples/mosaic }
 *   previous: prev/903                # optional: last year's 903 return (folder or XML);
 *                                     # without it, the one a run stored in the warehouse
 *   returns: [cin, ssda903, annexa]
 *   output: out/demo
 *   warehouse: { local: var/warehouse }   # or { url: postgresql://... } or { none: true }
 *   allocation: { rule: latest, role: ALLOCATED_SW }   # latest | at-event
 *   annexa: { template: current, pseudonymise: false, key_env: CSCDW_PSEUDO_KEY }
 */
#ifndef CS_ETL_JOB_H
#define CS_ETL_JOB_H

#include "util/arena.h"
#include "util/date.h"
#include "util/diag.h"

typedef struct {
    cs_arena arena;
    const char *path;
    const char *name;
    const char *la_code;
    const char *la_name;
    const char *collection_year;      /* 2025-26 */
    cs_date period_start, period_end; /* 2025-04-01 .. 2026-03-31 */
    cs_date reference_date;
    cs_date inspection_date;
    const char *profile;
    const char *input;
    const char *previous;             /* NULL when none */
    int want_cin, want_ssda903, want_annexa;
    const char *output;
    const char *warehouse_url;        /* NULL = local */
    const char *warehouse_dir;        /* local cluster folder */
    int warehouse_none;               /* don't load */
    const char *allocation_rule;      /* latest | at-event */
    const char *allocation_role;
    const char *annexa_template;      /* current | 2020 */
    int annexa_pseudonymise;
    const char *annexa_key_env;       /* environment variable holding the pseudonymisation key */
} cs_job;

/* "2025-26" -> 2025-04-01 .. 2026-03-31. CS_ERR_CONFIG when malformed
 * (the second part must be the next year's last two digits). */
cs_status cs_collection_year_parse(const char *year, cs_date *start, cs_date *end, cs_diag *d);

cs_status cs_job_load(cs_job *job, const char *path, cs_diag *d);
void cs_job_free(cs_job *job);

#endif
