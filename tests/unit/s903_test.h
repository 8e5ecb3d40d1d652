/* Helpers shared by the SSDA903 unit tests (header-only: each test file is
 * its own binary). Tests run from the repository root. */
#ifndef TESTS_UNIT_S903_TEST_H
#define TESTS_UNIT_S903_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "returns/ssda903/ssda903.h"

static inline cs_date D(int y, int m, int d)
{
    return cs_date_from_ymd(y, m, d);
}

/* A cell as text (dates dd/mm/yyyy, absent ""), in a small ring of buffers
 * so several can appear in one assertion. */
static inline const char *val(const cs_dataset *ds, int g, uint32_t row, int f)
{
    static char ring[8][256];
    static int next;
    char *b = ring[next++ % 8];
    cs_value_format(cs_ds_cell_c(ds, g, row, f), 1, b, 256);
    return b;
}

static inline int kind(const cs_dataset *ds, int g, uint32_t row, int f)
{
    return cs_ds_cell_c(ds, g, row, f)->kind;
}

/* The Child row with that id, UINT32_MAX when none. */
static inline uint32_t child_of(const cs_dataset *ds, const char *id)
{
    uint32_t n = cs_ds_count(ds, CS_903_G_CHILD);
    for (uint32_t r = 0; r < n; r++)
        if (strcmp(cs_ds_child_id(ds, CS_903_G_CHILD, r), id) == 0)
            return r;
    return UINT32_MAX;
}

/* Rows of group g under the child with that id: first row, count. */
static inline uint32_t rows_of(const cs_dataset *ds, const char *id, int g, uint32_t *first)
{
    uint32_t c = child_of(ds, id), f = 0, n = 0;
    if (c != UINT32_MAX)
        cs_ds_children(ds, g, c, &f, &n);
    if (first)
        *first = f;
    return n;
}

/* Path of a file under $SRCROOT (or the current folder). */
static inline const char *src_path(const char *rel)
{
    static char buf[4][1024];
    static int next;
    char *b = buf[next++ % 4];
    const char *root = getenv("SRCROOT");
    snprintf(b, 1024, "%s/%s", root && *root ? root : ".", rel);
    return b;
}

#endif
