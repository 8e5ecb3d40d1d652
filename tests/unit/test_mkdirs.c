/* cs_mkdirs: nested folders with their modes, existing folders left alone,
 * a trailing slash, a file in the way and an over-long path refused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/mkdirs.h"

static mode_t mode_of(const char *p)
{
    struct stat sb;
    assert_int_equal(stat(p, &sb), 0);
    assert_true(S_ISDIR(sb.st_mode));
    return sb.st_mode & 0777;
}

static void nested_with_modes(void **state)
{
    (void)state;
    char root[] = "/tmp/cs-mkdirs-XXXXXX";
    assert_non_null(mkdtemp(root));
    mode_t old = umask(0);
    char path[256], mid[256], top[256];
    snprintf(top, sizeof top, "%s/a", root);
    snprintf(mid, sizeof mid, "%s/a/b", root);
    snprintf(path, sizeof path, "%s/a/b/c/", root);   /* trailing slash: the folder c */
    assert_int_equal(cs_mkdirs(path, 0755, 0700), 0);
    assert_int_equal(mode_of(top), 0755);
    assert_int_equal(mode_of(mid), 0755);
    assert_int_equal(mode_of(path), 0700);
    /* again: nothing to do, modes kept */
    assert_int_equal(cs_mkdirs(path, 0700, 0711), 0);
    assert_int_equal(mode_of(path), 0700);
    /* a file where a folder should be */
    char file[256], under[256];
    snprintf(file, sizeof file, "%s/f", root);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fclose(f);
    errno = 0;
    assert_int_equal(cs_mkdirs(file, 0700, 0700), -1);
    assert_int_equal(errno, ENOTDIR);
    snprintf(under, sizeof under, "%s/f/g", root);
    assert_int_equal(cs_mkdirs(under, 0700, 0700), -1);
    umask(old);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);
}

static void too_long_or_empty(void **state)
{
    (void)state;
    char *p = malloc(PATH_MAX + 10);
    memset(p, 'x', PATH_MAX + 9);
    p[0] = '/';
    p[PATH_MAX + 9] = '\0';
    errno = 0;
    assert_int_equal(cs_mkdirs(p, 0700, 0700), -1);
    assert_int_equal(errno, ENAMETOOLONG);
    free(p);
    assert_int_equal(cs_mkdirs("", 0700, 0700), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nested_with_modes),
        cmocka_unit_test(too_long_or_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
