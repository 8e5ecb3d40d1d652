/* Reading Annex A lists produced elsewhere: the container-independent part
 * (read_sheet.c) that the xlsx and CSV readers feed a heading row and data
 * rows into. */
#ifndef CS_RETURNS_ANNEXA_READ_INT_H
#define CS_RETURNS_ANNEXA_READ_INT_H

#include "returns/annexa/internal.h"

typedef struct {
    const char *s;
    size_t n;
    int numeric;      /* an xlsx number cell (dates are serial numbers) */
} aa_cell;

typedef struct {
    cs_dataset *ds;
    const cs_aa_template *t;
    cs_exception_list *exc;
    int list;
    const cs_aa_list *l;
    uint32_t file;
    char where[512];  /* "Annex A.xlsx sheet List 3", "List 3.csv" */
    int *map;         /* input column -> template column, -1 = not read */
    uint32_t ncols;
    uint32_t bad[CS_AA_MAX_FIELDS];
    uint32_t rows;
} aa_sheet;

void aa_sheet_begin(aa_sheet *s, cs_dataset *ds, const cs_aa_template *t, cs_exception_list *exc,
                    int list, const char *where, uint32_t file);
void aa_sheet_header(aa_sheet *s, const aa_cell *cells, uint32_t n);
/* line: the spreadsheet row or CSV line, for findings and provenance */
void aa_sheet_row(aa_sheet *s, const aa_cell *cells, uint32_t n, uint32_t line);
void aa_sheet_free(aa_sheet *s);

cs_status aa_read_xlsx(const char *path, const cs_aa_template *t, cs_dataset *ds,
                       cs_exception_list *exc, cs_diag *d);
cs_status aa_read_csv_dir(const char *dir, const cs_aa_template *t, cs_dataset *ds,
                          cs_exception_list *exc, cs_diag *d);

#endif
