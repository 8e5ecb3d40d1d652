/* Annex A as one CSV per list ("<prefix>List N.csv", the name D2I's tools
 * look for): UTF-8 with a byte-order mark so Excel shows the curly quotes
 * and labels as written, CRLF line ends, RFC 4180 quoting, the template's
 * headings in the first row, dates dd/mm/yyyy. Each file is written under a
 * temporary name created readable by the owner only, then renamed. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "returns/annexa/annexa.h"

static void put_field(FILE *f, const char *s, size_t n)
{
    int quote = 0;
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
    if (!quote) {
        fwrite(s, 1, n, f);
        return;
    }
    putc('"', f);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            putc('"', f);
        putc(s[i], f);
    }
    putc('"', f);
}

static cs_status write_list(const cs_dataset *ds, const cs_aa_template *t, int list,
                            const char *path, cs_diag *d)
{
    char tmp[4300];
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        return cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot create: %s", strerror(errno));
    FILE *f = fdopen(fd, "wb");
    if (!f) {
        close(fd);
        unlink(tmp);
        return cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot write: %s", strerror(errno));
    }
    static char buf[1 << 16];
    setvbuf(f, buf, _IOFBF, sizeof buf);
    fputs("\xEF\xBB\xBF", f);
    const cs_aa_list *l = cs_aa_template_list(t, list);
    for (uint32_t c = 0; c < l->ncols; c++) {
        if (c)
            putc(',', f);
        put_field(f, l->cols[c].heading, strlen(l->cols[c].heading));
    }
    fputs("\r\n", f);
    int g = cs_aa_list_group(list);
    uint32_t rows = cs_ds_count(ds, g);
    char cell[4096];
    for (uint32_t r = 0; r < rows; r++) {
        for (uint32_t c = 0; c < l->ncols; c++) {
            if (c)
                putc(',', f);
            const cs_value *v = cs_ds_cell_c(ds, g, r, l->cols[c].field);
            if ((v->kind == CS_V_STR || v->kind == CS_V_INVALID) && v->s)
                put_field(f, v->s, strlen(v->s));
            else if (v->kind != CS_V_ABSENT)
                put_field(f, cell, cs_value_format(v, 1, cell, sizeof cell));
        }
        fputs("\r\n", f);
    }
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        unlink(tmp);
        return cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot write: %s", strerror(errno));
    }
    if (rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot rename into place: %s", strerror(e));
    }
    return CS_OK;
}

cs_status cs_annexa_write_csv(const cs_dataset *ds, const cs_aa_template *t, const char *dir,
                              const char *prefix, cs_diag *d)
{
    for (int list = 1; list <= CS_AA_NLISTS; list++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%sList %d.csv", dir, prefix ? prefix : "", list);
        cs_status st = write_list(ds, t, list, path, d);
        if (st != CS_OK)
            return st;
    }
    return CS_OK;
}
