/* Creating a folder and the folders above it ("mkdir -p"). */
#ifndef CS_UTIL_MKDIRS_H
#define CS_UTIL_MKDIRS_H

#include <sys/types.h>

/* Creates path and any missing folder above it: the folders above with
 * parents_mode, path itself with mode (folders that exist are left as they
 * are). 0 on success; -1 with errno set (ENAMETOOLONG for a path longer than
 * PATH_MAX, ENOTDIR/EEXIST when a file is in the way). */
int cs_mkdirs(const char *path, mode_t parents_mode, mode_t mode);

#endif
