#include "warehouse/migrate.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/arena.h"
#include "util/intern.h"
#include "util/limits.h"
#include "warehouse/conn.h"

typedef struct {
    int version;
    char name[256];
    char path[8400];
} migration;

static int by_version(const void *a, const void *b)
{
    const migration *x = a, *y = b;
    return (x->version > y->version) - (x->version < y->version);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || st.st_size > (off_t)CS_MAX_RULE_FILE_BYTES) {
        fclose(f);
        return NULL;
    }
    char *buf = cs_xmalloc((size_t)st.st_size + 1);
    size_t n = fread(buf, 1, (size_t)st.st_size, f);
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static cs_status list_migrations(const char *dir, migration **out, int *count, cs_diag *d)
{
    DIR *dh = opendir(dir);
    if (!dh)
        return cs_diag_set(d, CS_ERR_IO, dir, 0, 0, "cannot open the migrations folder");
    migration *ms = NULL;
    int n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(dh))) {
        const char *nm = e->d_name;
        size_t len = strlen(nm);
        if (len < 9 || strcmp(nm + len - 4, ".sql") != 0)
            continue;
        char *end;
        long v = strtol(nm, &end, 10);
        if (end == nm || *end != '_' || v <= 0 || v > 99999)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            ms = cs_xrealloc(ms, (size_t)cap * sizeof *ms);
        }
        ms[n].version = (int)v;
        snprintf(ms[n].name, sizeof ms[n].name, "%.*s", (int)(len - 4), nm);
        snprintf(ms[n].path, sizeof ms[n].path, "%s/%s", dir, nm);
        n++;
    }
    closedir(dh);
    qsort(ms, (size_t)n, sizeof *ms, by_version);
    for (int i = 1; i < n; i++)
        if (ms[i].version == ms[i - 1].version) {
            cs_status st = cs_diag_set(d, CS_ERR_CONFIG, ms[i].path, 0, 0,
                                       "two migrations have version %d", ms[i].version);
            free(ms);
            return st;
        }
    *out = ms;
    *count = n;
    return CS_OK;
}

static void checksum_hex(const char *s, size_t n, char out[17])
{
    /* two FNV-1a halves: enough to notice an edited file */
    uint32_t a = cs_hash_bytes(s, n);
    uint32_t b = cs_hash_bytes(s, n / 2) ^ (uint32_t)n;
    snprintf(out, 17, "%08x%08x", a, b);
}

cs_status cs_wh_migrate(PGconn *c, const char *dir, int up_to, cs_migrate_result *res,
                        cs_diag *d)
{
    res->applied = res->total = res->latest = 0;
    cs_status st = cs_wh_exec(c,
                              "CREATE TABLE IF NOT EXISTS meta_migration ("
                              " version integer PRIMARY KEY,"
                              " name text NOT NULL,"
                              " checksum text NOT NULL,"
                              " applied_at timestamptz NOT NULL DEFAULT now())",
                              d);
    if (st != CS_OK)
        return st;
    migration *ms = NULL;
    int n = 0;
    st = list_migrations(dir, &ms, &n, d);
    if (st != CS_OK)
        return st;
    res->total = n;
    /* one migrator at a time */
    st = cs_wh_exec(c, "SELECT pg_advisory_lock(727001)", d);
    for (int i = 0; st == CS_OK && i < n; i++) {
        if (up_to && ms[i].version > up_to)
            break;
        size_t len = 0;
        char *sql = read_file(ms[i].path, &len);
        if (!sql) {
            st = cs_diag_set(d, CS_ERR_IO, ms[i].path, 0, 0, "cannot read migration");
            break;
        }
        char sum[17];
        checksum_hex(sql, len, sum);
        char q[256];
        snprintf(q, sizeof q, "SELECT checksum FROM meta_migration WHERE version = %d",
                 ms[i].version);
        PGresult *r = PQexec(c, q);
        int done = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
        int same = done && strcmp(PQgetvalue(r, 0, 0), sum) == 0;
        PQclear(r);
        if (done) {
            if (!same)
                st = cs_diag_set(d, CS_ERR_CONFIG, ms[i].path, 0, 0,
                                 "migration %d was changed after it was applied to this "
                                 "warehouse; add a new migration instead of editing it",
                                 ms[i].version);
            res->latest = ms[i].version;
            free(sql);
            continue;
        }
        st = cs_wh_exec(c, "BEGIN", d);
        if (st == CS_OK)
            st = cs_wh_exec(c, sql, d);
        if (st == CS_OK) {
            const char *params[3];
            char ver[16];
            snprintf(ver, sizeof ver, "%d", ms[i].version);
            params[0] = ver;
            params[1] = ms[i].name;
            params[2] = sum;
            r = PQexecParams(c,
                             "INSERT INTO meta_migration (version, name, checksum) "
                             "VALUES ($1::int, $2, $3)",
                             3, NULL, params, NULL, NULL, 0);
            if (PQresultStatus(r) != PGRES_COMMAND_OK)
                st = cs_diag_set(d, CS_ERR_DB, ms[i].path, 0, 0, "cannot record migration: %s",
                                 PQresultErrorMessage(r));
            PQclear(r);
        }
        if (st == CS_OK)
            st = cs_wh_exec(c, "COMMIT", d);
        if (st != CS_OK) {
            PGresult *rb = PQexec(c, "ROLLBACK");
            PQclear(rb);
            /* name the file in the message */
            char msg[1024];
            snprintf(msg, sizeof msg, "%s", d ? d->msg : "");
            cs_diag_set(d, CS_ERR_DB, ms[i].path, 0, 0, "migration failed: %s", msg);
            free(sql);
            break;
        }
        res->applied++;
        res->latest = ms[i].version;
        free(sql);
    }
    PGresult *r = PQexec(c, "SELECT pg_advisory_unlock(727001)");
    PQclear(r);
    free(ms);
    return st;
}
