#include "util/findings.h"

#include <stdlib.h>
#include <string.h>

static const cs_finding_kind_info kinds[CS_FK_COUNT] = {
    [CS_FK_ID_FLOAT] = {"X101", CS_SEV_WARNING, "Identifier stored as a decimal number; the \".0\" was removed"},
    [CS_FK_INT_DECIMAL] = {"X102", CS_SEV_WARNING, "Whole number written with a decimal part (\"10.0\"); read as an integer"},
    [CS_FK_EXCEL_SERIAL_DATE] = {"X103", CS_SEV_WARNING, "Date stored as an Excel serial number; converted to a date"},
    [CS_FK_BOOL_SPELLING] = {"X104", CS_SEV_INFO, "Yes/no value spelt TRUE/FALSE/Y/N/Yes/No; normalised"},
    [CS_FK_WHITESPACE] = {"X105", CS_SEV_INFO, "Leading or trailing spaces removed"},
    [CS_FK_BLANK_ROW] = {"X106", CS_SEV_INFO, "Blank row skipped"},
    [CS_FK_EMPTY_FILE] = {"X107", CS_SEV_WARNING, "File has no data rows"},
    [CS_FK_PLACEHOLDER_DATE] = {"X108", CS_SEV_WARNING, "Placeholder date 01/01/1900 treated as no date"},
    [CS_FK_BAD_DATE] = {"X109", CS_SEV_ERROR, "Value is not a valid date; left empty"},
    [CS_FK_BAD_ENCODING] = {"X110", CS_SEV_WARNING, "Invalid character bytes replaced"},
    [CS_FK_UNMAPPED_CODE] = {"X111", CS_SEV_ERROR, "Local code has no DfE translation; kept unchanged"},
    [CS_FK_RAGGED_ROW] = {"X112", CS_SEV_WARNING, "Row has a different number of fields from the header"},
    [CS_FK_SPLIT_DATE] = {"X113", CS_SEV_ERROR, "Day, month and year columns do not make a valid date; left empty"},
    [CS_FK_BAD_INTEGER] = {"X114", CS_SEV_ERROR, "Value is not a whole number; left empty"},
    [CS_FK_MISSING_ID] = {"X115", CS_SEV_ERROR, "Record has no identifier"},
    [CS_FK_BAD_BOOL] = {"X116", CS_SEV_ERROR, "Value is not a yes/no; left empty"},
    [CS_FK_DATETIME_TIME] = {"X117", CS_SEV_INFO, "Time of day dropped from a date-time value"},
    [CS_FK_DUPLICATE_ID] = {"X118", CS_SEV_ERROR, "Identifier appears on more than one record"},
    [CS_FK_ORPHAN] = {"X119", CS_SEV_WARNING, "Record refers to a person or episode that was not extracted"},
    [CS_FK_MISSING_COLUMN] = {"X120", CS_SEV_ERROR, "Mapped column is missing from the file; field left empty"},
    [CS_FK_EXCLUDED] = {"X121", CS_SEV_INFO, "Record excluded by the source profile (test or admin record)"},
    [CS_FK_BAD_VALUE] = {"X122", CS_SEV_ERROR, "Value does not fit the field"},
    [CS_FK_XML_UNEXPECTED] = {"X123", CS_SEV_ERROR, "Element or text not allowed here by the return's schema; skipped"},
    [CS_FK_XML_ORDER] = {"X124", CS_SEV_ERROR, "Element out of the order the return's schema sets; read anyway"},
    [CS_FK_TABLE_MISSING] = {"X125", CS_SEV_ERROR, "A table the return needs has no file; read as empty"},
    [CS_FK_FILE_UNRECOGNISED] = {"X126", CS_SEV_ERROR, "File's columns match no table of the return; not read"},
    [CS_FK_COLUMN_UNEXPECTED] = {"X127", CS_SEV_WARNING, "Column the table has not got; ignored"},
    [CS_FK_COLUMN_DUPLICATE] = {"X128", CS_SEV_ERROR, "Column named more than once; the first is read"},
    [CS_FK_DATE_FORMAT] = {"X129", CS_SEV_WARNING, "Date written in another form (yyyy-mm-dd); read as that date"},
};

const cs_finding_kind_info *cs_finding_kind_get(cs_finding_kind k)
{
    if ((unsigned)k >= CS_FK_COUNT)
        return NULL;
    return &kinds[k];
}

const char *cs_severity_name(cs_severity s)
{
    switch (s) {
    case CS_SEV_ERROR: return "error";
    case CS_SEV_QUERY: return "query";
    case CS_SEV_WARNING: return "warning";
    case CS_SEV_INFO: return "info";
    }
    return "?";
}

void cs_findings_init(cs_findings *f)
{
    memset(f, 0, sizeof *f);
    cs_arena_init(&f->arena, 0);
    f->max_stored = 5000000;
}

void cs_findings_free(cs_findings *f)
{
    cs_arena_free(&f->arena);
    cs_intern_free(&f->names);
    free(f->items);
    memset(f, 0, sizeof *f);
}

static const char *copy(cs_arena *a, const char *s, size_t n)
{
    if (!s)
        return NULL;
    if (n > 200)
        n = 200;
    return cs_arena_strndup(a, s, n);
}

static const char *name(cs_findings *f, const char *s)
{
    size_t n = strlen(s);
    return cs_intern_n(&f->names, s, n > 200 ? 200 : n);
}

void cs_findings_add(cs_findings *f, const cs_finding *x)
{
    if ((unsigned)x->kind < CS_FK_COUNT)
        f->per_kind[x->kind]++;
    f->total++;
    if (f->max_stored && f->count >= f->max_stored)
        return;
    if (f->count == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 256;
        f->items = cs_xrealloc(f->items, f->cap * sizeof *f->items);
    }
    cs_finding *y = &f->items[f->count++];
    *y = *x;
    /* A run's findings name a few dozen files and fields over and over (a
     * million-child extract records over a million findings): those are
     * interned, not copied per finding. */
    y->file = x->file ? name(f, x->file) : NULL;
    y->entity = x->entity;  /* static names */
    y->field = x->field ? name(f, x->field) : NULL;
    y->source_id = x->source_id ? copy(&f->arena, x->source_id, strlen(x->source_id)) : NULL;
    y->original = x->original ? copy(&f->arena, x->original, strlen(x->original)) : NULL;
    y->repaired = x->repaired ? copy(&f->arena, x->repaired, strlen(x->repaired)) : NULL;
    y->detail = x->detail ? copy(&f->arena, x->detail, strlen(x->detail)) : NULL;
}

void cs_findings_addv(cs_findings *f, cs_finding_kind kind, const char *file, uint64_t line,
                      uint32_t col, const char *entity, const char *field,
                      const char *source_id, const char *orig, size_t orig_len,
                      const char *repaired, const char *detail)
{
    cs_finding x = {.kind = kind, .file = file, .line = line, .col = col, .entity = entity,
                    .field = field, .source_id = source_id, .repaired = repaired,
                    .detail = detail};
    char buf[201];
    if (orig) {
        size_t n = orig_len > 200 ? 200 : orig_len;
        memcpy(buf, orig, n);
        buf[n] = '\0';
        x.original = buf;
    }
    cs_findings_add(f, &x);
}
