/* A run's one warehouse connection: opened when first asked for (looking up
 * last year's return, then the load) and shared by every step after, so a
 * server that cannot be reached is tried, waited for and reported once. */
#ifndef CS_PIPELINE_WH_SESSION_H
#define CS_PIPELINE_WH_SESSION_H

#include "util/diag.h"
#include "warehouse/conn.h"

typedef struct {
    cs_wh_target target;
    PGconn *conn;          /* NULL until connected, or when connecting failed */
    int tried;             /* connecting was attempted */
    cs_diag failed;        /* why it failed (status CS_OK when it did not) */
    char note[512];        /* the local cluster's line for the user, or "" */
} cs_wh_session;

/* Nothing is connected until cs_wh_session_conn. t's strings must outlive s. */
void cs_wh_session_init(cs_wh_session *s, const cs_wh_target *t);

/* The connection: made on the first call; later calls return the same one,
 * or the first attempt's failure again (d filled as cs_wh_connect fills it)
 * without trying anew. */
cs_status cs_wh_session_conn(cs_wh_session *s, PGconn **out, cs_diag *d);

void cs_wh_session_close(cs_wh_session *s);

#endif
