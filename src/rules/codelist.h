/* Code lists (data files, versioned by year) and the string map they and
 * the other string sets of the rule engine use.
 *
 * A code list file is `codes/<name>.txt`: one code per line, optionally
 * followed by white space and a description; '#' starts a comment line;
 * blank lines are ignored. Codes are case-sensitive. */
#ifndef CS_RULES_CODELIST_H
#define CS_RULES_CODELIST_H

#include <stddef.h>
#include <stdint.h>

#include "rules/rules.h"
#include "util/arena.h"

/* Open-addressing map from string to a 32-bit value; keys are not copied. */
typedef struct {
    const char **keys;
    uint32_t *vals;
    uint32_t *hashes;
    size_t cap, count;
} cs_strmap;

void cs_strmap_init(cs_strmap *m);
void cs_strmap_free(cs_strmap *m);
/* Returns 0 when the key was already there (its value is left alone). */
int cs_strmap_put(cs_strmap *m, const char *key, uint32_t val);
/* 1 and *val when found. key need not be NUL-terminated (n bytes). */
int cs_strmap_get(const cs_strmap *m, const char *key, size_t n, uint32_t *val);

typedef struct {
    const char *name;       /* file name without extension */
    const char *path;
    const char **codes;
    const char **descs;     /* "" when none */
    uint32_t n;
    cs_strmap set;
} cs_codelist;

/* Reads a code list; errors (duplicate code, unreadable file) go to errs.
 * Returns 0 on failure. Strings live in arena. */
int cs_codelist_load(cs_codelist *cl, const char *name, const char *path, cs_arena *arena,
                     cs_rule_errors *errs);
void cs_codelist_free(cs_codelist *cl);

static inline int cs_codelist_has(const cs_codelist *cl, const char *s, size_t n)
{
    uint32_t v;
    return cs_strmap_get(&cl->set, s, n, &v);
}

/* Reads a whole file (capped at max bytes); malloc'd, NUL-terminated.
 * Returns NULL and sets *why to a static message on failure. */
char *cs_rules_read_file(const char *path, size_t max, size_t *len, const char **why);

#endif
