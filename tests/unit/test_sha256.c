/* SHA-256 hex (util/sha256): the standard test vectors, a file read
 * through equal to the same bytes in memory with its size, and a missing
 * file as an I/O error naming it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/sha256.h"

static void test_vectors(void **state)
{
    (void)state;
    char hex[65];
    cs_sha256_hex("", 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    cs_sha256_hex("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_file_matches_memory(void **state)
{
    (void)state;
    char path[] = "/tmp/cscdw-sha256-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    /* more than one read buffer */
    size_t n = 200000;
    char *data = malloc(n);
    for (size_t i = 0; i < n; i++)
        data[i] = (char)(i * 31 + 7);
    assert_int_equal(write(fd, data, n), (ssize_t)n);
    close(fd);
    char want[65], got[65];
    uint64_t bytes = 0;
    cs_sha256_hex(data, n, want);
    cs_diag d = {0};
    assert_int_equal(cs_sha256_file(path, got, &bytes, &d), CS_OK);
    assert_string_equal(got, want);
    assert_int_equal(bytes, n);
    unlink(path);
    assert_int_equal(cs_sha256_file(path, got, &bytes, &d), CS_ERR_IO);
    assert_string_equal(d.file, path);
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors),
        cmocka_unit_test(test_file_matches_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
