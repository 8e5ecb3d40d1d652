/* Loading a run into the warehouse: the canonical model's records, the
 * exceptions, and the run's metadata, in ONE transaction (COMMIT or nothing:
 * a failed or killed load leaves the warehouse exactly as it was).
 *
 * Every value was typed by extract, so COPY (text format) cannot stop on a
 * row; text is escaped and anything not UTF-8 replaced. Dimensions are staged
 * by COPY into temporary tables and merged in SQL keyed on the case system's
 * ids (children slowly changing); their keys are read back, and the facts
 * go by COPY, keys included, into new per-LA partitions that replace the LA's
 * old ones at the end. So an identical reload changes nothing but the run
 * history (meta_run, fact_exception) and a newer extract replaces the LA's
 * snapshot. Repeated ids are loaded once (the first in file order). */
#ifndef CS_WAREHOUSE_LOAD_H
#define CS_WAREHOUSE_LOAD_H

#include <libpq-fe.h>
#include <stdint.h>

#include "model/model.h"
#include "report/exceptions.h"
#include "util/calendar.h"
#include "util/date.h"
#include "util/diag.h"
#include "warehouse/returns_store.h"

typedef struct {
    const char *path;
    uint64_t bytes;
    char sha256[65];              /* "" : cs_wh_load hashes the file (and sets bytes) */
    const char *entity;
    uint64_t records;
} cs_load_source;

typedef struct {
    const char *la_code;
    const char *la_name;          /* may be NULL */
    const char *job;              /* job file or command, may be NULL */
    const char *collection_year;  /* 2025-26 */
    cs_date reference_date;       /* SCD valid_from for new versions */
    const char *profile;
    const char *rule_sets_json;   /* e.g. [{"return":"cin","year":"2025-26","rules":109}] or NULL */
    const cs_load_source *sources;
    size_t nsources;
    const cs_calendar *calendar;  /* bank holidays mirrored into dim_date; may be NULL */
    const cs_wh_return *returns;  /* returns the run built, kept in meta_run_return (may be NULL) */
    size_t nreturns;
} cs_load_meta;

typedef struct {
    uint64_t rows_staged;         /* rows sent by COPY */
    uint64_t bytes_copied;
    uint64_t exceptions;
    long long run_id;             /* meta_run.run_id */
    double seconds_dims;          /* dimensions merged, keys read back */
    double seconds_copy;          /* facts and exceptions COPYed and indexed */
    double seconds_swap;          /* partitions swapped, run closed (COMMIT not included) */
} cs_load_stats;

cs_status cs_wh_load(PGconn *c, const cs_model *m, const cs_exception_list *exc,
                     const cs_load_meta *meta, cs_load_stats *stats, cs_diag *d);

#endif
