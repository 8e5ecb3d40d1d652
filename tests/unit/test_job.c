#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "etl/job.h"

static char path[64];

static void write_job(const char *text)
{
    snprintf(path, sizeof path, "/tmp/cscdw-job-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

static void test_year(void **state)
{
    (void)state;
    cs_date a, b;
    cs_diag d;
    assert_int_equal(cs_collection_year_parse("2025-26", &a, &b, &d), CS_OK);
    assert_int_equal(a, cs_date_from_ymd(2025, 4, 1));
    assert_int_equal(b, cs_date_from_ymd(2026, 3, 31));
    assert_int_equal(cs_collection_year_parse("2099-00", &a, &b, &d), CS_ERR_USAGE);
    assert_int_equal(cs_collection_year_parse("2025-27", &a, &b, &d), CS_ERR_USAGE);
    assert_int_equal(cs_collection_year_parse("2025/26", &a, &b, &d), CS_ERR_USAGE);
    assert_int_equal(cs_collection_year_parse("2025-26x", &a, &b, &d), CS_ERR_USAGE);
    assert_int_equal(cs_collection_year_parse("2099-00", &a, &b, &d), CS_ERR_USAGE);
}

static void test_full_job(void **state)
{
    (void)state;
    write_job("job: demo\nla: { code: \"999\", name: Demoshire }\ncollection_year: 2025-26\n"
              "inspection_date: 2026-03-02\nsource: { profile: p.yaml, input: in }\n"
              "returns: [cin, annexa]\noutput: out\nwarehouse: { url: postgresql://x/y }\n"
              "allocation: { rule: at-event }\nannexa: { template: 2020, pseudonymise: true }\n");
    cs_job j;
    cs_diag d;
    assert_int_equal(cs_job_load(&j, path, &d), CS_OK);
    assert_string_equal(j.la_code, "999");
    assert_string_equal(j.la_name, "Demoshire");
    assert_int_equal(j.reference_date, cs_date_from_ymd(2026, 3, 31));
    assert_int_equal(j.inspection_date, cs_date_from_ymd(2026, 3, 2));
    assert_true(j.want_cin && j.want_annexa && !j.want_ssda903);
    assert_string_equal(j.warehouse_url, "postgresql://x/y");
    assert_string_equal(j.allocation_rule, "at-event");
    assert_string_equal(j.annexa_template, "2020");
    assert_true(j.annexa_pseudonymise);
    cs_job_free(&j);
    unlink(path);
}

static void test_errors_have_positions(void **state)
{
    (void)state;
    cs_job j;
    cs_diag d;
    write_job("la: { code: \"999\" }\ncollection_year: 2025-26\nsource: { profile: p, input: i }\n"
              "output: o\nreturnz: [cin]\n");
    assert_int_equal(cs_job_load(&j, path, &d), CS_ERR_CONFIG);
    assert_int_equal(d.line, 5);
    assert_non_null(strstr(d.msg, "returnz"));
    cs_job_free(&j);
    unlink(path);

    write_job("la: { code: \"999\" }\ncollection_year: 2025\nsource: { profile: p, input: i }\n"
              "output: o\n");
    assert_int_equal(cs_job_load(&j, path, &d), CS_ERR_CONFIG);
    assert_int_equal(d.line, 2);
    cs_job_free(&j);
    unlink(path);

    write_job("la: { code: \"999\" }\ncollection_year: 2025-26\noutput: o\n");
    assert_int_equal(cs_job_load(&j, path, &d), CS_ERR_CONFIG);
    assert_non_null(strstr(d.msg, "source"));
    cs_job_free(&j);
    unlink(path);

    write_job("la: { code: \"999\" }\ncollection_year: 2025-26\nsource: { profile: p, input: i }\n"
              "output: o\nreturns: [cin, ofsted]\n");
    assert_int_equal(cs_job_load(&j, path, &d), CS_ERR_CONFIG);
    assert_non_null(strstr(d.msg, "ofsted"));
    cs_job_free(&j);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_year),
        cmocka_unit_test(test_full_job),
        cmocka_unit_test(test_errors_have_positions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
