/* Shape patterns: parse to a small tree, build a Thompson NFA backwards
 * (each piece is compiled knowing the state that follows it), and simulate
 * it with two state lists. */
#include "rules/pattern.h"

#include <string.h>

enum { N_CLASS, N_CAT, N_ALT, N_REP, N_EMPTY };
#define REP_INF (-1)
#define MAX_COUNT 100
#define MAX_NODES 2048

typedef struct pnode {
    int type;
    int cls;
    int min, max;
    struct pnode *a, *b;
} pnode;

typedef struct {
    const char *s;
    size_t pos, len;
    const char *err;
    size_t err_at;
    cs_arena *arena;
    uint8_t (*classes)[32];
    uint32_t nclasses, ccap;
    int nodes;
    int depth;
} pparse;

typedef struct {
    cs_pstate *st;
    uint32_t n;
    const char *err;
} pbuild;

static void fail(pparse *p, const char *msg)
{
    if (!p->err) {
        p->err = msg;
        p->err_at = p->pos;
    }
}

static pnode *mk(pparse *p, int type)
{
    if (++p->nodes > MAX_NODES) {
        fail(p, "pattern is too long");
        return NULL;
    }
    pnode *n = cs_arena_alloc(p->arena, sizeof *n);
    n->type = type;
    return n;
}

static int new_class(pparse *p)
{
    if (p->nclasses == p->ccap) {
        uint32_t cap = p->ccap ? p->ccap * 2 : 8;
        uint8_t(*c)[32] = cs_arena_alloc(p->arena, cap * sizeof *c);
        if (p->nclasses)
            memcpy(c, p->classes, p->nclasses * sizeof *c);
        p->classes = c;
        p->ccap = cap;
    }
    memset(p->classes[p->nclasses], 0, 32);
    return (int)p->nclasses++;
}

static void set_bit(uint8_t *c, unsigned ch) { c[ch >> 3] |= (uint8_t)(1u << (ch & 7)); }

static void set_range(uint8_t *c, unsigned a, unsigned b)
{
    for (unsigned ch = a; ch <= b; ch++)
        set_bit(c, ch);
}

static void add_escape(uint8_t *c, unsigned e)
{
    switch (e) {
    case 'd': set_range(c, '0', '9'); break;
    case 'w':
        set_range(c, '0', '9');
        set_range(c, 'A', 'Z');
        set_range(c, 'a', 'z');
        set_bit(c, '_');
        break;
    case 's':
        set_bit(c, ' ');
        set_bit(c, '\t');
        break;
    default: set_bit(c, e); break;
    }
}

static int peek(const pparse *p) { return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1; }

static pnode *parse_alt(pparse *p);

static pnode *parse_class(pparse *p)
{
    p->pos++;   /* [ */
    int ci = new_class(p);
    uint8_t bits[32] = {0};
    int neg = 0;
    if (peek(p) == '^') {
        neg = 1;
        p->pos++;
    }
    int first = 1;
    for (;;) {
        int c = peek(p);
        if (c == -1) {
            fail(p, "class [...] is not closed");
            return NULL;
        }
        if (c == ']' && !first) {
            p->pos++;
            break;
        }
        first = 0;
        p->pos++;
        if (c == '\\') {
            int e = peek(p);
            if (e == -1) {
                fail(p, "pattern ends after \\");
                return NULL;
            }
            p->pos++;
            add_escape(bits, (unsigned)e);
            continue;
        }
        if (peek(p) == '-' && p->pos + 1 < p->len && p->s[p->pos + 1] != ']') {
            unsigned hi = (unsigned char)p->s[p->pos + 1];
            if (hi < (unsigned)c) {
                fail(p, "class range is backwards");
                return NULL;
            }
            set_range(bits, (unsigned)c, hi);
            p->pos += 2;
            continue;
        }
        set_bit(bits, (unsigned)c);
    }
    for (int i = 0; i < 32; i++)
        p->classes[ci][i] = neg ? (uint8_t)~bits[i] : bits[i];
    pnode *n = mk(p, N_CLASS);
    if (n)
        n->cls = ci;
    return n;
}

static int parse_int(pparse *p, int *out)
{
    int v = 0, any = 0;
    while (peek(p) >= '0' && peek(p) <= '9') {
        v = v * 10 + (peek(p) - '0');
        if (v > MAX_COUNT) {
            fail(p, "repetition count is above 100");
            return 0;
        }
        p->pos++;
        any = 1;
    }
    *out = v;
    return any;
}

static pnode *parse_atom(pparse *p)
{
    int c = peek(p);
    pnode *n;
    switch (c) {
    case '(':
        p->pos++;
        if (++p->depth > 50) {
            fail(p, "pattern is nested too deeply");
            return NULL;
        }
        n = parse_alt(p);
        p->depth--;
        if (!n)
            return NULL;
        if (peek(p) != ')') {
            fail(p, "'(' is not closed");
            return NULL;
        }
        p->pos++;
        return n;
    case '[':
        return parse_class(p);
    case '.': {
        p->pos++;
        int ci = new_class(p);
        memset(p->classes[ci], 0xFF, 32);
        n = mk(p, N_CLASS);
        if (n)
            n->cls = ci;
        return n;
    }
    case '\\': {
        p->pos++;
        int e = peek(p);
        if (e == -1) {
            fail(p, "pattern ends after \\");
            return NULL;
        }
        p->pos++;
        int ci = new_class(p);
        add_escape(p->classes[ci], (unsigned)e);
        n = mk(p, N_CLASS);
        if (n)
            n->cls = ci;
        return n;
    }
    case '*': case '+': case '?': case '{':
        fail(p, "repetition with nothing to repeat");
        return NULL;
    case ')':
        fail(p, "unmatched ')'");
        return NULL;
    default: {
        p->pos++;
        int ci = new_class(p);
        set_bit(p->classes[ci], (unsigned)c);
        n = mk(p, N_CLASS);
        if (n)
            n->cls = ci;
        return n;
    }
    }
}

static pnode *parse_repeat(pparse *p)
{
    pnode *a = parse_atom(p);
    while (a) {
        int c = peek(p), min, max;
        if (c == '*') {
            min = 0;
            max = REP_INF;
        } else if (c == '+') {
            min = 1;
            max = REP_INF;
        } else if (c == '?') {
            min = 0;
            max = 1;
        } else if (c == '{') {
            p->pos++;
            if (!parse_int(p, &min)) {
                fail(p, "expected a count in {n,m}");
                return NULL;
            }
            max = min;
            if (peek(p) == ',') {
                p->pos++;
                max = REP_INF;
                if (peek(p) != '}' && !parse_int(p, &max)) {
                    fail(p, "expected a count in {n,m}");
                    return NULL;
                }
            }
            if (peek(p) != '}') {
                fail(p, "'{' is not closed");
                return NULL;
            }
            if (max != REP_INF && max < min) {
                fail(p, "in {n,m}, m is below n");
                return NULL;
            }
        } else {
            break;
        }
        p->pos++;
        pnode *r = mk(p, N_REP);
        if (!r)
            return NULL;
        r->a = a;
        r->min = min;
        r->max = max;
        a = r;
    }
    return a;
}

static pnode *parse_seq(pparse *p)
{
    pnode *seq = NULL;
    while (peek(p) != -1 && peek(p) != '|' && peek(p) != ')') {
        pnode *a = parse_repeat(p);
        if (!a)
            return NULL;
        if (!seq) {
            seq = a;
        } else {
            pnode *c = mk(p, N_CAT);
            if (!c)
                return NULL;
            c->a = seq;
            c->b = a;
            seq = c;
        }
    }
    return seq ? seq : mk(p, N_EMPTY);
}

static pnode *parse_alt(pparse *p)
{
    pnode *a = parse_seq(p);
    while (a && peek(p) == '|') {
        p->pos++;
        pnode *b = parse_seq(p);
        if (!b)
            return NULL;
        pnode *n = mk(p, N_ALT);
        if (!n)
            return NULL;
        n->a = a;
        n->b = b;
        a = n;
    }
    return a;
}

static int32_t add_state(pbuild *b, uint8_t type, uint16_t cls, int32_t out, int32_t out1)
{
    if (b->n >= CS_PATTERN_MAX_STATES) {
        b->err = "pattern expands to too many states (lower the repetition counts)";
        return 0;
    }
    b->st[b->n] = (cs_pstate){type, cls, out, out1};
    return (int32_t)b->n++;
}

/* Entry state of n, continuing at next once n has matched. */
static int32_t build(pbuild *b, const pnode *n, int32_t next)
{
    if (b->err)
        return 0;
    switch (n->type) {
    case N_EMPTY:
        return next;
    case N_CLASS:
        return add_state(b, 0, (uint16_t)n->cls, next, -1);
    case N_CAT:
        return build(b, n->a, build(b, n->b, next));
    case N_ALT: {
        int32_t x = build(b, n->a, next);
        int32_t y = build(b, n->b, next);
        return add_state(b, 1, 0, x, y);
    }
    case N_REP: {
        int32_t cur = next;
        if (n->max == REP_INF) {
            int32_t s = add_state(b, 1, 0, -1, next);
            if (b->err)
                return 0;
            int32_t body = build(b, n->a, s);
            b->st[s].out = body;
            cur = s;
        } else {
            for (int i = 0; i < n->max - n->min; i++)
                cur = add_state(b, 1, 0, build(b, n->a, cur), next);
        }
        for (int i = 0; i < n->min; i++)
            cur = build(b, n->a, cur);
        return cur;
    }
    }
    return next;
}

/* A sequence of classes and exact repetitions of classes has one fixed
 * length and needs no NFA. Returns the length, or -1 when n is not such. */
static int fixed_len(const pnode *n)
{
    switch (n->type) {
    case N_EMPTY: return 0;
    case N_CLASS: return 1;
    case N_CAT: {
        int a = fixed_len(n->a), b = fixed_len(n->b);
        return a < 0 || b < 0 ? -1 : a + b;
    }
    case N_REP: {
        if (n->max != n->min)
            return -1;
        int a = fixed_len(n->a);
        return a < 0 ? -1 : a * n->min;
    }
    default: return -1;
    }
}

static void fixed_fill(const pnode *n, uint16_t *out, uint32_t *k)
{
    switch (n->type) {
    case N_CLASS: out[(*k)++] = (uint16_t)n->cls; break;
    case N_CAT:
        fixed_fill(n->a, out, k);
        fixed_fill(n->b, out, k);
        break;
    case N_REP:
        for (int i = 0; i < n->min; i++)
            fixed_fill(n->a, out, k);
        break;
    default: break;
    }
}

int cs_pattern_compile(cs_pattern *out, const char *src, cs_arena *arena, const char **err,
                       size_t *err_at)
{
    memset(out, 0, sizeof *out);
    pparse p = {0};
    p.s = src;
    p.len = strlen(src);
    p.arena = arena;
    pnode *root = parse_alt(&p);
    if (!p.err && peek(&p) == ')')
        fail(&p, "unmatched ')'");
    if (p.err || !root) {
        *err = p.err ? p.err : "bad pattern";
        *err_at = p.err_at;
        return 0;
    }
    pbuild b = {0};
    b.st = cs_arena_alloc(arena, CS_PATTERN_MAX_STATES * sizeof *b.st);
    int32_t match = add_state(&b, 2, 0, -1, -1);
    int32_t start = build(&b, root, match);
    if (b.err) {
        *err = b.err;
        *err_at = 0;
        return 0;
    }
    out->states = b.st;
    out->nstates = b.n;
    out->classes = p.classes;
    out->nclasses = p.nclasses;
    out->start = start;
    int fl = fixed_len(root);
    if (fl >= 0 && fl <= 4096) {
        out->fixed = cs_arena_alloc(arena, ((size_t)fl + 1) * sizeof *out->fixed);
        uint32_t k = 0;
        fixed_fill(root, out->fixed, &k);
        out->nfixed = k;
        out->is_fixed = 1;
    }
    return 1;
}

/* Adds s and everything reachable through split states to list (marks avoid
 * repeats); stack is scratch of 2 * nstates + 1 entries. */
static void add_closure(const cs_pattern *p, int32_t s, uint32_t *list, uint32_t *n,
                        uint32_t *mark, uint32_t gen, uint32_t *stack)
{
    uint32_t sp = 0;
    stack[sp++] = (uint32_t)s;
    while (sp) {
        uint32_t x = stack[--sp];
        if (mark[x] == gen)
            continue;
        mark[x] = gen;
        const cs_pstate *st = &p->states[x];
        if (st->type == 1) {
            if (st->out1 >= 0)
                stack[sp++] = (uint32_t)st->out1;
            if (st->out >= 0)
                stack[sp++] = (uint32_t)st->out;
        } else {
            list[(*n)++] = x;
        }
    }
}

int cs_pattern_match(const cs_pattern *p, const char *s, size_t n, uint32_t *scratch)
{
    if (p->is_fixed) {
        if (n != p->nfixed)
            return 0;
        for (size_t i = 0; i < n; i++) {
            unsigned ch = (unsigned char)s[i];
            if (!(p->classes[p->fixed[i]][ch >> 3] & (1u << (ch & 7))))
                return 0;
        }
        return 1;
    }
    uint32_t ns = p->nstates;
    /* lists of live states, marks, and the closure stack: every split state
     * pushes its two successors once, so the stack needs 2 * ns + 1 */
    uint32_t *cur = scratch, *nxt = scratch + ns, *mark = scratch + 2 * ns;
    uint32_t *stack = scratch + 3 * ns;
    for (uint32_t i = 0; i < ns; i++)
        mark[i] = 0;
    uint32_t gen = 1, nc = 0;
    add_closure(p, p->start, cur, &nc, mark, gen, stack);
    for (size_t i = 0; i < n && nc; i++) {
        unsigned ch = (unsigned char)s[i];
        uint32_t nn = 0;
        gen++;
        for (uint32_t k = 0; k < nc; k++) {
            const cs_pstate *st = &p->states[cur[k]];
            if (st->type == 0 && (p->classes[st->cls][ch >> 3] & (1u << (ch & 7))))
                add_closure(p, st->out, nxt, &nn, mark, gen, stack);
        }
        uint32_t *t = cur;
        cur = nxt;
        nxt = t;
        nc = nn;
    }
    for (uint32_t k = 0; k < nc; k++)
        if (p->states[cur[k]].type == 2)
            return 1;
    return 0;
}
