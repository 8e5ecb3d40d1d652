/* From source slices to one typed canonical record: the per-record hot
 * path of the extract stage. Values are converted on the stack or in the
 * extractor's scratch buffers; only what the model keeps is copied into its
 * arena (strings) or intern table (codes). */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "etl/extract_int.h"

static const size_t prov_offsets[CS_ENTITY_COUNT] = {
#define ENTITY(n, label, doc) offsetof(cs_##n, prov),
#define FIELD(e, name, type, codeset, doc)
#define END_ENTITY(n)
#include "model/entities.def"
#undef ENTITY
#undef FIELD
#undef END_ENTITY
};

cs_prov *cs_x_prov(const cs_entity_desc *e, void *row)
{
    return (cs_prov *)((unsigned char *)row + prov_offsets[e->id]);
}

static unsigned char lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

int cs_x_equal_ci(const char *s, size_t n, const char *z)
{
    for (size_t i = 0; i < n; i++, z++)
        if (!*z || lower((unsigned char)s[i]) != lower((unsigned char)*z))
            return 0;
    return *z == '\0';
}

/* ---- code values ---- */

/* A field's codes repeat endlessly (sex, ethnicity, need codes...), and a
 * code table lookup plus interning costs a hash and string compares each
 * time. So each CODE field remembers, direct-mapped, the short values (up
 * to 8 bytes, as found after trimming) it has turned into an interned code
 * without a finding; values that drew a finding (unmapped) are never
 * remembered, so their findings are recorded every time. */
#define CODE_CACHE_BITS 6

typedef struct {
    uint64_t key;          /* the value's bytes, zero-padded */
    const char *code;      /* NULL: empty entry */
    uint8_t len;
} code_entry;

struct cs_code_cache {
    code_entry e[1u << CODE_CACHE_BITS];
};

static uint64_t code_key(const char *s, size_t n)
{
    uint64_t k = 0;
    for (size_t i = 0; i < n; i++)
        k |= (uint64_t)(unsigned char)s[i] << (8 * i);
    return k;
}

static code_entry *code_slot(struct cs_code_cache *c, uint64_t key)
{
    return &c->e[(key * 0x9E3779B97F4A7C15ull) >> (64 - CODE_CACHE_BITS)];
}

/* ---- text values ---- */

/* Rows come grouped (a child's visits together, a plan's visits together),
 * so an ID or STR field often holds the same text as in the record before.
 * The model then shares that record's copy instead of making another: a
 * million-child extract keeps ~100 MB less. Model strings are never changed
 * in place, so sharing is safe. */
struct cs_last_text {
    const char *text;      /* in the model's arena; NULL before the first */
    size_t len;
};

/* Equal slices; a plain loop, as values are a few bytes. The last byte
 * first: consecutive ids (VIS6, VIS7) differ there. */
static int same_bytes(const char *a, const char *b, size_t n)
{
    if (n && a[n - 1] != b[n - 1])
        return 0;
    for (size_t i = 0; i + 1 < n; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

static const char *model_text(cs_extractor *x, const cs_xfield *f, const char *s, size_t n)
{
    struct cs_last_text *l = f->last;
    if (!l)
        return cs_arena_strndup(&x->m->arena, s, n);
    if (!(l->text && l->len == n && same_bytes(l->text, s, n))) {
        l->text = cs_arena_strndup(&x->m->arena, s, n);
        l->len = n;
    }
    return l->text;
}

/* ---- preparing a map for the run ---- */

static void prepare_const(cs_extractor *x, cs_xfield *f)
{
    cs_value_ctx quiet = {0};
    const char *s = f->fm->constant;
    size_t n = strlen(s);
    switch (f->desc->type) {
    case CS_FT_ID: {
        size_t on = 0;
        const char *v = cs_value_id(&quiet, s, n, x->part, x->partcap, &on);
        f->const_text = v && on ? cs_arena_strndup(&x->m->arena, v, on) : NULL;
        break;
    }
    case CS_FT_STR: {
        size_t tn;
        const char *t = cs_value_trim(&quiet, s, n, &tn);
        f->const_text = tn ? cs_arena_strndup(&x->m->arena, t, tn) : NULL;
        break;
    }
    case CS_FT_CODE: {
        size_t tn;
        const char *t = cs_value_trim(&quiet, s, n, &tn);
        f->const_text = tn ? cs_intern_n(&x->m->codes, t, tn) : NULL;
        break;
    }
    case CS_FT_DATE: f->const_date = n ? cs_value_date(&quiet, s, n, CS_DATES_AUTO) : CS_DATE_NONE; break;
    case CS_FT_INT: f->const_int = n ? cs_value_int(&quiet, s, n) : CS_INT_NONE; break;
    case CS_FT_BOOL: f->const_bool = n ? cs_value_bool(&quiet, s, n) : CS_BOOL_NONE; break;
    }
}

/* "M, MOTHER" -> {"M", "MOTHER"} */
static void prepare_trues(cs_extractor *x, cs_xfield *f)
{
    const char *s = f->fm->true_values;
    size_t count = 1;
    for (const char *p = s; *p; p++)
        count += *p == ',';
    f->trues = cs_arena_alloc(&x->run, count * sizeof *f->trues);
    cs_value_ctx quiet = {0};
    while (*s) {
        const char *comma = strchr(s, ',');
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        size_t tn;
        const char *t = cs_value_trim(&quiet, s, len, &tn);
        if (tn)
            f->trues[f->ntrues++] = cs_arena_strndup(&x->run, t, tn);
        s += len + (comma != NULL);
    }
}

void cs_x_prepare(cs_extractor *x, cs_xmap *xm, const cs_entity_map *map)
{
    xm->map = map;
    xm->nfields = map->nfields;
    xm->fields = cs_arena_alloc(&x->run, (map->nfields ? map->nfields : 1) * sizeof *xm->fields);
    xm->id = -1;
    for (size_t i = 0; i < map->nfields; i++) {
        cs_xfield *f = &xm->fields[i];
        f->fm = &map->fields[i];
        f->desc = f->fm->desc;
        f->style = f->fm->date_style != CS_DATES_AUTO ? f->fm->date_style : map->date_style;
        f->col = f->day = f->month = f->year = -1;
        if (f->fm->kind == CS_MAP_CONST)
            prepare_const(x, f);
        if (f->fm->true_values)
            prepare_trues(x, f);
        if (f->desc->type == CS_FT_CODE)
            f->cache = cs_arena_alloc(&x->run, sizeof *f->cache);
        if (f->desc->type == CS_FT_ID || f->desc->type == CS_FT_STR)
            f->last = cs_arena_alloc(&x->run, sizeof *f->last);
        if (strcmp(f->desc->name, "id") == 0)
            xm->id = (int)i;
    }
}

/* ---- one record ---- */

static const cs_field empty_slot = {"", 0, 0, 0};

static const cs_field *slot(const cs_field *slots, size_t nslots, int i)
{
    return i >= 0 && (size_t)i < nslots ? &slots[i] : &empty_slot;
}

static void at(cs_value_ctx *ctx, const cs_field *s, uint64_t line)
{
    ctx->line = s->line ? s->line : line;
    ctx->col = s->col;
}

static void code_value(cs_extractor *x, const cs_xfield *f, const char **dst, const char *s,
                       size_t n, const cs_value_ctx *ctx)
{
    size_t tn;
    const char *t = cs_value_trim(ctx, s, n, &tn);
    if (tn == 0)
        return;
    code_entry *ce = NULL;
    uint64_t key = 0;
    if (f->cache && tn <= 8) {
        key = code_key(t, tn);
        ce = code_slot(f->cache, key);
        if (ce->code && ce->key == key && ce->len == tn) {
            *dst = ce->code;
            return;
        }
    }
    const cs_codemap *cm = f->fm->codemap;
    const char *dfe = cm ? cs_codemap_lookup(cm, t, tn) : NULL;
    if (!cm || dfe) {
        *dst = cm ? cs_intern_str(&x->m->codes, dfe) : cs_intern_n(&x->m->codes, t, tn);
        if (ce)
            *ce = (code_entry){key, *dst, (uint8_t)tn};
        return;
    }
    /* Unmapped: keep the local code, upper-cased so spellings group. */
    char *up = x->buf;
    for (size_t i = 0; i < tn; i++)
        up[i] = (char)(t[i] >= 'a' && t[i] <= 'z' ? t[i] - 32 : t[i]);
    up[tn] = '\0';
    if (ctx->findings) {
        char detail[160];
        snprintf(detail, sizeof detail, "not in code table '%s'", f->fm->codes);
        cs_findings_addv(ctx->findings, CS_FK_UNMAPPED_CODE, ctx->file, ctx->line, ctx->col,
                         ctx->entity, ctx->field, ctx->source_id, t, tn, up, detail);
    }
    *dst = cs_intern_n(&x->m->codes, up, tn);
}

static void typed_value(cs_extractor *x, const cs_xfield *f, void *dst, const char *s, size_t n,
                        const cs_value_ctx *ctx)
{
    switch (f->desc->type) {
    case CS_FT_ID: {
        size_t on = 0;
        const char *v = cs_value_id_slice(ctx, s, n, x->part, x->partcap, &on);
        if (v && on)
            *(const char **)dst = model_text(x, f, v, on);
        break;
    }
    case CS_FT_STR: {
        size_t tn;
        const char *t = cs_value_trim(ctx, s, n, &tn);
        if (tn)
            *(const char **)dst = model_text(x, f, t, tn);
        break;
    }
    case CS_FT_CODE: code_value(x, f, (const char **)dst, s, n, ctx); break;
    case CS_FT_DATE: *(cs_date *)dst = cs_value_date(ctx, s, n, f->style); break;
    case CS_FT_INT: *(int32_t *)dst = cs_value_int(ctx, s, n); break;
    case CS_FT_BOOL: {
        if (f->ntrues) {
            cs_value_ctx quiet = {0};
            size_t tn;
            const char *t = cs_value_trim(&quiet, s, n, &tn);
            for (size_t i = 0; i < f->ntrues; i++)
                if (cs_x_equal_ci(t, tn, f->trues[i])) {
                    *(int8_t *)dst = 1;
                    return;
                }
        }
        *(int8_t *)dst = cs_value_bool(ctx, s, n);
        break;
    }
    }
}

/* Composite value: the columns' trimmed values joined by the separator
 * (identifier parts repaired one by one). All parts empty -> absent. */
static void concat_value(cs_extractor *x, const cs_xfield *f, void *dst, const cs_field *slots,
                         size_t nslots, uint64_t line, cs_value_ctx *ctx)
{
    const cs_field_map *fm = f->fm;
    /* Identifier parts are repaired in part, so they are joined in buf; code
     * parts are joined in part because code_value upper-cases into buf. */
    char *out = f->desc->type == CS_FT_CODE ? x->part : x->buf;
    size_t cap = f->desc->type == CS_FT_CODE ? x->partcap : x->bufcap;
    size_t seplen = strlen(fm->separator), len = 0;
    int any = 0;
    for (size_t i = 0; i < fm->ncolumns; i++) {
        const cs_field *s = slot(slots, nslots, f->cols[i]);
        at(ctx, s, line);
        size_t pn = 0;
        const char *p;
        if (f->desc->type == CS_FT_ID)
            p = cs_value_id_slice(ctx, s->ptr, s->len, x->part, x->partcap, &pn);
        else
            p = cs_value_trim(ctx, s->ptr, s->len, &pn);
        any |= pn > 0;
        if (len + (i ? seplen : 0) + pn >= cap) {
            cs_findings_addv(x->fx, CS_FK_BAD_VALUE, ctx->file, line, 0, ctx->entity,
                             ctx->field, ctx->source_id, NULL, 0, NULL,
                             "joined value is too long; left empty");
            return;
        }
        if (i) {
            memcpy(out + len, fm->separator, seplen);
            len += seplen;
        }
        if (pn)
            memcpy(out + len, p, pn);
        len += pn;
    }
    if (!any)
        return;
    if (f->desc->type == CS_FT_CODE)
        code_value(x, f, (const char **)dst, out, len, ctx);
    else
        *(const char **)dst = model_text(x, f, out, len);
}

static void const_value(const cs_xfield *f, void *dst)
{
    switch (f->desc->type) {
    case CS_FT_ID:
    case CS_FT_STR:
    case CS_FT_CODE: *(const char **)dst = f->const_text; break;
    case CS_FT_DATE: *(cs_date *)dst = f->const_date; break;
    case CS_FT_INT: *(int32_t *)dst = f->const_int; break;
    case CS_FT_BOOL: *(int8_t *)dst = f->const_bool; break;
    }
}

static void convert_field(cs_extractor *x, const cs_xfield *f, void *row, const cs_field *slots,
                          size_t nslots, uint64_t line, cs_value_ctx *ctx)
{
    void *dst = cs_field_ptr(row, f->desc);
    ctx->field = f->desc->name;
    switch (f->fm->kind) {
    case CS_MAP_CONST: const_value(f, dst); break;
    case CS_MAP_COLUMN: {
        const cs_field *s = slot(slots, nslots, f->col);
        at(ctx, s, line);
        typed_value(x, f, dst, s->ptr, s->len, ctx);
        break;
    }
    case CS_MAP_SPLIT_DATE: {
        const cs_field *d = slot(slots, nslots, f->day), *m = slot(slots, nslots, f->month),
                       *y = slot(slots, nslots, f->year);
        at(ctx, d, line);
        *(cs_date *)dst = cs_value_split_date(ctx, d->ptr, d->len, m->ptr, m->len, y->ptr, y->len);
        break;
    }
    case CS_MAP_CONCAT: concat_value(x, f, dst, slots, nslots, line, ctx); break;
    }
}

void cs_x_emit(cs_extractor *x, const cs_xmap *xm, const cs_field *slots, size_t nslots,
               uint64_t line)
{
    const cs_entity_desc *e = xm->map->entity;
    void *row = cs_model_append(x->m, e->id);
    cs_prov *prov = cs_x_prov(e, row);
    prov->file = x->file_index;
    prov->line = line > UINT32_MAX ? UINT32_MAX : (uint32_t)line;
    x->records++;
    cs_value_ctx ctx = {.findings = x->fx, .file = x->path, .line = line, .entity = e->name};
    const char *id = NULL;
    if (xm->id >= 0) {
        const cs_xfield *f = &xm->fields[xm->id];
        /* Findings about the id itself carry the id as found. */
        char raw[201];
        if (f->fm->kind == CS_MAP_COLUMN) {
            const cs_field *s = slot(slots, nslots, f->col);
            size_t n = s->len > 200 ? 200 : s->len;
            /* A plain loop: for ids of a dozen bytes the bounded memcpy
             * compiles to a `rep movs` whose start-up costs more than this. */
            for (size_t i = 0; i < n; i++)
                raw[i] = s->ptr[i];
            raw[n] = '\0';
            ctx.source_id = n ? raw : NULL;
        }
        convert_field(x, f, row, slots, nslots, line, &ctx);
        id = *(const char **)cs_field_ptr(row, f->desc);
    }
    if (!id)
        cs_findings_addv(x->fx, CS_FK_MISSING_ID, x->path, line, 0, e->name, "id", NULL, NULL, 0,
                         NULL, xm->id >= 0 ? NULL : "the profile maps no id for this entity");
    ctx.source_id = id;
    for (size_t i = 0; i < xm->nfields; i++)
        if ((int)i != xm->id)
            convert_field(x, &xm->fields[i], row, slots, nslots, line, &ctx);
}
