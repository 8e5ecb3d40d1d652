#include "report/rule_exceptions.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/intern.h"

cs_severity cs_rule_severity_to_exc(cs_rule_severity s)
{
    switch (s) {
    case CS_RULE_ERROR: return CS_SEV_ERROR;
    case CS_RULE_QUERY: return CS_SEV_QUERY;
    case CS_RULE_WARNING:
    default: return CS_SEV_WARNING;
    }
}

/* A bounded text builder: appends, truncating quietly at the end. */
typedef struct {
    char *buf;
    size_t n, len;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t k)
{
    if (b->len + 1 >= b->n)
        return;
    size_t room = b->n - 1 - b->len;
    if (k > room)
        k = room;
    memcpy(b->buf + b->len, s, k);
    b->len += k;
    b->buf[b->len] = '\0';
}

static void sb_str(sbuf *b, const char *s)
{
    sb_put(b, s, strlen(s));
}

/* The value of a field for the flagged row: the row itself, an ancestor, or
 * the header row when the header is not an ancestor (CIN Header is the
 * Child's sibling). NULL when the field has no single value there. */
static const cs_value *field_value(const cs_dataset *ds, int g, uint32_t row,
                                   const cs_rule_field *f)
{
    const cs_ds_schema *s = ds->schema;
    uint32_t r = g >= 0 ? cs_ds_ancestor(ds, g, row, f->group) : UINT32_MAX;
    if (r == UINT32_MAX && f->group == s->header_group && s->header_group >= 0 &&
        ds->rows[f->group].count > 0)
        r = 0;
    if (r == UINT32_MAX || r >= ds->rows[f->group].count)
        return NULL;
    return cs_ds_cell_c(ds, f->group, r, f->field);
}

static void fields_and_values(const cs_dataset *ds, const cs_rule *rule, int g, uint32_t row,
                              sbuf *fields, sbuf *values)
{
    const cs_ds_schema *s = ds->schema;
    int first = 1;
    for (uint32_t i = 0; i < rule->nfields; i++) {
        const cs_rule_field *f = &rule->fields[i];
        if (!f->on_row || rule->group < 0)
            continue;
        const cs_value *v = field_value(ds, g, row, f);
        if (!v)
            continue;
        if (!first) {
            sb_put(fields, ";", 1);
            sb_put(values, ";", 1);
        }
        first = 0;
        if (f->group != rule->group) {
            sb_str(fields, s->groups[f->group].name);
            sb_put(fields, ".", 1);
        }
        sb_str(fields, s->groups[f->group].fields[f->field].name);
        char text[1024];
        size_t k = cs_value_format(v, 0, text, sizeof text);
        for (size_t j = 0; j < k; j++)
            if (text[j] == ';')
                text[j] = ',';
        sb_put(values, text, k);
    }
}

static int is_birth_date(const char *name)
{
    return strcmp(name, "DOB") == 0 || strcmp(name, "MC_DOB") == 0 ||
           strstr(name, "BirthDate") != NULL;
}

cs_date cs_ds_event_date(const cs_dataset *ds, int g, uint32_t row)
{
    const cs_ds_schema *s = ds->schema;
    if (g < 0 || s->child_group < 0 || g == s->child_group ||
        cs_ds_child_row(ds, g, row) == UINT32_MAX)
        return CS_DATE_NONE;
    const cs_ds_group *grp = &s->groups[g];
    if (grp->order_field >= 0 && grp->fields[grp->order_field].type == CS_DT_DATE) {
        const cs_value *v = cs_ds_cell_c(ds, g, row, grp->order_field);
        if (v->kind == CS_V_DATE)
            return v->i;
    }
    for (uint32_t f = 0; f < grp->nfields; f++) {
        if (grp->fields[f].type != CS_DT_DATE || is_birth_date(grp->fields[f].name))
            continue;
        const cs_value *v = cs_ds_cell_c(ds, g, row, (int)f);
        if (v->kind == CS_V_DATE)
            return v->i;
    }
    return CS_DATE_NONE;
}

void cs_exceptions_from_rule_hits(cs_exception_list *l, const cs_dataset *ds,
                                  const cs_rule_hits *hits, const cs_rule_exc_ctx *c)
{
    char fbuf[2048], vbuf[4096], record[512];
    for (size_t i = 0; i < hits->count; i++) {
        const cs_rule_hit *h = &hits->items[i];
        const cs_rule *rule = h->rule;
        int return_level = rule->group < 0;
        sbuf fields = {fbuf, sizeof fbuf, 0}, values = {vbuf, sizeof vbuf, 0};
        fbuf[0] = vbuf[0] = record[0] = '\0';
        const char *child = "";
        const char *file = "";
        uint32_t line = 0;
        cs_case_holder who = {"", "", "", ""};
        if (!return_level) {
            child = cs_ds_child_id(ds, h->group, h->row);
            cs_ds_record_path(ds, h->group, h->row, record, sizeof record);
            fields_and_values(ds, rule, h->group, h->row, &fields, &values);
            uint32_t fi = ds->rows[h->group].file ? ds->rows[h->group].file[h->row] : 0;
            if (fi > 0 && fi < ds->nfiles)
                file = ds->files[fi];
            line = ds->rows[h->group].line ? ds->rows[h->group].line[h->row] : 0;
            if (c->alloc && *child)
                cs_allocation_find(c->alloc, child, cs_ds_event_date(ds, h->group, h->row),
                                   &who);
        }
        cs_exception e = {.return_name = c->return_name,
                          .year = c->year,
                          .rule = rule->code,
                          .severity = cs_rule_severity_to_exc(rule->severity),
                          .message = rule->message,
                          .child_id = child,
                          .record = record,
                          .fields = fbuf,
                          .values = vbuf,
                          .source_system = c->source_system,
                          .source_file = file,
                          .source_line = line,
                          .team = who.team,
                          .worker = who.worker,
                          .team_id = who.team_id,
                          .worker_id = who.worker_id};
        cs_exceptions_add(l, &e);
    }
    for (size_t i = 0; i < hits->nnot_run; i++) {
        const cs_rule *rule = hits->not_run[i];
        char msg[1024];
        snprintf(msg, sizeof msg, "%s (rule: %s)", hits->not_run_reason[i],
                 rule->message ? rule->message : "");
        if (msg[0] >= 'a' && msg[0] <= 'z')
            msg[0] = (char)(msg[0] - 'a' + 'A');
        cs_exception e = {.return_name = c->return_name,
                          .year = c->year,
                          .rule = rule->code,
                          .severity = CS_SEV_INFO,
                          .message = msg,
                          .source_system = c->source_system,
                          .source_file = rule->file,
                          .source_line = rule->line};
        cs_exceptions_add(l, &e);
    }
}

void cs_exceptions_from_reader_findings(cs_exception_list *l, const cs_findings *f,
                                        const cs_rule_exc_ctx *c)
{
    size_t from = l->count;
    cs_exceptions_from_findings(l, f, c->source_system, c->year);
    /* the same rows as the extract's, but about the return: the reader keeps
     * the child's id as the record's source id */
    const char *ret = cs_arena_strdup(&l->arena, c->return_name ? c->return_name : "");
    for (size_t i = from; i < l->count; i++) {
        cs_exception *e = &l->items[i];
        e->return_name = ret;
        e->child_id = e->source_id;
        if (!c->alloc || !*e->child_id)
            continue;
        cs_case_holder who;
        if (cs_allocation_find(c->alloc, e->child_id, CS_DATE_NONE, &who)) {
            e->team = cs_arena_strdup(&l->arena, who.team);
            e->worker = cs_arena_strdup(&l->arena, who.worker);
            e->team_id = cs_arena_strdup(&l->arena, who.team_id);
            e->worker_id = cs_arena_strdup(&l->arena, who.worker_id);
        }
    }
}

const char *cs_exception_rule_title(const cs_exception *e)
{
    if (e->rule && e->rule[0] == 'X')
        for (int k = 0; k < CS_FK_COUNT; k++) {
            const cs_finding_kind_info *fk = cs_finding_kind_get((cs_finding_kind)k);
            if (fk && strcmp(fk->code, e->rule) == 0)
                return fk->title;
        }
    return e->message ? e->message : "";
}

/* ---- source ids from the model's provenance ---------------------------------- */

/* Where each entity's provenance sits in its row. */
static const size_t prov_at[CS_ENTITY_COUNT] = {
#define ENTITY(n, label, doc) offsetof(cs_##n, prov),
#define FIELD(e, name, type, codeset, doc)
#define END_ENTITY(n)
#include "model/entities.def"
#undef ENTITY
#undef FIELD
#undef END_ENTITY
};

typedef struct {
    uint32_t file;    /* model file index + 1; 0 = empty slot */
    uint32_t line;
    size_t first;     /* first exception with this key; chained through next[] */
} prov_slot;

static uint32_t prov_hash(uint32_t file, uint32_t line)
{
    uint64_t k = ((uint64_t)file << 32) | line;
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return (uint32_t)k;
}

void cs_exceptions_fill_source_ids(cs_exception_list *l, size_t from, const cs_model *m)
{
    if (from >= l->count || !m->nfiles)
        return;
    size_t want = l->count - from;
    size_t cap = 16;
    while (cap < want * 2)
        cap *= 2;
    prov_slot *slots = cs_xcalloc(cap, sizeof *slots);
    size_t *next = cs_xmalloc(want * sizeof *next);
    size_t keyed = 0;
    /* the exception lists' file names are copies of the model's: match by text */
    const char *last_name = NULL;
    uint32_t last_file = 0;
    for (size_t i = from; i < l->count; i++) {
        cs_exception *e = &l->items[i];
        next[i - from] = SIZE_MAX;
        if (!e->source_line || !e->source_file || !*e->source_file ||
            (e->source_id && *e->source_id))
            continue;
        uint32_t file = 0;
        if (last_name && strcmp(last_name, e->source_file) == 0)
            file = last_file;
        else {
            for (uint32_t k = 1; k < m->nfiles; k++)
                if (m->files[k] && strcmp(m->files[k], e->source_file) == 0) {
                    file = k + 1;
                    break;
                }
            last_name = e->source_file;
            last_file = file;
        }
        if (!file)
            continue;
        uint32_t h = prov_hash(file, e->source_line) & (uint32_t)(cap - 1);
        while (slots[h].file && !(slots[h].file == file && slots[h].line == e->source_line))
            h = (h + 1) & (uint32_t)(cap - 1);
        if (!slots[h].file) {
            slots[h] = (prov_slot){file, e->source_line, SIZE_MAX};
            keyed++;
        }
        next[i - from] = slots[h].first;
        slots[h].first = i;
    }
    for (int ent = 0; keyed && ent < CS_ENTITY_COUNT; ent++) {
        const cs_table *t = &m->tables[ent];
        const cs_field_desc *idf = t->desc && t->desc->nfields ? &t->desc->fields[0] : NULL;
        if (!idf || idf->type != CS_FT_ID)
            continue;
        for (size_t r = 0; r < t->count; r++) {
            const void *row = cs_model_row(m, (cs_entity_id)ent, r);
            const cs_prov *p = (const cs_prov *)((const unsigned char *)row + prov_at[ent]);
            if (!p->file || !p->line)
                continue;
            uint32_t file = p->file + 1;
            uint32_t h = prov_hash(file, p->line) & (uint32_t)(cap - 1);
            while (slots[h].file && !(slots[h].file == file && slots[h].line == p->line))
                h = (h + 1) & (uint32_t)(cap - 1);
            if (!slots[h].file || slots[h].first == SIZE_MAX)
                continue;
            const char *id = *(const char *const *)((const unsigned char *)row + idf->offset);
            if (id && *id) {
                const char *kept = cs_arena_strdup(&l->arena, id);
                for (size_t i = slots[h].first; i != SIZE_MAX; i = next[i - from])
                    l->items[i].source_id = kept;
            }
            slots[h].first = SIZE_MAX;   /* the first record with this provenance wins */
        }
    }
    free(slots);
    free(next);
}
