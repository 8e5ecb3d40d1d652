#include "report/exceptions.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/csv_out.h"
#include "util/intern.h"

void cs_exceptions_init(cs_exception_list *l, const char *run_id)
{
    memset(l, 0, sizeof *l);
    cs_arena_init(&l->arena, 1u << 16);
    snprintf(l->run_id, sizeof l->run_id, "%s", run_id ? run_id : "");
}

void cs_exceptions_free(cs_exception_list *l)
{
    cs_arena_free(&l->arena);
    free(l->items);
    memset(l, 0, sizeof *l);
}

/* s copied into the arena, or the previous row's copy when the text is the
 * same: rule, message, file and team repeat row after row, and one copy
 * saves memory and lets the CSV writer check it once. */
static const char *keep(cs_arena *a, const char *s, const char *prev)
{
    if (!s || !*s)
        return "";
    if (prev && strcmp(prev, s) == 0)
        return prev;
    return cs_arena_strdup(a, s);
}

cs_exception *cs_exceptions_add(cs_exception_list *l, const cs_exception *e)
{
    if (l->count == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 1024;
        l->items = cs_xrealloc(l->items, l->cap * sizeof *l->items);
    }
    const cs_exception *p = l->count ? &l->items[l->count - 1] : &(const cs_exception){0};
    cs_exception *x = &l->items[l->count++];
    *x = *e;
    x->return_name = keep(&l->arena, e->return_name, p->return_name);
    x->year = keep(&l->arena, e->year, p->year);
    x->rule = keep(&l->arena, e->rule, p->rule);
    x->message = keep(&l->arena, e->message, p->message);
    x->child_id = keep(&l->arena, e->child_id, p->child_id);
    x->record = keep(&l->arena, e->record, p->record);
    x->fields = keep(&l->arena, e->fields, p->fields);
    x->values = keep(&l->arena, e->values, p->values);
    x->source_system = keep(&l->arena, e->source_system, p->source_system);
    x->source_id = keep(&l->arena, e->source_id, p->source_id);
    x->source_file = keep(&l->arena, e->source_file, p->source_file);
    x->team = keep(&l->arena, e->team, p->team);
    x->worker = keep(&l->arena, e->worker, p->worker);
    x->team_id = keep(&l->arena, e->team_id, p->team_id);
    x->worker_id = keep(&l->arena, e->worker_id, p->worker_id);
    return x;
}

void cs_exceptions_count(const cs_exception_list *l, uint64_t out[4])
{
    memset(out, 0, 4 * sizeof *out);
    for (size_t i = 0; i < l->count; i++)
        if ((unsigned)l->items[i].severity < 4)
            out[l->items[i].severity]++;
}

void cs_run_id_new(char *buf, size_t n, const char *la_code)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    char seed[64];
    snprintf(seed, sizeof seed, "%ld.%ld.%d", (long)ts.tv_sec, ts.tv_nsec, (int)getpid());
    uint32_t h = cs_hash_bytes(seed, strlen(seed));
    snprintf(buf, n, "%04d%02d%02dT%02d%02d%02dZ-%s-%04x", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, la_code && *la_code ? la_code : "la",
             h & 0xffffu);
}

/* One column's last text and whether it needs quotes: rows share the
 * strings that repeat (see keep), so most cells are checked once. */
typedef struct {
    const char *s;
    size_t plain;   /* its length, or SIZE_MAX when it needs quotes */
} column_memo;

static void put_cell(cs_csv_out *o, column_memo *m, const char *s)
{
    if (!s)
        s = "";
    if (s != m->s) {
        m->s = s;
        m->plain = cs_csv_plain_len(s);
    }
    if (m->plain != SIZE_MAX)
        cs_csv_out_bytes(o, s, m->plain);
    else
        cs_csv_out_field(o, s);
}

cs_status cs_exceptions_write_csv(const cs_exception_list *l, const char *path, cs_diag *d)
{
    static const char header[] = "run_id,return,year,rule,severity,child_id,record,fields,values,"
                                 "message,source_system,source_id,source_file,source_line,team,"
                                 "worker\r\n";
    cs_csv_out o;
    int err = cs_csv_out_open(&o, path);
    if (err)
        return cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot write the exception list: %s",
                           strerror(err));
    cs_csv_out_bytes(&o, header, sizeof header - 1);
    enum { BEFORE_LINE = 13, AFTER_LINE = 2 };
    column_memo memo[BEFORE_LINE + AFTER_LINE] = {{0}};
    for (size_t i = 0; i < l->count; i++) {
        const cs_exception *e = &l->items[i];
        const char *before_line[BEFORE_LINE] = {
            l->run_id,   e->return_name, e->year,   e->rule,   cs_severity_name(e->severity),
            e->child_id, e->record,      e->fields, e->values, e->message,
            e->source_system, e->source_id, e->source_file};
        for (int c = 0; c < BEFORE_LINE; c++) {
            put_cell(&o, &memo[c], before_line[c]);
            cs_csv_out_char(&o, ',');
        }
        if (e->source_line)   /* 0 = unknown: left empty */
            cs_csv_out_uint(&o, e->source_line);
        cs_csv_out_char(&o, ',');
        put_cell(&o, &memo[BEFORE_LINE], e->team);
        cs_csv_out_char(&o, ',');
        put_cell(&o, &memo[BEFORE_LINE + 1], e->worker);
        cs_csv_out_bytes(&o, "\r\n", 2);
    }
    if (cs_csv_out_close(&o) != 0)
        return cs_diag_set(d, CS_ERR_IO, path, 0, 0, "error writing the exception list");
    return CS_OK;
}

void cs_exceptions_from_findings(cs_exception_list *l, const cs_findings *f,
                                 const char *source_system, const char *year)
{
    for (size_t i = 0; i < f->count; i++) {
        const cs_finding *x = &f->items[i];
        const cs_finding_kind_info *k = cs_finding_kind_get(x->kind);
        char values[512];
        snprintf(values, sizeof values, "%s%s%s", x->original ? x->original : "",
                 x->repaired ? " -> " : "", x->repaired ? x->repaired : "");
        char msg[512];
        snprintf(msg, sizeof msg, "%s%s%s", k ? k->title : "", x->detail ? ": " : "",
                 x->detail ? x->detail : "");
        cs_exception e = {.return_name = "extract",
                          .year = year,
                          .rule = k ? k->code : "X000",
                          .severity = k ? k->severity : CS_SEV_WARNING,
                          .message = msg,
                          .record = x->entity,
                          .fields = x->field,
                          .values = values,
                          .source_system = source_system,
                          .source_id = x->source_id,
                          .source_file = x->file,
                          .source_line = (uint32_t)x->line};
        cs_exceptions_add(l, &e);
    }
}
