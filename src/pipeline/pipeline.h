/* The whole job: extract -> build and validate returns -> write outputs ->
 * load the warehouse, with a timing per stage and a summary. Used by
 * `cscdw run` (a job file) and `cscdw load` (options). Library code: it
 * returns a status and leaves printing to the CLI. */
#ifndef CS_PIPELINE_PIPELINE_H
#define CS_PIPELINE_PIPELINE_H

#include <stddef.h>
#include <stdint.h>

#include "etl/extract.h"
#include "etl/job.h"
#include "model/model.h"
#include "report/exceptions.h"
#include "rules/profile.h"
#include "util/diag.h"
#include "util/findings.h"
#include "warehouse/conn.h"

#define CS_PIPELINE_MAX_STAGES 16   /* a full job has 15 */
#define CS_PIPELINE_MAX_FILES 32

typedef struct {
    const char *name;
    double seconds;
} cs_stage_time;

/* What happened to one return of the job. */
typedef struct {
    const char *name;             /* "cin", "ssda903" */
    size_t children;
    size_t rules, not_run;        /* rules in the set; rules not run */
    uint64_t findings;            /* rule findings */
    int validated;                /* 0: no rule set for the year */
    int xsd;                      /* 1 passed, 0 failed (an XSD row), -1 not checked */
} cs_pipeline_return;

#define CS_PIPELINE_MAX_RETURNS 4
#define CS_PIPELINE_MAX_NOTES 8

typedef struct {
    /* counts */
    uint64_t records_total;
    size_t entity_counts[CS_ENTITY_COUNT];
    uint64_t extract_bytes;
    uint64_t findings_by_severity[4];
    /* outputs */
    char files[CS_PIPELINE_MAX_FILES][1024];
    size_t nfiles;
    cs_stage_time stages[CS_PIPELINE_MAX_STAGES];
    size_t nstages;
    long long warehouse_run_id;   /* 0 when not loaded */
    char run_id[64];
    char note[512];               /* e.g. "local warehouse runs as user cscdw" */
    cs_pipeline_return returns[CS_PIPELINE_MAX_RETURNS];
    size_t nreturns;
    char notes[CS_PIPELINE_MAX_NOTES][512];   /* plain words for the summary */
    size_t nnotes;
} cs_pipeline_result;

typedef void (*cs_stage_fn)(void *ctx, const char *stage);
/* A rule set's per-rule costs, right after it ran (valid during the call). */
typedef void (*cs_rules_profile_fn)(void *ctx, cs_rules_profile *profile);

typedef struct {
    const cs_job *job;
    int load;                      /* load the warehouse */
    int write_outputs;             /* write returns and exception lists to job->output */
    cs_stage_fn on_stage;          /* progress: called when a stage starts (may be NULL) */
    cs_progress_fn on_progress;    /* extract progress (may be NULL) */
    cs_rules_profile_fn on_rules_profile;   /* NULL, or every rule run is timed and its
                                             * costs handed here (rules/profile.h) */
    void *ctx;
} cs_pipeline_opts;

/* Runs the job. The exception list (all stages' findings) is left in exc
 * (initialised by the caller) so the CLI can summarise top rules. */
cs_status cs_pipeline_run(const cs_pipeline_opts *o, cs_exception_list *exc,
                          cs_pipeline_result *res, cs_diag *d);

/* Top n rules by number of exceptions (codes and counts, most first). */
size_t cs_pipeline_top_rules(const cs_exception_list *exc, size_t n, const char **codes,
                             size_t *counts, const char **messages);

#endif
