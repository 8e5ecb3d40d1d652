/* The stack VM: runs each compiled rule over every row of its group. All
 * memory a run needs (value stack, local slots, hash indexes for indexed
 * counts, distinct-value sets, pattern scratch, the last-year child map) is
 * set up once per run; evaluating a row only moves values around, and the
 * scratch arena for strings made by upper()/substr() is reset per row. */
#include <stdlib.h>
#include <string.h>

#include "rules/builtins.h"
#include "rules/internal.h"
#include "rules/profile.h"
#include "util/intern.h"

/* open-addressing table of values; used for indexed counts (count per
 * value) and distinct sets (stamp marks the entries of the current use) */
typedef struct {
    uint32_t stamp;
    uint8_t kind;
    int32_t i;
    const char *s;
    uint32_t count;
} vslot;

typedef struct {
    vslot *slots;
    size_t cap;      /* power of two */
    uint32_t stamp;
    uint32_t n;
} vtable;

typedef struct {
    cs_vval args[CS_MEMO_MAX_ARGS];
    char text[CS_MEMO_MAX_ARGS][24];   /* copies of short string arguments */
    cs_vval val;
    uint8_t nargs;
    uint8_t keyed;             /* args noted on a miss, value not yet known */
    uint8_t filled;
} memo_ent;

typedef struct {
    const cs_ruleset *rs;
    const cs_ds_schema *s;
    const cs_dataset *ds[2];
    cs_vval ctx[CTX_COUNT];
    cs_vval *stack;
    cs_vval *locals;
    cs_benv env;
    cs_arena scratch;
    uint32_t *pscratch;
    uint32_t *last_of_child;   /* child row -> last year's child row (UINT32_MAX: none) */
    vtable *eq;
    vtable *dsets;
    cs_vval *cache;            /* context-only values, computed once per run */
    uint8_t *cached;
    cs_arena runarena;         /* strings kept in the cache */
    memo_ent *memo;            /* per remembered define call */
    const cs_value **cells[2]; /* per dataset and group: the cell array */
    uint32_t *nfields;         /* per group */
    const cs_value *this_cells;
    int g;                     /* the rule's group, -1 at return level */
    uint32_t row;
    uint64_t prof_ops, prof_rows;   /* profile counters of the current evaluation */
    int last_g;                /* `last` worked out for this group and row (-2: not yet) */
    uint32_t last_at;
    cs_vval last;
    const cs_rule_sink *sink;
    const cs_crule *const *group_rules;   /* the rules of a group's program, by OP_RULE_END b */
} vm;

static inline int valid_kind(uint8_t k)
{
    return k == VK_DATE || k == VK_INT || k == VK_STR || k == VK_BOOL;
}

static inline int truthy(const cs_vval *v)
{
    return v->kind == VK_BOOL && v->i;
}

static inline cs_vval mk_bool(int b)
{
    cs_vval v = {VK_BOOL, 0, 0, b ? 1 : 0, NULL};
    return v;
}

static inline cs_vval mk_absent(void)
{
    cs_vval v = {VK_ABSENT, 0, 0, 0, NULL};
    return v;
}

static inline cs_vval mk_row(int ds, int g, uint32_t row)
{
    cs_vval v = {VK_ROW, (uint8_t)ds, (int16_t)g, (int32_t)row, NULL};
    return v;
}

static inline cs_vval mk_int(int32_t i)
{
    cs_vval v = {VK_INT, 0, 0, i, NULL};
    return v;
}

static inline cs_vval from_cell(const cs_value *c)
{
    cs_vval v = {c->kind, 0, 0, c->i, c->s};
    return v;
}

static inline cs_vval cell(const vm *m, int ds, int g, uint32_t row, int f)
{
    return from_cell(&m->cells[ds][g][(size_t)row * m->nfields[g] + (size_t)f]);
}

static inline cs_vval field_of(const vm *m, const cs_vval *r, int f)
{
    if (r->kind != VK_ROW)
        return mk_absent();
    return cell(m, r->ds, r->g, (uint32_t)r->i, f);
}

/* `last`: the rule row's child in last year's return, worked out once per row. */
static inline cs_vval last_row(vm *m)
{
    if (m->last_g == m->g && m->last_at == m->row)
        return m->last;
    cs_vval v = mk_absent();
    if (m->last_of_child && m->g >= 0) {
        uint32_t cr = cs_ds_child_row(m->ds[0], m->g, m->row);
        if (cr != UINT32_MAX && m->last_of_child[cr] != UINT32_MAX)
            v = mk_row(1, m->s->child_group, m->last_of_child[cr]);
    }
    m->last_g = m->g;
    m->last_at = m->row;
    m->last = v;
    return v;
}

/* ---- value tables ------------------------------------------------------ */

static uint32_t vhash(const cs_vval *v)
{
    if (v->kind == VK_STR)
        return cs_hash_bytes(v->s, strlen(v->s));
    uint32_t x = (uint32_t)v->i * 2654435761u;
    return x ^ (x >> 16) ^ v->kind;
}

static int veq(const vslot *e, const cs_vval *v)
{
    if (e->kind != v->kind)
        return 0;
    if (v->kind == VK_STR)
        return e->s == v->s || strcmp(e->s, v->s) == 0;
    return e->i == v->i;
}

static void vtable_init(vtable *t, size_t n)
{
    size_t cap = 16;
    while (cap < n * 2 + 2)
        cap *= 2;
    t->slots = cs_xcalloc(cap, sizeof *t->slots);
    t->cap = cap;
    t->stamp = 1;
    t->n = 0;
}

static vslot *vtable_slot(vtable *t, const cs_vval *v, int insert)
{
    size_t i = vhash(v) & (t->cap - 1);
    for (size_t probes = 0; probes < t->cap; probes++) {
        vslot *e = &t->slots[i];
        if (e->stamp != t->stamp) {
            if (!insert)
                return NULL;
            e->stamp = t->stamp;
            e->kind = v->kind;
            e->i = v->i;
            e->s = v->s;
            e->count = 0;
            t->n++;
            return e;
        }
        if (veq(e, v))
            return e;
        i = (i + 1) & (t->cap - 1);
    }
    return NULL;   /* full: cannot happen, tables hold twice their rows */
}

static void vtable_clear(vtable *t)
{
    if (++t->stamp == 0) {   /* wrapped: really clear */
        memset(t->slots, 0, t->cap * sizeof *t->slots);
        t->stamp = 1;
    }
    t->n = 0;
}

/* ---- navigation -------------------------------------------------------- */

static cs_vval row_up(const vm *m, cs_vval r, int target)
{
    if (r.kind != VK_ROW)
        return mk_absent();
    const cs_dataset *d = m->ds[r.ds];
    int g = r.g;
    uint32_t row = (uint32_t)r.i;
    while (g != target) {
        int pg = m->s->groups[g].parent;
        if (pg < 0)
            return mk_absent();
        row = d->rows[g].parent[row];
        g = pg;
    }
    return mk_row(r.ds, g, row);
}

static cs_vval row_step(const vm *m, cs_vval r, int dir)
{
    if (r.kind != VK_ROW)
        return mk_absent();
    const cs_dataset *d = m->ds[r.ds];
    const cs_ds_rows *rows = &d->rows[r.g];
    uint32_t lo = 0, hi = rows->count;
    if (m->s->groups[r.g].parent >= 0) {
        uint32_t p = rows->parent[r.i];
        lo = rows->child_start[p];
        hi = rows->child_start[p + 1];
    }
    int64_t n = (int64_t)r.i + dir;
    if (n < lo || n >= hi)
        return mk_absent();
    r.i = (int32_t)n;
    return r;
}

static void set_range(vm *m, cs_vval *loc, const cs_vval *base, const cs_gpath *p, int rev)
{
    int32_t lo = 0, hi = 0;
    int g = p->n ? p->groups[p->n - 1] : 0;
    int ds = base->ds;
    if (base->kind == VK_ROW) {
        const cs_dataset *d = m->ds[ds];
        uint32_t a = (uint32_t)base->i, b = a + 1;
        for (int k = 0; k < p->n; k++) {
            const uint32_t *cs = d->rows[p->groups[k]].child_start;
            a = cs[a];
            b = cs[b];
        }
        lo = (int32_t)a;
        hi = (int32_t)b;
    }
    loc[0] = mk_row(ds, g, 0);
    loc[0].i = rev ? hi - 1 : lo;
    loc[1] = mk_int(rev ? lo : hi);
}

/* ---- arithmetic and comparison ----------------------------------------- */

static cs_vval arith(int op, int kind, const cs_vval *a, const cs_vval *b)
{
    if (!valid_kind(a->kind) || !valid_kind(b->kind))
        return mk_absent();
    int64_t x = a->i, y = b->i, r;
    switch (op) {
    case TK_PLUS: r = x + y; break;
    case TK_MINUS: r = x - y; break;
    case TK_STAR: r = x * y; break;
    case TK_SLASH:
        if (!y)
            return mk_absent();
        r = x / y;
        break;
    case TK_PERCENT:
        if (!y)
            return mk_absent();
        r = x % y;
        break;
    default: return mk_absent();
    }
    if (r < INT32_MIN || r > INT32_MAX)
        return mk_absent();
    if (kind == AK_DATE_INT) {
        static cs_date lo, hi;
        if (!hi) {
            lo = cs_date_from_ymd(1, 1, 1);
            hi = cs_date_from_ymd(9999, 12, 31);
        }
        if (r < lo || r > hi)
            return mk_absent();
        cs_vval v = {VK_DATE, 0, 0, (int32_t)r, NULL};
        return v;
    }
    return mk_int((int32_t)r);
}

/* Text order as strcmp, without the call when the first bytes differ or
 * both are the same (interned) string. */
static inline int text_cmp(const char *a, const char *b)
{
    if (a == b)
        return 0;
    if (*a != *b)
        return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
    return strcmp(a, b);
}

static inline int compare(int op, int kind, const cs_vval *a, const cs_vval *b)
{
    int c;
    if (kind == CK_ROW) {
        if (a->kind != VK_ROW || b->kind != VK_ROW)
            return 0;
        int same = a->ds == b->ds && a->g == b->g && a->i == b->i;
        return op == TK_EQ ? same : op == TK_NE ? !same : 0;
    }
    if (!valid_kind(a->kind) || !valid_kind(b->kind))
        return 0;   /* absent or invalid: every comparison is false */
    if (kind == CK_STR)
        c = text_cmp(a->s, b->s);
    else
        c = a->i < b->i ? -1 : a->i > b->i;
    switch (op) {
    case TK_EQ: return c == 0;
    case TK_NE: return c != 0;
    case TK_LT: return c < 0;
    case TK_LE: return c <= 0;
    case TK_GT: return c > 0;
    case TK_GE: return c >= 0;
    }
    return 0;
}

/* `x in {...}` (IN_SET, set k) or `x in list` (IN_CODELIST, code list k);
 * negated for `not in`. Absent and invalid values are in nothing and not
 * outside anything either: false both ways. */
static inline int in_set(const cs_ruleset *rs, int how, int32_t k, uint8_t kind, int32_t i,
                         const char *s, int negated)
{
    int r = 0;
    if (how == IN_CODELIST) {
        if (kind != VK_STR)
            return 0;
        r = cs_codelist_has(&rs->codelists[k], s, strlen(s));
    } else {
        if (!valid_kind(kind))
            return 0;
        const cs_set *set = &rs->sets[k];
        if (kind == VK_STR && set->scan) {
            for (uint32_t n = 0; n < set->nscan && !r; n++)
                r = text_cmp(set->scan[n], s) == 0;
        } else if (kind == VK_STR) {
            uint32_t dummy;
            r = cs_strmap_get(&set->strs, s, strlen(s), &dummy);
        } else {
            for (uint32_t n = 0; n < set->nnums && !r; n++)
                r = set->nums[n] == i;
        }
    }
    return negated ? !r : r;
}

static int vless(const cs_vval *a, const cs_vval *b)
{
    if (a->kind == VK_STR)
        return strcmp(a->s, b->s) < 0;
    return a->i < b->i;
}

/* ---- the interpreter --------------------------------------------------- */

/* Strings may live in the row's scratch, whose addresses are reused, so
 * the memo keeps its own copy of a short string argument and compares text. */
static inline int memo_val(const cs_vval *v)
{
    return v->kind != VK_STR && v->kind != VK_INVALID && v->kind != VK_UNSET;
}

static inline int text_kind(uint8_t k) { return k == VK_STR || k == VK_INVALID; }

static inline int same_val(const cs_vval *a, const cs_vval *b)
{
    if (a->kind != b->kind)
        return 0;
    if (text_kind(a->kind))
        return a->s && b->s && text_cmp(a->s, b->s) == 0;
    return a->i == b->i && (a->kind != VK_ROW || (a->ds == b->ds && a->g == b->g));
}

/* The common memo hit, f(Child) or f(this): one row argument, the same row. */
static inline int same_row_arg(const memo_ent *e, const cs_vval *arg)
{
    const cs_vval *k = &e->args[0];
    return e->filled && e->nargs == 1 && arg->kind == VK_ROW && k->kind == VK_ROW &&
           k->i == arg->i && k->g == arg->g && k->ds == arg->ds;
}

static inline int same_args(const memo_ent *e, const cs_vval *args, uint32_t n)
{
    if (!e->filled || e->nargs != n)
        return 0;
    for (uint32_t i = 0; i < n; i++)
        if (!same_val(&e->args[i], &args[i]))
            return 0;
    return 1;
}

/* A miss: keep the keys until the body's value is known. */
static void note_args(memo_ent *e, const cs_vval *args, uint32_t n)
{
    e->filled = 0;
    e->keyed = 0;
    for (uint32_t i = 0; i < n; i++) {
        cs_vval a = args[i];
        if (a.kind == VK_UNSET)
            return;
        if (text_kind(a.kind)) {
            size_t len = a.s ? strlen(a.s) : sizeof e->text[i];
            if (len >= sizeof e->text[i])
                return;
            memcpy(e->text[i], a.s, len + 1);
            a.s = e->text[i];
        }
        e->args[i] = a;
    }
    e->nargs = (uint8_t)n;
    e->keyed = 1;
}

static void remember(memo_ent *e, const cs_vval *v)
{
    if (e->keyed && memo_val(v)) {
        e->val = *v;
        e->filled = 1;
    }
    e->keyed = 0;
}

/* The interpreter, twice: eval() for plain runs, eval_counting() for the
 * profile (counts instructions and aggregate rows in m->prof_*). */
#define VM_RUN_NAME eval
#define VM_COUNTING 0
#include "rules/vm_run.h"
#define VM_RUN_NAME eval_counting
#define VM_COUNTING 1
#include "rules/vm_run.h"

/* eval() for the profile: counts and times into the rule's cost */
static int eval_profiled(vm *m, const cs_crule *r, cs_rule_cost *c)
{
    m->prof_ops = m->prof_rows = 0;
    uint64_t t0 = cs_rules_profile_now_ns();
    int fired = eval_counting(m, r->code);
    c->ns += cs_rules_profile_now_ns() - t0;
    c->evals++;
    c->fires += (uint64_t)fired;
    c->ops += m->prof_ops;
    c->rows += m->prof_rows;
    return fired;
}

/* ---- runs -------------------------------------------------------------- */

/* Empties p and gives it one zeroed cost per runnable rule, named by copies
 * of the rule's code and scope (the profile outlives the rule set). */
static cs_rule_cost *profile_start(cs_rules_profile *p, const cs_crule *const *runnable,
                                   size_t nrun)
{
    cs_rules_profile_free(p);
    size_t len = 1;
    for (size_t k = 0; k < nrun; k++)
        len += strlen(runnable[k]->pub.code) +
               strlen(runnable[k]->pub.scope ? runnable[k]->pub.scope : "") + 2;
    p->names = cs_xmalloc(len);
    p->costs = cs_xcalloc(nrun + 1, sizeof *p->costs);
    p->n = nrun;
    char *at = p->names;
    for (size_t k = 0; k < nrun; k++) {
        const char *name[2] = {runnable[k]->pub.code,
                               runnable[k]->pub.scope ? runnable[k]->pub.scope : ""};
        const char **slot[2] = {&p->costs[k].code, &p->costs[k].scope};
        for (int i = 0; i < 2; i++) {
            size_t n = strlen(name[i]) + 1;
            memcpy(at, name[i], n);
            *slot[i] = at;
            at += n;
        }
    }
    return p->costs;
}

/* The rules of a group as one program, so a row costs one call rather than
 * one per rule: each rule's code in turn, addresses moved, each of its
 * returns turned into RULE_END (report, then jump to the next rule's code).
 * malloc'd. */
static cs_instr *group_program(const cs_crule *const *rules, size_t n)
{
    size_t len = 1;
    for (size_t k = 0; k < n; k++)
        len += rules[k]->ncode;
    cs_instr *p = cs_xmalloc(len * sizeof *p);
    uint32_t at = 0;
    for (size_t k = 0; k < n; k++) {
        const cs_crule *r = rules[k];
        uint32_t start = at, next = start + r->ncode;
        for (uint32_t i = 0; i < r->ncode; i++) {
            cs_instr in = r->code[i];
            char t = cs_op_target((cs_opcode)in.op);
            if (t == 'a')
                in.a += (int32_t)start;
            else if (t == 'b')
                in.b += (int32_t)start;
            if (in.op == OP_RET_BOOL)
                in = (cs_instr){OP_RULE_END, (uint8_t)in.a, 0, 0, (int32_t)next, (int32_t)k, 0};
            p[at++] = in;
        }
    }
    p[at] = (cs_instr){OP_GROUP_END, 0, 0, 0, 0, 0, 0};
    /* a jump to a rule's "passed" end goes straight to the next rule: the
     * scratch can wait for the next reset, and the stack is empty there for
     * every jump that pops its operand (not for those that leave a value:
     * they keep going through RULE_END, which resets the stack) */
    for (uint32_t i = 0; i < at; i++) {
        cs_opcode op = (cs_opcode)p[i].op;
        char t = cs_op_target(op);
        int32_t *to = t == 'a' ? &p[i].a : t == 'b' ? &p[i].b : NULL;
        int leaves_value = op == OP_AND_JF || op == OP_OR_JT || op == OP_CACHED ||
                           op == OP_LET || op == OP_MEMO;
        if (to && !leaves_value && op != OP_RULE_END && p[*to].op == OP_RULE_END && !p[*to].u)
            *to = p[*to].a;
    }
    return p;
}

static cs_vval date_val(cs_date d)
{
    cs_vval v = {d == CS_DATE_NONE ? VK_ABSENT : VK_DATE, 0, 0, d == CS_DATE_NONE ? 0 : d, NULL};
    return v;
}

static void build_eq_index(vm *m, vtable *t, const cs_eqindex_spec *sp)
{
    const cs_dataset *d = m->ds[0];
    uint32_t n = d->rows[sp->group].count;
    vtable_init(t, n);
    for (uint32_t r = 0; r < n; r++) {
        cs_vval v = cell(m, 0, sp->group, r, sp->field);
        if (!valid_kind(v.kind))
            continue;
        vslot *e = vtable_slot(t, &v, 1);
        if (e)
            e->count++;
    }
}

static void vm_free(vm *m)
{
    free(m->stack);
    free(m->locals);
    free(m->pscratch);
    free(m->last_of_child);
    if (m->eq)
        for (uint32_t i = 0; i < m->rs->neqindexes; i++)
            free(m->eq[i].slots);
    free(m->eq);
    if (m->dsets)
        for (uint32_t i = 0; i < m->rs->ndsets; i++)
            free(m->dsets[i].slots);
    free(m->dsets);
    free(m->cache);
    free(m->cached);
    free(m->memo);
    free(m->cells[0]);
    free(m->cells[1]);
    free(m->nfields);
    cs_arena_free(&m->runarena);
    cs_arena_free(&m->scratch);
}

static const char *missing_table(const cs_ruleset *rs, const cs_crule *r)
{
    for (uint32_t i = 0; i < r->pub.ntables; i++)
        if (!rs->tables[r->tables[i]].loaded)
            return rs->tables[r->tables[i]].name;
    return NULL;
}

cs_status cs_rules_run(const cs_ruleset *rs, const cs_dataset *ds, const cs_rules_context *ctx,
                       const cs_rule_sink *sink, cs_diag *d)
{
    if (ds->schema != rs->schema)
        return cs_diag_set(d, CS_ERR_CONFIG, NULL, 0, 0,
                           "the rule set is for %s data, the dataset is %s", rs->schema->name,
                           ds->schema->name);
    if (!ds->finalized)
        return cs_diag_set(d, CS_ERR_INTERNAL, NULL, 0, 0, "dataset is not finalized");
    if (ctx->last && (ctx->last->schema != rs->schema || !ctx->last->finalized))
        return cs_diag_set(d, CS_ERR_CONFIG, NULL, 0, 0,
                           "last year's return must be a finalized %s dataset", rs->schema->name);
    vm m;
    memset(&m, 0, sizeof m);
    m.rs = rs;
    m.s = rs->schema;
    m.sink = sink;
    m.last_g = -2;
    m.ds[0] = ds;
    m.ds[1] = ctx->last;
    m.ctx[CTX_REFERENCE_DATE] = date_val(ctx->reference_date);
    m.ctx[CTX_COLLECTION_START] = date_val(ctx->collection_start);
    m.ctx[CTX_COLLECTION_END] = date_val(ctx->collection_end);
    m.ctx[CTX_COLLECTION_YEAR] = ctx->collection_year ? mk_int(ctx->collection_year) : mk_absent();
    m.ctx[CTX_LA] = mk_absent();
    if (ctx->la && *ctx->la) {
        m.ctx[CTX_LA].kind = VK_STR;
        m.ctx[CTX_LA].s = ctx->la;
    }
    uint32_t ng = m.s->ngroups;
    m.nfields = cs_xcalloc(ng ? ng : 1, sizeof *m.nfields);
    for (int k = 0; k < 2; k++) {
        m.cells[k] = cs_xcalloc(ng ? ng : 1, sizeof *m.cells[k]);
        for (uint32_t g = 0; g < ng && m.ds[k]; g++)
            m.cells[k][g] = m.ds[k]->rows[g].cells;
    }
    for (uint32_t g = 0; g < ng; g++)
        m.nfields[g] = m.s->groups[g].nfields;
    m.cache = cs_xcalloc(rs->ncaches + 1, sizeof *m.cache);
    m.cached = cs_xcalloc(rs->ncaches + 1, 1);
    m.memo = cs_xcalloc(rs->nmemos + 1, sizeof *m.memo);
    cs_arena_init(&m.runarena, 4096);
    m.stack = cs_xcalloc(rs->max_stack + 8, sizeof *m.stack);
    m.locals = cs_xcalloc(rs->max_locals + 4, sizeof *m.locals);
    cs_arena_init(&m.scratch, 16 * 1024);
    m.env.cal = ctx->calendar;
    m.env.period_start = ctx->collection_start;
    m.env.period_end = ctx->collection_end;
    m.env.scratch = &m.scratch;
    m.pscratch = cs_xcalloc(5 * (size_t)rs->max_pattern_states + 8, sizeof *m.pscratch);
    if (rs->neqindexes) {
        m.eq = cs_xcalloc(rs->neqindexes, sizeof *m.eq);
        for (uint32_t i = 0; i < rs->neqindexes; i++)
            build_eq_index(&m, &m.eq[i], &rs->eqindexes[i]);
    }
    if (rs->ndsets) {
        m.dsets = cs_xcalloc(rs->ndsets, sizeof *m.dsets);
        for (uint32_t i = 0; i < rs->ndsets; i++) {
            int g = rs->dsets[i];
            uint32_t n = ds->rows[g].count;
            if (ctx->last && ctx->last->rows[g].count > n)
                n = ctx->last->rows[g].count;
            vtable_init(&m.dsets[i], n);
        }
    }
    int cg = m.s->child_group;
    if (ctx->last && cg >= 0) {
        cs_ds_index *ix = cs_ds_index_build(ctx->last);
        uint32_t n = ds->rows[cg].count;
        m.last_of_child = cs_xmalloc(((size_t)n + 1) * sizeof *m.last_of_child);
        for (uint32_t r = 0; r < n; r++)
            m.last_of_child[r] = cs_ds_index_find(ix, cs_ds_child_id(ds, cg, r));
        cs_ds_index_free(ix);
    }
    /* which rules run: the others are reported once */
    const cs_crule **runnable = cs_xmalloc((rs->nrules + 1) * sizeof *runnable);
    size_t nrun = 0;
    for (size_t k = 0; k < rs->nrules; k++) {
        const cs_crule *r = rs->rules[k];
        if (r->pub.last == CS_LAST_REQUIRED && !ctx->last) {
            if (sink->not_run)
                sink->not_run(sink->user, &r->pub, "not run: needs last year's return");
            continue;
        }
        const char *mt = missing_table(rs, r);
        if (mt) {
            if (sink->not_run) {
                char *why = cs_arena_printf(&m.scratch, "not run: needs reference table %s", mt);
                sink->not_run(sink->user, &r->pub, why);
            }
            continue;
        }
        runnable[nrun++] = r;
    }
    /* with a profile asked for, each runnable rule's cost, by its runnable index */
    cs_rule_cost *costs = NULL;
    if (ctx->profile)
        costs = profile_start(ctx->profile, runnable, nrun);
    /* return-level rules once; then group by group, row by row, every rule of
     * the group on the row while it is in cache */
    m.g = -1;
    m.row = 0;
    for (size_t k = 0; k < nrun; k++) {
        if (runnable[k]->pub.group >= 0)
            continue;
        int fired = costs ? eval_profiled(&m, runnable[k], &costs[k]) : eval(&m, runnable[k]->code);
        if (fired && sink->finding)
            sink->finding(sink->user, &runnable[k]->pub, m.s->root_group, 0);
    }
    const cs_crule **of_group = cs_xmalloc((nrun + 1) * sizeof *of_group);
    size_t *of_group_ix = cs_xmalloc((nrun + 1) * sizeof *of_group_ix);
    for (uint32_t g = 0; g < ng; g++) {
        size_t nr = 0;
        for (size_t k = 0; k < nrun; k++)
            if (runnable[k]->pub.group == (int)g) {
                of_group_ix[nr] = k;
                of_group[nr++] = runnable[k];
            }
        if (!nr)
            continue;
        uint32_t n = ds->rows[g].count, nf = m.nfields[g];
        m.g = (int)g;
        if (costs) {   /* rule by rule, timed */
            for (uint32_t row = 0; row < n; row++) {
                m.row = row;
                m.this_cells = ds->rows[g].cells + (size_t)row * nf;
                for (size_t k = 0; k < nr; k++)
                    if (eval_profiled(&m, of_group[k], &costs[of_group_ix[k]]) && sink->finding)
                        sink->finding(sink->user, &of_group[k]->pub, (int)g, row);
            }
            continue;
        }
        cs_instr *prog = group_program(of_group, nr);
        m.group_rules = of_group;
        for (uint32_t row = 0; row < n; row++) {
            m.row = row;
            m.this_cells = ds->rows[g].cells + (size_t)row * nf;
            eval(&m, prog);
        }
        free(prog);
    }
    free(of_group_ix);
    free(of_group);
    free(runnable);
    vm_free(&m);
    return CS_OK;
}

void cs_rules_context_init(cs_rules_context *c, const cs_ruleset *rs)
{
    memset(c, 0, sizeof *c);
    c->collection_start = rs->period_start;
    c->collection_end = rs->period_end;
    c->reference_date = rs->period_end;
    if (rs->period_end != CS_DATE_NONE) {
        int y, mo, dd;
        cs_date_to_ymd(rs->period_end, &y, &mo, &dd);
        c->collection_year = y;
    }
    c->calendar = rs->calendar;
}

/* ---- the array sink ---------------------------------------------------- */

void cs_rule_hits_init(cs_rule_hits *h)
{
    memset(h, 0, sizeof *h);
}

void cs_rule_hits_free(cs_rule_hits *h)
{
    free(h->items);
    free((void *)h->not_run);
    for (size_t i = 0; i < h->nnot_run; i++)
        free((void *)h->not_run_reason[i]);
    free((void *)h->not_run_reason);
    memset(h, 0, sizeof *h);
}

static void hits_finding(void *user, const cs_rule *rule, int group, uint32_t row)
{
    cs_rule_hits *h = user;
    if (h->count == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 256;
        h->items = cs_xrealloc(h->items, h->cap * sizeof *h->items);
    }
    h->items[h->count++] = (cs_rule_hit){rule, group, row};
}

static void hits_not_run(void *user, const cs_rule *rule, const char *reason)
{
    cs_rule_hits *h = user;
    if (h->nnot_run == h->not_run_cap) {
        h->not_run_cap = h->not_run_cap ? h->not_run_cap * 2 : 16;
        h->not_run = cs_xrealloc((void *)h->not_run, h->not_run_cap * sizeof *h->not_run);
        h->not_run_reason =
            cs_xrealloc((void *)h->not_run_reason, h->not_run_cap * sizeof *h->not_run_reason);
    }
    h->not_run[h->nnot_run] = rule;
    h->not_run_reason[h->nnot_run] = cs_xstrdup(reason);
    h->nnot_run++;
}

cs_rule_sink cs_rule_hits_sink(cs_rule_hits *h)
{
    cs_rule_sink s = {hits_finding, hits_not_run, h};
    return s;
}
