/* Connecting to the warehouse: an explicit postgresql:// URL, the PG*
 * environment variables, or (neither given) the embedded local cluster,
 * started on demand. Passwords never appear in messages: URLs are shown
 * with the password replaced by "***". */
#ifndef CS_WAREHOUSE_CONN_H
#define CS_WAREHOUSE_CONN_H

#include <libpq-fe.h>
#include <stddef.h>

#include "util/diag.h"
#include "warehouse/cluster.h"

typedef struct {
    const char *url;           /* --warehouse URL, or NULL */
    const char *local_dir;     /* --warehouse-dir, default "var/warehouse" */
    int use_env;               /* honour PGHOST/PGDATABASE/... when no URL */
} cs_wh_target;

/* Copy url into out with any password replaced by ***. */
void cs_wh_redact(const char *url, char *out, size_t n);

/* True when PGHOST or PGDATABASE or PGSERVICE is set. */
int cs_wh_env_configured(void);

/* Connect. For the local cluster, starts it if needed (note receives a line
 * to show the user, may be NULL). On failure returns CS_ERR_DB with a clear,
 * password-free message. */
cs_status cs_wh_connect(const cs_wh_target *t, PGconn **out, char *note, size_t note_n,
                        cs_diag *d);

/* Run SQL that returns no rows; error with the server's message. */
cs_status cs_wh_exec(PGconn *c, const char *sql, cs_diag *d);
/* A failed statement as CS_ERR_DB: "warehouse: [doing: ]<the server's
 * first line, any password in it masked>". */
cs_status cs_wh_result_error(const PGresult *r, const char *doing, cs_diag *d);
/* The same for a connection-level failure (PQerrorMessage). */
cs_status cs_wh_conn_error(PGconn *c, const char *doing, cs_diag *d);

/* Run a query that returns rows; *out is the result (PQclear it), NULL on
 * error. */
cs_status cs_wh_query(PGconn *c, const char *sql, PGresult **out, cs_diag *d);

/* The one value of a one-row query, as text ("" when NULL). */
cs_status cs_wh_query_value(PGconn *c, const char *sql, char *out, size_t n, cs_diag *d);

#endif
