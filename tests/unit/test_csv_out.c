#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/csv_out.h"

/* The whole file, NUL-terminated; *n its size. */
static char *read_all(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    assert_true(size >= 0);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)size + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
    buf[size] = '\0';
    fclose(f);
    *n = (size_t)size;
    return buf;
}

static void temp_path(char *path)
{
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    unlink(path);   /* cs_csv_out_open creates it */
}

static void test_fields_numbers_and_quoting(void **state)
{
    (void)state;
    char path[] = "/tmp/cscdw-csvout-XXXXXX";
    temp_path(path);
    cs_csv_out o;
    assert_int_equal(cs_csv_out_open(&o, path), 0);
    const char *cells[] = {"plain", "", "a,b", "say \"hi\"", "cr\rlf\n", "\"", NULL, "end"};
    for (size_t i = 0; i < sizeof cells / sizeof *cells; i++) {
        cs_csv_out_field(&o, cells[i]);
        cs_csv_out_char(&o, ',');
    }
    cs_csv_out_uint(&o, 0);
    cs_csv_out_char(&o, ',');
    cs_csv_out_uint(&o, 4294967295u);
    cs_csv_out_char(&o, ',');
    cs_csv_out_uint(&o, UINT64_MAX);
    cs_csv_out_bytes(&o, "\r\n", 2);
    assert_int_equal(cs_csv_out_close(&o), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    size_t n;
    char *text = read_all(path, &n);
    assert_string_equal(text, "plain,,\"a,b\",\"say \"\"hi\"\"\",\"cr\rlf\n\",\"\"\"\",,end,"
                              "0,4294967295,18446744073709551615\r\n");
    free(text);
    unlink(path);
    assert_int_equal(cs_csv_plain_len("abc"), 3);
    assert_int_equal(cs_csv_plain_len("a\nb"), SIZE_MAX);
}

/* Output of several buffers' worth, with fields across the buffer's end and
 * one field longer than the buffer, comes out whole and in order. */
static void test_output_larger_than_the_buffer(void **state)
{
    (void)state;
    char path[] = "/tmp/cscdw-csvout-XXXXXX";
    temp_path(path);
    size_t big_n = 3u << 20;
    char *big = malloc(big_n + 1);
    assert_non_null(big);
    for (size_t i = 0; i < big_n; i++)
        big[i] = (char)('a' + i % 26);
    big[big_n] = '\0';
    big[12345] = '"';   /* the long field is quoted too */
    size_t expect_cap = 8u << 20, elen = 0;
    char *expect = malloc(expect_cap);
    assert_non_null(expect);
    cs_csv_out o;
    assert_int_equal(cs_csv_out_open(&o, path), 0);
    for (unsigned i = 0; i < 200000; i++) {
        char cell[32];
        int k = snprintf(cell, sizeof cell, i % 7 ? "row%u" : "r,%u", i);
        cs_csv_out_field(&o, cell);
        cs_csv_out_uint(&o, i);
        cs_csv_out_bytes(&o, "\r\n", 2);
        elen += (size_t)snprintf(expect + elen, expect_cap - elen, i % 7 ? "%s%u\r\n" : "\"%s\"%u\r\n",
                                 cell, i);
        assert_true(k > 0);
        if (i == 100000) {
            cs_csv_out_field(&o, big);
            expect[elen++] = '"';
            memcpy(expect + elen, big, 12345);
            elen += 12345;
            expect[elen++] = '"';
            memcpy(expect + elen, big + 12345, big_n - 12345);
            elen += big_n - 12345;
            expect[elen++] = '"';
        }
    }
    assert_int_equal(cs_csv_out_close(&o), 0);
    size_t n;
    char *text = read_all(path, &n);
    assert_int_equal(n, elen);
    assert_memory_equal(text, expect, n);
    free(text);
    free(expect);
    free(big);
    unlink(path);
}

static void test_errors_are_reported(void **state)
{
    (void)state;
    cs_csv_out o;
    assert_int_not_equal(cs_csv_out_open(&o, "/nonexistent-dir/x.csv"), 0);
    if (access("/dev/full", W_OK) != 0)
        skip();
    /* a full disk: the first failed write is what close reports */
    assert_int_equal(cs_csv_out_open(&o, "/dev/full"), 0);
    for (int i = 0; i < 100000; i++)
        cs_csv_out_field(&o, "0123456789012345678901234567890123456789");
    assert_int_equal(cs_csv_out_close(&o), ENOSPC);
}

/* Children's data: a file that existed with a wider mode is made owner-only,
 * and a symlink in its place is refused rather than followed. */
static void test_private_and_no_symlink(void **state)
{
    (void)state;
    char path[] = "/tmp/cs-csv-out-XXXXXX";
    temp_path(path);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(chmod(path, 0644), 0);
    cs_csv_out o;
    assert_int_equal(cs_csv_out_open(&o, path), 0);
    cs_csv_out_field(&o, "x");
    assert_int_equal(cs_csv_out_close(&o), 0);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    char link[] = "/tmp/cs-csv-link-XXXXXX";
    temp_path(link);
    assert_int_equal(symlink(path, link), 0);
    assert_int_equal(cs_csv_out_open(&o, link), ELOOP);
    unlink(link);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields_numbers_and_quoting),
        cmocka_unit_test(test_output_larger_than_the_buffer),
        cmocka_unit_test(test_errors_are_reported),
        cmocka_unit_test(test_private_and_no_symlink),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
