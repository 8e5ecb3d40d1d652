/* The ground-truth manifest of a synthetic LA: one row per injected defect
 * (or writer damage), strings copied into the manifest's own arena, written
 * as a TSV the test harness compares findings against. */
#include "synth/synth.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void cs_synth_manifest_init(cs_synth_manifest *m)
{
    memset(m, 0, sizeof *m);
    cs_arena_init(&m->arena, 64u * 1024u);
}

void cs_synth_manifest_free(cs_synth_manifest *m)
{
    free(m->items);
    cs_arena_free(&m->arena);
    memset(m, 0, sizeof *m);
}

static const char *copy_or_empty(cs_arena *a, const char *s)
{
    return cs_arena_strdup(a, s ? s : "");
}

void cs_synth_manifest_add(cs_synth_manifest *m, const char *kind, const char *entity,
                           const char *record_id, const char *person_id, const char *field,
                           const char *rules, const char *detail)
{
    if (m->count == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 256;
        m->items = cs_xrealloc(m->items, m->cap * sizeof *m->items);
    }
    cs_synth_defect *d = &m->items[m->count++];
    d->id = cs_arena_printf(&m->arena, "D%06zu", m->count);
    d->kind = copy_or_empty(&m->arena, kind);
    d->entity = copy_or_empty(&m->arena, entity);
    d->record_id = copy_or_empty(&m->arena, record_id);
    d->person_id = copy_or_empty(&m->arena, person_id);
    d->field = copy_or_empty(&m->arena, field);
    d->rules = copy_or_empty(&m->arena, rules);
    d->detail = copy_or_empty(&m->arena, detail);
}

/* A TSV cell: tabs and line breaks would break the row, so they become spaces. */
static void put_cell(FILE *f, const char *s)
{
    for (; *s; s++)
        fputc((*s == '\t' || *s == '\n' || *s == '\r') ? ' ' : *s, f);
}

cs_status cs_synth_manifest_write(const cs_synth_manifest *m, const char *path, cs_diag *d)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot create manifest: %s", strerror(errno));
    FILE *f = fdopen(fd, "w");
    if (!f) {
        int e = errno;
        close(fd);
        return cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot open manifest: %s", strerror(e));
    }
    fputs("id\tkind\tentity\trecord_id\tperson_id\tfield\trules\tdetail\n", f);
    for (size_t i = 0; i < m->count; i++) {
        const cs_synth_defect *x = &m->items[i];
        const char *cells[8] = {x->id, x->kind, x->entity, x->record_id,
                                x->person_id, x->field, x->rules, x->detail};
        for (int c = 0; c < 8; c++) {
            if (c)
                fputc('\t', f);
            put_cell(f, cells[c]);
        }
        fputc('\n', f);
    }
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot write manifest: %s", strerror(errno));
    return CS_OK;
}
