/* SHA-256 as lowercase hex, of bytes in memory or of a file read through:
 * the checksums the warehouse keeps of every source file and stored return
 * (meta_run_source, meta_run_return), comparable with sha256sum's. */
#ifndef CS_UTIL_SHA256_H
#define CS_UTIL_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "util/diag.h"

void cs_sha256_hex(const void *data, size_t n, char out[65]);

/* The file's checksum and, when bytes is not NULL, its size. */
cs_status cs_sha256_file(const char *path, char out[65], uint64_t *bytes, cs_diag *d);

#endif
