/* The England and Wales bank-holiday file and working-day arithmetic
 * (util/calendar.c). Loads rules/calendar/england-and-wales.tsv from
 * $SRCROOT (tests run from the repository root). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/calendar.h"

static cs_calendar *cal;

static cs_date D(int y, int m, int d)
{
    cs_date x = cs_date_from_ymd(y, m, d);
    assert_int_not_equal(x, CS_DATE_NONE);
    return x;
}

static int load_real(void **state)
{
    (void)state;
    const char *root = getenv("SRCROOT");
    char path[4096];
    snprintf(path, sizeof path, "%s/rules/calendar/england-and-wales.tsv", root ? root : ".");
    cs_diag d;
    cs_diag_clear(&d);
    if (cs_calendar_load(&cal, path, &d) != CS_OK) {
        char msg[1600];
        fprintf(stderr, "%s\n", cs_diag_format(&d, msg, sizeof msg));
        return -1;
    }
    return 0;
}

static int free_real(void **state)
{
    (void)state;
    cs_calendar_free(cal);
    cal = NULL;
    return 0;
}

static void test_range(void **state)
{
    (void)state;
    assert_int_equal(cs_calendar_first_year(cal), 2010);
    assert_int_equal(cs_calendar_last_year(cal), 2030);
    assert_false(cs_calendar_covers(cal, D(2009, 12, 31)));
    assert_true(cs_calendar_covers(cal, D(2010, 1, 1)));
    assert_true(cs_calendar_covers(cal, D(2030, 12, 31)));
    assert_false(cs_calendar_covers(cal, D(2031, 1, 1)));
    assert_false(cs_calendar_covers(cal, CS_DATE_NONE));
    assert_false(cs_calendar_covers(NULL, D(2024, 1, 1)));
}

static void test_known_holidays(void **state)
{
    (void)state;
    static const int yes[][3] = {
        {2010, 1, 1},   {2010, 12, 27}, {2010, 12, 28}, {2011, 1, 3},   {2011, 4, 29},
        {2011, 12, 26}, {2011, 12, 27}, {2012, 6, 4},   {2012, 6, 5},   {2015, 12, 28},
        {2016, 12, 27}, {2017, 1, 2},   {2019, 4, 19},  {2019, 4, 22},  {2020, 5, 8},
        {2020, 12, 28}, {2021, 12, 27}, {2021, 12, 28}, {2022, 1, 3},   {2022, 6, 2},
        {2022, 6, 3},   {2022, 9, 19},  {2022, 12, 26}, {2022, 12, 27}, {2023, 1, 2},
        {2023, 5, 1},   {2023, 5, 8},   {2024, 3, 29},  {2024, 4, 1},   {2024, 5, 6},
        {2024, 5, 27},  {2024, 8, 26},  {2025, 4, 18},  {2025, 4, 21},  {2025, 8, 25},
        {2026, 8, 31},  {2026, 12, 28}, {2027, 3, 26},  {2027, 12, 27}, {2027, 12, 28},
        {2028, 1, 3},   {2028, 4, 14},  {2029, 3, 30},  {2030, 4, 19},  {2030, 4, 22},
        {2030, 12, 26},
    };
    static const int no[][3] = {
        {2020, 5, 4},   {2012, 5, 28},  {2022, 5, 30},  {2021, 12, 25}, {2021, 12, 29},
        {2022, 1, 1},   {2024, 3, 28},  {2024, 4, 2},   {2025, 4, 20},  {2023, 5, 2},
        {2026, 12, 26}, {2019, 5, 13}, {2031, 1, 1}, {2009, 12, 25},
    };
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        if (!cs_calendar_is_bank_holiday(cal, D(yes[i][0], yes[i][1], yes[i][2])))
            fail_msg("%04d-%02d-%02d should be a bank holiday", yes[i][0], yes[i][1], yes[i][2]);
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        if (cs_calendar_is_bank_holiday(cal, D(no[i][0], no[i][1], no[i][2])))
            fail_msg("%04d-%02d-%02d should not be a bank holiday", no[i][0], no[i][1], no[i][2]);
    assert_false(cs_calendar_is_bank_holiday(cal, CS_DATE_NONE));
}

/* Whole-year counts catch a stray or missing line anywhere. */
static void test_holidays_per_year(void **state)
{
    (void)state;
    for (int y = 2010; y <= 2030; y++) {
        int want = 8;
        if (y == 2011 || y == 2012 || y == 2023)
            want = 9;
        else if (y == 2022)
            want = 10;
        int got = 0;
        for (cs_date x = D(y, 1, 1); x <= D(y, 12, 31); x++) {
            if (cs_calendar_is_bank_holiday(cal, x)) {
                got++;
                assert_false(cs_date_is_weekend(x));
                assert_false(cs_calendar_is_working_day(cal, x));
                assert_non_null(cs_calendar_holiday_name(cal, x));
            } else {
                assert_null(cs_calendar_holiday_name(cal, x));
            }
        }
        if (got != want)
            fail_msg("%d has %d bank holidays, wanted %d", y, got, want);
    }
    assert_non_null(strstr(cs_calendar_holiday_name(cal, D(2023, 5, 8)), "coronation"));
    assert_string_equal(cs_calendar_holiday_name(cal, D(2024, 4, 1)), "Easter Monday");
    assert_string_equal(cs_calendar_holiday_name(cal, D(2025, 4, 18)), "Good Friday");
}

static void test_working_days(void **state)
{
    (void)state;
    assert_true(cs_calendar_is_working_day(cal, D(2024, 4, 2)));
    assert_false(cs_calendar_is_working_day(cal, D(2024, 3, 29)));
    assert_false(cs_calendar_is_working_day(cal, D(2024, 3, 30)));
    assert_false(cs_calendar_is_working_day(cal, CS_DATE_NONE));
    /* Good Friday, weekend and Easter Monday skipped; start day not counted */
    assert_int_equal(cs_calendar_working_days_between(cal, D(2024, 3, 28), D(2024, 4, 2)), 1);
    assert_int_equal(cs_calendar_working_days_between(cal, D(2024, 4, 2), D(2024, 3, 28)), -1);
    assert_int_equal(cs_calendar_working_days_between(cal, D(2024, 4, 2), D(2024, 4, 2)), 0);
    assert_int_equal(cs_calendar_working_days_between(cal, D(2025, 3, 28), D(2025, 3, 31)), 1);
    assert_int_equal(cs_calendar_working_days_between(cal, D(2025, 3, 29), D(2025, 3, 30)), 0);
    /* 2021-12-24 (Fri) to 2022-01-04 (Tue): 29, 30, 31 Dec and 4 Jan */
    assert_int_equal(cs_calendar_working_days_between(cal, D(2021, 12, 24), D(2022, 1, 4)), 4);
    /* a whole year: 2024 has 262 weekdays and 8 bank holidays */
    assert_int_equal(cs_calendar_working_days_between(cal, D(2023, 12, 31), D(2024, 12, 31)), 254);
    assert_int_equal(cs_calendar_working_days_between(cal, CS_DATE_NONE, D(2024, 1, 1)), 0);
    assert_int_equal(cs_calendar_working_days_between(cal, D(2024, 1, 1), CS_DATE_NONE), 0);
}

static void test_add_working_days(void **state)
{
    (void)state;
    assert_int_equal(cs_calendar_add_working_days(cal, D(2025, 3, 31), -45), D(2025, 1, 27));
    assert_int_equal(cs_calendar_working_days_between(cal, D(2025, 1, 27), D(2025, 3, 31)), 45);
    assert_int_equal(cs_calendar_add_working_days(cal, D(2025, 1, 27), 45), D(2025, 3, 31));
    assert_int_equal(cs_calendar_add_working_days(cal, D(2024, 3, 28), 1), D(2024, 4, 2));
    assert_int_equal(cs_calendar_add_working_days(cal, D(2024, 4, 2), -1), D(2024, 3, 28));
    assert_int_equal(cs_calendar_add_working_days(cal, D(2021, 12, 24), 1), D(2021, 12, 29));
    assert_int_equal(cs_calendar_add_working_days(cal, D(2025, 3, 29), 1), D(2025, 3, 31));
    assert_int_equal(cs_calendar_add_working_days(cal, D(2025, 3, 30), -1), D(2025, 3, 28));
    assert_int_equal(cs_calendar_add_working_days(cal, D(2025, 3, 29), 0), D(2025, 3, 29));
    assert_int_equal(cs_calendar_add_working_days(cal, CS_DATE_NONE, 3), CS_DATE_NONE);
    assert_int_equal(cs_calendar_add_working_days(cal, D(9999, 12, 30), 5), CS_DATE_NONE);
    assert_int_equal(cs_calendar_add_working_days(cal, D(1, 1, 2), -5), CS_DATE_NONE);
}

/* Naive day-by-day versions agree with the O(1) ones everywhere, across the
 * edges of the covered range too. */
static void test_against_naive(void **state)
{
    (void)state;
    const cs_date lo = D(2009, 10, 1), hi = D(2031, 3, 1);
    unsigned seed = 12345;
    for (int k = 0; k < 3000; k++) {
        seed = seed * 1103515245u + 12345u;
        cs_date a = lo + (cs_date)((seed >> 8) % (unsigned)(hi - lo));
        seed = seed * 1103515245u + 12345u;
        cs_date b = a + (cs_date)((seed >> 8) % 400u) - 200;
        int naive = 0;
        for (cs_date x = (a < b ? a : b) + 1; x <= (a < b ? b : a); x++)
            naive += cs_calendar_is_working_day(cal, x);
        if (b < a)
            naive = -naive;
        assert_int_equal(cs_calendar_working_days_between(cal, a, b), naive);

        int n = (int)((seed >> 4) % 121u) - 60;
        cs_date r = cs_calendar_add_working_days(cal, a, n);
        if (n == 0) {
            assert_int_equal(r, a);
            continue;
        }
        cs_date x = a;
        for (int left = n > 0 ? n : -n; left > 0;) {
            x += n > 0 ? 1 : -1;
            left -= cs_calendar_is_working_day(cal, x);
        }
        assert_int_equal(r, x);
        assert_true(cs_calendar_is_working_day(cal, r));
        if (n > 0)
            assert_int_equal(cs_calendar_working_days_between(cal, a, r), n);
    }
}

static void test_without_calendar(void **state)
{
    (void)state;
    /* weekends only: Good Friday and Easter Monday count */
    assert_int_equal(cs_calendar_working_days_between(NULL, D(2024, 3, 28), D(2024, 4, 2)), 3);
    assert_true(cs_calendar_is_working_day(NULL, D(2024, 4, 1)));
    assert_false(cs_calendar_is_bank_holiday(NULL, D(2024, 4, 1)));
    assert_null(cs_calendar_holiday_name(NULL, D(2024, 4, 1)));
    assert_int_equal(cs_calendar_add_working_days(NULL, D(2024, 3, 28), 1), D(2024, 3, 29));
    assert_int_equal(cs_calendar_first_year(NULL), 0);
    assert_int_equal(cs_calendar_last_year(NULL), 0);
}

/* ---- hostile files ----------------------------------------------------- */

static cs_status load_text(const char *text, cs_diag *d, cs_calendar **out)
{
    char path[] = "/tmp/cscdw-cal-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t n = strlen(text);
    assert_int_equal(write(fd, text, n), (ssize_t)n);
    close(fd);
    cs_diag_clear(d);
    cs_status st = cs_calendar_load(out, path, d);
    unlink(path);
    return st;
}

static void expect_error(const char *text, cs_status want, uint64_t line, const char *words)
{
    cs_diag d;
    cs_calendar *c = (cs_calendar *)&d;   /* must be reset to NULL */
    assert_int_equal(load_text(text, &d, &c), want);
    assert_null(c);
    assert_int_equal(d.line, line);
    assert_non_null(strstr(d.file, "cscdw-cal-"));
    if (!strstr(d.msg, words))
        fail_msg("message '%s' lacks '%s'", d.msg, words);
}

static void test_bad_files(void **state)
{
    (void)state;
    expect_error("# x\n2024-01-01\tNew Year\n2024-13-01\tBad\n", CS_ERR_CONFIG, 3, "YYYY-MM-DD");
    expect_error("01/01/2024\tNew Year\n", CS_ERR_CONFIG, 1, "YYYY-MM-DD");
    expect_error("2024-01-01\n", CS_ERR_CONFIG, 1, "no name");
    expect_error("2024-01-01\t  \n", CS_ERR_CONFIG, 1, "no name");
    expect_error("2024-01-06\tA Saturday\n", CS_ERR_CONFIG, 1, "Saturday or Sunday");
    expect_error("2024-01-01\tA\n\n2024-12-25\tB\n2024-01-01\tC\n", CS_ERR_CONFIG, 4, "twice");
    expect_error("2023-01-02\tA\n2025-01-01\tB\n", CS_ERR_CONFIG, 0, "2024");
    expect_error("# only comments\n\n", CS_ERR_CONFIG, 0, "no bank holidays");
    expect_error("", CS_ERR_CONFIG, 0, "no bank holidays");
    expect_error("1700-01-01\tA\n2200-01-01\tB\n", CS_ERR_LIMIT, 2, "more than");

    cs_diag d;
    cs_calendar *c;
    cs_diag_clear(&d);
    assert_int_equal(cs_calendar_load(&c, "/nonexistent/cal.tsv", &d), CS_ERR_IO);
    assert_null(c);
    assert_string_equal(d.file, "/nonexistent/cal.tsv");
}

static void test_small_file(void **state)
{
    (void)state;
    cs_diag d;
    cs_calendar *c;
    /* BOM, CRLF, comments, unsorted lines, spaces around fields */
    assert_int_equal(load_text("\xEF\xBB\xBF# test\r\n2024-12-25\tChristmas Day\r\n"
                               "  2024-01-01 \t New Year's Day \r\n",
                               &d, &c),
                     CS_OK);
    assert_int_equal(cs_calendar_first_year(c), 2024);
    assert_int_equal(cs_calendar_last_year(c), 2024);
    assert_string_equal(cs_calendar_holiday_name(c, D(2024, 1, 1)), "New Year's Day");
    assert_true(cs_calendar_is_bank_holiday(c, D(2024, 12, 25)));
    assert_int_equal(cs_calendar_working_days_between(c, D(2024, 12, 24), D(2024, 12, 26)), 1);
    /* outside the range: weekends only */
    assert_int_equal(cs_calendar_working_days_between(c, D(2024, 12, 31), D(2025, 1, 2)), 2);
    cs_calendar_free(c);
    cs_calendar_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_range),
        cmocka_unit_test(test_known_holidays),
        cmocka_unit_test(test_holidays_per_year),
        cmocka_unit_test(test_working_days),
        cmocka_unit_test(test_add_working_days),
        cmocka_unit_test(test_against_naive),
        cmocka_unit_test(test_without_calendar),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_small_file),
    };
    return cmocka_run_group_tests(tests, load_real, free_real);
}
