/* The canonical model as CSV, one file per entity, and the extract
 * findings as CSV. RFC 4180: fields holding a comma, quote, CR or LF are
 * quoted with quotes doubled; CRLF line ends, as Excel and the exception
 * lists use. The files hold children's data: the folder is created 0700
 * and every file 0600 (also when it already existed). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "etl/extract_int.h"
#include "util/csv_out.h"
#include "util/limits.h"

/* Output through util/csv_out (one large buffer and write(2)): a
 * million-child dump is 150 M cells. */
static void put_str(cs_csv_out *o, const char *s)
{
    cs_csv_out_bytes(o, s, strlen(s));
}

/* Decimal digits of v (no sign) ending at end; returns the first. */
static char *digits_before(char *end, uint64_t v)
{
    do
        *--end = (char)('0' + v % 10);
    while (v /= 10);
    return end;
}

static void put_u64(cs_csv_out *o, uint64_t v)
{
    if (!v)
        return;
    char num[24];
    char *p = digits_before(num + sizeof num, v);
    cs_csv_out_bytes(o, p, (size_t)(num + sizeof num - p));
}

static void put_int(cs_csv_out *o, int64_t v)
{
    char num[24];
    char *p = digits_before(num + sizeof num, v < 0 ? 0 - (uint64_t)v : (uint64_t)v);
    if (v < 0)
        *--p = '-';
    cs_csv_out_bytes(o, p, (size_t)(num + sizeof num - p));
}

/* A non-text field as cs_field_format writes it (absent: nothing). */
static void put_value(cs_csv_out *o, const void *row, const cs_field_desc *fd)
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
    default: cs_csv_out_field(o, *(const char *const *)p); break;
    }
}

/* Create or truncate path for writing, owner-only. */
static cs_status open_private(const char *path, cs_csv_out *o, cs_diag *d)
{
    int e = cs_csv_out_open(o, path);
    if (e)
        return cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot write: %s", strerror(e));
    return CS_OK;
}

static cs_status close_checked(cs_csv_out *o, const char *path, cs_diag *d)
{
    int e = cs_csv_out_close(o);
    if (e)
        return cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot write: %s", strerror(e));
    return CS_OK;
}

static cs_status dump_entity(const cs_model *m, cs_entity_id e, const char *path, cs_diag *d)
{
    const cs_table *t = &m->tables[e];
    const cs_entity_desc *desc = t->desc;
    cs_csv_out o;
    cs_status st = open_private(path, &o, d);
    if (st != CS_OK)
        return st;
    for (size_t k = 0; k < desc->nfields; k++) {
        cs_csv_out_field(&o, desc->fields[k].name);
        cs_csv_out_char(&o, ',');
    }
    put_str(&o, "_file,_line\r\n");
    for (size_t i = 0; i < t->count; i++) {
        void *row = cs_model_row(m, e, i);
        for (size_t k = 0; k < desc->nfields; k++) {
            put_value(&o, row, &desc->fields[k]);
            cs_csv_out_char(&o, ',');
        }
        const cs_prov *p = cs_x_prov(desc, row);
        cs_csv_out_field(&o, p->file < m->nfiles ? m->files[p->file] : "");
        cs_csv_out_char(&o, ',');
        put_u64(&o, p->line);
        cs_csv_out_bytes(&o, "\r\n", 2);
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
    cs_csv_out o;
    cs_status st = open_private(path, &o, d);
    if (st != CS_OK)
        return st;
    put_str(&o, "code,severity,file,line,column,entity,field,source_id,original,repaired,message\r\n");
    for (size_t i = 0; i < fx->count; i++) {
        const cs_finding *x = &fx->items[i];
        const cs_finding_kind_info *k = cs_finding_kind_get(x->kind);
        put_str(&o, k ? k->code : "");
        cs_csv_out_char(&o, ',');
        put_str(&o, k ? cs_severity_name(k->severity) : "");
        cs_csv_out_char(&o, ',');
        cs_csv_out_field(&o, x->file);
        cs_csv_out_char(&o, ',');
        put_u64(&o, x->line);
        cs_csv_out_char(&o, ',');
        put_u64(&o, x->col);
        const char *cols[] = {x->entity, x->field, x->source_id, x->original, x->repaired};
        for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
            cs_csv_out_char(&o, ',');
            cs_csv_out_field(&o, cols[c]);
        }
        cs_csv_out_char(&o, ',');
        if (x->detail && k) {
            char *msg = cs_xmalloc(strlen(k->title) + strlen(x->detail) + 3);
            sprintf(msg, "%s: %s", k->title, x->detail);
            cs_csv_out_field(&o, msg);
            free(msg);
        } else {
            cs_csv_out_field(&o, x->detail ? x->detail : k ? k->title : "");
        }
        cs_csv_out_bytes(&o, "\r\n", 2);
    }
    return close_checked(&o, path, d);
}
