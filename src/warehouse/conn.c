#include "warehouse/conn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cs_wh_redact(const char *url, char *out, size_t n)
{
    /* postgresql://user:secret@host/db -> postgresql://user:***@host/db ;
     * also key=value conninfo "password=secret" */
    snprintf(out, n, "%s", url ? url : "");
    char *scheme = strstr(out, "://");
    if (scheme) {
        char *at = strchr(scheme + 3, '@');
        char *colon = strchr(scheme + 3, ':');
        if (at && colon && colon < at) {
            char rest[4096];
            snprintf(rest, sizeof rest, "%s", at);
            size_t keep = (size_t)(colon - out) + 1;
            if (keep + 3 < n) {
                memcpy(out + keep, "***", 3);
                snprintf(out + keep + 3, n - keep - 3, "%s", rest);
            }
        }
    }
    for (char *p = strstr(out, "password="); p; p = strstr(p + 1, "password=")) {
        char *v = p + 9;
        char *end = v;
        while (*end && *end != ' ' && *end != '&')
            end++;
        char rest[4096];
        snprintf(rest, sizeof rest, "%s", end);
        size_t off = (size_t)(v - out);
        if (off + 3 < n) {
            memcpy(v, "***", 3);
            snprintf(v + 3, n - off - 3, "%s", rest);
        }
    }
}

int cs_wh_env_configured(void)
{
    const char *vars[] = {"PGHOST", "PGDATABASE", "PGSERVICE", "PGHOSTADDR"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v)
            return 1;
    }
    return 0;
}

/* libpq's message without any password it may echo; first line only. */
static void clean_message(const char *msg, char *out, size_t n)
{
    snprintf(out, n, "%s", msg ? msg : "");
    out[strcspn(out, "\n")] = '\0';
    char tmp[2048];
    cs_wh_redact(out, tmp, sizeof tmp);
    snprintf(out, n, "%s", tmp);
}

cs_status cs_wh_connect(const cs_wh_target *t, PGconn **out, char *note, size_t note_n,
                        cs_diag *d)
{
    *out = NULL;
    if (note && note_n)
        note[0] = '\0';
    PGconn *c;
    char shown[1024];
    if (t->url && *t->url) {
        c = PQconnectdb(t->url);
        cs_wh_redact(t->url, shown, sizeof shown);
    } else if (t->use_env && cs_wh_env_configured()) {
        c = PQconnectdb("");
        snprintf(shown, sizeof shown, "the server named by the PG* environment variables");
    } else {
        cs_cluster cl;
        cs_status st = cs_cluster_locate(&cl, t->local_dir ? t->local_dir : "var/warehouse", note,
                                         note_n, d);
        if (st != CS_OK)
            return st;
        st = cs_cluster_start(&cl, d);
        if (st != CS_OK)
            return st;
        char ci[8400];
        cs_cluster_conninfo(&cl, ci, sizeof ci);
        c = PQconnectdb(ci);
        snprintf(shown, sizeof shown, "the local warehouse in %s", cl.dir);
    }
    if (!c)
        return cs_diag_set(d, CS_ERR_NOMEM, NULL, 0, 0, "out of memory connecting to the warehouse");
    if (PQstatus(c) != CONNECTION_OK) {
        char msg[1024];
        clean_message(PQerrorMessage(c), msg, sizeof msg);
        PQfinish(c);
        return cs_diag_set(d, CS_ERR_DB, NULL, 0, 0, "cannot reach the warehouse (%s): %s", shown,
                           msg);
    }
    PGresult *r = PQexec(c, "SET client_min_messages = warning; SET client_encoding = 'UTF8'");
    PQclear(r);
    *out = c;
    return CS_OK;
}

cs_status cs_wh_result_error(const PGresult *r, const char *doing, cs_diag *d)
{
    char msg[1024];
    clean_message(PQresultErrorMessage(r), msg, sizeof msg);
    return cs_diag_set(d, CS_ERR_DB, NULL, 0, 0, "warehouse: %s%s%s", doing ? doing : "",
                       doing ? ": " : "", msg);
}

cs_status cs_wh_conn_error(PGconn *c, const char *doing, cs_diag *d)
{
    char msg[1024];
    clean_message(PQerrorMessage(c), msg, sizeof msg);
    return cs_diag_set(d, CS_ERR_DB, NULL, 0, 0, "warehouse: %s%s%s", doing ? doing : "",
                       doing ? ": " : "", msg);
}

cs_status cs_wh_exec(PGconn *c, const char *sql, cs_diag *d)
{
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        cs_status err = cs_wh_result_error(r, NULL, d);
        PQclear(r);
        return err;
    }
    PQclear(r);
    return CS_OK;
}

cs_status cs_wh_query(PGconn *c, const char *sql, PGresult **out, cs_diag *d)
{
    *out = PQexec(c, sql);
    if (PQresultStatus(*out) == PGRES_TUPLES_OK)
        return CS_OK;
    cs_status err = cs_wh_result_error(*out, NULL, d);
    PQclear(*out);
    *out = NULL;
    return err;
}

cs_status cs_wh_query_value(PGconn *c, const char *sql, char *out, size_t n, cs_diag *d)
{
    PGresult *r;
    cs_status st = cs_wh_query(c, sql, &r, d);
    if (st != CS_OK)
        return st;
    if (PQntuples(r) != 1 || PQnfields(r) < 1) {
        PQclear(r);
        return cs_diag_set(d, CS_ERR_DB, NULL, 0, 0, "warehouse: expected one row from: %.200s",
                           sql);
    }
    snprintf(out, n, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    return CS_OK;
}
