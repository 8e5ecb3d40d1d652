#include "warehouse/load.h"

#include <openssl/evp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/arena.h"
#include "warehouse/conn.h"
#include "warehouse/facts.h"

/* ---- COPY text-format encoding -------------------------------------- */

typedef struct {
    PGconn *conn;
    char *buf;
    size_t len, cap;
    uint64_t bytes;
    int failed;
} copy_out;

static void copy_flush(copy_out *o)
{
    if (o->len && !o->failed) {
        if (PQputCopyData(o->conn, o->buf, (int)o->len) != 1)
            o->failed = 1;
        o->bytes += o->len;
    }
    o->len = 0;
}

static void copy_put(copy_out *o, const char *s, size_t n)
{
    if (o->len + n > o->cap)
        copy_flush(o);
    if (n > o->cap) {
        if (!o->failed && PQputCopyData(o->conn, s, (int)n) != 1)
            o->failed = 1;
        o->bytes += n;
        return;
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

/* Text with COPY's escapes for backslash, tab, newline and carriage return. */
static void copy_text(copy_out *o, const char *s)
{
    const char *run = s;
    for (; *s; s++) {
        const char *esc = NULL;
        switch (*s) {
        case '\\': esc = "\\\\"; break;
        case '\t': esc = "\\t"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        default: continue;
        }
        copy_put(o, run, (size_t)(s - run));
        copy_put(o, esc, 2);
        run = s + 1;
    }
    copy_put(o, run, (size_t)(s - run));
}

static void copy_value(copy_out *o, const void *row, const cs_field_desc *f)
{
    if (cs_field_is_absent(row, f)) {
        copy_put(o, "\\N", 2);
        return;
    }
    const unsigned char *p = (const unsigned char *)row + f->offset;
    char tmp[32];
    switch (f->type) {
    case CS_FT_ID:
    case CS_FT_STR:
    case CS_FT_CODE: copy_text(o, *(const char *const *)p); break;
    case CS_FT_DATE: copy_put(o, cs_date_iso(*(const cs_date *)p, tmp), 10); break;
    case CS_FT_INT: {
        int n = snprintf(tmp, sizeof tmp, "%d", (int)*(const int32_t *)p);
        copy_put(o, tmp, (size_t)n);
        break;
    }
    case CS_FT_BOOL: copy_put(o, *(const int8_t *)p ? "t" : "f", 1); break;
    }
}

static const char *sql_type(cs_field_type t)
{
    switch (t) {
    case CS_FT_DATE: return "date";
    case CS_FT_INT: return "integer";
    case CS_FT_BOOL: return "boolean";
    default: return "text";
    }
}

static cs_status exec_sql(PGconn *c, const char *sql, cs_diag *d)
{
    return cs_wh_exec(c, sql, d);
}

static cs_status copy_end(PGconn *c, copy_out *o, const char *what, cs_diag *d)
{
    copy_flush(o);
    if (o->failed || PQputCopyEnd(c, NULL) != 1)
        return cs_diag_set(d, CS_ERR_DB, NULL, 0, 0, "COPY of %s failed: %s", what,
                           PQerrorMessage(c));
    PGresult *r;
    cs_status st = CS_OK;
    while ((r = PQgetResult(c))) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK && st == CS_OK)
            st = cs_diag_set(d, CS_ERR_DB, NULL, 0, 0, "COPY of %s failed: %s", what,
                             PQresultErrorMessage(r));
        PQclear(r);
    }
    return st;
}

static cs_status copy_begin(PGconn *c, const char *sql, cs_diag *d)
{
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_COPY_IN) {
        cs_status st = cs_diag_set(d, CS_ERR_DB, NULL, 0, 0, "cannot start COPY: %s",
                                   PQresultErrorMessage(r));
        PQclear(r);
        return st;
    }
    PQclear(r);
    return CS_OK;
}

/* Stage one entity: CREATE TEMP TABLE stg_<entity> shaped like the entity,
 * then COPY every row into it. */
static cs_status stage_entity(PGconn *c, const cs_model *m, cs_entity_id e, copy_out *o,
                              uint64_t *rows, cs_diag *d)
{
    const cs_entity_desc *ed = &cs_entities[e];
    char sql[8192];
    size_t k = (size_t)snprintf(sql, sizeof sql, "CREATE TEMP TABLE stg_%s (", ed->name);
    for (size_t i = 0; i < ed->nfields && k < sizeof sql; i++)
        k += (size_t)snprintf(sql + k, sizeof sql - k, "%s\"%s\" %s", i ? ", " : "",
                              ed->fields[i].name, sql_type(ed->fields[i].type));
    if (k < sizeof sql)
        snprintf(sql + k, sizeof sql - k, ") ON COMMIT DROP");
    cs_status st = exec_sql(c, sql, d);
    if (st != CS_OK)
        return st;
    const cs_table *t = &m->tables[e];
    if (t->count == 0)
        return CS_OK;
    snprintf(sql, sizeof sql, "COPY stg_%s FROM STDIN", ed->name);
    st = copy_begin(c, sql, d);
    if (st != CS_OK)
        return st;
    for (size_t r = 0; r < t->count; r++) {
        const unsigned char *row = t->rows + r * ed->size;
        for (size_t i = 0; i < ed->nfields; i++) {
            if (i)
                copy_put(o, "\t", 1);
            copy_value(o, row, &ed->fields[i]);
        }
        copy_put(o, "\n", 1);
    }
    *rows += t->count;
    return copy_end(c, o, ed->name, d);
}

static cs_status stage_exceptions(PGconn *c, const cs_exception_list *x, copy_out *o,
                                  cs_diag *d)
{
    cs_status st = exec_sql(c,
                            "CREATE TEMP TABLE stg_exception (seq integer, return_name text, "
                            "year text, rule text, severity text, message text, child_id text, "
                            "record text, fields text, vals text, source_system text, "
                            "source_id text, source_file text, source_line integer, "
                            "team_id text, worker_id text) ON COMMIT DROP",
                            d);
    if (st != CS_OK || !x || x->count == 0)
        return st;
    st = copy_begin(c, "COPY stg_exception FROM STDIN", d);
    if (st != CS_OK)
        return st;
    char num[32];
    for (size_t i = 0; i < x->count; i++) {
        const cs_exception *e = &x->items[i];
        int n = snprintf(num, sizeof num, "%zu\t", i + 1);
        copy_put(o, num, (size_t)n);
        const char *cols[] = {e->return_name, e->year, e->rule, cs_severity_name(e->severity),
                              e->message, e->child_id, e->record, e->fields, e->values,
                              e->source_system, e->source_id, e->source_file};
        for (size_t j = 0; j < sizeof cols / sizeof cols[0]; j++) {
            copy_text(o, cols[j] ? cols[j] : "");
            copy_put(o, "\t", 1);
        }
        if (e->source_line) {
            n = snprintf(num, sizeof num, "%u", e->source_line);
            copy_put(o, num, (size_t)n);
        } else {
            copy_put(o, "\\N", 2);
        }
        copy_put(o, "\t", 1);
        copy_text(o, e->team_id ? e->team_id : "");
        copy_put(o, "\t", 1);
        copy_text(o, e->worker_id ? e->worker_id : "");
        copy_put(o, "\n", 1);
    }
    return copy_end(c, o, "exceptions", d);
}

static cs_status stage_calendar(PGconn *c, const cs_calendar *cal, copy_out *o, cs_diag *d)
{
    cs_status st = exec_sql(c,
                            "CREATE TEMP TABLE stg_bank_holiday (date date PRIMARY KEY, name text) "
                            "ON COMMIT DROP",
                            d);
    if (st != CS_OK || !cal)
        return st;
    st = copy_begin(c, "COPY stg_bank_holiday FROM STDIN", d);
    if (st != CS_OK)
        return st;
    cs_date from = cs_date_from_ymd(cs_calendar_first_year(cal), 1, 1);
    cs_date to = cs_date_from_ymd(cs_calendar_last_year(cal), 12, 31);
    char iso[11];
    for (cs_date dt = from; dt != CS_DATE_NONE && dt <= to; dt++) {
        if (!cs_calendar_is_bank_holiday(cal, dt))
            continue;
        const char *name = cs_calendar_holiday_name(cal, dt);
        copy_put(o, cs_date_iso(dt, iso), 10);
        copy_put(o, "\t", 1);
        copy_text(o, name ? name : "");
        copy_put(o, "\n", 1);
    }
    return copy_end(c, o, "bank holidays", d);
}

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
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
        cs_status st = cs_diag_set(d, CS_ERR_DB, NULL, 0, 0, "warehouse: %s",
                                   PQresultErrorMessage(r));
        PQclear(r);
        return st;
    }
    *out = atoll(PQgetvalue(r, 0, 0));
    PQclear(r);
    return CS_OK;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static cs_status load_in_transaction(PGconn *c, const cs_model *m, const cs_exception_list *exc,
                                     const cs_load_meta *meta, cs_load_stats *stats, cs_diag *d)
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

    for (size_t i = 0; i < meta->nsources; i++) {
        const cs_load_source *s = &meta->sources[i];
        snprintf(sql, sizeof sql,
                 "INSERT INTO meta_run_source (run_id, path, bytes, sha256, entity, records) "
                 "VALUES (%lld, %s, %llu, %s, %s, %llu) ON CONFLICT DO NOTHING",
                 run_id, lit(f, sizeof f, s->path), (unsigned long long)s->bytes,
                 lit(a, sizeof a, s->sha256), lit(b, sizeof b, s->entity),
                 (unsigned long long)s->records);
        st = exec_sql(c, sql, d);
        if (st != CS_OK)
            return st;
    }

    /* stage everything */
    double t0 = now_seconds();
    copy_out o = {.conn = c, .cap = 1u << 18};
    o.buf = cs_xmalloc(o.cap);
    for (int en = 0; en < CS_ENTITY_COUNT && st == CS_OK; en++)
        st = stage_entity(c, m, (cs_entity_id)en, &o, &stats->rows_staged, d);
    if (st == CS_OK)
        st = stage_exceptions(c, exc, &o, d);
    if (st == CS_OK)
        st = stage_calendar(c, meta->calendar, &o, d);
    stats->bytes_copied = o.bytes;
    free(o.buf);
    if (st != CS_OK)
        return st;
    double t1 = now_seconds();
    stats->seconds_copy = t1 - t0;

    /* merge */
    st = cs_wh_merge_facts(c, la_key, run_id, meta, d);
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
             lit(a, sizeof a, g), lit(b, sizeof b, f), run_id);
    st = exec_sql(c, sql, d);
    stats->exceptions = exc ? exc->count : 0;
    stats->seconds_merge = now_seconds() - t1;
    return st;
}

cs_status cs_wh_load(PGconn *c, const cs_model *m, const cs_exception_list *exc,
                     const cs_load_meta *meta, cs_load_stats *stats, cs_diag *d)
{
    memset(stats, 0, sizeof *stats);
    cs_status st = exec_sql(c, "BEGIN", d);
    if (st != CS_OK)
        return st;
    /* serialise loads of the warehouse; released at commit/rollback */
    st = exec_sql(c, "SELECT pg_advisory_xact_lock(727002)", d);
    if (st == CS_OK)
        st = load_in_transaction(c, m, exc, meta, stats, d);
    if (st == CS_OK)
        return exec_sql(c, "COMMIT", d);
    PGresult *r = PQexec(c, "ROLLBACK");
    PQclear(r);
    return st;
}

cs_status cs_sha256_file(const char *path, char out[65], uint64_t *bytes, cs_diag *d)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot read for checksum");
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    unsigned char buf[1 << 16];
    size_t n;
    uint64_t total = 0;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        EVP_DigestUpdate(ctx, buf, n);
        total += n;
    }
    int err = ferror(f);
    fclose(f);
    unsigned char md[32];
    unsigned int mdlen = 0;
    EVP_DigestFinal_ex(ctx, md, &mdlen);
    EVP_MD_CTX_free(ctx);
    if (err)
        return cs_diag_set(d, CS_ERR_IO, path, 0, 0, "error reading for checksum");
    for (unsigned i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
    if (bytes)
        *bytes = total;
    return CS_OK;
}
