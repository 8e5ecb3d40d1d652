/* Source profile loader: YAML (etl/README.md) -> cs_profile.
 *
 * Loading happens in two steps. First each file, parent before child, is
 * read into a loader-side form that keeps "not set" apart from every value
 * and remembers the YAML position of every entity map, field and code
 * table, so merging (extends, override) can happen before defaults are
 * applied and late errors can still name file:line:col. Then the merged
 * form is resolved into the public arrays and code tables are loaded once
 * each. */
#include "etl/profile.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "etl/ytree.h"
#include "util/limits.h"

#define MAX_EXTENDS_DEPTH 8u
#define UNSET (-1)

/* Settings a profile's defaults and each entity map may give. */
typedef struct {
    int format, delimiter, encoding, invalid, dates;   /* UNSET or the value */
} settings;

typedef struct lfield {
    cs_field_map m;
    const char *file;            /* profile file that gave the mapping */
    uint32_t line, col;          /* position of the field's key */
    uint32_t codes_line, codes_col;
    struct lfield *next;
} lfield;

typedef struct lentity {
    const char *key;             /* the map's name under entities: */
    const char *file;
    uint32_t line, col;
    const cs_entity_desc *entity;
    const char *path;            /* file: */
    int optional;                /* UNSET, 0, 1 */
    settings set;
    int has_filters;
    cs_row_filter *filters;
    size_t nfilters;
    cs_pivot *pivot;             /* NULL: none (or removed) */
    int has_layout;
    cs_fixed_column *layout;
    size_t nlayout;
    const char *record;
    lfield *fields;
    struct lentity *next;
} lentity;

typedef struct {
    const char *name;
    const cs_codemap *map;
} cached_codes;

typedef struct {
    cs_profile *p;
    cs_arena *a;
    cs_diag *d;
    const char *file;            /* the file being read (arena) */
    const char *top_dir;         /* directory of the profile given to load */
    const char *name, *system, *description, *codes_dir;
    settings defaults;
    lentity *entities;
    const char *chain[MAX_EXTENDS_DEPTH + 1];   /* real paths, for cycle detection */
    size_t depth;
    cached_codes *codes;
    size_t ncodes, codes_cap;
} loader;

static const char *const top_keys[] = {"profile", "system", "description", "extends",
                                       "defaults", "entities", "override", NULL};
static const char *const default_keys[] = {"format", "delimiter", "encoding", "invalid",
                                           "dates", "codes", NULL};
static const char *const entity_keys[] = {"entity", "file", "optional", "format", "delimiter",
                                          "encoding", "invalid", "dates", "filter", "fields",
                                          "pivot", "layout", "record", NULL};
static const char *const field_keys[] = {"column", "codes", "dates", "true", "const", "concat",
                                         "separator", "day", "month", "year", NULL};
static const char *const filter_keys[] = {"column", "include", "exclude", NULL};
static const char *const pivot_keys[] = {"key", "name", "value", "order", "carry", NULL};
static const char *const layout_keys[] = {"name", "start", "width", NULL};

/* ---- messages ---- */

static cs_status err(loader *L, const cs_ynode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static cs_status err(loader *L, const cs_ynode *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cs_status st = cs_yerr_va(L->d, CS_ERR_CONFIG, L->file, n ? n->line : 0, n ? n->col : 0,
                              fmt, ap);
    va_end(ap);
    return st;
}

static cs_status err_at(loader *L, const char *file, uint32_t line, uint32_t col,
                        const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static cs_status err_at(loader *L, const char *file, uint32_t line, uint32_t col,
                        const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cs_status st = cs_yerr_va(L->d, CS_ERR_CONFIG, file, line, col, fmt, ap);
    va_end(ap);
    return st;
}

static void append_name(char *buf, size_t n, size_t *used, const char *name)
{
    if (*used >= n)
        return;
    int w = snprintf(buf + *used, n - *used, "%s%s", *used ? ", " : "", name);
    if (w > 0)
        *used += (size_t)w;
}

static const char *list_keys(const char *const *keys, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; keys[i]; i++)
        append_name(buf, n, &used, keys[i]);
    return buf;
}

static const char *list_fields(const cs_entity_desc *e, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < e->nfields; i++)
        append_name(buf, n, &used, e->fields[i].name);
    return buf;
}

static const char *list_entities(char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < CS_ENTITY_COUNT; i++)
        append_name(buf, n, &used, cs_entities[i].name);
    return buf;
}

/* ---- scalar helpers ---- */

static cs_status check_keys(loader *L, const cs_ynode *map, const char *const *allowed,
                            const char *where)
{
    for (const cs_ynode *c = map->first; c; c = c->next) {
        size_t i = 0;
        while (allowed[i] && strcmp(allowed[i], c->key->str) != 0)
            i++;
        if (!allowed[i]) {
            char keys[512];
            return err(L, c->key, "unknown key '%s' in %s (keys are: %s)", c->key->str, where,
                       list_keys(allowed, keys, sizeof keys));
        }
    }
    return CS_OK;
}

static cs_status want_map(loader *L, const cs_ynode *n, const char *what)
{
    if (n->kind != CS_Y_MAP)
        return err(L, n, "%s must be a mapping (key: value lines), found %s", what,
                   cs_ynode_kind_name(n));
    return CS_OK;
}

static cs_status want_text(loader *L, const cs_ynode *n, const char *what)
{
    if (n->kind != CS_Y_SCALAR || n->is_null || n->len == 0)
        return err(L, n, "'%s' must be a text value, found %s", what, cs_ynode_kind_name(n));
    return CS_OK;
}

static cs_status get_text(loader *L, const cs_ynode *n, const char *what, const char **out)
{
    cs_status st = want_text(L, n, what);
    if (st == CS_OK)
        *out = cs_arena_strndup(L->a, n->str, n->len);
    return st;
}

static cs_status get_bool(loader *L, const cs_ynode *n, const char *what, int *out)
{
    static const char *const yes[] = {"true", "yes", "on", "1"};
    static const char *const no[] = {"false", "no", "off", "0"};
    cs_status st = want_text(L, n, what);
    if (st != CS_OK)
        return st;
    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(n->str, yes[i]) == 0) {
            *out = 1;
            return CS_OK;
        }
        if (strcasecmp(n->str, no[i]) == 0) {
            *out = 0;
            return CS_OK;
        }
    }
    return err(L, n, "'%s' must be true or false, not '%s'", what, n->str);
}

static cs_status get_uint(loader *L, const cs_ynode *n, const char *what, uint32_t max,
                          uint32_t *out)
{
    cs_status st = want_text(L, n, what);
    if (st != CS_OK)
        return st;
    char *end;
    errno = 0;
    unsigned long v = strtoul(n->str, &end, 10);
    if (n->str[0] < '0' || n->str[0] > '9' || *end || errno || v < 1 || v > max)
        return err(L, n, "'%s' must be a whole number from 1 to %u, not '%s'", what, max, n->str);
    *out = (uint32_t)v;
    return CS_OK;
}

static cs_status get_date_style(loader *L, const cs_ynode *n, cs_date_style *out)
{
    cs_status st = want_text(L, n, "dates");
    if (st != CS_OK)
        return st;
    int ds = cs_date_style_parse(n->str);
    if (ds < 0)
        return err(L, n, "unknown date style '%s' (styles are: auto, iso, dd/mm/yyyy, "
                         "sqlserver, oracle)", n->str);
    *out = (cs_date_style)ds;
    return CS_OK;
}

/* A list of text values, or one text value as a list of one. */
static cs_status get_text_list(loader *L, const cs_ynode *n, const char *what,
                               const char ***out, size_t *count)
{
    if (n->kind == CS_Y_SCALAR) {
        const char **v = cs_arena_alloc(L->a, sizeof *v);
        cs_status st = get_text(L, n, what, &v[0]);
        if (st != CS_OK)
            return st;
        *out = v;
        *count = 1;
        return CS_OK;
    }
    if (n->kind != CS_Y_SEQ || n->n == 0)
        return err(L, n, "'%s' must be a list of values, found %s", what,
                   n->kind == CS_Y_SEQ ? "an empty list" : cs_ynode_kind_name(n));
    const char **v = cs_arena_alloc(L->a, n->n * sizeof *v);
    size_t i = 0;
    for (const cs_ynode *c = n->first; c; c = c->next, i++) {
        /* A quoted empty string is a legitimate value to match ("" = blank). */
        if (c->kind != CS_Y_SCALAR || c->is_null)
            return err(L, c, "each item of '%s' must be a text value, found %s", what,
                       cs_ynode_kind_name(c));
        v[i] = cs_arena_strndup(L->a, c->str, c->len);
    }
    *out = v;
    *count = n->n;
    return CS_OK;
}

/* ---- paths ---- */

static const char *dir_of(cs_arena *a, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return ".";
    if (slash == path)
        return "/";
    return cs_arena_strndup(a, path, (size_t)(slash - path));
}

static const char *join_path(loader *L, const cs_ynode *at, const char *dir, const char *rel,
                             const char **out)
{
    const char *p = rel[0] == '/' ? cs_arena_strdup(L->a, rel)
                                  : cs_arena_printf(L->a, "%s/%s", dir, rel);
    if (strlen(p) >= CS_MAX_PATH) {
        err(L, at, "path is longer than %u bytes", CS_MAX_PATH);
        return NULL;
    }
    *out = p;
    return p;
}

/* ---- settings shared by defaults and entity maps ---- */

/* One of a list of words (case ignored); *out = its index, which is the
 * enum value: the lists are in enum order. */
static cs_status get_choice(loader *L, const cs_ynode *v, const char *what,
                            const char *const *words, int *out)
{
    cs_status st = want_text(L, v, what);
    if (st != CS_OK)
        return st;
    for (int i = 0; words[i]; i++)
        if (strcasecmp(v->str, words[i]) == 0) {
            *out = i;
            return CS_OK;
        }
    char list[128];
    return err(L, v, "unknown %s '%s' (choose from: %s)", what, v->str,
               list_keys(words, list, sizeof list));
}

static cs_status parse_setting(loader *L, const cs_ynode *key, const cs_ynode *v, settings *s,
                               int *handled)
{
    const char *k = key->str;
    *handled = 1;
    cs_status st;
    if (strcmp(k, "format") == 0) {
        /* in cs_table_format order */
        static const char *const formats[] = {"csv", "fixed", "xml", NULL};
        return get_choice(L, v, k, formats, &s->format);
    } else if (strcmp(k, "delimiter") == 0) {
        if (v->kind != CS_Y_SCALAR || v->is_null || v->len == 0)
            return err(L, v, "'delimiter' must be one character, found %s", cs_ynode_kind_name(v));
        static const struct { const char *name; char c; } names[] = {
            {"tab", '\t'}, {"\\t", '\t'}, {"comma", ','}, {"semicolon", ';'}, {"pipe", '|'},
            {"auto", 0}};
        int found = 0;
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            if (strcasecmp(v->str, names[i].name) == 0) {
                s->delimiter = names[i].c;
                found = 1;
            }
        if (!found) {
            if (v->len != 1 || v->str[0] == '"' || v->str[0] == '\n' || v->str[0] == '\r' ||
                (unsigned char)v->str[0] >= 0x80)
                return err(L, v, "'delimiter' must be one character (or tab, comma, semicolon, "
                                 "pipe, auto), not '%s'", v->str);
            s->delimiter = (unsigned char)v->str[0];
        }
    } else if (strcmp(k, "encoding") == 0) {
        if ((st = want_text(L, v, k)) != CS_OK)
            return st;
        int e = strcasecmp(v->str, "auto") == 0 ? CS_ENC_AUTO : cs_encoding_parse(v->str);
        if (e < 0)
            return err(L, v, "unknown encoding '%s' (encodings are: auto, utf-8, utf-16le, "
                             "utf-16be, windows-1252, iso-8859-1)", v->str);
        s->encoding = e;
    } else if (strcmp(k, "invalid") == 0) {
        /* in cs_invalid_policy order */
        static const char *const policies[] = {"error", "replace", NULL};
        return get_choice(L, v, k, policies, &s->invalid);
    } else if (strcmp(k, "dates") == 0) {
        cs_date_style ds;
        if ((st = get_date_style(L, v, &ds)) != CS_OK)
            return st;
        s->dates = (int)ds;
    } else {
        *handled = 0;
    }
    return CS_OK;
}

static void settings_unset(settings *s)
{
    s->format = s->delimiter = s->encoding = s->invalid = s->dates = UNSET;
}

/* ---- field maps ---- */

static int type_takes_text(cs_field_type t)
{
    return t == CS_FT_ID || t == CS_FT_STR || t == CS_FT_CODE;
}

/* A constant must make sense for the field's type: check once here so a
 * bad constant is a profile error, not a finding on every record. */
static cs_status check_const(loader *L, const cs_ynode *at, const cs_field_desc *f,
                             const char *v)
{
    cs_value_ctx ctx = {0};
    size_t n = strlen(v);
    int ok = 1;
    switch (f->type) {
    case CS_FT_DATE: ok = cs_value_date(&ctx, v, n, CS_DATES_AUTO) != CS_DATE_NONE; break;
    case CS_FT_INT: ok = cs_value_int(&ctx, v, n) != CS_INT_NONE; break;
    case CS_FT_BOOL: ok = cs_value_bool(&ctx, v, n) != CS_BOOL_NONE; break;
    default: break;
    }
    if (!ok)
        return err(L, at, "constant '%s' is not a valid %s for field '%s'", v,
                   cs_field_type_name(f->type), f->name);
    return CS_OK;
}

static cs_status parse_field(loader *L, const cs_entity_desc *ent, const cs_ynode *key,
                             const cs_ynode *v, lfield *out)
{
    const cs_field_desc *f = cs_entity_field(ent, key->str);
    if (!f) {
        char names[768];
        return err(L, key, "unknown field '%s' for entity '%s' (fields are: %s)", key->str,
                   ent->name, list_fields(ent, names, sizeof names));
    }
    memset(out, 0, sizeof *out);
    cs_field_map *m = &out->m;
    m->field = f->name;
    m->desc = f;
    m->date_style = CS_DATES_AUTO;
    out->file = L->file;
    out->line = key->line;
    out->col = key->col;
    if (v->kind == CS_Y_SCALAR) {
        m->kind = CS_MAP_COLUMN;
        return get_text(L, v, key->str, &m->column);
    }
    if (v->kind != CS_Y_MAP)
        return err(L, v, "field '%s' must name a column or be a mapping ({ column: ... }), "
                         "found %s", key->str, cs_ynode_kind_name(v));
    char where[128];
    snprintf(where, sizeof where, "field '%s'", key->str);
    cs_status st = check_keys(L, v, field_keys, where);
    if (st != CS_OK)
        return st;
    const cs_ynode *column = cs_ymap_get(v, "column"), *cnst = cs_ymap_get(v, "const"),
                   *concat = cs_ymap_get(v, "concat"), *day = cs_ymap_get(v, "day"),
                   *month = cs_ymap_get(v, "month"), *year = cs_ymap_get(v, "year"),
                   *codes = cs_ymap_get(v, "codes"), *dates = cs_ymap_get(v, "dates"),
                   *tru = cs_ymap_get(v, "true"), *sep = cs_ymap_get(v, "separator");
    int split = day || month || year;
    int sources = !!column + !!cnst + !!concat + !!split;
    if (sources != 1)
        return err(L, v, "field '%s' needs exactly one source: column, const, concat, or "
                         "day/month/year (found %d)", key->str, sources);
    if (column) {
        m->kind = CS_MAP_COLUMN;
        if ((st = get_text(L, column, "column", &m->column)) != CS_OK)
            return st;
    } else if (cnst) {
        m->kind = CS_MAP_CONST;
        /* A quoted empty constant is allowed: it clears the field explicitly. */
        if (cnst->kind != CS_Y_SCALAR || cnst->is_null)
            return err(L, cnst, "'const' must be a text value, found %s",
                       cs_ynode_kind_name(cnst));
        m->constant = cs_arena_strndup(L->a, cnst->str, cnst->len);
        if (m->constant[0] && (st = check_const(L, cnst, f, m->constant)) != CS_OK)
            return st;
    } else if (concat) {
        m->kind = CS_MAP_CONCAT;
        if (!type_takes_text(f->type))
            return err(L, concat, "concat is only for id, string and code fields; '%s' is %s",
                       f->name, cs_field_type_name(f->type));
        if ((st = get_text_list(L, concat, "concat", &m->columns, &m->ncolumns)) != CS_OK)
            return st;
        m->separator = "-";
    } else {
        m->kind = CS_MAP_SPLIT_DATE;
        if (f->type != CS_FT_DATE)
            return err(L, day ? day : month ? month : year,
                       "day/month/year columns make a date, but field '%s' is %s", f->name,
                       cs_field_type_name(f->type));
        if (!day || !month || !year)
            return err(L, v, "a split date needs all of day, month and year");
        if ((st = get_text(L, day, "day", &m->day)) != CS_OK ||
            (st = get_text(L, month, "month", &m->month)) != CS_OK ||
            (st = get_text(L, year, "year", &m->year)) != CS_OK)
            return st;
    }
    if (sep) {
        if (!concat)
            return err(L, sep, "'separator' goes with concat");
        if (sep->kind != CS_Y_SCALAR)
            return err(L, sep, "'separator' must be text, found %s", cs_ynode_kind_name(sep));
        m->separator = cs_arena_strndup(L->a, sep->str, sep->len);
    }
    if (codes) {
        if (f->type != CS_FT_CODE)
            return err(L, codes, "code tables apply to code fields; '%s' is %s", f->name,
                       cs_field_type_name(f->type));
        if (cnst)
            return err(L, codes, "a constant is not translated through a code table");
        if ((st = get_text(L, codes, "codes", &m->codes)) != CS_OK)
            return st;
        if (strchr(m->codes, '/') || m->codes[0] == '.')
            return err(L, codes, "code table name '%s' must be a plain name (no '/' or "
                                 "leading '.')", m->codes);
        out->codes_line = codes->line;
        out->codes_col = codes->col;
    }
    if (dates) {
        if (f->type != CS_FT_DATE)
            return err(L, dates, "'dates' applies to date fields; '%s' is %s", f->name,
                       cs_field_type_name(f->type));
        if (!column)
            return err(L, dates, "'dates' goes with a column");
        if ((st = get_date_style(L, dates, &m->date_style)) != CS_OK)
            return st;
    }
    if (tru) {
        if (f->type != CS_FT_BOOL)
            return err(L, tru, "'true' spellings apply to yes/no fields; '%s' is %s", f->name,
                       cs_field_type_name(f->type));
        if (!column)
            return err(L, tru, "'true' goes with a column");
        if (tru->kind == CS_Y_SEQ) {
            const char **vals;
            size_t nv;
            if ((st = get_text_list(L, tru, "true", &vals, &nv)) != CS_OK)
                return st;
            size_t len = 0;
            for (size_t i = 0; i < nv; i++)
                len += strlen(vals[i]) + 1;
            char *joined = cs_arena_alloc(L->a, len + 1);
            for (size_t i = 0; i < nv; i++) {
                if (i)
                    strcat(joined, ",");
                strcat(joined, vals[i]);
            }
            m->true_values = joined;
        } else if ((st = get_text(L, tru, "true", &m->true_values)) != CS_OK) {
            return st;
        }
    }
    return CS_OK;
}

static lfield **find_field(lentity *e, const char *name)
{
    lfield **pp = &e->fields;
    while (*pp && strcmp((*pp)->m.field, name) != 0)
        pp = &(*pp)->next;
    return pp;
}

/* fields: { canonical: source }. With allow_remove (override), a null
 * source drops the parent's mapping of that field. */
static cs_status parse_fields(loader *L, lentity *e, const cs_ynode *fields, int allow_remove)
{
    cs_status st = want_map(L, fields, "'fields'");
    if (st != CS_OK)
        return st;
    for (const cs_ynode *c = fields->first; c; c = c->next) {
        lfield **slot = find_field(e, c->key->str);
        if (c->kind == CS_Y_SCALAR && c->is_null) {
            if (!allow_remove)
                return err(L, c->key, "field '%s' has no source", c->key->str);
            if (!cs_entity_field(e->entity, c->key->str)) {
                char names[768];
                return err(L, c->key, "unknown field '%s' for entity '%s' (fields are: %s)",
                           c->key->str, e->entity->name,
                           list_fields(e->entity, names, sizeof names));
            }
            if (*slot)
                *slot = (*slot)->next;
            continue;
        }
        lfield *f = cs_arena_alloc(L->a, sizeof *f);
        if ((st = parse_field(L, e->entity, c->key, c, f)) != CS_OK)
            return st;
        if (*slot) {
            f->next = (*slot)->next;
            *slot = f;
        } else {
            *slot = f;
        }
    }
    return CS_OK;
}

/* ---- filters, pivot, layout ---- */

static cs_status parse_filter_item(loader *L, const cs_ynode *n, cs_row_filter *out)
{
    cs_status st = want_map(L, n, "a filter");
    if (st != CS_OK || (st = check_keys(L, n, filter_keys, "a filter")) != CS_OK)
        return st;
    const cs_ynode *col = cs_ymap_get(n, "column"), *inc = cs_ymap_get(n, "include"),
                   *exc = cs_ymap_get(n, "exclude");
    if (!col)
        return err(L, n, "a filter needs 'column'");
    if (!!inc + !!exc != 1)
        return err(L, n, "a filter needs exactly one of 'include' or 'exclude'");
    if ((st = get_text(L, col, "column", &out->column)) != CS_OK)
        return st;
    out->exclude = exc != NULL;
    return get_text_list(L, inc ? inc : exc, inc ? "include" : "exclude", &out->values,
                         &out->nvalues);
}

static cs_status parse_filters(loader *L, lentity *e, const cs_ynode *n)
{
    e->has_filters = 1;
    if (n->kind == CS_Y_MAP) {
        e->filters = cs_arena_alloc(L->a, sizeof *e->filters);
        e->nfilters = 1;
        return parse_filter_item(L, n, &e->filters[0]);
    }
    if (n->kind == CS_Y_SCALAR && n->is_null) {   /* filter: ~ drops the parent's filters */
        e->filters = NULL;
        e->nfilters = 0;
        return CS_OK;
    }
    if (n->kind != CS_Y_SEQ)
        return err(L, n, "'filter' must be a list of filters, found %s", cs_ynode_kind_name(n));
    e->filters = cs_arena_alloc(L->a, (n->n ? n->n : 1) * sizeof *e->filters);
    e->nfilters = n->n;
    size_t i = 0;
    for (const cs_ynode *c = n->first; c; c = c->next, i++) {
        cs_status st = parse_filter_item(L, c, &e->filters[i]);
        if (st != CS_OK)
            return st;
    }
    return CS_OK;
}

static cs_status parse_pivot(loader *L, lentity *e, const cs_ynode *n)
{
    if (n->kind == CS_Y_SCALAR && n->is_null) {
        e->pivot = NULL;
        return CS_OK;
    }
    cs_status st = want_map(L, n, "'pivot'");
    if (st != CS_OK || (st = check_keys(L, n, pivot_keys, "'pivot'")) != CS_OK)
        return st;
    cs_pivot *pv = cs_arena_alloc(L->a, sizeof *pv);
    const char *const req[] = {"key", "name", "value"};
    const char **dst[] = {&pv->key, &pv->name, &pv->value};
    for (size_t i = 0; i < 3; i++) {
        const cs_ynode *v = cs_ymap_get(n, req[i]);
        if (!v)
            return err(L, n, "'pivot' needs '%s' (the %s column)", req[i],
                       i == 0 ? "record key" : i == 1 ? "attribute name" : "attribute value");
        if ((st = get_text(L, v, req[i], dst[i])) != CS_OK)
            return st;
    }
    const cs_ynode *order = cs_ymap_get(n, "order"), *carry = cs_ymap_get(n, "carry");
    if (order && (st = get_text(L, order, "order", &pv->order)) != CS_OK)
        return st;
    if (carry && (st = get_text_list(L, carry, "carry", &pv->carry, &pv->ncarry)) != CS_OK)
        return st;
    e->pivot = pv;
    return CS_OK;
}

static cs_status parse_layout(loader *L, lentity *e, const cs_ynode *n)
{
    if (n->kind != CS_Y_SEQ || n->n == 0)
        return err(L, n, "'layout' must be a list of {name, start, width}, found %s",
                   n->kind == CS_Y_SEQ ? "an empty list" : cs_ynode_kind_name(n));
    cs_fixed_column *cols = cs_arena_alloc(L->a, n->n * sizeof *cols);
    const cs_ynode **at = cs_xcalloc(n->n, sizeof *at);
    size_t i = 0;
    cs_status st = CS_OK;
    for (const cs_ynode *c = n->first; c && st == CS_OK; c = c->next, i++) {
        at[i] = c;
        if ((st = want_map(L, c, "a layout column")) != CS_OK ||
            (st = check_keys(L, c, layout_keys, "a layout column")) != CS_OK)
            break;
        const cs_ynode *name = cs_ymap_get(c, "name"), *start = cs_ymap_get(c, "start"),
                       *width = cs_ymap_get(c, "width");
        if (!name || !start || !width) {
            st = err(L, c, "a layout column needs name, start and width");
            break;
        }
        if ((st = get_text(L, name, "name", &cols[i].name)) != CS_OK ||
            (st = get_uint(L, start, "start", CS_MAX_ROW_BYTES, &cols[i].start)) != CS_OK ||
            (st = get_uint(L, width, "width", CS_MAX_FIELD_BYTES, &cols[i].width)) != CS_OK)
            break;
        if ((uint64_t)cols[i].start + cols[i].width - 1 > CS_MAX_ROW_BYTES) {
            st = err(L, c, "layout column '%s' ends beyond the longest line allowed (%u)",
                     cols[i].name, CS_MAX_ROW_BYTES);
            break;
        }
        for (size_t j = 0; j < i && st == CS_OK; j++) {
            if (strcasecmp(cols[j].name, cols[i].name) == 0)
                st = err(L, name, "layout column '%s' is named twice", cols[i].name);
            else if (cols[i].start < cols[j].start + cols[j].width &&
                     cols[j].start < cols[i].start + cols[i].width)
                st = err(L, c, "layout column '%s' overlaps '%s' (line %u)", cols[i].name,
                         cols[j].name, at[j]->line);
        }
    }
    free(at);
    if (st != CS_OK)
        return st;
    e->has_layout = 1;
    e->layout = cols;
    e->nlayout = n->n;
    return CS_OK;
}

/* ---- entity maps ---- */

/* Parse one entity map into e. For a fresh map e is zeroed with its entity
 * resolved; for an override e is a copy of the parent's map. */
static cs_status parse_entity_body(loader *L, const cs_ynode *v, lentity *e, int is_override)
{
    cs_status st;
    for (const cs_ynode *c = v->first; c; c = c->next) {
        const char *k = c->key->str;
        int handled = 0;
        if ((st = parse_setting(L, c->key, c, &e->set, &handled)) != CS_OK)
            return st;
        if (handled || strcmp(k, "entity") == 0)
            continue;
        if (strcmp(k, "file") == 0)
            st = get_text(L, c, "file", &e->path);
        else if (strcmp(k, "optional") == 0)
            st = get_bool(L, c, "optional", &e->optional);
        else if (strcmp(k, "filter") == 0)
            st = parse_filters(L, e, c);
        else if (strcmp(k, "fields") == 0)
            st = parse_fields(L, e, c, is_override);
        else if (strcmp(k, "pivot") == 0)
            st = parse_pivot(L, e, c);
        else if (strcmp(k, "layout") == 0)
            st = parse_layout(L, e, c);
        else if (strcmp(k, "record") == 0)
            st = get_text(L, c, "record", &e->record);
        if (st != CS_OK)
            return st;
    }
    return CS_OK;
}

static lentity **find_entity(loader *L, const char *key)
{
    lentity **pp = &L->entities;
    while (*pp && strcmp((*pp)->key, key) != 0)
        pp = &(*pp)->next;
    return pp;
}

static cs_status parse_entities(loader *L, const cs_ynode *n)
{
    cs_status st = want_map(L, n, "'entities'");
    if (st != CS_OK)
        return st;
    for (const cs_ynode *c = n->first; c; c = c->next) {
        lentity **slot = find_entity(L, c->key->str);
        if (c->kind == CS_Y_SCALAR && c->is_null) {
            /* In a child profile, `name: ~` drops the parent's map. */
            if (!*slot)
                return err(L, c->key, "entity map '%s' is empty", c->key->str);
            *slot = (*slot)->next;
            continue;
        }
        char where[160];
        snprintf(where, sizeof where, "entity map '%s'", c->key->str);
        if ((st = want_map(L, c, where)) != CS_OK ||
            (st = check_keys(L, c, entity_keys, where)) != CS_OK)
            return st;
        const cs_ynode *en = cs_ymap_get(c, "entity");
        const char *ename = c->key->str;
        const cs_ynode *at = c->key;
        if (en) {
            if ((st = want_text(L, en, "entity")) != CS_OK)
                return st;
            ename = en->str;
            at = en;
        }
        const cs_entity_desc *desc = cs_entity_find(ename);
        if (!desc) {
            char names[1024];
            return err(L, at, "unknown entity '%s'%s (entities are: %s)", ename,
                       en ? "" : "; name it with 'entity:' if this key is not an entity",
                       list_entities(names, sizeof names));
        }
        lentity *e = cs_arena_alloc(L->a, sizeof *e);
        e->key = cs_arena_strdup(L->a, c->key->str);
        e->file = L->file;
        e->line = c->key->line;
        e->col = c->key->col;
        e->entity = desc;
        e->optional = UNSET;
        settings_unset(&e->set);
        if ((st = parse_entity_body(L, c, e, 0)) != CS_OK)
            return st;
        if (*slot) {
            e->next = (*slot)->next;
            *slot = e;
        } else {
            *slot = e;
        }
    }
    return CS_OK;
}

/* Copy a map's field list so an override does not edit the parent's. */
static lfield *copy_fields(loader *L, const lfield *f)
{
    lfield *head = NULL, **tail = &head;
    for (; f; f = f->next) {
        lfield *c = cs_arena_alloc(L->a, sizeof *c);
        *c = *f;
        c->next = NULL;
        *tail = c;
        tail = &c->next;
    }
    return head;
}

static cs_status parse_override(loader *L, const cs_ynode *n)
{
    cs_status st = want_map(L, n, "'override'");
    if (st != CS_OK)
        return st;
    for (const cs_ynode *c = n->first; c; c = c->next) {
        lentity **slot = find_entity(L, c->key->str);
        if (!*slot) {
            char names[768];
            size_t used = 0;
            names[0] = '\0';
            for (const lentity *e = L->entities; e; e = e->next)
                append_name(names, sizeof names, &used, e->key);
            return err(L, c->key, "override '%s': no entity map of that name to change "
                                  "(maps are: %s)", c->key->str, used ? names : "none");
        }
        char where[160];
        snprintf(where, sizeof where, "override '%s'", c->key->str);
        if ((st = want_map(L, c, where)) != CS_OK ||
            (st = check_keys(L, c, entity_keys, where)) != CS_OK)
            return st;
        const cs_ynode *en = cs_ymap_get(c, "entity");
        if (en && (en->kind != CS_Y_SCALAR || strcmp(en->str, (*slot)->entity->name) != 0))
            return err(L, en, "an override cannot change the entity of '%s' (it is '%s')",
                       c->key->str, (*slot)->entity->name);
        lentity *e = cs_arena_alloc(L->a, sizeof *e);
        *e = **slot;
        e->fields = copy_fields(L, (*slot)->fields);
        if ((st = parse_entity_body(L, c, e, 1)) != CS_OK)
            return st;
        *slot = e;
    }
    return CS_OK;
}

/* ---- files and extends ---- */

static cs_status load_file(loader *L, const char *path, const char *data, size_t n,
                           const cs_ynode *from);

static cs_status parse_root(loader *L, const cs_ydoc *doc)
{
    const cs_ynode *root = doc->root;
    if (!root)
        return cs_diag_set(L->d, CS_ERR_CONFIG, L->file, 0, 0, "the profile is empty");
    cs_status st = want_map(L, root, "a profile");
    if (st != CS_OK || (st = check_keys(L, root, top_keys, "a profile")) != CS_OK)
        return st;
    const cs_ynode *ext = cs_ymap_get(root, "extends");
    if (ext) {
        const char *rel, *full;
        if ((st = get_text(L, ext, "extends", &rel)) != CS_OK)
            return st;
        if (!join_path(L, ext, dir_of(L->a, L->file), rel, &full))
            return L->d ? L->d->status : CS_ERR_CONFIG;
        const char *self = L->file;
        st = load_file(L, full, NULL, 0, ext);
        L->file = self;
        if (st != CS_OK)
            return st;
    }
    const char *const names[] = {"profile", "system", "description"};
    const char **dst[] = {&L->name, &L->system, &L->description};
    for (size_t i = 0; i < 3; i++) {
        const cs_ynode *v = cs_ymap_get(root, names[i]);
        if (v && (st = get_text(L, v, names[i], dst[i])) != CS_OK)
            return st;
    }
    const cs_ynode *defs = cs_ymap_get(root, "defaults");
    if (defs) {
        if ((st = want_map(L, defs, "'defaults'")) != CS_OK ||
            (st = check_keys(L, defs, default_keys, "'defaults'")) != CS_OK)
            return st;
        for (const cs_ynode *c = defs->first; c; c = c->next) {
            int handled;
            if ((st = parse_setting(L, c->key, c, &L->defaults, &handled)) != CS_OK)
                return st;
            if (handled)
                continue;
            const char *rel;   /* codes: relative to this file */
            if ((st = get_text(L, c, "codes", &rel)) != CS_OK)
                return st;
            if (!join_path(L, c, dir_of(L->a, L->file), rel, &L->codes_dir))
                return L->d ? L->d->status : CS_ERR_CONFIG;
        }
    }
    const cs_ynode *ents = cs_ymap_get(root, "entities");
    if (ents && !(ents->kind == CS_Y_SCALAR && ents->is_null) &&
        (st = parse_entities(L, ents)) != CS_OK)
        return st;
    const cs_ynode *ovr = cs_ymap_get(root, "override");
    if (ovr && !(ovr->kind == CS_Y_SCALAR && ovr->is_null) &&
        (st = parse_override(L, ovr)) != CS_OK)
        return st;
    return CS_OK;
}

/* from: the extends: node that named this file (NULL for the top file). */
static cs_status load_file(loader *L, const char *path, const char *data, size_t n,
                           const cs_ynode *from)
{
    const char *parent_file = L->file;
    char real[PATH_MAX];
    const char *id = realpath(path, real) ? real : path;
    for (size_t i = 0; i < L->depth; i++) {
        if (strcmp(L->chain[i], id) == 0) {
            char cyc[768];
            size_t used = 0;
            cyc[0] = '\0';
            for (size_t j = i; j < L->depth; j++)
                append_name(cyc, sizeof cyc, &used, L->chain[j]);
            append_name(cyc, sizeof cyc, &used, id);
            for (char *p = cyc; (p = strstr(p, ", ")) != NULL;)
                memcpy(p, "->", 2);
            return cs_yerr(L->d, parent_file, from, "extends cycle: %s", cyc);
        }
    }
    if (L->depth > MAX_EXTENDS_DEPTH)
        return cs_yerr(L->d, parent_file, from, "extends chain is deeper than %u profiles",
                       MAX_EXTENDS_DEPTH);
    L->chain[L->depth++] = cs_arena_strdup(L->a, id);
    cs_ydoc doc;
    cs_status st = data ? cs_ydoc_parse(&doc, path, data, n, L->d)
                        : cs_ydoc_load(&doc, path, CS_MAX_PROFILE_BYTES, L->d);
    if (st != CS_OK) {
        /* A parent that cannot be opened is reported where extends names it. */
        if (from && st == CS_ERR_IO) {
            char msg[sizeof L->d->msg];
            snprintf(msg, sizeof msg, "%s", L->d->msg);
            cs_yerr(L->d, parent_file, from, "cannot read extended profile %s: %s", path, msg);
            st = CS_ERR_CONFIG;
        }
        L->depth--;
        return st;
    }
    L->file = cs_arena_strdup(L->a, path);
    st = parse_root(L, &doc);
    cs_ydoc_free(&doc);
    L->depth--;
    return st;
}

/* ---- resolution into the public form ---- */

static const cs_codemap *find_codes(loader *L, const lfield *f, cs_status *st)
{
    for (size_t i = 0; i < L->ncodes; i++)
        if (strcmp(L->codes[i].name, f->m.codes) == 0)
            return L->codes[i].map;
    const char *path = cs_arena_printf(L->a, "%s/%s.tsv", L->codes_dir, f->m.codes);
    cs_codemap *map = NULL;
    *st = cs_codemap_load(&map, path, L->a, L->d);
    if (*st != CS_OK) {
        if (*st == CS_ERR_IO) {
            char msg[sizeof L->d->msg];
            snprintf(msg, sizeof msg, "%s", L->d->msg);
            *st = err_at(L, f->file, f->codes_line, f->codes_col,
                         "code table '%s' cannot be read (%s): %s", f->m.codes, path, msg);
        }
        return NULL;
    }
    if (L->ncodes == L->codes_cap) {
        L->codes_cap = L->codes_cap ? L->codes_cap * 2 : 16;
        L->codes = cs_xrealloc(L->codes, L->codes_cap * sizeof *L->codes);
    }
    L->codes[L->ncodes].name = f->m.codes;
    L->codes[L->ncodes].map = map;
    L->ncodes++;
    return map;
}

static int pick(int v, int dflt)
{
    return v == UNSET ? dflt : v;
}

static cs_status resolve_entity(loader *L, const lentity *e, cs_entity_map *out)
{
    cs_profile *p = L->p;
    out->key = e->key;
    out->entity_name = e->entity->name;
    out->entity = e->entity;
    out->file = e->path;
    out->optional = e->optional == 1;
    cs_table_spec *t = &out->table;
    t->format = (cs_table_format)pick(e->set.format, pick(L->defaults.format, CS_TABLE_CSV));
    t->delimiter = (char)pick(e->set.delimiter, p->delimiter);
    t->encoding = (cs_encoding)pick(e->set.encoding, (int)p->encoding);
    t->invalid = (cs_invalid_policy)pick(e->set.invalid, (int)p->invalid);
    t->has_header = 1;
    t->layout = e->layout;
    t->nlayout = e->nlayout;
    t->record_element = e->record;
    out->date_style = (cs_date_style)pick(e->set.dates, (int)p->date_style);
    out->filters = e->filters;
    out->nfilters = e->nfilters;
    out->pivot = e->pivot;
    if (!e->path)
        return err_at(L, e->file, e->line, e->col, "entity map '%s' has no 'file'", e->key);
    if (t->format == CS_TABLE_FIXED && !e->has_layout)
        return err_at(L, e->file, e->line, e->col,
                      "entity map '%s' is fixed-width but has no 'layout'", e->key);
    if (t->format != CS_TABLE_FIXED && e->has_layout)
        return err_at(L, e->file, e->line, e->col,
                      "entity map '%s' has a 'layout' but its format is not fixed", e->key);
    if (t->format == CS_TABLE_XML && !e->record)
        return err_at(L, e->file, e->line, e->col,
                      "entity map '%s' is XML but has no 'record' element name", e->key);
    if (t->format != CS_TABLE_XML && e->record)
        return err_at(L, e->file, e->line, e->col,
                      "entity map '%s' names a 'record' element but its format is not xml",
                      e->key);
    size_t n = 0;
    for (const lfield *f = e->fields; f; f = f->next)
        n++;
    if (n == 0)
        return err_at(L, e->file, e->line, e->col, "entity map '%s' maps no fields", e->key);
    out->fields = cs_arena_alloc(L->a, n * sizeof *out->fields);
    out->nfields = n;
    size_t i = 0;
    for (const lfield *f = e->fields; f; f = f->next, i++) {
        out->fields[i] = f->m;
        if (f->m.codes) {
            cs_status st = CS_OK;
            out->fields[i].codemap = find_codes(L, f, &st);
            if (!out->fields[i].codemap)
                return st;
        }
    }
    return CS_OK;
}

static const char *base_name(cs_arena *a, const char *path)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    const char *dot = strrchr(b, '.');
    return cs_arena_strndup(a, b, dot && dot != b ? (size_t)(dot - b) : strlen(b));
}

static cs_status resolve(loader *L, const char *path)
{
    cs_profile *p = L->p;
    p->path = cs_arena_strdup(L->a, path);
    p->name = L->name ? L->name : base_name(L->a, path);
    p->system = L->system ? L->system : p->name;
    p->description = L->description ? L->description : "";
    p->codes_dir = L->codes_dir ? L->codes_dir
                                : cs_arena_printf(L->a, "%s/../codes", L->top_dir);
    L->codes_dir = p->codes_dir;
    p->encoding = (cs_encoding)pick(L->defaults.encoding, CS_ENC_AUTO);
    p->invalid = (cs_invalid_policy)pick(L->defaults.invalid, CS_INVALID_ERROR);
    p->date_style = (cs_date_style)pick(L->defaults.dates, CS_DATES_AUTO);
    p->delimiter = (char)pick(L->defaults.delimiter, 0);
    size_t n = 0;
    for (const lentity *e = L->entities; e; e = e->next)
        n++;
    if (n == 0)
        return cs_diag_set(L->d, CS_ERR_CONFIG, path, 0, 0, "the profile maps no entities");
    p->entities = cs_arena_alloc(L->a, n * sizeof *p->entities);
    p->nentities = n;
    size_t i = 0;
    for (const lentity *e = L->entities; e; e = e->next, i++) {
        cs_status st = resolve_entity(L, e, &p->entities[i]);
        if (st != CS_OK)
            return st;
    }
    return CS_OK;
}

cs_status cs_profile_parse(cs_profile **out, const char *path, const char *data, size_t n,
                           cs_diag *d)
{
    *out = NULL;
    if (data && n > CS_MAX_PROFILE_BYTES)
        return cs_diag_set(d, CS_ERR_LIMIT, path, 0, 0, "profile is larger than the %u-byte limit",
                           CS_MAX_PROFILE_BYTES);
    cs_profile *p = cs_xcalloc(1, sizeof *p);
    cs_arena_init(&p->arena, 0);
    loader L = {.p = p, .a = &p->arena, .d = d};
    settings_unset(&L.defaults);
    L.top_dir = dir_of(L.a, path);
    cs_status st = load_file(&L, path, data, n, NULL);
    if (st == CS_OK)
        st = resolve(&L, path);
    free(L.codes);
    if (st != CS_OK) {
        cs_profile_free(p);
        return st;
    }
    *out = p;
    return CS_OK;
}

cs_status cs_profile_load(cs_profile **out, const char *path, cs_diag *d)
{
    return cs_profile_parse(out, path, NULL, 0, d);
}

void cs_profile_free(cs_profile *p)
{
    if (!p)
        return;
    cs_arena_free(&p->arena);
    free(p);
}
