/* Exception lists as an Excel workbook (libxlsxwriter, constant-memory
 * mode: rows stream to temporary files, so memory stays flat however long
 * the list is).
 *
 * Sheets:
 *   Summary    the run, counts by severity, findings by rule (return, rule,
 *              severity, findings, children, message in plain words; rules
 *              not run are listed as info rows saying why) and by team
 *              (counts by severity, children, the team's sheet name).
 *   one per team, named after it (Excel-safe, unique), with that team's
 *              rows sorted by worker, child and rule: Child ID, Worker,
 *              Return, Year, Rule, Severity, Message, Record, then Field n /
 *              Value n pairs (the exception's fields and values split; a
 *              value that is a date is a real date cell, dd/mm/yyyy), then
 *              Source system, Source ID, Source file, Source line. The header
 *              row is frozen and has an autofilter. Rows with no team
 *              (return-level findings, files read without a model) go to a
 *              "No team" sheet. A team with more rows than a sheet holds
 *              continues on further sheets.
 * The file is written under a temporary name created 0600 beside path and
 * renamed over path when complete. */
#ifndef CS_REPORT_XLSX_H
#define CS_REPORT_XLSX_H

#include <stddef.h>

#include "report/exceptions.h"
#include "util/diag.h"

#define CS_XLSX_NO_TEAM "No team"
#define CS_XLSX_MAX_PAIRS 8          /* Field/Value column pairs at most */
#define CS_XLSX_NAME_BYTES (31 * 4 + 1)

cs_status cs_exceptions_write_xlsx(const cs_exception_list *l, const char *path, cs_diag *d);

/* An Excel-safe sheet name for `want` that is not one of taken[0..ntaken)
 * (compared case-insensitively, as Excel does): the characters []:*?/\ are
 * replaced by '_', leading and trailing apostrophes and spaces removed,
 * control characters dropped, at most 31 characters (UTF-8 aware), "History"
 * avoided, and " (2)", " (3)" ... appended within the 31 when needed. An empty
 * result becomes "Sheet". out must hold CS_XLSX_NAME_BYTES. */
void cs_xlsx_sheet_name(const char *want, const char *const *taken, size_t ntaken, char *out);

#endif
