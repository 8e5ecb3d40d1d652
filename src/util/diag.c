#include "util/diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void cs_diag_clear(cs_diag *d)
{
    if (!d)
        return;
    memset(d, 0, sizeof *d);
    d->byte_offset = UINT64_MAX;
}

cs_status cs_diag_set(cs_diag *d, cs_status st, const char *file, uint64_t line,
                      uint64_t col, const char *fmt, ...)
{
    if (!d)
        return st;
    d->status = st;
    snprintf(d->file, sizeof d->file, "%s", file ? file : "");
    d->line = line;
    d->col = col;
    d->byte_offset = UINT64_MAX;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->msg, sizeof d->msg, fmt, ap);
    va_end(ap);
    return st;
}

const char *cs_diag_format(const cs_diag *d, char *buf, size_t n)
{
    if (!d->file[0])
        snprintf(buf, n, "%s", d->msg);
    else if (d->line && d->col)
        snprintf(buf, n, "%s:%llu:%llu: %s", d->file, (unsigned long long)d->line,
                 (unsigned long long)d->col, d->msg);
    else if (d->line)
        snprintf(buf, n, "%s:%llu: %s", d->file, (unsigned long long)d->line, d->msg);
    else
        snprintf(buf, n, "%s: %s", d->file, d->msg);
    return buf;
}

const char *cs_status_name(cs_status st)
{
    switch (st) {
    case CS_OK: return "ok";
    case CS_EOF: return "end of input";
    case CS_ERR_IO: return "i/o error";
    case CS_ERR_FORMAT: return "format error";
    case CS_ERR_ENCODING: return "encoding error";
    case CS_ERR_LIMIT: return "limit exceeded";
    case CS_ERR_CONFIG: return "configuration error";
    case CS_ERR_USAGE: return "usage error";
    case CS_ERR_NOMEM: return "out of memory";
    case CS_ERR_DB: return "database error";
    case CS_ERR_INTERNAL: return "internal error";
    }
    return "unknown status";
}
