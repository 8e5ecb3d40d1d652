#include "pipeline/built_903.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/arena.h"

static cs_status read_whole(const char *path, unsigned char **out, size_t *len, cs_diag *d)
{
    *out = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    struct stat sb;
    if (!f || fstat(fileno(f), &sb) != 0) {
        cs_status st = cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot read the written table: %s",
                                   strerror(errno));
        if (f)
            fclose(f);
        return st;
    }
    size_t n = (size_t)sb.st_size;
    unsigned char *buf = cs_xmalloc(n ? n : 1);
    size_t got = fread(buf, 1, n, f);
    int err = ferror(f);
    fclose(f);
    if (err || got != n) {
        free(buf);
        return cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot read the written table");
    }
    *out = buf;
    *len = n;
    return CS_OK;
}

/* Each of the year's tables from dir into b (in table order). */
static cs_status read_tables(cs_built_903 *b, const char *dir, cs_diag *d)
{
    cs_status st = CS_OK;
    size_t k = 0;
    for (size_t i = 0; i < CS_903_NTABLES && st == CS_OK; i++) {
        const cs_903_table *t = cs_903_table_at(i);
        if (!cs_903_table_in_year(t, &b->year))
            continue;
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", dir, t->file);
        cs_wh_return_file *f = &b->files[k];
        st = read_whole(path, &b->bytes[k], &f->len, d);
        if (st != CS_OK)
            break;
        f->table = cs_903_schema.groups[t->group].name;
        f->file = t->file;
        f->rows = cs_ds_count(&b->ds, t->group);
        f->data = b->bytes[k];
        k++;
    }
    b->wh.nfiles = k;
    return st;
}

/* The tables written into a fresh private folder, read, and the folder removed. */
static cs_status via_temporary(cs_built_903 *b, cs_diag *d)
{
    const char *tmp = getenv("TMPDIR");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/cscdw-903.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        return cs_diag_set(d, CS_ERR_IO, dir, 0, 0,
                           "cannot make a temporary folder for the 903 tables: %s",
                           strerror(errno));
    cs_status st = cs_903_write_csv(&b->ds, dir, &b->year, d);
    if (st == CS_OK)
        st = read_tables(b, dir, d);
    for (size_t i = 0; i < CS_903_NTABLES; i++) {
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", dir, cs_903_table_at(i)->file);
        unlink(path);
    }
    rmdir(dir);
    return st;
}

cs_status cs_built_903_keep(cs_built_903 *b, cs_dataset *ds, const cs_903_year *year,
                            const char *dir, const char *source_system, cs_diag *d)
{
    memset(b, 0, sizeof *b);
    b->ds = *ds;
    b->year = *year;
    b->have = 1;
    b->wh = (cs_wh_return){.name = "ssda903",
                           .year = b->year.label,
                           .source_system = source_system,
                           .files = b->files,
                           .episodes = &b->ds};
    cs_status st = dir ? read_tables(b, dir, d) : via_temporary(b, d);
    if (st != CS_OK)
        cs_built_903_free(b);
    return st;
}

void cs_built_903_free(cs_built_903 *b)
{
    if (!b->have)
        return;
    for (size_t i = 0; i < CS_903_NTABLES; i++)
        free(b->bytes[i]);
    cs_ds_free(&b->ds);
    memset(b, 0, sizeof *b);
}
