#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "util/date.h"

static void test_roundtrip(void **state)
{
    (void)state;
    cs_date d = cs_date_from_ymd(2025, 3, 31);
    char buf[11];
    assert_string_equal(cs_date_iso(d, buf), "2025-03-31");
    assert_string_equal(cs_date_dmy(d, buf), "31/03/2025");
    assert_int_equal(cs_date_from_ymd(1970, 1, 1), 0);
    assert_int_equal(cs_date_from_ymd(2025, 2, 30), CS_DATE_NONE);
    assert_int_equal(cs_date_from_ymd(2024, 2, 29) + 1, cs_date_from_ymd(2024, 3, 1));
}

static void test_weekday(void **state)
{
    (void)state;
    assert_int_equal(cs_date_weekday(cs_date_from_ymd(2025, 3, 31)), 1); /* Monday */
    assert_int_equal(cs_date_weekday(cs_date_from_ymd(2024, 4, 1)), 1);
    assert_true(cs_date_is_weekend(cs_date_from_ymd(2025, 3, 29)));
    assert_false(cs_date_is_weekend(cs_date_from_ymd(2025, 3, 28)));
    assert_int_equal(cs_date_weekday(cs_date_from_ymd(1969, 12, 31)), 3);
}

static void test_months_and_age(void **state)
{
    (void)state;
    assert_int_equal(cs_date_add_months(cs_date_from_ymd(2025, 1, 31), 1),
                     cs_date_from_ymd(2025, 2, 28));
    assert_int_equal(cs_date_add_years(cs_date_from_ymd(2024, 2, 29), 1),
                     cs_date_from_ymd(2025, 2, 28));
    assert_int_equal(cs_date_add_months(cs_date_from_ymd(2025, 3, 31), -12),
                     cs_date_from_ymd(2024, 3, 31));
    assert_int_equal(cs_age_years(cs_date_from_ymd(2010, 4, 1), cs_date_from_ymd(2025, 3, 31)), 14);
    assert_int_equal(cs_age_years(cs_date_from_ymd(2010, 3, 31), cs_date_from_ymd(2025, 3, 31)), 15);
    assert_int_equal(cs_age_years(cs_date_from_ymd(2025, 4, 1), cs_date_from_ymd(2025, 3, 31)), -1);
    assert_int_equal(cs_financial_year_end(cs_date_from_ymd(2024, 4, 1)), 2025);
    assert_int_equal(cs_financial_year_end(cs_date_from_ymd(2025, 3, 31)), 2025);
}

static void test_parse(void **state)
{
    (void)state;
    assert_int_equal(cs_date_parse_iso("2025-03-31", 10), cs_date_from_ymd(2025, 3, 31));
    assert_int_equal(cs_date_parse_iso("2025-3-31", 9), CS_DATE_NONE);
    assert_int_equal(cs_date_parse_iso("2025-02-30", 10), CS_DATE_NONE);
    assert_int_equal(cs_date_parse_dmy("31/03/2025", 10), cs_date_from_ymd(2025, 3, 31));
    assert_int_equal(cs_date_parse_dmy("1/4/2024", 8), cs_date_from_ymd(2024, 4, 1));
    assert_int_equal(cs_date_parse_dmy("31/3/25", 7), CS_DATE_NONE);
    assert_int_equal(cs_date_parse_dmy("", 0), CS_DATE_NONE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_weekday),
        cmocka_unit_test(test_months_and_age),
        cmocka_unit_test(test_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
