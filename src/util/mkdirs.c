#include "util/mkdirs.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static int make_one(const char *dir, mode_t mode)
{
    if (mkdir(dir, mode) == 0)
        return 0;
    struct stat sb;
    if (errno == EEXIST && stat(dir, &sb) == 0) {
        if (S_ISDIR(sb.st_mode))
            return 0;
        errno = ENOTDIR;
    }
    return -1;
}

int cs_mkdirs(const char *path, mode_t parents_mode, mode_t mode)
{
    char tmp[PATH_MAX];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof tmp) {
        errno = n ? ENAMETOOLONG : ENOENT;
        return -1;
    }
    memcpy(tmp, path, n + 1);
    while (n > 1 && tmp[n - 1] == '/')   /* "out/" is the folder "out" */
        tmp[--n] = '\0';
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/' || p[-1] == '/')
            continue;
        *p = '\0';
        int rc = make_one(tmp, parents_mode);
        *p = '/';
        if (rc != 0)
            return -1;
    }
    return make_one(tmp, mode);
}
