/* One list read from a sheet or a CSV file, whatever the container: its
 * heading row matched to the template (exactly; then ignoring case,
 * spacing and quote style; then by edit distance, as a misspelling), its
 * rows typed by column into the dataset. Shape problems are findings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "returns/annexa/read_int.h"

#define MAX_BAD_PER_COLUMN 50

/* Lower-case ASCII, curly quotes straightened, runs of white space as one
 * space, trimmed. */
static size_t normalise(const char *s, size_t n, char *out, size_t cap)
{
    size_t k = 0;
    int space = 0;
    for (size_t i = 0; i < n && k + 1 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80) {
            unsigned char c3 = (unsigned char)s[i + 2];
            if (c3 == 0x98 || c3 == 0x99 || c3 == 0x9C || c3 == 0x9D) {
                c = (c3 == 0x98 || c3 == 0x99) ? '\'' : '"';
                i += 2;
            }
        }
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0xA0) {
            space = k > 0;
            continue;
        }
        if (space && k + 2 < cap)
            out[k++] = ' ';
        space = 0;
        out[k++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : (char)c;
    }
    out[k] = '\0';
    return k;
}

static size_t edit_distance(const char *a, size_t na, const char *b, size_t nb)
{
    size_t row[512];
    if (nb >= sizeof row / sizeof row[0])
        return (size_t)-1;
    for (size_t j = 0; j <= nb; j++)
        row[j] = j;
    for (size_t i = 1; i <= na; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[nb];
}

/* The nearest heading among the list's columns not yet taken (taken may be
 * NULL), when near enough to be a misspelling: at most a fifth of the
 * heading's length wrong (and at least 2 allowed). */
static int closest(const cs_aa_list *l, const char *got, const uint8_t *taken)
{
    char g[1024], h[1024];
    size_t ng = normalise(got, strlen(got), g, sizeof g);
    int best = -1;
    size_t bestd = (size_t)-1;
    for (uint32_t c = 0; c < l->ncols; c++) {
        if (taken && taken[c])
            continue;
        size_t nh = normalise(l->cols[c].heading, strlen(l->cols[c].heading), h, sizeof h);
        size_t dist = edit_distance(g, ng, h, nh);
        size_t allow = nh / 5 > 2 ? nh / 5 : 2;
        if (dist <= allow && dist < bestd) {
            bestd = dist;
            best = (int)c;
        }
    }
    return best;
}

const char *cs_aa_closest_heading(const cs_aa_list *l, const char *got)
{
    int c = closest(l, got, NULL);
    return c >= 0 ? l->cols[c].heading : NULL;
}

void aa_sheet_begin(aa_sheet *s, cs_dataset *ds, const cs_aa_template *t, cs_exception_list *exc,
                    int list, const char *where, uint32_t file)
{
    memset(s, 0, sizeof *s);
    s->ds = ds;
    s->t = t;
    s->exc = exc;
    s->list = list;
    s->l = cs_aa_template_list(t, list);
    s->file = file;
    snprintf(s->where, sizeof s->where, "%s", where);
}

void aa_sheet_free(aa_sheet *s)
{
    free(s->map);
    s->map = NULL;
}

void aa_sheet_header(aa_sheet *s, const aa_cell *cells, uint32_t n)
{
    const cs_aa_list *l = s->l;
    uint8_t taken[CS_AA_MAX_FIELDS] = {0};
    s->ncols = n;
    s->map = cs_xmalloc((n ? n : 1) * sizeof *s->map);
    char got[1024], want[1024], rec[64];
    snprintf(rec, sizeof rec, "List %d row 1", s->list);
    /* exact, then the same words written differently */
    for (uint32_t i = 0; i < n; i++) {
        s->map[i] = -1;
        if (!cells[i].n)
            continue;
        for (uint32_t c = 0; c < l->ncols && s->map[i] < 0; c++)
            if (strlen(l->cols[c].heading) == cells[i].n &&
                memcmp(l->cols[c].heading, cells[i].s, cells[i].n) == 0)
                s->map[i] = (int)c;
    }
    for (uint32_t i = 0; i < n; i++) {
        if (s->map[i] >= 0 || !cells[i].n)
            continue;
        size_t ng = normalise(cells[i].s, cells[i].n, got, sizeof got);
        for (uint32_t c = 0; c < l->ncols && s->map[i] < 0; c++) {
            size_t nw = normalise(l->cols[c].heading, strlen(l->cols[c].heading), want, sizeof want);
            if (ng == nw && memcmp(got, want, ng) == 0) {
                s->map[i] = (int)c;
                aa_note(s->exc, "AAS04", CS_SEV_ERROR, "", rec, "heading", l->cols[c].heading,
                        "%s: column %u heading \"%.*s\" is not written as Ofsted writes it: \"%s\" "
                        "(case, spacing or quotes differ)",
                        s->where, i + 1, (int)cells[i].n, cells[i].s, l->cols[c].heading);
            }
        }
    }
    for (uint32_t i = 0; i < n; i++) {
        int c = s->map[i];
        if (c < 0)
            continue;
        if (taken[c]) {
            aa_note(s->exc, "AAS05", CS_SEV_ERROR, "", rec, "heading", l->cols[c].heading,
                    "%s: column %u repeats the heading \"%s\"; the first one is read", s->where,
                    i + 1, l->cols[c].heading);
            s->map[i] = -1;
            continue;
        }
        taken[c] = 1;
    }
    /* misspellings: the nearest heading not found otherwise */
    for (uint32_t i = 0; i < n; i++) {
        if (s->map[i] >= 0 || !cells[i].n)
            continue;
        char raw[1024];
        snprintf(raw, sizeof raw, "%.*s", (int)(cells[i].n < 1000 ? cells[i].n : 1000), cells[i].s);
        int c = closest(l, raw, taken);
        if (c >= 0) {
            s->map[i] = c;
            taken[c] = 1;
            aa_note(s->exc, "AAS04", CS_SEV_ERROR, "", rec, "heading", l->cols[c].heading,
                    "%s: column %u heading \"%s\" looks like a misspelling of \"%s\"; read as that "
                    "column",
                    s->where, i + 1, raw, l->cols[c].heading);
        } else {
            const char *near = cs_aa_closest_heading(l, raw);
            aa_note(s->exc, "AAS03", CS_SEV_ERROR, "", rec, "heading", raw,
                    "%s: column %u \"%s\" is not a column of List %d in the %s template%s%s%s",
                    s->where, i + 1, raw, s->list, cs_aa_template_name(s->t),
                    near ? " (it is nearest to \"" : "", near ? near : "", near ? "\", already there)" : "");
        }
    }
    int order_ok = 1, last = -1;
    for (uint32_t i = 0; i < n; i++) {
        if (s->map[i] < 0)
            continue;
        if (s->map[i] < last)
            order_ok = 0;
        last = s->map[i];
    }
    for (uint32_t c = 0; c < l->ncols; c++)
        if (!taken[c])
            aa_note(s->exc, "AAS02", CS_SEV_ERROR, "", rec, "heading", l->cols[c].heading,
                    "%s: List %d has no column \"%s\" (column %u of Ofsted's template)", s->where,
                    s->list, l->cols[c].heading, c + 1);
    if (!order_ok)
        aa_note(s->exc, "AAS07", CS_SEV_WARNING, "", rec, "", "",
                "%s: the columns are not in Ofsted's order (read by heading)", s->where);
}

static int is_blank(const aa_cell *c)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->s[i] != ' ' && c->s[i] != '\t')
            return 0;
    return 1;
}

static void bad_value(aa_sheet *s, int col, uint32_t line, const aa_cell *cell, const char *what)
{
    if (s->bad[col]++ >= MAX_BAD_PER_COLUMN) {
        return;
    }
    char rec[64], raw[256];
    snprintf(rec, sizeof rec, "List %d row %u", s->list, line);
    snprintf(raw, sizeof raw, "%.*s", (int)(cell->n < 200 ? cell->n : 200), cell->s);
    const char *heading = s->l->cols[col].heading;
    aa_note(s->exc, "AAS06", CS_SEV_ERROR, "", rec, heading, raw,
            "%s row %u: \"%s\" in \"%s\" is not %s%s", s->where, line, raw, heading, what,
            s->bad[col] == MAX_BAD_PER_COLUMN ? " (further ones in this column are not listed)" : "");
}

/* An Excel serial day number ("45352" or "45352.5") as a date. */
static cs_date from_serial(const char *s, size_t n)
{
    char buf[32];
    if (!n || n >= sizeof buf)
        return CS_DATE_NONE;
    memcpy(buf, s, n);
    buf[n] = '\0';
    char *end;
    double v = strtod(buf, &end);
    if (*end || v < 61 || v > 2958465)   /* 1 March 1900 .. 31 December 9999 */
        return CS_DATE_NONE;
    return (cs_date)((long)v - 25569);
}

void aa_sheet_row(aa_sheet *s, const aa_cell *cells, uint32_t n, uint32_t line)
{
    uint32_t k = n < s->ncols ? n : s->ncols;
    int any = 0;
    for (uint32_t i = 0; i < n && !any; i++)
        any = !is_blank(&cells[i]);
    if (!any)
        return;
    int g = cs_aa_list_group(s->list);
    uint32_t row = cs_ds_add_row(s->ds, g, 0, s->file, line);
    for (uint32_t i = 0; i < k; i++) {
        int c = s->map[i];
        if (c < 0 || is_blank(&cells[i]))
            continue;
        const cs_aa_column *col = &s->l->cols[c];
        cs_value *v = cs_ds_cell(s->ds, g, row, col->field);
        if (col->type == CS_AA_DATE && cells[i].numeric) {
            cs_date dt = from_serial(cells[i].s, cells[i].n);
            if (dt != CS_DATE_NONE) {
                cs_ds_set_date(s->ds, g, row, col->field, dt);
                continue;
            }
        }
        if (col->type == CS_AA_INT && cells[i].numeric && cells[i].n > 2 &&
            memcmp(cells[i].s + cells[i].n - 2, ".0", 2) == 0) {
            cs_ds_set_text(s->ds, g, row, col->field, cells[i].s, cells[i].n - 2, CS_DS_TEXT_DMY);
            continue;
        }
        cs_ds_set_text(s->ds, g, row, col->field, cells[i].s, cells[i].n, CS_DS_TEXT_DMY);
        if (v->kind == CS_V_INVALID && col->type == CS_AA_DATE) {
            /* a year-first date is read, and said */
            cs_date iso = cs_date_parse_iso(cells[i].s, cells[i].n >= 10 ? 10 : cells[i].n);
            if (iso != CS_DATE_NONE && cells[i].n >= 10) {
                cs_ds_set_date(s->ds, g, row, col->field, iso);
                bad_value(s, c, line, &cells[i], "written dd/mm/yyyy (read as the date it gives)");
                continue;
            }
        }
        if (v->kind == CS_V_INVALID)
            bad_value(s, c, line, &cells[i], col->type == CS_AA_DATE ? "a date (dd/mm/yyyy)" : "a whole number");
    }
    s->rows++;
}
