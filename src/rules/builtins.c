/* Built-in functions: dates, working days, strings, shapes, conversions. */
#include "rules/builtins.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const cs_special_forms[] = {"present", "absent", "valid", "invalid", "if",
                                        "coalesce", "lookup", "matches", NULL};

static void set_absent(cs_vval *o)
{
    o->kind = VK_ABSENT;
    o->i = 0;
    o->s = NULL;
}

static void set_int64(cs_vval *o, int64_t v)
{
    if (v < INT32_MIN || v > INT32_MAX) {
        set_absent(o);
        return;
    }
    o->kind = VK_INT;
    o->i = (int32_t)v;
    o->s = NULL;
}

static void set_date(cs_vval *o, cs_date d)
{
    if (d == CS_DATE_NONE) {
        set_absent(o);
        return;
    }
    o->kind = VK_DATE;
    o->i = d;
    o->s = NULL;
}

static void set_bool(cs_vval *o, int b)
{
    o->kind = VK_BOOL;
    o->i = b ? 1 : 0;
    o->s = NULL;
}

static void set_str(cs_vval *o, const char *s)
{
    o->kind = VK_STR;
    o->i = 0;
    o->s = s;
}

/* ---- dates ------------------------------------------------------------- */

/* Dates stay inside years 1..9999 so every result can be formatted. */
static cs_date clamp_date(int64_t d)
{
    static cs_date lo, hi;
    if (!hi) {
        lo = cs_date_from_ymd(1, 1, 1);
        hi = cs_date_from_ymd(9999, 12, 31);
    }
    return d < lo || d > hi ? CS_DATE_NONE : (cs_date)d;
}

static void b_days(const cs_benv *e, const cs_vval *a, cs_vval *o)
{
    (void)e;
    set_int64(o, (int64_t)a[1].i - a[0].i);
}

static void b_add_days(const cs_benv *e, const cs_vval *a, cs_vval *o)
{
    (void)e;
    set_date(o, clamp_date((int64_t)a[0].i + a[1].i));
}

static void b_add_months(const cs_benv *e, const cs_vval *a, cs_vval *o)
{
    (void)e;
    if (a[1].i > 120000 || a[1].i < -120000) {
        set_absent(o);
        return;
    }
    set_date(o, clamp_date(cs_date_add_months(a[0].i, a[1].i)));
}

static void b_add_years(const cs_benv *e, const cs_vval *a, cs_vval *o)
{
    (void)e;
    if (a[1].i > 10000 || a[1].i < -10000) {
        set_absent(o);
        return;
    }
    set_date(o, clamp_date(cs_date_add_years(a[0].i, a[1].i)));
}

static void b_age(const cs_benv *e, const cs_vval *a, cs_vval *o)
{
    (void)e;
    set_int64(o, cs_age_years(a[0].i, a[1].i));
}

static void b_weekday(const cs_benv *e, const cs_vval *a, cs_vval *o)
{
    (void)e;
    set_int64(o, cs_date_weekday(a[0].i));
}

static void b_is_weekend(const cs_benv *e, const cs_vval *a, cs_vval *o)
{
    (void)e;
    set_bool(o, cs_date_is_weekend(a[0].i));
}

static void b_is_working_day(const cs_benv *e, const cs_vval *a, cs_vval *o)
{
    set_bool(o, cs_calendar_is_working_day(e->cal, a[0].i));
}

static void b_working_days(const cs_benv *e, const cs_vval *a, cs_vval *o)
{
    set_int64(o, cs_calendar_working_days_between(e->cal, a[0].i, a[1].i));
}

static void b_add_working_days(const cs_benv *e, const cs_vval *a, cs_vval *o)
{
    if (a[1].i > 1000000 || a[1].i < -1000000) {
        set_absent(o);
        return;
    }
    set_date(o, cs_calendar_add_working_days(e->cal, a[0].i, a[1].i));
}

static void b_in_period(const cs_benv *e, const cs_vval *a, cs_vval *o)
{
    if (e->period_start == CS_DATE_NONE || e->period_end == CS_DATE_NONE) {
        set_absent(o);
        return;
    }
    set_bool(o, a[0].i >= e->period_start && a[0].i <= e->period_end);
}

static void b_year(const cs_benv *e, const cs_vval *a, cs_vval *o)
{
    (void)e;
    int y, m, d;
    cs_date_to_ymd(a[0].i, &y, &m, &d);
    set_int64(o, y);
}

static void b_month(const cs_benv *e, const cs_vval *a, cs_vval *o)
{
    (void)e;
    int y, m, d;
    cs_date_to_ymd(a[0].i, &y, &m, &d);
    set_int64(o, m);
}

static void b_day(const cs_benv *e, const cs_vval *a, cs_vval *o)
{
    (void)e;
    int y, m, d;
    cs_date_to_ymd(a[0].i, &y, &m, &d);
    set_int64(o, d);
}

static void b_date(const cs_benv *e, const cs_vval *a, cs_vval *o)
{
    (void)e;
    set_date(o, cs_date_from_ymd(a[0].i, a[1].i, a[2].i));
}

/* ---- strings ----------------------------------------------------------- */

static size_t utf8_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

/* byte offset of the k-th character (0-based), or strlen when past the end */
static size_t utf8_offset(const char *s, size_t k)
{
    size_t i = 0, c = 0;
    while (s[i]) {
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            if (c == k)
                return i;
            c++;
        }
        i++;
    }
    return i;
}

static void b_len(const cs_benv *e, const cs_vval *a, cs_vval *o)
{
    (void)e;
    set_int64(o, (int64_t)utf8_len(a[0].s));
}

static void b_upper(const cs_benv *e, const cs_vval *a, cs_vval *o)
{
    char *s = cs_arena_strdup(e->scratch, a[0].s);
    for (char *p = s; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    set_str(o, s);
}

static void b_lower(const cs_benv *e, const cs_vval *a, cs_vval *o)
{
    char *s = cs_arena_strdup(e->scratch, a[0].s);
    for (char *p = s; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    set_str(o, s);
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void b_trim(const cs_benv *e, const cs_vval *a, cs_vval *o)
{
    const char *s = a[0].s;
    size_t n = strlen(s);
    size_t i = 0;
    while (i < n && is_blank(s[i]))
        i++;
    while (n > i && is_blank(s[n - 1]))
        n--;
    set_str(o, cs_arena_strndup(e->scratch, s + i, n - i));
}

static void b_substr(const cs_benv *e, const cs_vval *a, cs_vval *o)
{
    int32_t start = a[1].i, len = a[2].i;
    if (start < 1 || len < 0) {
        set_absent(o);
        return;
    }
    const char *s = a[0].s;
    size_t from = utf8_offset(s, (size_t)start - 1);
    size_t to = utf8_offset(s + from, (size_t)len) + from;
    set_str(o, cs_arena_strndup(e->scratch, s + from, to - from));
}

static void b_replace(const cs_benv *e, const cs_vval *a, cs_vval *o)
{
    const char *s = a[0].s, *from = a[1].s, *to = a[2].s;
    size_t fl = strlen(from), tl = strlen(to), n = strlen(s);
    if (!fl) {
        set_str(o, s);
        return;
    }
    size_t hits = 0;
    for (const char *p = strstr(s, from); p; p = strstr(p + fl, from))
        hits++;
    char *out = cs_arena_alloc_raw(e->scratch, n + hits * tl + 1);
    size_t w = 0;
    const char *p = s;
    for (const char *q = strstr(p, from); q; q = strstr(p, from)) {
        memcpy(out + w, p, (size_t)(q - p));
        w += (size_t)(q - p);
        memcpy(out + w, to, tl);
        w += tl;
        p = q + fl;
    }
    size_t rest = strlen(p);
    memcpy(out + w, p, rest);
    out[w + rest] = '\0';
    set_str(o, out);
}

static void b_contains(const cs_benv *e, const cs_vval *a, cs_vval *o)
{
    (void)e;
    set_bool(o, strstr(a[0].s, a[1].s) != NULL);
}

static void b_starts_with(const cs_benv *e, const cs_vval *a, cs_vval *o)
{
    (void)e;
    set_bool(o, strncmp(a[0].s, a[1].s, strlen(a[1].s)) == 0);
}

static void b_ends_with(const cs_benv *e, const cs_vval *a, cs_vval *o)
{
    (void)e;
    size_t n = strlen(a[0].s), m = strlen(a[1].s);
    set_bool(o, m <= n && memcmp(a[0].s + n - m, a[1].s, m) == 0);
}

static void b_list_has(const cs_benv *e, const cs_vval *a, cs_vval *o)
{
    (void)e;
    const char *s = a[0].s, *item = a[1].s;
    size_t il = strlen(item);
    for (;;) {
        while (is_blank(*s))
            s++;
        const char *end = strchr(s, ',');
        size_t n = end ? (size_t)(end - s) : strlen(s);
        size_t m = n;
        while (m && is_blank(s[m - 1]))
            m--;
        if (m == il && memcmp(s, item, il) == 0) {
            set_bool(o, 1);
            return;
        }
        if (!end)
            break;
        s = end + 1;
    }
    set_bool(o, 0);
}

/* ---- identifiers and shapes -------------------------------------------- */

static const char upn_alphabet[] = "ABCDEFGHJKLMNPQRTUVWXYZ";

char cs_upn_check_letter(const char *upn, size_t n)
{
    if (n != 13)
        return 0;
    long sum = 0;
    for (size_t i = 1; i < 13; i++) {
        char c = upn[i];
        int v;
        if (c >= '0' && c <= '9') {
            v = c - '0';
        } else if (i == 12) {   /* temporary UPN: a letter's index in the alphabet */
            const char *p = c ? strchr(upn_alphabet, c) : NULL;
            if (!p)
                return 0;
            v = (int)(p - upn_alphabet);
        } else {
            return 0;
        }
        sum += (long)v * (long)(i + 1);
    }
    return upn_alphabet[sum % 23];
}

static void b_upn_check_letter(const cs_benv *e, const cs_vval *a, cs_vval *o)
{
    char c = cs_upn_check_letter(a[0].s, strlen(a[0].s));
    if (!c) {
        set_absent(o);
        return;
    }
    char *s = cs_arena_alloc_raw(e->scratch, 2);
    s[0] = c;
    s[1] = '\0';
    set_str(o, s);
}

static int up(char c) { return c >= 'A' && c <= 'Z'; }
static int dg(char c) { return c >= '0' && c <= '9'; }

int cs_postcode_shape(const char *s, size_t n)
{
    char b[16];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (c == ' ') {
            if (i + 4 != n || k == 0)   /* one space, only before the inward code */
                return 0;
            continue;
        }
        if (k == sizeof b)
            return 0;
        b[k++] = c;
    }
    if (k == 6 && memcmp(b, "GIR0AA", 6) == 0)
        return 1;
    if (k < 5 || k > 7)
        return 0;
    /* inward code: digit letter letter */
    if (!dg(b[k - 3]) || !up(b[k - 2]) || !up(b[k - 1]))
        return 0;
    size_t m = k - 3;   /* outward: A9, A99, AA9, AA99, A9A, AA9A */
    if (!up(b[0]))
        return 0;
    if (m == 2)
        return dg(b[1]);
    if (m == 3)
        return (dg(b[1]) && (dg(b[2]) || up(b[2]))) || (up(b[1]) && dg(b[2]));
    if (m == 4)
        return up(b[1]) && dg(b[2]) && (dg(b[3]) || up(b[3]));
    return 0;
}

static void b_postcode_shape(const cs_benv *e, const cs_vval *a, cs_vval *o)
{
    (void)e;
    set_bool(o, cs_postcode_shape(a[0].s, strlen(a[0].s)));
}

/* ---- booleans and conversions ------------------------------------------ */

static int ieq(const char *s, const char *w)
{
    for (; *s && *w; s++, w++) {
        char c = *s;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != *w)
            return 0;
    }
    return !*s && !*w;
}

static int truth(const cs_vval *v, int want)
{
    if (v->kind == VK_BOOL)
        return v->i == want;
    if (v->kind == VK_STR || v->kind == VK_INVALID) {
        const char *s = v->s ? v->s : "";
        while (is_blank(*s))
            s++;
        char buf[8];
        size_t n = 0;
        while (s[n] && !is_blank(s[n]) && n < sizeof buf - 1) {
            buf[n] = s[n];
            n++;
        }
        buf[n] = '\0';
        for (size_t i = n; s[i]; i++)
            if (!is_blank(s[i]))
                return 0;
        return want ? (ieq(buf, "true") || ieq(buf, "1")) : (ieq(buf, "false") || ieq(buf, "0"));
    }
    if (v->kind == VK_INT)
        return want ? v->i == 1 : v->i == 0;
    return 0;
}

static void b_is_true(const cs_benv *e, const cs_vval *a, cs_vval *o)
{
    (void)e;
    set_bool(o, truth(&a[0], 1));
}

static void b_is_false(const cs_benv *e, const cs_vval *a, cs_vval *o)
{
    (void)e;
    set_bool(o, truth(&a[0], 0));
}

static void b_to_int(const cs_benv *e, const cs_vval *a, cs_vval *o)
{
    (void)e;
    const char *s = a[0].s;
    char *end;
    while (is_blank(*s))
        s++;
    long long v = strtoll(s, &end, 10);
    while (is_blank(*end))
        end++;
    if (end == s || *end || v < INT32_MIN || v > INT32_MAX) {
        o->kind = VK_INVALID;
        o->i = 0;
        o->s = a[0].s;
        return;
    }
    set_int64(o, v);
}

static void b_to_date(const cs_benv *e, const cs_vval *a, cs_vval *o)
{
    (void)e;
    const char *s = a[0].s;
    size_t n = strlen(s);
    cs_date d = cs_date_parse_iso(s, n);
    if (d == CS_DATE_NONE)
        d = cs_date_parse_dmy(s, n);
    if (d == CS_DATE_NONE) {
        o->kind = VK_INVALID;
        o->i = 0;
        o->s = s;
        return;
    }
    set_date(o, d);
}

static void b_text(const cs_benv *e, const cs_vval *a, cs_vval *o)
{
    char buf[32];
    switch (a[0].kind) {
    case VK_STR:
    case VK_INVALID:
        set_str(o, a[0].s ? a[0].s : "");
        return;
    case VK_DATE:
        set_str(o, cs_arena_strdup(e->scratch, cs_date_iso(a[0].i, buf)));
        return;
    case VK_INT:
        snprintf(buf, sizeof buf, "%d", (int)a[0].i);
        set_str(o, cs_arena_strdup(e->scratch, buf));
        return;
    case VK_BOOL:
        set_str(o, a[0].s ? a[0].s : (a[0].i ? "true" : "false"));
        return;
    default:
        set_absent(o);
    }
}

/* ---- numbers ----------------------------------------------------------- */

static void b_abs(const cs_benv *e, const cs_vval *a, cs_vval *o)
{
    (void)e;
    set_int64(o, a[0].i < 0 ? -(int64_t)a[0].i : a[0].i);
}

static void b_hypot(const cs_benv *e, const cs_vval *a, cs_vval *o)
{
    (void)e;
    /* rounded integer square root of x^2 + y^2 (distances from grid refs) */
    uint64_t x = (uint64_t)(a[0].i < 0 ? -(int64_t)a[0].i : a[0].i);
    uint64_t y = (uint64_t)(a[1].i < 0 ? -(int64_t)a[1].i : a[1].i);
    uint64_t s = x * x + y * y, r = 0, bit = (uint64_t)1 << 62;
    while (bit > s)
        bit >>= 2;
    while (bit) {
        if (s >= r + bit) {
            s -= r + bit;
            r = (r >> 1) + bit;
        } else {
            r >>= 1;
        }
        bit >>= 2;
    }
    if (s > r)   /* remainder above r: (r + 0.5)^2 < x^2 + y^2 */
        r++;
    set_int64(o, (int64_t)r);
}

static int valid_kind(uint8_t k)
{
    return k == VK_DATE || k == VK_INT || k == VK_STR || k == VK_BOOL;
}

static int less(const cs_vval *a, const cs_vval *b)
{
    if (a->kind == VK_STR)
        return strcmp(a->s, b->s) < 0;
    return a->i < b->i;
}

static void b_least(const cs_benv *e, const cs_vval *a, cs_vval *o)
{
    (void)e;
    int va = valid_kind(a[0].kind), vb = valid_kind(a[1].kind);
    if (!va && !vb)
        set_absent(o);
    else
        *o = !vb || (va && !less(&a[1], &a[0])) ? a[0] : a[1];
}

static void b_greatest(const cs_benv *e, const cs_vval *a, cs_vval *o)
{
    (void)e;
    int va = valid_kind(a[0].kind), vb = valid_kind(a[1].kind);
    if (!va && !vb)
        set_absent(o);
    else
        *o = !vb || (va && !less(&a[0], &a[1])) ? a[0] : a[1];
}

const cs_builtin cs_builtins[] = {
    {"days", "DD", 'I', 1, b_days, "days(a, b): days from a to b (b - a)"},
    {"add_days", "DI", 'D', 1, b_add_days, "add_days(d, n): n days after d"},
    {"add_months", "DI", 'D', 1, b_add_months,
     "add_months(d, n): n calendar months after d (day clamped to the month's end)"},
    {"add_years", "DI", 'D', 1, b_add_years, "add_years(d, n): n years after d (29 Feb -> 28 Feb)"},
    {"age", "DD", 'I', 1, b_age, "age(dob, at): whole years at the date (-1 before birth)"},
    {"weekday", "D", 'I', 1, b_weekday, "weekday(d): 1 Monday .. 7 Sunday"},
    {"is_weekend", "D", 'B', 1, b_is_weekend, "is_weekend(d): Saturday or Sunday"},
    {"is_working_day", "D", 'B', 1, b_is_working_day,
     "is_working_day(d): Monday to Friday and not a bank holiday"},
    {"working_days", "DD", 'I', 1, b_working_days,
     "working_days(a, b): working days after a up to and including b (negative if b < a)"},
    {"add_working_days", "DI", 'D', 1, b_add_working_days,
     "add_working_days(d, n): the n-th working day after d (before d when n < 0)"},
    {"in_period", "D", 'B', 1, b_in_period,
     "in_period(d): CollectionStart <= d <= CollectionEnd"},
    {"year", "D", 'I', 1, b_year, "year(d)"},
    {"month", "D", 'I', 1, b_month, "month(d): 1..12"},
    {"day", "D", 'I', 1, b_day, "day(d): day of the month"},
    {"date", "III", 'D', 1, b_date, "date(y, m, d): absent when not a real date"},
    {"len", "S", 'I', 1, b_len, "len(s): number of characters"},
    {"upper", "S", 'S', 1, b_upper, "upper(s): A-Z for a-z"},
    {"lower", "S", 'S', 1, b_lower, "lower(s): a-z for A-Z"},
    {"trim", "S", 'S', 1, b_trim, "trim(s): without leading and trailing spaces"},
    {"substr", "SII", 'S', 1, b_substr,
     "substr(s, start, n): n characters from position start (the first is 1)"},
    {"replace", "SSS", 'S', 1, b_replace, "replace(s, from, to): every from replaced by to"},
    {"contains", "SS", 'B', 1, b_contains, "contains(s, part)"},
    {"starts_with", "SS", 'B', 1, b_starts_with, "starts_with(s, prefix)"},
    {"ends_with", "SS", 'B', 1, b_ends_with, "ends_with(s, suffix)"},
    {"list_has", "SS", 'B', 1, b_list_has,
     "list_has(list, item): item is one of the comma-separated values in list"},
    {"upn_check_letter", "S", 'S', 1, b_upn_check_letter,
     "upn_check_letter(upn): the check letter a 13-character UPN should start with"},
    {"postcode_shape", "S", 'B', 1, b_postcode_shape,
     "postcode_shape(s): shaped like a UK postcode (A9 9AA .. AA9A 9AA, one optional space)"},
    {"is_true", "X", 'B', 0, b_is_true, "is_true(x): true, TRUE, 1 (false when absent)"},
    {"is_false", "X", 'B', 0, b_is_false, "is_false(x): false, FALSE, 0 (false when absent)"},
    {"to_int", "S", 'I', 1, b_to_int, "to_int(s): the number in s (invalid when it is not one)"},
    {"to_date", "S", 'D', 1, b_to_date,
     "to_date(s): yyyy-mm-dd or dd/mm/yyyy text as a date (invalid otherwise)"},
    {"text", "*", 'S', 0, b_text, "text(x): x as text (dates yyyy-mm-dd)"},
    {"abs", "I", 'I', 1, b_abs, "abs(n)"},
    {"hypot", "II", 'I', 1, b_hypot, "hypot(x, y): rounded sqrt(x*x + y*y)"},
    {"least", "==", '=', 0, b_least, "least(a, b): the smaller (the other when one is absent)"},
    {"greatest", "==", '=', 0, b_greatest,
     "greatest(a, b): the larger (the other when one is absent)"},
};

const size_t cs_nbuiltins = sizeof cs_builtins / sizeof cs_builtins[0];

int cs_builtin_find(const char *name)
{
    for (size_t i = 0; i < cs_nbuiltins; i++)
        if (strcmp(cs_builtins[i].name, name) == 0)
            return (int)i;
    return -1;
}
