/* Typed value parsing and Excel-damage repair (etl/values.c).
 *
 * Decisions pinned down here (see also the comments in values.c):
 * - "123.4" as an identifier is kept as found (it may be a real identifier)
 *   but flagged X122, as is Excel's lossy scientific form "1.23457E+11": we
 *   never invent identifier digits.
 * - "12.5" as an integer is not rounded: absent with X114.
 * - Excel serial 0 and serials past 2958465 are not dates (X109); serial 1 is
 *   1900-01-01, the placeholder (X108); serial 60 (29/02/1900) is X109.
 * - Oracle two-digit years use a fixed pivot (00-49 -> 20xx, 50-99 -> 19xx)
 *   and are not recorded as findings: that is the format, not damage.
 * - A named style is strict: a well-formed date in another style is X109
 *   (with the expected style in the detail), except placeholders (X108)
 *   and Excel serials (X103), which every style repairs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "etl/values.h"
#include "model/model.h"

static cs_findings F;

static int setup(void **state)
{
    (void)state;
    cs_findings_init(&F);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    cs_findings_free(&F);
    return 0;
}

static const cs_value_ctx C = {.findings = &F, .file = "DM_PERSONS.csv", .line = 7, .col = 3,
                               .entity = "person", .field = "id", .source_id = "P1"};

#define S(x) x, strlen(x)

static uint64_t n_kind(cs_finding_kind k)
{
    return F.per_kind[k];
}

static const cs_finding *last(void)
{
    assert_true(F.count > 0);
    return &F.items[F.count - 1];
}

static void reset(void)
{
    cs_findings_free(&F);
    cs_findings_init(&F);
}

/* CS_FK_COUNT: no findings at all; otherwise exactly one, of that kind. */
static void expect_only(cs_finding_kind kind)
{
    if (kind == CS_FK_COUNT) {
        assert_int_equal(F.total, 0);
    } else {
        assert_int_equal(F.total, 1);
        assert_int_equal(n_kind(kind), 1);
    }
}

static cs_date D(int y, int m, int d)
{
    return cs_date_from_ymd(y, m, d);
}

/* ---- identifiers ------------------------------------------------------- */

static void expect_id(const char *in, const char *want, cs_finding_kind kind)
{
    char buf[64];
    size_t n;
    reset();
    const char *got = cs_value_id(&C, in, strlen(in), buf, sizeof buf, &n);
    assert_non_null(got);
    assert_string_equal(got, want);
    assert_int_equal(n, strlen(want));
    expect_only(kind);
}

static void test_id_float_repairs(void **state)
{
    (void)state;
    expect_id("123456.0", "123456", CS_FK_ID_FLOAT);
    assert_string_equal(last()->original, "123456.0");
    assert_string_equal(last()->repaired, "123456");
    assert_string_equal(last()->file, "DM_PERSONS.csv");
    assert_int_equal(last()->line, 7);
    assert_int_equal(last()->col, 3);
    assert_string_equal(last()->field, "id");
    assert_string_equal(last()->source_id, "P1");
    expect_id("123456.00", "123456", CS_FK_ID_FLOAT);
    expect_id("123456.", "123456", CS_FK_ID_FLOAT);
    expect_id("1.23456E+05", "123456", CS_FK_ID_FLOAT);
    expect_id("1.23456E+5", "123456", CS_FK_ID_FLOAT);
    expect_id("1.23456e+05", "123456", CS_FK_ID_FLOAT);
    expect_id("1.234560E+05", "123456", CS_FK_ID_FLOAT);
    expect_id("000123.0", "000123", CS_FK_ID_FLOAT);
}

static void test_id_kept(void **state)
{
    (void)state;
    expect_id("000123", "000123", CS_FK_COUNT);
    expect_id("123456", "123456", CS_FK_COUNT);
    expect_id("AB-12.0", "AB-12.0", CS_FK_COUNT);
    expect_id("12E5", "12E5", CS_FK_COUNT);           /* no '+': not Excel's form */
    expect_id("1.2.3", "1.2.3", CS_FK_COUNT);
    expect_id("-123.0", "-123.0", CS_FK_COUNT);
    /* suspicious: kept as found, flagged */
    expect_id("123.4", "123.4", CS_FK_BAD_VALUE);
    assert_non_null(last()->detail);
    expect_id("1.23457E+11", "1.23457E+11", CS_FK_BAD_VALUE);
    assert_non_null(strstr(last()->detail, "lost"));
    expect_id("1.234565E+05", "1.234565E+05", CS_FK_BAD_VALUE);
}

static void test_id_whitespace_and_empty(void **state)
{
    (void)state;
    expect_id(" 123 ", "123", CS_FK_WHITESPACE);
    assert_string_equal(last()->original, " 123 ");
    assert_string_equal(last()->repaired, "123");
    expect_id("\xC2\xA0" "123\t", "123", CS_FK_WHITESPACE);
    expect_id("\t\xC2\xA0\xC2\xA0" "A1 B2\r\n", "A1 B2", CS_FK_WHITESPACE);

    char buf[16] = "junk";
    size_t n = 99;
    reset();
    assert_null(cs_value_id(&C, S(""), buf, sizeof buf, &n));
    assert_int_equal(n, 0);
    assert_string_equal(buf, "");
    assert_null(cs_value_id(&C, S(" \t\xC2\xA0 "), buf, sizeof buf, &n));
    assert_null(cs_value_id(&C, NULL, 0, buf, sizeof buf, &n));
    assert_int_equal(F.total, 0);

    /* whitespace and .0 together: two findings */
    reset();
    assert_string_equal(cs_value_id(&C, S(" 42.0 "), buf, sizeof buf, &n), "42");
    assert_int_equal(n_kind(CS_FK_WHITESPACE), 1);
    assert_int_equal(n_kind(CS_FK_ID_FLOAT), 1);
    assert_string_equal(last()->original, "42.0");
}

static void test_id_too_long(void **state)
{
    (void)state;
    char buf[8];
    size_t n = 5;
    reset();
    assert_null(cs_value_id(&C, S("123456789"), buf, sizeof buf, &n));
    assert_int_equal(n, 0);
    assert_int_equal(n_kind(CS_FK_BAD_VALUE), 1);
    /* exactly fits: 7 bytes plus NUL */
    assert_string_equal(cs_value_id(&C, S("1234567.0"), buf, sizeof buf, &n), "1234567");
    /* no findings list, no context: still works */
    cs_value_ctx quiet = {0};
    assert_string_equal(cs_value_id(&quiet, S("77.0"), buf, sizeof buf, &n), "77");
    assert_string_equal(cs_value_id(NULL, S("78.0"), buf, sizeof buf, &n), "78");
}

/* ---- integers ---------------------------------------------------------- */

static void expect_int(const char *in, int32_t want, cs_finding_kind kind)
{
    reset();
    assert_int_equal(cs_value_int(&C, in, strlen(in)), want);
    expect_only(kind);
}

static void test_int(void **state)
{
    (void)state;
    expect_int("10", 10, CS_FK_COUNT);
    expect_int("+7", 7, CS_FK_COUNT);
    expect_int("007", 7, CS_FK_COUNT);
    expect_int("-3", -3, CS_FK_COUNT);
    expect_int("2147483647", 2147483647, CS_FK_COUNT);
    expect_int("-2147483647", -2147483647, CS_FK_COUNT);
    expect_int("10.0", 10, CS_FK_INT_DECIMAL);
    assert_string_equal(last()->repaired, "10");
    expect_int("-3.00", -3, CS_FK_INT_DECIMAL);
    assert_string_equal(last()->repaired, "-3");
    expect_int("10.", 10, CS_FK_INT_DECIMAL);
    expect_int(" 5 ", 5, CS_FK_WHITESPACE);
    expect_int("", CS_INT_NONE, CS_FK_COUNT);
    expect_int("  ", CS_INT_NONE, CS_FK_COUNT);
}

static void test_int_rejects(void **state)
{
    (void)state;
    expect_int("12.5", CS_INT_NONE, CS_FK_BAD_INTEGER);
    assert_string_equal(last()->original, "12.5");
    assert_null(last()->repaired);
    expect_int("abc", CS_INT_NONE, CS_FK_BAD_INTEGER);
    expect_int("1e3", CS_INT_NONE, CS_FK_BAD_INTEGER);
    expect_int("1,000", CS_INT_NONE, CS_FK_BAD_INTEGER);
    expect_int(".5", CS_INT_NONE, CS_FK_BAD_INTEGER);
    expect_int("-", CS_INT_NONE, CS_FK_BAD_INTEGER);
    expect_int("2147483648", CS_INT_NONE, CS_FK_BAD_INTEGER);
    expect_int("-2147483648", CS_INT_NONE, CS_FK_BAD_INTEGER);   /* the absent marker */
    expect_int("99999999999999999999", CS_INT_NONE, CS_FK_BAD_INTEGER);
    expect_int("10.01", CS_INT_NONE, CS_FK_BAD_INTEGER);
}

/* ---- yes/no ------------------------------------------------------------ */

static void expect_bool(const char *in, int8_t want, cs_finding_kind kind)
{
    reset();
    assert_int_equal(cs_value_bool(&C, in, strlen(in)), want);
    if (kind == CS_FK_COUNT) {
        assert_int_equal(F.total, 0);
    } else {
        assert_int_equal(n_kind(kind), 1);
    }
}

static void test_bool(void **state)
{
    (void)state;
    expect_bool("1", 1, CS_FK_COUNT);
    expect_bool("0", 0, CS_FK_COUNT);
    expect_bool("", CS_BOOL_NONE, CS_FK_COUNT);
    static const char *yes[] = {"TRUE", "true", "True", "Y", "y", "Yes", "YES", "T", "t",
                                "1.0", "1.00", "-1", "-1.0"};
    static const char *no[] = {"FALSE", "false", "N", "n", "No", "NO", "F", "f", "0.0", "-0"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        expect_bool(yes[i], 1, CS_FK_BOOL_SPELLING);
        assert_string_equal(last()->repaired, "1");
    }
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
        expect_bool(no[i], 0, CS_FK_BOOL_SPELLING);
        assert_string_equal(last()->repaired, "0");
    }
    expect_bool("-1", 1, CS_FK_BOOL_SPELLING);
    assert_non_null(strstr(last()->detail, "Access"));
    expect_bool(" yes\xC2\xA0", 1, CS_FK_BOOL_SPELLING);
    assert_int_equal(n_kind(CS_FK_WHITESPACE), 1);
}

static void test_bool_rejects(void **state)
{
    (void)state;
    static const char *bad[] = {"2", "maybe", "yess", "1.5", "-2", "ON", "X", "TRUEISH", "0x1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        expect_bool(bad[i], CS_BOOL_NONE, CS_FK_BAD_BOOL);
        assert_int_equal(F.total, 1);
    }
}

/* ---- dates ------------------------------------------------------------- */

static void expect_date(const char *in, cs_date_style st, cs_date want, cs_finding_kind kind)
{
    reset();
    cs_date got = cs_value_date(&C, in, strlen(in), st);
    if (got != want) {
        char a[11], b[11];
        fail_msg("'%s': got %s, wanted %s", in, cs_date_iso(got, a), cs_date_iso(want, b));
    }
    if (kind == CS_FK_COUNT) {
        if (F.total != 0)
            fail_msg("'%s': unexpected finding %s", in, cs_finding_kind_get(F.items[0].kind)->code);
    } else if (n_kind(kind) != 1) {
        fail_msg("'%s': no %s finding", in, cs_finding_kind_get(kind)->code);
    }
}

/* Each value (AUTO style) is absent with exactly one finding, of that kind. */
static void expect_absent_dates(const char *const *values, size_t n, cs_finding_kind kind)
{
    for (size_t i = 0; i < n; i++) {
        expect_date(values[i], CS_DATES_AUTO, CS_DATE_NONE, kind);
        assert_int_equal(F.total, 1);
        assert_null(last()->repaired);
    }
}

static void test_date_forms_auto(void **state)
{
    (void)state;
    const cs_date_style A = CS_DATES_AUTO;
    const cs_date want = D(2025, 3, 31);
    expect_date("2025-03-31", A, want, CS_FK_COUNT);
    expect_date("31/03/2025", A, want, CS_FK_COUNT);
    expect_date("31/3/2025", A, want, CS_FK_COUNT);
    expect_date("1/4/2024", A, D(2024, 4, 1), CS_FK_COUNT);
    expect_date("04/05/2025", A, D(2025, 5, 4), CS_FK_COUNT);   /* day first, always */
    expect_date("2025/03/31", A, want, CS_FK_COUNT);
    expect_date("20250331", A, want, CS_FK_COUNT);
    expect_date("2025-03-31 00:00:00.000", A, want, CS_FK_COUNT);
    expect_date("2025-03-31 00:00:00", A, want, CS_FK_COUNT);
    expect_date("2025-03-31 00:00:00.0000000", A, want, CS_FK_COUNT);
    expect_date("2025-03-31T00:00:00", A, want, CS_FK_COUNT);
    expect_date("2025-03-31T00:00:00Z", A, want, CS_FK_COUNT);
    expect_date("31/03/2025 00:00", A, want, CS_FK_COUNT);
    expect_date("31-MAR-25", A, want, CS_FK_COUNT);
    expect_date("31-Mar-2025", A, want, CS_FK_COUNT);
    expect_date("5-jan-2025", A, D(2025, 1, 5), CS_FK_COUNT);
    expect_date("15-JUN-49", A, D(2049, 6, 15), CS_FK_COUNT);
    expect_date("01-JAN-50", A, D(1950, 1, 1), CS_FK_COUNT);
    expect_date("31-DEC-99", A, D(1999, 12, 31), CS_FK_COUNT);
    expect_date("01-FEB-00", A, D(2000, 2, 1), CS_FK_COUNT);
    expect_date("31-MAR-25 12.00.00.000000 AM", A, want, CS_FK_COUNT);
    expect_date("", A, CS_DATE_NONE, CS_FK_COUNT);
    expect_date(" \t", A, CS_DATE_NONE, CS_FK_COUNT);
}

static void test_date_time_dropped(void **state)
{
    (void)state;
    const cs_date want = D(2025, 3, 31);
    expect_date("2025-03-31 14:22:05.123", CS_DATES_AUTO, want, CS_FK_DATETIME_TIME);
    assert_string_equal(last()->repaired, "2025-03-31");
    expect_date("2025-03-31T08:00:00", CS_DATES_AUTO, want, CS_FK_DATETIME_TIME);
    expect_date("2025-03-31 00:00:00.001", CS_DATES_AUTO, want, CS_FK_DATETIME_TIME);
    expect_date("31/03/2025 14:30:00", CS_DATES_AUTO, want, CS_FK_DATETIME_TIME);
    expect_date("31-MAR-25 02.15.00 PM", CS_DATES_ORACLE, want, CS_FK_DATETIME_TIME);
    expect_date("2025-03-31 23:59", CS_DATES_SQLSERVER, want, CS_FK_DATETIME_TIME);
}

static void test_date_excel_serial(void **state)
{
    (void)state;
    expect_date("45000", CS_DATES_AUTO, D(2023, 3, 15), CS_FK_EXCEL_SERIAL_DATE);
    assert_string_equal(last()->original, "45000");
    assert_string_equal(last()->repaired, "2023-03-15");
    expect_date("25569", CS_DATES_AUTO, D(1970, 1, 1), CS_FK_EXCEL_SERIAL_DATE);
    expect_date("45000.0", CS_DATES_AUTO, D(2023, 3, 15), CS_FK_EXCEL_SERIAL_DATE);
    assert_int_equal(F.total, 1);
    expect_date("45000.75", CS_DATES_AUTO, D(2023, 3, 15), CS_FK_EXCEL_SERIAL_DATE);
    assert_int_equal(n_kind(CS_FK_DATETIME_TIME), 1);
    /* around Excel's fictitious 29/02/1900 */
    expect_date("2", CS_DATES_AUTO, D(1900, 1, 2), CS_FK_EXCEL_SERIAL_DATE);
    expect_date("59", CS_DATES_AUTO, D(1900, 2, 28), CS_FK_EXCEL_SERIAL_DATE);
    expect_date("61", CS_DATES_AUTO, D(1900, 3, 1), CS_FK_EXCEL_SERIAL_DATE);
    expect_date("60", CS_DATES_AUTO, CS_DATE_NONE, CS_FK_BAD_DATE);
    assert_non_null(strstr(last()->detail, "29/02/1900"));
    expect_date("2958465", CS_DATES_AUTO, D(9999, 12, 31), CS_FK_EXCEL_SERIAL_DATE);
    expect_date("2958466", CS_DATES_AUTO, CS_DATE_NONE, CS_FK_BAD_DATE);
    expect_date("0", CS_DATES_AUTO, CS_DATE_NONE, CS_FK_BAD_DATE);
    /* serial 1 is 1900-01-01: a placeholder, and only that finding */
    expect_date("1", CS_DATES_AUTO, CS_DATE_NONE, CS_FK_PLACEHOLDER_DATE);
    assert_int_equal(F.total, 1);
    /* every named style still repairs serials */
    expect_date("45000", CS_DATES_DMY, D(2023, 3, 15), CS_FK_EXCEL_SERIAL_DATE);
    expect_date("45000", CS_DATES_ISO, D(2023, 3, 15), CS_FK_EXCEL_SERIAL_DATE);
    expect_date("45000", CS_DATES_SQLSERVER, D(2023, 3, 15), CS_FK_EXCEL_SERIAL_DATE);
    expect_date("45000", CS_DATES_ORACLE, D(2023, 3, 15), CS_FK_EXCEL_SERIAL_DATE);
}

static void test_date_placeholders(void **state)
{
    (void)state;
    static const char *const ph[] = {"1900-01-01", "01/01/1900", "1/1/1900", "1900-01-01 00:00:00.000",
                               "1900-01-01T00:00:00", "01-JAN-1900", "19000101"};
    expect_absent_dates(ph, sizeof ph / sizeof ph[0], CS_FK_PLACEHOLDER_DATE);
    /* in a strict style, a placeholder written in another style is still one */
    expect_date("01/01/1900", CS_DATES_ISO, CS_DATE_NONE, CS_FK_PLACEHOLDER_DATE);
    expect_date("1900-01-01 00:00:00.000", CS_DATES_DMY, CS_DATE_NONE, CS_FK_PLACEHOLDER_DATE);
    expect_date("1900-01-01", CS_DATES_ORACLE, CS_DATE_NONE, CS_FK_PLACEHOLDER_DATE);
    /* the day after is a real date */
    expect_date("1900-01-02", CS_DATES_AUTO, D(1900, 1, 2), CS_FK_COUNT);
}

static void test_date_bad(void **state)
{
    (void)state;
    static const char *const bad[] = {"2025-02-30", "30/02/2025", "31-FEB-25", "2025-13-01",
                                "20250230", "03/31/2025", "31/03/25", "2025-3-31",
                                "yesterday", "2025-03-31 25:00:00", "2025-03-31 10:61",
                                "31-XYZ-2025", "2025-03-31x", "2025-03-31T", "-45000",
                                "45000.5.5", "31/03/2025 13:00 PM", "12345678901"};
    expect_absent_dates(bad, sizeof bad / sizeof bad[0], CS_FK_BAD_DATE);
    expect_date("2025-02-30", CS_DATES_AUTO, CS_DATE_NONE, CS_FK_BAD_DATE);
    assert_non_null(strstr(last()->detail, "no such day"));
}

static void test_date_strict_styles(void **state)
{
    (void)state;
    const cs_date want = D(2025, 3, 31);
    expect_date("31/03/2025", CS_DATES_DMY, want, CS_FK_COUNT);
    expect_date("2025-03-31", CS_DATES_DMY, CS_DATE_NONE, CS_FK_BAD_DATE);
    assert_non_null(strstr(last()->detail, "dd/mm/yyyy"));
    expect_date("20250331", CS_DATES_DMY, CS_DATE_NONE, CS_FK_BAD_DATE);
    expect_date("31-MAR-25", CS_DATES_DMY, CS_DATE_NONE, CS_FK_BAD_DATE);

    expect_date("2025-03-31", CS_DATES_ISO, want, CS_FK_COUNT);
    expect_date("31/03/2025", CS_DATES_ISO, CS_DATE_NONE, CS_FK_BAD_DATE);
    expect_date("2025/03/31", CS_DATES_ISO, CS_DATE_NONE, CS_FK_BAD_DATE);

    expect_date("2025-03-31 00:00:00.000", CS_DATES_SQLSERVER, want, CS_FK_COUNT);
    expect_date("2025-03-31", CS_DATES_SQLSERVER, want, CS_FK_COUNT);
    expect_date("31/03/2025", CS_DATES_SQLSERVER, CS_DATE_NONE, CS_FK_BAD_DATE);

    expect_date("31-MAR-25", CS_DATES_ORACLE, want, CS_FK_COUNT);
    expect_date("31-mar-2025", CS_DATES_ORACLE, want, CS_FK_COUNT);
    expect_date("31/03/2025", CS_DATES_ORACLE, CS_DATE_NONE, CS_FK_BAD_DATE);
    assert_non_null(strstr(last()->detail, "dd-MON-yy"));
}

static void test_date_whitespace(void **state)
{
    (void)state;
    expect_date(" 2025-03-31\t", CS_DATES_AUTO, D(2025, 3, 31), CS_FK_WHITESPACE);
    assert_int_equal(F.total, 1);
    expect_date("\xC2\xA0" "45000 ", CS_DATES_AUTO, D(2023, 3, 15), CS_FK_WHITESPACE);
    assert_int_equal(n_kind(CS_FK_EXCEL_SERIAL_DATE), 1);
}

/* Every year/month/day combination (real and impossible) around the
 * placeholder year and a leap year, written exactly yyyy-mm-dd and
 * dd/mm/yyyy (the forms values.c reads on its fast path), in every style
 * that takes one of them: a real date is that date with no finding, an
 * impossible one X109, 1900-01-01 X108; a form the style does not take is
 * X109 (or X108 for the placeholder). Also year 0000 and stray characters
 * where the digits should be. */
static void test_date_exact_forms_every_day(void **state)
{
    (void)state;
    static const cs_date_style styles[] = {CS_DATES_AUTO, CS_DATES_ISO, CS_DATES_SQLSERVER,
                                           CS_DATES_DMY};
    static const int years[] = {1900, 2023, 2024, 0};
    for (size_t si = 0; si < sizeof styles / sizeof styles[0]; si++)
        for (size_t yi = 0; yi < sizeof years / sizeof years[0]; yi++)
            for (int m = 0; m <= 13; m++)
                for (int d = 0; d <= 32; d++)
                    for (int dmy = 0; dmy <= 1; dmy++) {
                        cs_date_style st = styles[si];
                        int y = years[yi];
                        char text[16];
                        if (dmy)
                            snprintf(text, sizeof text, "%02d/%02d/%04d", d, m, y);
                        else
                            snprintf(text, sizeof text, "%04d-%02d-%02d", y, m, d);
                        int taken = dmy ? st == CS_DATES_DMY || st == CS_DATES_AUTO
                                        : st != CS_DATES_DMY;
                        cs_date real = cs_date_is_valid_ymd(y, m, d) ? D(y, m, d) : CS_DATE_NONE;
                        int placeholder = real == D(1900, 1, 1);
                        cs_finding_kind want = placeholder ? CS_FK_PLACEHOLDER_DATE
                                               : taken && real != CS_DATE_NONE ? CS_FK_COUNT
                                                                               : CS_FK_BAD_DATE;
                        expect_date(text, st, want == CS_FK_COUNT ? real : CS_DATE_NONE, want);
                    }
    static const char *const stray[] = {"2025-0a-31", "2025-03-3a", "20a5-03-31", "2025-03-31",
                                        "a1/03/2025", "31/0a/2025", "31/03/20a5", "31/03/2025"};
    for (size_t i = 0; i < sizeof stray / sizeof stray[0]; i++) {
        int ok = i == 3 || i == 7;
        expect_date(stray[i], CS_DATES_AUTO, ok ? D(2025, 3, 31) : CS_DATE_NONE,
                    ok ? CS_FK_COUNT : CS_FK_BAD_DATE);
    }
}

/* The copy-free form: an id kept as found is a slice of the input; a
 * repaired or suspect one is in the buffer; the findings are cs_value_id's. */
static void test_id_slice(void **state)
{
    (void)state;
    char buf[64];
    size_t n = 99;
    reset();
    const char *in = "  P000123 ;";
    const char *got = cs_value_id_slice(&C, in, 9, buf, sizeof buf, &n);
    assert_ptr_equal(got, in + 2);
    assert_int_equal(n, 7);
    assert_memory_equal(got, "P000123", 7);
    expect_only(CS_FK_WHITESPACE);
    reset();
    got = cs_value_id_slice(&C, S("123456.0"), buf, sizeof buf, &n);
    assert_ptr_equal(got, buf);
    assert_string_equal(buf, "123456");
    assert_int_equal(n, 6);
    expect_only(CS_FK_ID_FLOAT);
    reset();
    got = cs_value_id_slice(&C, S("123.4"), buf, sizeof buf, &n);
    assert_ptr_equal(got, buf);
    assert_string_equal(buf, "123.4");
    expect_only(CS_FK_BAD_VALUE);
    reset();
    assert_null(cs_value_id_slice(&C, S("   "), buf, sizeof buf, &n));
    assert_int_equal(n, 0);
    expect_only(CS_FK_COUNT);
    assert_null(cs_value_id_slice(&C, S("ABCDEFGH"), buf, 8, &n));   /* does not fit */
    expect_only(CS_FK_BAD_VALUE);
}

static void test_date_style_parse(void **state)
{
    (void)state;
    assert_int_equal(cs_date_style_parse("auto"), CS_DATES_AUTO);
    assert_int_equal(cs_date_style_parse("iso"), CS_DATES_ISO);
    assert_int_equal(cs_date_style_parse("ISO"), CS_DATES_ISO);
    assert_int_equal(cs_date_style_parse("yyyy-mm-dd"), CS_DATES_ISO);
    assert_int_equal(cs_date_style_parse("dd/mm/yyyy"), CS_DATES_DMY);
    assert_int_equal(cs_date_style_parse("sqlserver"), CS_DATES_SQLSERVER);
    assert_int_equal(cs_date_style_parse("oracle"), CS_DATES_ORACLE);
    assert_int_equal(cs_date_style_parse("dd-MON-yy"), CS_DATES_ORACLE);
    assert_int_equal(cs_date_style_parse("mm/dd/yyyy"), -1);
    assert_int_equal(cs_date_style_parse(""), -1);
    assert_int_equal(cs_date_style_parse(NULL), -1);
}

/* ---- split dates (Azeus) ----------------------------------------------- */

static cs_date split(const char *d, const char *m, const char *y)
{
    reset();
    return cs_value_split_date(&C, S(d), S(m), S(y));
}

static void test_split_date(void **state)
{
    (void)state;
    assert_int_equal(split("15", "3", "2010"), D(2010, 3, 15));
    assert_int_equal(F.total, 0);
    assert_int_equal(split("05", "03", "2010"), D(2010, 3, 5));
    assert_int_equal(F.total, 0);
    assert_int_equal(split("15.0", "3.0", "2010.0"), D(2010, 3, 15));
    assert_int_equal(F.total, 1);
    assert_int_equal(n_kind(CS_FK_INT_DECIMAL), 1);
    assert_string_equal(last()->original, "15.0/3.0/2010.0");
    assert_string_equal(last()->repaired, "2010-03-15");
    assert_int_equal(split("15", "3.0", "2010"), D(2010, 3, 15));
    assert_int_equal(n_kind(CS_FK_INT_DECIMAL), 1);
    assert_int_equal(split(" 15", "3", "2010 "), D(2010, 3, 15));
    assert_int_equal(n_kind(CS_FK_WHITESPACE), 2);
    assert_int_equal(split("29", "2", "2024"), D(2024, 2, 29));

    assert_int_equal(split("", "", ""), CS_DATE_NONE);
    assert_int_equal(F.total, 0);
    assert_int_equal(split(" ", "\t", ""), CS_DATE_NONE);
    assert_int_equal(F.total, 0);
}

static void test_split_date_rejects(void **state)
{
    (void)state;
    static const char *bad[][3] = {
        {"15", "", "2010"}, {"", "3", "2010"}, {"15", "3", ""},  {"", "", "2010"},
        {"31", "2", "2010"}, {"29", "2", "2023"}, {"15", "13", "2010"}, {"0", "3", "2010"},
        {"15", "3", "10"}, {"15", "3", "10.0"}, {"x", "3", "2010"}, {"15", "3", "20100"},
        {"15.5", "3", "2010"}, {"-1", "3", "2010"}, {"15", "MAR", "2010"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (split(bad[i][0], bad[i][1], bad[i][2]) != CS_DATE_NONE)
            fail_msg("case %zu accepted", i);
        assert_int_equal(n_kind(CS_FK_SPLIT_DATE), 1);
        assert_null(last()->repaired);
    }
    assert_int_equal(split("15", "", "2010"), CS_DATE_NONE);
    assert_string_equal(last()->original, "15//2010");
    assert_int_equal(split("1", "1", "1900"), CS_DATE_NONE);
    assert_int_equal(n_kind(CS_FK_PLACEHOLDER_DATE), 1);
}

/* Long hostile values: nothing overflows, the finding's original is capped. */
static void test_long_values(void **state)
{
    (void)state;
    char big[5000];
    memset(big, '9', sizeof big);
    reset();
    assert_int_equal(cs_value_int(&C, big, sizeof big), CS_INT_NONE);
    assert_int_equal(strlen(last()->original), 200);
    assert_int_equal(cs_value_date(&C, big, sizeof big, CS_DATES_AUTO), CS_DATE_NONE);
    assert_int_equal(cs_value_bool(&C, big, sizeof big), CS_BOOL_NONE);
    char buf[64];
    size_t n;
    assert_null(cs_value_id(&C, big, sizeof big, buf, sizeof buf, &n));
    memset(big, ' ', sizeof big);
    assert_int_equal(cs_value_date(&C, big, sizeof big, CS_DATES_AUTO), CS_DATE_NONE);
    assert_int_equal(cs_value_split_date(&C, big, sizeof big, big, 3, "2010", 4), CS_DATE_NONE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_id_float_repairs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_id_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_id_whitespace_and_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_id_too_long, setup, teardown),
        cmocka_unit_test_setup_teardown(test_int, setup, teardown),
        cmocka_unit_test_setup_teardown(test_int_rejects, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bool, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bool_rejects, setup, teardown),
        cmocka_unit_test_setup_teardown(test_date_forms_auto, setup, teardown),
        cmocka_unit_test_setup_teardown(test_date_time_dropped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_date_excel_serial, setup, teardown),
        cmocka_unit_test_setup_teardown(test_date_placeholders, setup, teardown),
        cmocka_unit_test_setup_teardown(test_date_bad, setup, teardown),
        cmocka_unit_test_setup_teardown(test_date_strict_styles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_date_whitespace, setup, teardown),
        cmocka_unit_test_setup_teardown(test_date_exact_forms_every_day, setup, teardown),
        cmocka_unit_test_setup_teardown(test_id_slice, setup, teardown),
        cmocka_unit_test(test_date_style_parse),
        cmocka_unit_test_setup_teardown(test_split_date, setup, teardown),
        cmocka_unit_test_setup_teardown(test_split_date_rejects, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_values, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
