#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/exceptions.h"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void test_csv_columns_and_quoting(void **state)
{
    (void)state;
    cs_exception_list l;
    cs_exceptions_init(&l, "RUN1");
    cs_exception e = {.return_name = "cin", .year = "2025-26", .rule = "8525Q",
                      .severity = CS_SEV_QUERY,
                      .message = "Give either the date of birth, or the \"expected\" one",
                      .child_id = "C123", .record = "", .fields = "PersonBirthDate;ExpectedPersonBirthDate",
                      .values = "2020-01-01;2020-02-01", .source_system = "mosaic",
                      .source_id = "C123", .source_file = "DM_PERSONS.csv", .source_line = 17,
                      .team = "Team A", .worker = "Smith, Jo"};
    cs_exceptions_add(&l, &e);
    cs_exception ret = {.return_name = "cin", .year = "2025-26", .rule = "2883",
                        .severity = CS_SEV_ERROR, .message = "More plans than conferences"};
    cs_exceptions_add(&l, &ret);
    uint64_t counts[4];
    cs_exceptions_count(&l, counts);
    assert_int_equal(counts[CS_SEV_ERROR], 1);
    assert_int_equal(counts[CS_SEV_QUERY], 1);

    char path[] = "/tmp/cscdw-exc-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    cs_diag d;
    assert_int_equal(cs_exceptions_write_csv(&l, path, &d), CS_OK);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    const char *text = slurp(path);
    assert_non_null(strstr(text, "run_id,return,year,rule,severity,child_id,record,fields,values,"
                                 "message,source_system,source_id,source_file,source_line,team,worker\r\n"));
    assert_non_null(strstr(text, "RUN1,cin,2025-26,8525Q,query,C123,,PersonBirthDate;"
                                 "ExpectedPersonBirthDate,2020-01-01;2020-02-01,\"Give either the date "
                                 "of birth, or the \"\"expected\"\" one\",mosaic,C123,DM_PERSONS.csv,17,"
                                 "Team A,\"Smith, Jo\"\r\n"));
    assert_non_null(strstr(text, "RUN1,cin,2025-26,2883,error,,,,,More plans than conferences,,,,,,\r\n"));
    unlink(path);
    cs_exceptions_free(&l);
}

static void test_findings_become_rows(void **state)
{
    (void)state;
    cs_findings f;
    cs_findings_init(&f);
    cs_findings_addv(&f, CS_FK_ID_FLOAT, "DM_PERSONS.csv", 5, 1, "person", "id", "123",
                     "123.0", 5, "123", NULL);
    cs_exception_list l;
    cs_exceptions_init(&l, "R");
    cs_exceptions_from_findings(&l, &f, "mosaic", "2025-26");
    assert_int_equal(l.count, 1);
    assert_string_equal(l.items[0].rule, "X101");
    assert_string_equal(l.items[0].values, "123.0 -> 123");
    assert_string_equal(l.items[0].source_file, "DM_PERSONS.csv");
    assert_int_equal(l.items[0].source_line, 5);
    cs_exceptions_free(&l);
    cs_findings_free(&f);
}

static void test_run_id(void **state)
{
    (void)state;
    char a[64];
    cs_run_id_new(a, sizeof a, "999");
    assert_int_equal(strlen(a), strlen("20261203T101500Z-999-abcd"));
    assert_non_null(strstr(a, "Z-999-"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_columns_and_quoting),
        cmocka_unit_test(test_findings_become_rows),
        cmocka_unit_test(test_run_id),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
