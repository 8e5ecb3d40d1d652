/* Facts: each fact table is partitioned by LA. A load writes the LA's rows,
 * with their dimension keys already looked up, by COPY into a new table
 * created in the load's transaction, indexes it, and at the end swaps it in
 * for the LA's previous partition. So a reload replaces the LA's snapshot
 * whole, other LAs are untouched, and nothing is visible before COMMIT.
 * Internal to the warehouse module. */
#ifndef CS_WAREHOUSE_FACTS_H
#define CS_WAREHOUSE_FACTS_H

#include <libpq-fe.h>
#include <stdint.h>

#include "model/model.h"
#include "util/diag.h"
#include "warehouse/copy.h"
#include "warehouse/resolve.h"

/* Entities the warehouse keeps (the others are not sent). */
int cs_wh_entity_used(cs_entity_id e);

/* The i-th fact table the loader fills, or NULL past the last. */
const char *cs_wh_fact_table(size_t i);

/* One field as COPY text (\N when absent). */
void cs_wh_copy_field(cs_copy *o, const void *row, const cs_field_desc *f);

/* Start working out the children's order (cs_wh_children_order), each
 * fact's rows in id order (first of each id) and the assessments' factor
 * literals (cs_wh_keys_factors), on a second thread when one can be had;
 * the model and keys' factor fields are not to be touched until
 * cs_wh_facts_prep_free (cs_wh_facts_encode waits for the thread). */
cs_wh_prep *cs_wh_facts_prepare(const cs_model *m, cs_wh_keys *keys);
/* The children's order, as soon as it is ready (owned by p). */
const cs_person *const *cs_wh_prep_children(cs_wh_prep *p, size_t *n);
void cs_wh_facts_prep_free(cs_wh_prep *p);   /* waits for the thread; NULL is fine */

/* Encoder thread (copy_pipe.h): every fact's rows, one stream each, named
 * by its table; waits for the prep first. rows counts the rows encoded. */
void cs_wh_facts_encode(cs_copy *enc, const cs_model *m, cs_wh_prep *prep, const cs_wh_keys *k,
                        uint64_t *rows);

/* COPY every fact, from the pipe, into <fact>_la<key>_new, primary key and
 * indexes built after the rows are in. */
cs_status cs_wh_load_facts(PGconn *c, cs_copy *o, cs_copy_pipe *pipe, long long la_key,
                           cs_diag *d);

/* Detach and drop the LA's old partitions, attach the new ones. Quick
 * (catalogue changes only); done last, just before COMMIT, because detaching
 * locks the fact table against readers until then. */
cs_status cs_wh_swap_facts(PGconn *c, long long la_key, cs_diag *d);

#endif
