/* Annex A lists as a folder of CSV files, one per list, each file's name
 * holding "List N" (as D2I's tools expect: "Annex A - List 3.csv",
 * "list 3 referrals.csv"); any encoding the table reader can sniff. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "read/table.h"
#include "returns/annexa/read_int.h"

/* The list a file name names ("... List 3 ..."), 0 when none. */
static int list_of_name(const char *name)
{
    size_t n = strlen(name);
    if (n < 5 || strcasecmp(name + n - 4, ".csv") != 0)
        return 0;
    for (const char *p = name; (p = strcasestr(p, "list")); p += 4) {
        const char *q = p + 4;
        while (*q == ' ' || *q == '_' || *q == '-')
            q++;
        if (*q < '0' || *q > '9')
            continue;
        int v = 0;
        while (*q >= '0' && *q <= '9' && v < 100)
            v = v * 10 + (*q++ - '0');
        if (v >= 1 && v <= CS_AA_NLISTS)
            return v;
    }
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static cs_status read_one(const char *path, const char *name, int list, const cs_aa_template *t,
                          cs_dataset *ds, cs_exception_list *exc, cs_diag *d)
{
    cs_table_spec spec = {.format = CS_TABLE_CSV, .delimiter = 0, .encoding = CS_ENC_AUTO,
                          .invalid = CS_INVALID_REPLACE, .has_header = 1};
    cs_table_reader *tr = NULL;
    cs_status st = cs_table_open(&tr, path, &spec, NULL, d);
    if (st != CS_OK)
        return st;
    aa_sheet s;
    aa_sheet_begin(&s, ds, t, exc, list, name, cs_ds_add_file(ds, path));
    size_t nc = cs_table_ncolumns(tr);
    aa_cell *cells = cs_xcalloc(nc ? nc : 1, sizeof *cells);
    for (size_t i = 0; i < nc; i++) {
        cells[i].s = cs_table_column(tr, i);
        cells[i].n = strlen(cells[i].s);
    }
    aa_sheet_header(&s, cells, (uint32_t)nc);
    cs_record rec;
    while ((st = cs_table_next(tr, &rec, d)) == CS_OK) {
        if (rec.blank)
            continue;
        uint32_t k = rec.nfields < nc ? rec.nfields : (uint32_t)nc;
        for (uint32_t i = 0; i < k; i++) {
            cells[i].s = rec.fields[i].ptr;
            cells[i].n = rec.fields[i].len;
            cells[i].numeric = 0;
        }
        aa_sheet_row(&s, cells, k, (uint32_t)rec.line);
    }
    free(cells);
    aa_sheet_free(&s);
    cs_table_close(tr);
    return st == CS_EOF ? CS_OK : st;
}

cs_status aa_read_csv_dir(const char *dir, const cs_aa_template *t, cs_dataset *ds,
                          cs_exception_list *exc, cs_diag *d)
{
    DIR *dh = opendir(dir);
    if (!dh)
        return cs_diag_set(d, CS_ERR_IO, dir, 0, 0, "cannot open the folder");
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(dh))) {
        if (!list_of_name(e->d_name))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            names = cs_xrealloc(names, cap * sizeof *names);
        }
        names[n++] = cs_xstrdup(e->d_name);
    }
    closedir(dh);
    if (n)
        qsort(names, n, sizeof *names, cmp_names);
    cs_status st = CS_OK;
    const char *seen[CS_AA_NLISTS + 1] = {0};
    for (size_t i = 0; i < n && st == CS_OK; i++) {
        int list = list_of_name(names[i]);
        if (seen[list]) {
            aa_note(exc, "AAS01", CS_SEV_ERROR, "", "", "file", names[i],
                    "%s: a second file for List %d (%s is read)", names[i], list, seen[list]);
            continue;
        }
        seen[list] = names[i];
        char path[4600];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        st = read_one(path, names[i], list, t, ds, exc, d);
    }
    for (int l = 1; l <= CS_AA_NLISTS && st == CS_OK; l++)
        if (!seen[l])
            aa_note(exc, "AAS01", CS_SEV_ERROR, "", "", "file", "",
                    "%s: no file for List %d (a CSV file whose name holds \"List %d\")", dir, l, l);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return st;
}
