/* COPY ... FROM STDIN in text format: a buffered encoder that escapes text
 * (backslash, tab, newline, carriage return) and replaces any byte sequence
 * that is not UTF-8 with U+FFFD, so a value can never make COPY stop.
 * Optionally every stream is also written to a file (CSCDW_LOAD_DUMP), for
 * the benchmark that times plain COPY of the same bytes. Internal to the
 * warehouse module. */
#ifndef CS_WAREHOUSE_COPY_H
#define CS_WAREHOUSE_COPY_H

#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>

#include "util/date.h"
#include "util/diag.h"

typedef struct {
    PGconn *conn;
    char *buf;
    size_t len, cap;
    uint64_t bytes;       /* sent so far, all streams */
    int failed;           /* PQputCopyData refused */
    FILE *dump;           /* copy of the current stream, or NULL */
    const char *dump_dir; /* where streams are dumped, or NULL */
    cs_date date_min, date_max;
    cs_date iso_from;     /* iso[i] is the text of day iso_from + i */
    char (*iso)[10];
    size_t niso;
    size_t spool_limit;   /* > 0: encoding ahead, into buf, before the COPY starts */
} cs_copy;

void cs_copy_init(cs_copy *o, PGconn *c);
void cs_copy_free(cs_copy *o);

/* Start COPY <table> <columns> FROM STDIN [WITH (<options>)]; columns is
 * "(a, b, c)", options NULL or e.g. "FREEZE". When dumping, the stream goes
 * to <dir>/<table>.copy and "CREATE TABLE <table> (a type, ...)" (types as
 * the server has them) is appended to <dir>/tables.sql. */
cs_status cs_copy_begin(cs_copy *o, const char *table, const char *columns, const char *options,
                        cs_diag *d);
/* Encode ahead while the server is busy with something else: until the next
 * cs_copy_begin, values accumulate in memory (about `limit` bytes at most,
 * see cs_copy_spool_full); cs_copy_begin then sends them first. */
void cs_copy_spool(cs_copy *o, size_t limit);
static inline int cs_copy_spool_full(const cs_copy *o)
{
    return o->spool_limit && o->len >= o->spool_limit;
}

/* Send the rest and finish; the server's verdict on the rows. */
cs_status cs_copy_end(cs_copy *o, const char *what, cs_diag *d);

void cs_copy_put_slow(cs_copy *o, const char *s, size_t n);

static inline void cs_copy_put(cs_copy *o, const char *s, size_t n)
{
    if (o->len + n <= o->cap) {
        for (size_t i = 0; i < n; i++)   /* short pieces: cheaper than memcpy's call */
            o->buf[o->len + i] = s[i];
        o->len += n;
    } else {
        cs_copy_put_slow(o, s, n);
    }
}

void cs_copy_text(cs_copy *o, const char *s);   /* escaped; NULL -> \N */
void cs_copy_date(cs_copy *o, cs_date dt);      /* ISO; none or out of range -> \N */
void cs_copy_int(cs_copy *o, long long v);
void cs_copy_null(cs_copy *o);

static inline void cs_copy_sep(cs_copy *o)
{
    if (o->len < o->cap)
        o->buf[o->len++] = '\t';
    else
        cs_copy_put(o, "\t", 1);
}

static inline void cs_copy_eol(cs_copy *o)
{
    if (o->len < o->cap)
        o->buf[o->len++] = '\n';
    else
        cs_copy_put(o, "\n", 1);
}

#endif
