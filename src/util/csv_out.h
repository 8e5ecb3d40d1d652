/* A CSV file written through one large buffer and write(2).
 *
 * Millions of cells go out per run (a national return's exception list);
 * stdio's per-call cost (fputs/fputc/fprintf per cell) was most of the
 * write. Fields follow RFC 4180: a field holding a comma, quote, CR or LF is
 * quoted, with quotes doubled. Line ends are the caller's (CRLF for Excel).
 * The first failed write is kept and reported by cs_csv_out_close; the
 * writes after it are dropped. */
#ifndef CS_UTIL_CSV_OUT_H
#define CS_UTIL_CSV_OUT_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    int fd;
    char *buf;
    size_t len, cap;
    int err;          /* errno of the first failed write; 0 = none */
} cs_csv_out;

/* Creates or truncates path, owner-only (a regular file is made 0600 also
 * when it existed; a symlink is refused). 0, or the errno. */
int cs_csv_out_open(cs_csv_out *o, const char *path);
/* Flushes and closes. 0, or the errno of the first failure. */
int cs_csv_out_close(cs_csv_out *o);

/* Bytes as they are (separators, line ends, text known not to need quotes). */
void cs_csv_out_bytes(cs_csv_out *o, const char *s, size_t n);
/* One field, quoted when it needs to be; NULL writes nothing. */
void cs_csv_out_field(cs_csv_out *o, const char *s);
/* The length of s when it needs no quotes, else SIZE_MAX. */
size_t cs_csv_plain_len(const char *s);
/* A number in decimal. */
void cs_csv_out_uint(cs_csv_out *o, uint64_t v);

static inline void cs_csv_out_char(cs_csv_out *o, char c)
{
    if (o->len == o->cap)
        cs_csv_out_bytes(o, &c, 1);
    else
        o->buf[o->len++] = c;
}

#endif
