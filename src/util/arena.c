#include "util/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cs_arena_chunk {
    cs_arena_chunk *next;
    size_t size;
    size_t used;
    _Alignas(16) unsigned char data[];
};

static void out_of_memory(size_t n)
{
    fprintf(stderr, "cscdw: out of memory (asked for %zu bytes)\n", n);
    abort();
}

void *cs_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        out_of_memory(n);
    return p;
}

void *cs_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        out_of_memory(n * size);
    return p;
}

void *cs_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        out_of_memory(n);
    return q;
}

char *cs_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = cs_xmalloc(n);
    memcpy(p, s, n);
    return p;
}

void cs_arena_init(cs_arena *a, size_t chunk_size)
{
    a->head = NULL;
    a->chunk_size = chunk_size ? chunk_size : 64u * 1024u;
    a->bytes_used = 0;
    a->bytes_reserved = 0;
}

void cs_arena_free(cs_arena *a)
{
    cs_arena_chunk *c = a->head;
    while (c) {
        cs_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
    a->bytes_used = 0;
    a->bytes_reserved = 0;
}

void cs_arena_reset(cs_arena *a)
{
    if (!a->head)
        return;
    /* keep the last chunk in the list (the oldest, usually chunk_size) */
    cs_arena_chunk *c = a->head;
    while (c->next) {
        cs_arena_chunk *next = c->next;
        a->bytes_reserved -= c->size;
        free(c);
        c = next;
    }
    c->used = 0;
    a->head = c;
    a->bytes_used = 0;
}

/* Bump allocation: n bytes at the given alignment (a power of two). Strings
 * ask for alignment 1, so a million-child model's ~40 M short identifiers
 * and codes are packed end to end instead of each taking a 16-byte slot
 * (that rounding nearly doubled the model arena). */
static void *arena_bump(cs_arena *a, size_t n, size_t align)
{
    cs_arena_chunk *c = a->head;
    if (c) {
        size_t at = (c->used + align - 1) & ~(align - 1);
        if (at <= c->size && c->size - at >= n) {
            c->used = at + n;
            a->bytes_used += n;
            return c->data + at;
        }
    }
    size_t need = (n + 15u) & ~(size_t)15u;
    if (need < n)
        out_of_memory(n);
    size_t size = a->chunk_size;
    if (need > size / 4) {
        /* big block: its own chunk, placed behind the current one so the
         * current chunk's free space is not wasted */
        cs_arena_chunk *big = cs_xmalloc(sizeof *big + need);
        big->size = need;
        big->used = need;
        a->bytes_reserved += need;
        a->bytes_used += n;
        if (c) {
            big->next = c->next;
            c->next = big;
        } else {
            big->next = NULL;
            a->head = big;
        }
        return big->data;
    }
    c = cs_xmalloc(sizeof *c + size);
    c->size = size;
    c->used = n;
    c->next = a->head;
    a->head = c;
    a->bytes_reserved += size;
    a->bytes_used += n;
    return c->data;   /* chunk data is 16-byte aligned */
}

void *cs_arena_alloc_raw(cs_arena *a, size_t n)
{
    return arena_bump(a, n, 16);
}

void *cs_arena_alloc(cs_arena *a, size_t n)
{
    void *p = cs_arena_alloc_raw(a, n);
    memset(p, 0, n);
    return p;
}

char *cs_arena_strndup(cs_arena *a, const char *s, size_t n)
{
    if (n + 1 < n)
        out_of_memory(n);
    /* Inline fast path (the model copies every id and string through
     * here): room in the head chunk, no alignment to make. */
    cs_arena_chunk *c = a->head;
    char *p;
    if (c && c->size - c->used > n) {
        p = (char *)c->data + c->used;
        c->used += n + 1;
        a->bytes_used += n + 1;
    } else {
        p = arena_bump(a, n + 1, 1);
    }
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *cs_arena_strdup(cs_arena *a, const char *s)
{
    return cs_arena_strndup(a, s, strlen(s));
}

char *cs_arena_printf(cs_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    char *p = cs_arena_alloc_raw(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}
