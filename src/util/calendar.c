#include "util/calendar.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/arena.h"
#include "util/limits.h"

#define MAX_SPAN_YEARS 400   /* keeps the bitmap small whatever the file says */

typedef struct {
    cs_date date;
    const char *name;
    uint64_t line;
} holiday;

struct cs_calendar {
    int first_year, last_year;
    cs_date base;            /* 1 January of first_year */
    int64_t ndays;           /* covered days */
    uint64_t *bits;          /* bit i set: base + i is a bank holiday */
    int32_t *before;         /* holidays in the words before word w (nwords + 1 entries) */
    holiday *days;           /* sorted by date, for names */
    size_t ndays_listed;
    cs_arena names;
};

/* ---- weekday and holiday counting ------------------------------------- */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Weekdays in [Monday 1969-12-29, x] (negative before it); only differences matter. */
static int64_t weekday_index(int64_t x)
{
    int64_t k = x + 3;   /* days since that Monday */
    int64_t weeks = floor_div(k, 7);
    int64_t r = k - weeks * 7;   /* 0 = Monday .. 6 = Sunday */
    return weeks * 5 + (r < 5 ? r + 1 : 5);
}

/* Bank holidays on or before x inside the covered range. */
static int64_t holidays_upto(const cs_calendar *cal, int64_t x)
{
    if (!cal || x < cal->base)
        return 0;
    int64_t i = x - cal->base;
    if (i >= cal->ndays)
        i = cal->ndays - 1;
    size_t w = (size_t)(i / 64);
    unsigned bit = (unsigned)(i % 64);
    uint64_t mask = bit == 63 ? UINT64_MAX : ((UINT64_C(1) << (bit + 1)) - 1);
    return cal->before[w] + __builtin_popcountll(cal->bits[w] & mask);
}

/* Running count of working days: rises by one on each working day, so the
 * working days in (a, b] are index(b) - index(a). Holidays are never weekend
 * days (checked on load), so subtracting them does not double-count. */
static int64_t working_index(const cs_calendar *cal, int64_t x)
{
    return weekday_index(x) - holidays_upto(cal, x);
}

/* ---- queries ---------------------------------------------------------- */

int cs_calendar_first_year(const cs_calendar *cal)
{
    return cal ? cal->first_year : 0;
}

int cs_calendar_last_year(const cs_calendar *cal)
{
    return cal ? cal->last_year : 0;
}

int cs_calendar_covers(const cs_calendar *cal, cs_date date)
{
    return cal && date != CS_DATE_NONE && date >= cal->base &&
           (int64_t)date - cal->base < cal->ndays;
}

int cs_calendar_is_bank_holiday(const cs_calendar *cal, cs_date date)
{
    if (!cs_calendar_covers(cal, date))
        return 0;
    int64_t i = (int64_t)date - cal->base;
    return (int)((cal->bits[i / 64] >> (i % 64)) & 1u);
}

static int cmp_holiday(const void *a, const void *b)
{
    cs_date x = ((const holiday *)a)->date, y = ((const holiday *)b)->date;
    return (x > y) - (x < y);
}

const char *cs_calendar_holiday_name(const cs_calendar *cal, cs_date date)
{
    if (!cs_calendar_is_bank_holiday(cal, date))
        return NULL;
    holiday key = {.date = date};
    const holiday *h = bsearch(&key, cal->days, cal->ndays_listed, sizeof *h, cmp_holiday);
    return h ? h->name : NULL;
}

int cs_calendar_is_working_day(const cs_calendar *cal, cs_date date)
{
    if (date == CS_DATE_NONE)
        return 0;
    return !cs_date_is_weekend(date) && !cs_calendar_is_bank_holiday(cal, date);
}

int cs_calendar_working_days_between(const cs_calendar *cal, cs_date from, cs_date to)
{
    if (from == CS_DATE_NONE || to == CS_DATE_NONE)
        return 0;
    return (int)(working_index(cal, to) - working_index(cal, from));
}

/* Smallest x in (lo, hi] with working_index(x) >= target, given
 * working_index(lo) < target <= working_index(hi). */
static int64_t first_reaching(const cs_calendar *cal, int64_t lo, int64_t hi, int64_t target)
{
    while (hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2;
        if (working_index(cal, mid) >= target)
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

cs_date cs_calendar_add_working_days(const cs_calendar *cal, cs_date date, int n)
{
    if (date == CS_DATE_NONE)
        return CS_DATE_NONE;
    if (n == 0)
        return date;
    const int64_t min_date = cs_date_from_ymd(1, 1, 1), max_date = cs_date_from_ymd(9999, 12, 31);
    int64_t steps = n > 0 ? n : -(int64_t)n;
    int64_t span = 2 * steps + 30;   /* 5 working days a week, a handful of holidays */
    int64_t lo, hi, target, result;
    if (n > 0) {
        target = working_index(cal, date) + steps;
        lo = date;
        hi = (int64_t)date + span;
        while (working_index(cal, hi) < target)
            hi += span;
    } else {
        /* the |n|-th working day before date: counting back from date - 1,
         * where the first working day met is number one */
        target = working_index(cal, (int64_t)date - 1) - steps + 1;
        hi = (int64_t)date - 1;
        lo = (int64_t)date - span;
        while (working_index(cal, lo) >= target)
            lo -= span;
    }
    result = first_reaching(cal, lo, hi, target);
    if (result < min_date || result > max_date)
        return CS_DATE_NONE;
    return (cs_date)result;
}

/* ---- loading ---------------------------------------------------------- */

void cs_calendar_free(cs_calendar *cal)
{
    if (!cal)
        return;
    free(cal->bits);
    free(cal->before);
    free(cal->days);
    cs_arena_free(&cal->names);
    free(cal);
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Parses one non-comment line into h; returns 0 and fills d on error. */
static int parse_line(cs_calendar *cal, char *s, size_t n, const char *path, uint64_t line,
                      holiday *h, cs_diag *d)
{
    char *tab = memchr(s, '\t', n);
    size_t dlen = tab ? (size_t)(tab - s) : n;
    while (dlen > 0 && is_blank(s[dlen - 1]))
        dlen--;
    h->date = cs_date_parse_iso(s, dlen);
    h->line = line;
    if (h->date == CS_DATE_NONE) {
        cs_diag_set(d, CS_ERR_CONFIG, path, line, 1,
                    "'%.*s' is not a date in the form YYYY-MM-DD", (int)(dlen > 40 ? 40 : dlen), s);
        return 0;
    }
    const char *name = tab ? tab + 1 : s + n;
    size_t nlen = (size_t)(s + n - name);
    while (nlen > 0 && is_blank(*name))
        name++, nlen--;
    while (nlen > 0 && is_blank(name[nlen - 1]))
        nlen--;
    if (nlen == 0) {
        cs_diag_set(d, CS_ERR_CONFIG, path, line, dlen + 1,
                    "expected 'date<TAB>name': the holiday has no name");
        return 0;
    }
    if (cs_date_is_weekend(h->date)) {
        cs_diag_set(d, CS_ERR_CONFIG, path, line, 1,
                    "%.*s is a Saturday or Sunday; list the substitute weekday instead",
                    (int)dlen, s);
        return 0;
    }
    h->name = cs_arena_strndup(&cal->names, name, nlen);
    return 1;
}

static cs_status read_holidays(cs_calendar *cal, FILE *fp, const char *path, cs_diag *d)
{
    char *buf = NULL;
    size_t bufcap = 0, cap = 0;
    ssize_t len;
    uint64_t line = 0;
    cs_status st = CS_OK;
    while ((len = getline(&buf, &bufcap, fp)) >= 0) {
        line++;
        char *s = buf;
        size_t n = (size_t)len;
        if (line == 1 && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
            s += 3, n -= 3;
        while (n > 0 && is_blank(*s))
            s++, n--;
        while (n > 0 && is_blank(s[n - 1]))
            n--;
        if (n == 0 || *s == '#')
            continue;
        if (cal->ndays_listed == cap) {
            cap = cap ? cap * 2 : 256;
            cal->days = cs_xrealloc(cal->days, cap * sizeof *cal->days);
        }
        if (!parse_line(cal, s, n, path, line, &cal->days[cal->ndays_listed], d)) {
            st = CS_ERR_CONFIG;
            break;
        }
        cal->ndays_listed++;
    }
    if (st == CS_OK && ferror(fp))
        st = cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot read: %s", strerror(errno));
    free(buf);
    return st;
}

/* Sorted holidays -> covered range, bitmap and running counts. */
static cs_status build_index(cs_calendar *cal, const char *path, cs_diag *d)
{
    holiday *h = cal->days;
    size_t n = cal->ndays_listed;
    if (n == 0)
        return cs_diag_set(d, CS_ERR_CONFIG, path, 0, 0, "no bank holidays listed");
    qsort(h, n, sizeof *h, cmp_holiday);
    int y0, y1, m, dd;
    cs_date_to_ymd(h[0].date, &y0, &m, &dd);
    cs_date_to_ymd(h[n - 1].date, &y1, &m, &dd);
    if (y1 - y0 >= MAX_SPAN_YEARS)
        return cs_diag_set(d, CS_ERR_LIMIT, path, h[n - 1].line, 1,
                           "calendar spans %d to %d: more than %d years", y0, y1, MAX_SPAN_YEARS);
    cal->first_year = y0;
    cal->last_year = y1;
    cal->base = cs_date_from_ymd(y0, 1, 1);
    cal->ndays = (int64_t)cs_date_from_ymd(y1, 12, 31) - cal->base + 1;
    size_t nwords = (size_t)(cal->ndays + 63) / 64;
    cal->bits = cs_xcalloc(nwords, sizeof *cal->bits);
    cal->before = cs_xcalloc(nwords + 1, sizeof *cal->before);

    int year_seen[MAX_SPAN_YEARS] = {0};
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && h[i].date == h[i - 1].date) {
            char iso[11];
            uint64_t a = h[i - 1].line < h[i].line ? h[i - 1].line : h[i].line;
            uint64_t b = h[i - 1].line < h[i].line ? h[i].line : h[i - 1].line;
            return cs_diag_set(d, CS_ERR_CONFIG, path, b, 1, "%s is listed twice (lines %llu and %llu)",
                               cs_date_iso(h[i].date, iso), (unsigned long long)a,
                               (unsigned long long)b);
        }
        int64_t k = (int64_t)h[i].date - cal->base;
        cal->bits[k / 64] |= UINT64_C(1) << (k % 64);
        int y;
        cs_date_to_ymd(h[i].date, &y, &m, &dd);
        year_seen[y - y0] = 1;
    }
    for (int y = y0; y <= y1; y++)
        if (!year_seen[y - y0])
            return cs_diag_set(d, CS_ERR_CONFIG, path, 0, 0,
                               "no bank holidays listed for %d: the calendar must cover every "
                               "year from %d to %d", y, y0, y1);
    for (size_t w = 0; w < nwords; w++)
        cal->before[w + 1] = cal->before[w] + __builtin_popcountll(cal->bits[w]);
    return CS_OK;
}

cs_status cs_calendar_load(cs_calendar **out, const char *path, cs_diag *d)
{
    *out = NULL;
    FILE *fp = fopen(path, "r");
    if (!fp)
        return cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
    struct stat sb;
    if (fstat(fileno(fp), &sb) == 0 && sb.st_size > (off_t)CS_MAX_RULE_FILE_BYTES) {
        fclose(fp);
        return cs_diag_set(d, CS_ERR_LIMIT, path, 0, 0, "calendar file is larger than %u bytes",
                           CS_MAX_RULE_FILE_BYTES);
    }
    cs_calendar *cal = cs_xcalloc(1, sizeof *cal);
    cs_arena_init(&cal->names, 4096);
    cs_status st = read_holidays(cal, fp, path, d);
    fclose(fp);
    if (st == CS_OK)
        st = build_index(cal, path, d);
    if (st != CS_OK) {
        cs_calendar_free(cal);
        return st;
    }
    *out = cal;
    return CS_OK;
}
