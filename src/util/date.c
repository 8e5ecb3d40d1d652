#include "util/date.h"


/* Howard Hinnant's days-from-civil algorithms. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *yy, int *mm, int *dd)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t y = (int64_t)yoe + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    *yy = (int)(y + (m <= 2));
    *mm = (int)m;
    *dd = (int)d;
}

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int cs_days_in_month(int y, int m)
{
    static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    return m == 2 && is_leap(y) ? 29 : len[m - 1];
}

int cs_date_is_valid_ymd(int y, int m, int d)
{
    return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= cs_days_in_month(y, m);
}

cs_date cs_date_from_ymd(int y, int m, int d)
{
    if (!cs_date_is_valid_ymd(y, m, d))
        return CS_DATE_NONE;
    return (cs_date)days_from_civil(y, (unsigned)m, (unsigned)d);
}

void cs_date_to_ymd(cs_date dt, int *y, int *m, int *d)
{
    civil_from_days(dt, y, m, d);
}

int cs_date_weekday(cs_date dt)
{
    /* 1970-01-01 was a Thursday (4) */
    int64_t w = ((int64_t)dt + 3) % 7;
    if (w < 0)
        w += 7;
    return (int)w + 1;
}

int cs_date_is_weekend(cs_date dt)
{
    return cs_date_weekday(dt) >= 6;
}

cs_date cs_date_add_months(cs_date dt, int months)
{
    if (dt == CS_DATE_NONE)
        return CS_DATE_NONE;
    int y, m, d;
    civil_from_days(dt, &y, &m, &d);
    int64_t total = (int64_t)y * 12 + (m - 1) + months;
    int ny = (int)(total >= 0 ? total / 12 : (total - 11) / 12);
    int nm = (int)(total - (int64_t)ny * 12) + 1;
    if (ny < 1 || ny > 9999)
        return CS_DATE_NONE;
    int dim = cs_days_in_month(ny, nm);
    if (d > dim)
        d = dim;
    return (cs_date)days_from_civil(ny, (unsigned)nm, (unsigned)d);
}

cs_date cs_date_add_years(cs_date dt, int years)
{
    return cs_date_add_months(dt, years * 12);
}

int cs_age_years(cs_date birth, cs_date at)
{
    if (birth == CS_DATE_NONE || at == CS_DATE_NONE || at < birth)
        return -1;
    int by, bm, bd, ay, am, ad;
    civil_from_days(birth, &by, &bm, &bd);
    civil_from_days(at, &ay, &am, &ad);
    int age = ay - by;
    /* birthday not reached yet this year; 29 Feb birthdays count from 1 Mar */
    if (am < bm || (am == bm && ad < bd))
        age--;
    return age;
}

int cs_financial_year_end(cs_date dt)
{
    int y, m, d;
    civil_from_days(dt, &y, &m, &d);
    return m >= 4 ? y + 1 : y;
}

static void put_digits(char *out, int v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        out[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

char *cs_date_iso(cs_date dt, char buf[11])
{
    if (dt == CS_DATE_NONE) {
        buf[0] = '\0';
        return buf;
    }
    int y, m, d;
    civil_from_days(dt, &y, &m, &d);
    put_digits(buf, y, 4);
    buf[4] = '-';
    put_digits(buf + 5, m, 2);
    buf[7] = '-';
    put_digits(buf + 8, d, 2);
    buf[10] = '\0';
    return buf;
}

char *cs_date_dmy(cs_date dt, char buf[11])
{
    if (dt == CS_DATE_NONE) {
        buf[0] = '\0';
        return buf;
    }
    int y, m, d;
    civil_from_days(dt, &y, &m, &d);
    put_digits(buf, d, 2);
    buf[2] = '/';
    put_digits(buf + 3, m, 2);
    buf[5] = '/';
    put_digits(buf + 6, y, 4);
    buf[10] = '\0';
    return buf;
}

static int digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

cs_date cs_date_parse_iso(const char *s, size_t n)
{
    int y, m, d;
    if (n != 10 || s[4] != '-' || s[7] != '-')
        return CS_DATE_NONE;
    if (!digits(s, 4, &y) || !digits(s + 5, 2, &m) || !digits(s + 8, 2, &d))
        return CS_DATE_NONE;
    return cs_date_from_ymd(y, m, d);
}

cs_date cs_date_parse_dmy(const char *s, size_t n)
{
    /* D/M/YYYY, DD/MM/YYYY and mixes */
    size_t i = 0, start;
    int d, m, y;
    start = i;
    while (i < n && s[i] != '/')
        i++;
    if (i - start < 1 || i - start > 2 || i >= n || !digits(s + start, i - start, &d))
        return CS_DATE_NONE;
    start = ++i;
    while (i < n && s[i] != '/')
        i++;
    if (i - start < 1 || i - start > 2 || i >= n || !digits(s + start, i - start, &m))
        return CS_DATE_NONE;
    start = ++i;
    if (n - start != 4 || !digits(s + start, 4, &y))
        return CS_DATE_NONE;
    return cs_date_from_ymd(y, m, d);
}
