#include "pipeline/wh_session.h"

#include <string.h>

void cs_wh_session_init(cs_wh_session *s, const cs_wh_target *t)
{
    memset(s, 0, sizeof *s);
    s->target = *t;
    cs_diag_clear(&s->failed);
}

cs_status cs_wh_session_conn(cs_wh_session *s, PGconn **out, cs_diag *d)
{
    if (!s->tried) {
        s->tried = 1;
        cs_status st = cs_wh_connect(&s->target, &s->conn, s->note, sizeof s->note, &s->failed);
        if (st != CS_OK) {
            s->conn = NULL;
            s->failed.status = st;
        }
    }
    *out = s->conn;
    if (s->conn)
        return CS_OK;
    if (d)
        *d = s->failed;
    return s->failed.status;
}

void cs_wh_session_close(cs_wh_session *s)
{
    if (s->conn)
        PQfinish(s->conn);
    s->conn = NULL;
}
