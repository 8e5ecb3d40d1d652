/* Chunked bump allocator. Lifetimes: run (model, profiles), batch, record
 * (reset per record). Allocation failure aborts with a message: the only
 * sensible answer in a batch tool, and it keeps call sites simple. */
#ifndef CS_UTIL_ARENA_H
#define CS_UTIL_ARENA_H

#include <stddef.h>

typedef struct cs_arena_chunk cs_arena_chunk;

typedef struct {
    cs_arena_chunk *head;
    size_t chunk_size;
    size_t bytes_used;   /* payload handed out, for reporting */
    size_t bytes_reserved;
} cs_arena;

void cs_arena_init(cs_arena *a, size_t chunk_size);   /* 0 = 64 KiB */
void cs_arena_free(cs_arena *a);
void cs_arena_reset(cs_arena *a);                     /* keep the first chunk */

void *cs_arena_alloc(cs_arena *a, size_t n);           /* 16-byte aligned, zeroed */
void *cs_arena_alloc_raw(cs_arena *a, size_t n);       /* aligned, not zeroed */
char *cs_arena_strndup(cs_arena *a, const char *s, size_t n);
char *cs_arena_strdup(cs_arena *a, const char *s);
char *cs_arena_printf(cs_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* malloc/realloc that abort with a message on failure. */
void *cs_xmalloc(size_t n);
void *cs_xcalloc(size_t n, size_t size);
void *cs_xrealloc(void *p, size_t n);
char *cs_xstrdup(const char *s);

#endif
