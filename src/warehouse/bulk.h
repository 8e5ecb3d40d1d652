/* Bulk loading into an empty table: its indexes and key constraints are
 * dropped before the COPY and built again after it, in the same transaction
 * (a sorted build is several times cheaper than a million single inserts);
 * truncated too, so that its rows go to a new file without WAL. Only when
 * the table has no rows at all, so nobody else's rows are re-indexed.
 * Internal to the warehouse module. */
#ifndef CS_WAREHOUSE_BULK_H
#define CS_WAREHOUSE_BULK_H

#include <libpq-fe.h>

#include "util/diag.h"
#include "warehouse/copy.h"

#define CS_BULK_MAX 16

typedef struct {
    char table[64];
    char *sql[CS_BULK_MAX];   /* statements that rebuild what was dropped */
    int n;
    int fresh;                /* truncated in this transaction: COPY ... FREEZE may be used */
} cs_bulk;

/* When table is empty, drop its indexes and primary/unique keys (except
 * those other tables' foreign keys depend on), remembering how to rebuild
 * them, and TRUNCATE it when allowed (no foreign key refers to it). b->n == 0
 * when nothing was dropped. */
cs_status cs_wh_bulk_begin(PGconn *c, const char *table, cs_bulk *b, cs_diag *d);
/* Rebuild them. Frees b. */
cs_status cs_wh_bulk_end(PGconn *c, cs_bulk *b, cs_diag *d);
void cs_wh_bulk_free(cs_bulk *b);

/* A whole bulk load of `table` from the pipe's stream of the same name:
 * begin (above), COPY <columns> (FREEZE when the table was emptied here),
 * the stream's bytes, end. */
cs_status cs_wh_bulk_copy_stream(cs_copy *o, cs_copy_pipe *pipe, const char *table,
                                 const char *columns, cs_diag *d);

#endif
