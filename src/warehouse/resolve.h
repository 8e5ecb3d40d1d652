/* What a fact row needs besides the record itself, worked out once per load:
 * the dimension keys the merges assigned (child, team, worker, rule), each
 * assessment's factors as a PostgreSQL array literal, and the derivations
 * the warehouse stores (postcode district, working days). Internal to the
 * warehouse module. */
#ifndef CS_WAREHOUSE_RESOLVE_H
#define CS_WAREHOUSE_RESOLVE_H

#include <stddef.h>

#include "model/model.h"
#include "util/arena.h"
#include "util/calendar.h"
#include "warehouse/keymap.h"

typedef struct {
    long long la_key, run_id;
    const cs_calendar *cal;
    cs_keymap child;          /* person id -> current dim_child key */
    cs_keymap team, worker;   /* team / worker id -> key */
    cs_keymap rule;           /* "return|year|code" -> dim_rule key */
    cs_keymap factor_idx;     /* assessment id -> index into factor_lits */
    const char **factor_lits; /* "{1A,21A}" */
    size_t nfactors;
    cs_arena arena;
} cs_wh_keys;

/* Orders worked out ahead on a second thread (facts.h). */
typedef struct cs_wh_prep cs_wh_prep;

void cs_wh_keys_init(cs_wh_keys *k, long long la_key, long long run_id, const cs_calendar *cal);
void cs_wh_keys_free(cs_wh_keys *k);

/* Each assessment's distinct factor codes, sorted, as an array literal. */
void cs_wh_keys_factors(cs_wh_keys *k, const cs_model *m);
/* The literal for an assessment, or NULL when it has no factors. */
const char *cs_wh_keys_factor_literal(const cs_wh_keys *k, const char *assessment_id);

/* The outward part of a postcode, upper-cased ("kt1 4aw" -> "KT1", "KT14AW"
 * -> "KT1"), as the SQL function postcode_district(); returns 0 (no
 * district) for an absent or blank postcode. */
size_t cs_postcode_district(const char *postcode, char *out, size_t n);

#endif
