#include "warehouse/bulk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "warehouse/conn.h"

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
    snprintf(sql, sizeof sql, "SELECT EXISTS (SELECT 1 FROM %s)", table);
    char has_rows[8];
    cs_status st = cs_wh_query_value(c, sql, has_rows, sizeof has_rows, d);
    if (st != CS_OK || has_rows[0] == 't')
        return st;
    PGresult *r;
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
