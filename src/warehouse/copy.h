/* COPY ... FROM STDIN in text format: a buffered encoder that escapes text
 * (backslash, tab, newline, carriage return) and replaces any byte sequence
 * that is not UTF-8 with U+FFFD, so a value can never make COPY stop.
 * Optionally every stream is also written to a file (CSCDW_LOAD_DUMP), for
 * the benchmark that times plain COPY of the same bytes. An encoder may also
 * feed a cs_copy_pipe (copy_pipe.h) instead of a connection: its full
 * buffers go to another thread, which sends them. Internal to the warehouse
 * module. */
#ifndef CS_WAREHOUSE_COPY_H
#define CS_WAREHOUSE_COPY_H

#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>

#include "util/date.h"
#include "util/diag.h"

typedef struct cs_copy_pipe cs_copy_pipe;

typedef struct {
    PGconn *conn;         /* NULL when encoding into a pipe */
    cs_copy_pipe *pipe;   /* full buffers go here instead (copy_pipe.c) */
    char *buf;
    size_t len, cap;
    uint64_t bytes;       /* sent so far, all streams */
    int failed;           /* PQputCopyData refused, or the pipe was abandoned: stop encoding */
    FILE *dump;           /* copy of the current stream, or NULL */
    const char *dump_dir; /* where streams are dumped, or NULL */
    cs_date date_min, date_max;
    cs_date iso_from;     /* iso[i] is the text of day iso_from + i */
    char (*iso)[10];
    size_t niso;
} cs_copy;

void cs_copy_init(cs_copy *o, PGconn *c);
void cs_copy_free(cs_copy *o);

/* Start COPY <table> <columns> FROM STDIN [WITH (<options>)]; columns is
 * "(a, b, c)", options NULL or e.g. "FREEZE". When dumping, the stream goes
 * to <dir>/<table>.copy and "CREATE TABLE <table> (a type, ...)" (types as
 * the server has them) is appended to <dir>/tables.sql. */
cs_status cs_copy_begin(cs_copy *o, const char *table, const char *columns, const char *options,
                        cs_diag *d);
/* Send n bytes of already encoded rows in the current COPY (after what o
 * holds). */
void cs_copy_send(cs_copy *o, const char *bytes, size_t n);

/* The buffer size every cs_copy fills before it sends (or hands on). */
#define CS_COPY_BUF (1u << 18)

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
