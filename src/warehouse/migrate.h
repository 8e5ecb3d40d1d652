/* Schema migrations: schema/warehouse/NNNN_name.sql applied in order, each in
 * its own transaction, recorded in meta_migration with a checksum so an
 * existing warehouse upgrades in place and an edited, already-applied
 * migration is reported instead of silently ignored. */
#ifndef CS_WAREHOUSE_MIGRATE_H
#define CS_WAREHOUSE_MIGRATE_H

#include <libpq-fe.h>

#include "util/diag.h"

typedef struct {
    int applied;        /* migrations applied by this call */
    int total;          /* migrations known */
    int latest;         /* highest version now applied */
} cs_migrate_result;

/* dir: folder of NNNN_*.sql files (schema/warehouse). up_to: apply versions
 * <= up_to only (0 = all), for upgrade tests. */
cs_status cs_wh_migrate(PGconn *c, const char *dir, int up_to, cs_migrate_result *res,
                        cs_diag *d);

#endif
