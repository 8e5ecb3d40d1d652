/* The exception workbook: sheets (summary, one per team, "No team"), safe
 * and unique sheet names, the header row frozen and filtered, Field/Value
 * pairs with real date cells, counts on the summary, hostile text, the file
 * mode, an empty list, and an unwritable path. The xlsx is read back with
 * `unzip -p`. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/xlsx.h"
#include "util/date.h"

/* One part of the zip, read with unzip -p (malloc'd, NUL-terminated). */
static char *part(const char *xlsx, const char *name)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "unzip -p '%s' '%s' 2>/dev/null", xlsx, name);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    size_t k;
    while ((k = fread(buf + n, 1, cap - n - 1, p)) > 0) {
        n += k;
        if (cap - n < 1024)
            buf = realloc(buf, cap *= 2);
    }
    buf[n] = '\0';
    pclose(p);
    return buf;
}

static int have_unzip(void)
{
    return system("unzip -v >/dev/null 2>&1") == 0;
}

static void tmp_path(char *buf, size_t n)
{
    snprintf(buf, n, "/tmp/cscdw-xlsx-%d-%ld.xlsx", (int)getpid(), random());
}

static void add(cs_exception_list *l, const char *team, const char *worker, const char *child,
                const char *rule, cs_severity sev, const char *fields, const char *values)
{
    cs_exception e = {.return_name = "cin", .year = "2025-26", .rule = rule, .severity = sev,
                      .message = "Plain words", .child_id = child, .record = "CINdetails[1]",
                      .fields = fields, .values = values, .source_system = "mosaic",
                      .source_file = "people.csv", .source_line = 12, .team = team,
                      .worker = worker};
    cs_exceptions_add(l, &e);
}

static void test_workbook(void **state)
{
    (void)state;
    if (!have_unzip())
        skip();
    cs_exception_list l;
    cs_exceptions_init(&l, "RUN-42");
    add(&l, "Team North", "Ann", "C1", "1105", CS_SEV_ERROR, "CPPstartDate;CINreferralDate",
        "2025-08-15;2025-09-01");
    add(&l, "Team North", "Ann", "C2", "8525Q", CS_SEV_QUERY, "PersonBirthDate", "2025-02-30");
    add(&l, "Team/South: [East]?", "Bob", "C3", "1105", CS_SEV_ERROR, "CPPstartDate;X",
        "2024-01-02;text\x01with control");
    add(&l, "", "", "", "2886Q", CS_SEV_QUERY, "", "");
    add(&l, "", "", "", "LY01", CS_SEV_INFO, "", "");
    cs_exception x = {.return_name = "extract", .year = "2025-26", .rule = "X105",
                      .severity = CS_SEV_INFO, .message = "Leading or trailing spaces removed: x",
                      .team = "team north"};
    cs_exceptions_add(&l, &x);

    char path[128];
    tmp_path(path, sizeof path);
    cs_diag d;
    cs_diag_clear(&d);
    assert_int_equal(cs_exceptions_write_xlsx(&l, path, &d), CS_OK);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);

    char *wb = part(path, "xl/workbook.xml");
    /* summary first; teams sorted; the illegal characters replaced; the team
     * differing only in case gets its own, numbered, sheet; rows with no team */
    const char *order[] = {"name=\"Summary\"", "name=\"No team\"", "name=\"Team North\"",
                           "name=\"Team_South_ _East__\"", "name=\"team north (2)\""};
    const char *at = wb;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        const char *p = strstr(at, order[i]);
        if (!p)
            fail_msg("workbook lacks %s in order: %s", order[i], wb);
        at = p;
    }
    free(wb);

    /* Team North is the third sheet */
    char *s = part(path, "xl/worksheets/sheet3.xml");
    assert_non_null(strstr(s, "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" "
                              "state=\"frozen\"/>"));
    assert_non_null(strstr(s, "<autoFilter ref=\"A1:P3\"/>"));
    const char *heads[] = {"Child ID", "Worker", "Return", "Year", "Rule", "Severity", "Message",
                           "Record", "Field 1", "Value 1", "Field 2", "Value 2", "Source system",
                           "Source ID", "Source file", "Source line"};
    at = s;
    for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++) {
        char want[64];
        snprintf(want, sizeof want, "<t>%s</t>", heads[i]);
        const char *p = strstr(at, want);
        if (!p)
            fail_msg("header lacks %s", heads[i]);
        at = p;
    }
    /* 2025-08-15 is a date cell (a number with the date style), not text */
    char serial[64];
    snprintf(serial, sizeof serial, "<v>%d</v>", (int)cs_date_from_ymd(2025, 8, 15) + 25569);
    assert_non_null(strstr(s, serial));
    assert_null(strstr(s, "<t>2025-08-15</t>"));
    /* 2025-02-30 is not a date: it stays text */
    assert_non_null(strstr(s, "<t>2025-02-30</t>"));
    /* rows sorted by worker, child: C1 before C2 */
    assert_true(strstr(s, "<t>C1</t>") < strstr(s, "<t>C2</t>"));
    free(s);

    /* the control character does not reach the sheet */
    s = part(path, "xl/worksheets/sheet4.xml");
    assert_non_null(strstr(s, "text with control"));
    assert_null(strchr(s, '\x01'));
    free(s);

    /* the summary: run, counts, rules with their counts, teams with their sheet */
    s = part(path, "xl/worksheets/sheet1.xml");
    assert_non_null(strstr(s, "<t>RUN-42</t>"));
    assert_non_null(strstr(s, "<t>Findings by rule</t>"));
    /* the rule table's message sits right after the counts, in column G */
    const char *msg = strstr(s, "<t>Message</t>");
    assert_non_null(msg);
    const char *cell = msg;
    while (cell > s && strncmp(cell, "<c r=\"", 6) != 0)
        cell--;
    assert_int_equal(cell[6], 'G');
    assert_non_null(strstr(s, "<t>Findings by team</t>"));
    assert_non_null(strstr(s, "<t>1105</t>"));
    assert_non_null(strstr(s, "<t>Team_South_ _East__</t>"));   /* the sheet name column */
    assert_non_null(strstr(s, "<t>Team/South: [East]?</t>"));   /* the team as it is */
    /* X-codes show the finding's title, not one row's detail */
    assert_non_null(strstr(s, "<t>Leading or trailing spaces removed</t>"));
    free(s);

    unlink(path);
    cs_exceptions_free(&l);
}

static void test_empty_list(void **state)
{
    (void)state;
    if (!have_unzip())
        skip();
    cs_exception_list l;
    cs_exceptions_init(&l, "EMPTY");
    char path[128];
    tmp_path(path, sizeof path);
    cs_diag d;
    assert_int_equal(cs_exceptions_write_xlsx(&l, path, &d), CS_OK);
    char *wb = part(path, "xl/workbook.xml");
    assert_non_null(strstr(wb, "name=\"Summary\""));
    assert_non_null(strstr(wb, "name=\"No team\""));
    free(wb);
    char *s = part(path, "xl/worksheets/sheet2.xml");
    assert_non_null(strstr(s, "<t>Child ID</t>"));
    assert_non_null(strstr(s, "state=\"frozen\""));
    free(s);
    unlink(path);
    cs_exceptions_free(&l);
}

static void test_unwritable(void **state)
{
    (void)state;
    cs_exception_list l;
    cs_exceptions_init(&l, "R");
    cs_diag d;
    cs_diag_clear(&d);
    assert_int_equal(cs_exceptions_write_xlsx(&l, "/nonexistent-dir/x.xlsx", &d), CS_ERR_IO);
    assert_non_null(strstr(d.msg, "cannot write the workbook"));
    cs_exceptions_free(&l);
}

static void test_sheet_names(void **state)
{
    (void)state;
    char out[CS_XLSX_NAME_BYTES];
    cs_xlsx_sheet_name("A/B\\C?D*E[F]G:H", NULL, 0, out);
    assert_string_equal(out, "A_B_C_D_E_F_G_H");
    cs_xlsx_sheet_name("'quoted'", NULL, 0, out);
    assert_string_equal(out, "quoted");
    cs_xlsx_sheet_name("", NULL, 0, out);
    assert_string_equal(out, "Sheet");
    cs_xlsx_sheet_name("'''", NULL, 0, out);
    assert_string_equal(out, "Sheet");
    cs_xlsx_sheet_name("tab\there", NULL, 0, out);
    assert_string_equal(out, "tabhere");
    cs_xlsx_sheet_name("history", NULL, 0, out);
    assert_string_equal(out, "history (2)");
    /* 31 characters at most, counted as characters (é is two bytes) */
    cs_xlsx_sheet_name("Children in Care and Leaving Care Team East", NULL, 0, out);
    assert_string_equal(out, "Children in Care and Leaving Ca");
    cs_xlsx_sheet_name("ééééééééééééééééééééééééééééééééééé", NULL, 0, out);
    assert_int_equal(strlen(out), 62);
    /* unique, case-insensitively, within the 31 */
    const char *taken[] = {"Summary", "Team A", "Team A (2)",
                           "Children in Care and Leaving Ca"};
    cs_xlsx_sheet_name("team a", taken, 4, out);
    assert_string_equal(out, "team a (3)");
    cs_xlsx_sheet_name("SUMMARY", taken, 4, out);
    assert_string_equal(out, "SUMMARY (2)");
    cs_xlsx_sheet_name("Children in Care and Leaving Care Team West", taken, 4, out);
    assert_string_equal(out, "Children in Care and Leavin (2)");
    assert_int_equal(strlen(out), 31);
}

int main(void)
{
    srandom((unsigned)getpid());
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_workbook),
        cmocka_unit_test(test_empty_list),
        cmocka_unit_test(test_unwritable),
        cmocka_unit_test(test_sheet_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
