/* Reference tables for lookups: Ofsted provider (URN) lists, postcode ->
 * LA / grid reference, and the like. A table is a TSV file
 * `reference/<name>.tsv`: a header line of column names, then rows; the first
 * column is the key (looked up exactly; the first row with a key wins).
 *
 * A rule set may also declare a table it expects (ruleset.yaml `tables:`) so
 * rules using it compile without the file; those rules are then reported as
 * not run until the file is supplied. */
#ifndef CS_RULES_REFTABLE_H
#define CS_RULES_REFTABLE_H

#include <stddef.h>
#include <stdint.h>

#include "rules/codelist.h"

typedef struct {
    const char *name;
    const char *path;          /* NULL when declared but not found */
    const char **columns;
    uint32_t ncolumns;
    const char **cells;        /* nrows * ncolumns; NULL = empty cell */
    uint32_t nrows;
    cs_strmap keys;            /* key -> row */
    int loaded;
    int declared;              /* columns come from ruleset.yaml `tables:` */
    int tried;                 /* the file was looked for */
} cs_reftable;

/* Reads the file (all of it); errors to errs. Returns 0 on failure. */
int cs_reftable_load(cs_reftable *t, const char *name, const char *path, cs_arena *arena,
                     cs_rule_errors *errs);
void cs_reftable_free(cs_reftable *t);
/* Column index by name, -1 when none. */
int cs_reftable_column(const cs_reftable *t, const char *name);
/* Row of a key, or UINT32_MAX. */
uint32_t cs_reftable_find(const cs_reftable *t, const char *key, size_t n);

#endif
