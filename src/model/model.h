/* The canonical model in memory: one table per entity (entities.def), rows
 * stored contiguously (amortised growth, no per-record malloc), strings in
 * the model's arena, codes interned. Sized for a million-child LA: a row is
 * a few dozen bytes plus its strings. */
#ifndef CS_MODEL_MODEL_H
#define CS_MODEL_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/date.h"
#include "util/intern.h"

typedef enum { CS_FT_ID, CS_FT_STR, CS_FT_CODE, CS_FT_DATE, CS_FT_INT, CS_FT_BOOL } cs_field_type;

#define CS_INT_NONE INT32_MIN
#define CS_BOOL_NONE ((int8_t)-1)

/* C types per field type */
#define CS_CTYPE_ID const char *
#define CS_CTYPE_STR const char *
#define CS_CTYPE_CODE const char *
#define CS_CTYPE_DATE cs_date
#define CS_CTYPE_INT int32_t
#define CS_CTYPE_BOOL int8_t

/* Where a record came from: file (index into cs_model.files), line, and the
 * system's own id for it. */
typedef struct {
    uint32_t file;       /* 0 = no file (generated) */
    uint32_t line;
} cs_prov;

/* Structs cs_person, cs_referral, ... */
#define ENTITY(n, label, doc) typedef struct cs_##n {
#define FIELD(e, name, type, codeset, doc) CS_CTYPE_##type name;
#define END_ENTITY(n) cs_prov prov; } cs_##n;
#include "model/entities.def"
#undef ENTITY
#undef FIELD
#undef END_ENTITY

/* Entity ids CS_E_person, ... */
typedef enum {
#define ENTITY(n, label, doc) CS_E_##n,
#define FIELD(e, name, type, codeset, doc)
#define END_ENTITY(n)
#include "model/entities.def"
#undef ENTITY
#undef FIELD
#undef END_ENTITY
    CS_ENTITY_COUNT
} cs_entity_id;

typedef struct {
    const char *name;
    cs_field_type type;
    size_t offset;
    const char *codeset;   /* code set name for CODE fields, else NULL */
    const char *doc;
} cs_field_desc;

typedef struct {
    cs_entity_id id;
    const char *name;
    const char *doc;
    size_t size;
    const cs_field_desc *fields;
    size_t nfields;
} cs_entity_desc;

extern const cs_entity_desc cs_entities[CS_ENTITY_COUNT];

const cs_entity_desc *cs_entity_find(const char *name);            /* NULL if unknown */
const cs_field_desc *cs_entity_field(const cs_entity_desc *e, const char *name);
int cs_entity_field_index(const cs_entity_desc *e, const char *name); /* -1 if unknown */
const char *cs_field_type_name(cs_field_type t);

typedef struct {
    const cs_entity_desc *desc;
    unsigned char *rows;
    size_t count, cap;
} cs_table;

typedef struct {
    cs_arena arena;            /* strings of every record */
    cs_intern codes;           /* interned codes */
    cs_table tables[CS_ENTITY_COUNT];
    const char **files;        /* files[0] = "" ; provenance file names */
    uint32_t nfiles, files_cap;
    const char *source_system; /* profile's system name */
} cs_model;

void cs_model_init(cs_model *m);
void cs_model_free(cs_model *m);

/* Append a row with every field absent (NULL, CS_DATE_NONE, CS_INT_NONE,
 * CS_BOOL_NONE). The pointer is valid until the next append to that table. */
void *cs_model_append(cs_model *m, cs_entity_id e);

/* Register a provenance file name; returns its index. */
uint32_t cs_model_add_file(cs_model *m, const char *path);

#define CS_TABLE(m, ent) ((cs_##ent *)(m)->tables[CS_E_##ent].rows)
#define CS_COUNT(m, ent) ((m)->tables[CS_E_##ent].count)

/* Generic field access by descriptor. */
static inline void *cs_field_ptr(void *row, const cs_field_desc *f)
{
    return (unsigned char *)row + f->offset;
}
static inline void *cs_model_row(const cs_model *m, cs_entity_id e, size_t i)
{
    return m->tables[e].rows + i * m->tables[e].desc->size;
}

/* Format a field's value as text (dates ISO); empty string when absent.
 * Returns the number of bytes written (excluding NUL). */
size_t cs_field_format(const void *row, const cs_field_desc *f, char *buf, size_t n);
int cs_field_is_absent(const void *row, const cs_field_desc *f);

#endif
