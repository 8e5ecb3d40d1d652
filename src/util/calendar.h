/* The bank-holiday calendar and working-day arithmetic.
 *
 * A working day is Monday to Friday, not a bank holiday (CIN census rules
 * 8569Q/8670Q/8675Q, Annex A timeliness). The calendar is a data file
 * (rules/calendar/england-and-wales.tsv): "date<TAB>name" lines, ISO dates,
 * '#' comments, blank lines ignored. The covered range is every day from
 * 1 January of the first year listed to 31 December of the last; each year in
 * between must list at least one holiday, and a listed date may not be a
 * Saturday or Sunday (the file holds the days off, i.e. substitute days).
 *
 * Counting convention (the DfE's, e.g. "assessment within 45 working days"):
 * the start day is not counted, the end day is. So
 *     cs_calendar_working_days_between(cal, from, to)
 *         = number of working days d with from < d <= to,
 * 0 when from == to ("same day"), and the negation of the reverse count when
 * to < from, so between(a, b) == -between(b, a) always.
 *
 * Outside the covered range only weekends are known: counts and additions
 * still work there but ignore bank holidays; cs_calendar_covers() tells a
 * caller whether a date is inside. Every function accepts cal == NULL and
 * then knows weekends only. Lookups and counts are O(1) (a bitmap of
 * holidays over the covered days plus running counts per 64-day word). */
#ifndef CS_UTIL_CALENDAR_H
#define CS_UTIL_CALENDAR_H

#include "util/date.h"
#include "util/diag.h"

typedef struct cs_calendar cs_calendar;

/* Reads the file; on a malformed line returns CS_ERR_CONFIG naming the file
 * and line (bad date, missing name, duplicate, weekend date, a year without
 * holidays inside the range), CS_ERR_IO when it cannot be read. */
cs_status cs_calendar_load(cs_calendar **out, const char *path, cs_diag *d);
void cs_calendar_free(cs_calendar *cal);

/* Covered years (inclusive); 0 for a NULL calendar. */
int cs_calendar_first_year(const cs_calendar *cal);
int cs_calendar_last_year(const cs_calendar *cal);
/* 1 when date lies inside the covered years, so holidays there are known. */
int cs_calendar_covers(const cs_calendar *cal, cs_date date);

/* 1 when date is a listed bank holiday. */
int cs_calendar_is_bank_holiday(const cs_calendar *cal, cs_date date);
/* The holiday's name from the file, or NULL when date is not one. */
const char *cs_calendar_holiday_name(const cs_calendar *cal, cs_date date);
/* 1 when date is Monday-Friday and not a bank holiday; 0 for CS_DATE_NONE. */
int cs_calendar_is_working_day(const cs_calendar *cal, cs_date date);

/* Working days after from, up to and including to (see the convention above);
 * 0 when either date is CS_DATE_NONE (callers test for absence first). */
int cs_calendar_working_days_between(const cs_calendar *cal, cs_date from, cs_date to);

/* n > 0: the n-th working day after date (so between(date, result) == n).
 * n < 0: the |n|-th working day before date (when date is itself a working
 *        day, between(result, date) == |n|).
 * n == 0: date unchanged. Results are always working days when n != 0.
 * CS_DATE_NONE when date is absent or the result would leave years 1..9999. */
cs_date cs_calendar_add_working_days(const cs_calendar *cal, cs_date date, int n);

#endif
