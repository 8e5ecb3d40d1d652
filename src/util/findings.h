/* Data findings: what the extract repaired or could not use, recorded so a
 * data-quality officer can see what was changed and where. A finding is data,
 * never a failure: processing goes on. Rule findings (CIN, 903, Annex A) use
 * the exception model in report/; these are the extract-stage findings. */
#ifndef CS_UTIL_FINDINGS_H
#define CS_UTIL_FINDINGS_H

#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/intern.h"

typedef enum { CS_SEV_ERROR, CS_SEV_QUERY, CS_SEV_WARNING, CS_SEV_INFO } cs_severity;

const char *cs_severity_name(cs_severity s);

/* Extract-stage finding codes. Each has a fixed severity and description in
 * findings.c (cs_finding_kind_info). Keep codes stable: they reach exception
 * lists and the warehouse. */
typedef enum {
    CS_FK_ID_FLOAT = 0,      /* X101 ID stored as a float "123456.0" -> "123456" */
    CS_FK_INT_DECIMAL,       /* X102 integer written as "10.0" -> 10 */
    CS_FK_EXCEL_SERIAL_DATE, /* X103 Excel serial date 45000 -> 2023-03-15 */
    CS_FK_BOOL_SPELLING,     /* X104 TRUE/FALSE/Y/N/Yes/No normalised to 1/0 */
    CS_FK_WHITESPACE,        /* X105 leading/trailing whitespace trimmed */
    CS_FK_BLANK_ROW,         /* X106 blank row skipped */
    CS_FK_EMPTY_FILE,        /* X107 file has no data rows */
    CS_FK_PLACEHOLDER_DATE,  /* X108 1900-01-01 placeholder date removed */
    CS_FK_BAD_DATE,          /* X109 value is not a date: left absent */
    CS_FK_BAD_ENCODING,      /* X110 invalid byte sequence replaced */
    CS_FK_UNMAPPED_CODE,     /* X111 local code has no DfE translation: kept as is */
    CS_FK_RAGGED_ROW,        /* X112 row has more or fewer fields than the header */
    CS_FK_SPLIT_DATE,        /* X113 day/month/year columns do not form a date */
    CS_FK_BAD_INTEGER,       /* X114 value is not an integer: left absent */
    CS_FK_MISSING_ID,        /* X115 record has no identifier: kept, flagged */
    CS_FK_BAD_BOOL,          /* X116 value is not a yes/no: left absent */
    CS_FK_DATETIME_TIME,     /* X117 time part dropped from a datetime */
    CS_FK_DUPLICATE_ID,      /* X118 identifier repeated in an entity */
    CS_FK_ORPHAN,            /* X119 record refers to a person/episode not extracted */
    CS_FK_MISSING_COLUMN,    /* X120 mapped column absent from the file: field left empty */
    CS_FK_EXCLUDED,          /* X121 record excluded by the profile (test/admin record) */
    CS_FK_BAD_VALUE,         /* X122 value does not fit the field's shape */
    CS_FK_XML_UNEXPECTED,    /* X123 element or text the return's schema has not got there: skipped */
    CS_FK_XML_ORDER,         /* X124 element out of the return schema's order: read anyway */
    CS_FK_TABLE_MISSING,     /* X125 a table the return needs has no file: read as empty */
    CS_FK_FILE_UNRECOGNISED, /* X126 file matches no table of the return: not read */
    CS_FK_COLUMN_UNEXPECTED, /* X127 column the table has not got: ignored */
    CS_FK_COLUMN_DUPLICATE,  /* X128 column named more than once: the first is read */
    CS_FK_DATE_FORMAT,       /* X129 date written in another form (yyyy-mm-dd): read as the date */
    CS_FK_COUNT
} cs_finding_kind;

typedef struct {
    const char *code;        /* "X101" */
    cs_severity severity;
    const char *title;       /* plain words */
} cs_finding_kind_info;

const cs_finding_kind_info *cs_finding_kind_get(cs_finding_kind k);

typedef struct {
    cs_finding_kind kind;
    const char *file;        /* source file path (arena or static) */
    uint64_t line;           /* 0 = not about a line */
    uint32_t col;
    const char *entity;      /* canonical entity, or NULL */
    const char *field;       /* canonical field or source column, or NULL */
    const char *source_id;   /* the system's record id, or NULL */
    const char *original;    /* value as found (truncated to 200 bytes), or NULL */
    const char *repaired;    /* value used instead, or NULL when left absent */
    const char *detail;      /* extra plain words, or NULL */
} cs_finding;

/* An append-only list; strings are copied into its arena. Counting per kind
 * is kept even when storing is capped (max_stored), so a pathological file
 * cannot exhaust memory with findings. */
typedef struct {
    cs_arena arena;
    cs_finding *items;
    size_t count, cap;
    size_t max_stored;                 /* 0 = unlimited */
    uint64_t per_kind[CS_FK_COUNT];
    uint64_t total;
    cs_intern names;                   /* file and field names, stored once */
} cs_findings;

void cs_findings_init(cs_findings *f);
void cs_findings_free(cs_findings *f);
void cs_findings_add(cs_findings *f, const cs_finding *x);
/* Convenience: value strings given with lengths (not NUL-terminated). */
void cs_findings_addv(cs_findings *f, cs_finding_kind kind, const char *file, uint64_t line,
                      uint32_t col, const char *entity, const char *field,
                      const char *source_id, const char *orig, size_t orig_len,
                      const char *repaired, const char *detail);

#endif
