/* Compile-error lists with source line and caret. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/srcfile.h"
#include "util/arena.h"

void cs_rule_errors_init(cs_rule_errors *e)
{
    memset(e, 0, sizeof *e);
}

void cs_rule_errors_free(cs_rule_errors *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->count; i++) {
        free(e->items[i].file);
        free(e->items[i].message);
        free(e->items[i].text);
    }
    free(e->items);
    memset(e, 0, sizeof *e);
}

void cs_rsrc_linecol(const cs_rsrc *src, size_t off, uint32_t *line, uint32_t *col)
{
    uint32_t l = 1, c = 1;
    if (off > src->len)
        off = src->len;
    for (size_t i = 0; i < off; i++) {
        unsigned char ch = (unsigned char)src->text[i];
        if (ch == '\n') {
            l++;
            c = 1;
        } else if ((ch & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = l;
    *col = c;
}

static char *xvprintf(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    char *p = cs_xmalloc(n > 0 ? (size_t)n + 1 : 1);
    vsnprintf(p, n > 0 ? (size_t)n + 1 : 1, fmt, ap2);
    va_end(ap2);
    return p;
}

/* Returns the new slot or NULL when the list is full (after noting that once). */
static cs_rule_error *push(cs_rule_errors *e)
{
    if (e->count >= CS_RULE_ERRORS_MAX + 1)
        return NULL;
    if (e->count == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 16;
        e->items = cs_xrealloc(e->items, e->cap * sizeof *e->items);
    }
    cs_rule_error *x = &e->items[e->count++];
    memset(x, 0, sizeof *x);
    if (e->count == CS_RULE_ERRORS_MAX + 1) {
        x->file = cs_xstrdup("");
        x->message = cs_xstrdup("too many errors; stopped reporting");
        x->text = cs_xstrdup("too many errors; stopped reporting");
        return NULL;
    }
    return x;
}

void cs_rerr_add(cs_rule_errors *e, const cs_rsrc *src, size_t off, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cs_rerr_addv(e, src, off, fmt, ap);
    va_end(ap);
}

void cs_rerr_addv(cs_rule_errors *e, const cs_rsrc *src, size_t off, const char *fmt, va_list ap)
{
    if (!e)
        return;
    cs_rule_error *x = push(e);
    if (!x)
        return;
    x->message = xvprintf(fmt, ap);
    x->file = cs_xstrdup(src->path ? src->path : "");
    if (off > src->len)
        off = src->len;
    cs_rsrc_linecol(src, off, &x->line, &x->col);
    /* the source line, and a caret line that copies tabs so it lines up */
    size_t a = off, b = off;
    while (a > 0 && src->text[a - 1] != '\n')
        a--;
    while (b < src->len && src->text[b] != '\n' && src->text[b] != '\r')
        b++;
    size_t linelen = b - a;
    if (linelen > 400) {   /* very long lines: show a window around the column */
        size_t from = off > a + 200 ? off - 200 : a;
        a = from;
        linelen = b - a > 400 ? 400 : b - a;
    }
    size_t head = strlen(x->file) + strlen(x->message) + 64;
    char *t = cs_xmalloc(head + linelen * 2 + 8);
    int n = snprintf(t, head, "%s:%u:%u: %s\n", x->file, x->line, x->col, x->message);
    size_t w = n > 0 ? (size_t)n : 0;
    for (size_t i = 0; i < linelen; i++) {
        char ch = src->text[a + i];
        t[w++] = (ch == '\0') ? ' ' : ch;
    }
    t[w++] = '\n';
    for (size_t i = a; i < off && i < a + linelen; i++) {
        unsigned char ch = (unsigned char)src->text[i];
        if ((ch & 0xC0) == 0x80)
            continue;
        t[w++] = ch == '\t' ? '\t' : ' ';
    }
    t[w++] = '^';
    t[w] = '\0';
    x->text = t;
}

void cs_rerr_add_at(cs_rule_errors *e, const char *file, uint32_t line, uint32_t col,
                    const char *fmt, ...)
{
    if (!e)
        return;
    cs_rule_error *x = push(e);
    if (!x)
        return;
    va_list ap;
    va_start(ap, fmt);
    x->message = xvprintf(fmt, ap);
    va_end(ap);
    x->file = cs_xstrdup(file ? file : "");
    x->line = line;
    x->col = col;
    size_t n = strlen(x->file) + strlen(x->message) + 48;
    x->text = cs_xmalloc(n);
    if (line && col)
        snprintf(x->text, n, "%s:%u:%u: %s", x->file, line, col, x->message);
    else if (line)
        snprintf(x->text, n, "%s:%u: %s", x->file, line, x->message);
    else if (x->file[0])
        snprintf(x->text, n, "%s: %s", x->file, x->message);
    else
        snprintf(x->text, n, "%s", x->message);
}
