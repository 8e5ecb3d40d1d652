/* The compiler: checked syntax trees to bytecode for the stack VM. Each
 * rule becomes one program that leaves true on the stack when the rule
 * fails for the row (its `when` clauses hold and a `require` does not).
 * Aggregates compile to loops over a range of rows kept in local slots, so
 * running a rule never allocates. */
#include <stdlib.h>
#include <string.h>

#include "rules/builtins.h"
#include "rules/internal.h"

typedef struct {
    cs_ruleset *rs;
    cs_instr *code;
    uint32_t n, cap;
    int depth, max_depth;
    const cs_ast_rule *rule;   /* its lets are worked out where first used */
    const int *let_slots;
} emitter;

static uint32_t emit(emitter *e, cs_opcode op, int32_t a, int32_t b, int u, int delta)
{
    if (e->n == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 64;
        e->code = cs_xrealloc(e->code, e->cap * sizeof *e->code);
    }
    e->code[e->n] = (cs_instr){(uint8_t)op, (uint8_t)u, 0, 0, a, b, 0};
    e->depth += delta;
    if (e->depth > e->max_depth)
        e->max_depth = e->depth;
    return e->n++;
}

static uint32_t here(const emitter *e) { return e->n; }

static void patch_a(emitter *e, uint32_t at, uint32_t target) { e->code[at].a = (int32_t)target; }
static void patch_b(emitter *e, uint32_t at, uint32_t target) { e->code[at].b = (int32_t)target; }

static int add_const(cs_ruleset *rs, cs_vval v)
{
    for (uint32_t i = 0; i < rs->nconsts; i++) {
        const cs_vval *c = &rs->consts[i];
        if (c->kind == v.kind && c->i == v.i &&
            (c->s == v.s || (c->s && v.s && strcmp(c->s, v.s) == 0)))
            return (int)i;
    }
    uint32_t k = CS_RS_PUSH(rs, rs->consts, rs->nconsts, rs->consts_cap);
    rs->consts[k] = v;
    return (int)k;
}

/* The constant of a string or date literal. */
static int literal(emitter *e, const cs_ast *n)
{
    if (n->kind == A_STR)
        return add_const(e->rs, (cs_vval){VK_STR, 0, 0, 0, n->sval});
    return add_const(e->rs, (cs_vval){VK_DATE, 0, 0, (int32_t)n->ival, NULL});
}

static void expr(emitter *e, const cs_ast *n);

/* A local: a let is worked out on its first use in the row, so a let that
 * only a `require` reads costs nothing on rows the `when` skips. */
static void load_local(emitter *e, int slot)
{
    const cs_ast_rule *r = e->rule;
    for (uint32_t k = 0; r && k < r->nlets; k++) {
        if (e->let_slots[k] != slot)
            continue;
        uint32_t at = emit(e, OP_LET, slot, 0, 0, 1);
        e->depth--;   /* the worked-out path pushes; the computing path pushes too */
        expr(e, r->lets[k].expr);
        emit(e, OP_LET_SET, slot, 0, 0, 0);
        patch_b(e, at, here(e));
        return;
    }
    emit(e, OP_LOAD, slot, 0, 0, 1);
}

static int is_let_slot(const emitter *e, int slot)
{
    for (uint32_t k = 0; e->rule && k < e->rule->nlets; k++)
        if (e->let_slots[k] == slot)
            return 1;
    return 0;
}

/* Whether a define body reads `last` (the rule row's child in last year's
 * return): then its value is not a function of its arguments alone. */
static int reads_last(const cs_ast *n)
{
    if (!n)
        return 0;
    if (n->kind == A_LAST)
        return 1;
    if (reads_last(n->a) || reads_last(n->b) || reads_last(n->c))
        return 1;
    for (uint32_t i = 0; i < n->nargs; i++)
        if (reads_last(n->args[i]))
            return 1;
    return 0;
}

static void define_call(emitter *e, const cs_ast *n)
{
    /* a body reading `last` depends on the rule row's child too: its memo
     * is keyed by `last` as well */
    int with_last = reads_last(n->a);
    uint32_t nkeys = n->nargs + (uint32_t)with_last;
    if (nkeys == 0 || nkeys > CS_MEMO_MAX_ARGS) {
        for (uint32_t i = 0; i < n->nargs; i++) {
            expr(e, n->args[i]);
            emit(e, OP_STORE, n->ix + (int32_t)i, 0, 0, -1);
        }
        expr(e, n->a);
        return;
    }
    /* the keys on the stack; the memo answers, or they go to the slots */
    for (uint32_t i = 0; i < n->nargs; i++)
        expr(e, n->args[i]);
    if (with_last)
        emit(e, OP_LAST, 0, 0, 0, 1);
    int32_t memo = n->ix2;
    if ((uint32_t)memo >= e->rs->nmemos)
        e->rs->nmemos = (uint32_t)memo + 1;
    uint32_t at = emit(e, OP_MEMO, memo, 0, (int)nkeys, 0);
    if (with_last)
        emit(e, OP_POP, 0, 0, 0, -1);
    for (uint32_t i = n->nargs; i-- > 0;)
        emit(e, OP_STORE, n->ix + (int32_t)i, 0, 0, -1);
    expr(e, n->a);
    emit(e, OP_MEMO_SET, memo, 0, 0, 0);
    patch_b(e, at, here(e));
}

/* ---- conditions compiled to jumps ------------------------------------------ */

/* Jumps whose target is not known yet, chained through their `a` fields:
 * the list is the index of its last jump + 1, 0 when empty. */
typedef uint32_t jumps;

static jumps add_jump(emitter *e, jumps l, uint32_t at)
{
    e->code[at].a = (int32_t)l;
    return at + 1;
}

static void patch_jumps(emitter *e, jumps l, uint32_t target)
{
    while (l) {
        uint32_t at = l - 1;
        l = (jumps)e->code[at].a;
        e->code[at].a = (int32_t)target;
    }
}

static jumps join_jumps(emitter *e, jumps a, jumps b)
{
    if (!b)
        return a;
    uint32_t at = b - 1;
    while (e->code[at].a)
        at = (uint32_t)e->code[at].a - 1;
    e->code[at].a = (int32_t)a;
    return b;
}

static int is_cmp(int op)
{
    return op == TK_EQ || op == TK_NE || op == TK_LT || op == TK_LE || op == TK_GT || op == TK_GE;
}

static int worth_caching(const cs_ast *n);

/* A field of the rule's own row (read in place by the fused tests). */
static int this_field(const cs_ast *n)
{
    return n->kind == A_MEMBER && n->op == M_FIELD && n->a->kind == A_THIS && !worth_caching(n);
}

/* Code that jumps when the condition's truth (true, not absent) is `when`
 * and falls through otherwise; returns the jumps to patch. A condition never
 * leaves a value on the stack, so `a and b` in a `when` costs no booleans. */
static jumps branch(emitter *e, const cs_ast *n, int when)
{
    if (!worth_caching(n)) {
        switch (n->kind) {
        case A_NOT:
            return branch(e, n->a, !when);
        case A_AND:
        case A_OR:
            if ((n->kind == A_AND) != when) {   /* either side decides: and-false, or-true */
                jumps l = branch(e, n->a, when);
                return join_jumps(e, l, branch(e, n->b, when));
            } else {                            /* both sides needed: and-true, or-false */
                jumps skip = branch(e, n->a, !when);
                jumps l = branch(e, n->b, when);
                patch_jumps(e, skip, here(e));
                return l;
            }
        case A_BIN:
            if (is_cmp(n->op) && this_field(n->a) && (n->b->kind == A_STR || n->b->kind == A_DATE)) {
                uint32_t at = emit(e, OP_J_THIS_CMP, 0, n->a->ix, when, 0);
                e->code[at].c = literal(e, n->b);
                e->code[at].cmp = (uint8_t)n->op;
                e->code[at].kind = (uint8_t)n->ix;
                return add_jump(e, 0, at);
            }
            if (is_cmp(n->op)) {
                expr(e, n->a);
                expr(e, n->b);
                uint32_t at = emit(e, OP_J_CMP, 0, n->ix | (n->op << 8), when, -2);
                return add_jump(e, 0, at);
            }
            break;
        case A_IN:
            if (this_field(n->a) && (n->op == IN_CODELIST || n->op == IN_SET)) {
                uint32_t at = emit(e, OP_J_THIS_IN, 0, n->a->ix, when, 0);
                e->code[at].c = n->ix;
                e->code[at].cmp = (uint8_t)n->op;
                e->code[at].kind = (uint8_t)n->neg;
                return add_jump(e, 0, at);
            }
            break;
        case A_CALL:
            if (n->ix == -2 || n->ix == -3) {   /* present(x), absent(x) */
                int want = n->ix == -2 ? when : !when;
                const cs_ast *x = n->args[0];
                uint32_t at;
                if (this_field(x)) {
                    at = emit(e, OP_J_THIS_PRESENT, 0, x->ix, want, 0);
                } else if (x->kind == A_MEMBER && (x->op == M_PREV || x->op == M_NEXT) &&
                           x->a->kind == A_THIS) {   /* present(prev), absent(next) */
                    at = emit(e, OP_J_THIS_STEP, 0, x->op == M_PREV ? -1 : 1, want, 0);
                } else {
                    expr(e, x);
                    at = emit(e, OP_J_PRESENT, 0, 0, want, -1);
                }
                return add_jump(e, 0, at);
            }
            break;
        default:
            break;
        }
    }
    expr(e, n);
    return add_jump(e, 0, emit(e, OP_J, 0, 0, when, -1));
}

/* [lo, hi) of the rows of an aggregate's source into slots s, s+1 */
static void range(emitter *e, const cs_ast *src, int slot, int rev)
{
    if (src->ix == -1) {
        emit(e, OP_RANGE_ALL, slot, src->grp, rev | (src->ds << 1), 0);
        return;
    }
    expr(e, src->a);
    if (src->a->grp != src->ix)
        emit(e, OP_UP, src->ix, 0, 0, 0);
    emit(e, OP_RANGE, slot, src->ix2, rev, -1);
}

static void agg(emitter *e, const cs_ast *n)
{
    int kind = n->op, s = n->ix, acc = n->ix3;
    if (n->neg) {   /* indexed count over a whole return */
        expr(e, n->c);
        emit(e, OP_COUNT_EQ, n->ix2, 0, 0, 0);
        return;
    }
    int rev = kind == AGG_FINAL;
    range(e, n->a, s, rev);
    if (kind == AGG_COUNT && !n->b) {   /* every row counts: the range's size */
        emit(e, OP_RANGE_SIZE, s, 0, 0, 1);
        return;
    }
    switch (kind) {
    case AGG_COUNT:
        emit(e, OP_PUSH_INT, 0, 0, 0, 1);
        emit(e, OP_STORE, acc, 0, 0, -1);
        break;
    case AGG_SUM:
        emit(e, OP_PUSH_INT, 0, 0, 0, 1);
        emit(e, OP_STORE, acc, 0, 0, -1);
        break;
    case AGG_MIN:
    case AGG_MAX:
        emit(e, OP_PUSH_ABSENT, 0, 0, 0, 1);
        emit(e, OP_STORE, acc, 0, 0, -1);
        break;
    case AGG_DISTINCT:
        emit(e, OP_DSET_CLEAR, n->ix2, 0, 0, 0);
        break;
    default:
        break;
    }
    uint32_t loop = here(e);
    uint32_t iter = emit(e, OP_ITER, s, 0, rev, 0);
    if (n->b)   /* rows the `where` leaves out (all: the rows that pass it) go round */
        patch_jumps(e, branch(e, n->b, kind == AGG_ALL), loop);
    uint32_t done = 0;
    switch (kind) {
    case AGG_COUNT:
        emit(e, OP_INC, acc, 0, 0, 0);
        emit(e, OP_JMP, (int32_t)loop, 0, 0, 0);
        patch_b(e, iter, here(e));
        emit(e, OP_LOAD, acc, 0, 0, 1);
        return;
    case AGG_SUM:
    case AGG_MIN:
    case AGG_MAX:
        expr(e, n->c);
        emit(e, OP_ACC, acc, 0, kind, -1);
        emit(e, OP_JMP, (int32_t)loop, 0, 0, 0);
        patch_b(e, iter, here(e));
        emit(e, OP_LOAD, acc, 0, 0, 1);
        return;
    case AGG_DISTINCT:
        expr(e, n->c);
        emit(e, OP_DSET_ADD, n->ix2, 0, 0, -1);
        emit(e, OP_JMP, (int32_t)loop, 0, 0, 0);
        patch_b(e, iter, here(e));
        emit(e, OP_DSET_COUNT, n->ix2, 0, 0, 1);
        return;
    case AGG_ANY:
    case AGG_NONE:
    case AGG_ALL: {
        int found = kind == AGG_ANY ? 1 : 0;   /* value when the loop stops early */
        emit(e, OP_PUSH_BOOL, found, 0, 0, 1);
        done = emit(e, OP_JMP, 0, 0, 0, -1);
        patch_b(e, iter, here(e));
        emit(e, OP_PUSH_BOOL, !found, 0, 0, 1);
        patch_a(e, done, here(e));
        return;
    }
    case AGG_FIRST:
    case AGG_FINAL:
        emit(e, OP_LOAD, s + 2, 0, 0, 1);
        done = emit(e, OP_JMP, 0, 0, 0, -1);
        patch_b(e, iter, here(e));
        emit(e, OP_PUSH_ABSENT, 0, 0, 0, 1);
        patch_a(e, done, here(e));
        return;
    }
}

static void call(emitter *e, const cs_ast *n)
{
    switch (n->ix) {
    case -2: case -3: case -4: case -5: {
        static const cs_opcode ops[] = {OP_PRESENT, OP_ABSENT, OP_VALID, OP_INVALID};
        const cs_ast *x = n->args[0];
        if (n->ix >= -3 && this_field(x)) {
            emit(e, OP_THIS_PRESENT, x->ix, 0, n->ix == -2, 1);
            return;
        }
        expr(e, n->args[0]);
        emit(e, ops[-2 - n->ix], 0, 0, 0, 0);
        return;
    }
    case -10: {   /* if(c, a, b) */
        jumps otherwise = branch(e, n->args[0], 0);
        expr(e, n->args[1]);
        uint32_t jmp = emit(e, OP_JMP, 0, 0, 0, -1);
        patch_jumps(e, otherwise, here(e));
        expr(e, n->args[2]);
        patch_a(e, jmp, here(e));
        return;
    }
    case -11:   /* coalesce */
        for (uint32_t i = 0; i < n->nargs; i++)
            expr(e, n->args[i]);
        emit(e, OP_COALESCE, 0, (int32_t)n->nargs, 0, 1 - (int)n->nargs);
        return;
    case -12:   /* lookup */
        expr(e, n->args[1]);
        emit(e, OP_LOOKUP, n->ix2, n->ix3, 0, 0);
        return;
    case -13:   /* matches */
        expr(e, n->args[0]);
        emit(e, OP_MATCH, n->ix2, 0, 0, 0);
        return;
    default:
        for (uint32_t i = 0; i < n->nargs; i++)
            expr(e, n->args[i]);
        emit(e, OP_CALL, n->ix, (int32_t)n->nargs, 0, 1 - (int)n->nargs);
        return;
    }
}

static void member(emitter *e, const cs_ast *n)
{
    switch (n->op) {
    case M_FIELD:
        if (n->a->kind == A_THIS) {
            emit(e, OP_THIS_FIELD, n->ix, 0, 0, 1);
        } else if (n->a->kind == A_LOCAL && !is_let_slot(e, n->a->ix)) {
            emit(e, OP_LOCAL_FIELD, n->a->ix, n->ix, 0, 1);
        } else {
            expr(e, n->a);
            emit(e, OP_FIELD, n->ix, 0, 0, 0);
        }
        return;
    case M_UP:
        expr(e, n->a);
        emit(e, OP_UP, n->grp, 0, 0, 0);
        return;
    case M_PREV:
    case M_NEXT:
        expr(e, n->a);
        emit(e, n->op == M_PREV ? OP_PREV : OP_NEXT, 0, 0, 0, 0);
        return;
    case M_HEADER:
        emit(e, OP_HEADER, n->ds, 0, 0, 1);
        return;
    default:   /* rows outside an aggregate are rejected by the checker */
        emit(e, OP_PUSH_ABSENT, 0, 0, 0, 1);
        return;
    }
}

/* Marks nodes whose value depends only on literals, the context and the
 * header: the same for every row, so computed once per run. */
static int mark_const(cs_ast *n)
{
    if (!n)
        return 1;
    int k;
    switch (n->kind) {
    case A_INT: case A_STR: case A_DATE: case A_BOOL: case A_ABSENT: case A_CONTEXT:
        k = 1;
        break;
    case A_HEADERROW:
        k = n->ds == 0;
        break;
    case A_MEMBER:
        k = (n->op == M_FIELD || n->op == M_UP) && mark_const(n->a);
        break;
    case A_CALL: case A_NEG: case A_NOT: case A_AND: case A_OR: case A_BIN: case A_IN:
        k = mark_const(n->a) & mark_const(n->b);
        for (uint32_t i = 0; i < n->nargs; i++)
            k &= mark_const(n->args[i]);
        if (n->kind == A_IN && n->nargs)   /* set items are literals */
            k = mark_const(n->a);
        break;
    case A_DEFCALL:
        k = n->nargs == 0 && mark_const(n->a);
        break;
    default:
        /* rows, locals, aggregates: per row; still look inside for constants */
        mark_const(n->a);
        mark_const(n->b);
        mark_const(n->c);
        for (uint32_t i = 0; i < n->nargs; i++)
            mark_const(n->args[i]);
        k = 0;
        break;
    }
    n->konst = (uint8_t)k;
    return k;
}

static int worth_caching(const cs_ast *n)
{
    return n->konst && n->kind != A_INT && n->kind != A_STR && n->kind != A_DATE &&
           n->kind != A_BOOL && n->kind != A_ABSENT && n->kind != A_CONTEXT &&
           n->kind != A_HEADERROW;
}

static void expr_uncached(emitter *e, const cs_ast *n);

static void expr(emitter *e, const cs_ast *n)
{
    if (!worth_caching(n)) {
        expr_uncached(e, n);
        return;
    }
    int32_t slot = (int32_t)e->rs->ncaches++;
    uint32_t at = emit(e, OP_CACHED, slot, 0, 0, 1);
    e->depth--;   /* the cached path pushes; the computing path pushes too */
    expr_uncached(e, n);
    emit(e, OP_CACHE_SET, slot, 0, 0, 0);
    patch_b(e, at, here(e));
}

static void expr_uncached(emitter *e, const cs_ast *n)
{
    switch (n->kind) {
    case A_INT:
        emit(e, OP_PUSH_INT, (int32_t)n->ival, 0, 0, 1);
        return;
    case A_BOOL:
        emit(e, OP_PUSH_BOOL, n->ival ? 1 : 0, 0, 0, 1);
        return;
    case A_STR:
    case A_DATE:
        emit(e, OP_PUSH_CONST, literal(e, n), 0, 0, 1);
        return;
    case A_ABSENT:
        emit(e, OP_PUSH_ABSENT, 0, 0, 0, 1);
        return;
    case A_THIS:
        emit(e, OP_THIS, 0, 0, 0, 1);
        return;
    case A_ROOT:
        emit(e, OP_ROOT, 0, 0, 0, 1);
        return;
    case A_LAST:
        emit(e, OP_LAST, 0, 0, 0, 1);
        return;
    case A_HEADERROW:
        emit(e, OP_HEADER, n->ds, 0, 0, 1);
        return;
    case A_LOCAL:
        load_local(e, n->ix);
        return;
    case A_CONTEXT:
        emit(e, OP_CONTEXT, n->ix, 0, 0, 1);
        return;
    case A_MEMBER:
        member(e, n);
        return;
    case A_CALL:
        call(e, n);
        return;
    case A_DEFCALL:
        define_call(e, n);
        return;
    case A_NEG:
        expr(e, n->a);
        emit(e, OP_NEG, 0, 0, 0, 0);
        return;
    case A_NOT:
        expr(e, n->a);
        emit(e, OP_NOT, 0, 0, 0, 0);
        return;
    case A_AND:
    case A_OR: {
        expr(e, n->a);
        uint32_t j = emit(e, n->kind == A_AND ? OP_AND_JF : OP_OR_JT, 0, 0, 0, -1);
        expr(e, n->b);
        emit(e, OP_TOBOOL, 0, 0, 0, 0);
        patch_a(e, j, here(e));
        return;
    }
    case A_BIN: {
        expr(e, n->a);
        if (is_cmp(n->op) && (n->b->kind == A_STR || n->b->kind == A_DATE)) {
            emit(e, OP_CMP_CONST, literal(e, n->b), n->ix, n->op, 0);
            return;
        }
        expr(e, n->b);
        emit(e, is_cmp(n->op) ? OP_CMP : OP_ARITH, 0, n->ix, n->op, -1);
        return;
    }
    case A_IN:
        expr(e, n->a);
        emit(e, n->op == IN_CODELIST ? OP_IN_CODELIST : n->op == IN_TABLE ? OP_IN_TABLE : OP_IN_SET,
             n->ix, 0, n->neg, 0);
        return;
    case A_AGG:
        agg(e, n);
        return;
    case A_INDEX:
        range(e, n->a, n->ix, 0);
        expr(e, n->b);
        emit(e, OP_INDEX, n->ix, 0, 0, 0);
        return;
    default:
        emit(e, OP_PUSH_ABSENT, 0, 0, 0, 1);
        return;
    }
}

void cs_compile_rule(cs_ruleset *rs, const cs_ast_rule *r, cs_crule *out)
{
    emitter e = {rs, NULL, 0, 0, 0, 0, r, out->let_slots};
    for (uint32_t i = 0; i < r->nlets; i++)
        mark_const(r->lets[i].expr);
    for (uint32_t i = 0; i < r->nwhens; i++)
        mark_const(r->whens[i]);
    for (uint32_t i = 0; i < r->nrequires; i++)
        mark_const(r->requires[i]);
    for (uint32_t i = 0; i < r->nlets; i++)
        emit(&e, OP_UNSET, out->let_slots[i], 0, 0, 0);
    /* fail = when_1 and ... and when_n and not (require_1 and ... and require_m) */
    jumps pass = 0, fail = 0;
    for (uint32_t i = 0; i < r->nwhens; i++)
        pass = join_jumps(&e, pass, branch(&e, r->whens[i], 0));
    for (uint32_t i = 0; i < r->nrequires; i++)
        fail = join_jumps(&e, fail, branch(&e, r->requires[i], 0));
    patch_jumps(&e, pass, here(&e));
    emit(&e, OP_RET_BOOL, 0, 0, 0, 0);
    patch_jumps(&e, fail, here(&e));
    emit(&e, OP_RET_BOOL, 1, 0, 0, 0);
    out->code = e.code;
    out->ncode = e.n;
    out->max_stack = (uint32_t)e.max_depth + 1;
    if (out->nlocals > rs->max_locals)
        rs->max_locals = out->nlocals;
    if (out->max_stack > rs->max_stack)
        rs->max_stack = out->max_stack;
}
