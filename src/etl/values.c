/* Typed values from source text, with Excel and SQL export damage repaired.
 * Called once per field of every record, so nothing here allocates: work is
 * done on the caller's slice and small stack buffers, and findings copy what
 * they keep. */
#include "etl/values.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "model/model.h"

#define EXCEL_SERIAL_MAX 2958465   /* 9999-12-31 */

static void note(const cs_value_ctx *c, cs_finding_kind kind, const char *orig, size_t orig_n,
                 const char *repaired, const char *detail)
{
    if (!c || !c->findings)
        return;
    cs_findings_addv(c->findings, kind, c->file, c->line, c->col, c->entity, c->field,
                     c->source_id, orig, orig_n, repaired, detail);
}

static int is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_digit(s[i]))
            return 0;
    return 1;
}

static int all_zeros(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != '0')
            return 0;
    return 1;
}

/* Value of up to 9 digits (callers bound n). */
static int digits_value(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* Length of the run of digits at s (at most n). */
static size_t digit_run(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && is_digit(s[i]))
        i++;
    return i;
}

/* Copies a slice into a NUL-terminated stack buffer, truncated to fit. */
static const char *to_cstr(char *buf, size_t cap, const char *s, size_t n)
{
    if (n >= cap)
        n = cap - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return buf;
}

/* ---- whitespace -------------------------------------------------------- */

static int space_at_start(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n' || *s == '\v' || *s == '\f')
        return 1;
    return n > 1 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0 ? 2 : 0;
}

static int space_at_end(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    char ch = s[n - 1];
    if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == '\v' || ch == '\f')
        return 1;
    return n > 1 && (unsigned char)s[n - 2] == 0xC2 && (unsigned char)s[n - 1] == 0xA0 ? 2 : 0;
}

/* Could this byte start (or end) a run of trimmable space? Control
 * characters and the NBSP's lead (or trail) byte say maybe; anything else
 * says no, which is nearly every value. */
static int maybe_space_first(unsigned char ch)
{
    return ch <= ' ' || ch == 0xC2;
}

static int maybe_space_last(unsigned char ch)
{
    return ch <= ' ' || ch == 0xA0;
}

static const char *trim_slow(const cs_value_ctx *c, const char *s, size_t n, size_t *out_n)
{
    const char *t = s;
    size_t tn = s ? n : 0;
    int k;
    while ((k = space_at_start(t, tn)) > 0)
        t += k, tn -= (size_t)k;
    while ((k = space_at_end(t, tn)) > 0)
        tn -= (size_t)k;
    if (tn > 0 && tn != n) {
        char rep[201];
        note(c, CS_FK_WHITESPACE, s, n, to_cstr(rep, sizeof rep, t, tn), NULL);
    }
    *out_n = tn;
    return t;
}

/* Nearly every value has nothing to trim: that is decided inline, and only
 * the rest goes the long way. */
static inline const char *trim(const cs_value_ctx *c, const char *s, size_t n, size_t *out_n)
{
    if (s && n && !maybe_space_first((unsigned char)s[0]) &&
        !maybe_space_last((unsigned char)s[n - 1])) {
        *out_n = n;
        return s;
    }
    return trim_slow(c, s, n, out_n);
}

const char *cs_value_trim(const cs_value_ctx *c, const char *s, size_t n, size_t *out_n)
{
    return trim(c, s, n, out_n);
}

/* ---- identifiers ------------------------------------------------------- */

typedef enum { ID_KEEP, ID_REPAIRED, ID_SUSPECT } id_verdict;

/* "123456.0", "123456.00": the integer digits, leading zeros kept. */
static id_verdict id_from_decimal(const char *s, size_t n, char *out, size_t *out_n,
                                  const char **why)
{
    size_t ip = digit_run(s, n);
    if (ip == 0 || ip == n || s[ip] != '.' || !all_digits(s + ip + 1, n - ip - 1))
        return ID_KEEP;
    if (!all_zeros(s + ip + 1, n - ip - 1)) {
        *why = "looks like a number with a fractional part, not an identifier; kept as found";
        return ID_SUSPECT;
    }
    memcpy(out, s, ip);
    *out_n = ip;
    return ID_REPAIRED;
}

/* Excel's scientific form "1.23456E+05" (it always writes the '+'); converted
 * only when every digit of the identifier is in the mantissa. When Excel
 * padded with zeros ("1.23457E+11") the real digits are gone: we refuse to
 * invent an identifier. out holds at least 64 bytes. */
static id_verdict id_from_scientific(const char *s, size_t n, char *out, size_t *out_n,
                                     const char **why)
{
    size_t ip = digit_run(s, n), fp = 0, i = ip;
    if (ip == 0)
        return ID_KEEP;
    if (i < n && s[i] == '.') {
        fp = digit_run(s + i + 1, n - i - 1);
        i += 1 + fp;
    }
    if (i + 2 >= n || (s[i] != 'E' && s[i] != 'e') || s[i + 1] != '+')
        return ID_KEEP;
    size_t en = n - i - 2;
    if (en > 3 || !all_digits(s + i + 2, en))
        return ID_KEEP;
    int exp = digits_value(s + i + 2, en);
    /* mantissa digits without the point, then shifted */
    char digits[64];
    size_t dn = 0;
    if (ip + fp >= sizeof digits)
        return ID_KEEP;
    memcpy(digits, s, ip);
    memcpy(digits + ip, s + ip + 1, fp);
    dn = ip + fp;
    long shift = (long)exp - (long)fp;
    if (shift > 0) {
        *why = "scientific notation has lost the identifier's last digits; kept as found";
        return ID_SUSPECT;
    }
    size_t drop = (size_t)-shift;
    if (!all_zeros(digits + dn - drop, drop)) {
        *why = "scientific notation is not a whole number; kept as found";
        return ID_SUSPECT;
    }
    dn -= drop;
    size_t lead = 0;
    while (lead + 1 < dn && digits[lead] == '0')
        lead++;
    memcpy(out, digits + lead, dn - lead);
    *out_n = dn - lead;
    return ID_REPAIRED;
}

/* Both repairs need a run of digits followed by '.' or an exponent: one
 * look at the leading digits rules them out for nearly every id. */
static int may_be_number_form(const char *s, size_t n)
{
    size_t ip = digit_run(s, n);
    return ip > 0 && ip < n && (s[ip] == '.' || s[ip] == 'E' || s[ip] == 'e');
}

const char *cs_value_id_slice(const cs_value_ctx *c, const char *s, size_t n, char *buf,
                              size_t cap, size_t *out_n)
{
    size_t tn;
    const char *t = trim(c, s, n, &tn);
    *out_n = 0;
    if (tn == 0)
        return NULL;
    char fixed[64];
    size_t fn = 0;
    const char *why = NULL;
    id_verdict v = ID_KEEP;
    if (tn < sizeof fixed && may_be_number_form(t, tn)) {
        v = id_from_decimal(t, tn, fixed, &fn, &why);
        if (v == ID_KEEP)
            v = id_from_scientific(t, tn, fixed, &fn, &why);
    }
    size_t un = v == ID_REPAIRED ? fn : tn;
    if (un >= cap) {
        char detail[96];
        snprintf(detail, sizeof detail, "identifier longer than %zu bytes; left empty",
                 cap ? cap - 1 : 0);
        note(c, CS_FK_BAD_VALUE, t, tn, NULL, detail);
        return NULL;
    }
    if (v == ID_KEEP) {
        *out_n = tn;
        return t;   /* as found: no copy */
    }
    /* repaired, or suspect: the finding shows the value in buf */
    const char *use = v == ID_REPAIRED ? fixed : t;
    memcpy(buf, use, un);
    buf[un] = '\0';
    if (v == ID_REPAIRED)
        note(c, CS_FK_ID_FLOAT, t, tn, buf, NULL);
    else
        note(c, CS_FK_BAD_VALUE, t, tn, buf, why);
    *out_n = un;
    return buf;
}

const char *cs_value_id(const cs_value_ctx *c, const char *s, size_t n, char *buf, size_t cap,
                        size_t *out_n)
{
    if (cap > 0)
        buf[0] = '\0';
    const char *v = cs_value_id_slice(c, s, n, buf, cap, out_n);
    if (v && v != buf) {
        memcpy(buf, v, *out_n);
        buf[*out_n] = '\0';
    }
    return v ? buf : NULL;
}

/* ---- integers ---------------------------------------------------------- */

/* [+-]digits[.zeros]; *had_decimal set when a ".0" tail was present.
 * Returns 0 when the text is not a whole number or overflows int32. */
static int parse_whole(const char *s, size_t n, int64_t *out, int *had_decimal)
{
    size_t i = 0;
    int neg = 0;
    *had_decimal = 0;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    size_t ip = digit_run(s + i, n - i);
    if (ip == 0)
        return 0;
    int64_t v = 0;
    for (size_t k = 0; k < ip; k++) {
        v = v * 10 + (s[i + k] - '0');
        if (v > (int64_t)INT32_MAX + 1)
            return 0;
    }
    i += ip;
    if (i < n) {
        if (s[i] != '.' || !all_zeros(s + i + 1, n - i - 1))
            return 0;
        *had_decimal = 1;
    }
    v = neg ? -v : v;
    if (v > INT32_MAX || v < INT32_MIN + 1)   /* INT32_MIN is CS_INT_NONE */
        return 0;
    *out = v;
    return 1;
}

int32_t cs_value_int(const cs_value_ctx *c, const char *s, size_t n)
{
    size_t tn;
    const char *t = trim(c, s, n, &tn);
    if (tn == 0)
        return CS_INT_NONE;
    int64_t v;
    int dec;
    if (!parse_whole(t, tn, &v, &dec)) {
        note(c, CS_FK_BAD_INTEGER, t, tn, NULL, NULL);
        return CS_INT_NONE;
    }
    if (dec) {
        char rep[16];
        snprintf(rep, sizeof rep, "%d", (int)v);
        note(c, CS_FK_INT_DECIMAL, t, tn, rep, NULL);
    }
    return (int32_t)v;
}

/* ---- yes/no ------------------------------------------------------------ */

int8_t cs_value_bool(const cs_value_ctx *c, const char *s, size_t n)
{
    static const struct { const char *word; int8_t v; } words[] = {
        {"true", 1}, {"false", 0}, {"t", 1}, {"f", 0},
        {"yes", 1},  {"no", 0},    {"y", 1}, {"n", 0},
    };
    size_t tn;
    const char *t = trim(c, s, n, &tn);
    if (tn == 0)
        return CS_BOOL_NONE;
    if (tn == 1 && (*t == '0' || *t == '1'))
        return (int8_t)(*t - '0');
    int8_t v = CS_BOOL_NONE;
    const char *detail = NULL;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strlen(words[i].word) == tn && strncasecmp(t, words[i].word, tn) == 0)
            v = words[i].v;
    int64_t num;
    int dec;
    if (v == CS_BOOL_NONE && parse_whole(t, tn, &num, &dec) && (num == 0 || num == 1 || num == -1)) {
        v = num != 0;
        if (num == -1)
            detail = "-1 is Microsoft Access's true";
    }
    if (v == CS_BOOL_NONE) {
        note(c, CS_FK_BAD_BOOL, t, tn, NULL, NULL);
        return CS_BOOL_NONE;
    }
    note(c, CS_FK_BOOL_SPELLING, t, tn, v ? "1" : "0", detail);
    return v;
}

/* ---- dates ------------------------------------------------------------- */

int cs_date_style_parse(const char *name)
{
    static const struct { const char *name; cs_date_style style; } names[] = {
        {"auto", CS_DATES_AUTO},           {"iso", CS_DATES_ISO},
        {"yyyy-mm-dd", CS_DATES_ISO},      {"dd/mm/yyyy", CS_DATES_DMY},
        {"dmy", CS_DATES_DMY},             {"sqlserver", CS_DATES_SQLSERVER},
        {"sql server", CS_DATES_SQLSERVER}, {"yyyy-mm-dd hh:mm:ss.fff", CS_DATES_SQLSERVER},
        {"oracle", CS_DATES_ORACLE},       {"dd-mon-yy", CS_DATES_ORACLE},
        {"dd-mon-yyyy", CS_DATES_ORACLE},
    };
    if (!name)
        return -1;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcasecmp(name, names[i].name) == 0)
            return (int)names[i].style;
    return -1;
}

static const char *style_label(cs_date_style st)
{
    switch (st) {
    case CS_DATES_ISO: return "yyyy-mm-dd";
    case CS_DATES_DMY: return "dd/mm/yyyy";
    case CS_DATES_SQLSERVER: return "yyyy-mm-dd hh:mm:ss.fff";
    case CS_DATES_ORACLE: return "dd-MON-yy";
    case CS_DATES_AUTO: break;
    }
    return "a recognised date form";
}

/* Outcome of trying one textual form. */
typedef enum { FORM_NO, FORM_BAD, FORM_OK } form_result;

typedef struct {
    cs_date date;
    int serial;         /* came from an Excel serial number */
    int timed;          /* had a time of day that was not midnight */
    const char *why;    /* for FORM_BAD */
} parsed_date;

/* Time of day after a date: h[h]:mm[:ss[.f]] with ':' or '.' (Oracle writes
 * "00.00.00.000000"), optional AM/PM, optional 'Z'. */
static form_result parse_time(const char *s, size_t n, int *midnight)
{
    size_t i = 0, k;
    int h, m = 0, sec = 0, nonzero_frac = 0;
    k = digit_run(s, n);
    if (k < 1 || k > 2)
        return FORM_NO;
    h = digits_value(s, k);
    i = k;
    for (int part = 0; part < 2; part++) {
        if (i >= n || (s[i] != ':' && s[i] != '.') || digit_run(s + i + 1, n - i - 1) != 2) {
            if (part == 0)
                return FORM_NO;
            break;
        }
        int v = digits_value(s + i + 1, 2);
        if (part == 0)
            m = v;
        else
            sec = v;
        i += 3;
    }
    if (i < n && (s[i] == '.' || s[i] == ',')) {
        k = digit_run(s + i + 1, n - i - 1);
        if (k == 0 || k > 9)
            return FORM_NO;
        nonzero_frac = !all_zeros(s + i + 1, k);
        i += 1 + k;
    }
    while (i < n && s[i] == ' ')
        i++;
    int ampm = 0;   /* 1 = AM, 2 = PM */
    if (i + 2 <= n && (strncasecmp(s + i, "AM", 2) == 0 || strncasecmp(s + i, "PM", 2) == 0)) {
        ampm = (s[i] == 'A' || s[i] == 'a') ? 1 : 2;
        i += 2;
    } else if (i + 1 == n && (s[i] == 'Z' || s[i] == 'z')) {
        i++;
    }
    if (i != n)
        return FORM_NO;
    if (ampm) {
        if (h < 1 || h > 12)
            return FORM_BAD;
        h = h % 12 + (ampm == 2 ? 12 : 0);
    }
    if (h > 23 || m > 59 || sec > 59)
        return FORM_BAD;
    *midnight = h == 0 && m == 0 && sec == 0 && !nonzero_frac;
    return FORM_OK;
}

/* The date part is n0 bytes; the rest, if any, must be spaces (or one 'T'
 * when t_ok) and a time of day. */
static form_result finish(const char *s, size_t n, size_t n0, int y, int m, int d, int t_ok,
                          parsed_date *out)
{
    out->timed = 0;
    if (n0 < n) {
        size_t i = n0;
        if (t_ok && (s[i] == 'T' || s[i] == 't'))
            i++;
        else
            while (i < n && s[i] == ' ')
                i++;
        if (i == n0 || i == n)
            return FORM_NO;
        int midnight;
        form_result tr = parse_time(s + i, n - i, &midnight);
        if (tr == FORM_NO)
            return FORM_NO;
        if (tr == FORM_BAD) {
            out->why = "the time of day is impossible";
            return FORM_BAD;
        }
        out->timed = !midnight;
    }
    out->date = cs_date_from_ymd(y, m, d);
    if (out->date == CS_DATE_NONE) {
        out->why = "no such day in the calendar";
        return FORM_BAD;
    }
    return FORM_OK;
}

/* yyyy-mm-dd (sep '-') or yyyy/mm/dd (sep '/'), then an optional time after a
 * space or 'T' (SQL Server, ISO 8601). */
static form_result form_year_first(const char *s, size_t n, char sep, parsed_date *out)
{
    if (n < 10 || s[4] != sep || s[7] != sep || !all_digits(s, 4) || !all_digits(s + 5, 2) ||
        !all_digits(s + 8, 2))
        return FORM_NO;
    return finish(s, n, 10, digits_value(s, 4), digits_value(s + 5, 2), digits_value(s + 8, 2),
                  1, out);
}

/* d/m/yyyy and dd/mm/yyyy (day first: never read as mm/dd), optional time. */
static form_result form_dmy(const char *s, size_t n, parsed_date *out)
{
    size_t dl = digit_run(s, n);
    if (dl < 1 || dl > 2 || dl >= n || s[dl] != '/')
        return FORM_NO;
    size_t ml = digit_run(s + dl + 1, n - dl - 1);
    size_t yp = dl + 1 + ml + 1;
    if (ml < 1 || ml > 2 || yp > n || s[yp - 1] != '/')
        return FORM_NO;
    if (digit_run(s + yp, n - yp) != 4)
        return FORM_NO;
    return finish(s, n, yp + 4, digits_value(s + yp, 4), digits_value(s + dl + 1, ml),
                  digits_value(s, dl), 0, out);
}

/* Oracle dd-MON-yy / dd-MON-yyyy. Two-digit years follow the RR convention
 * with a fixed pivot: 00-49 -> 20xx, 50-99 -> 19xx. */
static form_result form_oracle(const char *s, size_t n, parsed_date *out)
{
    static const char months[12][4] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                       "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
    size_t dl = digit_run(s, n);
    if (dl < 1 || dl > 2 || dl + 5 > n || s[dl] != '-' || s[dl + 4] != '-')
        return FORM_NO;
    int m = 0;
    for (int i = 0; i < 12 && !m; i++)
        if (strncasecmp(s + dl + 1, months[i], 3) == 0)
            m = i + 1;
    size_t yp = dl + 5, yl = digit_run(s + yp, n - yp);
    if (!m || (yl != 2 && yl != 4))
        return FORM_NO;
    int y = digits_value(s + yp, yl);
    if (yl == 2)
        y += y < 50 ? 2000 : 1900;
    return finish(s, n, yp + yl, y, m, digits_value(s, dl), 0, out);
}

/* yyyymmdd: exactly eight digits (Excel serials have at most seven). */
static form_result form_compact(const char *s, size_t n, parsed_date *out)
{
    if (n != 8 || !all_digits(s, 8))
        return FORM_NO;
    return finish(s, n, 8, digits_value(s, 4), digits_value(s + 4, 2), digits_value(s + 6, 2), 0,
                  out);
}

/* Excel serial, 1900 date system: 1 = 1900-01-01; Excel believes 1900 was a
 * leap year, so serial 60 is the non-existent 29/02/1900 and serials from 61
 * on are one day ahead of a plain count. A fraction is the time of day. */
static form_result form_serial(const char *s, size_t n, parsed_date *out)
{
    size_t ip = digit_run(s, n);
    if (ip == 0 || ip > 7)
        return FORM_NO;
    size_t fp = 0;
    if (ip < n) {
        if (s[ip] != '.' || !all_digits(s + ip + 1, n - ip - 1))
            return FORM_NO;
        fp = n - ip - 1;
    }
    int serial = digits_value(s, ip);
    out->serial = 1;
    out->timed = fp > 0 && !all_zeros(s + ip + 1, fp);
    if (serial < 1 || serial > EXCEL_SERIAL_MAX) {
        out->why = "number is outside Excel's date range (1 to 2958465)";
        return FORM_BAD;
    }
    if (serial == 60) {
        out->why = "Excel serial 60 is 29/02/1900, a day that never existed (Excel's leap-year bug)";
        return FORM_BAD;
    }
    cs_date day0 = cs_date_from_ymd(1899, 12, serial < 60 ? 31 : 30);
    out->date = day0 + serial;
    return FORM_OK;
}

static form_result parse_in_style(const char *s, size_t n, cs_date_style style, parsed_date *out)
{
    form_result r;
    memset(out, 0, sizeof *out);
    if ((r = form_serial(s, n, out)) != FORM_NO)
        return r;
    memset(out, 0, sizeof *out);
    switch (style) {
    case CS_DATES_ISO:
    case CS_DATES_SQLSERVER:
        return form_year_first(s, n, '-', out);
    case CS_DATES_DMY:
        return form_dmy(s, n, out);
    case CS_DATES_ORACLE:
        return form_oracle(s, n, out);
    case CS_DATES_AUTO:
        break;
    }
    if ((r = form_year_first(s, n, '-', out)) != FORM_NO ||
        (r = form_year_first(s, n, '/', out)) != FORM_NO || (r = form_dmy(s, n, out)) != FORM_NO ||
        (r = form_oracle(s, n, out)) != FORM_NO)
        return r;
    return form_compact(s, n, out);
}

/* 1900-01-01 as a day number (days since 1970-01-01), a constant so the
 * per-date check costs a comparison (the placeholder cases in test_values
 * pin it: 70 years of 365 days and 17 leap days before 1970). */
#define PLACEHOLDER_DAY (-25567)

static int is_placeholder(cs_date d)
{
    return d == PLACEHOLDER_DAY;
}

/* Two digits at s as a number, or -1. */
static int two_digits(const char *s)
{
    return is_digit(s[0]) && is_digit(s[1]) ? (s[0] - '0') * 10 + (s[1] - '0') : -1;
}

/* The forms nearly every date comes in, read without trying the others:
 * exactly yyyy-mm-dd where the style accepts it (ISO, SQL Server, auto) and
 * exactly dd/mm/yyyy (DMY, auto). Returns the date, or CS_DATE_NONE to
 * leave the value to the full parser (another form, an impossible day, the
 * placeholder), which then gives the same result and findings as ever. */
static cs_date date_fast(const char *t, size_t tn, cs_date_style style)
{
    if (tn != 10)
        return CS_DATE_NONE;
    int y = -1, m = -1, d = -1;
    if (t[4] == '-' && t[7] == '-' && style != CS_DATES_DMY && style != CS_DATES_ORACLE) {
        int hi = two_digits(t), lo = two_digits(t + 2);
        if (hi >= 0 && lo >= 0)
            y = hi * 100 + lo;
        m = two_digits(t + 5);
        d = two_digits(t + 8);
    } else if (t[2] == '/' && t[5] == '/' && (style == CS_DATES_DMY || style == CS_DATES_AUTO)) {
        int hi = two_digits(t + 6), lo = two_digits(t + 8);
        if (hi >= 0 && lo >= 0)
            y = hi * 100 + lo;
        m = two_digits(t + 3);
        d = two_digits(t);
    }
    if (y < 0 || m < 0 || d < 0)
        return CS_DATE_NONE;
    cs_date v = cs_date_from_ymd(y, m, d);
    return is_placeholder(v) ? CS_DATE_NONE : v;
}

cs_date cs_value_date(const cs_value_ctx *c, const char *s, size_t n, cs_date_style style)
{
    size_t tn;
    const char *t = trim(c, s, n, &tn);
    if (tn == 0)
        return CS_DATE_NONE;
    cs_date quick = date_fast(t, tn, style);
    if (quick != CS_DATE_NONE)
        return quick;
    parsed_date p;
    form_result r = parse_in_style(t, tn, style, &p);
    if (r == FORM_NO && style != CS_DATES_AUTO) {
        /* strict style, but a 1900-01-01 placeholder in any form is still
         * just "no date"; anything else is reported against the style */
        parsed_date q;
        if (parse_in_style(t, tn, CS_DATES_AUTO, &q) == FORM_OK && is_placeholder(q.date)) {
            note(c, CS_FK_PLACEHOLDER_DATE, t, tn, NULL, NULL);
            return CS_DATE_NONE;
        }
        char detail[96];
        snprintf(detail, sizeof detail, "expected dates written %s", style_label(style));
        note(c, CS_FK_BAD_DATE, t, tn, NULL, detail);
        return CS_DATE_NONE;
    }
    if (r != FORM_OK) {
        note(c, CS_FK_BAD_DATE, t, tn, NULL, r == FORM_BAD ? p.why : NULL);
        return CS_DATE_NONE;
    }
    if (is_placeholder(p.date)) {
        note(c, CS_FK_PLACEHOLDER_DATE, t, tn, NULL, NULL);
        return CS_DATE_NONE;
    }
    if (p.serial || p.timed) {   /* the repaired text only when a finding needs it */
        char iso[11];
        cs_date_iso(p.date, iso);
        if (p.serial)
            note(c, CS_FK_EXCEL_SERIAL_DATE, t, tn, iso, NULL);
        if (p.timed)
            note(c, CS_FK_DATETIME_TIME, t, tn, iso, NULL);
    }
    return p.date;
}

/* One split-date part: digits with optional Excel ".0" damage. Returns the
 * digit count (leading zeros included) or 0 when it is not such a number. */
static size_t split_part(const char *s, size_t n, int *value, int *damaged)
{
    size_t k = digit_run(s, n);
    if (k == 0 || k > 4)
        return 0;
    if (k < n) {
        if (s[k] != '.' || !all_zeros(s + k + 1, n - k - 1))
            return 0;
        *damaged = 1;
    }
    *value = digits_value(s, k);
    return k;
}

cs_date cs_value_split_date(const cs_value_ctx *c, const char *day, size_t dn, const char *month,
                            size_t mn, const char *year, size_t yn)
{
    const char *p[3];
    size_t pn[3];
    p[0] = trim(c, day, dn, &pn[0]);
    p[1] = trim(c, month, mn, &pn[1]);
    p[2] = trim(c, year, yn, &pn[2]);
    if (pn[0] == 0 && pn[1] == 0 && pn[2] == 0)
        return CS_DATE_NONE;
    char orig[128];
    int on = snprintf(orig, sizeof orig, "%.*s/%.*s/%.*s", (int)(pn[0] > 40 ? 40 : pn[0]), p[0],
                      (int)(pn[1] > 40 ? 40 : pn[1]), p[1], (int)(pn[2] > 40 ? 40 : pn[2]), p[2]);
    size_t olen = on < 0 ? 0 : (size_t)on >= sizeof orig ? sizeof orig - 1 : (size_t)on;
    if (pn[0] == 0 || pn[1] == 0 || pn[2] == 0) {
        note(c, CS_FK_SPLIT_DATE, orig, olen, NULL, "day, month or year is missing");
        return CS_DATE_NONE;
    }
    int v[3], damaged = 0;
    size_t len[3];
    for (int i = 0; i < 3; i++) {
        len[i] = split_part(p[i], pn[i], &v[i], &damaged);
        if (len[i] == 0) {
            note(c, CS_FK_SPLIT_DATE, orig, olen, NULL, "day, month or year is not a number");
            return CS_DATE_NONE;
        }
    }
    if (len[2] != 4) {
        note(c, CS_FK_SPLIT_DATE, orig, olen, NULL, "the year must have four digits");
        return CS_DATE_NONE;
    }
    cs_date d = cs_date_from_ymd(v[2], v[1], v[0]);
    if (d == CS_DATE_NONE) {
        note(c, CS_FK_SPLIT_DATE, orig, olen, NULL, "no such day in the calendar");
        return CS_DATE_NONE;
    }
    if (is_placeholder(d)) {
        note(c, CS_FK_PLACEHOLDER_DATE, orig, olen, NULL, NULL);
        return CS_DATE_NONE;
    }
    if (damaged) {
        char iso[11];
        note(c, CS_FK_INT_DECIMAL, orig, olen, cs_date_iso(d, iso), NULL);
    }
    return d;
}
