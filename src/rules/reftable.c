/* Reference tables (TSV with a header line). */
#include "rules/reftable.h"

#include <stdlib.h>
#include <string.h>

#include "rules/srcfile.h"
#include "util/limits.h"

/* reference data can be large (a postcode directory): allow 2 GiB */
#define CS_MAX_REFTABLE_BYTES ((size_t)2 << 30)

static uint32_t split_line(char *s, size_t n, char **out, uint32_t max)
{
    uint32_t k = 0;
    size_t a = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == '\t') {
            if (k < max)
                out[k] = s + a;
            k++;
            if (i < n)
                s[i] = '\0';
            a = i + 1;
        }
    }
    return k;
}

int cs_reftable_load(cs_reftable *t, const char *name, const char *path, cs_arena *arena,
                     cs_rule_errors *errs)
{
    memset(t, 0, sizeof *t);
    t->name = cs_arena_strdup(arena, name);
    t->path = cs_arena_strdup(arena, path);
    const char *why = NULL;
    size_t len = 0;
    char *text = cs_rules_read_file(path, CS_MAX_REFTABLE_BYTES, &len, &why);
    if (!text) {
        cs_rerr_add_at(errs, path, 0, 0, "cannot read reference table: %s", why);
        return 0;
    }
    char **parts = cs_xmalloc(CS_MAX_COLUMNS * sizeof *parts);
    size_t cap = 0;
    uint32_t lineno = 0;
    int ok = 1;
    size_t i = 0;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < len) {
        size_t e = i;
        while (e < len && text[e] != '\n')
            e++;
        lineno++;
        size_t b = e;
        if (b > i && text[b - 1] == '\r')
            b--;
        char *line = text + i;
        size_t n = b - i;
        i = e + 1;
        line[n] = '\0';   /* end the last cell at the line end (text[len] is already NUL) */
        if (n == 0)
            continue;
        uint32_t k = split_line(line, n, parts, CS_MAX_COLUMNS);
        if (k > CS_MAX_COLUMNS) {
            cs_rerr_add_at(errs, path, lineno, 0, "more than %u columns", CS_MAX_COLUMNS);
            ok = 0;
            break;
        }
        if (!t->columns) {
            t->columns = cs_arena_alloc(arena, k * sizeof *t->columns);
            for (uint32_t c = 0; c < k; c++) {
                t->columns[c] = cs_arena_strdup(arena, parts[c]);
                if (!t->columns[c][0]) {
                    cs_rerr_add_at(errs, path, lineno, 0, "column %u has no name", c + 1);
                    ok = 0;
                }
            }
            t->ncolumns = k;
            continue;
        }
        if (k != t->ncolumns) {
            cs_rerr_add_at(errs, path, lineno, 0, "row has %u columns, the header has %u", k,
                           t->ncolumns);
            ok = 0;
            continue;
        }
        if ((size_t)t->nrows == cap) {
            cap = cap ? cap * 2 : 256;
            t->cells = cs_xrealloc((void *)t->cells, cap * t->ncolumns * sizeof *t->cells);
        }
        for (uint32_t c = 0; c < k; c++)
            t->cells[(size_t)t->nrows * t->ncolumns + c] =
                parts[c][0] ? cs_arena_strdup(arena, parts[c]) : NULL;
        const char *key = t->cells[(size_t)t->nrows * t->ncolumns];
        if (key)
            cs_strmap_put(&t->keys, key, t->nrows);
        t->nrows++;
    }
    free(parts);
    free(text);
    if (ok && !t->columns) {
        cs_rerr_add_at(errs, path, 0, 0, "reference table is empty (it needs a header line)");
        ok = 0;
    }
    t->loaded = ok;
    return ok;
}

void cs_reftable_free(cs_reftable *t)
{
    free((void *)t->cells);
    cs_strmap_free(&t->keys);
    memset(t, 0, sizeof *t);
}

int cs_reftable_column(const cs_reftable *t, const char *name)
{
    for (uint32_t c = 0; c < t->ncolumns; c++)
        if (strcmp(t->columns[c], name) == 0)
            return (int)c;
    return -1;
}

uint32_t cs_reftable_find(const cs_reftable *t, const char *key, size_t n)
{
    uint32_t r;
    if (!t->loaded || !cs_strmap_get(&t->keys, key, n, &r))
        return UINT32_MAX;
    return r;
}
