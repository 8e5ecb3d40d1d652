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

/* Writes l's CSV to a new file named from the template path. */
static void write_to_temp(const cs_exception_list *l, char *path)
{
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    cs_diag d;
    assert_int_equal(cs_exceptions_write_csv(l, path, &d), CS_OK);
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
    write_to_temp(&l, path);
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

/* Strings are the list's own: the caller's buffer may change after the add;
 * text equal to the previous row's is kept once. */
static void test_add_keeps_its_own_copies(void **state)
{
    (void)state;
    cs_exception_list l;
    cs_exceptions_init(&l, "R");
    char record[32] = "Episodes[1]";
    cs_exception e = {.return_name = "ssda903", .rule = "219", .message = "URN not valid",
                      .record = record};
    cs_exceptions_add(&l, &e);
    strcpy(record, "Episodes[2]");
    cs_exceptions_add(&l, &e);
    e.message = "Another rule";
    cs_exceptions_add(&l, &e);
    assert_string_equal(l.items[0].record, "Episodes[1]");
    assert_string_equal(l.items[1].record, "Episodes[2]");
    assert_string_equal(l.items[2].record, "Episodes[2]");
    assert_ptr_not_equal(l.items[0].record, record);
    assert_ptr_equal(l.items[0].message, l.items[1].message);
    assert_ptr_equal(l.items[1].record, l.items[2].record);
    assert_string_equal(l.items[2].message, "Another rule");
    assert_string_equal(l.items[0].child_id, "");
    cs_exceptions_free(&l);
}

/* One cell as RFC 4180 wants it, written the slow obvious way. */
static size_t expect_cell(char *out, const char *s)
{
    size_t n = 0;
    int quote = strpbrk(s, ",\"\r\n") != NULL;
    if (quote)
        out[n++] = '"';
    for (; *s; s++) {
        if (*s == '"')
            out[n++] = '"';
        out[n++] = *s;
    }
    if (quote)
        out[n++] = '"';
    return n;
}

/* Several buffers' worth of rows, repeated and changing texts, quoted and
 * plain, known and unknown lines: the file is the rows, cell by cell. */
static void test_csv_many_rows(void **state)
{
    (void)state;
    cs_exception_list l;
    cs_exceptions_init(&l, "20261203T131049Z-999-ab12");
    static const char *messages[] = {"URN not valid", "Give the date, or \"expected\" one",
                                     "Line\r\nbreak", "Plain words"};
    enum { ROWS = 30000 };
    for (unsigned i = 0; i < ROWS; i++) {
        char child[32], values[64];
        snprintf(child, sizeof child, "%02u%07u", i % 50, 1000000 + i / 7);
        snprintf(values, sizeof values, i % 5 ? "%u;U6" : "%u;a,b", 2072000 + i % 900);
        cs_exception e = {.return_name = "ssda903", .year = "2025-26",
                          .rule = i % 3 ? "219" : "444", .severity = (cs_severity)(i % 4),
                          .message = messages[(i / 10) % 4], .child_id = child,
                          .record = i % 2 ? "Episodes[1]" : "", .fields = "URN;PLACE",
                          .values = values, .source_file = "/data/episodes.csv",
                          .source_line = i % 9 ? i + 2 : 0, .team = i % 11 ? "" : "Team A",
                          .worker = i % 13 ? "" : "Smith, Jo"};
        cs_exceptions_add(&l, &e);
    }
    char path[] = "/tmp/cscdw-exc-XXXXXX";
    write_to_temp(&l, path);

    size_t cap = 16u << 20, n = 0;
    char *expect = malloc(cap);
    assert_non_null(expect);
    n += (size_t)sprintf(expect, "run_id,return,year,rule,severity,child_id,record,fields,"
                                 "values,message,source_system,source_id,source_file,"
                                 "source_line,team,worker\r\n");
    for (size_t i = 0; i < l.count; i++) {
        const cs_exception *e = &l.items[i];
        char line[16] = "";
        if (e->source_line)
            snprintf(line, sizeof line, "%u", e->source_line);
        const char *cols[16] = {l.run_id, e->return_name, e->year, e->rule,
                                cs_severity_name(e->severity), e->child_id, e->record,
                                e->fields, e->values, e->message, e->source_system,
                                e->source_id, e->source_file, line, e->team, e->worker};
        for (int c = 0; c < 16; c++) {
            if (c)
                expect[n++] = ',';
            n += expect_cell(expect + n, cols[c]);
        }
        expect[n++] = '\r';
        expect[n++] = '\n';
        assert_true(n + 4096 < cap);
    }
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *got = malloc(n + 1);
    assert_non_null(got);
    assert_int_equal(fread(got, 1, n + 1, f), n);
    fclose(f);
    assert_memory_equal(got, expect, n);
    assert_true(n > (2u << 20));   /* more than the writer's buffer */
    free(got);
    free(expect);
    unlink(path);
    cs_exceptions_free(&l);
}

static void test_csv_write_failure(void **state)
{
    (void)state;
    if (access("/dev/full", W_OK) != 0)
        skip();
    cs_exception_list l;
    cs_exceptions_init(&l, "R");
    cs_exception e = {.return_name = "cin", .rule = "100", .message = "m"};
    cs_exceptions_add(&l, &e);
    cs_diag d;
    cs_diag_clear(&d);
    assert_int_equal(cs_exceptions_write_csv(&l, "/dev/full", &d), CS_ERR_IO);
    assert_non_null(strstr(d.msg, "error writing the exception list"));
    assert_int_equal(cs_exceptions_write_csv(&l, "/nonexistent-dir/x.csv", &d), CS_ERR_IO);
    assert_non_null(strstr(d.msg, "cannot write the exception list"));
    cs_exceptions_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_columns_and_quoting),
        cmocka_unit_test(test_findings_become_rows),
        cmocka_unit_test(test_run_id),
        cmocka_unit_test(test_add_keeps_its_own_copies),
        cmocka_unit_test(test_csv_many_rows),
        cmocka_unit_test(test_csv_write_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
