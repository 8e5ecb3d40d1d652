/* UTF-8 helpers for the text layer: validation with the position and length
 * of the first invalid sequence, ASCII runs, character counts. */
#ifndef CS_IO_UTF8_H
#define CS_IO_UTF8_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    CS_UTF8_OK = 0,        /* all n bytes are complete, valid characters */
    CS_UTF8_INCOMPLETE,    /* valid, but the last character is cut off at n */
    CS_UTF8_INVALID        /* an invalid sequence starts at `valid` */
} cs_utf8_status;

typedef struct {
    cs_utf8_status status;
    size_t valid;          /* bytes of complete, valid characters from the start */
    size_t bad_len;        /* INVALID: bytes in the maximal invalid subpart (>= 1) */
} cs_utf8_scan;

/* Validates p[0..n). NUL bytes count as invalid unless allow_nul. Overlong
 * forms, surrogates and code points above U+10FFFF are invalid. */
cs_utf8_scan cs_utf8_validate(const unsigned char *p, size_t n, int allow_nul);

/* Length of the leading run of ASCII bytes other than NUL. */
size_t cs_ascii_run(const unsigned char *p, size_t n);

/* Characters in valid UTF-8 (bytes that are not continuation bytes). */
uint64_t cs_utf8_count_chars(const unsigned char *p, size_t n);

#endif
