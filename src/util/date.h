/* Dates as day numbers (days since 1970-01-01, proleptic Gregorian), so
 * comparisons and differences are integer operations. CS_DATE_NONE is the
 * absent value and compares below every real date; callers must test for it
 * before comparing where absence matters. */
#ifndef CS_UTIL_DATE_H
#define CS_UTIL_DATE_H

#include <stddef.h>
#include <stdint.h>

typedef int32_t cs_date;
#define CS_DATE_NONE INT32_MIN

/* CS_DATE_NONE when y/m/d is not a real date (2025-02-30) or y is outside 1..9999. */
cs_date cs_date_from_ymd(int y, int m, int d);
void cs_date_to_ymd(cs_date dt, int *y, int *m, int *d);
int cs_date_is_valid_ymd(int y, int m, int d);
int cs_days_in_month(int y, int m);

int cs_date_weekday(cs_date dt);           /* 1 = Monday .. 7 = Sunday (ISO) */
int cs_date_is_weekend(cs_date dt);

/* Calendar arithmetic; the day is clamped to the end of a shorter month
 * (31 Jan + 1 month = 28/29 Feb; 29 Feb + 1 year = 28 Feb). */
cs_date cs_date_add_months(cs_date dt, int months);
cs_date cs_date_add_years(cs_date dt, int years);

/* Whole years from birth to at (age at last birthday); -1 when at < birth;
 * a 29 February birthday falls on 1 March in non-leap years. */
int cs_age_years(cs_date birth, cs_date at);

/* Financial year containing dt, named by the year it ends (2025-03-31 -> 2025). */
int cs_financial_year_end(cs_date dt);

/* Writes "YYYY-MM-DD" / "DD/MM/YYYY" with a NUL; empty string for NONE.
 * buf must hold 11 bytes. Returns buf. */
char *cs_date_iso(cs_date dt, char buf[11]);
char *cs_date_dmy(cs_date dt, char buf[11]);

/* Strict parsers for one textual form; return CS_DATE_NONE on any deviation. */
cs_date cs_date_parse_iso(const char *s, size_t n);   /* YYYY-MM-DD */
cs_date cs_date_parse_dmy(const char *s, size_t n);   /* DD/MM/YYYY (also D/M/YYYY) */

#endif
