#include "etl/ytree.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* A mapping may hold at most this many keys: keeps the duplicate-key check
 * (linear per key) bounded on hostile input. Real profiles have dozens. */
#define MAX_MAP_KEYS 4096u

typedef struct {
    cs_ynode *node;
    const cs_ynode *pending_key;   /* MAP: key read, value not yet */
} level;

typedef struct {
    cs_ydoc *doc;
    cs_diag *d;
    level stack[CS_YAML_MAX_DEPTH];
    size_t depth;
    int docs;
} builder;

static uint32_t pos(size_t v)
{
    return v >= UINT32_MAX ? UINT32_MAX : (uint32_t)(v + 1);
}

const char *cs_ynode_kind_name(const cs_ynode *n)
{
    if (!n)
        return "nothing";
    switch (n->kind) {
    case CS_Y_SCALAR: return n->is_null ? "an empty value" : "a text value";
    case CS_Y_SEQ: return "a list";
    case CS_Y_MAP: return "a mapping";
    }
    return "?";
}

cs_status cs_yerr_va(cs_diag *d, cs_status st, const char *path, uint32_t line, uint32_t col,
                     const char *fmt, va_list ap)
{
    char msg[sizeof d->msg];
    vsnprintf(msg, sizeof msg, fmt, ap);
    return cs_diag_set(d, st, path, line, col, "%s", msg);
}

cs_status cs_yerr(cs_diag *d, const char *path, const cs_ynode *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cs_status st = cs_yerr_va(d, CS_ERR_CONFIG, path, n ? n->line : 0, n ? n->col : 0, fmt, ap);
    va_end(ap);
    return st;
}

static cs_status fmt_err(builder *b, const yaml_mark_t *m, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static cs_status fmt_err(builder *b, const yaml_mark_t *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cs_status st = cs_yerr_va(b->d, CS_ERR_FORMAT, b->doc->path, pos(m->line), pos(m->column),
                              fmt, ap);
    va_end(ap);
    return st;
}

static int scalar_is_null(const yaml_event_t *e)
{
    if (e->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return 0;
    const char *s = (const char *)e->data.scalar.value;
    size_t n = e->data.scalar.length;
    return n == 0 || (n == 1 && s[0] == '~') ||
           (n == 4 && (!memcmp(s, "null", 4) || !memcmp(s, "Null", 4) || !memcmp(s, "NULL", 4)));
}

/* Attach a new node to the open collection on top of the stack. */
static cs_status attach(builder *b, cs_ynode *n, const yaml_mark_t *m)
{
    if (b->depth == 0) {
        b->doc->root = n;
        return CS_OK;
    }
    level *top = &b->stack[b->depth - 1];
    cs_ynode *parent = top->node;
    if (parent->kind == CS_Y_MAP && !top->pending_key) {
        if (n->kind != CS_Y_SCALAR)
            return fmt_err(b, m, "a mapping key must be plain text, not %s",
                           cs_ynode_kind_name(n));
        if (parent->n >= MAX_MAP_KEYS)
            return fmt_err(b, m, "more than %u keys in one mapping", MAX_MAP_KEYS);
        for (const cs_ynode *c = parent->first; c; c = c->next)
            if (strcmp(c->key->str, n->str) == 0)
                return fmt_err(b, m, "duplicate key '%s' (first given at line %u)", n->str,
                               c->key->line);
        top->pending_key = n;
        return CS_OK;
    }
    if (parent->kind == CS_Y_MAP) {
        n->key = top->pending_key;
        top->pending_key = NULL;
    }
    if (parent->last)
        parent->last->next = n;
    else
        parent->first = n;
    parent->last = n;
    parent->n++;
    return CS_OK;
}

static cs_ynode *new_node(builder *b, cs_ynode_kind kind, const yaml_mark_t *m)
{
    cs_ynode *n = cs_arena_alloc(&b->doc->arena, sizeof *n);
    n->kind = kind;
    n->line = pos(m->line);
    n->col = pos(m->column);
    n->str = "";
    return n;
}

static cs_status on_event(builder *b, const yaml_event_t *e)
{
    const yaml_mark_t *m = &e->start_mark;
    switch (e->type) {
    case YAML_DOCUMENT_START_EVENT:
        if (++b->docs > 1)
            return fmt_err(b, m, "only one YAML document is allowed in the file ('---' starts a second)");
        return CS_OK;
    case YAML_ALIAS_EVENT:
        return fmt_err(b, m, "YAML aliases (*%s) are not supported here",
                       (const char *)e->data.alias.anchor);
    case YAML_SCALAR_EVENT: {
        if (memchr(e->data.scalar.value, '\0', e->data.scalar.length))
            return fmt_err(b, m, "a NUL character is not allowed in a value");
        cs_ynode *n = new_node(b, CS_Y_SCALAR, m);
        n->len = e->data.scalar.length;
        n->str = cs_arena_strndup(&b->doc->arena, (const char *)e->data.scalar.value, n->len);
        n->is_null = scalar_is_null(e);
        return attach(b, n, m);
    }
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
        if (b->depth >= CS_YAML_MAX_DEPTH)
            return fmt_err(b, m, "nesting deeper than %u levels", CS_YAML_MAX_DEPTH);
        cs_ynode *n = new_node(b, e->type == YAML_SEQUENCE_START_EVENT ? CS_Y_SEQ : CS_Y_MAP, m);
        cs_status st = attach(b, n, m);
        if (st != CS_OK)
            return st;
        b->stack[b->depth].node = n;
        b->stack[b->depth].pending_key = NULL;
        b->depth++;
        return CS_OK;
    }
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        if (b->depth > 0)
            b->depth--;
        return CS_OK;
    default:
        return CS_OK;
    }
}

/* Line and column (1-based) of a byte offset, for reader errors that
 * libyaml reports by offset only. */
static void offset_pos(const char *data, size_t n, size_t off, uint64_t *line, uint64_t *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off && i < n; i++) {
        if (data[i] == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

static cs_status parser_error(builder *b, const yaml_parser_t *p, const char *data, size_t n)
{
    const char *problem = p->problem ? p->problem : "unknown problem";
    if (p->error == YAML_READER_ERROR) {
        uint64_t line, col;
        offset_pos(data, n, p->problem_offset, &line, &col);
        return cs_diag_set(b->d, CS_ERR_FORMAT, b->doc->path, line, col,
                           "YAML: %s (byte offset %zu); the file must be UTF-8 text", problem,
                           p->problem_offset);
    }
    if (p->error == YAML_MEMORY_ERROR)
        return cs_diag_set(b->d, CS_ERR_NOMEM, b->doc->path, 0, 0, "YAML: out of memory");
    if (p->context)
        return fmt_err(b, &p->problem_mark, "YAML syntax error: %s %s (line %zu)", problem,
                       p->context, p->context_mark.line + 1);
    return fmt_err(b, &p->problem_mark, "YAML syntax error: %s", problem);
}

cs_status cs_ydoc_parse(cs_ydoc *doc, const char *path, const char *data, size_t n, cs_diag *d)
{
    memset(doc, 0, sizeof *doc);
    cs_arena_init(&doc->arena, 0);
    doc->path = cs_arena_strdup(&doc->arena, path);
    builder b = {.doc = doc, .d = d};
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser))
        return cs_diag_set(d, CS_ERR_NOMEM, path, 0, 0, "YAML: cannot create a parser");
    yaml_parser_set_input_string(&parser, (const unsigned char *)data, n);
    cs_status st = CS_OK;
    for (;;) {
        yaml_event_t e;
        if (!yaml_parser_parse(&parser, &e)) {
            st = parser_error(&b, &parser, data, n);
            break;
        }
        int done = e.type == YAML_STREAM_END_EVENT;
        st = on_event(&b, &e);
        yaml_event_delete(&e);
        if (st != CS_OK || done)
            break;
    }
    yaml_parser_delete(&parser);
    if (st != CS_OK) {
        cs_ydoc_free(doc);
        return st;
    }
    return CS_OK;
}

cs_status cs_ydoc_load(cs_ydoc *doc, const char *path, size_t max_bytes, cs_diag *d)
{
    memset(doc, 0, sizeof *doc);
    FILE *f = fopen(path, "rb");
    if (!f)
        return cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
    size_t cap = 64 * 1024, n = 0;
    char *buf = cs_xmalloc(cap);
    for (;;) {
        if (n == cap) {
            if (cap > max_bytes) {
                free(buf);
                fclose(f);
                return cs_diag_set(d, CS_ERR_LIMIT, path, 0, 0,
                                   "file is larger than the %zu-byte limit", max_bytes);
            }
            cap *= 2;
            buf = cs_xrealloc(buf, cap);
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        free(buf);
        return cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot read");
    }
    if (n > max_bytes) {
        free(buf);
        return cs_diag_set(d, CS_ERR_LIMIT, path, 0, 0, "file is larger than the %zu-byte limit",
                           max_bytes);
    }
    cs_status st = cs_ydoc_parse(doc, path, buf, n, d);
    free(buf);
    return st;
}

void cs_ydoc_free(cs_ydoc *doc)
{
    cs_arena_free(&doc->arena);
    memset(doc, 0, sizeof *doc);
}

const cs_ynode *cs_ymap_get(const cs_ynode *map, const char *key)
{
    if (!map || map->kind != CS_Y_MAP)
        return NULL;
    for (const cs_ynode *c = map->first; c; c = c->next)
        if (strcmp(c->key->str, key) == 0)
            return c;
    return NULL;
}
