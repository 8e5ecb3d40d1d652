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

static void put_field(FILE *f, const char *s)
{
    if (!s)
        return;
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    putc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            putc('"', f);
        putc(*s, f);
    }
    putc('"', f);
}

static void put_u64(FILE *f, uint64_t v)
{
    if (v)
        fprintf(f, "%llu", (unsigned long long)v);
}

/* Create or truncate path for writing, owner-only. */
static cs_status open_private(const char *path, FILE **out, char **buf, cs_diag *d)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot write: %s", strerror(errno));
    if (fchmod(fd, 0600) != 0) {
        int e = errno;
        close(fd);
        return cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot make private: %s", strerror(e));
    }
    FILE *f = fdopen(fd, "w");
    if (!f) {
        int e = errno;
        close(fd);
        return cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot write: %s", strerror(e));
    }
    *buf = cs_xmalloc(OUT_BUFFER);
    setvbuf(f, *buf, _IOFBF, OUT_BUFFER);
    *out = f;
    return CS_OK;
}

static cs_status close_checked(FILE *f, char *buf, const char *path, cs_diag *d)
{
    int bad = ferror(f);
    int e = errno;
    if (fclose(f) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    free(buf);
    if (bad)
        return cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot write: %s", strerror(e));
    return CS_OK;
}

static cs_status dump_entity(const cs_model *m, cs_entity_id e, const char *path, cs_diag *d)
{
    const cs_table *t = &m->tables[e];
    const cs_entity_desc *desc = t->desc;
    FILE *f;
    char *buf;
    cs_status st = open_private(path, &f, &buf, d);
    if (st != CS_OK)
        return st;
    for (size_t k = 0; k < desc->nfields; k++) {
        put_field(f, desc->fields[k].name);
        putc(',', f);
    }
    fputs("_file,_line\r\n", f);
    char cell[64];
    for (size_t i = 0; i < t->count; i++) {
        void *row = cs_model_row(m, e, i);
        for (size_t k = 0; k < desc->nfields; k++) {
            const cs_field_desc *fd = &desc->fields[k];
            if (fd->type == CS_FT_ID || fd->type == CS_FT_STR || fd->type == CS_FT_CODE) {
                put_field(f, *(const char *const *)cs_field_ptr(row, fd));
            } else {
                cs_field_format(row, fd, cell, sizeof cell);
                fputs(cell, f);
            }
            putc(',', f);
        }
        const cs_prov *p = cs_x_prov(desc, row);
        put_field(f, p->file < m->nfiles ? m->files[p->file] : "");
        putc(',', f);
        put_u64(f, p->line);
        fputs("\r\n", f);
    }
    return close_checked(f, buf, path, d);
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
    FILE *f;
    char *buf;
    cs_status st = open_private(path, &f, &buf, d);
    if (st != CS_OK)
        return st;
    fputs("code,severity,file,line,column,entity,field,source_id,original,repaired,message\r\n",
          f);
    for (size_t i = 0; i < fx->count; i++) {
        const cs_finding *x = &fx->items[i];
        const cs_finding_kind_info *k = cs_finding_kind_get(x->kind);
        fprintf(f, "%s,%s,", k ? k->code : "", k ? cs_severity_name(k->severity) : "");
        put_field(f, x->file);
        putc(',', f);
        put_u64(f, x->line);
        putc(',', f);
        put_u64(f, x->col);
        const char *cols[] = {x->entity, x->field, x->source_id, x->original, x->repaired};
        for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
            putc(',', f);
            put_field(f, cols[c]);
        }
        putc(',', f);
        if (x->detail && k) {
            char *msg = cs_xmalloc(strlen(k->title) + strlen(x->detail) + 3);
            sprintf(msg, "%s: %s", k->title, x->detail);
            put_field(f, msg);
            free(msg);
        } else {
            put_field(f, x->detail ? x->detail : k ? k->title : "");
        }
        fputs("\r\n", f);
    }
    return close_checked(f, buf, path, d);
}
