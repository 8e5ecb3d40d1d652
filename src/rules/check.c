/* The checker: resolves every name in a rule against the schema (fields,
 * groups, context values, code lists, reference tables, defines), gives
 * every expression a type, and reports every error it finds with its
 * position. Names are rewritten in place into explicit forms (a bare field
 * becomes this.field, a group name a row or a range of rows), so the
 * compiler sees only resolved nodes.
 *
 * Name lookup for a bare name, first match wins:
 *   1. let names, aggregate binders and define parameters (innermost first)
 *   2. this, parent, prev, next, last, has_last
 *   3. a field of the row an aggregate without a binder is looking at
 *   4. a field of the rule's row
 *   5. ReferenceDate, CollectionStart, CollectionEnd, CollectionYear, LA
 *   6. a field of the header group
 *   7. a group: an ancestor (or the rule's own group) is one row; the header
 *      group is the header row; any other group is a set of rows, allowed
 *      only where rows are expected (aggregates)
 *   8. a define without parameters */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset/dataset.h"
#include "rules/builtins.h"
#include "rules/internal.h"

#define MAX_BINDS 256
#define MAX_EXPAND 16
#define MAX_SLOTS 4096
#define MAX_AGG_DEPTH 8        /* aggregates inside aggregates: cost is rows^depth */
#define MAX_WORK 100000        /* nodes checked per rule, defines expanded included */

typedef struct {
    const char *name;     /* NULL: the implicit row of an aggregate without a binder */
    uint8_t ty;
    int16_t grp;
    uint8_t ds;
    int32_t slot;
} binding;

typedef enum { MODE_VALUE, MODE_ROWS } mode;

typedef struct {
    cs_ruleset *rs;
    const cs_ds_schema *s;
    const cs_rsrc *src;          /* file of the node being checked */
    cs_rule_errors *errs;
    unsigned nerrors;
    int scope;                   /* the rule's group, -1 for `on return` */
    int no_this;                 /* inside a define: no rule row */
    binding binds[MAX_BINDS];
    int nbinds;
    int nslots;
    int uses_last;
    uint64_t last_groups;        /* groups of last year's return read (cs_rule.last_groups) */
    int agg_depth;
    unsigned work;
    int too_big;                 /* reported MAX_WORK once */
    const char *expanding[MAX_EXPAND];
    int nexpanding;
    cs_arena *arena;
    /* fields read, tables used */
    cs_rule_field *fields;
    uint32_t nfields, fields_cap;
    int32_t *tables;
    uint32_t ntables, tables_cap;
} checker;

static const char *const ctx_names[CTX_COUNT] = {"ReferenceDate", "CollectionStart",
                                                 "CollectionEnd", "CollectionYear", "LA"};

static void err(checker *ck, size_t off, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void err(checker *ck, size_t off, const char *fmt, ...)
{
    ck->nerrors++;
    va_list ap;
    va_start(ap, fmt);
    if (ck->nexpanding) {
        char buf[900];
        vsnprintf(buf, sizeof buf, fmt, ap);
        cs_rerr_add(ck->errs, ck->src, off, "in define %s: %s",
                    ck->expanding[ck->nexpanding - 1], buf);
    } else {
        cs_rerr_addv(ck->errs, ck->src, off, fmt, ap);
    }
    va_end(ap);
}

static const char *type_name(int ty)
{
    switch (ty) {
    case TY_BOOL: return "true/false";
    case TY_INT: return "a number";
    case TY_DATE: return "a date";
    case TY_STR: return "a string";
    case TY_ROW: return "a row";
    case TY_ROWS: return "a set of rows";
    case TY_ANY: return "a value";
    default: return "an invalid expression";
    }
}

static int field_type(cs_dtype t)
{
    switch (t) {
    case CS_DT_DATE: return TY_DATE;
    case CS_DT_INT: return TY_INT;
    case CS_DT_BOOL: return TY_BOOL;
    case CS_DT_STR:
    case CS_DT_CODE:
    default: return TY_STR;
    }
}

static int is_scalar(int ty)
{
    return ty == TY_BOOL || ty == TY_INT || ty == TY_DATE || ty == TY_STR;
}

static int parent_of(const checker *ck, int g) { return ck->s->groups[g].parent; }

static int is_ancestor_or_self(const checker *ck, int a, int g)
{
    while (g >= 0) {
        if (g == a)
            return 1;
        g = parent_of(ck, g);
    }
    return 0;
}

static int lca(const checker *ck, int a, int b)
{
    for (int x = a; x >= 0; x = parent_of(ck, x))
        if (is_ancestor_or_self(ck, x, b))
            return x;
    return ck->s->root_group;
}

static cs_ast *new_node(checker *ck, cs_ast_kind k, size_t off, size_t len)
{
    cs_ast *n = cs_arena_alloc(ck->arena, sizeof *n);
    n->kind = (uint8_t)k;
    n->off = off;
    n->len = len;
    return n;
}

static int new_slots(checker *ck, int n)
{
    int s = ck->nslots;
    ck->nslots += n;
    if (ck->nslots > MAX_SLOTS)
        ck->nslots = MAX_SLOTS;   /* reported once by the caller via too_complex */
    return s;
}

/* ---- registries in the rule set ---------------------------------------- */

static int add_path(checker *ck, int base, int target, size_t off)
{
    cs_gpath p = {{0}, 0};
    int chain[64], n = 0;
    for (int g = target; g != base && g >= 0 && n < 64; g = parent_of(ck, g))
        chain[n++] = g;
    if (n > (int)(sizeof p.groups / sizeof p.groups[0])) {
        err(ck, off, "groups are nested too deeply for a range of rows");
        return 0;
    }
    for (int i = 0; i < n; i++)
        p.groups[i] = (int16_t)chain[n - 1 - i];
    p.n = (uint8_t)n;
    cs_ruleset *rs = ck->rs;
    for (uint32_t i = 0; i < rs->npaths; i++)
        if (rs->paths[i].n == p.n && memcmp(rs->paths[i].groups, p.groups, sizeof p.groups) == 0)
            return (int)i;
    uint32_t k = CS_RS_PUSH(rs, rs->paths, rs->npaths, rs->paths_cap);
    rs->paths[k] = p;
    return (int)k;
}

static void note_field(checker *ck, int g, int f, int on_row)
{
    for (uint32_t i = 0; i < ck->nfields; i++)
        if (ck->fields[i].group == g && ck->fields[i].field == f) {
            ck->fields[i].on_row |= (uint8_t)on_row;
            return;
        }
    uint32_t k = CS_RS_PUSH(ck, ck->fields, ck->nfields, ck->fields_cap);
    ck->fields[k] = (cs_rule_field){g, f, 0, (uint8_t)on_row};
}

static void note_table(checker *ck, int t)
{
    for (uint32_t i = 0; i < ck->ntables; i++)
        if (ck->tables[i] == t)
            return;
    uint32_t k = CS_RS_PUSH(ck, ck->tables, ck->ntables, ck->tables_cap);
    ck->tables[k] = t;
}

/* ---- suggestions ------------------------------------------------------- */

static size_t edit_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > 64 || m > 64)
        return 99;
    size_t row[65];
    for (size_t j = 0; j <= m; j++)
        row[j] = j;
    for (size_t i = 1; i <= n; i++) {
        size_t prev = row[0];
        row[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t cur = row[j];
            char x = a[i - 1], y = b[j - 1];
            if (x >= 'A' && x <= 'Z')
                x = (char)(x - 'A' + 'a');
            if (y >= 'A' && y <= 'Z')
                y = (char)(y - 'A' + 'a');
            size_t best = prev + (x != y);
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            prev = cur;
        }
    }
    return row[m];
}

typedef struct {
    const char *best;
    size_t dist;
} suggest;

static void consider(suggest *sg, const char *want, const char *cand)
{
    size_t d = edit_distance(want, cand);
    size_t limit = strlen(want) / 3 + 1;
    if (d <= limit && d < sg->dist) {
        sg->best = cand;
        sg->dist = d;
    }
}

static const char *did_you_mean(checker *ck, const char *s)
{
    return s ? cs_arena_printf(ck->arena, " (did you mean %s?)", s) : "";
}

/* Which groups have a field of this name: "CINdetails, Section47". */
static const char *groups_with_field(checker *ck, const char *name)
{
    char buf[300];
    size_t w = 0;
    buf[0] = '\0';
    for (uint32_t g = 0; g < ck->s->ngroups; g++) {
        if (cs_ds_field_find(ck->s, (int)g, name) < 0)
            continue;
        int m = snprintf(buf + w, sizeof buf - w, "%s%s", w ? ", " : "", ck->s->groups[g].name);
        if (m < 0 || (size_t)m >= sizeof buf - w)
            break;
        w += (size_t)m;
    }
    return w ? cs_arena_strdup(ck->arena, buf) : NULL;
}

/* ---- expressions ------------------------------------------------------- */

static void check(checker *ck, cs_ast *n, mode m);

static const binding *find_binding(const checker *ck, const char *name)
{
    for (int i = ck->nbinds - 1; i >= 0; i--)
        if (ck->binds[i].name && strcmp(ck->binds[i].name, name) == 0)
            return &ck->binds[i];
    return NULL;
}

static const binding *implicit_row(const checker *ck)
{
    for (int i = ck->nbinds - 1; i >= 0; i--)
        if (!ck->binds[i].name)
            return &ck->binds[i];
    return NULL;
}

static int push_binding(checker *ck, const char *name, int ty, int grp, int ds, int slot,
                        size_t off)
{
    if (ck->nbinds == MAX_BINDS) {
        err(ck, off, "too many names in scope (at most %d)", MAX_BINDS);
        return 0;
    }
    ck->binds[ck->nbinds++] = (binding){name, (uint8_t)ty, (int16_t)grp, (uint8_t)ds, slot};
    return 1;
}

/* Group g of last year's return is read (with the groups above it, whose rows
 * lead to it): last year's reader can skip the tables no rule reads. */
static void note_last_group(checker *ck, int g)
{
    for (; g >= 0; g = parent_of(ck, g))
        if (g < 64)
            ck->last_groups |= (uint64_t)1 << g;
}

static void set_row(cs_ast *n, int grp, int ds)
{
    n->ty = TY_ROW;
    n->grp = (int16_t)grp;
    n->ds = (uint8_t)ds;
}

/* The row bare names refer to: the innermost implicit aggregate row, else the
 * rule's row; NULL at return level or inside a define. */
static cs_ast *context_row(checker *ck, const cs_ast *at)
{
    const binding *b = implicit_row(ck);
    if (b) {
        cs_ast *n = new_node(ck, A_LOCAL, at->off, at->len);
        n->ix = b->slot;
        set_row(n, b->grp, b->ds);
        if (b->ty == TY_ERR)
            n->ty = TY_ERR;
        return n;
    }
    if (ck->scope < 0 || ck->no_this)
        return NULL;
    cs_ast *n = new_node(ck, A_THIS, at->off, at->len);
    set_row(n, ck->scope, 0);
    return n;
}

/* rows of group g reached from the row `base` (NULL: the whole return) */
static void make_rows(checker *ck, cs_ast *n, cs_ast *base, int g)
{
    int pg = parent_of(ck, g);
    n->kind = A_MEMBER;
    n->op = M_ROWS;
    n->ty = TY_ROWS;
    n->grp = (int16_t)g;
    if (pg < 0) {   /* the root group itself */
        n->a = NULL;
        n->ix = -1;
        n->ds = base ? base->ds : 0;
        return;
    }
    if (!base) {
        base = new_node(ck, A_ROOT, n->off, n->len);
        set_row(base, ck->s->root_group, 0);
    }
    int b = lca(ck, base->grp, pg);
    n->a = base;
    n->ds = base->ds;
    if (n->ds == 1)
        note_last_group(ck, g);
    n->ix = b;
    n->ix2 = add_path(ck, b, g, n->off);
}

/* is this row expression the rule's row or reached upwards from it? */
static int on_rule_row(const cs_ast *n)
{
    while (n->kind == A_MEMBER && n->op == M_UP)
        n = n->a;
    return n->kind == A_THIS || (n->kind == A_HEADERROW && n->ds == 0);
}

static void make_field(checker *ck, cs_ast *n, cs_ast *row, int f)
{
    int g = row->grp;
    n->kind = A_MEMBER;
    n->op = M_FIELD;
    n->a = row;
    n->ix = f;
    n->ty = (uint8_t)field_type(ck->s->groups[g].fields[f].type);
    n->grp = row->grp;
    n->ds = row->ds;
    if (row->ds == 0)
        note_field(ck, g, f, on_rule_row(row));
    else
        note_last_group(ck, g);
}

static void make_up(checker *ck, cs_ast *n, cs_ast *row, int g)
{
    (void)ck;
    if (row->grp == g) {
        cs_ast keep = *row;
        size_t off = n->off, len = n->len;
        *n = keep;
        n->off = off;
        n->len = len;
        return;
    }
    n->kind = A_MEMBER;
    n->op = M_UP;
    n->a = row;
    set_row(n, g, row->ds);
    if (row->ds == 1)
        note_last_group(ck, g);
}

static void make_header(checker *ck, cs_ast *n, int ds)
{
    n->kind = A_HEADERROW;
    n->a = NULL;
    set_row(n, ck->s->header_group, ds);
    if (ds == 1)
        note_last_group(ck, ck->s->header_group);
}

/* a group name used from row `row` (NULL: no row); returns 1 if handled */
static int resolve_group(checker *ck, cs_ast *n, cs_ast *row, int g, mode m, const char *name,
                         size_t name_off)
{
    const cs_ds_schema *s = ck->s;
    if (row && is_ancestor_or_self(ck, g, row->grp)) {
        if (m == MODE_ROWS) {   /* siblings of that row: rows of g under its parent */
            make_rows(ck, n, row, g);
            return 1;
        }
        make_up(ck, n, row, g);
        return 1;
    }
    if (g == s->header_group && m == MODE_VALUE) {
        make_header(ck, n, row ? row->ds : 0);
        return 1;
    }
    if (m == MODE_ROWS) {
        make_rows(ck, n, row, g);
        return 1;
    }
    err(ck, name_off,
        "'%s' is a group of rows here, not one value: use an aggregate such as count(%s) or "
        "any(x in %s where ...), or one row: %s[1]",
        name, name, name, name);
    n->ty = TY_ERR;
    return 1;
}

static void check_define_call(checker *ck, cs_ast *n, const cs_define_ent *d, cs_ast **args,
                              uint32_t nargs);

static const cs_define_ent *find_define(const checker *ck, const char *name)
{
    for (uint32_t i = 0; i < ck->rs->ndefines; i++)
        if (strcmp(ck->rs->defines[i].name, name) == 0)
            return &ck->rs->defines[i];
    return NULL;
}

static void check_last(checker *ck, cs_ast *n)
{
    int cg = ck->s->child_group;
    if (ck->scope < 0 || cg < 0 || !is_ancestor_or_self(ck, cg, ck->scope)) {
        err(ck, n->off, "'%s' needs a rule on %s or a group below it: last year's return is "
                        "looked up by child",
            n->name ? n->name : "last", cg >= 0 ? ck->s->groups[cg].name : "the child group");
        n->ty = TY_ERR;
        return;
    }
    ck->uses_last = 1;
    n->kind = A_LAST;
    set_row(n, cg, 1);
    note_last_group(ck, cg);
}

static void unknown_name(checker *ck, cs_ast *n, const cs_ast *row)
{
    const char *name = n->name;
    suggest sg = {NULL, 99};
    const cs_ds_schema *s = ck->s;
    if (row) {
        const cs_ds_group *grp = &s->groups[row->grp];
        for (uint32_t f = 0; f < grp->nfields; f++)
            consider(&sg, name, grp->fields[f].name);
    }
    for (uint32_t g = 0; g < s->ngroups; g++)
        consider(&sg, name, s->groups[g].name);
    for (int i = 0; i < CTX_COUNT; i++)
        consider(&sg, name, ctx_names[i]);
    if (s->header_group >= 0) {
        const cs_ds_group *h = &s->groups[s->header_group];
        for (uint32_t f = 0; f < h->nfields; f++)
            consider(&sg, name, h->fields[f].name);
    }
    if (!sg.best)   /* a near miss of a field elsewhere in the schema */
        for (uint32_t g = 0; g < s->ngroups; g++)
            for (uint32_t f = 0; f < s->groups[g].nfields; f++)
                consider(&sg, name, s->groups[g].fields[f].name);
    for (int i = ck->nbinds - 1; i >= 0; i--)
        if (ck->binds[i].name)
            consider(&sg, name, ck->binds[i].name);
    const char *where = groups_with_field(ck, name);
    const char *gname = row ? s->groups[row->grp].name : NULL;
    const char *first = NULL;
    for (uint32_t g = 0; g < s->ngroups && !first; g++)
        if (cs_ds_field_find(s, (int)g, name) >= 0)
            first = s->groups[g].name;
    if (where && gname)
        err(ck, n->off, "'%s' is not a field of %s (it is a field of %s): write %s.%s, or "
                        "reach it through a row",
            name, gname, where, first, name);
    else if (where)
        err(ck, n->off, "'%s' needs a row: it is a field of %s; reach it through a row "
                        "(x.%s)", name, where, name);
    else if (gname)
        err(ck, n->off, "unknown name '%s': not a field of %s, a group or a context value%s",
            name, gname, did_you_mean(ck, sg.best));
    else
        err(ck, n->off, "unknown name '%s'%s", name, did_you_mean(ck, sg.best));
    n->ty = TY_ERR;
}

static void check_name(checker *ck, cs_ast *n, mode m)
{
    const char *name = n->name;
    const cs_ds_schema *s = ck->s;
    const binding *b = find_binding(ck, name);
    if (b) {
        n->kind = A_LOCAL;
        n->ix = b->slot;
        n->ty = b->ty;
        n->grp = b->grp;
        n->ds = b->ds;
        if (m == MODE_ROWS && b->ty == TY_ROW) {
            err(ck, n->off, "'%s' is one row, not a set of rows: write %s.Group for its rows",
                name, name);
            n->ty = TY_ERR;
        }
        return;
    }
    if (strcmp(name, "this") == 0) {
        if (ck->scope < 0 || ck->no_this) {
            err(ck, n->off, ck->no_this ? "a define has no 'this': pass the row as a parameter"
                                        : "'this' is not available in 'on return' rules");
            n->ty = TY_ERR;
            return;
        }
        n->kind = A_THIS;
        set_row(n, ck->scope, 0);
        return;
    }
    if (strcmp(name, "parent") == 0 || strcmp(name, "prev") == 0 || strcmp(name, "next") == 0) {
        cs_ast *row = context_row(ck, n);
        if (!row) {
            err(ck, n->off, "'%s' needs a row (there is none at return level or in a define)",
                name);
            n->ty = TY_ERR;
            return;
        }
        n->kind = A_MEMBER;
        n->a = row;
        n->ix3 = (int32_t)n->off;
        check(ck, n, m);
        return;
    }
    if (strcmp(name, "last") == 0) {
        check_last(ck, n);
        if (m == MODE_ROWS && n->ty == TY_ROW) {
            err(ck, n->off, "'last' is the child's row in last year's return; write "
                            "last.Group for a set of its rows");
            n->ty = TY_ERR;
        }
        return;
    }
    if (strcmp(name, "has_last") == 0) {
        cs_ast *l = new_node(ck, A_NAME, n->off, n->len);
        l->name = "has_last";
        check_last(ck, l);
        if (l->ty == TY_ERR) {
            n->ty = TY_ERR;
            return;
        }
        n->kind = A_CALL;
        n->name = "present";
        n->args = cs_arena_alloc(ck->arena, sizeof *n->args);
        n->args[0] = l;
        n->nargs = 1;
        n->ix = -2;
        n->ty = TY_BOOL;
        return;
    }
    cs_ast *row = context_row(ck, n);
    if (row && row->ty == TY_ERR) {   /* inside an aggregate over a bad source */
        n->ty = TY_ERR;
        return;
    }
    if (row) {
        int f = cs_ds_field_find(s, row->grp, name);
        if (f < 0 && row->kind == A_LOCAL && ck->scope >= 0 && !ck->no_this) {
            /* not a field of the implicit row: try the rule's row */
            cs_ast *t = new_node(ck, A_THIS, n->off, n->len);
            set_row(t, ck->scope, 0);
            int f2 = cs_ds_field_find(s, ck->scope, name);
            if (f2 >= 0) {
                make_field(ck, n, t, f2);
                return;
            }
        }
        if (f >= 0) {
            make_field(ck, n, row, f);
            return;
        }
    }
    for (int i = 0; i < CTX_COUNT; i++) {
        if (strcmp(name, ctx_names[i]) == 0) {
            n->kind = A_CONTEXT;
            n->ix = i;
            n->ty = i == CTX_LA ? TY_STR : i == CTX_COLLECTION_YEAR ? TY_INT : TY_DATE;
            return;
        }
    }
    if (s->header_group >= 0) {
        int f = cs_ds_field_find(s, s->header_group, name);
        if (f >= 0) {
            cs_ast *h = new_node(ck, A_HEADERROW, n->off, n->len);
            make_header(ck, h, 0);
            make_field(ck, n, h, f);
            return;
        }
    }
    int g = cs_ds_group_find(s, name);
    if (g >= 0 && resolve_group(ck, n, row, g, m, name, n->off))
        return;
    const cs_define_ent *d = find_define(ck, name);
    if (d) {
        check_define_call(ck, n, d, NULL, 0);
        return;
    }
    unknown_name(ck, n, row);
}

static void check_member(checker *ck, cs_ast *n, mode m)
{
    size_t name_off = n->ix3 ? (size_t)n->ix3 : n->off;
    if (n->a->kind < A_THIS)   /* not yet resolved */
        check(ck, n->a, MODE_VALUE);
    cs_ast *a = n->a;
    if (a->ty == TY_ERR) {
        n->ty = TY_ERR;
        return;
    }
    if (a->ty != TY_ROW) {
        err(ck, name_off, "'.%s' needs a row on its left; this is %s", n->name,
            type_name(a->ty));
        n->ty = TY_ERR;
        return;
    }
    const cs_ds_schema *s = ck->s;
    int X = a->grp;
    const char *name = n->name;
    if (strcmp(name, "parent") == 0) {
        int pg = parent_of(ck, X);
        if (pg < 0) {
            err(ck, name_off, "%s has no parent group", s->groups[X].name);
            n->ty = TY_ERR;
            return;
        }
        make_up(ck, n, a, pg);
        return;
    }
    if (strcmp(name, "prev") == 0 || strcmp(name, "next") == 0) {
        if (s->groups[X].order_field == CS_DS_UNORDERED) {
            err(ck, name_off, "'%s' needs an ordered group; %s has no order", name,
                s->groups[X].name);
            n->ty = TY_ERR;
            return;
        }
        n->op = name[0] == 'p' ? M_PREV : M_NEXT;
        set_row(n, X, a->ds);
        return;
    }
    int f = cs_ds_field_find(s, X, name);
    if (f >= 0) {
        if (m == MODE_ROWS) {
            err(ck, name_off, "'%s' is a field, not a group of rows", name);
            n->ty = TY_ERR;
            return;
        }
        make_field(ck, n, a, f);
        return;
    }
    int g = cs_ds_group_find(s, name);
    if (g >= 0) {
        if (g == s->header_group && !is_ancestor_or_self(ck, g, X)) {
            make_header(ck, n, a->ds);
            return;
        }
        resolve_group(ck, n, a, g, m, name, name_off);
        return;
    }
    suggest sg = {NULL, 99};
    for (uint32_t i = 0; i < s->groups[X].nfields; i++)
        consider(&sg, name, s->groups[X].fields[i].name);
    for (uint32_t i = 0; i < s->ngroups; i++)
        consider(&sg, name, s->groups[i].name);
    err(ck, name_off, "%s has no field or group '%s'%s", s->groups[X].name, name,
        did_you_mean(ck, sg.best));
    n->ty = TY_ERR;
}

static void require_bool(checker *ck, cs_ast *n, const char *what)
{
    if (n->ty != TY_BOOL && n->ty != TY_ERR) {
        err(ck, n->off, "%s needs true/false; this is %s", what, type_name(n->ty));
        n->ty = TY_ERR;
    }
}

static const char *op_text(int op)
{
    switch (op) {
    case TK_EQ: return "=";
    case TK_NE: return "!=";
    case TK_LT: return "<";
    case TK_LE: return "<=";
    case TK_GT: return ">";
    case TK_GE: return ">=";
    case TK_PLUS: return "+";
    case TK_MINUS: return "-";
    case TK_STAR: return "*";
    case TK_SLASH: return "/";
    case TK_PERCENT: return "%";
    default: return "?";
    }
}

static void check_bin(checker *ck, cs_ast *n)
{
    check(ck, n->a, MODE_VALUE);
    check(ck, n->b, MODE_VALUE);
    int ta = n->a->ty, tb = n->b->ty;
    size_t at = n->ix3 ? (size_t)n->ix3 : n->off;
    int cmp = n->op == TK_EQ || n->op == TK_NE || n->op == TK_LT || n->op == TK_LE ||
              n->op == TK_GT || n->op == TK_GE;
    if (cmp) {
        n->ty = TY_BOOL;
        if (ta == TY_ERR || tb == TY_ERR)
            return;
        int eq = n->op == TK_EQ || n->op == TK_NE;
        if (ta == TY_ROW && tb == TY_ROW && eq) {
            if (n->a->grp != n->b->grp) {
                err(ck, at, "comparing a row of %s with a row of %s: they are never the same",
                    ck->s->groups[n->a->grp].name, ck->s->groups[n->b->grp].name);
                n->ty = TY_ERR;
            }
            n->ix = CK_ROW;
            return;
        }
        if (ta != tb || !is_scalar(ta) || (!eq && ta == TY_BOOL)) {
            if (ta == tb && !eq)
                err(ck, at, "'%s' cannot order %s values", op_text(n->op), type_name(ta));
            else
                err(ck, at, "cannot compare %s with %s", type_name(ta), type_name(tb));
            n->ty = TY_ERR;
            return;
        }
        n->ix = ta == TY_STR ? CK_STR : ta == TY_BOOL ? CK_BOOL : CK_NUM;
        return;
    }
    if (ta == TY_ERR || tb == TY_ERR) {
        n->ty = TY_ERR;
        return;
    }
    if (ta == TY_INT && tb == TY_INT) {
        n->ty = TY_INT;
        n->ix = AK_INT;
        return;
    }
    if (n->op == TK_PLUS && ((ta == TY_DATE && tb == TY_INT) || (ta == TY_INT && tb == TY_DATE))) {
        if (ta == TY_INT) {   /* keep the date on the left */
            cs_ast *t = n->a;
            n->a = n->b;
            n->b = t;
        }
        n->ty = TY_DATE;
        n->ix = AK_DATE_INT;
        return;
    }
    if (n->op == TK_MINUS && ta == TY_DATE && tb == TY_INT) {
        n->ty = TY_DATE;
        n->ix = AK_DATE_INT;
        return;
    }
    if (n->op == TK_MINUS && ta == TY_DATE && tb == TY_DATE) {
        n->ty = TY_INT;
        n->ix = AK_DATE_DATE;
        return;
    }
    err(ck, at, "'%s' does not work on %s and %s", op_text(n->op), type_name(ta),
        type_name(tb));
    n->ty = TY_ERR;
}

static void check_in(checker *ck, cs_ast *n)
{
    check(ck, n->a, MODE_VALUE);
    n->ty = TY_BOOL;
    int ta = n->a->ty;
    size_t at = n->ix3 ? (size_t)n->ix3 : n->off;
    if (n->name) {   /* a code list or a reference table */
        int cl = cs_rs_codelist(ck->rs, n->name);
        if (cl >= 0) {
            n->op = IN_CODELIST;
            n->ix = cl;
        } else {
            int t = cs_rs_table(ck->rs, n->name, ck->errs);
            if (t < 0) {
                char known[400];
                size_t w = 0;
                known[0] = '\0';
                for (uint32_t i = 0; i < ck->rs->ncodelists && w < sizeof known - 40; i++) {
                    int k = snprintf(known + w, sizeof known - w, "%s%s", i ? ", " : "",
                                     ck->rs->codelists[i].name);
                    if (k > 0)
                        w += (size_t)k;
                }
                suggest sg = {NULL, 99};
                for (uint32_t i = 0; i < ck->rs->ncodelists; i++)
                    consider(&sg, n->name, ck->rs->codelists[i].name);
                err(ck, at, "unknown code list '%s'%s%s%s%s", n->name, did_you_mean(ck, sg.best),
                    w ? " (known: " : " (no code lists in codes/)", known, w ? ")" : "");
                n->ty = TY_ERR;
                return;
            }
            n->op = IN_TABLE;
            n->ix = t;
            note_table(ck, t);
        }
        if (ta != TY_STR && ta != TY_ERR) {
            err(ck, n->a->off, "'in %s' needs a string or code; this is %s", n->name,
                type_name(ta));
            n->ty = TY_ERR;
        }
        return;
    }
    /* an inline set */
    int ty = n->args[0]->kind == A_STR ? TY_STR : n->args[0]->kind == A_INT ? TY_INT : TY_DATE;
    cs_ruleset *rs = ck->rs;
    uint32_t k = CS_RS_PUSH(rs, rs->sets, rs->nsets, rs->sets_cap);
    cs_set *set = &rs->sets[k];
    memset(set, 0, sizeof *set);
    set->nums = cs_arena_alloc(&rs->arena, n->nargs * sizeof *set->nums);
    if (n->nargs <= CS_SET_SCAN_MAX)
        set->scan = cs_arena_alloc(&rs->arena, n->nargs * sizeof *set->scan);
    for (uint32_t i = 0; i < n->nargs; i++) {
        cs_ast *it = n->args[i];
        int ity = it->kind == A_STR ? TY_STR : it->kind == A_INT ? TY_INT : TY_DATE;
        if (ity != ty) {
            err(ck, it->off, "a set holds one kind of value: this is %s, the first is %s",
                type_name(ity), type_name(ty));
            n->ty = TY_ERR;
            continue;
        }
        if (ty == TY_STR) {
            cs_strmap_put(&set->strs, it->sval, i);
            if (set->scan)
                set->scan[set->nscan++] = it->sval;
        }
        else
            set->nums[set->nnums++] = (int32_t)it->ival;
    }
    n->op = IN_SET;
    n->ix = (int32_t)k;
    if (ta != TY_ERR && ta != ty && n->ty != TY_ERR) {
        err(ck, at, "%s cannot be in a set of %s", type_name(ta),
            ty == TY_STR ? "strings" : ty == TY_INT ? "numbers" : "dates");
        n->ty = TY_ERR;
    }
}

/* does the subtree read local slot `slot`? */
static int reads_slot(const cs_ast *n, int slot)
{
    if (!n)
        return 0;
    if (n->kind == A_LOCAL && n->ix == slot)
        return 1;
    if (reads_slot(n->a, slot) || reads_slot(n->b, slot) || reads_slot(n->c, slot))
        return 1;
    for (uint32_t i = 0; i < n->nargs; i++)
        if (reads_slot(n->args[i], slot))
            return 1;
    return 0;
}

/* count(x in G where x.F = v) over a whole return: use a hash index */
static void try_count_index(checker *ck, cs_ast *n, int binder)
{
    cs_ast *src = n->a, *w = n->b;
    if (n->op != AGG_COUNT || !w || w->kind != A_BIN || w->op != TK_EQ || w->ty != TY_BOOL)
        return;
    if (src->kind != A_MEMBER || src->op != M_ROWS || src->ds != 0)
        return;
    int whole = src->ix == -1 || src->ix == ck->s->root_group;
    if (!whole)
        return;
    cs_ast *fld = NULL, *val = NULL;
    if (w->a->kind == A_MEMBER && w->a->op == M_FIELD && w->a->a->kind == A_LOCAL &&
        w->a->a->ix == binder) {
        fld = w->a;
        val = w->b;
    } else if (w->b->kind == A_MEMBER && w->b->op == M_FIELD && w->b->a->kind == A_LOCAL &&
               w->b->a->ix == binder) {
        fld = w->b;
        val = w->a;
    }
    if (!fld || reads_slot(val, binder))
        return;
    cs_ruleset *rs = ck->rs;
    int id = -1;
    for (uint32_t i = 0; i < rs->neqindexes; i++)
        if (rs->eqindexes[i].group == src->grp && rs->eqindexes[i].field == fld->ix)
            id = (int)i;
    if (id < 0) {
        uint32_t k = CS_RS_PUSH(rs, rs->eqindexes, rs->neqindexes, rs->eqindexes_cap);
        rs->eqindexes[k] = (cs_eqindex_spec){src->grp, (int16_t)fld->ix, 0};
        id = (int)k;
    }
    n->neg = 1;   /* indexed */
    n->ix2 = id;
    n->c = val;
}

static void check_agg(checker *ck, cs_ast *n)
{
    int kind = n->op;
    if (ck->agg_depth >= MAX_AGG_DEPTH) {
        err(ck, n->off, "aggregates nest too deeply (at most %d inside each other)", MAX_AGG_DEPTH);
        n->ty = TY_ERR;
        return;
    }
    ck->agg_depth++;
    check(ck, n->a, MODE_ROWS);
    cs_ast *src = n->a;
    int ok = src->ty == TY_ROWS;
    if (!ok && src->ty != TY_ERR)
        err(ck, src->off, "%s(...) needs a set of rows (a group name, or row.Group); this is %s",
            cs_agg_name((cs_agg_kind)kind), type_name(src->ty));
    int slot = new_slots(ck, 3);
    n->ix = slot;
    int g = ok ? src->grp : 0;
    int pushed = push_binding(ck, n->name, TY_ROW, g, ok ? src->ds : 0, slot + 2,
                              n->ix3 ? (size_t)n->ix3 : n->off);
    if (!ok) /* names inside still resolve, against an arbitrary group: hide them */
        ck->binds[ck->nbinds - 1].ty = TY_ERR;
    if (n->b) {
        check(ck, n->b, MODE_VALUE);
        require_bool(ck, n->b, "'where'");
    } else if (kind == AGG_ALL) {
        err(ck, n->off, "all(...) needs a condition: all(x in Group where ...)");
    }
    int vt = TY_INT;
    if (n->c) {
        check(ck, n->c, MODE_VALUE);
        vt = n->c->ty;
        if (vt != TY_ERR) {
            if ((kind == AGG_MIN || kind == AGG_MAX) && vt != TY_INT && vt != TY_DATE &&
                vt != TY_STR)
                err(ck, n->c->off, "%s(...) needs numbers, dates or strings; this is %s",
                    cs_agg_name((cs_agg_kind)kind), type_name(vt));
            else if (kind == AGG_SUM && vt != TY_INT)
                err(ck, n->c->off, "sum(...) needs numbers; this is %s", type_name(vt));
            else if (kind == AGG_DISTINCT && !is_scalar(vt))
                err(ck, n->c->off, "distinct(...) needs values; this is %s", type_name(vt));
        }
    }
    if (pushed)
        ck->nbinds--;
    if (kind == AGG_COUNT || kind == AGG_SUM || kind == AGG_MIN || kind == AGG_MAX)
        n->ix3 = new_slots(ck, 1);   /* accumulator */
    switch (kind) {
    case AGG_COUNT:
    case AGG_SUM:
    case AGG_DISTINCT:
        n->ty = TY_INT;
        break;
    case AGG_ANY:
    case AGG_ALL:
    case AGG_NONE:
        n->ty = TY_BOOL;
        break;
    case AGG_FIRST:
    case AGG_FINAL:
        if (ok)
            set_row(n, g, src->ds);
        else
            n->ty = TY_ERR;
        break;
    default:
        n->ty = (uint8_t)vt;
        break;
    }
    if (!ok)
        n->ty = TY_ERR;
    if (ok && kind == AGG_DISTINCT) {
        cs_ruleset *rs = ck->rs;
        uint32_t k = CS_RS_PUSH(rs, rs->dsets, rs->ndsets, rs->dsets_cap);
        rs->dsets[k] = (int16_t)g;
        n->ix2 = (int32_t)k;
    }
    if (ok && kind == AGG_COUNT)
        try_count_index(ck, n, slot + 2);
    ck->agg_depth--;
}

static int param_ok(checker *ck, const cs_ast *a, char want)
{
    int t = a->ty;
    if (t == TY_ERR)
        return 1;
    switch (want) {
    case 'D': return t == TY_DATE;
    case 'I': return t == TY_INT;
    case 'S': return t == TY_STR;
    case 'B': return t == TY_BOOL;
    case 'X': return t == TY_BOOL || t == TY_STR;
    case '*': return is_scalar(t);
    default: (void)ck; return 1;
    }
}

static const char *param_desc(char want)
{
    switch (want) {
    case 'D': return "a date";
    case 'I': return "a number";
    case 'S': return "a string";
    case 'B': return "true/false";
    case 'X': return "true/false or a string";
    default: return "a value";
    }
}

static int arity(checker *ck, cs_ast *n, uint32_t lo, uint32_t hi)
{
    if (n->nargs < lo || n->nargs > hi) {
        if (lo == hi)
            err(ck, n->off, "%s(...) takes %u argument%s, not %u", n->name, lo, lo == 1 ? "" : "s",
                n->nargs);
        else
            err(ck, n->off, "%s(...) takes %u to %u arguments, not %u", n->name, lo, hi, n->nargs);
        n->ty = TY_ERR;
        return 0;
    }
    return 1;
}

static void check_special(checker *ck, cs_ast *n, int which)
{
    const char *name = n->name;
    if (which <= 3) {   /* present absent valid invalid */
        if (!arity(ck, n, 1, 1))
            return;
        check(ck, n->args[0], MODE_VALUE);
        int t = n->args[0]->ty;
        if (t != TY_ERR && !is_scalar(t) && !(t == TY_ROW && which <= 1))
            err(ck, n->args[0]->off, "%s(...) needs %s; this is %s", name,
                which <= 1 ? "a value or a row" : "a value", type_name(t));
        n->ix = -2 - which;
        n->ty = TY_BOOL;
        return;
    }
    if (strcmp(name, "if") == 0) {
        if (!arity(ck, n, 3, 3))
            return;
        for (int i = 0; i < 3; i++)
            check(ck, n->args[i], MODE_VALUE);
        require_bool(ck, n->args[0], "if(...)'s condition");
        int ta = n->args[1]->ty, tb = n->args[2]->ty;
        n->ix = -10;
        if (ta == TY_ERR || tb == TY_ERR) {
            n->ty = TY_ERR;
            return;
        }
        if (ta != tb || (ta == TY_ROW && n->args[1]->grp != n->args[2]->grp)) {
            err(ck, n->args[2]->off, "if(...) gives %s in one branch and %s in the other",
                type_name(ta), type_name(tb));
            n->ty = TY_ERR;
            return;
        }
        n->ty = (uint8_t)ta;
        n->grp = n->args[1]->grp;
        n->ds = n->args[1]->ds;
        return;
    }
    if (strcmp(name, "coalesce") == 0) {
        if (!arity(ck, n, 2, 16))
            return;
        int ty = TY_ERR;
        for (uint32_t i = 0; i < n->nargs; i++) {
            check(ck, n->args[i], MODE_VALUE);
            int t = n->args[i]->ty;
            if (t == TY_ERR)
                continue;
            if (!is_scalar(t)) {
                err(ck, n->args[i]->off, "coalesce(...) needs values; this is %s", type_name(t));
            } else if (ty == TY_ERR) {
                ty = t;
            } else if (t != ty) {
                err(ck, n->args[i]->off, "coalesce(...) mixes %s and %s", type_name(ty),
                    type_name(t));
            }
        }
        n->ix = -11;
        n->ty = (uint8_t)ty;
        return;
    }
    if (strcmp(name, "lookup") == 0) {
        n->ty = TY_STR;
        n->ix = -12;
        if (!arity(ck, n, 3, 3))
            return;
        cs_ast *ta = n->args[0], *col = n->args[2];
        if (ta->kind != A_NAME) {
            err(ck, ta->off, "lookup(table, key, column): the first argument is a table name");
            n->ty = TY_ERR;
            return;
        }
        int t = cs_rs_table(ck->rs, ta->name, ck->errs);
        if (t < 0) {
            err(ck, ta->off, "unknown reference table '%s' (tables are reference/<name>.tsv, "
                             "or declared in ruleset.yaml)", ta->name);
            n->ty = TY_ERR;
        }
        check(ck, n->args[1], MODE_VALUE);
        if (!param_ok(ck, n->args[1], 'S')) {
            err(ck, n->args[1]->off, "lookup(...)'s key is a string; this is %s",
                type_name(n->args[1]->ty));
            n->ty = TY_ERR;
        }
        const char *cname = col->kind == A_STR ? col->sval : col->kind == A_NAME ? col->name : NULL;
        if (!cname) {
            err(ck, col->off, "lookup(table, key, column): the column is a name or a quoted name");
            n->ty = TY_ERR;
            return;
        }
        if (t >= 0) {
            int c = cs_reftable_column(&ck->rs->tables[t], cname);
            if (c < 0) {
                err(ck, col->off, "reference table '%s' has no column '%s'", ta->name, cname);
                n->ty = TY_ERR;
                return;
            }
            note_table(ck, t);
            n->ix2 = t;
            n->ix3 = c;
        }
        return;
    }
    /* matches */
    n->ty = TY_BOOL;
    n->ix = -13;
    if (!arity(ck, n, 2, 2))
        return;
    check(ck, n->args[0], MODE_VALUE);
    if (!param_ok(ck, n->args[0], 'S')) {
        err(ck, n->args[0]->off, "matches(...) tests a string; this is %s",
            type_name(n->args[0]->ty));
        n->ty = TY_ERR;
    }
    cs_ast *pat = n->args[1];
    if (pat->kind != A_STR) {
        err(ck, pat->off, "matches(value, \"pattern\"): the pattern is a quoted text");
        n->ty = TY_ERR;
        return;
    }
    cs_pattern p;
    const char *why = NULL;
    size_t at = 0;
    if (!cs_pattern_compile(&p, pat->sval, &ck->rs->arena, &why, &at)) {
        err(ck, pat->off + 1 + at, "bad pattern: %s", why);
        n->ty = TY_ERR;
        return;
    }
    cs_ruleset *rs = ck->rs;
    uint32_t k = CS_RS_PUSH(rs, rs->patterns, rs->npatterns, rs->patterns_cap);
    rs->patterns[k] = p;
    if (p.nstates > rs->max_pattern_states)
        rs->max_pattern_states = p.nstates;
    n->ix2 = (int32_t)k;
}

static void check_call(checker *ck, cs_ast *n)
{
    const char *name = n->name;
    for (int i = 0; cs_special_forms[i]; i++)
        if (strcmp(name, cs_special_forms[i]) == 0) {
            check_special(ck, n, i);
            return;
        }
    const cs_define_ent *d = find_define(ck, name);
    if (d) {
        check_define_call(ck, n, d, n->args, n->nargs);
        return;
    }
    int b = cs_builtin_find(name);
    if (b < 0) {
        suggest sg = {NULL, 99};
        for (size_t i = 0; i < cs_nbuiltins; i++)
            consider(&sg, name, cs_builtins[i].name);
        for (int i = 0; cs_special_forms[i]; i++)
            consider(&sg, name, cs_special_forms[i]);
        for (int k = AGG_COUNT; k <= AGG_DISTINCT; k++)
            consider(&sg, name, cs_agg_name((cs_agg_kind)k));
        for (uint32_t i = 0; i < ck->rs->ndefines; i++)
            consider(&sg, name, ck->rs->defines[i].name);
        err(ck, n->off, "unknown function '%s'%s", name, did_you_mean(ck, sg.best));
        n->ty = TY_ERR;
        for (uint32_t i = 0; i < n->nargs; i++)
            check(ck, n->args[i], MODE_VALUE);
        return;
    }
    const cs_builtin *bi = &cs_builtins[b];
    uint32_t np = (uint32_t)strlen(bi->params);
    n->ix = b;
    if (!arity(ck, n, np, np)) {
        for (uint32_t i = 0; i < n->nargs; i++)
            check(ck, n->args[i], MODE_VALUE);
        return;
    }
    int bad = 0;
    for (uint32_t i = 0; i < np; i++) {
        check(ck, n->args[i], MODE_VALUE);
        char want = bi->params[i];
        if (want == '=') {
            int t0 = n->args[0]->ty, t = n->args[i]->ty;
            if (i == 0 && t != TY_ERR && t != TY_INT && t != TY_DATE && t != TY_STR) {
                err(ck, n->args[i]->off, "%s(...) needs numbers, dates or strings; this is %s",
                    name, type_name(t));
                bad = 1;
            } else if (i > 0 && t0 != TY_ERR && t != TY_ERR && t != t0) {
                err(ck, n->args[i]->off, "%s(...) mixes %s and %s", name, type_name(t0),
                    type_name(t));
                bad = 1;
            }
            continue;
        }
        if (!param_ok(ck, n->args[i], want)) {
            err(ck, n->args[i]->off, "argument %u of %s(...) is %s; this is %s", i + 1, name,
                param_desc(want), type_name(n->args[i]->ty));
            bad = 1;
        }
    }
    switch (bi->result) {
    case 'D': n->ty = TY_DATE; break;
    case 'I': n->ty = TY_INT; break;
    case 'S': n->ty = TY_STR; break;
    case 'B': n->ty = TY_BOOL; break;
    default: n->ty = np ? n->args[0]->ty : TY_ERR; break;
    }
    if (bad)
        n->ty = TY_ERR;
}

static void check_define_call(checker *ck, cs_ast *n, const cs_define_ent *d, cs_ast **args,
                              uint32_t nargs)
{
    const cs_ast_define *def = d->def;
    if (nargs != def->nparams) {
        err(ck, n->off, "%s takes %u argument%s, not %u", d->name, def->nparams,
            def->nparams == 1 ? "" : "s", nargs);
        n->ty = TY_ERR;
        return;
    }
    for (int i = 0; i < ck->nexpanding; i++)
        if (strcmp(ck->expanding[i], d->name) == 0) {
            err(ck, n->off, "define %s uses itself", d->name);
            n->ty = TY_ERR;
            return;
        }
    if (ck->nexpanding == MAX_EXPAND) {
        err(ck, n->off, "defines nest too deeply (at most %d)", MAX_EXPAND);
        n->ty = TY_ERR;
        return;
    }
    int bad = 0;
    for (uint32_t i = 0; i < nargs; i++) {
        check(ck, args[i], MODE_VALUE);
        if (args[i]->ty == TY_ERR)
            bad = 1;
        else if (args[i]->ty == TY_ROWS) {
            err(ck, args[i]->off, "pass a row or a value to %s, not a set of rows", d->name);
            bad = 1;
        }
    }
    if (bad) {
        n->ty = TY_ERR;
        return;
    }
    int slot = new_slots(ck, (int)(nargs ? nargs : 1));
    /* the body sees only its parameters, context values, the header and last */
    binding saved[MAX_BINDS];
    int nsaved = ck->nbinds;
    memcpy(saved, ck->binds, (size_t)nsaved * sizeof *saved);
    int saved_no_this = ck->no_this;
    const cs_rsrc *saved_src = ck->src;
    ck->nbinds = 0;
    ck->no_this = 1;
    ck->src = def->src;
    for (uint32_t i = 0; i < nargs; i++)
        push_binding(ck, def->params[i], args[i]->ty, args[i]->grp, args[i]->ds,
                     slot + (int)i, def->param_offs[i]);
    ck->expanding[ck->nexpanding++] = d->name;
    cs_ast *body = cs_ast_clone(ck->arena, def->body);
    check(ck, body, MODE_VALUE);
    ck->nexpanding--;
    ck->src = saved_src;
    ck->no_this = saved_no_this;
    ck->nbinds = nsaved;
    memcpy(ck->binds, saved, (size_t)nsaved * sizeof *saved);
    n->kind = A_DEFCALL;
    n->args = args;
    n->nargs = nargs;
    n->ix = slot;
    n->ix2 = (int32_t)(d - ck->rs->defines);   /* calls of one define share its memo */
    n->a = body;
    n->ty = body->ty;
    n->grp = body->grp;
    n->ds = body->ds;
}

static void check(checker *ck, cs_ast *n, mode m)
{
    if (!n)
        return;
    if (++ck->work > MAX_WORK) {
        if (!ck->too_big) {
            ck->too_big = 1;
            err(ck, n->off, "rule is too complex (its definitions expand to more than %d "
                            "parts)", MAX_WORK);
        }
        n->ty = TY_ERR;
        return;
    }
    switch (n->kind) {
    case A_INT:
        n->ty = TY_INT;
        break;
    case A_STR:
        n->ty = TY_STR;
        break;
    case A_DATE:
        n->ty = TY_DATE;
        break;
    case A_BOOL:
        n->ty = TY_BOOL;
        break;
    case A_NAME:
        check_name(ck, n, m);
        break;
    case A_MEMBER:
        if (n->op != M_UNRESOLVED)
            return;
        check_member(ck, n, m);
        break;
    case A_CALL:
        check_call(ck, n);
        break;
    case A_NEG:
        check(ck, n->a, MODE_VALUE);
        n->ty = n->a->ty == TY_INT ? TY_INT : TY_ERR;
        if (n->a->ty != TY_INT && n->a->ty != TY_ERR)
            err(ck, n->off, "'-' needs a number; this is %s", type_name(n->a->ty));
        break;
    case A_NOT:
        check(ck, n->a, MODE_VALUE);
        require_bool(ck, n->a, "'not'");
        n->ty = TY_BOOL;
        break;
    case A_AND:
    case A_OR:
        check(ck, n->a, MODE_VALUE);
        check(ck, n->b, MODE_VALUE);
        require_bool(ck, n->a, n->kind == A_AND ? "'and'" : "'or'");
        require_bool(ck, n->b, n->kind == A_AND ? "'and'" : "'or'");
        n->ty = TY_BOOL;
        break;
    case A_BIN:
        check_bin(ck, n);
        break;
    case A_IN:
        check_in(ck, n);
        break;
    case A_AGG:
        check_agg(ck, n);
        break;
    case A_INDEX:
        check(ck, n->a, MODE_ROWS);
        check(ck, n->b, MODE_VALUE);
        n->ix = new_slots(ck, 3);
        if (n->b->ty != TY_INT && n->b->ty != TY_ERR)
            err(ck, n->b->off, "a row number in [...] is a number; this is %s",
                type_name(n->b->ty));
        if (n->a->ty == TY_ROWS && n->b->ty == TY_INT)
            set_row(n, n->a->grp, n->a->ds);
        else
            n->ty = TY_ERR;
        break;
    default:
        break;   /* already resolved (define clones of resolved nodes do not occur) */
    }
    if (m == MODE_ROWS && n->ty != TY_ERR && n->ty != TY_ROWS) {
        err(ck, n->off, "expected a set of rows (a group name, or row.Group); this is %s",
            type_name(n->ty));
        n->ty = TY_ERR;
    }
}

/* ---- rules ------------------------------------------------------------- */

static void check_fields(checker *ck, const cs_ast_rule *r)
{
    const cs_ds_schema *s = ck->s;
    for (uint32_t i = 0; i < r->nfields; i++) {
        const cs_ast_fieldref *fr = &r->fields[i];
        int g = -1, f = -1;
        if (fr->group) {
            g = cs_ds_group_find(s, fr->group);
            if (g < 0) {
                err(ck, fr->off, "unknown group '%s' in fields", fr->group);
                continue;
            }
            f = cs_ds_field_find(s, g, fr->field);
            if (f < 0) {
                err(ck, fr->off, "%s has no field '%s'", s->groups[g].name, fr->field);
                continue;
            }
        } else {
            for (int x = ck->scope; x >= 0 && f < 0; x = parent_of(ck, x)) {
                f = cs_ds_field_find(s, x, fr->field);
                g = x;
            }
            if (f < 0 && s->header_group >= 0) {
                g = s->header_group;
                f = cs_ds_field_find(s, g, fr->field);
            }
            if (f < 0) {
                const char *where = groups_with_field(ck, fr->field);
                if (where)
                    err(ck, fr->off, "field '%s' is not on %s or above it; write Group.%s "
                                     "(it is a field of %s)",
                        fr->field, ck->scope >= 0 ? s->groups[ck->scope].name : "return level",
                        fr->field, where);
                else
                    err(ck, fr->off, "unknown field '%s'", fr->field);
                continue;
            }
        }
        int on_row = g == s->header_group || (ck->scope >= 0 && is_ancestor_or_self(ck, g, ck->scope));
        int dup = 0;
        for (uint32_t k = 0; k < ck->nfields; k++)
            if (ck->fields[k].group == g && ck->fields[k].field == f)
                dup = 1;
        if (dup)
            continue;
        uint32_t k = CS_RS_PUSH(ck, ck->fields, ck->nfields, ck->fields_cap);
        ck->fields[k] = (cs_rule_field){g, f, 1, (uint8_t)on_row};
    }
}

static cs_rule_severity severity_of(const char *s)
{
    if (strcmp(s, "query") == 0)
        return CS_RULE_QUERY;
    if (strcmp(s, "warning") == 0)
        return CS_RULE_WARNING;
    return CS_RULE_ERROR;
}

unsigned cs_check_rule(cs_ruleset *rs, const cs_ast_rule *r, cs_crule *out, cs_rule_errors *errs)
{
    checker ck;
    memset(&ck, 0, sizeof ck);
    ck.rs = rs;
    ck.s = rs->schema;
    ck.src = r->src;
    ck.errs = errs;
    ck.arena = &rs->arena;
    cs_rule *pub = &out->pub;
    pub->code = r->code;
    pub->mirrors = r->mirrors ? r->mirrors : r->code;
    pub->severity = severity_of(r->severity);
    pub->message = r->message;
    pub->explain = r->explain;
    pub->example = r->example;
    pub->scope = r->scope;
    pub->file = r->src->path;
    cs_rsrc_linecol(r->src, r->off, &pub->line, &pub->col);
    if (r->scope_return) {
        ck.scope = -1;
    } else {
        ck.scope = cs_ds_group_find(ck.s, r->scope);
        if (ck.scope < 0) {
            suggest sg = {NULL, 99};
            for (uint32_t g = 0; g < ck.s->ngroups; g++)
                consider(&sg, r->scope, ck.s->groups[g].name);
            err(&ck, r->scope_off, "unknown group '%s' in %s%s", r->scope, ck.s->name,
                did_you_mean(&ck, sg.best));
            return ck.nerrors;
        }
    }
    pub->group = ck.scope;
    check_fields(&ck, r);
    cs_rule_let *lets = cs_arena_alloc(&rs->arena, (r->nlets ? r->nlets : 1) * sizeof *lets);
    int *let_slots = cs_arena_alloc(&rs->arena, (r->nlets ? r->nlets : 1) * sizeof *let_slots);
    for (uint32_t i = 0; i < r->nlets; i++) {
        const cs_ast_let *l = &r->lets[i];
        check(&ck, l->expr, MODE_VALUE);
        int slot = new_slots(&ck, 1);
        let_slots[i] = slot;
        push_binding(&ck, l->name, l->expr->ty, l->expr->grp, l->expr->ds, slot, l->off);
        lets[i].name = l->name;
        lets[i].text = cs_ast_text(&rs->arena, r->src, l->expr);
        if (l->expr->ty == TY_ROWS)
            err(&ck, l->expr->off, "a let holds a value or a row, not a set of rows");
    }
    for (uint32_t i = 0; i < r->nwhens; i++) {
        check(&ck, r->whens[i], MODE_VALUE);
        require_bool(&ck, r->whens[i], "'when'");
    }
    for (uint32_t i = 0; i < r->nrequires; i++) {
        check(&ck, r->requires[i], MODE_VALUE);
        require_bool(&ck, r->requires[i], "'require'");
    }
    if (r->optional_last && !ck.uses_last)
        err(&ck, r->optional_off, "'optional last' but the rule does not read last year's return");
    if (ck.nslots >= MAX_SLOTS)
        err(&ck, r->off, "rule is too complex (more than %d local values)", MAX_SLOTS);
    /* public parts */
    pub->lets = lets;
    pub->nlets = r->nlets;
    out->let_slots = let_slots;
    if (r->nwhens) {
        char *t = cs_ast_text(&rs->arena, r->src, r->whens[0]);
        for (uint32_t i = 1; i < r->nwhens; i++)
            t = cs_arena_printf(&rs->arena, "%s and %s", t, cs_ast_text(&rs->arena, r->src, r->whens[i]));
        pub->when_text = t;
    }
    char *t = cs_ast_text(&rs->arena, r->src, r->requires[0]);
    for (uint32_t i = 1; i < r->nrequires; i++)
        t = cs_arena_printf(&rs->arena, "%s and %s", t, cs_ast_text(&rs->arena, r->src, r->requires[i]));
    pub->require_text = t;
    pub->last_groups = ck.last_groups;
    pub->last = !ck.uses_last ? CS_LAST_NONE
                              : r->optional_last ? CS_LAST_OPTIONAL : CS_LAST_REQUIRED;
    /* declared fields first, then those the checker added */
    cs_rule_field *fl = cs_arena_alloc(&rs->arena, (ck.nfields ? ck.nfields : 1) * sizeof *fl);
    uint32_t nf = 0;
    for (int pass = 1; pass >= 0; pass--)
        for (uint32_t i = 0; i < ck.nfields; i++)
            if (ck.fields[i].declared == pass && (pass || ck.fields[i].on_row))
                fl[nf++] = ck.fields[i];
    pub->fields = fl;
    pub->nfields = nf;
    const char **tl = cs_arena_alloc(&rs->arena, (ck.ntables ? ck.ntables : 1) * sizeof *tl);
    out->tables = cs_arena_alloc(&rs->arena, (ck.ntables ? ck.ntables : 1) * sizeof *out->tables);
    for (uint32_t i = 0; i < ck.ntables; i++) {
        tl[i] = rs->tables[ck.tables[i]].name;
        out->tables[i] = ck.tables[i];
    }
    pub->tables = tl;
    pub->ntables = ck.ntables;
    out->nlocals = (uint32_t)ck.nslots;
    free(ck.fields);
    free(ck.tables);
    return ck.nerrors;
}
