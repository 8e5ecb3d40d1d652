#include "warehouse/load.h"

#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/arena.h"
#include "util/sha256.h"
#include "warehouse/conn.h"
#include "warehouse/copy_pipe.h"
#include "warehouse/facts.h"
#include "warehouse/dims.h"
#include "warehouse/resolve.h"
#include "warehouse/returns_store.h"

/* ---- the run ---------------------------------------------------------- */

static const char *run_by(void)
{
    const char *u = getenv("USER");
    if (u && *u)
        return u;
    struct passwd *pw = getpwuid(getuid());
    return pw ? pw->pw_name : "unknown";
}

/* Quote s as an SQL literal into buf ('' doubled). */
static const char *lit(char *buf, size_t n, const char *s)
{
    if (!s) {
        snprintf(buf, n, "NULL");
        return buf;
    }
    size_t k = 0;
    buf[k++] = '\'';
    for (; *s && k + 3 < n; s++) {
        if (*s == '\'')
            buf[k++] = '\'';
        buf[k++] = *s;
    }
    buf[k++] = '\'';
    buf[k] = '\0';
    return buf;
}

static cs_status query_int(PGconn *c, const char *sql, long long *out, cs_diag *d)
{
    char v[32];
    cs_status st = cs_wh_query_value(c, sql, v, sizeof v, d);
    *out = st == CS_OK ? atoll(v) : 0;
    return st;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static cs_date today(void)
{
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    return cs_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* SHA-256 of the sources the caller left unhashed, on a thread while the
 * facts are sent: the server need not wait for a second read of the
 * extract, and the client, busy with the dimensions (and the facts' row
 * orders) before that, has a core to spare while the server takes rows. */
typedef struct {
    cs_load_source *src;   /* the caller's list, copied */
    size_t n;
    pthread_t thread;
    int running;
    cs_status st;
    cs_diag d;
} source_hashes;

static void *hash_sources(void *arg)
{
    source_hashes *h = arg;
    for (size_t i = 0; i < h->n && h->st == CS_OK; i++)
        if (!h->src[i].sha256[0])
            h->st = cs_sha256_file(h->src[i].path, h->src[i].sha256, &h->src[i].bytes, &h->d);
    return NULL;
}

static void hashes_start(source_hashes *h, const cs_load_meta *meta)
{
    memset(h, 0, sizeof *h);
    h->n = meta->nsources;
    h->src = cs_xmalloc((h->n ? h->n : 1) * sizeof *h->src);
    if (h->n)
        memcpy(h->src, meta->sources, h->n * sizeof *h->src);
    if (pthread_create(&h->thread, NULL, hash_sources, h) == 0)
        h->running = 1;
    else
        hash_sources(h);   /* no thread: hash now */
}

static cs_status hashes_wait(source_hashes *h, cs_diag *d)
{
    if (h->running) {
        pthread_join(h->thread, NULL);
        h->running = 0;
    }
    if (h->st != CS_OK && d)
        *d = h->d;
    return h->st;
}

static void hashes_free(source_hashes *h)
{
    hashes_wait(h, NULL);
    free(h->src);
    h->src = NULL;
}

/* Every source of the run, in one statement. */
static cs_status insert_sources(PGconn *c, long long run_id, const source_hashes *h, cs_diag *d)
{
    if (!h->n)
        return CS_OK;
    size_t cap = 256 + h->n * 9000, k = 0;
    char *sql = cs_xmalloc(cap);
    char path[4096], sha[80], entity[256];
    k += (size_t)snprintf(sql + k, cap - k,
                          "INSERT INTO meta_run_source (run_id, path, bytes, sha256, entity, "
                          "records) VALUES ");
    for (size_t i = 0; i < h->n && k < cap; i++) {
        const cs_load_source *s = &h->src[i];
        k += (size_t)snprintf(sql + k, cap - k, "%s(%lld, %s, %llu, %s, %s, %llu)", i ? ", " : "",
                              run_id, lit(path, sizeof path, s->path),
                              (unsigned long long)s->bytes, lit(sha, sizeof sha, s->sha256),
                              lit(entity, sizeof entity, s->entity),
                              (unsigned long long)s->records);
    }
    if (k < cap)
        snprintf(sql + k, cap - k, " ON CONFLICT DO NOTHING");
    cs_status st = cs_wh_exec(c, sql, d);
    free(sql);
    return st;
}

/* Every COPY stream after the dimensions, encoded on the pipe's thread in
 * the order load_in_transaction sends them. */
typedef struct {
    const cs_model *m;
    const cs_exception_list *exc;
    const cs_load_meta *meta;
    cs_wh_prep *prep;
    const cs_wh_keys *keys;
    uint64_t rows;
    cs_wh_packed_return *packed;   /* one per meta->returns, filled last */
} load_streams;

static void encode_streams(cs_copy *enc, void *arg)
{
    load_streams *s = arg;
    cs_wh_facts_encode(enc, s->m, s->prep, s->keys, &s->rows);
    cs_wh_exceptions_encode(enc, s->exc, s->keys, &s->rows);
    for (size_t i = 0; i < s->meta->nreturns; i++)
        cs_wh_return_encode(enc, &s->meta->returns[i], s->keys, &s->rows);
    cs_copy_pipe_end(enc);
    /* while the last streams are sent and indexed */
    for (size_t i = 0; i < s->meta->nreturns && !enc->failed; i++)
        cs_wh_return_pack(&s->meta->returns[i], &s->packed[i]);
}

/* Queued ahead of the server at most: a few seconds of its COPY work. */
#define ENCODE_AHEAD (64u << 20)

static cs_status load_in_transaction(PGconn *c, const cs_model *m, const cs_exception_list *exc,
                                     const cs_load_meta *meta, source_hashes *hashes,
                                     cs_load_stats *stats, cs_diag *d)
{
    char a[1024], b[1024], e[1024], f[4096], g[4096];
    char sql[16384];
    long long la_key = 0, run_id = 0;

    snprintf(sql, sizeof sql,
             "INSERT INTO dim_la (la_code, la_name) VALUES (%s, %s) "
             "ON CONFLICT (la_code) DO UPDATE SET la_name = coalesce(EXCLUDED.la_name, dim_la.la_name) "
             "WHERE dim_la.la_name IS DISTINCT FROM coalesce(EXCLUDED.la_name, dim_la.la_name) "
             "RETURNING la_key",
             lit(a, sizeof a, meta->la_code), lit(b, sizeof b, meta->la_name));
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
        la_key = atoll(PQgetvalue(r, 0, 0));
    PQclear(r);
    if (!la_key) {
        snprintf(sql, sizeof sql, "SELECT la_key FROM dim_la WHERE la_code = %s",
                 lit(a, sizeof a, meta->la_code));
        cs_status st = query_int(c, sql, &la_key, d);
        if (st != CS_OK)
            return st;
    }

    char run_uid[64];
    snprintf(run_uid, sizeof run_uid, "%s", exc && exc->run_id[0] ? exc->run_id : "");
    if (!run_uid[0])
        cs_run_id_new(run_uid, sizeof run_uid, meta->la_code);
    char host[256] = "";
    gethostname(host, sizeof host - 1);
    char ref[11];
    snprintf(sql, sizeof sql,
             "INSERT INTO meta_run (run_uid, la_key, job, collection_year, reference_date, "
             "started_at, run_by, host, profile, rule_sets) VALUES (%s, %lld, %s, %s, %s, now(), "
             "%s, %s, %s, %s::jsonb) RETURNING run_id",
             lit(a, sizeof a, run_uid), la_key, lit(b, sizeof b, meta->job),
             lit(e, sizeof e, meta->collection_year),
             meta->reference_date == CS_DATE_NONE ? "NULL"
                                                  : lit(f, sizeof f, cs_date_iso(meta->reference_date, ref)),
             lit(g, sizeof g, run_by()), lit((char[300]){0}, 300, host),
             lit((char[1024]){0}, 1024, meta->profile),
             lit((char[8192]){0}, 8192, meta->rule_sets_json ? meta->rule_sets_json : "[]"));
    cs_status st = query_int(c, sql, &run_id, d);
    if (st != CS_OK)
        return st;
    stats->run_id = run_id;

    /* dimensions first (merged in SQL, keys read back), then the facts with
     * their keys, then the swap of the LA's fact partitions */
    double t0 = now_seconds();
    cs_wh_keys keys;
    cs_wh_keys_init(&keys, la_key, run_id, meta->calendar);
    cs_copy o;
    cs_copy_init(&o, c);
    cs_date valid_from = meta->reference_date != CS_DATE_NONE ? meta->reference_date : today();
    uint64_t rows = 0;
    cs_wh_prep *prep = cs_wh_facts_prepare(m, &keys);
    st = cs_wh_merge_calendar(&o, meta->calendar, d);
    if (st == CS_OK)
        st = cs_wh_merge_org(&o, m, &keys, &rows, d);
    if (st == CS_OK)
        st = cs_wh_merge_rules(&o, exc, &keys, d);
    if (st == CS_OK)
        st = cs_wh_merge_children(&o, m, prep, valid_from, &keys, &rows, d);
    /* the facts' keys are known now: their rows, the exceptions and the
     * episodes are encoded on a second thread while this one sends */
    load_streams streams = {m, exc, meta, prep, &keys, 0,
                            cs_xcalloc(meta->nreturns ? meta->nreturns : 1,
                                       sizeof *streams.packed)};
    cs_copy_pipe *pipe = NULL;
    if (st == CS_OK) {
        pipe = cs_copy_pipe_start(encode_streams, &streams, ENCODE_AHEAD);
        hashes_start(hashes, meta);
    }
    double t1 = now_seconds();
    if (st == CS_OK)
        st = cs_wh_load_facts(c, &o, pipe, la_key, d);
    if (st == CS_OK)
        st = cs_wh_load_exceptions(&o, pipe, d);
    for (size_t i = 0; st == CS_OK && i < meta->nreturns; i++)   /* fact_cla_episode */
        st = cs_wh_store_episodes(&o, pipe, &meta->returns[i], &keys, d);
    cs_copy_pipe_stop(pipe);   /* the encoder has finished: the returns' files are packed */
    for (size_t i = 0; st == CS_OK && i < meta->nreturns; i++)   /* as built */
        st = cs_wh_store_files(c, &meta->returns[i], &streams.packed[i], &keys, d);
    for (size_t i = 0; i < meta->nreturns; i++)
        cs_wh_packed_return_free(&streams.packed[i]);
    free(streams.packed);
    rows += streams.rows;
    double t2 = now_seconds();
    if (st == CS_OK)
        st = cs_wh_swap_facts(c, la_key, d);
    stats->rows_staged = rows;
    stats->bytes_copied = o.bytes;
    stats->seconds_dims = t1 - t0;
    stats->seconds_copy = t2 - t1;
    cs_wh_facts_prep_free(prep);
    cs_copy_free(&o);
    cs_wh_keys_free(&keys);
    if (st != CS_OK)
        return st;
    double t3 = now_seconds();
    st = hashes_wait(hashes, d);
    if (st == CS_OK)
        st = insert_sources(c, run_id, hashes, d);
    if (st != CS_OK)
        return st;

    /* close the run: counts per entity, findings per severity */
    size_t k = (size_t)snprintf(g, sizeof g, "{");
    for (int en = 0; en < CS_ENTITY_COUNT && k < sizeof g; en++)
        k += (size_t)snprintf(g + k, sizeof g - k, "%s\"%s\": %zu", en ? ", " : "",
                              cs_entities[en].name, m->tables[en].count);
    if (k < sizeof g)
        snprintf(g + k, sizeof g - k, "}");
    uint64_t sev[4] = {0};
    if (exc)
        cs_exceptions_count(exc, sev);
    snprintf(f, sizeof f, "{\"error\": %llu, \"query\": %llu, \"warning\": %llu, \"info\": %llu}",
             (unsigned long long)sev[0], (unsigned long long)sev[1], (unsigned long long)sev[2],
             (unsigned long long)sev[3]);
    snprintf(sql, sizeof sql,
             "UPDATE meta_run SET finished_at = clock_timestamp(), row_counts = %s::jsonb, "
             "findings = %s::jsonb, outcome = 'loaded' WHERE run_id = %lld",
             lit((char[8192]){0}, 8192, g), lit(b, sizeof b, f), run_id);
    st = cs_wh_exec(c, sql, d);
    stats->exceptions = exc ? exc->count : 0;
    stats->seconds_swap = now_seconds() - t3;
    return st;
}

cs_status cs_wh_load(PGconn *c, const cs_model *m, const cs_exception_list *exc,
                     const cs_load_meta *meta, cs_load_stats *stats, cs_diag *d)
{
    memset(stats, 0, sizeof *stats);
    source_hashes hashes = {0};   /* started by load_in_transaction */
    /* one round trip: serialise loads of the warehouse (the lock goes at
     * commit/rollback); memory for the merges' hash joins and the staged
     * tables (temp_buffers counts only before the session's first temporary
     * table: it is); the new partitions' pages handed to the disk as they
     * are written, so that COMMIT's fsync of them has little left to wait for */
    cs_status st = cs_wh_exec(c,
                              "BEGIN; SELECT pg_advisory_xact_lock(727002); "
                              "SET LOCAL work_mem = '256MB'; SET LOCAL temp_buffers = '512MB'; "
                              "SET LOCAL maintenance_work_mem = '256MB'; "
                              "SET LOCAL backend_flush_after = '2MB'",
                              d);
    if (st == CS_OK)
        st = load_in_transaction(c, m, exc, meta, &hashes, stats, d);
    hashes_free(&hashes);
    if (st == CS_OK)
        return cs_wh_exec(c, "COMMIT", d);
    PGresult *r = PQexec(c, "ROLLBACK");
    PQclear(r);
    return st;
}
