/* The canonical model as CSV, one file per entity, and the extract
 * findings as CSV. RFC 4180: fields holding a comma, quote, CR or LF are
 * quoted with quotes doubled; CRLF line ends, as Excel and the exception
 * lists use. The files hold children's data: the folder is created 0700
 * and every file 0600 (also when it already existed). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "etl/extract_int.h"
#include "util/limits.h"

#define OUT_BUFFER (1u << 20)

/* Output through one large buffer and write(2): a million-child dump is
 * 150 M cells, and stdio's per-call overhead (fputs, putc, fprintf) was
 * most of its time. The first write error is kept and reported at close. */
typedef struct {
    int fd;
    char *buf;
    size_t len;
    int err;               /* errno of the first failed write, 0 = none */
} out;

static void out_flush(out *o)
{
    size_t done = 0;
    while (done < o->len && !o->err) {
        ssize_t w = write(o->fd, o->buf + done, o->len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            o->err = w < 0 ? errno : EIO;
        else
            done += (size_t)w;
    }
    o->len = 0;
}

static void put_bytes(out *o, const char *s, size_t n)
{
    while (n) {
        if (o->len == OUT_BUFFER)
            out_flush(o);
        size_t k = OUT_BUFFER - o->len < n ? OUT_BUFFER - o->len : n;
        memcpy(o->buf + o->len, s, k);
        o->len += k;
        s += k;
        n -= k;
    }
}

static void put_char(out *o, char c)
{
    if (o->len == OUT_BUFFER)
        out_flush(o);
    o->buf[o->len++] = c;
}

static void put_str(out *o, const char *s)
{
    put_bytes(o, s, strlen(s));
}

static void put_field(out *o, const char *s)
{
    if (!s)
        return;
    size_t plain = strcspn(s, ",\"\r\n");
    if (!s[plain]) {
        put_bytes(o, s, plain);
        return;
    }
    put_char(o, '"');
    for (; *s; s++) {
        if (*s == '"')
            put_char(o, '"');
        put_char(o, *s);
    }
    put_char(o, '"');
}

/* Decimal digits of v (no sign) ending at end; returns the first. */
static char *digits_before(char *end, uint64_t v)
{
    do
        *--end = (char)('0' + v % 10);
    while (v /= 10);
    return end;
}

static void put_u64(out *o, uint64_t v)
{
    if (!v)
        return;
    char num[24];
    char *p = digits_before(num + sizeof num, v);
    put_bytes(o, p, (size_t)(num + sizeof num - p));
}

static void put_int(out *o, int64_t v)
{
    char num[24];
    char *p = digits_before(num + sizeof num, v < 0 ? 0 - (uint64_t)v : (uint64_t)v);
    if (v < 0)
        *--p = '-';
    put_bytes(o, p, (size_t)(num + sizeof num - p));
}

/* A non-text field as cs_field_format writes it (absent: nothing). */
static void put_value(out *o, const void *row, const cs_field_desc *fd)
{
    if (cs_field_is_absent(row, fd))
        return;
    const void *p = (const unsigned char *)row + fd->offset;
    switch (fd->type) {
    case CS_FT_DATE: {
        char iso[11];
        put_str(o, cs_date_iso(*(const cs_date *)p, iso));
        break;
    }
    case CS_FT_INT: put_int(o, *(const int32_t *)p); break;
    case CS_FT_BOOL: put_int(o, *(const int8_t *)p); break;
    default: put_field(o, *(const char *const *)p); break;
    }
}

/* Create or truncate path for writing, owner-only. */
static cs_status open_private(const char *path, out *o, cs_diag *d)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot write: %s", strerror(errno));
    if (fchmod(fd, 0600) != 0) {
        int e = errno;
        close(fd);
        return cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot make private: %s", strerror(e));
    }
    o->fd = fd;
    o->buf = cs_xmalloc(OUT_BUFFER);
    o->len = 0;
    o->err = 0;
    return CS_OK;
}

static cs_status close_checked(out *o, const char *path, cs_diag *d)
{
    out_flush(o);
    if (close(o->fd) != 0 && !o->err)
        o->err = errno;
    free(o->buf);
    if (o->err)
        return cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot write: %s", strerror(o->err));
    return CS_OK;
}

static cs_status dump_entity(const cs_model *m, cs_entity_id e, const char *path, cs_diag *d)
{
    const cs_table *t = &m->tables[e];
    const cs_entity_desc *desc = t->desc;
    out o;
    cs_status st = open_private(path, &o, d);
    if (st != CS_OK)
        return st;
    for (size_t k = 0; k < desc->nfields; k++) {
        put_field(&o, desc->fields[k].name);
        put_char(&o, ',');
    }
    put_str(&o, "_file,_line\r\n");
    for (size_t i = 0; i < t->count; i++) {
        void *row = cs_model_row(m, e, i);
        for (size_t k = 0; k < desc->nfields; k++) {
            put_value(&o, row, &desc->fields[k]);
            put_char(&o, ',');
        }
        const cs_prov *p = cs_x_prov(desc, row);
        put_field(&o, p->file < m->nfiles ? m->files[p->file] : "");
        put_char(&o, ',');
        put_u64(&o, p->line);
        put_bytes(&o, "\r\n", 2);
    }
    return close_checked(&o, path, d);
}

cs_status cs_model_dump(const cs_model *m, const char *dir, cs_diag *d)
{
    if (mkdir(dir, 0700) != 0) {
        struct stat sb;
        if (errno != EEXIST || stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
            return cs_diag_set(d, CS_ERR_IO, dir, 0, 0, "cannot create the dump folder: %s",
                               errno == EEXIST ? "exists and is not a folder" : strerror(errno));
    }
    for (size_t e = 0; e < CS_ENTITY_COUNT; e++) {
        if (m->tables[e].count == 0)
            continue;
        char path[CS_MAX_PATH];
        int w = snprintf(path, sizeof path, "%s/%s.csv", dir, cs_entities[e].name);
        if (w < 0 || (size_t)w >= sizeof path)
            return cs_diag_set(d, CS_ERR_LIMIT, dir, 0, 0, "path too long");
        cs_status st = dump_entity(m, (cs_entity_id)e, path, d);
        if (st != CS_OK)
            return st;
    }
    return CS_OK;
}

cs_status cs_findings_write_csv(const cs_findings *fx, const char *path, cs_diag *d)
{
    out o;
    cs_status st = open_private(path, &o, d);
    if (st != CS_OK)
        return st;
    put_str(&o, "code,severity,file,line,column,entity,field,source_id,original,repaired,message\r\n");
    for (size_t i = 0; i < fx->count; i++) {
        const cs_finding *x = &fx->items[i];
        const cs_finding_kind_info *k = cs_finding_kind_get(x->kind);
        put_str(&o, k ? k->code : "");
        put_char(&o, ',');
        put_str(&o, k ? cs_severity_name(k->severity) : "");
        put_char(&o, ',');
        put_field(&o, x->file);
        put_char(&o, ',');
        put_u64(&o, x->line);
        put_char(&o, ',');
        put_u64(&o, x->col);
        const char *cols[] = {x->entity, x->field, x->source_id, x->original, x->repaired};
        for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
            put_char(&o, ',');
            put_field(&o, cols[c]);
        }
        put_char(&o, ',');
        if (x->detail && k) {
            char *msg = cs_xmalloc(strlen(k->title) + strlen(x->detail) + 3);
            sprintf(msg, "%s: %s", k->title, x->detail);
            put_field(&o, msg);
            free(msg);
        } else {
            put_field(&o, x->detail ? x->detail : k ? k->title : "");
        }
        put_bytes(&o, "\r\n", 2);
    }
    return close_checked(&o, path, d);
}
