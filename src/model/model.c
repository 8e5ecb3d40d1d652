#include "model/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Per-entity field descriptor arrays */
#define ENTITY(n, label, doc) static const cs_field_desc n##_fields[] = {
#define FIELD(e, name, type, codeset, doc) {#name, CS_FT_##type, offsetof(cs_##e, name), codeset, doc},
#define END_ENTITY(n) };
#include "model/entities.def"
#undef ENTITY
#undef FIELD
#undef END_ENTITY

const cs_entity_desc cs_entities[CS_ENTITY_COUNT] = {
#define ENTITY(n, label, doc) \
    {CS_E_##n, label, doc, sizeof(cs_##n), n##_fields, sizeof n##_fields / sizeof n##_fields[0]},
#define FIELD(e, name, type, codeset, doc)
#define END_ENTITY(n)
#include "model/entities.def"
#undef ENTITY
#undef FIELD
#undef END_ENTITY
};

/* Each entity's empty row (every field absent, provenance zero), built at
 * compile time: appending copies it instead of walking the field list, which
 * matters at 16 M appends per million-child extract. */
#define CS_ABSENT_ID NULL
#define CS_ABSENT_STR NULL
#define CS_ABSENT_CODE NULL
#define CS_ABSENT_DATE CS_DATE_NONE
#define CS_ABSENT_INT CS_INT_NONE
#define CS_ABSENT_BOOL CS_BOOL_NONE
#define ENTITY(n, label, doc) static const cs_##n n##_empty = {
#define FIELD(e, name, type, codeset, doc) .name = CS_ABSENT_##type,
#define END_ENTITY(n) };
#include "model/entities.def"
#undef ENTITY
#undef FIELD
#undef END_ENTITY

static const void *const empty_rows[CS_ENTITY_COUNT] = {
#define ENTITY(n, label, doc) &n##_empty,
#define FIELD(e, name, type, codeset, doc)
#define END_ENTITY(n)
#include "model/entities.def"
#undef ENTITY
#undef FIELD
#undef END_ENTITY
};

const cs_entity_desc *cs_entity_find(const char *name)
{
    for (size_t i = 0; i < CS_ENTITY_COUNT; i++)
        if (strcmp(cs_entities[i].name, name) == 0)
            return &cs_entities[i];
    return NULL;
}

int cs_entity_field_index(const cs_entity_desc *e, const char *name)
{
    for (size_t i = 0; i < e->nfields; i++)
        if (strcmp(e->fields[i].name, name) == 0)
            return (int)i;
    return -1;
}

const cs_field_desc *cs_entity_field(const cs_entity_desc *e, const char *name)
{
    int i = cs_entity_field_index(e, name);
    return i < 0 ? NULL : &e->fields[i];
}

const char *cs_field_type_name(cs_field_type t)
{
    switch (t) {
    case CS_FT_ID: return "id";
    case CS_FT_STR: return "string";
    case CS_FT_CODE: return "code";
    case CS_FT_DATE: return "date";
    case CS_FT_INT: return "integer";
    case CS_FT_BOOL: return "boolean";
    }
    return "?";
}

void cs_model_init(cs_model *m)
{
    memset(m, 0, sizeof *m);
    cs_arena_init(&m->arena, 1u << 20);
    cs_intern_init(&m->codes);
    for (size_t i = 0; i < CS_ENTITY_COUNT; i++)
        m->tables[i].desc = &cs_entities[i];
    cs_model_add_file(m, "");
}

void cs_model_free(cs_model *m)
{
    for (size_t i = 0; i < CS_ENTITY_COUNT; i++)
        free(m->tables[i].rows);
    free((void *)m->files);
    cs_intern_free(&m->codes);
    cs_arena_free(&m->arena);
    memset(m, 0, sizeof *m);
}

void *cs_model_append(cs_model *m, cs_entity_id e)
{
    cs_table *t = &m->tables[e];
    const cs_entity_desc *d = t->desc;
    if (t->count == t->cap) {
        /* Doubling: large tables are mmap'd by malloc, so realloc moves them
         * with mremap (no copy) and pages never written are never touched. */
        t->cap = t->cap ? t->cap * 2 : 1024;
        t->rows = cs_xrealloc(t->rows, t->cap * d->size);
    }
    unsigned char *row = t->rows + t->count * d->size;
    t->count++;
    memcpy(row, empty_rows[e], d->size);
    return row;
}

uint32_t cs_model_add_file(cs_model *m, const char *path)
{
    for (uint32_t i = 0; i < m->nfiles; i++)
        if (strcmp(m->files[i], path) == 0)
            return i;
    if (m->nfiles == m->files_cap) {
        m->files_cap = m->files_cap ? m->files_cap * 2 : 16;
        m->files = cs_xrealloc((void *)m->files, m->files_cap * sizeof *m->files);
    }
    m->files[m->nfiles] = cs_arena_strdup(&m->arena, path);
    return m->nfiles++;
}

int cs_field_is_absent(const void *row, const cs_field_desc *f)
{
    const unsigned char *p = (const unsigned char *)row + f->offset;
    switch (f->type) {
    case CS_FT_ID:
    case CS_FT_STR:
    case CS_FT_CODE: return *(const char *const *)p == NULL;
    case CS_FT_DATE: return *(const cs_date *)p == CS_DATE_NONE;
    case CS_FT_INT: return *(const int32_t *)p == CS_INT_NONE;
    case CS_FT_BOOL: return *(const int8_t *)p == CS_BOOL_NONE;
    }
    return 1;
}

size_t cs_field_format(const void *row, const cs_field_desc *f, char *buf, size_t n)
{
    const unsigned char *p = (const unsigned char *)row + f->offset;
    if (n == 0)
        return 0;
    buf[0] = '\0';
    if (cs_field_is_absent(row, f))
        return 0;
    int w = 0;
    switch (f->type) {
    case CS_FT_ID:
    case CS_FT_STR:
    case CS_FT_CODE: w = snprintf(buf, n, "%s", *(const char *const *)p); break;
    case CS_FT_DATE: {
        char d[11];
        w = snprintf(buf, n, "%s", cs_date_iso(*(const cs_date *)p, d));
        break;
    }
    case CS_FT_INT: w = snprintf(buf, n, "%d", (int)*(const int32_t *)p); break;
    case CS_FT_BOOL: w = snprintf(buf, n, "%d", (int)*(const int8_t *)p); break;
    }
    if (w < 0)
        return 0;
    return (size_t)w < n ? (size_t)w : n - 1;
}
