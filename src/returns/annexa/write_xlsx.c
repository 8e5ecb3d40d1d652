/* Annex A as one xlsx workbook: sheets "List 1" ... "List 11", the
 * template's headings in row 1 (bold, frozen, autofiltered), then one row
 * per list row. Dates are real date cells (Excel serial numbers) shown
 * dd/mm/yyyy, counts are numbers, labels and text are strings (an invalid
 * value is written as the text it was). libxlsxwriter's constant-memory
 * mode streams each row to a temporary file as it is written, so memory
 * stays flat however long the lists are. The workbook is written under a
 * temporary name created readable by the owner only, then renamed. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "returns/annexa/annexa.h"

#define XLSX_MAX_ROWS 1048576u
#define EXCEL_EPOCH_OFFSET 25569   /* day 0 (1970-01-01) is Excel serial 25569 */

static cs_status lxw_fail(cs_diag *d, const char *path, lxw_error e, const char *what)
{
    return cs_diag_set(d, e == LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED ? CS_ERR_LIMIT : CS_ERR_IO, path,
                       0, 0, "cannot write the workbook (%s): %s", what, lxw_strerror(e));
}

static lxw_error write_cell(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const cs_value *v,
                            lxw_format *date_fmt)
{
    switch (v->kind) {
    case CS_V_ABSENT:
        return LXW_NO_ERROR;
    case CS_V_DATE:
        return worksheet_write_number(ws, r, c, (double)v->i + EXCEL_EPOCH_OFFSET, date_fmt);
    case CS_V_INT:
        return worksheet_write_number(ws, r, c, (double)v->i, NULL);
    case CS_V_BOOL:
    case CS_V_STR:
    case CS_V_INVALID:
        return v->s && *v->s ? worksheet_write_string(ws, r, c, v->s, NULL) : LXW_NO_ERROR;
    }
    return LXW_NO_ERROR;
}

/* A column wide enough for its heading, within reason. */
static double width_of(const char *heading, cs_aa_vtype type)
{
    size_t n = strlen(heading);
    double w = n < 12 ? 12 : n > 40 ? 40 : (double)n;
    return type == CS_AA_DATE && w < 12 ? 12 : w;
}

static cs_status write_sheet(lxw_workbook *wb, const cs_dataset *ds, const cs_aa_template *t,
                             int list, lxw_format *head, lxw_format *date_fmt, const char *path,
                             cs_diag *d)
{
    char name[16];
    snprintf(name, sizeof name, "List %d", list);
    lxw_worksheet *ws = workbook_add_worksheet(wb, name);
    if (!ws)
        return cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot add sheet %s", name);
    const cs_aa_list *l = cs_aa_template_list(t, list);
    int g = cs_aa_list_group(list);
    uint32_t rows = cs_ds_count(ds, g);
    if (rows >= XLSX_MAX_ROWS)
        return cs_diag_set(d, CS_ERR_LIMIT, path, 0, 0,
                           "%s has %u rows, more than an Excel sheet holds (1,048,575): use the "
                           "CSV files",
                           name, rows);
    for (uint32_t c = 0; c < l->ncols; c++)
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, width_of(l->cols[c].heading, l->cols[c].type),
                             l->cols[c].type == CS_AA_DATE ? date_fmt : NULL);
    lxw_error e;
    for (uint32_t c = 0; c < l->ncols; c++)
        if ((e = worksheet_write_string(ws, 0, (lxw_col_t)c, l->cols[c].heading, head)) != LXW_NO_ERROR)
            return lxw_fail(d, path, e, name);
    worksheet_freeze_panes(ws, 1, 0);
    worksheet_autofilter(ws, 0, 0, rows, (lxw_col_t)(l->ncols - 1));
    for (uint32_t r = 0; r < rows; r++)
        for (uint32_t c = 0; c < l->ncols; c++) {
            const cs_value *v = cs_ds_cell_c(ds, g, r, l->cols[c].field);
            if ((e = write_cell(ws, r + 1, (lxw_col_t)c, v, date_fmt)) != LXW_NO_ERROR)
                return lxw_fail(d, path, e, name);
        }
    return CS_OK;
}

cs_status cs_annexa_write_xlsx(const cs_dataset *ds, const cs_aa_template *t, const char *path,
                               cs_diag *d)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        return cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot create the workbook: %s", strerror(errno));
    close(fd);   /* libxlsxwriter rewrites the file in place, keeping its owner-only mode */
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = NULL};
    lxw_workbook *wb = workbook_new_opt(tmp, &opt);
    if (!wb) {
        unlink(tmp);
        return cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot start the workbook");
    }
    lxw_format *head = workbook_add_format(wb);
    format_set_bold(head);
    format_set_text_wrap(head);
    format_set_align(head, LXW_ALIGN_VERTICAL_TOP);
    lxw_format *date_fmt = workbook_add_format(wb);
    format_set_num_format(date_fmt, "dd/mm/yyyy");
    cs_status st = CS_OK;
    for (int list = 1; list <= CS_AA_NLISTS && st == CS_OK; list++)
        st = write_sheet(wb, ds, t, list, head, date_fmt, path, d);
    lxw_error e = workbook_close(wb);
    if (st == CS_OK && e != LXW_NO_ERROR)
        st = lxw_fail(d, path, e, "closing");
    if (st == CS_OK && rename(tmp, path) != 0)
        st = cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot rename the workbook into place: %s",
                         strerror(errno));
    if (st != CS_OK)
        unlink(tmp);
    return st;
}
