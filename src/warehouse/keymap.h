/* Dimension keys the merges assigned, read back for the facts: a map from a
 * system id (person, team, worker id; a rule's return|year|code) to the
 * dimension's surrogate key, filled from `COPY (SELECT id, key ...) TO
 * STDOUT` inside the load's transaction. Internal to the warehouse module. */
#ifndef CS_WAREHOUSE_KEYMAP_H
#define CS_WAREHOUSE_KEYMAP_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/diag.h"

typedef struct {
    cs_arena arena;      /* the ids */
    const char **ids;
    uint32_t *hashes;
    long long *keys;
    size_t cap, count;
} cs_keymap;

void cs_keymap_init(cs_keymap *m);
void cs_keymap_free(cs_keymap *m);
void cs_keymap_put(cs_keymap *m, const char *id, size_t n, long long key);
/* The key, or 0 (no surrogate key is 0) when id is NULL, empty or unknown. */
long long cs_keymap_get(const cs_keymap *m, const char *id);

/* Runs `select` (two columns: id text, key bigint) and adds every row. */
cs_status cs_keymap_fetch(cs_keymap *m, PGconn *c, const char *select, cs_diag *d);

/* A set of ids, to keep the first row of each id (file order) and skip
 * repeats, which extract has already reported (X118). */
typedef struct {
    const char **ids;
    uint32_t *hashes;
    size_t cap;
} cs_idset;

void cs_idset_init(cs_idset *s, size_t expected);
void cs_idset_free(cs_idset *s);
/* 1 when id is new (and now added); 0 for a repeat or an absent/empty id. */
int cs_idset_add(cs_idset *s, const char *id);

#endif
