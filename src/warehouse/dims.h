/* Dimensions, merged in SQL inside the load's transaction from small
 * temporary staging tables (COPY), then their keys read back for the facts:
 * the bank-holiday calendar in dim_date, teams and workers, the rules of the
 * run's exceptions, and children (slowly changing). Also the run's
 * exceptions, appended to fact_exception. Internal to the warehouse module. */
#ifndef CS_WAREHOUSE_DIMS_H
#define CS_WAREHOUSE_DIMS_H

#include <libpq-fe.h>
#include <stdint.h>

#include "model/model.h"
#include "report/exceptions.h"
#include "util/calendar.h"
#include "util/diag.h"
#include "warehouse/copy.h"
#include "warehouse/resolve.h"

cs_status cs_wh_merge_calendar(cs_copy *o, const cs_calendar *cal, cs_diag *d);

/* dim_team and dim_worker, updated in place, never removed; fills k->team
 * and k->worker. */
cs_status cs_wh_merge_org(cs_copy *o, const cs_model *m, cs_wh_keys *k, uint64_t *rows,
                          cs_diag *d);

/* dim_rule for every rule the exceptions name; fills k->rule. */
cs_status cs_wh_merge_rules(cs_copy *o, const cs_exception_list *exc, cs_wh_keys *k,
                            cs_diag *d);

/* The people with an id, in id order, the first row of each id (sent so,
 * dim_child's indexes on person_id grow at their right edge instead of
 * splitting pages); worked out by the prep thread. Free with free(). */
const cs_person **cs_wh_children_order(const cs_model *m, size_t *n);

/* dim_child: a new version (valid from the reference date) when sex,
 * ethnicity, disability status or UPN change; other attributes corrected in
 * place; children no longer extracted have their version closed. A child new
 * to the warehouse is valid from birth. Fills k->child with current keys. */
cs_status cs_wh_merge_children(cs_copy *o, const cs_model *m, cs_wh_prep *prep, cs_date valid_from,
                               cs_wh_keys *k, uint64_t *rows, cs_diag *d);

/* The key rule maps use: "return|year|code" (year "all" when empty). */
void cs_wh_rule_id(const char *ret, const char *year, const char *code, char *out, size_t n);

/* Encoder thread (copy_pipe.h): the run's exceptions, with their keys and
 * fingerprints, as the stream "fact_exception". rows counts them. */
void cs_wh_exceptions_encode(cs_copy *enc, const cs_exception_list *exc, const cs_wh_keys *k,
                             uint64_t *rows);
/* That stream, from the pipe, appended to fact_exception. */
cs_status cs_wh_load_exceptions(cs_copy *o, cs_copy_pipe *pipe, cs_diag *d);

#endif
