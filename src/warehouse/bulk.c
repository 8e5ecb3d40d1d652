#include "warehouse/bulk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "warehouse/conn.h"
#include "warehouse/copy_pipe.h"

void cs_wh_bulk_free(cs_bulk *b)
{
    for (int i = 0; i < b->n; i++)
        free(b->sql[i]);
    b->n = 0;
}

cs_status cs_wh_bulk_begin(PGconn *c, const char *table, cs_bulk *b, cs_diag *d)
{
    memset(b, 0, sizeof *b);
    snprintf(b->table, sizeof b->table, "%s", table);
    char sql[1024];
    snprintf(sql, sizeof sql,
             "SELECT EXISTS (SELECT 1 FROM %s), has_table_privilege('%s', 'TRUNCATE') "
             "AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE contype = 'f' "
             "AND confrelid = '%s'::regclass)",
             table, table, table);
    PGresult *r;
    cs_status st = cs_wh_query(c, sql, &r, d);
    if (st != CS_OK)
        return st;
    int has_rows = PQgetvalue(r, 0, 0)[0] == 't', may_truncate = PQgetvalue(r, 0, 1)[0] == 't';
    PQclear(r);
    if (has_rows)
        return CS_OK;
    /* keys nobody references, then plain indexes */
    snprintf(sql, sizeof sql,
             "SELECT 'ALTER TABLE %s DROP CONSTRAINT ' || quote_ident(k.conname), "
             "'ALTER TABLE %s ADD CONSTRAINT ' || quote_ident(k.conname) || ' ' || "
             "pg_get_constraintdef(k.oid) FROM pg_constraint k "
             "WHERE k.conrelid = '%s'::regclass AND k.contype IN ('p', 'u') "
             "AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' "
             "AND f.confrelid = k.conrelid AND f.conindid = k.conindid) "
             "UNION ALL "
             "SELECT 'DROP INDEX ' || i.indexrelid::regclass, pg_get_indexdef(i.indexrelid) "
             "FROM pg_index i WHERE i.indrelid = '%s'::regclass "
             "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)",
             table, table, table, table);
    if ((st = cs_wh_query(c, sql, &r, d)) != CS_OK)
        return st;
    for (int i = 0; i < PQntuples(r) && b->n < CS_BULK_MAX && st == CS_OK; i++) {
        st = cs_wh_exec(c, PQgetvalue(r, i, 0), d);
        if (st == CS_OK)
            b->sql[b->n++] = cs_xstrdup(PQgetvalue(r, i, 1));
    }
    PQclear(r);
    /* a new file for the empty table: written without WAL (wal_level
     * minimal) and open to COPY FREEZE, like a table created here */
    if (st == CS_OK && may_truncate) {
        snprintf(sql, sizeof sql, "TRUNCATE %s", table);
        if ((st = cs_wh_exec(c, sql, d)) == CS_OK)
            b->fresh = 1;
    }
    return st;
}

cs_status cs_wh_bulk_end(PGconn *c, cs_bulk *b, cs_diag *d)
{
    cs_status st = CS_OK;
    for (int i = 0; i < b->n && st == CS_OK; i++)
        st = cs_wh_exec(c, b->sql[i], d);
    cs_wh_bulk_free(b);
    return st;
}

cs_status cs_wh_bulk_copy_stream(cs_copy *o, cs_copy_pipe *pipe, const char *table,
                                 const char *columns, cs_diag *d)
{
    cs_bulk bulk;
    cs_status st = cs_wh_bulk_begin(o->conn, table, &bulk, d);
    if (st != CS_OK)
        return st;
    st = cs_copy_begin(o, table, columns, bulk.fresh ? "FREEZE" : NULL, d);
    if (st == CS_OK)
        st = cs_copy_pipe_send(pipe, o, table, d);
    if (st == CS_OK)
        st = cs_copy_end(o, table, d);
    if (st == CS_OK)
        st = cs_wh_bulk_end(o->conn, &bulk, d);
    cs_wh_bulk_free(&bulk);
    return st;
}
