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
    uint32_t len, ent;     /* len 0 = free slot (ids are never empty); ent: index into ents */
} s903_child_slot;

typedef struct {
    uint64_t key[2];       /* as in the slot */
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

/* An id's key and hash, worked out (and its slot fetched into the cache)
 * before the row's other cells are read, so the lookup after them does not
 * wait for memory. */
typedef struct {
    uint64_t key[2];
    uint32_t hash;
} s903_child_key;

void s903_child_index_free(s903_child_index *x);
/* 1 and the Child row (*kept the id as the dataset holds it) when id[0..n)
 * (n > 0) is the previous row's child or the one added after it; else 0,
 * with *k made and its slot prefetched for s903_child_index_get. */
int s903_child_index_near(s903_child_index *x, const char *id, size_t n, uint32_t *row,
                          const char **kept, s903_child_key *k);
/* The Child row whose CHILD is id[0..n) (k from s903_child_index_near),
 * added (with file and line) when new; *kept as above. */
uint32_t s903_child_index_get(s903_child_index *x, cs_dataset *ds, const char *id, size_t n,
                              const s903_child_key *k, uint32_t file, uint32_t line,
                              const char **kept);

/* Codes of up to 8 bytes by their bytes (upper-cased as they are packed).
 * A slot is overwritten by the next code hashed to it. */
#define S903_SHORT_CODE 8
#define S903_CODE_SLOTS 1024
typedef struct {
    uint64_t key[S903_CODE_SLOTS];
    const char *s[S903_CODE_SLOTS];
    uint8_t len[S903_CODE_SLOTS];
} s903_code_cache;

/* s[0..n) (n <= S903_SHORT_CODE) with ASCII letters upper-cased, interned
 * in strings (the pointer cs_intern_n gives for that text). */
const char *s903_short_code(s903_code_cache *c, cs_intern *strings, const char *s, size_t n);

#endif
