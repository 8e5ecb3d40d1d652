/* The extract stage: read every entity map of a profile from an input
 * directory into the canonical model, recording findings. Streams each file
 * once; memory grows with the model, not with the files. */
#ifndef CS_ETL_EXTRACT_H
#define CS_ETL_EXTRACT_H

#include <stdint.h>

#include "etl/profile.h"
#include "model/model.h"
#include "util/findings.h"

typedef struct {
    const char *path;
    uint64_t bytes;
    uint64_t records;
    const char *entity;
    const char *encoding;       /* detected/used */
} cs_extract_file_stat;

typedef struct {
    cs_extract_file_stat *files;
    size_t nfiles;
    uint64_t bytes_total;
    uint64_t records_total;
    double seconds;
} cs_extract_stats;

/* progress: called now and then with bytes read so far (may be NULL). */
typedef void (*cs_progress_fn)(void *ctx, const char *file, uint64_t bytes_done,
                               uint64_t bytes_total);

cs_status cs_extract(const cs_profile *p, const char *input_dir, cs_model *m,
                     cs_findings *findings, cs_extract_stats *stats, cs_progress_fn progress,
                     void *progress_ctx, cs_diag *d);
void cs_extract_stats_free(cs_extract_stats *s);

/* Write the model as one CSV per entity (header = field names, ISO dates,
 * plus _file and _line provenance columns) into dir, created 0700, files 0600. */
cs_status cs_model_dump(const cs_model *m, const char *dir, cs_diag *d);

/* Every stored finding as CSV (file 0600): code,severity,file,line,column,
 * entity,field,source_id,original,repaired,message. */
cs_status cs_findings_write_csv(const cs_findings *f, const char *path, cs_diag *d);

#endif
