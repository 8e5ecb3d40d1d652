#include "warehouse/copy.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/utf8.h"
#include "util/arena.h"
#include "warehouse/conn.h"
#include "warehouse/copy_pipe.h"

void cs_copy_init(cs_copy *o, PGconn *c)
{
    memset(o, 0, sizeof *o);
    o->conn = c;
    o->cap = CS_COPY_BUF;
    o->buf = cs_xmalloc(o->cap);
    const char *dir = getenv("CSCDW_LOAD_DUMP");
    o->dump_dir = dir && *dir ? dir : NULL;
    o->date_min = cs_date_from_ymd(1, 1, 1);   /* what PostgreSQL and ISO text share */
    o->date_max = cs_date_from_ymd(9999, 12, 31);
    /* the dates case records hold, as text once: 1900 to 2100 */
    o->iso_from = cs_date_from_ymd(1900, 1, 1);
    o->niso = (size_t)(cs_date_from_ymd(2100, 12, 31) - o->iso_from + 1);
    o->iso = cs_xmalloc(o->niso * sizeof *o->iso);
    char tmp[11];
    for (size_t i = 0; i < o->niso; i++)
        memcpy(o->iso[i], cs_date_iso(o->iso_from + (cs_date)i, tmp), 10);
}

void cs_copy_free(cs_copy *o)
{
    if (o->dump)
        fclose(o->dump);
    free(o->buf);
    free(o->iso);
    o->buf = NULL;
    o->iso = NULL;
    o->dump = NULL;
}

static void send_bytes(cs_copy *o, const char *bytes, size_t n)
{
    if (n && !o->failed) {
        if (PQputCopyData(o->conn, bytes, (int)n) != 1)
            o->failed = 1;
        if (o->dump && fwrite(bytes, 1, n, o->dump) != n)
            o->failed = 2;
        o->bytes += n;
    }
}

static void flush(cs_copy *o)
{
    if (o->pipe) {   /* the buffer goes to the sending thread; an empty one comes back */
        if (o->len)
            o->buf = cs_copy_pipe_hand_on(o, o->buf, o->len);
        o->len = 0;
        return;
    }
    send_bytes(o, o->buf, o->len);
    o->len = 0;
}

void cs_copy_send(cs_copy *o, const char *bytes, size_t n)
{
    flush(o);
    send_bytes(o, bytes, n);
}

void cs_copy_put_slow(cs_copy *o, const char *s, size_t n)
{
    flush(o);
    while (n > o->cap) {   /* a value longer than the buffer: send it in pieces */
        memcpy(o->buf, s, o->cap);
        o->len = o->cap;
        flush(o);
        s += o->cap;
        n -= o->cap;
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

/* Bytes of the UTF-8 sequence a lead byte announces (1 for a stray byte). */
static size_t utf8_seq_len(unsigned char b)
{
    if (b >= 0xF0)
        return 4;
    if (b >= 0xE0)
        return 3;
    if (b >= 0xC0)
        return 2;
    return 1;
}

void cs_copy_text(cs_copy *o, const char *s)
{
    if (!s) {
        cs_copy_null(o);
        return;
    }
    const unsigned char *p = (const unsigned char *)s, *run = p;
    while (*p) {
        unsigned char b = *p;
        if (b >= 0x20 && b < 0x80 && b != '\\') {
            p++;
            continue;
        }
        const char *esc = NULL;
        size_t skip = 1;
        switch (b) {
        case '\\': esc = "\\\\"; break;
        case '\t': esc = "\\t"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        default:
            if (b < 0x80) {   /* other control characters pass as they are */
                p++;
                continue;
            }
            size_t want = utf8_seq_len(b), have = 1;
            while (have < want && p[have])
                have++;
            cs_utf8_scan sc = cs_utf8_validate(p, have, 0);
            if (sc.status == CS_UTF8_OK) {
                p += have;
                continue;
            }
            esc = "\xEF\xBF\xBD";   /* not UTF-8: U+FFFD, never a COPY error */
            skip = sc.status == CS_UTF8_INCOMPLETE ? have : (sc.bad_len ? sc.bad_len : 1);
            break;
        }
        cs_copy_put(o, (const char *)run, (size_t)(p - run));
        cs_copy_put(o, esc, strlen(esc));
        p += skip;
        run = p;
    }
    cs_copy_put(o, (const char *)run, (size_t)(p - run));
}

void cs_copy_null(cs_copy *o)
{
    cs_copy_put(o, "\\N", 2);
}

void cs_copy_date(cs_copy *o, cs_date dt)
{
    if (dt == CS_DATE_NONE || dt < o->date_min || dt > o->date_max) {
        cs_copy_null(o);
        return;
    }
    if (dt >= o->iso_from && (size_t)(dt - o->iso_from) < o->niso) {
        cs_copy_put(o, o->iso[dt - o->iso_from], 10);
        return;
    }
    char iso[11];
    cs_copy_put(o, cs_date_iso(dt, iso), 10);
}

void cs_copy_int(cs_copy *o, long long v)
{
    char tmp[24];
    char *e = tmp + sizeof tmp, *p = e;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    cs_copy_put(o, p, (size_t)(e - p));
}

static FILE *open_private(const char *path, const char *mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | (mode[0] == 'a' ? O_APPEND : O_TRUNC), 0600);
    if (fd < 0)
        return NULL;
    FILE *f = fdopen(fd, mode);
    if (!f)
        close(fd);
    return f;
}

/* "(a type, b type)" for the columns "(a, b)" of table, from the server. */
static cs_status typed_columns(PGconn *c, const char *table, const char *columns, char *out,
                               size_t n, cs_diag *d)
{
    size_t k = (size_t)snprintf(out, n, "(");
    const char *p = columns + (columns[0] == '(');
    while (*p && *p != ')') {
        while (*p == ' ' || *p == ',')
            p++;
        size_t len = strcspn(p, ",) ");
        if (!len)
            break;
        char name[128], sql[512];
        snprintf(name, sizeof name, "%.*s", (int)len, p);
        p += len;
        if (name[0] == '"') {   /* quoted names: strip the quotes */
            memmove(name, name + 1, strlen(name));
            name[strcspn(name, "\"")] = '\0';
        }
        snprintf(sql, sizeof sql,
                 "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                 "WHERE attrelid = '%s'::regclass AND attname = '%s'",
                 table, name);
        PGresult *r = PQexec(c, sql);
        if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
            PQclear(r);
            return cs_diag_set(d, CS_ERR_DB, NULL, 0, 0, "cannot describe %s.%s for the dump",
                               table, name);
        }
        k += (size_t)snprintf(out + k, k < n ? n - k : 0, "%s\"%s\" %s", k > 1 ? ", " : "",
                              name, PQgetvalue(r, 0, 0));
        PQclear(r);
    }
    if (k < n)
        snprintf(out + k, n - k, ")");
    return CS_OK;
}

static cs_status dump_begin(cs_copy *o, const char *table, const char *columns, cs_diag *d)
{
    char typed[8192], path[4200];
    cs_status st = typed_columns(o->conn, table, columns, typed, sizeof typed, d);
    if (st != CS_OK)
        return st;
    snprintf(path, sizeof path, "%s/tables.sql", o->dump_dir);
    FILE *f = open_private(path, "a");
    if (!f)
        return cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot write the staging dump: %s",
                           strerror(errno));
    fprintf(f, "CREATE TABLE %s %s;\n", table, typed);
    fclose(f);
    snprintf(path, sizeof path, "%s/%s.copy", o->dump_dir, table);
    o->dump = open_private(path, "w");
    if (!o->dump)
        return cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot write the staging dump: %s",
                           strerror(errno));
    return CS_OK;
}

cs_status cs_copy_begin(cs_copy *o, const char *table, const char *columns, const char *options,
                        cs_diag *d)
{
    if (o->dump_dir) {
        cs_status st = dump_begin(o, table, columns, d);
        if (st != CS_OK)
            return st;
    }
    char sql[2048];
    snprintf(sql, sizeof sql, "COPY %s %s FROM STDIN%s%s%s", table, columns,
             options ? " WITH (" : "", options ? options : "", options ? ")" : "");
    PGresult *r = PQexec(o->conn, sql);
    if (PQresultStatus(r) != PGRES_COPY_IN) {
        char doing[256];
        snprintf(doing, sizeof doing, "cannot start COPY into %s", table);
        cs_status st = cs_wh_result_error(r, doing, d);
        PQclear(r);
        return st;
    }
    PQclear(r);
    o->failed = 0;
    return CS_OK;
}

cs_status cs_copy_end(cs_copy *o, const char *what, cs_diag *d)
{
    flush(o);
    int dump_failed = o->failed == 2;
    if (o->dump) {
        if (fclose(o->dump) != 0)
            dump_failed = 1;
        o->dump = NULL;
    }
    char doing[256];
    snprintf(doing, sizeof doing, "COPY of %s failed", what);
    if (o->failed == 1 || PQputCopyEnd(o->conn, NULL) != 1)
        return cs_wh_conn_error(o->conn, doing, d);
    PGresult *r;
    cs_status st = CS_OK;
    while ((r = PQgetResult(o->conn))) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK && st == CS_OK)
            st = cs_wh_result_error(r, doing, d);
        PQclear(r);
    }
    if (st == CS_OK && dump_failed)
        st = cs_diag_set(d, CS_ERR_IO, o->dump_dir, 0, 0, "cannot write the staging dump of %s",
                         what);
    return st;
}
