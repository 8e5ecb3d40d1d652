#include "util/intern.h"

#include <stdlib.h>
#include <string.h>

uint32_t cs_hash_bytes(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 16777619u;
    }
    return h;
}

void cs_intern_init(cs_intern *t)
{
    cs_arena_init(&t->arena, 0);
    t->cap = 256;
    t->count = 0;
    t->slots = cs_xcalloc(t->cap, sizeof *t->slots);
    t->hashes = cs_xcalloc(t->cap, sizeof *t->hashes);
}

void cs_intern_free(cs_intern *t)
{
    cs_arena_free(&t->arena);
    free((void *)t->slots);
    free(t->hashes);
    t->slots = NULL;
    t->hashes = NULL;
    t->cap = t->count = 0;
}

static size_t probe(const char **slots, const uint32_t *hashes, size_t cap,
                    uint32_t h, const char *s, size_t n)
{
    size_t i = h & (cap - 1);
    while (slots[i]) {
        if (hashes[i] == h && strncmp(slots[i], s, n) == 0 && slots[i][n] == '\0')
            return i;
        i = (i + 1) & (cap - 1);
    }
    return i;
}

static void grow(cs_intern *t)
{
    size_t cap = t->cap * 2;
    const char **slots = cs_xcalloc(cap, sizeof *slots);
    uint32_t *hashes = cs_xcalloc(cap, sizeof *hashes);
    for (size_t i = 0; i < t->cap; i++) {
        if (!t->slots[i])
            continue;
        size_t j = t->hashes[i] & (cap - 1);
        while (slots[j])
            j = (j + 1) & (cap - 1);
        slots[j] = t->slots[i];
        hashes[j] = t->hashes[i];
    }
    free((void *)t->slots);
    free(t->hashes);
    t->slots = slots;
    t->hashes = hashes;
    t->cap = cap;
}

const char *cs_intern_n(cs_intern *t, const char *s, size_t n)
{
    if (!t->slots)
        cs_intern_init(t);
    if ((t->count + 1) * 2 > t->cap)
        grow(t);
    uint32_t h = cs_hash_bytes(s, n);
    size_t i = probe(t->slots, t->hashes, t->cap, h, s, n);
    if (t->slots[i])
        return t->slots[i];
    t->slots[i] = cs_arena_strndup(&t->arena, s, n);
    t->hashes[i] = h;
    t->count++;
    return t->slots[i];
}

const char *cs_intern_str(cs_intern *t, const char *s)
{
    return cs_intern_n(t, s, strlen(s));
}

const char *cs_intern_find(const cs_intern *t, const char *s, size_t n)
{
    if (!t->slots)
        return NULL;
    uint32_t h = cs_hash_bytes(s, n);
    size_t i = probe(t->slots, t->hashes, t->cap, h, s, n);
    return t->slots[i];
}
