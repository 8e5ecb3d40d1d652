/* Return datasets: row storage, text parsing, finalize (sort by parent and
 * order field, child ranges), navigation and the child-id index. */
#include "dataset/dataset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/limits.h"

void cs_ds_init(cs_dataset *ds, const cs_ds_schema *schema)
{
    memset(ds, 0, sizeof *ds);
    ds->schema = schema;
    cs_arena_init(&ds->arena, 0);
    cs_intern_init(&ds->strings);
    ds->rows = cs_xcalloc(schema->ngroups ? schema->ngroups : 1, sizeof *ds->rows);
    ds->files_cap = 8;
    ds->files = cs_xcalloc(ds->files_cap, sizeof *ds->files);
    ds->files[0] = "";
    ds->nfiles = 1;
}

static void rows_free(cs_ds_rows *r)
{
    free(r->cells);
    free(r->parent);
    free(r->line);
    free(r->file);
    free(r->child_start);
    memset(r, 0, sizeof *r);
}

void cs_ds_free(cs_dataset *ds)
{
    if (!ds->schema)
        return;
    for (uint32_t g = 0; g < ds->schema->ngroups; g++)
        rows_free(&ds->rows[g]);
    free(ds->rows);
    free((void *)ds->files);
    cs_intern_free(&ds->strings);
    cs_arena_free(&ds->arena);
    memset(ds, 0, sizeof *ds);
}

uint32_t cs_ds_add_file(cs_dataset *ds, const char *path)
{
    for (uint32_t i = 1; i < ds->nfiles; i++)
        if (strcmp(ds->files[i], path) == 0)
            return i;
    if (ds->nfiles == ds->files_cap) {
        ds->files_cap *= 2;
        ds->files = cs_xrealloc((void *)ds->files, ds->files_cap * sizeof *ds->files);
    }
    ds->files[ds->nfiles] = cs_arena_strdup(&ds->arena, path);
    return ds->nfiles++;
}

static uint32_t nfields_of(const cs_dataset *ds, int g)
{
    return ds->schema->groups[g].nfields;
}

uint32_t cs_ds_add_row(cs_dataset *ds, int g, uint32_t parent, uint32_t file, uint32_t line)
{
    cs_ds_rows *r = &ds->rows[g];
    size_t nf = nfields_of(ds, g);
    if (r->count == r->cap) {
        uint32_t cap = r->cap ? r->cap * 2 : 64;
        r->cells = cs_xrealloc(r->cells, (size_t)cap * (nf ? nf : 1) * sizeof *r->cells);
        r->parent = cs_xrealloc(r->parent, (size_t)cap * sizeof *r->parent);
        r->line = cs_xrealloc(r->line, (size_t)cap * sizeof *r->line);
        r->file = cs_xrealloc(r->file, (size_t)cap * sizeof *r->file);
        r->cap = cap;
    }
    uint32_t row = r->count++;
    if (nf)
        memset(&r->cells[(size_t)row * nf], 0, nf * sizeof *r->cells);
    r->parent[row] = ds->schema->groups[g].parent == CS_DS_NO_PARENT ? 0 : parent;
    r->line[row] = line;
    r->file[row] = file;
    ds->finalized = 0;
    return row;
}

/* ---- setting cells ---------------------------------------------------- */

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void set_invalid(cs_dataset *ds, cs_value *v, const char *s, size_t n)
{
    v->kind = CS_V_INVALID;
    v->i = 0;
    v->s = cs_intern_n(&ds->strings, s, n);
}

static int parse_int(const char *s, size_t n, int32_t *out)
{
    size_t i = 0;
    int neg = 0;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    if (i == n)
        return 0;
    int64_t v = 0;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
        if (v > (int64_t)INT32_MAX + 1)
            return 0;
    }
    if (neg)
        v = -v;
    if (v < INT32_MIN || v > INT32_MAX)
        return 0;
    *out = (int32_t)v;
    return 1;
}

static int ieq(const char *s, size_t n, const char *word)
{
    size_t m = strlen(word);
    if (n != m)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != word[i])
            return 0;
    }
    return 1;
}

void cs_ds_set_text(cs_dataset *ds, int g, uint32_t row, int field, const char *s, size_t n,
                    cs_ds_text_style style)
{
    cs_value *v = cs_ds_cell(ds, g, row, field);
    if (n > CS_MAX_FIELD_BYTES)
        n = CS_MAX_FIELD_BYTES;
    /* trim for parsing; strings keep their text as given apart from the ends */
    size_t a = 0, b = n;
    while (a < b && is_space(s[a]))
        a++;
    while (b > a && is_space(s[b - 1]))
        b--;
    if (a == b) {
        v->kind = CS_V_ABSENT;
        v->i = 0;
        v->s = NULL;
        return;
    }
    const char *t = s + a;
    size_t m = b - a;
    switch (ds->schema->groups[g].fields[field].type) {
    case CS_DT_STR:
    case CS_DT_CODE:
        v->kind = CS_V_STR;
        v->i = 0;
        v->s = cs_intern_n(&ds->strings, t, m);
        return;
    case CS_DT_DATE: {
        cs_date d = style == CS_DS_TEXT_DMY ? cs_date_parse_dmy(t, m) : cs_date_parse_iso(t, m);
        if (d == CS_DATE_NONE) {
            set_invalid(ds, v, t, m);
            return;
        }
        v->kind = CS_V_DATE;
        v->i = d;
        v->s = NULL;
        return;
    }
    case CS_DT_INT: {
        int32_t x;
        if (!parse_int(t, m, &x)) {
            set_invalid(ds, v, t, m);
            return;
        }
        v->kind = CS_V_INT;
        v->i = x;
        v->s = NULL;
        return;
    }
    case CS_DT_BOOL:
        if (ieq(t, m, "true") || ieq(t, m, "1")) {
            v->kind = CS_V_BOOL;
            v->i = 1;
        } else if (ieq(t, m, "false") || ieq(t, m, "0")) {
            v->kind = CS_V_BOOL;
            v->i = 0;
        } else {
            set_invalid(ds, v, t, m);
            return;
        }
        v->s = cs_intern_n(&ds->strings, t, m);
        return;
    }
    set_invalid(ds, v, t, m);
}

void cs_ds_set_date(cs_dataset *ds, int g, uint32_t row, int field, cs_date d)
{
    cs_value *v = cs_ds_cell(ds, g, row, field);
    v->kind = d == CS_DATE_NONE ? CS_V_ABSENT : CS_V_DATE;
    v->i = d == CS_DATE_NONE ? 0 : d;
    v->s = NULL;
}

void cs_ds_set_int(cs_dataset *ds, int g, uint32_t row, int field, int32_t x)
{
    cs_value *v = cs_ds_cell(ds, g, row, field);
    v->kind = CS_V_INT;
    v->i = x;
    v->s = NULL;
}

void cs_ds_set_bool(cs_dataset *ds, int g, uint32_t row, int field, int x)
{
    cs_value *v = cs_ds_cell(ds, g, row, field);
    v->kind = CS_V_BOOL;
    v->i = x ? 1 : 0;
    v->s = x ? "true" : "false";
}

void cs_ds_set_str(cs_dataset *ds, int g, uint32_t row, int field, const char *s)
{
    cs_value *v = cs_ds_cell(ds, g, row, field);
    if (!s || !*s) {
        v->kind = CS_V_ABSENT;
        v->i = 0;
        v->s = NULL;
        return;
    }
    v->kind = CS_V_STR;
    v->i = 0;
    v->s = cs_intern_str(&ds->strings, s);
}

/* ---- finalize ---------------------------------------------------------- */

/* Groups in an order where every parent comes before its children. */
static cs_status topo_order(const cs_ds_schema *s, int *order, cs_diag *d)
{
    uint32_t n = s->ngroups, done = 0;
    char *placed = cs_xcalloc(n ? n : 1, 1);
    while (done < n) {
        uint32_t before = done;
        for (uint32_t g = 0; g < n; g++) {
            if (placed[g])
                continue;
            int p = s->groups[g].parent;
            if (p == CS_DS_NO_PARENT || (p >= 0 && (uint32_t)p < n && placed[p])) {
                placed[g] = 1;
                order[done++] = (int)g;
            }
        }
        if (done == before) {
            free(placed);
            return cs_diag_set(d, CS_ERR_INTERNAL, NULL, 0, 0,
                               "schema %s: group parents form a cycle or name a missing group",
                               s->name);
        }
    }
    free(placed);
    return CS_OK;
}

typedef struct {
    const cs_value *cells;
    const uint32_t *parent;
    uint32_t nfields;
    int order_field;
} sort_ctx;

/* qsort has no context argument in C17; finalize is not re-entrant per thread
 * anyway (it mutates the dataset), so a thread-local pointer is enough. */
static _Thread_local const sort_ctx *g_sort;

static int value_order_cmp(const cs_value *a, const cs_value *b)
{
    int ar = a->kind == CS_V_DATE || a->kind == CS_V_INT || a->kind == CS_V_STR ||
             a->kind == CS_V_BOOL;
    int br = b->kind == CS_V_DATE || b->kind == CS_V_INT || b->kind == CS_V_STR ||
             b->kind == CS_V_BOOL;
    if (!ar || !br)
        return ar == br ? 0 : (ar ? -1 : 1);   /* blank and invalid sort last */
    if (a->kind == CS_V_STR && b->kind == CS_V_STR)
        return strcmp(a->s, b->s);
    return a->i < b->i ? -1 : a->i > b->i;
}

static int row_cmp(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    const sort_ctx *c = g_sort;
    if (c->parent[a] != c->parent[b])
        return c->parent[a] < c->parent[b] ? -1 : 1;
    if (c->order_field >= 0) {
        int r = value_order_cmp(&c->cells[(size_t)a * c->nfields + (size_t)c->order_field],
                                &c->cells[(size_t)b * c->nfields + (size_t)c->order_field]);
        if (r)
            return r;
    }
    return a < b ? -1 : a > b;   /* stable */
}

/* Row a goes before row b (a < b): by parent, then the order field. */
static int in_order(const sort_ctx *c, uint32_t a, uint32_t b)
{
    if (c->parent[a] != c->parent[b])
        return c->parent[a] < c->parent[b];
    return c->order_field < 0 ||
           value_order_cmp(&c->cells[(size_t)a * c->nfields + (size_t)c->order_field],
                           &c->cells[(size_t)b * c->nfields + (size_t)c->order_field]) <= 0;
}

/* The rows' new order in perm (new row i is old row perm[i]), the one a
 * stable sort by row_cmp gives: rows counted out by parent (readers add
 * them mostly in order, each parent's rows a short run), then each parent's
 * run sorted by the order field. Returns 0, perm unset, when the rows are
 * in order already (no sort, no copy). */
static int sort_rows(const sort_ctx *c, uint32_t cnt, uint32_t pcount, uint32_t *perm)
{
    uint32_t i = 1;
    while (i < cnt && in_order(c, i - 1, i))
        i++;
    if (i >= cnt)
        return 0;
    uint32_t *start = cs_xcalloc((size_t)pcount + 1, sizeof *start);
    for (i = 0; i < cnt; i++)
        start[c->parent[i] + 1]++;
    for (uint32_t p = 0; p < pcount; p++)
        start[p + 1] += start[p];
    for (i = 0; i < cnt; i++)
        perm[start[c->parent[i]]++] = i;   /* start[p] ends as the end of p's run */
    if (c->order_field >= 0) {
        g_sort = c;
        uint32_t from = 0;
        for (uint32_t p = 0; p < pcount; p++) {
            uint32_t to = start[p], n = to - from;
            if (n > 16) {
                qsort(perm + from, n, sizeof *perm, row_cmp);
            } else {
                for (uint32_t k = from + 1; k < to; k++) {   /* insertion: runs are short */
                    uint32_t x = perm[k], j = k;
                    for (; j > from && row_cmp(&perm[j - 1], &x) > 0; j--)
                        perm[j] = perm[j - 1];
                    perm[j] = x;
                }
            }
            from = to;
        }
        g_sort = NULL;
    }
    free(start);
    return 1;
}

/* Moves the rows into their new order in place (new row i is old row
 * perm[i]), one cycle of the permutation at a time, so no second copy of
 * the cells is allocated. perm is used up (each moved entry set to its own
 * index). */
static void permute_rows(cs_ds_rows *r, uint32_t nf, uint32_t *perm)
{
    size_t w = nf;
    cs_value *tmp = cs_xmalloc((w ? w : 1) * sizeof *tmp);
    for (uint32_t i = 0; i < r->count; i++) {
        if (perm[i] == i)
            continue;
        if (w)
            memcpy(tmp, &r->cells[(size_t)i * w], w * sizeof *tmp);
        uint32_t par = r->parent[i], line = r->line[i], file = r->file[i];
        uint32_t j = i;
        for (;;) {
            uint32_t k = perm[j];
            perm[j] = j;
            if (k == i) {
                if (w)
                    memcpy(&r->cells[(size_t)j * w], tmp, w * sizeof *tmp);
                r->parent[j] = par;
                r->line[j] = line;
                r->file[j] = file;
                break;
            }
            if (w)
                memcpy(&r->cells[(size_t)j * w], &r->cells[(size_t)k * w], w * sizeof *tmp);
            r->parent[j] = r->parent[k];
            r->line[j] = r->line[k];
            r->file[j] = r->file[k];
            j = k;
        }
    }
    free(tmp);
}

cs_status cs_ds_finalize(cs_dataset *ds, cs_diag *d)
{
    if (ds->finalized)
        return CS_OK;
    const cs_ds_schema *s = ds->schema;
    uint32_t n = s->ngroups;
    int *order = cs_xmalloc((n ? n : 1) * sizeof *order);
    cs_status st = topo_order(s, order, d);
    if (st != CS_OK) {
        free(order);
        return st;
    }
    /* newpos[g][old] = new index of the row, once group g is sorted */
    uint32_t **newpos = cs_xcalloc(n ? n : 1, sizeof *newpos);
    for (uint32_t k = 0; k < n; k++) {
        int g = order[k];
        cs_ds_rows *r = &ds->rows[g];
        int pg = s->groups[g].parent;
        uint32_t cnt = r->count;
        uint32_t nf = s->groups[g].nfields;
        if (pg != CS_DS_NO_PARENT) {
            uint32_t pcount = ds->rows[pg].count;
            for (uint32_t i = 0; i < cnt; i++) {
                if (r->parent[i] >= pcount) {
                    st = cs_diag_set(d, CS_ERR_INTERNAL, NULL, 0, 0,
                                     "dataset %s: row %u of %s names parent row %u of %s, "
                                     "which has %u rows",
                                     s->name, i, s->groups[g].name, r->parent[i],
                                     s->groups[pg].name, pcount);
                    goto out;
                }
                r->parent[i] = newpos[pg][r->parent[i]];
            }
        }
        uint32_t *perm = cs_xmalloc((cnt ? cnt : 1) * sizeof *perm);
        sort_ctx c = {r->cells, r->parent, nf, s->groups[g].order_field};
        int moved = pg != CS_DS_NO_PARENT || c.order_field != CS_DS_UNORDERED
                        ? sort_rows(&c, cnt, pg == CS_DS_NO_PARENT ? 1 : ds->rows[pg].count, perm)
                        : 0;
        if (!moved)
            for (uint32_t i = 0; i < cnt; i++)
                perm[i] = i;
        /* apply perm: new row i is old row perm[i] */
        newpos[g] = cs_xmalloc((cnt ? cnt : 1) * sizeof *newpos[g]);
        for (uint32_t i = 0; i < cnt; i++)
            newpos[g][perm[i]] = i;
        if (moved)
            permute_rows(r, nf, perm);
        free(perm);
        /* child ranges, indexed by parent row */
        free(r->child_start);
        r->child_start = NULL;
        if (pg != CS_DS_NO_PARENT) {
            uint32_t pcount = ds->rows[pg].count;
            r->child_start = cs_xmalloc(((size_t)pcount + 1) * sizeof *r->child_start);
            uint32_t i = 0;
            for (uint32_t p = 0; p <= pcount; p++) {
                while (i < cnt && r->parent[i] < p)
                    i++;
                r->child_start[p] = i;
            }
        }
    }
    ds->finalized = 1;
out:
    for (uint32_t g = 0; g < n; g++)
        free(newpos[g]);
    free(newpos);
    free(order);
    return st;
}

/* ---- navigation -------------------------------------------------------- */

void cs_ds_children(const cs_dataset *ds, int cg, uint32_t pr, uint32_t *first, uint32_t *n)
{
    const cs_ds_rows *r = &ds->rows[cg];
    int pg = ds->schema->groups[cg].parent;
    if (pg == CS_DS_NO_PARENT) {
        *first = 0;
        *n = r->count;
        return;
    }
    if (!r->child_start || pr >= ds->rows[pg].count) {
        *first = 0;
        *n = 0;
        return;
    }
    *first = r->child_start[pr];
    *n = r->child_start[pr + 1] - r->child_start[pr];
}

uint32_t cs_ds_ancestor(const cs_dataset *ds, int g, uint32_t row, int ag)
{
    while (g != ag) {
        int pg = ds->schema->groups[g].parent;
        if (pg == CS_DS_NO_PARENT)
            return UINT32_MAX;
        row = ds->rows[g].parent[row];
        g = pg;
    }
    return row;
}

uint32_t cs_ds_child_row(const cs_dataset *ds, int g, uint32_t row)
{
    int cg = ds->schema->child_group;
    if (cg < 0 || g < 0)
        return UINT32_MAX;
    return cs_ds_ancestor(ds, g, row, cg);
}

const char *cs_ds_child_id(const cs_dataset *ds, int g, uint32_t row)
{
    uint32_t cr = cs_ds_child_row(ds, g, row);
    if (cr == UINT32_MAX || ds->schema->child_id_field < 0)
        return "";
    const cs_value *v = cs_ds_cell_c(ds, ds->schema->child_group, cr, ds->schema->child_id_field);
    if ((v->kind == CS_V_STR || v->kind == CS_V_INVALID || v->kind == CS_V_BOOL) && v->s)
        return v->s;
    return "";
}

uint32_t cs_ds_position(const cs_dataset *ds, int g, uint32_t row)
{
    int pg = ds->schema->groups[g].parent;
    if (pg == CS_DS_NO_PARENT || !ds->rows[g].child_start)
        return row + 1;
    return row - ds->rows[g].child_start[ds->rows[g].parent[row]] + 1;
}

static int is_ancestor_or_self(const cs_ds_schema *s, int a, int g)
{
    while (g != CS_DS_NO_PARENT) {
        if (g == a)
            return 1;
        g = s->groups[g].parent;
    }
    return 0;
}

size_t cs_ds_record_path(const cs_dataset *ds, int g, uint32_t row, char *buf, size_t n)
{
    const cs_ds_schema *s = ds->schema;
    /* below the child group the path starts under it; elsewhere under the root */
    int stop = s->child_group >= 0 && is_ancestor_or_self(s, s->child_group, g) ? s->child_group
                                                                                : s->root_group;
    /* collect the chain g .. (below stop) */
    int gs[CS_MAX_XML_DEPTH];
    uint32_t rs[CS_MAX_XML_DEPTH];
    size_t k = 0;
    while (g != stop && g != CS_DS_NO_PARENT && k < CS_MAX_XML_DEPTH) {
        gs[k] = g;
        rs[k] = row;
        k++;
        int pg = s->groups[g].parent;
        if (pg == CS_DS_NO_PARENT)
            break;
        row = ds->rows[g].parent[row];
        g = pg;
    }
    size_t w = 0;
    if (n)
        buf[0] = '\0';
    while (k-- > 0) {
        const cs_ds_group *grp = &s->groups[gs[k]];
        const char *label = grp->record_label ? grp->record_label : grp->name;
        int m = snprintf(buf + (w < n ? w : n), w < n ? n - w : 0, "%s%s[%u]", w ? "/" : "",
                         label, cs_ds_position(ds, gs[k], rs[k]));
        if (m > 0)
            w += (size_t)m;
    }
    if (n && w >= n)
        buf[n - 1] = '\0';
    return w < n ? w : (n ? n - 1 : 0);
}

int cs_ds_group_find(const cs_ds_schema *s, const char *name)
{
    for (uint32_t g = 0; g < s->ngroups; g++) {
        if (strcmp(s->groups[g].name, name) == 0)
            return (int)g;
    }
    for (uint32_t g = 0; g < s->ngroups; g++) {
        const char *const *a = s->groups[g].aliases;
        for (; a && *a; a++)
            if (strcmp(*a, name) == 0)
                return (int)g;
    }
    return -1;
}

int cs_ds_field_find(const cs_ds_schema *s, int g, const char *name)
{
    if (g < 0 || (uint32_t)g >= s->ngroups)
        return -1;
    const cs_ds_group *grp = &s->groups[g];
    for (uint32_t f = 0; f < grp->nfields; f++)
        if (strcmp(grp->fields[f].name, name) == 0)
            return (int)f;
    return -1;
}

/* ---- child-id index ---------------------------------------------------- */

struct cs_ds_index {
    const char **keys;
    uint32_t *rows;
    size_t cap;   /* power of two */
};

cs_ds_index *cs_ds_index_build(const cs_dataset *ds)
{
    cs_ds_index *ix = cs_xcalloc(1, sizeof *ix);
    const cs_ds_schema *s = ds->schema;
    uint32_t cnt = s->child_group >= 0 ? ds->rows[s->child_group].count : 0;
    size_t cap = 16;
    while (cap < (size_t)cnt * 2 + 2)
        cap *= 2;
    ix->cap = cap;
    ix->keys = cs_xcalloc(cap, sizeof *ix->keys);
    ix->rows = cs_xcalloc(cap, sizeof *ix->rows);
    for (uint32_t r = 0; r < cnt; r++) {
        const char *id = cs_ds_child_id(ds, s->child_group, r);
        if (!*id)
            continue;
        size_t i = cs_hash_bytes(id, strlen(id)) & (cap - 1);
        while (ix->keys[i] && strcmp(ix->keys[i], id) != 0)
            i = (i + 1) & (cap - 1);
        if (!ix->keys[i]) {   /* first row with an id wins */
            ix->keys[i] = id;
            ix->rows[i] = r;
        }
    }
    return ix;
}

uint32_t cs_ds_index_find(const cs_ds_index *ix, const char *child_id)
{
    if (!ix || !child_id || !*child_id)
        return UINT32_MAX;
    size_t i = cs_hash_bytes(child_id, strlen(child_id)) & (ix->cap - 1);
    while (ix->keys[i]) {
        if (strcmp(ix->keys[i], child_id) == 0)
            return ix->rows[i];
        i = (i + 1) & (ix->cap - 1);
    }
    return UINT32_MAX;
}

void cs_ds_index_free(cs_ds_index *ix)
{
    if (!ix)
        return;
    free((void *)ix->keys);
    free(ix->rows);
    free(ix);
}

size_t cs_value_format(const cs_value *v, int dmy, char *buf, size_t n)
{
    if (!n)
        return 0;
    int m = 0;
    switch (v->kind) {
    case CS_V_ABSENT:
        buf[0] = '\0';
        return 0;
    case CS_V_DATE: {
        char d[11];
        m = snprintf(buf, n, "%s", dmy ? cs_date_dmy(v->i, d) : cs_date_iso(v->i, d));
        break;
    }
    case CS_V_INT:
        m = snprintf(buf, n, "%d", (int)v->i);
        break;
    case CS_V_BOOL:
        m = snprintf(buf, n, "%s", v->s ? v->s : (v->i ? "true" : "false"));
        break;
    case CS_V_INVALID:
    case CS_V_STR:
    default:
        m = snprintf(buf, n, "%s", v->s ? v->s : "");
        break;
    }
    if (m < 0)
        return 0;
    return (size_t)m < n ? (size_t)m : n - 1;
}
