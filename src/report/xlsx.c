#include "report/xlsx.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "report/rule_exceptions.h"
#include "util/date.h"

/* ---- sheet names --------------------------------------------------------------- */

static int name_taken(const char *name, const char *const *taken, size_t ntaken)
{
    if (strcasecmp(name, "History") == 0)
        return 1;   /* Excel reserves it */
    for (size_t i = 0; i < ntaken; i++)
        if (taken[i] && strcasecmp(taken[i], name) == 0)
            return 1;
    return 0;
}

/* Bytes of the first `chars` UTF-8 characters of s. */
static size_t utf8_prefix(const char *s, size_t chars)
{
    size_t i = 0;
    while (s[i] && chars > 0) {
        i++;
        while ((s[i] & 0xC0) == 0x80)
            i++;
        chars--;
    }
    return i;
}

void cs_xlsx_sheet_name(const char *want, const char *const *taken, size_t ntaken, char *out)
{
    char base[CS_XLSX_NAME_BYTES];
    size_t k = 0;
    for (const unsigned char *p = (const unsigned char *)(want ? want : ""); *p; p++) {
        unsigned char ch = *p;
        if (ch < 0x20 || ch == 0x7f)
            continue;
        if (strchr("[]:*?/\\", ch))
            ch = '_';
        if (k + 1 >= sizeof base)
            break;
        base[k++] = (char)ch;
    }
    base[k] = '\0';
    /* keep whole UTF-8 characters, at most 31 of them */
    size_t cut = utf8_prefix(base, 31);
    base[cut] = '\0';
    /* a cut inside a multi-byte character cannot happen (utf8_prefix stops on a
     * lead byte), but a truncated byte run from the copy loop could: drop it */
    while (cut > 0 && (unsigned char)base[cut - 1] >= 0xC0) {
        base[--cut] = '\0';
    }
    char *start = base;
    while (*start == '\'' || *start == ' ')
        start++;
    size_t len = strlen(start);
    while (len > 0 && (start[len - 1] == '\'' || start[len - 1] == ' '))
        start[--len] = '\0';
    if (!len)
        start = "Sheet";
    snprintf(out, CS_XLSX_NAME_BYTES, "%s", start);
    for (unsigned n = 2; name_taken(out, taken, ntaken) && n < 100000; n++) {
        char suffix[16];
        int sl = snprintf(suffix, sizeof suffix, " (%u)", n);
        size_t keep = utf8_prefix(start, 31 - (size_t)sl);
        /* no trailing space or apostrophe before the suffix matters to Excel */
        snprintf(out, CS_XLSX_NAME_BYTES, "%.*s%s", (int)keep, start, suffix);
    }
}

/* ---- cell text ----------------------------------------------------------------- */

#define CELL_MAX 32767   /* Excel's limit on a cell's text */

/* Valid UTF-8 without control characters (other than tab and newline), at
 * most CELL_MAX bytes: what Excel opens without a repair prompt. */
static const char *cell_text(const char *s, char *buf, size_t n)
{
    if (!s)
        return "";
    size_t w = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p && w + 5 < n) {
        unsigned char c = *p;
        size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3
                                 : (c & 0xF8) == 0xF0 ? 4 : 0;
        int ok = len > 0 && !(len == 2 && c < 0xC2);
        for (size_t i = 1; ok && i < len; i++)
            if ((p[i] & 0xC0) != 0x80)
                ok = 0;
        if (!ok) {
            buf[w++] = '?';
            p++;
            continue;
        }
        if (len == 1 && (c < 0x20 || c == 0x7f) && c != '\t' && c != '\n') {
            buf[w++] = ' ';
            p++;
            continue;
        }
        memcpy(buf + w, p, len);
        w += len;
        p += len;
    }
    buf[w] = '\0';
    return buf;
}

/* Excel's serial day for an ISO date, or -1 when the text is not one (or
 * falls before 1 March 1900, where Excel's calendar is off by a day). */
static double excel_date(const char *s, size_t n)
{
    if (n != 10)
        return -1;
    cs_date d = cs_date_parse_iso(s, n);
    if (d == CS_DATE_NONE)
        return -1;
    double serial = (double)d + 25569.0;   /* 1970-01-01 is day 25569 */
    return serial >= 61 ? serial : -1;
}

/* ---- writer state ---------------------------------------------------------------- */

typedef struct {
    const cs_exception_list *l;
    lxw_workbook *wb;
    lxw_format *bold, *date, *wrap;
    lxw_error err;
    char *text;               /* CELL_MAX + 8 scratch */
    const char **names;       /* sheet names used so far */
    size_t nnames, names_cap;
    char (*name_store)[CS_XLSX_NAME_BYTES];
} xw;

static void put_str(xw *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s,
                    lxw_format *f)
{
    if (!s || !*s)
        return;
    lxw_error e = worksheet_write_string(ws, r, c, cell_text(s, w->text, CELL_MAX + 8), f);
    if (e && !w->err)
        w->err = e;
}

static void put_num(xw *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, double v, lxw_format *f)
{
    lxw_error e = worksheet_write_number(ws, r, c, v, f);
    if (e && !w->err)
        w->err = e;
}

/* A value cell: a real date when the text is an ISO date, else text. */
static void put_value(xw *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s,
                      size_t n)
{
    double serial = excel_date(s, n);
    if (serial >= 0) {
        put_num(w, ws, r, c, serial, w->date);
        return;
    }
    if (!n)
        return;
    char tmp[4096];
    if (n >= sizeof tmp)
        n = sizeof tmp - 1;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    put_str(w, ws, r, c, tmp, NULL);
}

static lxw_worksheet *add_sheet(xw *w, const char *want, char *name_out)
{
    char name[CS_XLSX_NAME_BYTES];
    cs_xlsx_sheet_name(want, w->names, w->nnames, name);
    if (w->nnames == w->names_cap) {
        size_t cap = w->names_cap ? w->names_cap * 2 : 16;
        char(*store)[CS_XLSX_NAME_BYTES] = cs_xcalloc(cap, sizeof *store);
        if (w->nnames)
            memcpy(store, w->name_store, w->nnames * sizeof *store);
        free(w->name_store);
        w->name_store = store;
        w->names = cs_xrealloc(w->names, cap * sizeof *w->names);
        w->names_cap = cap;
        for (size_t i = 0; i < w->nnames; i++)
            w->names[i] = w->name_store[i];
    }
    memcpy(w->name_store[w->nnames], name, sizeof name);
    w->names[w->nnames] = w->name_store[w->nnames];
    w->nnames++;
    if (name_out)
        memcpy(name_out, name, sizeof name);
    lxw_worksheet *ws = workbook_add_worksheet(w->wb, name);
    if (!ws && !w->err)
        w->err = LXW_ERROR_SHEETNAME_ALREADY_USED;
    return ws;
}

/* ---- grouping ---------------------------------------------------------------------- */

static int cmp_s(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

/* team, worker, child, rule, then list order */
static int by_team(const void *a, const void *b, void *arg)
{
    const cs_exception_list *l = arg;
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    const cs_exception *x = &l->items[i], *y = &l->items[j];
    int c;
    if ((c = cmp_s(x->team, y->team)) || (c = cmp_s(x->worker, y->worker)) ||
        (c = cmp_s(x->child_id, y->child_id)) || (c = cmp_s(x->rule, y->rule)))
        return c;
    return i < j ? -1 : i > j;
}

static int by_rule(const void *a, const void *b, void *arg)
{
    const cs_exception_list *l = arg;
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    const cs_exception *x = &l->items[i], *y = &l->items[j];
    int c;
    if ((c = cmp_s(x->return_name, y->return_name)) || (c = cmp_s(x->rule, y->rule)))
        return c;
    if (x->severity != y->severity)
        return x->severity < y->severity ? -1 : 1;
    if ((c = cmp_s(x->child_id, y->child_id)))
        return c;
    return i < j ? -1 : i > j;
}

typedef struct {
    size_t first, n;          /* range in the sorted index */
    uint64_t sev[4];
    uint64_t children;
    char sheet[CS_XLSX_NAME_BYTES];
} span;

static int same_rule(const cs_exception *x, const cs_exception *y)
{
    return cmp_s(x->return_name, y->return_name) == 0 && cmp_s(x->rule, y->rule) == 0 &&
           x->severity == y->severity;
}

static int same_team(const cs_exception *x, const cs_exception *y)
{
    return cmp_s(x->team, y->team) == 0;
}

/* Split the sorted index into spans of equal key, counting distinct children
 * (the index is sorted by child inside each span). */
static span *make_spans(const cs_exception_list *l, const size_t *ix, size_t n,
                        int (*same)(const cs_exception *, const cs_exception *), size_t *nspans)
{
    span *v = NULL;
    size_t count = 0, cap = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        if (count == cap) {
            cap = cap ? cap * 2 : 32;
            v = cs_xrealloc(v, cap * sizeof *v);
        }
        span *s = &v[count++];
        memset(s, 0, sizeof *s);
        s->first = i;
        const char *prev_child = NULL;
        while (j < n && same(&l->items[ix[i]], &l->items[ix[j]])) {
            const cs_exception *e = &l->items[ix[j]];
            if ((unsigned)e->severity < 4)
                s->sev[e->severity]++;
            if (e->child_id && *e->child_id && (!prev_child || strcmp(prev_child, e->child_id)))
                s->children++;
            if (e->child_id && *e->child_id)
                prev_child = e->child_id;
            j++;
        }
        s->n = j - i;
        i = j;
    }
    *nspans = count;
    return v;
}

typedef struct {
    const span *s;
    const cs_exception *e;
} rule_line;

static int rule_line_order(const void *a, const void *b)
{
    const rule_line *x = a, *y = b;
    if (x->e->severity != y->e->severity)
        return x->e->severity < y->e->severity ? -1 : 1;
    if (x->s->n != y->s->n)
        return x->s->n > y->s->n ? -1 : 1;
    int c = cmp_s(x->e->return_name, y->e->return_name);
    return c ? c : cmp_s(x->e->rule, y->e->rule);
}

/* ---- the summary sheet ----------------------------------------------------------- */

static void write_headers(xw *w, lxw_worksheet *ws, lxw_row_t r, const char *const *h, size_t n)
{
    for (size_t c = 0; c < n; c++)
        put_str(w, ws, r, (lxw_col_t)c, h[c], w->bold);
}

static void write_summary(xw *w, lxw_worksheet *ws, const size_t *rix, const span *rules,
                          size_t nrules, const span *teams, size_t nteams, const size_t *tix)
{
    const cs_exception_list *l = w->l;
    worksheet_set_column(ws, 0, 0, 26, NULL);
    worksheet_set_column(ws, 1, 5, 11, NULL);
    worksheet_set_column(ws, 6, 6, 70, NULL);   /* rules' messages; teams' children */
    worksheet_set_column(ws, 7, 7, 32, NULL);
    lxw_row_t r = 0;
    put_str(w, ws, r++, 0, "Exception list", w->bold);
    put_str(w, ws, r, 0, "Run", NULL);
    put_str(w, ws, r++, 1, l->run_id, NULL);
    /* the returns and years present, in first-seen order */
    char returns[512] = "";
    size_t rl = 0;
    for (size_t i = 0; i < nrules; i++) {
        const cs_exception *e = &l->items[rix[rules[i].first]];
        char one[96];
        snprintf(one, sizeof one, "%s %s", e->return_name, e->year);
        if (strstr(returns, one))
            continue;
        int k = snprintf(returns + rl, sizeof returns - rl, "%s%s", rl ? ", " : "", one);
        if (k > 0 && (size_t)k < sizeof returns - rl)
            rl += (size_t)k;
    }
    put_str(w, ws, r, 0, "Returns", NULL);
    put_str(w, ws, r++, 1, rl ? returns : "none", NULL);
    uint64_t sev[4];
    cs_exceptions_count(l, sev);
    static const char *const sev_label[4] = {"Errors", "Queries", "Warnings",
                                             "Info (incl. rules not run)"};
    for (int s = 0; s < 4; s++) {
        put_str(w, ws, r, 0, sev_label[s], NULL);
        put_num(w, ws, r++, 1, (double)sev[s], NULL);
    }
    put_str(w, ws, r, 0, "Total findings", w->bold);
    put_num(w, ws, r++, 1, (double)l->count, w->bold);
    r++;

    put_str(w, ws, r++, 0, "Findings by rule", w->bold);
    static const char *const rh[] = {"Rule",     "Return",   "Year",   "Severity",
                                     "Findings", "Children", "Message"};
    write_headers(w, ws, r++, rh, sizeof rh / sizeof rh[0]);
    rule_line *lines = cs_xcalloc(nrules ? nrules : 1, sizeof *lines);
    for (size_t i = 0; i < nrules; i++)
        lines[i] = (rule_line){&rules[i], &l->items[rix[rules[i].first]]};
    qsort(lines, nrules, sizeof *lines, rule_line_order);
    for (size_t i = 0; i < nrules; i++, r++) {
        const cs_exception *e = lines[i].e;
        put_str(w, ws, r, 0, e->rule, NULL);
        put_str(w, ws, r, 1, e->return_name, NULL);
        put_str(w, ws, r, 2, e->year, NULL);
        put_str(w, ws, r, 3, cs_severity_name(e->severity), NULL);
        put_num(w, ws, r, 4, (double)lines[i].s->n, NULL);
        put_num(w, ws, r, 5, (double)lines[i].s->children, NULL);
        put_str(w, ws, r, 6, cs_exception_rule_title(e), NULL);
    }
    free(lines);
    r++;

    put_str(w, ws, r++, 0, "Findings by team", w->bold);
    static const char *const th[] = {"Team",  "Errors",   "Queries", "Warnings",
                                     "Info",  "Total",    "Children", "Sheet"};
    write_headers(w, ws, r++, th, sizeof th / sizeof th[0]);
    for (size_t i = 0; i < nteams; i++, r++) {
        const cs_exception *e = &l->items[tix[teams[i].first]];
        put_str(w, ws, r, 0, e->team && *e->team ? e->team : CS_XLSX_NO_TEAM, NULL);
        for (int s = 0; s < 4; s++)
            put_num(w, ws, r, (lxw_col_t)(1 + s), (double)teams[i].sev[s], NULL);
        put_num(w, ws, r, 5, (double)teams[i].n, NULL);
        put_num(w, ws, r, 6, (double)teams[i].children, NULL);
        put_str(w, ws, r, 7, teams[i].sheet, NULL);
    }
}

/* ---- team sheets ---------------------------------------------------------------- */

static size_t count_items(const char *s)
{
    if (!s || !*s)
        return 0;
    size_t n = 1;
    for (; *s; s++)
        n += *s == ';';
    return n;
}

/* The k-th ';'-separated item of s (the last pair takes the rest). */
static const char *item_at(const char *s, size_t k, int rest, size_t *len)
{
    const char *p = s ? s : "";
    for (size_t i = 0; i < k && *p; i++) {
        const char *q = strchr(p, ';');
        if (!q) {
            *len = 0;
            return "";
        }
        p = q + 1;
    }
    const char *e = rest ? p + strlen(p) : strchrnul(p, ';');
    *len = (size_t)(e - p);
    return p;
}

static lxw_worksheet *start_team_sheet(xw *w, const char *want, size_t pairs, char *name_out)
{
    lxw_worksheet *ws = add_sheet(w, want, name_out);
    if (!ws)
        return NULL;
    static const char *const lead[] = {"Child ID", "Worker",   "Return", "Year",
                                       "Rule",     "Severity", "Message", "Record"};
    static const char *const tail[] = {"Source system", "Source ID", "Source file",
                                       "Source line"};
    lxw_col_t c = 0;
    for (size_t i = 0; i < 8; i++)
        put_str(w, ws, 0, c++, lead[i], w->bold);
    for (size_t i = 0; i < pairs; i++) {
        char h[32];
        snprintf(h, sizeof h, "Field %zu", i + 1);
        put_str(w, ws, 0, c++, h, w->bold);
        snprintf(h, sizeof h, "Value %zu", i + 1);
        put_str(w, ws, 0, c++, h, w->bold);
    }
    for (size_t i = 0; i < 4; i++)
        put_str(w, ws, 0, c++, tail[i], w->bold);
    worksheet_freeze_panes(ws, 1, 0);
    worksheet_set_column(ws, 0, 1, 16, NULL);
    worksheet_set_column(ws, 2, 5, 9, NULL);
    worksheet_set_column(ws, 6, 6, 60, NULL);
    worksheet_set_column(ws, 7, 7, 32, NULL);
    worksheet_set_column(ws, 8, (lxw_col_t)(8 + 2 * pairs - 1), 16, NULL);
    worksheet_set_column(ws, (lxw_col_t)(8 + 2 * pairs), (lxw_col_t)(8 + 2 * pairs + 3), 14,
                         NULL);
    return ws;
}

static void write_team_row(xw *w, lxw_worksheet *ws, lxw_row_t r, const cs_exception *e,
                           size_t pairs)
{
    put_str(w, ws, r, 0, e->child_id, NULL);
    put_str(w, ws, r, 1, e->worker, NULL);
    put_str(w, ws, r, 2, e->return_name, NULL);
    put_str(w, ws, r, 3, e->year, NULL);
    put_str(w, ws, r, 4, e->rule, NULL);
    put_str(w, ws, r, 5, cs_severity_name(e->severity), NULL);
    put_str(w, ws, r, 6, e->message, NULL);
    put_str(w, ws, r, 7, e->record, NULL);
    lxw_col_t c = 8;
    for (size_t k = 0; k < pairs; k++, c += 2) {
        int rest = k + 1 == pairs;
        size_t fl, vl;
        const char *f = item_at(e->fields, k, rest, &fl);
        const char *v = item_at(e->values, k, rest, &vl);
        if (fl) {
            char tmp[1024];
            snprintf(tmp, sizeof tmp, "%.*s", (int)(fl < sizeof tmp ? fl : sizeof tmp - 1), f);
            put_str(w, ws, r, c, tmp, NULL);
        }
        put_value(w, ws, r, (lxw_col_t)(c + 1), v, vl);
    }
    put_str(w, ws, r, c++, e->source_system, NULL);
    put_str(w, ws, r, c++, e->source_id, NULL);
    put_str(w, ws, r, c++, e->source_file, NULL);
    if (e->source_line)
        put_num(w, ws, r, c, (double)e->source_line, NULL);
}

static void write_team(xw *w, const size_t *tix, span *t)
{
    const cs_exception_list *l = w->l;
    const cs_exception *head = &l->items[tix[t->first]];
    const char *team = head->team && *head->team ? head->team : CS_XLSX_NO_TEAM;
    size_t pairs = 1;
    for (size_t i = 0; i < t->n; i++) {
        size_t k = count_items(l->items[tix[t->first + i]].fields);
        if (k > pairs)
            pairs = k;
    }
    if (pairs > CS_XLSX_MAX_PAIRS)
        pairs = CS_XLSX_MAX_PAIRS;
    const lxw_row_t per_sheet = LXW_ROW_MAX - 1;
    lxw_worksheet *ws = NULL;
    lxw_row_t r = 0;
    size_t done = 0;
    while (done < t->n && !w->err) {
        if (!ws || r > per_sheet) {
            if (ws)
                worksheet_autofilter(ws, 0, 0, r - 1, (lxw_col_t)(8 + 2 * pairs + 3));
            ws = start_team_sheet(w, team, pairs, ws ? NULL : t->sheet);
            if (!ws)
                return;
            r = 1;
        }
        write_team_row(w, ws, r++, &l->items[tix[t->first + done]], pairs);
        done++;
    }
    if (ws)
        worksheet_autofilter(ws, 0, 0, r - 1, (lxw_col_t)(8 + 2 * pairs + 3));
}

/* ---- the workbook ------------------------------------------------------------------ */

cs_status cs_exceptions_write_xlsx(const cs_exception_list *l, const char *path, cs_diag *d)
{
    size_t plen = strlen(path);
    char *tmp = cs_xmalloc(plen + 16);
    snprintf(tmp, plen + 16, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);   /* 0600, beside path so the rename stays on one disk */
    if (fd < 0) {
        cs_status st = cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot write the workbook: %s",
                                   strerror(errno));
        free(tmp);
        return st;
    }
    close(fd);

    xw w;
    memset(&w, 0, sizeof w);
    w.l = l;
    lxw_workbook_options wo = {.constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = LXW_TRUE};
    w.wb = workbook_new_opt(tmp, &wo);
    if (!w.wb) {
        unlink(tmp);
        free(tmp);
        return cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot start the workbook");
    }
    w.text = cs_xmalloc(CELL_MAX + 8);
    w.bold = workbook_add_format(w.wb);
    format_set_bold(w.bold);
    w.date = workbook_add_format(w.wb);
    format_set_num_format(w.date, "dd/mm/yyyy");

    size_t n = l->count;
    size_t *tix = cs_xmalloc((n ? n : 1) * sizeof *tix);
    size_t *rix = cs_xmalloc((n ? n : 1) * sizeof *rix);
    for (size_t i = 0; i < n; i++)
        tix[i] = rix[i] = i;
    qsort_r(tix, n, sizeof *tix, by_team, (void *)l);
    qsort_r(rix, n, sizeof *rix, by_rule, (void *)l);
    size_t nteams = 0, nrules = 0;
    span *teams = make_spans(l, tix, n, same_team, &nteams);
    span *rules = make_spans(l, rix, n, same_rule, &nrules);

    /* sheet names first, so the summary can point at them */
    lxw_worksheet *summary = add_sheet(&w, "Summary", NULL);
    char (*team_names)[CS_XLSX_NAME_BYTES] = cs_xcalloc(nteams ? nteams : 1, sizeof *team_names);
    {
        const char **taken = cs_xcalloc(nteams + 1, sizeof *taken);
        taken[0] = "Summary";
        for (size_t i = 0; i < nteams; i++) {
            const cs_exception *e = &l->items[tix[teams[i].first]];
            cs_xlsx_sheet_name(e->team && *e->team ? e->team : CS_XLSX_NO_TEAM, taken, i + 1,
                               team_names[i]);
            taken[i + 1] = team_names[i];
            memcpy(teams[i].sheet, team_names[i], CS_XLSX_NAME_BYTES);
        }
        free(taken);
    }
    if (summary)
        write_summary(&w, summary, rix, rules, nrules, teams, nteams, tix);
    for (size_t i = 0; i < nteams && !w.err; i++)
        write_team(&w, tix, &teams[i]);
    if (!nteams && !w.err) {
        /* an empty list still gets its header sheet, so people see it is empty */
        span none = {0};
        lxw_worksheet *ws = start_team_sheet(&w, CS_XLSX_NO_TEAM, 1, none.sheet);
        if (ws)
            worksheet_autofilter(ws, 0, 0, 0, 8 + 2 + 3);
    }
    if (summary)
        worksheet_activate(summary);

    lxw_error close_err = workbook_close(w.wb);
    cs_status st = CS_OK;
    if (w.err || close_err) {
        st = cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot write the workbook: %s",
                         lxw_strerror(w.err ? w.err : close_err));
        unlink(tmp);
    } else if (chmod(tmp, 0600) != 0 || rename(tmp, path) != 0) {
        st = cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot write the workbook: %s",
                         strerror(errno));
        unlink(tmp);
    }
    free(team_names);
    free(teams);
    free(rules);
    free(tix);
    free(rix);
    free(w.text);
    free(w.names);
    free(w.name_store);
    free(tmp);
    return st;
}
