/* The unified table reader: CSV, fixed-width and XML behind one interface
 * of named columns, so the extract stage maps columns the same way whatever
 * the file's format.
 *
 * Column names come from the CSV header row (leading blank rows skipped,
 * names trimmed), the fixed-width layout, or the first XML record. XML
 * records need not all carry the same elements (optional elements are
 * simply left out), so an XML field name first seen in a later record is
 * added as a new column at the end; earlier columns keep their numbers.
 * Repeated names are allowed: find_column gives the first, and in XML the
 * n-th occurrence in a record goes to the n-th column of that name.
 *
 * Fields are aligned to the columns in a reused array: the CSV and
 * fixed-width readers' slices are copied as slices, never as text. */
#include "read/table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "read/csv.h"
#include "read/xmlrec.h"
#include "util/arena.h"
#include "util/limits.h"

struct cs_table_reader {
    cs_table_format format;
    char *path;
    cs_bytesrc *src;           /* owned by the reader below; kept for gzip/offset */
    cs_textsrc *text;          /* CSV and fixed: owned by the reader below */
    cs_csv *csv;
    cs_fixed *fixed;
    cs_xmlrec *xml;

    cs_arena arena;            /* column names */
    const char **columns;
    size_t ncols, colcap;

    cs_field *fields;          /* the aligned record handed out */
    size_t fieldcap;
    uint64_t *stamp;           /* XML: column filled in record number stamp[i] */
    long *slot;                /* XML: column of each field of the record */
    size_t slotcap;

    cs_record pending;         /* a record read during open, handed out first */
    const char *const *pending_names;
    int have_pending;

    uint32_t raw_nfields;
    int ragged;
    uint64_t index;            /* data records handed out */
    uint64_t last_line;
};

static const char *const EMPTY = "";

/* ---- columns ------------------------------------------------------------ */

static void add_column(cs_table_reader *t, const char *name, size_t len)
{
    while (len > 0 && (name[0] == ' ' || name[0] == '\t')) {
        name++;
        len--;
    }
    while (len > 0 && (name[len - 1] == ' ' || name[len - 1] == '\t'))
        len--;
    if (t->ncols == t->colcap) {
        t->colcap = t->colcap ? t->colcap * 2 : 32;
        t->columns = cs_xrealloc(t->columns, t->colcap * sizeof *t->columns);
        t->stamp = cs_xrealloc(t->stamp, t->colcap * sizeof *t->stamp);
    }
    t->stamp[t->ncols] = 0;
    t->columns[t->ncols++] = cs_arena_strndup(&t->arena, name, len);
}

/* A column with no name of its own is called by its 1-based number. */
static void add_numbered_column(cs_table_reader *t, size_t i)
{
    char num[24];
    int len = snprintf(num, sizeof num, "%zu", i + 1);
    add_column(t, num, (size_t)len);
}

size_t cs_table_ncolumns(const cs_table_reader *t)
{
    return t->ncols;
}

const char *cs_table_column(const cs_table_reader *t, size_t i)
{
    return i < t->ncols ? t->columns[i] : NULL;
}

int cs_table_find_column(const cs_table_reader *t, const char *name)
{
    if (!name)
        return -1;
    while (*name == ' ' || *name == '\t')
        name++;
    size_t len = strlen(name);
    while (len > 0 && (name[len - 1] == ' ' || name[len - 1] == '\t'))
        len--;
    if (len == 0)
        return -1;
    for (size_t i = 0; i < t->ncols && i <= (size_t)INT32_MAX; i++)
        if (strlen(t->columns[i]) == len && strncasecmp(t->columns[i], name, len) == 0)
            return (int)i;
    return -1;
}

/* ---- the aligned record ------------------------------------------------- */

static cs_field *field_slots(cs_table_reader *t, size_t n)
{
    if (n > t->fieldcap) {
        t->fieldcap = n < 32 ? 32 : n;
        t->fields = cs_xrealloc(t->fields, t->fieldcap * sizeof *t->fields);
    }
    return t->fields;
}

static void empty_field(cs_field *f, uint64_t line)
{
    f->ptr = EMPTY;
    f->len = 0;
    f->col = 0;
    f->line = line;
}

/* CSV: the columns, then any extra fields; missing ones empty. */
static void align_positional(cs_table_reader *t, cs_record *rec)
{
    size_t raw = rec->nfields, n = raw > t->ncols ? raw : t->ncols;
    cs_field *out = field_slots(t, n);
    memcpy(out, rec->fields, raw * sizeof *out);
    for (size_t i = raw; i < n; i++)
        empty_field(&out[i], rec->line);
    t->raw_nfields = (uint32_t)raw;
    t->ragged = !rec->blank && raw != t->ncols;
    rec->fields = out;
    rec->nfields = (uint32_t)n;
}

/* Column for the next field called `name` in record `stamp`: the one after
 * the last match when names come in the usual order, else a search, else a
 * new column. -1 when the column cap is reached. */
static long column_for(cs_table_reader *t, const char *name, size_t hint, uint64_t stamp)
{
    if (hint < t->ncols && t->stamp[hint] != stamp && strcmp(t->columns[hint], name) == 0)
        return (long)hint;
    for (size_t i = 0; i < t->ncols; i++)
        if (t->stamp[i] != stamp && strcmp(t->columns[i], name) == 0)
            return (long)i;
    if (t->ncols >= CS_MAX_COLUMNS)
        return -1;
    add_column(t, name, strlen(name));
    return (long)t->ncols - 1;
}

static cs_status align_by_name(cs_table_reader *t, cs_record *rec, const char *const *names,
                               cs_diag *d)
{
    uint64_t stamp = t->index + 1;
    size_t hint = 0;
    /* first pass places fields (columns may grow), second fills the gaps */
    if (rec->nfields > t->slotcap) {
        t->slotcap = rec->nfields;
        t->slot = cs_xrealloc(t->slot, t->slotcap * sizeof *t->slot);
    }
    long *slot = t->slot;
    for (uint32_t j = 0; j < rec->nfields; j++) {
        long c = column_for(t, names[j], hint, stamp);
        if (c < 0)
            return cs_diag_set(d, CS_ERR_LIMIT, t->path, rec->fields[j].line, 0,
                               "records hold more than %u distinct fields", CS_MAX_COLUMNS);
        t->stamp[c] = stamp;
        slot[j] = c;
        hint = (size_t)c + 1;
    }
    cs_field *out = field_slots(t, t->ncols);
    for (size_t i = 0; i < t->ncols; i++)
        if (t->stamp[i] != stamp)
            empty_field(&out[i], rec->line);
    for (uint32_t j = 0; j < rec->nfields; j++)
        out[slot[j]] = rec->fields[j];
    t->raw_nfields = rec->nfields;
    t->ragged = 0;
    rec->fields = out;
    rec->nfields = (uint32_t)t->ncols;
    return CS_OK;
}

/* ---- reading ------------------------------------------------------------ */

/* Give an error from below the file and a line if it lacks them: the byte
 * and text layers know offsets, the user wants a line. */
static cs_status place_error(const cs_table_reader *t, cs_status st, cs_diag *d)
{
    if (d && st != CS_OK && st != CS_EOF) {
        if (!d->file[0])
            snprintf(d->file, sizeof d->file, "%s", t->path);
        if (d->line == 0)
            d->line = t->last_line + 1;
    }
    return st;
}

static cs_status raw_next(cs_table_reader *t, cs_record *rec, const char *const **names,
                          cs_diag *d)
{
    switch (t->format) {
    case CS_TABLE_CSV:
        return cs_csv_next(t->csv, rec, d);
    case CS_TABLE_FIXED: {
        int short_line = 0;
        cs_status st = cs_fixed_next(t->fixed, rec, &short_line, d);
        t->ragged = short_line;
        return st;
    }
    case CS_TABLE_XML:
        return cs_xmlrec_next(t->xml, rec, names, d);
    }
    return cs_diag_set(d, CS_ERR_INTERNAL, t->path, 0, 0, "unknown table format");
}

cs_status cs_table_next(cs_table_reader *t, cs_record *rec, cs_diag *d)
{
    const char *const *names = NULL;
    cs_status st;
    if (t->have_pending) {
        *rec = t->pending;
        names = t->pending_names;
        t->have_pending = 0;
        st = CS_OK;
    } else {
        st = raw_next(t, rec, &names, d);
    }
    if (st != CS_OK)
        return place_error(t, st, d);
    t->last_line = rec->line;
    switch (t->format) {
    case CS_TABLE_CSV:
        align_positional(t, rec);
        break;
    case CS_TABLE_FIXED:
        t->raw_nfields = rec->nfields;
        break;
    case CS_TABLE_XML:
        st = align_by_name(t, rec, names, d);
        if (st != CS_OK)
            return st;
        break;
    }
    rec->index = t->index++;
    return CS_OK;
}

/* CSV: the header row (after any blank lines), or for a headerless file the
 * first row kept back as data with columns numbered 1, 2, ... */
static cs_status read_header(cs_table_reader *t, int has_header, cs_diag *d)
{
    cs_record rec;
    cs_status st;
    do {
        st = cs_csv_next(t->csv, &rec, d);
    } while (st == CS_OK && rec.blank && has_header);
    if (st == CS_EOF)
        return CS_OK;   /* an empty file: no columns, no records */
    if (st != CS_OK)
        return place_error(t, st, d);
    t->last_line = rec.line;
    if (!has_header) {
        for (uint32_t i = 0; i < rec.nfields; i++)
            add_numbered_column(t, i);
        t->pending = rec;
        t->have_pending = 1;
        return CS_OK;
    }
    for (uint32_t i = 0; i < rec.nfields; i++)
        add_column(t, rec.fields[i].ptr, rec.fields[i].len);
    return CS_OK;
}

static cs_status open_text(cs_table_reader *t, const cs_table_spec *spec, cs_findings *findings,
                           cs_diag *d)
{
    cs_status st = t->src ? CS_OK : cs_bytesrc_open(&t->src, t->path, d);
    if (st != CS_OK)
        return st;
    st = cs_textsrc_open(&t->text, t->src, spec->encoding, spec->invalid, findings, d);
    if (st != CS_OK) {
        t->src = NULL;   /* closed by the text source */
        return place_error(t, st, d);
    }
    return CS_OK;
}

static cs_status open_format(cs_table_reader *t, const cs_table_spec *spec,
                             cs_findings *findings, cs_diag *d)
{
    cs_status st;
    switch (spec->format) {
    case CS_TABLE_CSV: {
        if ((st = open_text(t, spec, findings, d)) != CS_OK)
            return st;
        cs_csv_opts opts = {.delimiter = spec->delimiter, .quote = 0};
        st = cs_csv_open(&t->csv, t->text, &opts, d);
        if (st != CS_OK) {
            t->text = NULL;
            t->src = NULL;
            return place_error(t, st, d);
        }
        return read_header(t, spec->has_header, d);
    }
    case CS_TABLE_FIXED:
        if ((st = open_text(t, spec, findings, d)) != CS_OK)
            return st;
        st = cs_fixed_open(&t->fixed, t->text, spec->layout, spec->nlayout, d);
        if (st != CS_OK) {
            t->text = NULL;
            t->src = NULL;
            return st;
        }
        for (size_t i = 0; i < spec->nlayout; i++) {
            const char *name = spec->layout[i].name;
            if (name)
                add_column(t, name, strlen(name));
            else
                add_numbered_column(t, i);
        }
        return CS_OK;
    case CS_TABLE_XML: {
        if (!t->src && (st = cs_bytesrc_open(&t->src, t->path, d)) != CS_OK)
            return st;
        st = cs_xmlrec_open(&t->xml, t->src, spec->record_element, d);
        if (st != CS_OK) {
            t->src = NULL;
            return st;
        }
        st = cs_xmlrec_next(t->xml, &t->pending, &t->pending_names, d);
        if (st == CS_EOF)
            return CS_OK;
        if (st != CS_OK)
            return place_error(t, st, d);
        for (uint32_t i = 0; i < t->pending.nfields; i++)
            add_column(t, t->pending_names[i], strlen(t->pending_names[i]));
        t->have_pending = 1;
        return CS_OK;
    }
    }
    return cs_diag_set(d, CS_ERR_CONFIG, t->path, 0, 0, "unknown table format %d",
                       (int)spec->format);
}

/* src: the bytes, already open (owned from here), or NULL to open path. */
static cs_status open_table(cs_table_reader **out, const char *path, cs_bytesrc *src,
                            const cs_table_spec *spec, cs_findings *findings, cs_diag *d)
{
    *out = NULL;
    cs_table_reader *t = cs_xcalloc(1, sizeof *t);
    t->format = spec->format;
    t->path = cs_xstrdup(path);
    t->src = src;
    cs_arena_init(&t->arena, 0);
    cs_status st = open_format(t, spec, findings, d);
    if (st != CS_OK) {
        cs_table_close(t);
        return st;
    }
    *out = t;
    return CS_OK;
}

cs_status cs_table_open(cs_table_reader **out, const char *path, const cs_table_spec *spec,
                        cs_findings *findings, cs_diag *d)
{
    return open_table(out, path, NULL, spec, findings, d);
}

cs_status cs_table_open_src(cs_table_reader **out, cs_bytesrc *src, const cs_table_spec *spec,
                            cs_findings *findings, cs_diag *d)
{
    return open_table(out, cs_bytesrc_name(src), src, spec, findings, d);
}

void cs_table_close(cs_table_reader *t)
{
    if (!t)
        return;
    if (t->csv)
        cs_csv_close(t->csv);
    else if (t->fixed)
        cs_fixed_close(t->fixed);
    else if (t->xml)
        cs_xmlrec_close(t->xml);
    else if (t->text)
        cs_textsrc_close(t->text);
    else if (t->src)
        cs_bytesrc_close(t->src);
    cs_arena_free(&t->arena);
    free(t->columns);
    free(t->stamp);
    free(t->slot);
    free(t->fields);
    free(t->path);
    free(t);
}

/* ---- facts about the file ----------------------------------------------- */

const char *cs_table_path(const cs_table_reader *t)
{
    return t->path;
}

uint32_t cs_table_raw_nfields(const cs_table_reader *t)
{
    return t->raw_nfields;
}

int cs_table_ragged(const cs_table_reader *t)
{
    return t->ragged;
}

const char *cs_table_encoding(const cs_table_reader *t)
{
    if (t->xml)
        return cs_xmlrec_encoding(t->xml);
    return t->text ? cs_encoding_name(cs_textsrc_encoding(t->text)) : "";
}

int cs_table_is_gzip(const cs_table_reader *t)
{
    return t->src ? cs_bytesrc_is_gzip(t->src) : 0;
}

char cs_table_delimiter(const cs_table_reader *t)
{
    return t->csv ? cs_csv_delimiter(t->csv) : 0;
}

uint64_t cs_table_bytes_read(const cs_table_reader *t)
{
    return t->src ? cs_bytesrc_offset(t->src) : 0;
}
