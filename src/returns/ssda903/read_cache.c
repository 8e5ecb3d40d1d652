/* Child rows by CHILD text and short codes by their bytes, for the SSDA903
 * CSV reader (see read_cache.h). */
#include "returns/ssda903/read_cache.h"

#include <stdlib.h>
#include <string.h>

#include "returns/ssda903/ssda903.h"
#include "util/arena.h"

/* The first 16 bytes of an id, zero-padded. */
static void id_key(const char *s, size_t n, uint64_t key[2])
{
    char k[16] = {0};
    memcpy(k, s, n < 16 ? n : 16);
    memcpy(key, k, 16);
}

static uint32_t id_hash(const uint64_t key[2], const char *s, size_t n)
{
    uint64_t h = (key[0] ^ n) * 0x9E3779B97F4A7C15ull;
    h = (h ^ (h >> 29) ^ key[1]) * 0xFF51AFD7ED558CCDull;
    for (size_t i = 16; i < n; i++)   /* the rare long id */
        h = (h ^ (unsigned char)s[i]) * 0x100000001B3ull;
    return (uint32_t)(h >> 32);
}

/* The id is id[0..n) with key k (its first 16 bytes). */
static int same_id(const uint64_t a[2], uint32_t alen, const char *along, const uint64_t k[2],
                   const char *id, size_t n)
{
    return alen == n && a[0] == k[0] && a[1] == k[1] &&
           (n <= 16 || memcmp(along + 16, id + 16, n - 16) == 0);
}

static void index_grow(s903_child_index *x)
{
    size_t cap = x->cap ? x->cap * 2 : 4096;
    s903_child_slot *slots = cs_xcalloc(cap, sizeof *slots);
    for (size_t i = 0; i < x->cap; i++) {
        const s903_child_slot *e = &x->slots[i];
        if (!e->len)
            continue;
        const char *id = e->len > 16 ? x->ents[e->ent].id : NULL;   /* only long ids read it */
        size_t j = id_hash(e->key, id, e->len) & (cap - 1);
        while (slots[j].len)
            j = (j + 1) & (cap - 1);
        slots[j] = *e;
    }
    free(x->slots);
    x->slots = slots;
    x->cap = cap;
}

static uint32_t found(s903_child_index *x, size_t ent, const char **kept)
{
    x->last = ent;
    *kept = x->ents[ent].id;
    return x->ents[ent].row;
}

int s903_child_index_near(s903_child_index *x, const char *id, size_t n, uint32_t *row,
                          const char **kept, s903_child_key *k)
{
    id_key(id, n, k->key);
    for (size_t e = x->last; e < x->count && e <= x->last + 1; e++) {
        const s903_child_ent *c = &x->ents[e];
        if (same_id(c->key, c->len, c->id, k->key, id, n)) {
            *row = found(x, e, kept);
            return 1;
        }
    }
    k->hash = id_hash(k->key, id, n);
    if (x->cap)
        __builtin_prefetch(&x->slots[k->hash & (x->cap - 1)]);
    return 0;
}

uint32_t s903_child_index_get(s903_child_index *x, cs_dataset *ds, const char *id, size_t n,
                              const s903_child_key *k, uint32_t file, uint32_t line,
                              const char **kept)
{
    if ((x->count + 1) * 2 > x->cap)
        index_grow(x);
    size_t j = k->hash & (x->cap - 1);
    for (const s903_child_slot *e; (e = &x->slots[j])->len; j = (j + 1) & (x->cap - 1))
        if (same_id(e->key, e->len, e->len > 16 ? x->ents[e->ent].id : NULL, k->key, id, n))
            return found(x, e->ent, kept);
    if (x->count == x->ents_cap) {
        x->ents_cap = x->ents_cap ? x->ents_cap * 2 : 4096;
        x->ents = cs_xrealloc(x->ents, x->ents_cap * sizeof *x->ents);
    }
    s903_child_ent *e = &x->ents[x->count];
    e->key[0] = k->key[0];
    e->key[1] = k->key[1];
    e->id = cs_arena_strndup(&ds->arena, id, n);
    e->len = (uint32_t)n;
    e->row = cs_ds_add_row(ds, CS_903_G_CHILD, 0, file, line);
    cs_value *v = cs_ds_cell(ds, CS_903_G_CHILD, e->row, CS_903_C_CHILD);
    v->kind = CS_V_STR;   /* the id lives as long as the dataset */
    v->s = e->id;
    x->slots[j] = (s903_child_slot){{k->key[0], k->key[1]}, (uint32_t)n, (uint32_t)x->count};
    return found(x, x->count++, kept);
}

void s903_child_index_free(s903_child_index *x)
{
    free(x->slots);
    free(x->ents);
    memset(x, 0, sizeof *x);
}

const char *s903_short_code(s903_code_cache *c, cs_intern *strings, const char *s, size_t n)
{
    uint64_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)s[i];
        b = (unsigned char)(b - ((unsigned char)(b - 'a') < 26u ? 32 : 0));
        k |= (uint64_t)b << (8 * i);
    }
    size_t i = (size_t)(((k ^ n) * 0x9E3779B97F4A7C15ull) >> 54) & (S903_CODE_SLOTS - 1);
    if (c->s[i] && c->key[i] == k && c->len[i] == n)
        return c->s[i];
    char text[S903_SHORT_CODE];
    for (size_t b = 0; b < n; b++)
        text[b] = (char)(k >> (8 * b));
    c->s[i] = cs_intern_n(strings, text, n);
    c->key[i] = k;
    c->len[i] = (uint8_t)n;
    return c->s[i];
}
