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

static int ent_is(const s903_child_ent *e, const char *id, size_t n)
{
    return e->len == n && memcmp(e->id, id, n) == 0;
}

static void index_grow(s903_child_index *x)
{
    size_t cap = x->cap ? x->cap * 2 : 4096;
    s903_child_slot *slots = cs_xcalloc(cap, sizeof *slots);
    for (size_t i = 0; i < x->cap; i++) {
        const s903_child_slot *e = &x->slots[i];
        if (!e->id)
            continue;
        size_t j = id_hash(e->key, e->id, e->len) & (cap - 1);
        while (slots[j].id)
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

uint32_t s903_child_index_get(s903_child_index *x, cs_dataset *ds, const char *id, size_t n,
                              uint32_t file, uint32_t line, const char **kept)
{
    if (x->last < x->count) {
        if (ent_is(&x->ents[x->last], id, n))
            return found(x, x->last, kept);
        if (x->last + 1 < x->count && ent_is(&x->ents[x->last + 1], id, n))
            return found(x, x->last + 1, kept);
    }
    if ((x->count + 1) * 2 > x->cap)
        index_grow(x);
    uint64_t key[2];
    id_key(id, n, key);
    size_t j = id_hash(key, id, n) & (x->cap - 1);
    for (const s903_child_slot *e; (e = &x->slots[j])->id; j = (j + 1) & (x->cap - 1))
        if (e->key[0] == key[0] && e->key[1] == key[1] && e->len == n &&
            (n <= 16 || memcmp(e->id + 16, id + 16, n - 16) == 0))
            return found(x, e->ent, kept);
    if (x->count == x->ents_cap) {
        x->ents_cap = x->ents_cap ? x->ents_cap * 2 : 4096;
        x->ents = cs_xrealloc(x->ents, x->ents_cap * sizeof *x->ents);
    }
    s903_child_ent *e = &x->ents[x->count];
    e->id = cs_arena_strndup(&ds->arena, id, n);
    e->len = (uint32_t)n;
    e->row = cs_ds_add_row(ds, CS_903_G_CHILD, 0, file, line);
    cs_value *v = cs_ds_cell(ds, CS_903_G_CHILD, e->row, CS_903_C_CHILD);
    v->kind = CS_V_STR;   /* the id lives as long as the dataset */
    v->s = e->id;
    x->slots[j] = (s903_child_slot){{key[0], key[1]}, e->id, (uint32_t)n, (uint32_t)x->count};
    return found(x, x->count++, kept);
}

void s903_child_index_free(s903_child_index *x)
{
    free(x->slots);
    free(x->ents);
    memset(x, 0, sizeof *x);
}

const char *s903_code_intern(s903_code_cache *c, cs_intern *strings, const char *s, size_t n)
{
    if (n > 8)
        return cs_intern_n(strings, s, n);
    uint64_t k = 0;
    memcpy(&k, s, n);
    size_t i = (size_t)(((k ^ n) * 0x9E3779B97F4A7C15ull) >> 54) & (S903_CODE_SLOTS - 1);
    if (c->s[i] && c->key[i] == k && c->len[i] == n)
        return c->s[i];
    c->s[i] = cs_intern_n(strings, s, n);
    c->key[i] = k;
    c->len[i] = (uint8_t)n;
    return c->s[i];
}
