/* Shape tests for fixed formats: a small regular-expression subset matched
 * against the whole value, compiled once (when the rule compiles) to an NFA
 * and run in linear time with caller-supplied scratch, so evaluation neither
 * allocates nor backtracks.
 *
 * Syntax: literal characters; `.` any character; `[A-Z0-9]`, `[^IOS]`
 * classes with ranges; `\d` digit, `\w` letter/digit/underscore, `\s` space,
 * `\` before any other character takes it literally; `( )` grouping; `|`
 * alternatives; `?` `*` `+` `{n}` `{n,}` `{n,m}` repetition (counts up to
 * 100). The whole value must match (no ^ or $ needed). */
#ifndef CS_RULES_PATTERN_H
#define CS_RULES_PATTERN_H

#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"

#define CS_PATTERN_MAX_STATES 4096

typedef struct {
    uint8_t type;       /* 0 class, 1 split, 2 match */
    uint16_t cls;       /* class index for type 0 */
    int32_t out, out1;
} cs_pstate;

typedef struct {
    cs_pstate *states;
    uint32_t nstates;
    uint8_t (*classes)[32];
    uint32_t nclasses;
    int32_t start;
    uint16_t *fixed;    /* fixed-length patterns ([A-Z]\d{12}): one class per character */
    uint32_t nfixed;
    int is_fixed;
} cs_pattern;

/* Compiles into arena. On error returns 0 and sets *err (static text) and
 * *err_at (byte offset in the pattern). */
int cs_pattern_compile(cs_pattern *p, const char *src, cs_arena *arena, const char **err,
                       size_t *err_at);

/* Scratch for matching, in 32-bit words. */
static inline size_t cs_pattern_scratch_words(const cs_pattern *p) { return 5u * p->nstates + 4u; }

int cs_pattern_match(const cs_pattern *p, const char *s, size_t n, uint32_t *scratch);

#endif
