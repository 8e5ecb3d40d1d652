/* Finding a person's rows of a model entity quickly: the rows' numbers
 * sorted by person id, then date, then model order, searched by binary
 * search. One sort per entity per build; no per-row allocation. */
#include <stdlib.h>
#include <string.h>

#include "returns/ssda903/internal.h"

static const char *key_at(const s903_pindex *ix, uint32_t row)
{
    const char *k = *(const char *const *)((const unsigned char *)cs_model_row(ix->m, ix->e, row) +
                                           ix->key_off);
    return k ? k : "";
}

static cs_date date_at(const s903_pindex *ix, uint32_t row)
{
    if (ix->date_off == SIZE_MAX)
        return CS_DATE_NONE;
    return *(const cs_date *)((const unsigned char *)cs_model_row(ix->m, ix->e, row) +
                              ix->date_off);
}

/* qsort has no context argument; a build runs in one thread at a time. */
static _Thread_local const s903_pindex *g_ix;

static int row_cmp(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    int c = strcmp(key_at(g_ix, a), key_at(g_ix, b));
    if (c)
        return c;
    cs_date da = date_at(g_ix, a), db = date_at(g_ix, b);
    if (da != db)
        return da < db ? -1 : 1;
    return a < b ? -1 : a > b;
}

void s903_pindex_init(s903_pindex *ix, const cs_model *m, cs_entity_id e, size_t key_off,
                      size_t date_off)
{
    ix->m = m;
    ix->e = e;
    ix->key_off = key_off;
    ix->date_off = date_off;
    ix->n = m->tables[e].count;
    ix->idx = cs_xmalloc((ix->n ? ix->n : 1) * sizeof *ix->idx);
    for (size_t i = 0; i < ix->n; i++)
        ix->idx[i] = (uint32_t)i;
    g_ix = ix;
    qsort(ix->idx, ix->n, sizeof *ix->idx, row_cmp);
    g_ix = NULL;
}

void s903_pindex_free(s903_pindex *ix)
{
    free(ix->idx);
    memset(ix, 0, sizeof *ix);
}

void s903_pindex_find(const s903_pindex *ix, const char *key, size_t *first, size_t *n)
{
    *first = 0;
    *n = 0;
    if (!key || !*key)
        return;
    size_t lo = 0, hi = ix->n;   /* first row with key >= key */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(key_at(ix, ix->idx[mid]), key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < ix->n && strcmp(key_at(ix, ix->idx[end]), key) == 0)
        end++;
    *first = lo;
    *n = end - lo;
}
