/* The SQL that turns staged rows (stg_<entity>, stg_exception,
 * stg_bank_holiday) into dimensions and facts, inside the load's
 * transaction. Internal to the warehouse module. */
#ifndef CS_WAREHOUSE_FACTS_H
#define CS_WAREHOUSE_FACTS_H

#include <libpq-fe.h>

#include "util/diag.h"
#include "warehouse/load.h"

cs_status cs_wh_merge_facts(PGconn *c, long long la_key, long long run_id,
                            const cs_load_meta *meta, cs_diag *d);

#endif
