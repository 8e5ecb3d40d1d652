/* Entity-attribute-value sources (form answer tables): rows of (key, name,
 * value) grouped into one canonical record per key.
 *
 * Only attributes some field map names are kept, so memory grows with the
 * number of keys times the mapped attributes, not with the file. Per key
 * and attribute the answer with the greatest `order` wins (ties and files
 * without an order column: the later row). Records are emitted at the end
 * of the file in order of each key's first row, with that row's line as
 * provenance; each attribute keeps the line of the answer used, so findings
 * about it point at the right row. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "etl/extract_int.h"
#include "util/intern.h"

#define ORD_UNSET INT64_MIN
#define ORD_UNPARSED (INT64_MIN + 1)

typedef struct {
    uint32_t hash;
    uint64_t line;
    cs_field *vals;       /* [0] key, [1..ncarry] carried, then attributes */
    int64_t *ord;         /* per attribute */
} group;

struct cs_pivot_state {
    cs_xmap *xm;
    int key, name, value, order;      /* file columns */
    int *carry;                       /* file column of each carried slot */
    const char **carry_names;
    size_t ncarry, carry_cap;
    const char **attrs;               /* attribute names the field maps use */
    size_t nattr, attr_cap;
    group **groups;
    size_t ngroups, groups_cap;
    uint32_t *table;                  /* open addressing: group index + 1 */
    size_t table_cap;
};

static const char *trimmed(const cs_field *f, size_t *n)
{
    cs_value_ctx quiet = {0};
    return cs_value_trim(&quiet, f->ptr, f->len, n);
}

static size_t grow(void **arr, size_t cap, size_t elem)
{
    size_t c = cap ? cap * 2 : 8;
    *arr = cs_xrealloc(*arr, c * elem);
    return c;
}

static int add_carry(cs_pivot_state *ps, const char *name, int col)
{
    for (size_t i = 0; i < ps->ncarry; i++)
        if (strcasecmp(ps->carry_names[i], name) == 0)
            return (int)(1 + i);
    if (ps->ncarry == ps->carry_cap) {
        size_t c = grow((void **)&ps->carry, ps->carry_cap, sizeof *ps->carry);
        grow((void **)&ps->carry_names, ps->carry_cap, sizeof *ps->carry_names);
        ps->carry_cap = c;
    }
    ps->carry[ps->ncarry] = col;
    ps->carry_names[ps->ncarry] = name;
    return (int)(1 + ps->ncarry++);
}

static int add_attr(cs_pivot_state *ps, const char *name)
{
    for (size_t i = 0; i < ps->nattr; i++)
        if (strcasecmp(ps->attrs[i], name) == 0)
            return (int)i;
    if (ps->nattr == ps->attr_cap)
        ps->attr_cap = grow((void **)&ps->attrs, ps->attr_cap, sizeof *ps->attrs);
    ps->attrs[ps->nattr] = name;
    return (int)ps->nattr++;
}

/* Where a field map's column comes from: the key, a carried column (named
 * in carry:, or any other column of the file), or an attribute. Attributes
 * are numbered after every carried column is known (second pass). */
static int source_of(cs_pivot_state *ps, const cs_table_reader *t, const char *name,
                     int *is_attr)
{
    const cs_pivot *pv = ps->xm->map->pivot;
    *is_attr = 0;
    if (strcasecmp(name, pv->key) == 0)
        return 0;
    int col = cs_table_find_column(t, name);
    if (col >= 0 && col != ps->name && col != ps->value)
        return add_carry(ps, name, col);
    *is_attr = 1;
    return add_attr(ps, name);
}

static void resolve(cs_pivot_state *ps, const cs_table_reader *t, int *slot, const char *name,
                    int pass)
{
    int is_attr;
    int s = source_of(ps, t, name, &is_attr);
    if (pass == 0)
        *slot = is_attr ? -1 : s;
    else if (is_attr)
        *slot = (int)(1 + ps->ncarry) + s;
}

cs_pivot_state *cs_pivot_begin(cs_extractor *x, cs_xmap *xm, const cs_table_reader *t)
{
    const cs_pivot *pv = xm->map->pivot;
    cs_pivot_state *ps = cs_xcalloc(1, sizeof *ps);
    ps->xm = xm;
    ps->key = cs_table_find_column(t, pv->key);
    ps->name = cs_table_find_column(t, pv->name);
    ps->value = cs_table_find_column(t, pv->value);
    ps->order = pv->order ? cs_table_find_column(t, pv->order) : -1;
    int usable = 1;
    const char *need[] = {pv->key, pv->name, pv->value};
    const int cols[] = {ps->key, ps->name, ps->value};
    for (size_t i = 0; i < 3; i++)
        if (cols[i] < 0) {
            cs_x_missing_column(x, xm, need[i], NULL);
            usable = 0;
        }
    if (pv->order && ps->order < 0)
        cs_x_missing_column(x, xm, pv->order, NULL);
    if (!usable) {
        free(ps);
        return NULL;
    }
    for (size_t i = 0; i < pv->ncarry; i++) {
        int col = cs_table_find_column(t, pv->carry[i]);
        if (col < 0)
            cs_x_missing_column(x, xm, pv->carry[i], NULL);
        add_carry(ps, pv->carry[i], col);
    }
    /* Two passes: carried columns first, so attribute slots can follow them. */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < xm->nfields; i++) {
            cs_xfield *f = &xm->fields[i];
            const cs_field_map *fm = f->fm;
            switch (fm->kind) {
            case CS_MAP_COLUMN: resolve(ps, t, &f->col, fm->column, pass); break;
            case CS_MAP_SPLIT_DATE:
                resolve(ps, t, &f->day, fm->day, pass);
                resolve(ps, t, &f->month, fm->month, pass);
                resolve(ps, t, &f->year, fm->year, pass);
                break;
            case CS_MAP_CONCAT:
                if (pass == 0)
                    f->cols = cs_arena_alloc(&x->file, fm->ncolumns * sizeof *f->cols);
                for (size_t k = 0; k < fm->ncolumns; k++)
                    resolve(ps, t, &f->cols[k], fm->columns[k], pass);
                break;
            case CS_MAP_CONST: break;
            }
        }
    }
    return ps;
}

/* A sortable number for an `order` value: whole numbers as they are,
 * date-times (ISO or dd/mm/yyyy, optional hh:mm[:ss[.fff]]) as
 * milliseconds. Anything else sorts below every parsed value. */
static int digits(const char *s, size_t n, size_t at, size_t count, int *out)
{
    if (at + count > n)
        return 0;
    int v = 0;
    for (size_t i = 0; i < count; i++) {
        if (s[at + i] < '0' || s[at + i] > '9')
            return 0;
        v = v * 10 + (s[at + i] - '0');
    }
    *out = v;
    return 1;
}

static int64_t order_key(const char *s, size_t n)
{
    if (n == 0)
        return ORD_UNPARSED;
    size_t i = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++;
    if (i == n && n <= 18) {
        int64_t v = 0;
        for (size_t k = 0; k < n; k++)
            v = v * 10 + (s[k] - '0');
        return v;
    }
    size_t dn = 0;
    while (dn < n && s[dn] != ' ' && s[dn] != 'T')
        dn++;
    cs_date d = cs_date_parse_iso(s, dn);
    if (d == CS_DATE_NONE)
        d = cs_date_parse_dmy(s, dn);
    if (d == CS_DATE_NONE)
        return ORD_UNPARSED;
    int64_t ms = (int64_t)d * 86400000;
    int hh = 0, mm = 0, ss = 0, frac = 0;
    size_t t = dn + 1;
    if (dn < n && digits(s, n, t, 2, &hh) && t + 2 < n && s[t + 2] == ':' &&
        digits(s, n, t + 3, 2, &mm)) {
        if (t + 5 < n && s[t + 5] == ':' && digits(s, n, t + 6, 2, &ss) && t + 8 < n &&
            s[t + 8] == '.')
            digits(s, n, t + 9, 3, &frac);
        ms += ((int64_t)hh * 3600 + mm * 60 + ss) * 1000 + frac;
    }
    return ms;
}

static group *find_or_add(cs_extractor *x, cs_pivot_state *ps, const char *key, size_t kn,
                          uint64_t line, const cs_record *rec)
{
    uint32_t h = cs_hash_bytes(key, kn);
    if ((ps->ngroups + 1) * 2 > ps->table_cap) {
        size_t cap = ps->table_cap ? ps->table_cap * 2 : 1024;
        uint32_t *tab = cs_xcalloc(cap, sizeof *tab);
        for (size_t i = 0; i < ps->ngroups; i++) {
            size_t j = ps->groups[i]->hash & (cap - 1);
            while (tab[j])
                j = (j + 1) & (cap - 1);
            tab[j] = (uint32_t)(i + 1);
        }
        free(ps->table);
        ps->table = tab;
        ps->table_cap = cap;
    }
    size_t j = h & (ps->table_cap - 1);
    while (ps->table[j]) {
        group *g = ps->groups[ps->table[j] - 1];
        if (g->hash == h && g->vals[0].len == kn && memcmp(g->vals[0].ptr, key, kn) == 0)
            return g;
        j = (j + 1) & (ps->table_cap - 1);
    }
    size_t nslots = 1 + ps->ncarry + ps->nattr;
    group *g = cs_arena_alloc(&x->file, sizeof *g);
    g->hash = h;
    g->line = line;
    g->vals = cs_arena_alloc(&x->file, nslots * sizeof *g->vals);
    g->ord = cs_arena_alloc(&x->file, (ps->nattr ? ps->nattr : 1) * sizeof *g->ord);
    const cs_field *kf = &rec->fields[ps->key];
    g->vals[0] = (cs_field){cs_arena_strndup(&x->file, key, kn), (uint32_t)kn, kf->col, line};
    for (size_t i = 0; i < ps->ncarry; i++) {
        cs_field *v = &g->vals[1 + i];
        int c = ps->carry[i];
        if (c >= 0 && (uint32_t)c < rec->nfields) {
            const cs_field *src = &rec->fields[c];
            *v = (cs_field){cs_arena_strndup(&x->file, src->ptr, src->len), src->len, src->col,
                            src->line};
        } else {
            *v = (cs_field){"", 0, 0, line};
        }
    }
    for (size_t i = 0; i < ps->nattr; i++) {
        g->vals[1 + ps->ncarry + i] = (cs_field){"", 0, 0, line};
        g->ord[i] = ORD_UNSET;
    }
    if (ps->ngroups == ps->groups_cap) {
        if (ps->groups_cap >= UINT32_MAX / 2)
            return NULL;
        ps->groups_cap = grow((void **)&ps->groups, ps->groups_cap, sizeof *ps->groups);
    }
    ps->groups[ps->ngroups++] = g;
    ps->table[j] = (uint32_t)ps->ngroups;
    return g;
}

void cs_pivot_row(cs_extractor *x, cs_pivot_state *ps, const cs_record *rec)
{
    const cs_entity_desc *e = ps->xm->map->entity;
    if ((uint32_t)ps->key >= rec->nfields)
        return;
    size_t kn;
    const char *key = trimmed(&rec->fields[ps->key], &kn);
    if (kn == 0) {
        cs_findings_addv(x->fx, CS_FK_MISSING_ID, x->path, rec->line, 0, e->name, "id", NULL,
                         NULL, 0, NULL, "the pivot key column is empty; row skipped");
        return;
    }
    group *g = find_or_add(x, ps, key, kn, rec->line, rec);
    if (!g || (uint32_t)ps->name >= rec->nfields || (uint32_t)ps->value >= rec->nfields)
        return;
    size_t nn;
    const char *name = trimmed(&rec->fields[ps->name], &nn);
    size_t a = 0;
    while (a < ps->nattr && !cs_x_equal_ci(name, nn, ps->attrs[a]))
        a++;
    if (a == ps->nattr)
        return;   /* an attribute no field map uses */
    int64_t ord = 0;
    if (ps->order >= 0 && (uint32_t)ps->order < rec->nfields) {
        size_t on;
        const char *o = trimmed(&rec->fields[ps->order], &on);
        ord = order_key(o, on);
    }
    if (g->ord[a] != ORD_UNSET && ord < g->ord[a])
        return;
    const cs_field *src = &rec->fields[ps->value];
    g->ord[a] = ord;
    g->vals[1 + ps->ncarry + a] = (cs_field){cs_arena_strndup(&x->file, src->ptr, src->len),
                                             src->len, src->col, src->line};
}

void cs_pivot_end(cs_extractor *x, cs_pivot_state *ps, int emit)
{
    if (!ps)
        return;
    size_t nslots = 1 + ps->ncarry + ps->nattr;
    for (size_t i = 0; emit && i < ps->ngroups; i++)
        cs_x_emit(x, ps->xm, ps->groups[i]->vals, nslots, ps->groups[i]->line);
    free(ps->carry);
    free((void *)ps->carry_names);
    free((void *)ps->attrs);
    free(ps->groups);
    free(ps->table);
    free(ps);
}
