/* Turning source text into typed canonical values, repairing the damage
 * Excel and SQL export tools do, and recording every repair as a finding.
 *
 * All functions take the raw field (not NUL-terminated), a context saying
 * where it is (for findings), and write the typed value. They never fail:
 * a value that cannot be used is left absent and a finding records why. */
#ifndef CS_ETL_VALUES_H
#define CS_ETL_VALUES_H

#include <stddef.h>
#include <stdint.h>

#include "util/date.h"
#include "util/findings.h"

/* Date styles a profile can name. AUTO accepts all unambiguous forms:
 * yyyy-mm-dd, dd/mm/yyyy, SQL Server "yyyy-mm-dd hh:mm:ss[.fff]", ISO
 * "yyyy-mm-ddThh:mm:ss", Excel serial numbers (1..2958465, 1900 system with
 * its 29/02/1900 bug), "dd-Mon-yyyy" (Oracle), "yyyymmdd". */
typedef enum {
    CS_DATES_AUTO = 0,
    CS_DATES_ISO,          /* yyyy-mm-dd */
    CS_DATES_DMY,          /* dd/mm/yyyy */
    CS_DATES_SQLSERVER,    /* yyyy-mm-dd hh:mm:ss.fff (date part kept) */
    CS_DATES_ORACLE        /* dd-MON-yy(yy) */
} cs_date_style;

int cs_date_style_parse(const char *name);   /* "iso", "dd/mm/yyyy", "sqlserver", ...; -1 unknown */

typedef struct {
    cs_findings *findings;   /* may be NULL: then nothing is recorded */
    const char *file;
    uint64_t line;
    uint32_t col;
    const char *entity;
    const char *field;
    const char *source_id;
} cs_value_ctx;

/* Trim ASCII whitespace and NBSP; records CS_FK_WHITESPACE when it removed
 * anything from a non-blank value. Returns the trimmed slice. */
const char *cs_value_trim(const cs_value_ctx *c, const char *s, size_t n, size_t *out_n);

/* Identifier: trimmed; "123456.0"/"123456.00" -> "123456" (CS_FK_ID_FLOAT);
 * "1.23456E+5" scientific -> digits when exact (CS_FK_ID_FLOAT). Empty ->
 * *out_n = 0. Writes into buf (cap bytes), returns buf or NULL when empty.
 * Leading zeros are kept ("000123"). Never invented: "123.4" and Excel's
 * lossy "1.23457E+11" are kept as found with CS_FK_BAD_VALUE; an identifier
 * that does not fit in buf is left empty with CS_FK_BAD_VALUE. */
const char *cs_value_id(const cs_value_ctx *c, const char *s, size_t n, char *buf, size_t cap,
                        size_t *out_n);
/* The same, without the copy where none is needed: an identifier kept as
 * found is returned as a slice of s (*out_n bytes, not NUL-terminated); a
 * repaired or suspect one is in buf as above. For the extract's hot path. */
const char *cs_value_id_slice(const cs_value_ctx *c, const char *s, size_t n, char *buf,
                              size_t cap, size_t *out_n);

/* Date. A named style is strict (a date in another form is CS_FK_BAD_DATE)
 * but Excel serials and placeholders are repaired in every style. Oracle
 * two-digit years: 00-49 -> 20xx, 50-99 -> 19xx (the format, not a finding).
 * Serial 60 (Excel's non-existent 29/02/1900) and serial 0 -> CS_FK_BAD_DATE.
 * 1900-01-01 (and 01/01/1900, serial 1) -> absent with
 * CS_FK_PLACEHOLDER_DATE; serial numbers -> CS_FK_EXCEL_SERIAL_DATE;
 * a time part -> dropped (CS_FK_DATETIME_TIME only when it is not midnight);
 * anything else unparseable -> absent with CS_FK_BAD_DATE. */
cs_date cs_value_date(const cs_value_ctx *c, const char *s, size_t n, cs_date_style style);

/* Day, month and year from three columns (Azeus). All empty -> absent, no
 * finding. Partly empty or impossible -> absent with CS_FK_SPLIT_DATE.
 * Two-digit years are not accepted. Values may carry Excel ".0" damage. */
cs_date cs_value_split_date(const cs_value_ctx *c, const char *day, size_t dn, const char *month,
                            size_t mn, const char *year, size_t yn);

/* Integer; "10.0" -> 10 (CS_FK_INT_DECIMAL); otherwise non-integer ->
 * CS_INT_NONE with CS_FK_BAD_INTEGER. Range: int32. */
int32_t cs_value_int(const cs_value_ctx *c, const char *s, size_t n);

/* Yes/no: 1/0 are canonical; TRUE/FALSE, Y/N, YES/NO, T/F (any case) and
 * "1.0"/"0.0" and -1 (Access's true) are accepted with CS_FK_BOOL_SPELLING; anything else ->
 * CS_BOOL_NONE with CS_FK_BAD_BOOL. Empty -> CS_BOOL_NONE, no finding. */
int8_t cs_value_bool(const cs_value_ctx *c, const char *s, size_t n);

#endif
