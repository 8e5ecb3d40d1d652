/* Reading SSDA903 CSV tables into the 903 dataset. Files are recognised by
 * their set of column names, never by their names: every candidate is
 * opened and its header matched against the tables; recognised files are
 * then read in table order (Header first, so children keep the Header's
 * order). What stops the read and what is only a finding is listed in
 * ssda903.h. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "etl/values.h"
#include "read/table.h"
#include "returns/ssda903/internal.h"
#include "returns/ssda903/read_cache.h"
#include "util/limits.h"

#define NO_COLUMN (-1)

/* How a column's cells are stored, worked out once per table. */
typedef enum {
    CELL_TEXT = 0,      /* STR as written: postcodes, UPN, SW_ID */
    CELL_CODE,          /* CODE: "1.0" repaired, interned */
    CELL_INT,           /* INT: "1.0" repaired, parsed */
    CELL_PARSED,        /* any other type: parsed by the dataset */
    CELL_NUMBER_TEXT,   /* LA_PERM: text, "1.0" repaired */
    CELL_DATE,
    CELL_DATE_TEXT,     /* DATE_PERM, SW_DECOM, SW_DEC: text, repaired as dates */
    CELL_ID             /* URN: identifier repairs */
} cell_kind;

typedef struct {
    cs_table_reader *t;            /* open, header read; NULL when the table has no file */
    int col[CS_903_E_NFIELDS];     /* file column of each CSV field (largest group) */
    int group;
    uint8_t kind[CS_903_E_NFIELDS];   /* cell_kind of each CSV field */
} table_file;

typedef struct {
    const char *s;                 /* in the dataset's arena */
    size_t n;
} last_text;

typedef struct {
    char text[10];                 /* dd/mm/yyyy as written */
    cs_date date;                  /* CS_DATE_NONE: nothing kept */
} last_date;

typedef struct {
    cs_dataset *ds;
    cs_findings *findings;
    const cs_903_year *year;
    table_file files[CS_903_NTABLES];
    s903_child_index children;
    s903_code_cache *codes;
    last_text last[CS_903_E_NFIELDS];   /* each column's previous text, in the table being read */
    last_date dates[CS_903_E_NFIELDS];  /* each date column's previous dd/mm/yyyy date */
    char *buf;                     /* upper-cased value */
    size_t bufcap;
} csv_reader;

/* ---- findings ---------------------------------------------------------------- */

static void finding(csv_reader *r, cs_finding_kind kind, const char *file, uint64_t line,
                    uint32_t col, const char *table, const char *column, const char *child,
                    const char *orig, const char *repaired, const char *fmt, ...)
    __attribute__((format(printf, 11, 12)));

static void finding(csv_reader *r, cs_finding_kind kind, const char *file, uint64_t line,
                    uint32_t col, const char *table, const char *column, const char *child,
                    const char *orig, const char *repaired, const char *fmt, ...)
{
    if (!r->findings)
        return;
    char detail[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    cs_findings_addv(r->findings, kind, file, line, col, table, column, child, orig,
                     orig ? strlen(orig) : 0, repaired, detail);
}

/* ---- values ------------------------------------------------------------------------ */

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* "12.0", "1.00": digits, a point and zeros only. Returns the digit count. */
static size_t point_zero(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++;
    if (i == 0 || i + 1 >= n || s[i] != '.')
        return 0;
    for (size_t k = i + 1; k < n; k++)
        if (s[k] != '0')
            return 0;
    return i;
}

/* An Excel serial number (up to seven digits, optional fraction) or a
 * year-first ISO date (yyyy-mm-dd, then nothing or a time). */
static int looks_serial(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++;
    if (i == 0 || i > 7)
        return 0;
    if (i == n)
        return 1;
    if (s[i] != '.' || i + 1 == n)
        return 0;
    for (size_t k = i + 1; k < n; k++)
        if (s[k] < '0' || s[k] > '9')
            return 0;
    return 1;
}

static int looks_iso(const char *s, size_t n)
{
    if (n < 10 || s[4] != '-' || s[7] != '-')
        return 0;
    for (size_t i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return 0;
    return n == 10 || s[10] == ' ' || s[10] == 'T';
}

typedef struct {
    const char *file;
    uint64_t line;
    uint32_t col;
    const char *table, *column, *child;
} where;

/* DATE_PERM and the SWEpisodes dates are text (ZZ for unknown parts) but
 * get the same repairs as dates. */
static int partial_date(int g, int f)
{
    return (g == CS_903_G_PREVPERM && f == CS_903_PP_DATE_PERM) ||
           (g == CS_903_G_SW && (f == CS_903_SW_DECOM || f == CS_903_SW_DEC));
}

static void set_date(csv_reader *r, int g, uint32_t row, int f, const char *s, size_t n,
                     const where *w)
{
    int text = partial_date(g, f);
    cs_date dt = cs_date_parse_dmy(s, n);
    if (dt != CS_DATE_NONE) {
        if (text)
            cs_ds_set_text(r->ds, g, row, f, s, n, CS_DS_TEXT_DMY);
        else
            cs_ds_set_date(r->ds, g, row, f, dt);
        return;
    }
    int serial = looks_serial(s, n), iso = !serial && looks_iso(s, n);
    if (serial || iso) {
        cs_value_ctx quiet = {0};   /* our own finding below says what was done */
        dt = cs_value_date(&quiet, s, n, CS_DATES_ISO);
        if (dt != CS_DATE_NONE) {
            char dmy[11], orig[64];
            snprintf(orig, sizeof orig, "%.*s", (int)(n < 60 ? n : 60), s);
            if (text)
                cs_ds_set_str(r->ds, g, row, f, cs_date_dmy(dt, dmy));
            else
                cs_ds_set_date(r->ds, g, row, f, dt);
            if (serial)
                finding(r, CS_FK_EXCEL_SERIAL_DATE, w->file, w->line, w->col, w->table,
                        w->column, w->child, orig, cs_date_dmy(dt, dmy),
                        "Excel serial number read as the date it stands for");
            else
                finding(r, CS_FK_DATE_FORMAT, w->file, w->line, w->col, w->table, w->column,
                        w->child, orig, cs_date_dmy(dt, dmy),
                        "%s written year first; 903 files write dates dd/mm/yyyy", w->column);
            return;
        }
    }
    cs_ds_set_text(r->ds, g, row, f, s, n, CS_DS_TEXT_DMY);   /* invalid: the rules say so */
}

/* Upper-cased into the reader's buffer (only for text with a lower-case letter). */
static const char *upper_copy(csv_reader *r, const char *s, size_t n)
{
    if (n + 1 > r->bufcap) {
        r->bufcap = n + 64;
        r->buf = cs_xrealloc(r->buf, r->bufcap);
    }
    s903_upper(r->buf, r->bufcap, s, n);
    return r->buf;
}

/* A field without its surrounding spaces; *len 0 when blank. */
static inline const char *trimmed(const cs_field *fld, size_t *len)
{
    const char *s = fld->ptr;
    size_t n = fld->len;
    while (n > 0 && is_space(*s))
        s++, n--;
    while (n > 0 && is_space(s[n - 1]))
        n--;
    *len = n;
    return s;
}

/* s[0..n) upper-cased: s itself when it has no lower-case letter, else a
 * copy in the reader's buffer. */
static inline const char *upper(csv_reader *r, const char *s, size_t n)
{
    unsigned lower = 0;
    for (size_t i = 0; i < n; i++)
        lower |= (unsigned char)(s[i] - 'a') < 26u;
    return lower ? upper_copy(r, s, n) : s;
}

/* The column's previous text when s[0..n) is the same, else NULL. */
static inline const char *same_as_last(const csv_reader *r, int f, const char *s, size_t n)
{
    const last_text *lt = &r->last[f];
    return lt->s && lt->n == n && memcmp(lt->s, s, n) == 0 ? lt->s : NULL;
}

/* Text kept as written: the dataset's copy of the column's previous value
 * when it is the same (a child's episodes repeat postcodes), else a new copy
 * in the dataset's arena. Only codes are interned. */
static void put_text(csv_reader *r, int g, uint32_t row, int f, const char *s, size_t n)
{
    const char *kept = same_as_last(r, f, s, n);
    if (!kept) {
        kept = r->last[f].s = cs_arena_strndup(&r->ds->arena, s, n);
        r->last[f].n = n;
    }
    cs_value *v = cs_ds_cell(r->ds, g, row, f);
    v->kind = CS_V_STR;
    v->i = 0;
    v->s = kept;
}

/* "1.0" in a code or number column: the digits, with a finding. */
static size_t repair_point_zero(csv_reader *r, const char *s, size_t n, const where *w)
{
    size_t k = point_zero(s, n);
    if (k == 0)
        return n;
    char orig[64], fixed[64];
    snprintf(orig, sizeof orig, "%.*s", (int)(n < 60 ? n : 60), s);
    snprintf(fixed, sizeof fixed, "%.*s", (int)(k < 60 ? k : 60), s);
    finding(r, CS_FK_INT_DECIMAL, w->file, w->line, w->col, w->table, w->column, w->child, orig,
            fixed, "written with a decimal part, as Excel saves numbers");
    return k;
}

/* One cell: trimmed, upper-cased, Excel damage repaired (with a finding).
 * Dates and "1.0" are recognised before upper-casing (digits, / and . are
 * not letters); codes are upper-cased as they are looked up. */
static void set_cell(csv_reader *r, const table_file *tf, uint32_t row, int f,
                     const cs_field *fld, const where *w)
{
    size_t n = 0;
    const char *s = trimmed(fld, &n);
    if (n == 0)
        return;   /* cells start absent */
    int g = tf->group;
    switch ((cell_kind)tf->kind[f]) {
    case CELL_DATE: {
        last_date *ld = &r->dates[f];   /* rows of a child often repeat a date (DOB) */
        if (n == 10 && ld->date != CS_DATE_NONE && memcmp(ld->text, s, 10) == 0) {
            cs_ds_set_date(r->ds, g, row, f, ld->date);
            return;
        }
        cs_date dt = cs_date_parse_dmy(s, n);
        if (dt == CS_DATE_NONE) {
            set_date(r, g, row, f, upper(r, s, n), n, w);
            return;
        }
        cs_ds_set_date(r->ds, g, row, f, dt);
        if (n == 10) {
            memcpy(ld->text, s, 10);
            ld->date = dt;
        }
        return;
    }
    case CELL_DATE_TEXT:
        if (cs_date_parse_dmy(s, n) != CS_DATE_NONE)
            put_text(r, g, row, f, s, n);
        else
            set_date(r, g, row, f, upper(r, s, n), n, w);
        return;
    case CELL_CODE: {
        n = repair_point_zero(r, s, n, w);
        cs_value *v = cs_ds_cell(r->ds, g, row, f);
        v->kind = CS_V_STR;
        v->i = 0;
        v->s = n <= S903_SHORT_CODE ? s903_short_code(r->codes, &r->ds->strings, s, n)
                                    : cs_intern_n(&r->ds->strings, upper(r, s, n), n);
        return;
    }
    case CELL_INT:
        n = repair_point_zero(r, s, n, w);
        cs_ds_set_text(r->ds, g, row, f, upper(r, s, n), n, CS_DS_TEXT_DMY);
        return;
    case CELL_PARSED:
        cs_ds_set_text(r->ds, g, row, f, upper(r, s, n), n, CS_DS_TEXT_DMY);
        return;
    case CELL_NUMBER_TEXT:
        n = repair_point_zero(r, s, n, w);
        put_text(r, g, row, f, upper(r, s, n), n);
        return;
    case CELL_ID: {
        char id[256];
        size_t idn = 0;
        cs_value_ctx c = {r->findings, w->file, w->line, w->col, w->table, w->column, w->child};
        s = upper(r, s, n);
        const char *v = cs_value_id_slice(&c, s, n, id, sizeof id, &idn);
        if (v && idn > 0)
            put_text(r, g, row, f, v, idn);
        else
            put_text(r, g, row, f, s, n);
        return;
    }
    case CELL_TEXT: {
        const char *kept = same_as_last(r, f, s, n);   /* upper-case already */
        if (kept) {
            cs_value *v = cs_ds_cell(r->ds, g, row, f);
            v->kind = CS_V_STR;
            v->i = 0;
            v->s = kept;
        } else {
            put_text(r, g, row, f, upper(r, s, n), n);
        }
        return;
    }
    }
}

/* The CHILD of a row, repaired: *n 0 when blank. A slice of the record, or
 * in buf (256 bytes) or the reader's buffer. */
static const char *child_id(csv_reader *r, const cs_field *fld, const char *file, uint64_t line,
                            const char *table, char *buf, size_t *n)
{
    const char *s = trimmed(fld, n);
    if (*n == 0)
        return s;
    s = upper(r, s, *n);
    if (*n >= 256)
        return s;
    size_t idn = 0;
    cs_value_ctx c = {r->findings, file, line, fld->col, table, "CHILD", NULL};
    const char *id = cs_value_id_slice(&c, s, *n, buf, 256, &idn);
    if (id && idn > 0) {
        *n = idn;
        return id;
    }
    return s;
}

/* How each CSV column of table t is stored. */
static void cell_kinds(table_file *tf, const cs_903_table *t)
{
    const cs_ds_group *grp = &cs_903_schema.groups[t->group];
    tf->group = t->group;
    for (uint32_t f = 0; f < t->ncsv; f++) {
        cs_dtype type = grp->fields[f].type;
        cell_kind k = type == CS_DT_DATE ? CELL_DATE
                      : type == CS_DT_CODE ? CELL_CODE
                      : type == CS_DT_INT ? CELL_INT
                      : type == CS_DT_STR ? CELL_TEXT
                                          : CELL_PARSED;
        if (partial_date(t->group, (int)f))
            k = CELL_DATE_TEXT;
        else if (t->group == CS_903_G_EPISODES && f == CS_903_E_URN)
            k = CELL_ID;
        else if (t->group == CS_903_G_PREVPERM && f == CS_903_PP_LA_PERM)
            k = CELL_NUMBER_TEXT;
        tf->kind[f] = (uint8_t)k;
    }
}

/* ---- recognising a file by its columns ------------------------------------------------ */

static int field_of_column(int g, const cs_903_table *t, const char *name, int *derived)
{
    const cs_ds_group *grp = &cs_903_schema.groups[g];
    *derived = 0;
    for (uint32_t f = 0; f < grp->nfields; f++)
        if (strcasecmp(grp->fields[f].name, name) == 0) {
            *derived = f >= t->ncsv;
            return *derived ? NO_COLUMN : (int)f;
        }
    return NO_COLUMN;
}

/* Columns of table t present in the file (distinct), and file columns that
 * are not among t's CSV columns. */
static void match_counts(const cs_table_reader *tr, const cs_903_table *t, uint32_t *have,
                         uint32_t *extra)
{
    uint32_t seen = 0;   /* bit per field (every table has fewer than 32) */
    *have = *extra = 0;
    for (size_t i = 0; i < cs_table_ncolumns(tr); i++) {
        int derived;
        int f = field_of_column(t->group, t, cs_table_column(tr, i), &derived);
        if (f == NO_COLUMN)
            (*extra)++;
        else if (!(seen & (1u << f))) {
            seen |= 1u << f;
            (*have)++;
        }
    }
}

/* Plain-words list of t's columns missing from the file, and the file's
 * columns t has not got. */
static void describe_mismatch(const cs_table_reader *tr, const cs_903_table *t, char *buf,
                              size_t n)
{
    size_t w = 0;
    const cs_ds_group *grp = &cs_903_schema.groups[t->group];
    int any = 0;
    for (uint32_t f = 0; f < t->ncsv; f++) {
        if (cs_table_find_column(tr, grp->fields[f].name) >= 0)
            continue;
        w += (size_t)snprintf(buf + w, w < n ? n - w : 0, "%s%s", any ? ", " : "lacks ",
                              grp->fields[f].name);
        any = 1;
        if (w >= n)
            return;
    }
    int extra = 0;
    for (size_t i = 0; i < cs_table_ncolumns(tr) && w < n; i++) {
        int derived;
        if (field_of_column(t->group, t, cs_table_column(tr, i), &derived) != NO_COLUMN)
            continue;
        w += (size_t)snprintf(buf + w, w < n ? n - w : 0, "%s%.60s", extra ? ", " :
                              any ? "; has extra " : "has extra ", cs_table_column(tr, i));
        extra = any = 1;
    }
}

/* The table the file holds (index into tables), or -1 with a finding. */
static int recognise(csv_reader *r, const cs_table_reader *tr, const char *path)
{
    int best = -1;
    uint32_t best_n = 0, best_extra = 0;
    int close = -1;
    uint32_t close_have = 0, close_missing = 0;
    int close_tie = 0;
    for (size_t i = 0; i < CS_903_NTABLES; i++) {
        const cs_903_table *t = cs_903_table_at(i);
        uint32_t have, extra;
        match_counts(tr, t, &have, &extra);
        if (have == t->ncsv) {
            if (best < 0 || t->ncsv > best_n || (t->ncsv == best_n && extra < best_extra)) {
                best = (int)i;
                best_n = t->ncsv;
                best_extra = extra;
            }
            continue;
        }
        uint32_t missing = t->ncsv - have;
        if (close < 0 || have > close_have || (have == close_have && missing < close_missing)) {
            close = (int)i;
            close_have = have;
            close_missing = missing;
            close_tie = 0;
        } else if (have == close_have && missing == close_missing) {
            close_tie = 1;
        }
    }
    if (best >= 0)
        return best;
    if (cs_table_ncolumns(tr) == 0) {
        finding(r, CS_FK_FILE_UNRECOGNISED, path, 0, 0, NULL, NULL, NULL, NULL, NULL,
                "the file is empty (no header row); not read");
        return -1;
    }
    /* CHILD and DOB are in most tables: naming a table needs more than that */
    if (close < 0 || close_have <= 2 || close_tie) {
        finding(r, CS_FK_FILE_UNRECOGNISED, path, 1, 0, NULL, NULL, NULL, NULL, NULL,
                "columns match no SSDA903 table; not read");
        return -1;
    }
    const cs_903_table *t = cs_903_table_at((size_t)close);
    char what[400];
    describe_mismatch(tr, t, what, sizeof what);
    finding(r, CS_FK_FILE_UNRECOGNISED, path, 1, 0, cs_903_schema.groups[t->group].name, NULL,
            NULL, NULL, NULL,
            "columns match no SSDA903 table; closest %s: %s; not read",
            cs_903_schema.groups[t->group].name, what);
    return -1;
}

/* Which file column feeds each field; findings for twice-named, unknown
 * and derived columns. */
static void map_columns(csv_reader *r, table_file *tf, const cs_903_table *t, const char *path)
{
    const char *tname = cs_903_schema.groups[t->group].name;
    for (size_t f = 0; f < CS_903_E_NFIELDS; f++)
        tf->col[f] = NO_COLUMN;
    for (size_t i = 0; i < cs_table_ncolumns(tf->t); i++) {
        const char *name = cs_table_column(tf->t, i);
        int derived;
        int f = field_of_column(t->group, t, name, &derived);
        uint32_t col = (uint32_t)(i + 1);
        if (f == NO_COLUMN) {
            if (derived)
                finding(r, CS_FK_COLUMN_UNEXPECTED, path, 1, col, tname, name, NULL, NULL, NULL,
                        "column %d \"%.60s\" is derived by cscdw, not read from the %s file; "
                        "ignored", (int)col, name, tname);
            else
                finding(r, CS_FK_COLUMN_UNEXPECTED, path, 1, col, tname, name, NULL, NULL, NULL,
                        "column %d \"%.60s\" is not a column of the %s table; ignored",
                        (int)col, name, tname);
        } else if (tf->col[f] != NO_COLUMN) {
            finding(r, CS_FK_COLUMN_DUPLICATE, path, 1, col, tname, name, NULL, NULL, NULL,
                    "column %s appears twice (columns %d and %d); column %d is read",
                    cs_903_schema.groups[t->group].fields[f].name, tf->col[f] + 1, (int)col,
                    tf->col[f] + 1);
        } else {
            tf->col[f] = (int)i;
        }
    }
}

/* ---- opening candidates ------------------------------------------------------------------ */

/* mem: the file's bytes when it is in memory, else NULL (read from path). */
static cs_status open_candidate(csv_reader *r, const char *path, const cs_903_mem_file *mem,
                                cs_diag *d)
{
    cs_table_spec spec = {.format = CS_TABLE_CSV,
                          .encoding = CS_ENC_AUTO,
                          .invalid = CS_INVALID_REPLACE,
                          .has_header = 1};
    cs_table_reader *tr = NULL;
    cs_bytesrc *src = NULL;
    cs_status st = mem ? cs_bytesrc_open_mem(&src, mem->data, mem->len, path, d) : CS_OK;
    if (st == CS_OK)
        st = src ? cs_table_open_src(&tr, src, &spec, r->findings, d)
                 : cs_table_open(&tr, path, &spec, r->findings, d);
    if (st != CS_OK)
        return st;
    int ti = recognise(r, tr, path);
    if (ti < 0) {
        cs_table_close(tr);
        return CS_OK;
    }
    table_file *tf = &r->files[ti];
    const cs_903_table *t = cs_903_table_at((size_t)ti);
    if (tf->t) {
        st = cs_diag_set(d, CS_ERR_FORMAT, path, 1, 0,
                         "two files hold the SSDA903 %s table: %s and %s; keep one",
                         cs_903_schema.groups[t->group].name, cs_table_path(tf->t), path);
        cs_table_close(tr);
        return st;
    }
    tf->t = tr;
    map_columns(r, tf, t, path);
    return CS_OK;
}

/* ---- reading rows -------------------------------------------------------------------------- */

static cs_status read_table(csv_reader *r, size_t ti, cs_diag *d)
{
    table_file *tf = &r->files[ti];
    const cs_903_table *t = cs_903_table_at(ti);
    const cs_ds_group *grp = &cs_903_schema.groups[t->group];
    const char *path = cs_table_path(tf->t);
    uint32_t file = cs_ds_add_file(r->ds, path);
    path = r->ds->files[file];   /* lives as long as the dataset */
    cell_kinds(tf, t);
    memset(r->last, 0, sizeof r->last);
    for (size_t f = 0; f < CS_903_E_NFIELDS; f++)
        r->dates[f].date = CS_DATE_NONE;
    uint64_t rows = 0;
    cs_record rec;
    cs_status st;
    while ((st = cs_table_next(tf->t, &rec, d)) == CS_OK) {
        if (rec.blank) {
            finding(r, CS_FK_BLANK_ROW, path, rec.line, 0, grp->name, NULL, NULL, NULL, NULL,
                    "blank line in the %s file; skipped", grp->name);
            continue;
        }
        rows++;
        if (cs_table_ragged(tf->t))
            finding(r, CS_FK_RAGGED_ROW, path, rec.line, 0, grp->name, NULL, NULL, NULL, NULL,
                    "the row has %u fields, the header %zu; read by position",
                    cs_table_raw_nfields(tf->t), cs_table_ncolumns(tf->t));
        uint32_t line = rec.line > UINT32_MAX ? UINT32_MAX : (uint32_t)rec.line;
        const cs_field *cf = &rec.fields[tf->col[0]];   /* CHILD is every table's first */
        char idbuf[256];
        size_t idn;
        const char *id = child_id(r, cf, path, rec.line, grp->name, idbuf, &idn);
        const char *kept = NULL;   /* the id as the dataset keeps it */
        uint32_t crow = 0;
        s903_child_key key;
        int pending = 0;   /* looked up after the cells, its slot fetched meanwhile */
        if (idn > 0) {
            if (!s903_child_index_near(&r->children, id, idn, &crow, &kept, &key)) {
                /* kept NUL-terminated for the cells' findings, out of the
                 * buffer cells are upper-cased into */
                if (id != idbuf && idn < sizeof idbuf) {
                    memcpy(idbuf, id, idn);
                    id = idbuf;
                }
                if (id == idbuf) {
                    idbuf[idn] = '\0';
                    pending = 1;
                } else {
                    crow = s903_child_index_get(&r->children, r->ds, id, idn, &key, file, line,
                                                &kept);
                }
            }
        } else {
            crow = cs_ds_add_row(r->ds, CS_903_G_CHILD, 0, file, line);
            finding(r, CS_FK_MISSING_ID, path, rec.line, cf->col, grp->name, "CHILD", NULL, NULL,
                    NULL, "%s row with a blank CHILD; kept as a child of its own", grp->name);
        }
        uint32_t row = cs_ds_add_row(r->ds, t->group, crow, file, line);
        for (uint32_t f = 1; f < t->ncsv; f++) {
            const cs_field *fld = &rec.fields[tf->col[f]];
            where w = {path, fld->line ? fld->line : rec.line, fld->col, grp->name,
                       grp->fields[f].name, kept ? kept : pending ? idbuf : NULL};
            set_cell(r, tf, row, (int)f, fld, &w);
        }
        if (pending) {
            crow = s903_child_index_get(&r->children, r->ds, id, idn, &key, file, line, &kept);
            r->ds->rows[t->group].parent[row] = crow;
        }
        if (kept) {
            cs_value *v = cs_ds_cell(r->ds, t->group, row, 0);
            v->kind = CS_V_STR;
            v->s = kept;
        }
    }
    if (st != CS_EOF)
        return st;
    if (rows == 0)
        finding(r, CS_FK_EMPTY_FILE, path, 0, 0, grp->name, NULL, NULL, NULL, NULL,
                "the %s table has no rows", grp->name);
    return CS_OK;
}

/* ---- driver -------------------------------------------------------------------------------- */

static void reader_free(csv_reader *r)
{
    for (size_t i = 0; i < CS_903_NTABLES; i++)
        cs_table_close(r->files[i].t);
    s903_child_index_free(&r->children);
    free(r->codes);
    free(r->buf);
}

/* Is group g's table to be read? Header (the children) and UASC (which sets
 * Header's UASC flag) always are. */
static int wanted(uint64_t groups, int g)
{
    return groups == 0 || g == CS_903_G_HEADER || g == CS_903_G_UASC || g >= 64 ||
           (groups >> g & 1);
}

/* origin: the folder the files came from (named by missing-table findings), or NULL;
 * mem: the files' bytes when they are in memory (paths are then their names), or NULL;
 * groups: the tables to read (cs_903_read_csv_dir_only). */
static cs_status read_files(const char *const *paths, const cs_903_mem_file *mem, size_t npaths,
                            const char *origin, const cs_903_year *year, uint64_t groups,
                            cs_dataset *out, cs_findings *findings, cs_diag *d)
{
    cs_ds_init(out, &cs_903_schema);
    csv_reader r = {.ds = out, .findings = findings, .year = year};
    r.codes = cs_xcalloc(1, sizeof *r.codes);
    cs_status st = CS_OK;
    for (size_t i = 0; i < npaths && st == CS_OK; i++)
        st = open_candidate(&r, paths[i], mem ? &mem[i] : NULL, d);
    size_t recognised = 0;
    for (size_t i = 0; i < CS_903_NTABLES; i++)
        recognised += r.files[i].t != NULL;
    if (st == CS_OK && recognised == 0)
        st = cs_diag_set(d, CS_ERR_FORMAT, npaths ? paths[0] : NULL, 0, 0,
                         "none of the %zu file%s is an SSDA903 table (tables are recognised "
                         "by their column names)", npaths, npaths == 1 ? "" : "s");
    if (st == CS_OK)
        cs_ds_add_row(out, CS_903_G_ROOT, 0, 0, 0);
    for (size_t i = 0; i < CS_903_NTABLES && st == CS_OK; i++) {
        const cs_903_table *t = cs_903_table_at(i);
        if (!wanted(groups, t->group))
            continue;   /* no rule reads it: recognised, neither read nor missed */
        if (r.files[i].t) {
            st = read_table(&r, i, d);
        } else if (cs_903_table_in_year(t, year)) {
            char where_[40] = "";
            if (year)
                snprintf(where_, sizeof where_, " for %s", year->label);
            finding(&r, CS_FK_TABLE_MISSING, origin, 0, 0,
                    cs_903_schema.groups[t->group].name, NULL, NULL, NULL, NULL,
                    "no file holds the %s table%s (columns CHILD, %s, ...); read as empty",
                    cs_903_schema.groups[t->group].name, where_,
                    cs_903_schema.groups[t->group].fields[1].name);
        }
    }
    reader_free(&r);
    if (st == CS_OK) {
        s903_set_uasc_flags(out, 0);
        st = cs_ds_finalize(out, d);
    }
    if (st != CS_OK)
        cs_ds_free(out);
    return st;
}

cs_status cs_903_read_csv_files(const char *const *paths, size_t npaths, const cs_903_year *year,
                                cs_dataset *out, cs_findings *findings, cs_diag *d)
{
    return read_files(paths, NULL, npaths, NULL, year, 0, out, findings, d);
}

cs_status cs_903_read_csv_files_only(const char *const *paths, size_t npaths,
                                     const cs_903_year *year, uint64_t groups, cs_dataset *out,
                                     cs_findings *findings, cs_diag *d)
{
    return read_files(paths, NULL, npaths, NULL, year, groups, out, findings, d);
}

cs_status cs_903_read_csv_mem(const cs_903_mem_file *files, size_t nfiles, const cs_903_year *year,
                              cs_dataset *out, cs_findings *findings, cs_diag *d)
{
    return cs_903_read_csv_mem_only(files, nfiles, year, 0, out, findings, d);
}

cs_status cs_903_read_csv_mem_only(const cs_903_mem_file *files, size_t nfiles,
                                   const cs_903_year *year, uint64_t groups, cs_dataset *out,
                                   cs_findings *findings, cs_diag *d)
{
    const char **names = cs_xmalloc((nfiles ? nfiles : 1) * sizeof *names);
    for (size_t i = 0; i < nfiles; i++)
        names[i] = files[i].name;
    cs_status st = read_files(names, files, nfiles, NULL, year, groups, out, findings, d);
    free(names);
    return st;
}

static int candidate_name(const char *name)
{
    if (name[0] == '.')
        return 0;
    size_t n = strlen(name);
    if (n > 3 && strcasecmp(name + n - 3, ".gz") == 0)
        n -= 3;
    static const char *const exts[] = {".csv", ".txt", ".tsv"};
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++)
        if (n > 4 && strncasecmp(name + n - 4, exts[i], 4) == 0)
            return 1;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

cs_status cs_903_read_csv_dir(const char *dir, const cs_903_year *year, cs_dataset *out,
                              cs_findings *findings, cs_diag *d)
{
    return cs_903_read_csv_dir_only(dir, year, 0, out, findings, d);
}

cs_status cs_903_read_csv_dir_only(const char *dir, const cs_903_year *year, uint64_t groups,
                                   cs_dataset *out, cs_findings *findings, cs_diag *d)
{
    DIR *dh = opendir(dir);
    if (!dh) {
        cs_status st = cs_diag_set(d, CS_ERR_IO, dir, 0, 0, "cannot list the folder: %s",
                                   strerror(errno));
        cs_ds_init(out, &cs_903_schema);
        cs_ds_free(out);
        return st;
    }
    char **paths = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(dh)) != NULL) {
        if (!candidate_name(e->d_name))
            continue;
        char *p = cs_xmalloc(strlen(dir) + strlen(e->d_name) + 2);
        sprintf(p, "%s/%s", dir, e->d_name);
        struct stat sb;
        if (stat(p, &sb) != 0 || !S_ISREG(sb.st_mode)) {
            free(p);
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            paths = cs_xrealloc(paths, cap * sizeof *paths);
        }
        paths[n++] = p;
    }
    closedir(dh);
    cs_status st;
    if (n == 0) {
        st = cs_diag_set(d, CS_ERR_IO, dir, 0, 0,
                         "the folder holds no .csv, .txt or .tsv file (gzip allowed)");
        cs_ds_init(out, &cs_903_schema);
        cs_ds_free(out);
    } else {
        qsort(paths, n, sizeof *paths, cmp_str);   /* same order every run */
        st = read_files((const char *const *)paths, NULL, n, dir, year, groups, out, findings, d);
    }
    for (size_t i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
    return st;
}
