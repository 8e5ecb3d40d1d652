/* Status codes and positioned diagnostics.
 *
 * Library code never prints or exits: it returns a cs_status and, on failure,
 * fills a cs_diag with the position (file, line, column, byte offset) and a
 * plain-words message. Only src/cli/ turns a cs_diag into output. */
#ifndef CS_UTIL_DIAG_H
#define CS_UTIL_DIAG_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    CS_OK = 0,
    CS_EOF = 1,            /* end of a stream: not an error */
    CS_ERR_IO = -1,        /* cannot open/read/write a file */
    CS_ERR_FORMAT = -2,    /* malformed input (CSV quoting, XML syntax, YAML) */
    CS_ERR_ENCODING = -3,  /* invalid byte sequence for the encoding */
    CS_ERR_LIMIT = -4,     /* a cap from util/limits.h was exceeded */
    CS_ERR_CONFIG = -5,    /* bad profile, job or rule file */
    CS_ERR_USAGE = -6,     /* bad command-line usage */
    CS_ERR_NOMEM = -7,     /* allocation failed */
    CS_ERR_DB = -8,        /* database unreachable or failed */
    CS_ERR_INTERNAL = -9
} cs_status;

typedef struct {
    cs_status status;
    char file[512];        /* empty when not about a file */
    uint64_t line;         /* 1-based; 0 = unknown */
    uint64_t col;          /* 1-based; 0 = unknown */
    uint64_t byte_offset;  /* offset in the raw file; UINT64_MAX = unknown */
    char msg[1024];
} cs_diag;

void cs_diag_clear(cs_diag *d);

/* Fill d (may be NULL) and return st, so callers can `return cs_diag_set(...)`. */
cs_status cs_diag_set(cs_diag *d, cs_status st, const char *file, uint64_t line,
                      uint64_t col, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* "file:line:col: message" (parts omitted when unknown). Returns buf. */
const char *cs_diag_format(const cs_diag *d, char *buf, size_t n);

const char *cs_status_name(cs_status st);

#endif
