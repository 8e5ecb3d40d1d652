/* What the SSDA903 CSV reader looks up per row without hashing every cell:
 * Child rows by CHILD text (no probe when the row is the previous row's
 * child, or the child added after that one: tables usually list children
 * in the Header's order; else one probe, the id compared in the slot), and
 * short code values (PLACE, REC, ETHNIC ...) by their bytes, which gives the
 * dataset's interned copy without hashing and probing its intern table. */
#ifndef CS_RETURNS_SSDA903_READ_CACHE_H
#define CS_RETURNS_SSDA903_READ_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "dataset/dataset.h"

typedef struct {
    uint64_t key[2];       /* the id's first 16 bytes, zero-padded: most ids compare here */
    const char *id;        /* NULL = free slot */
    uint32_t len, ent;     /* ent: index into ents */
} s903_child_slot;

typedef struct {
    const char *id;        /* in the dataset's arena, NUL-terminated */
    uint32_t len, row;
} s903_child_ent;

typedef struct {
    s903_child_slot *slots;   /* open addressing, cap a power of two */
    size_t cap;
    s903_child_ent *ents;     /* children in the order they were added */
    size_t count, ents_cap;
    size_t last;              /* ent of the previous row's child; count = none */
} s903_child_index;

void s903_child_index_free(s903_child_index *x);
/* The Child row whose CHILD is id[0..n) (n > 0), added (with file and line)
 * when new; *kept is the id as the dataset holds it. */
uint32_t s903_child_index_get(s903_child_index *x, cs_dataset *ds, const char *id, size_t n,
                              uint32_t file, uint32_t line, const char **kept);

/* Values of up to 8 bytes by their bytes; longer ones go to the intern
 * table directly. A slot is overwritten by the next value hashed to it. */
#define S903_CODE_SLOTS 1024
typedef struct {
    uint64_t key[S903_CODE_SLOTS];
    const char *s[S903_CODE_SLOTS];
    uint8_t len[S903_CODE_SLOTS];
} s903_code_cache;

/* s[0..n) interned in strings (the same pointer cs_intern_n gives). */
const char *s903_code_intern(s903_code_cache *c, cs_intern *strings, const char *s, size_t n);

#endif
