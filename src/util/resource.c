#include "util/resource.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int try_path(const char *base, const char *mid, const char *rel, char *out, size_t n)
{
    char p[8192];
    int w = snprintf(p, sizeof p, "%s%s%s", base, mid, rel);
    if (w < 0 || (size_t)w >= sizeof p || (size_t)w >= n)
        return 0;
    if (access(p, F_OK) != 0)
        return 0;
    memcpy(out, p, (size_t)w + 1);
    return 1;
}

int cs_resource_path(const char *rel, char *out, size_t n)
{
    const char *home = getenv("CSCDW_HOME");
    if (home && *home && try_path(home, "/", rel, out, n))
        return 1;
    if (try_path("", "", rel, out, n))
        return 1;
    char exe[PATH_MAX];
    ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (k > 0) {
        exe[k] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            if (try_path(exe, "/../", rel, out, n) || try_path(exe, "/../share/cscdw/", rel, out, n))
                return 1;
        }
    }
    snprintf(out, n, "%s", rel);
    return 0;
}
