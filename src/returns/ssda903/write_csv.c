/* Writing the 903 dataset as the CSV tables DfE's COLLECT loads: one file
 * per table of the year, DfE's column order, dd/mm/yyyy dates, CRLF line
 * ends, UTF-8 without BOM, owner-only files renamed into place when
 * complete. See ssda903.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "returns/ssda903/internal.h"
#include "util/limits.h"

static int needs_quotes(const char *s)
{
    for (; *s; s++)
        if (*s == ',' || *s == '"' || *s == '\r' || *s == '\n')
            return 1;
    return 0;
}

static void put_field(FILE *fp, const char *s)
{
    if (!s)
        return;
    if (!needs_quotes(s)) {
        fputs(s, fp);
        return;
    }
    fputc('"', fp);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', fp);
        fputc(*s, fp);
    }
    fputc('"', fp);
}

static void write_rows(FILE *fp, const cs_dataset *ds, const cs_903_table *t)
{
    const cs_ds_group *grp = &ds->schema->groups[t->group];
    for (uint32_t f = 0; f < t->ncsv; f++) {
        if (f)
            fputc(',', fp);
        fputs(grp->fields[f].name, fp);
    }
    fputs("\r\n", fp);
    /* rows are stored by child, then in the group's order */
    uint32_t n = cs_ds_count(ds, t->group);
    char buf[32];
    for (uint32_t row = 0; row < n; row++) {
        for (uint32_t f = 0; f < t->ncsv; f++) {
            if (f)
                fputc(',', fp);
            put_field(fp, s903_cell_text(cs_ds_cell_c(ds, t->group, row, (int)f), buf,
                                         sizeof buf));
        }
        fputs("\r\n", fp);
    }
}

static cs_status write_table(const cs_dataset *ds, const char *dir, const cs_903_table *t,
                             cs_diag *d)
{
    char path[CS_MAX_PATH];
    int len = snprintf(path, sizeof path, "%s/%s", dir, t->file);
    if (len < 0 || (size_t)len >= sizeof path - 16)
        return cs_diag_set(d, CS_ERR_IO, dir, 0, 0, "output path too long");
    s903_tmpfile tf;
    cs_status st = s903_tmp_open(&tf, path, d);
    if (st != CS_OK)
        return st;
    FILE *fp = fdopen(tf.fd, "w");
    if (!fp) {
        st = cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot write the output file: %s",
                         strerror(errno));
        s903_tmp_abort(&tf);
        return st;
    }
    tf.fd = -1;   /* the stream owns it now */
    write_rows(fp, ds, t);
    int failed = ferror(fp);
    int saved = errno;
    if (fclose(fp) != 0 && !failed) {
        failed = 1;
        saved = errno;
    }
    if (failed) {
        s903_tmp_abort(&tf);
        return cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot write the output file: %s",
                           strerror(saved));
    }
    return s903_tmp_commit(&tf, d);
}

cs_status cs_903_write_csv(const cs_dataset *ds, const char *dir, const cs_903_year *year,
                           cs_diag *d)
{
    if (!ds || ds->schema != &cs_903_schema || !ds->finalized)
        return cs_diag_set(d, CS_ERR_INTERNAL, dir, 0, 0,
                           "cs_903_write_csv needs a finalised SSDA903 dataset");
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return cs_diag_set(d, CS_ERR_IO, dir, 0, 0, "cannot create the output folder: %s",
                           strerror(errno));
    for (size_t i = 0; i < CS_903_NTABLES; i++) {
        const cs_903_table *t = cs_903_table_at(i);
        if (!cs_903_table_in_year(t, year))
            continue;
        cs_status st = write_table(ds, dir, t, d);
        if (st != CS_OK)
            return st;
    }
    return CS_OK;
}
