/* Whole-model checks after every map is read: identifiers repeated within
 * an entity (X118) and records whose person_id names no extracted person
 * (X119). Hash sets of row numbers keep both linear in the model's size. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "etl/extract_int.h"
#include "util/intern.h"

/* Row and hash side by side: one cache line per probe. */
typedef struct {
    uint32_t row;         /* row index + 1; 0 = empty */
    uint32_t hash;
} slot;

typedef struct {
    slot *slots;
    size_t cap;
} idset;

static const char *row_id(const cs_model *m, cs_entity_id e, size_t i, const cs_field_desc *f)
{
    return *(const char *const *)cs_field_ptr(cs_model_row(m, e, i), f);
}

/* Look id up; when absent, insert row (if row != SIZE_MAX). Returns the
 * row already holding id, or SIZE_MAX. */
static size_t idset_put(idset *s, const cs_model *m, cs_entity_id e, const cs_field_desc *f,
                        const char *id, size_t row)
{
    size_t n = strlen(id);
    uint32_t h = cs_hash_bytes(id, n);
    size_t j = h & (s->cap - 1);
    while (s->slots[j].row) {
        size_t r = s->slots[j].row - 1;
        if (s->slots[j].hash == h && strcmp(row_id(m, e, r, f), id) == 0)
            return r;
        j = (j + 1) & (s->cap - 1);
    }
    if (row != SIZE_MAX)
        s->slots[j] = (slot){(uint32_t)(row + 1), h};
    return SIZE_MAX;
}

static void idset_init(idset *s, size_t rows)
{
    s->cap = 16;
    while (s->cap < rows * 2)
        s->cap *= 2;
    s->slots = cs_xcalloc(s->cap, sizeof *s->slots);
}

static void idset_free(idset *s)
{
    free(s->slots);
    memset(s, 0, sizeof *s);
}

/* Fills set with the entity's ids, recording repeats. */
static void check_duplicates(cs_model *m, cs_findings *fx, cs_entity_id e, idset *set)
{
    const cs_table *t = &m->tables[e];
    const cs_field_desc *idf = &t->desc->fields[0];
    idset_init(set, t->count);
    for (size_t i = 0; i < t->count; i++) {
        const char *id = row_id(m, e, i, idf);
        if (!id)
            continue;
        size_t first = idset_put(set, m, e, idf, id, i);
        if (first == SIZE_MAX)
            continue;
        cs_prov *p = cs_x_prov(t->desc, cs_model_row(m, e, i));
        const cs_prov *fp = cs_x_prov(t->desc, cs_model_row(m, e, first));
        char detail[600];
        snprintf(detail, sizeof detail, "also at %s:%u", m->files[fp->file], fp->line);
        cs_findings_addv(fx, CS_FK_DUPLICATE_ID, m->files[p->file], p->line, 0, t->desc->name,
                         "id", id, id, strlen(id), NULL, detail);
    }
}

static void check_orphans(cs_model *m, cs_findings *fx, idset *persons)
{
    for (size_t e = 0; e < CS_ENTITY_COUNT; e++) {
        const cs_table *t = &m->tables[e];
        const cs_field_desc *pf = cs_entity_field(t->desc, "person_id");
        if (e == CS_E_person || !pf || pf->type != CS_FT_ID)
            continue;
        const cs_field_desc *idf = &t->desc->fields[0];
        for (size_t i = 0; i < t->count; i++) {
            void *row = cs_model_row(m, (cs_entity_id)e, i);
            const char *pid = *(const char *const *)cs_field_ptr(row, pf);
            if (!pid || idset_put(persons, m, CS_E_person, &cs_entities[CS_E_person].fields[0],
                                  pid, SIZE_MAX) != SIZE_MAX)
                continue;
            cs_prov *p = cs_x_prov(t->desc, row);
            cs_findings_addv(fx, CS_FK_ORPHAN, m->files[p->file], p->line, 0, t->desc->name,
                             "person_id", *(const char *const *)cs_field_ptr(row, idf), pid,
                             strlen(pid), NULL, "no person with this id was extracted");
        }
    }
}

void cs_x_check_ids(cs_model *m, cs_findings *fx, int orphans)
{
    idset persons = {0};
    for (size_t e = 0; e < CS_ENTITY_COUNT; e++) {
        if (m->tables[e].count == 0 && !(e == CS_E_person && orphans))
            continue;
        idset set;
        check_duplicates(m, fx, (cs_entity_id)e, &set);
        if (e == CS_E_person)
            persons = set;
        else
            idset_free(&set);
    }
    if (orphans)
        check_orphans(m, fx, &persons);
    idset_free(&persons);
}
