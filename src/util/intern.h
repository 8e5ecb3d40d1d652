/* String interning: equal strings get the same pointer, so codes compare by
 * pointer and are stored once. Strings live in the table's arena. */
#ifndef CS_UTIL_INTERN_H
#define CS_UTIL_INTERN_H

#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"

typedef struct {
    cs_arena arena;
    const char **slots;
    uint32_t *hashes;
    size_t cap;   /* power of two */
    size_t count;
} cs_intern;

void cs_intern_init(cs_intern *t);
void cs_intern_free(cs_intern *t);
const char *cs_intern_n(cs_intern *t, const char *s, size_t n);
const char *cs_intern_str(cs_intern *t, const char *s);
/* NULL when s was never interned (no insertion). */
const char *cs_intern_find(const cs_intern *t, const char *s, size_t n);

uint32_t cs_hash_bytes(const void *p, size_t n);   /* FNV-1a */

#endif
