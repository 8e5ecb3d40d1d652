/* The returns a run built, kept in the warehouse, and the way back to them.
 *
 * Storing (inside the load's transaction): each file of the return as the
 * writer produced it goes into meta_run_return, gzip-compressed with its
 * size, SHA-256 and row count (history: every run keeps its own); for the
 * SSDA903 the episodes also replace the LA's rows of fact_cla_episode (the
 * latest snapshot, child_key from the dim_child just merged).
 *
 * Fetching: the files of the latest run of an LA that stored a given return
 * for a given collection year, still gzip-compressed, for the readers to
 * take from memory (next year's rules compare with last year's return). */
#ifndef CS_WAREHOUSE_RETURNS_STORE_H
#define CS_WAREHOUSE_RETURNS_STORE_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "dataset/dataset.h"
#include "util/diag.h"
#include "warehouse/copy.h"
#include "warehouse/resolve.h"

typedef struct {
    const char *table;            /* the return's table: "Episodes" */
    const char *file;             /* as written: "episodes.csv" */
    uint64_t rows;                /* data rows */
    const unsigned char *data;    /* the file's bytes: as written when storing, gzip when fetched */
    size_t len;
} cs_wh_return_file;

typedef struct {
    const char *name;             /* "ssda903" or "cin" */
    const char *year;             /* "2025-26" */
    const char *source_system;    /* the case system it was built from, or NULL */
    const cs_wh_return_file *files;
    size_t nfiles;
    const cs_dataset *episodes;   /* a built 903 dataset: fills fact_cla_episode; NULL: untouched */
} cs_wh_return;

/* Encoder thread (copy_pipe.h): a 903 return's episodes as the stream
 * "fact_cla_episode" (nothing when r->episodes is NULL). rows counts them. */
void cs_wh_return_encode(cs_copy *enc, const cs_wh_return *r, const cs_wh_keys *k,
                         uint64_t *rows);

/* A return's files made ready to store, off the loader's thread: gzip (NULL
 * when compression failed) and SHA-256 of each. */
typedef struct {
    unsigned char *gz;
    size_t gzlen;
    char sha256[65];
} cs_wh_packed_file;

typedef struct {
    cs_wh_packed_file *files;   /* one per r->files, same order */
    size_t nfiles;
} cs_wh_packed_return;

void cs_wh_return_pack(const cs_wh_return *r, cs_wh_packed_return *out);
void cs_wh_packed_return_free(cs_wh_packed_return *p);

/* In the load's transaction (k: la_key, run_id and the child keys): the
 * episodes' stream from the pipe into fact_cla_episode (nothing without
 * episodes); the packed files into meta_run_return. */
cs_status cs_wh_store_episodes(cs_copy *o, cs_copy_pipe *pipe, const cs_wh_return *r,
                               const cs_wh_keys *k, cs_diag *d);
cs_status cs_wh_store_files(PGconn *c, const cs_wh_return *r, const cs_wh_packed_return *packed,
                            const cs_wh_keys *k, cs_diag *d);

typedef struct {
    long long run_id;             /* 0 when no run stored the return */
    char run_uid[64];
    char loaded_at[32];           /* "2026-04-20 09:15" (server time) */
    cs_wh_return_file *files;     /* gzip bytes, valid until cs_wh_stored_return_free */
    size_t nfiles;
    PGresult *result;             /* holds them */
} cs_wh_stored_return;

/* The latest run of LA la_code that stored return `name` for `year`. None
 * (also a warehouse whose schema predates meta_run_return) is CS_OK with
 * out->run_id 0; a query that fails is CS_ERR_DB. */
cs_status cs_wh_fetch_return(PGconn *c, const char *la_code, const char *name, const char *year,
                             cs_wh_stored_return *out, cs_diag *d);
void cs_wh_stored_return_free(cs_wh_stored_return *r);

#endif
