/* The rule-file parser: recursive descent over the lexer's tokens, building
 * the syntax tree. Grammar (see rules/README.md for the full reference):
 *
 *   file    := (rule | define)*
 *   rule    := 'rule' CODE SEVERITY 'on' (GROUP | 'return') STRING clause*
 *   clause  := 'fields' ref (',' ref)* | 'mirrors' CODE | 'explain' STRING
 *            | 'example' STRING | 'let' NAME '=' expr | 'when' expr
 *            | 'require' expr | 'optional' 'last'
 *   define  := 'define' NAME ['(' NAME (',' NAME)* ')'] '=' expr
 *   expr    := or;  or := and ('or' and)*;  and := not ('and' not)*
 *   not     := 'not' not | cmp
 *   cmp     := add [(= | != | < | <= | > | >=) add | ['not'] 'in' (set | NAME)]
 *   add     := mul (('+'|'-') mul)*;  mul := unary (('*'|'/'|'%') unary)*
 *   unary   := '-' unary | postfix;   postfix := primary ('.' NAME | '[' expr ']')*
 *   primary := INT | STRING | DATE | 'true' | 'false' | NAME | NAME '(' args ')'
 *            | AGG '(' [NAME 'in'] expr ['where' expr] ')'
 *            | VAGG '(' expr 'for' NAME 'in' expr ['where' expr] ')'
 *            | '(' expr ')'
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "rules/ast.h"

#define MAX_DEPTH 200

typedef struct {
    cs_lexer lx;
    cs_token cur, next;
    size_t prev_end;        /* end offset of the last consumed token */
    cs_arena *arena;
    const cs_rsrc *src;
    cs_rule_errors *errs;
    unsigned nerrors;
    int panic;              /* an error was reported in the current item */
    int depth;
} parser;

static const char *const agg_names[] = {"count", "any", "all",  "none", "first",
                                        "final", "min", "max", "sum",  "distinct"};

const char *cs_agg_name(cs_agg_kind k)
{
    return (unsigned)k < sizeof agg_names / sizeof agg_names[0] ? agg_names[k] : "?";
}

static void advance(parser *p)
{
    p->prev_end = p->cur.off + p->cur.len;
    p->cur = p->next;
    cs_lexer_next(&p->lx, &p->next);
}

static void error_at(parser *p, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void error_at(parser *p, size_t off, const char *fmt, ...)
{
    if (p->panic)
        return;   /* one error per item: the rest would be noise */
    p->panic = 1;
    p->nerrors++;
    va_list ap;
    va_start(ap, fmt);
    cs_rerr_addv(p->errs, p->src, off, fmt, ap);
    va_end(ap);
}

static const char *tok_desc(parser *p, const cs_token *t)
{
    if (t->kind == TK_IDENT && t->kw != KW_NONE)
        return cs_arena_printf(p->arena, "'%s'", cs_keyword_name(t->kw));
    if ((t->kind == TK_IDENT || t->kind == TK_WORD || t->kind == TK_INT) && t->text)
        return cs_arena_printf(p->arena, "'%.60s'", t->text);
    return cs_tok_kind_name(t->kind);
}

static void expected(parser *p, const char *what)
{
    error_at(p, p->cur.off, "expected %s, found %s", what, tok_desc(p, &p->cur));
}

static int is_kw(const cs_token *t, cs_keyword k)
{
    return t->kind == TK_IDENT && !t->quoted && t->kw == k;
}

static int is_word(const cs_token *t, const char *w)
{
    return t->kind == TK_IDENT && !t->quoted && t->kw == KW_NONE && strcmp(t->text, w) == 0;
}

static int accept(parser *p, cs_tok_kind k)
{
    if (p->cur.kind != k)
        return 0;
    advance(p);
    return 1;
}

static int expect(parser *p, cs_tok_kind k, const char *what)
{
    if (accept(p, k))
        return 1;
    expected(p, what);
    return 0;
}

static cs_ast *node(parser *p, cs_ast_kind k, size_t off)
{
    cs_ast *n = cs_arena_alloc(p->arena, sizeof *n);
    n->kind = (uint8_t)k;
    n->off = off;
    n->len = 0;
    return n;
}

static cs_ast *finish(parser *p, cs_ast *n)
{
    n->len = p->prev_end > n->off ? p->prev_end - n->off : 0;
    return n;
}

/* growable pointer array in the arena (copied on growth; sizes are small) */
typedef struct {
    void **items;
    uint32_t n, cap;
} vec;

static void vec_push(parser *p, vec *v, void *x)
{
    if (v->n == v->cap) {
        uint32_t cap = v->cap ? v->cap * 2 : 4;
        void **items = cs_arena_alloc(p->arena, cap * sizeof *items);
        if (v->n)
            memcpy(items, v->items, v->n * sizeof *items);
        v->items = items;
        v->cap = cap;
    }
    v->items[v->n++] = x;
}

static cs_ast *parse_expr(parser *p);

static int agg_kind(const cs_token *t)
{
    if (t->kind != TK_IDENT || t->quoted || t->kw != KW_NONE)
        return -1;
    for (size_t i = 0; i < sizeof agg_names / sizeof agg_names[0]; i++)
        if (strcmp(agg_names[i], t->text) == 0)
            return (int)i;
    return -1;
}

static int name_token(const cs_token *t)
{
    return t->kind == TK_IDENT && (t->quoted || t->kw == KW_NONE);
}

static cs_ast *parse_agg(parser *p, int kind)
{
    cs_ast *n = node(p, A_AGG, p->cur.off);
    n->op = (uint8_t)kind;
    advance(p);   /* name */
    advance(p);   /* ( */
    int valued = kind == AGG_MIN || kind == AGG_MAX || kind == AGG_SUM || kind == AGG_DISTINCT;
    if (valued) {
        n->c = parse_expr(p);
        if (!is_kw(&p->cur, KW_FOR)) {
            expected(p, cs_arena_printf(p->arena, "'for' (write %s(x.Field for x in Group))",
                                        cs_agg_name((cs_agg_kind)kind)));
            return NULL;
        }
        advance(p);
        if (!name_token(&p->cur)) {
            expected(p, "a name for each row (for x in ...)");
            return NULL;
        }
        n->name = p->cur.text;
        n->ix3 = (int32_t)p->cur.off;
        advance(p);
        if (!is_kw(&p->cur, KW_IN)) {
            expected(p, "'in'");
            return NULL;
        }
        advance(p);
    } else if (name_token(&p->cur) && is_kw(&p->next, KW_IN)) {
        n->name = p->cur.text;
        n->ix3 = (int32_t)p->cur.off;
        advance(p);
        advance(p);
    }
    if (valued && !n->c)
        return NULL;
    n->a = parse_expr(p);
    if (!n->a)
        return NULL;
    if (is_kw(&p->cur, KW_WHERE)) {
        advance(p);
        n->b = parse_expr(p);
        if (!n->b)
            return NULL;
    }
    if (!expect(p, TK_RPAREN, "')' to close the aggregate"))
        return NULL;
    return finish(p, n);
}

static cs_ast *parse_primary(parser *p)
{
    cs_token *t = &p->cur;
    cs_ast *n;
    switch (t->kind) {
    case TK_INT:
        n = node(p, A_INT, t->off);
        n->ival = t->ival;
        advance(p);
        return finish(p, n);
    case TK_STRING:
        n = node(p, A_STR, t->off);
        n->sval = t->text;
        advance(p);
        return finish(p, n);
    case TK_DATE:
        n = node(p, A_DATE, t->off);
        n->ival = t->date;
        advance(p);
        return finish(p, n);
    case TK_LPAREN: {
        size_t off = t->off;
        advance(p);
        n = parse_expr(p);
        expect(p, TK_RPAREN, "')'");
        if (n) {   /* keep the parentheses in the span for readable text */
            n->off = off;
            finish(p, n);
        }
        return n;
    }
    case TK_IDENT:
        if (is_kw(t, KW_TRUE) || is_kw(t, KW_FALSE)) {
            n = node(p, A_BOOL, t->off);
            n->ival = is_kw(t, KW_TRUE);
            advance(p);
            return finish(p, n);
        }
        if (t->kw != KW_NONE && !t->quoted)
            break;
        if (p->next.kind == TK_LPAREN && !t->quoted) {
            int k = agg_kind(t);
            if (k >= 0)
                return parse_agg(p, k);
            n = node(p, A_CALL, t->off);
            n->name = t->text;
            advance(p);
            advance(p);
            vec args = {0};
            if (p->cur.kind != TK_RPAREN) {
                for (;;) {
                    cs_ast *a = parse_expr(p);
                    if (!a)
                        return NULL;
                    vec_push(p, &args, a);
                    if (!accept(p, TK_COMMA))
                        break;
                }
            }
            if (!expect(p, TK_RPAREN, "',' or ')' in the argument list"))
                return NULL;
            n->args = (cs_ast **)args.items;
            n->nargs = args.n;
            return finish(p, n);
        }
        n = node(p, A_NAME, t->off);
        n->name = t->text;
        advance(p);
        return finish(p, n);
    case TK_LBRACE:
        error_at(p, t->off, "a set {...} can only follow 'in'");
        return NULL;
    default:
        break;
    }
    expected(p, "a value, a name or '('");
    return NULL;
}

static cs_ast *parse_postfix(parser *p)
{
    cs_ast *n = parse_primary(p);
    while (n && (p->cur.kind == TK_DOT || p->cur.kind == TK_LBRACKET)) {
        if (p->cur.kind == TK_LBRACKET) {
            cs_ast *ix = node(p, A_INDEX, n->off);
            ix->ix3 = (int32_t)p->cur.off;
            advance(p);
            ix->a = n;
            ix->b = parse_expr(p);
            if (!ix->b || !expect(p, TK_RBRACKET, "']'"))
                return NULL;
            n = finish(p, ix);
            continue;
        }
        advance(p);
        if (!name_token(&p->cur)) {
            expected(p, "a field or group name after '.'");
            return NULL;
        }
        cs_ast *m = node(p, A_MEMBER, n->off);
        m->a = n;
        m->name = p->cur.text;
        m->ix3 = (int32_t)p->cur.off;   /* where the member name starts, for errors */
        advance(p);
        n = finish(p, m);
    }
    return n;
}

static cs_ast *parse_unary(parser *p)
{
    if (p->cur.kind == TK_MINUS) {
        size_t off = p->cur.off;
        advance(p);
        if (++p->depth > MAX_DEPTH) {
            error_at(p, off, "expression is nested too deeply");
            return NULL;
        }
        cs_ast *a = parse_unary(p);
        p->depth--;
        if (!a)
            return NULL;
        if (a->kind == A_INT) {   /* fold -123 */
            a->ival = -a->ival;
            a->off = off;
            return finish(p, a);
        }
        cs_ast *n = node(p, A_NEG, off);
        n->a = a;
        return finish(p, n);
    }
    return parse_postfix(p);
}

static cs_ast *parse_mul(parser *p)
{
    cs_ast *n = parse_unary(p);
    while (n && (p->cur.kind == TK_STAR || p->cur.kind == TK_SLASH || p->cur.kind == TK_PERCENT)) {
        cs_ast *b = node(p, A_BIN, n->off);
        b->op = (uint8_t)p->cur.kind;
        b->ix3 = (int32_t)p->cur.off;
        advance(p);
        b->a = n;
        b->b = parse_unary(p);
        if (!b->b)
            return NULL;
        n = finish(p, b);
    }
    return n;
}

static cs_ast *parse_add(parser *p)
{
    cs_ast *n = parse_mul(p);
    while (n && (p->cur.kind == TK_PLUS || p->cur.kind == TK_MINUS)) {
        cs_ast *b = node(p, A_BIN, n->off);
        b->op = (uint8_t)p->cur.kind;
        b->ix3 = (int32_t)p->cur.off;
        advance(p);
        b->a = n;
        b->b = parse_mul(p);
        if (!b->b)
            return NULL;
        n = finish(p, b);
    }
    return n;
}

static cs_ast *parse_set(parser *p)
{
    cs_ast *n = node(p, A_IN, p->cur.off);
    size_t brace = p->cur.off;
    advance(p);   /* { */
    vec items = {0};
    if (p->cur.kind == TK_RBRACE) {
        error_at(p, brace, "empty set {}");
        return NULL;
    }
    for (;;) {
        cs_ast *it = NULL;
        cs_token *t = &p->cur;
        if (t->kind == TK_STRING) {
            it = node(p, A_STR, t->off);
            it->sval = t->text;
        } else if (t->kind == TK_INT) {
            it = node(p, A_INT, t->off);
            it->ival = t->ival;
        } else if (t->kind == TK_MINUS && p->next.kind == TK_INT) {
            advance(p);
            it = node(p, A_INT, t->off);
            it->ival = -p->cur.ival;
        } else if (t->kind == TK_DATE) {
            it = node(p, A_DATE, t->off);
            it->ival = t->date;
        } else if ((t->kind == TK_IDENT || t->kind == TK_WORD) && t->text) {
            error_at(p, t->off, "codes in a set are quoted: write {\"%s\", ...}", t->text);
            return NULL;
        } else {
            expected(p, "a quoted code, a number or a date in the set");
            return NULL;
        }
        advance(p);
        vec_push(p, &items, finish(p, it));
        if (accept(p, TK_COMMA))
            continue;
        if (accept(p, TK_RBRACE))
            break;
        expected(p, "',' or '}' in the set");
        return NULL;
    }
    n->args = (cs_ast **)items.items;
    n->nargs = items.n;
    return n;
}

static cs_ast *parse_cmp(parser *p)
{
    cs_ast *n = parse_add(p);
    if (!n)
        return NULL;
    cs_tok_kind k = p->cur.kind;
    if (k == TK_EQ || k == TK_NE || k == TK_LT || k == TK_LE || k == TK_GT || k == TK_GE) {
        cs_ast *b = node(p, A_BIN, n->off);
        b->op = (uint8_t)k;
        b->ix3 = (int32_t)p->cur.off;
        advance(p);
        b->a = n;
        b->b = parse_add(p);
        if (!b->b)
            return NULL;
        finish(p, b);
        k = p->cur.kind;
        if (k == TK_EQ || k == TK_NE || k == TK_LT || k == TK_LE || k == TK_GT || k == TK_GE) {
            error_at(p, p->cur.off,
                     "comparisons do not chain; write (a < b) and (b < c)");
            return NULL;
        }
        return b;
    }
    int neg = 0;
    size_t op_off = p->cur.off;
    if (is_kw(&p->cur, KW_NOT) && is_kw(&p->next, KW_IN)) {
        neg = 1;
        advance(p);
    }
    if (is_kw(&p->cur, KW_IN)) {
        advance(p);
        cs_ast *in;
        if (p->cur.kind == TK_LBRACE) {
            in = parse_set(p);
            if (!in)
                return NULL;
        } else if (name_token(&p->cur)) {
            in = node(p, A_IN, p->cur.off);
            in->name = p->cur.text;
            in->ix3 = (int32_t)p->cur.off;
            advance(p);
        } else {
            expected(p, "a set {\"A\", \"B\"} or a code list name after 'in'");
            return NULL;
        }
        in->off = n->off;
        in->a = n;
        in->neg = (uint8_t)neg;
        if (!in->ix3)
            in->ix3 = (int32_t)op_off;
        return finish(p, in);
    }
    return n;
}

static cs_ast *parse_not(parser *p)
{
    if (is_kw(&p->cur, KW_NOT)) {
        size_t off = p->cur.off;
        advance(p);
        if (++p->depth > MAX_DEPTH) {
            error_at(p, off, "expression is nested too deeply");
            return NULL;
        }
        cs_ast *a = parse_not(p);
        p->depth--;
        if (!a)
            return NULL;
        cs_ast *n = node(p, A_NOT, off);
        n->a = a;
        return finish(p, n);
    }
    return parse_cmp(p);
}

static cs_ast *parse_and(parser *p)
{
    cs_ast *n = parse_not(p);
    while (n && is_kw(&p->cur, KW_AND)) {
        advance(p);
        cs_ast *b = node(p, A_AND, n->off);
        b->a = n;
        b->b = parse_not(p);
        if (!b->b)
            return NULL;
        n = finish(p, b);
    }
    return n;
}

static cs_ast *parse_expr(parser *p)
{
    if (++p->depth > MAX_DEPTH) {
        error_at(p, p->cur.off, "expression is nested too deeply");
        p->depth--;
        return NULL;
    }
    cs_ast *n = parse_and(p);
    while (n && is_kw(&p->cur, KW_OR)) {
        advance(p);
        cs_ast *b = node(p, A_OR, n->off);
        b->a = n;
        b->b = parse_and(p);
        if (!b->b) {
            n = NULL;
            break;
        }
        n = finish(p, b);
    }
    p->depth--;
    if (!n && !p->panic)
        expected(p, "an expression");
    return n;
}

/* ---- rules and defines ------------------------------------------------- */

static int at_item_start(const parser *p)
{
    return p->cur.kind == TK_EOF || is_kw(&p->cur, KW_RULE) || is_kw(&p->cur, KW_DEFINE);
}

static void skip_to_item(parser *p)
{
    while (!at_item_start(p))
        advance(p);
}

static const char *parse_code(parser *p, size_t *off)
{
    cs_token *t = &p->cur;
    *off = t->off;
    if (t->kind == TK_INT || t->kind == TK_WORD || (t->kind == TK_IDENT && t->kw == KW_NONE)) {
        const char *s = t->text;
        advance(p);
        return s;
    }
    expected(p, "a rule code (such as 8525Q or LA001)");
    return NULL;
}

static const char *parse_string(parser *p, const char *what)
{
    if (p->cur.kind != TK_STRING) {
        expected(p, what);
        return NULL;
    }
    const char *s = p->cur.text;
    advance(p);
    return s;
}

static int parse_clauses(parser *p, cs_ast_rule *r)
{
    vec fields = {0}, lets = {0}, whens = {0}, reqs = {0};
    while (!at_item_start(p)) {
        cs_token *t = &p->cur;
        if (is_kw(t, KW_FIELDS)) {
            advance(p);
            for (;;) {
                if (!name_token(&p->cur)) {
                    expected(p, "a field name");
                    return 0;
                }
                cs_ast_fieldref *f = cs_arena_alloc(p->arena, sizeof *f);
                f->off = p->cur.off;
                f->field = p->cur.text;
                advance(p);
                if (accept(p, TK_DOT)) {
                    if (!name_token(&p->cur)) {
                        expected(p, "a field name after 'Group.'");
                        return 0;
                    }
                    f->group = f->field;
                    f->field = p->cur.text;
                    advance(p);
                }
                vec_push(p, &fields, f);
                if (!accept(p, TK_COMMA))
                    break;
            }
        } else if (is_kw(t, KW_MIRRORS)) {
            size_t kw_off = t->off;
            advance(p);
            size_t off;
            if (r->mirrors) {
                error_at(p, kw_off, "'mirrors' given twice");
                return 0;
            }
            r->mirrors = parse_code(p, &off);
            if (!r->mirrors)
                return 0;
        } else if (is_kw(t, KW_EXPLAIN) || is_kw(t, KW_EXAMPLE)) {
            int ex = is_kw(t, KW_EXPLAIN);
            size_t off = t->off;
            advance(p);
            const char *s = parse_string(p, "a quoted text");
            if (!s)
                return 0;
            if ((ex && r->explain) || (!ex && r->example)) {
                error_at(p, off, "'%s' given twice", ex ? "explain" : "example");
                return 0;
            }
            if (ex)
                r->explain = s;
            else
                r->example = s;
        } else if (is_kw(t, KW_LET)) {
            advance(p);
            if (!name_token(&p->cur)) {
                expected(p, "a name after 'let'");
                return 0;
            }
            cs_ast_let *l = cs_arena_alloc(p->arena, sizeof *l);
            l->name = p->cur.text;
            l->off = p->cur.off;
            advance(p);
            if (!expect(p, TK_EQ, "'=' after the let name"))
                return 0;
            l->expr = parse_expr(p);
            if (!l->expr)
                return 0;
            vec_push(p, &lets, l);
        } else if (is_kw(t, KW_WHEN) || is_kw(t, KW_REQUIRE)) {
            int w = is_kw(t, KW_WHEN);
            advance(p);
            cs_ast *e = parse_expr(p);
            if (!e)
                return 0;
            vec_push(p, w ? &whens : &reqs, e);
        } else if (is_kw(t, KW_OPTIONAL)) {
            r->optional_off = t->off;
            advance(p);
            if (!is_word(&p->cur, "last")) {
                expected(p, "'last' (optional last: the rule runs without last year's return)");
                return 0;
            }
            advance(p);
            r->optional_last = 1;
        } else {
            expected(p, "a clause (fields, mirrors, explain, example, let, when, require, "
                        "optional last) or the next rule");
            return 0;
        }
    }
    r->fields = cs_arena_alloc(p->arena, (fields.n ? fields.n : 1) * sizeof *r->fields);
    for (uint32_t i = 0; i < fields.n; i++)
        r->fields[i] = *(cs_ast_fieldref *)fields.items[i];
    r->nfields = fields.n;
    r->lets = cs_arena_alloc(p->arena, (lets.n ? lets.n : 1) * sizeof *r->lets);
    for (uint32_t i = 0; i < lets.n; i++)
        r->lets[i] = *(cs_ast_let *)lets.items[i];
    r->nlets = lets.n;
    r->whens = (cs_ast **)whens.items;
    r->nwhens = whens.n;
    r->requires = (cs_ast **)reqs.items;
    r->nrequires = reqs.n;
    if (!r->nrequires) {
        error_at(p, r->off, "rule %s has no 'require' clause", r->code ? r->code : "");
        return 0;
    }
    return 1;
}

static cs_ast_rule *parse_rule(parser *p)
{
    cs_ast_rule *r = cs_arena_alloc(p->arena, sizeof *r);
    r->src = p->src;
    r->off = p->cur.off;
    advance(p);   /* rule */
    r->code = parse_code(p, &r->code_off);
    if (!r->code)
        goto bad;
    if (!name_token(&p->cur) || (strcmp(p->cur.text, "error") != 0 &&
                                 strcmp(p->cur.text, "query") != 0 &&
                                 strcmp(p->cur.text, "warning") != 0)) {
        expected(p, "a severity: error, query or warning");
        goto bad;
    }
    r->severity = p->cur.text;
    r->severity_off = p->cur.off;
    advance(p);
    if (!is_word(&p->cur, "on")) {
        expected(p, "'on' and the group the rule ranges over");
        goto bad;
    }
    advance(p);
    if (!name_token(&p->cur)) {
        expected(p, "a group name or 'return'");
        goto bad;
    }
    r->scope = p->cur.text;
    r->scope_off = p->cur.off;
    r->scope_return = !p->cur.quoted && strcmp(p->cur.text, "return") == 0;
    advance(p);
    r->message = parse_string(p, "the rule's message in quotes");
    if (!r->message)
        goto bad;
    if (!parse_clauses(p, r) || p->panic)   /* an error inside an expression */
        goto bad;
    return r;
bad:
    r->broken = 1;
    return r;
}

static cs_ast_define *parse_define(parser *p)
{
    cs_ast_define *d = cs_arena_alloc(p->arena, sizeof *d);
    d->src = p->src;
    d->off = p->cur.off;
    advance(p);   /* define */
    if (!name_token(&p->cur)) {
        expected(p, "a name for the definition");
        d->broken = 1;
        return d;
    }
    d->name = p->cur.text;
    d->off = p->cur.off;
    advance(p);
    vec params = {0}, offs = {0};
    if (accept(p, TK_LPAREN)) {
        if (p->cur.kind != TK_RPAREN) {
            for (;;) {
                if (!name_token(&p->cur)) {
                    expected(p, "a parameter name");
                    d->broken = 1;
                    return d;
                }
                vec_push(p, &params, (void *)p->cur.text);
                vec_push(p, &offs, (void *)(uintptr_t)p->cur.off);
                advance(p);
                if (!accept(p, TK_COMMA))
                    break;
            }
        }
        if (!expect(p, TK_RPAREN, "',' or ')' after the parameters")) {
            d->broken = 1;
            return d;
        }
    }
    if (!expect(p, TK_EQ, "'=' and the definition's expression")) {
        d->broken = 1;
        return d;
    }
    d->body = parse_expr(p);
    if (!d->body || p->panic) {
        d->broken = 1;
        return d;
    }
    d->params = (const char **)params.items;
    d->nparams = params.n;
    d->param_offs = cs_arena_alloc(p->arena, (params.n ? params.n : 1) * sizeof *d->param_offs);
    for (uint32_t i = 0; i < params.n; i++)
        d->param_offs[i] = (size_t)(uintptr_t)offs.items[i];
    if (!at_item_start(p)) {
        expected(p, "the next rule or define (a definition is one expression)");
        d->broken = 1;
    }
    return d;
}

unsigned cs_parse_file(const cs_rsrc *src, cs_arena *arena, cs_rule_errors *errs,
                       cs_ast_file *out)
{
    parser p;
    memset(&p, 0, sizeof p);
    p.arena = arena;
    p.src = src;
    p.errs = errs;
    cs_lexer_init(&p.lx, src, arena, errs);
    cs_lexer_next(&p.lx, &p.cur);
    cs_lexer_next(&p.lx, &p.next);
    vec rules = {0}, defines = {0};
    while (p.cur.kind != TK_EOF) {
        p.panic = 0;
        p.depth = 0;
        if (is_kw(&p.cur, KW_RULE)) {
            vec_push(&p, &rules, parse_rule(&p));
        } else if (is_kw(&p.cur, KW_DEFINE)) {
            vec_push(&p, &defines, parse_define(&p));
        } else {
            expected(&p, "'rule' or 'define'");
            advance(&p);
        }
        skip_to_item(&p);
    }
    out->rules = (cs_ast_rule **)rules.items;
    out->nrules = rules.n;
    out->defines = (cs_ast_define **)defines.items;
    out->ndefines = defines.n;
    return p.nerrors + p.lx.nerrors;
}

cs_ast *cs_ast_clone(cs_arena *arena, const cs_ast *n)
{
    if (!n)
        return NULL;
    cs_ast *c = cs_arena_alloc(arena, sizeof *c);
    *c = *n;
    c->a = cs_ast_clone(arena, n->a);
    c->b = cs_ast_clone(arena, n->b);
    c->c = cs_ast_clone(arena, n->c);
    if (n->nargs) {
        c->args = cs_arena_alloc(arena, n->nargs * sizeof *c->args);
        for (uint32_t i = 0; i < n->nargs; i++)
            c->args[i] = cs_ast_clone(arena, n->args[i]);
    }
    return c;
}

char *cs_ast_text(cs_arena *arena, const cs_rsrc *src, const cs_ast *n)
{
    if (!n || n->off >= src->len)
        return cs_arena_strdup(arena, "");
    size_t len = n->len;
    if (n->off + len > src->len)
        len = src->len - n->off;
    char *out = cs_arena_alloc_raw(arena, len + 1);
    size_t w = 0;
    int space = 0;
    char quote = 0;
    for (size_t i = 0; i < len; i++) {
        char ch = src->text[n->off + i];
        if (quote) {
            if (ch == quote)
                quote = 0;
        } else if (ch == '"' || ch == '\'' || ch == '`') {
            quote = ch;
        } else if (ch == '#') {   /* a comment inside the expression */
            while (i + 1 < len && src->text[n->off + i + 1] != '\n')
                i++;
            space = 1;
            continue;
        }
        if (!quote && (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r')) {
            space = 1;
            continue;
        }
        if (space && w)
            out[w++] = ' ';
        space = 0;
        out[w++] = ch;
    }
    out[w] = '\0';
    return out;
}
