/* `rules explain`: a rule in plain words. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/internal.h"

typedef struct {
    char *buf;
    size_t n, cap;
} sbuf;

static void put(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    va_list ap2;
    va_copy(ap2, ap);
    int k = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (k < 0) {
        va_end(ap2);
        return;
    }
    if (b->n + (size_t)k + 1 > b->cap) {
        b->cap = (b->n + (size_t)k + 1) * 2;
        b->buf = cs_xrealloc(b->buf, b->cap);
    }
    vsnprintf(b->buf + b->n, (size_t)k + 1, fmt, ap2);
    va_end(ap2);
    b->n += (size_t)k;
}

/* text wrapped at ~76 columns, each line indented */
static void wrapped(sbuf *b, const char *indent, const char *text)
{
    size_t col = 0;
    const char *p = text;
    put(b, "%s", indent);
    while (*p) {
        const char *w = p;
        while (*w && *w != ' ' && *w != '\n')
            w++;
        size_t len = (size_t)(w - p);
        if (col && col + 1 + len > 72) {
            put(b, "\n%s", indent);
            col = 0;
        } else if (col) {
            put(b, " ");
            col++;
        }
        put(b, "%.*s", (int)len, p);
        col += len;
        p = w;
        while (*p == ' ')
            p++;
        if (*p == '\n') {
            put(b, "\n%s", indent);
            col = 0;
            p++;
        }
    }
    put(b, "\n");
}

char *cs_rule_explain(const cs_ruleset *rs, const cs_rule *r)
{
    sbuf b = {NULL, 0, 0};
    const cs_ds_schema *s = rs->schema;
    put(&b, "%s  %s", r->code, cs_rule_severity_name(r->severity));
    if (strcmp(r->mirrors, r->code) != 0)
        put(&b, ", mirrors %s", r->mirrors);
    if (r->local)
        put(&b, ", local rule");
    put(&b, "\n");
    wrapped(&b, "  ", r->message);
    put(&b, "\nChecks: %s\n",
        r->group < 0 ? "the whole return, once" :
        cs_arena_printf((cs_arena *)&rs->arena, "each row of %s%s%s", r->scope,
                        strcmp(r->scope, s->groups[r->group].name) != 0 ? " (" : "",
                        strcmp(r->scope, s->groups[r->group].name) != 0
                            ? cs_arena_printf((cs_arena *)&rs->arena, "%s)", s->groups[r->group].name)
                            : ""));
    if (r->nfields) {
        put(&b, "Fields:");
        for (uint32_t i = 0; i < r->nfields; i++) {
            const cs_rule_field *f = &r->fields[i];
            const cs_ds_group *g = &s->groups[f->group];
            if (f->group == r->group)
                put(&b, "%s %s", i ? "," : "", g->fields[f->field].name);
            else
                put(&b, "%s %s.%s", i ? "," : "", g->name, g->fields[f->field].name);
        }
        put(&b, "\n");
    }
    for (uint32_t i = 0; i < r->nlets; i++)
        put(&b, "Where %s is: %s\n", r->lets[i].name, r->lets[i].text);
    if (r->when_text)
        put(&b, "Applies when: %s\n", r->when_text);
    put(&b, "Requires: %s\n", r->require_text);
    put(&b, "A finding is raised for each %s where %sthe requirement does not hold.\n",
        r->group < 0 ? "run" : "row", r->when_text ? "it applies and " : "");
    if (r->last == CS_LAST_REQUIRED)
        put(&b, "Needs last year's return: without it the rule is reported as not run.\n");
    else if (r->last == CS_LAST_OPTIONAL)
        put(&b, "Uses last year's return when it is supplied.\n");
    if (r->ntables) {
        put(&b, "Reference tables:");
        for (uint32_t i = 0; i < r->ntables; i++)
            put(&b, "%s %s", i ? "," : "", r->tables[i]);
        put(&b, "\n");
    }
    if (r->explain) {
        put(&b, "\n");
        wrapped(&b, "  ", r->explain);
    }
    if (r->example) {
        put(&b, "\nExample:\n");
        wrapped(&b, "  ", r->example);
    }
    put(&b, "\nDefined in %s:%u\n", r->file, r->line);
    return b.buf;
}
