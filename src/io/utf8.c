#include "io/utf8.h"

#include <string.h>

#define ONES  0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* Nonzero when some byte of w is zero or has its high bit set. */
static inline uint64_t not_plain_ascii(uint64_t w)
{
    return ((w - ONES) & ~w) | w;
}

size_t cs_ascii_run(const unsigned char *p, size_t n)
{
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        uint64_t a, b;
        memcpy(&a, p + i, 8);
        memcpy(&b, p + i + 8, 8);
        if ((not_plain_ascii(a) | not_plain_ascii(b)) & HIGHS)
            break;
    }
    while (i < n && p[i] != 0 && p[i] < 0x80)
        i++;
    return i;
}

cs_utf8_scan cs_utf8_validate(const unsigned char *p, size_t n, int allow_nul)
{
    cs_utf8_scan r = {CS_UTF8_OK, 0, 0};
    size_t i = 0;
    while (i < n) {
        i += cs_ascii_run(p + i, n - i);
        if (i == n)
            break;
        unsigned c = p[i];
        if (c == 0) {
            if (!allow_nul)
                goto invalid1;
            i++;
            continue;
        }
        size_t len;
        unsigned lo = 0x80, hi = 0xBF;   /* range of the second byte */
        if (c >= 0xC2 && c <= 0xDF)
            len = 2;
        else if (c == 0xE0)
            len = 3, lo = 0xA0;
        else if (c == 0xED)
            len = 3, hi = 0x9F;          /* no surrogates */
        else if (c >= 0xE1 && c <= 0xEF)
            len = 3;
        else if (c == 0xF0)
            len = 4, lo = 0x90;
        else if (c >= 0xF1 && c <= 0xF3)
            len = 4;
        else if (c == 0xF4)
            len = 4, hi = 0x8F;          /* nothing above U+10FFFF */
        else
            goto invalid1;
        for (size_t k = 1; k < len; k++) {
            if (i + k >= n) {
                r.status = CS_UTF8_INCOMPLETE;
                r.valid = i;
                return r;
            }
            unsigned b = p[i + k];
            if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) {
                r.status = CS_UTF8_INVALID;
                r.valid = i;
                r.bad_len = k;
                return r;
            }
        }
        i += len;
    }
    r.valid = n;
    return r;
invalid1:
    r.status = CS_UTF8_INVALID;
    r.valid = i;
    r.bad_len = 1;
    return r;
}

uint64_t cs_utf8_count_chars(const unsigned char *p, size_t n)
{
    uint64_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += (p[i] & 0xC0) != 0x80;
    return count;
}
