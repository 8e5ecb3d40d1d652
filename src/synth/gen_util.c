/* Small tools the generator stages share: PRNG seeding, weighted choice,
 * ids and strings in the model arena, and an England & Wales working-day
 * calendar (weekends and bank holidays, computed from the rules so the
 * library needs no data file). */
#include "synth/gen_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void syn_rng_seed(syn_rng *r, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed ^ (stream * 0xD1B54A32D192ED03ull);
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

int syn_pick(syn_rng *r, const uint16_t *weights, int n)
{
    uint32_t total = 0;
    for (int i = 0; i < n; i++)
        total += weights[i];
    uint32_t x = syn_below(r, total);
    for (int i = 0; i < n; i++) {
        if (x < weights[i])
            return i;
        x -= weights[i];
    }
    return n - 1;
}

/* Prefixes keep ids unique per entity and readable in exception lists. */
static const char *const id_prefix[CS_ENTITY_COUNT] = {
    [CS_E_person] = "", [CS_E_disability] = "DIS", [CS_E_immigration_status] = "IMM",
    [CS_E_team] = "T", [CS_E_worker] = "W", [CS_E_involvement] = "INV",
    [CS_E_contact] = "CON", [CS_E_early_help] = "EH", [CS_E_referral] = "REF",
    [CS_E_assessment] = "ASM", [CS_E_assessment_factor] = "AF", [CS_E_cin_plan] = "CINP",
    [CS_E_s47] = "S47", [CS_E_icpc] = "ICPC", [CS_E_cp_plan] = "CPP",
    [CS_E_cp_review] = "CPR", [CS_E_visit] = "VIS", [CS_E_cla_period] = "LAC",
    [CS_E_cla_placement] = "PL", [CS_E_legal_status] = "LS", [CS_E_cla_episode] = "EP",
    [CS_E_cla_review] = "LACR", [CS_E_health_check] = "HC", [CS_E_sdq] = "SDQ",
    [CS_E_outcome] = "OC", [CS_E_missing_episode] = "MIS", [CS_E_care_leaver] = "CL",
    [CS_E_permanence] = "PERM", [CS_E_previous_permanence] = "PP", [CS_E_adopter] = "ADP",
    [CS_E_dol_order] = "DOL",
};

const char *syn_id(syn_ctx *c, cs_entity_id e)
{
    uint64_t n = ++c->next_id[e];
    if (e == CS_E_person)
        n += 1000000; /* case-system style numeric ids, 7 digits and up */
    char digits[24];
    int nd = 0;
    while (n) {
        digits[nd++] = (char)('0' + n % 10);
        n /= 10;
    }
    const char *p = id_prefix[e] ? id_prefix[e] : "X";
    size_t np = strlen(p);
    char *s = cs_arena_alloc_raw(&c->m->arena, np + (size_t)nd + 1);
    memcpy(s, p, np);
    for (int i = 0; i < nd; i++)
        s[np + (size_t)i] = digits[nd - 1 - i];
    s[np + (size_t)nd] = '\0';
    return s;
}

const char *syn_str(syn_ctx *c, const char *s)
{
    return cs_arena_strdup(&c->m->arena, s);
}

const char *syn_strf(syn_ctx *c, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return cs_arena_strdup(&c->m->arena, buf);
}

void *syn_row(syn_ctx *c, cs_entity_id e)
{
    void *row = cs_model_append(c->m, e);
    *(const char **)row = syn_id(c, e); /* every entity's first field is its id */
    return row;
}

/* ---- calendar ---- */

static cs_date easter_sunday(int y)
{
    int a = y % 19, b = y / 100, cc = y % 100, d = b / 4, e = b % 4;
    int f = (b + 8) / 25, g = (b - f + 1) / 3;
    int h = (19 * a + b - d - g + 15) % 30;
    int i = cc / 4, k = cc % 4;
    int l = (32 + 2 * e + 2 * i - h - k) % 7;
    int m = (a + 11 * h + 22 * l) / 451;
    int month = (h + l - 7 * m + 114) / 31;
    int day = ((h + l - 7 * m + 114) % 31) + 1;
    return cs_date_from_ymd(y, month, day);
}

static cs_date first_monday(int y, int m)
{
    cs_date d = cs_date_from_ymd(y, m, 1);
    while (cs_date_weekday(d) != 1)
        d++;
    return d;
}

static cs_date last_monday(int y, int m)
{
    cs_date d = cs_date_from_ymd(y, m, cs_days_in_month(y, m));
    while (cs_date_weekday(d) != 1)
        d--;
    return d;
}

/* Bank holidays of year y into out (at most 12); returns the count. */
static int bank_holidays(int y, cs_date *out)
{
    int n = 0;
    cs_date ny = cs_date_from_ymd(y, 1, 1);
    while (cs_date_is_weekend(ny))
        ny++;
    out[n++] = ny;
    cs_date easter = easter_sunday(y);
    out[n++] = easter - 2;
    out[n++] = easter + 1;
    out[n++] = y == 2020 ? cs_date_from_ymd(2020, 5, 8) : first_monday(y, 5);
    if (y == 2012) {
        out[n++] = cs_date_from_ymd(2012, 6, 4);
        out[n++] = cs_date_from_ymd(2012, 6, 5);
    } else if (y == 2022) {
        out[n++] = cs_date_from_ymd(2022, 6, 2);
        out[n++] = cs_date_from_ymd(2022, 6, 3);
        out[n++] = cs_date_from_ymd(2022, 9, 19);
    } else {
        out[n++] = last_monday(y, 5);
    }
    if (y == 2011)
        out[n++] = cs_date_from_ymd(2011, 4, 29);
    if (y == 2023)
        out[n++] = cs_date_from_ymd(2023, 5, 8);
    out[n++] = last_monday(y, 8);
    /* Christmas and Boxing Day, moved past the weekend */
    cs_date xmas = cs_date_from_ymd(y, 12, 25), boxing = xmas + 1;
    int wx = cs_date_weekday(xmas);
    if (wx == 6) {        /* Sat: Mon 27, Tue 28 */
        xmas += 2;
        boxing += 2;
    } else if (wx == 7) { /* Sun: Tue 27 for Christmas, Mon 26 Boxing Day */
        xmas += 2;
    } else if (wx == 5) { /* Fri: Boxing Day on Sat moves to Mon 28 */
        boxing += 2;
    }
    out[n++] = xmas;
    out[n++] = boxing;
    return n;
}

void syn_calendar_init(syn_ctx *c, cs_date from, cs_date to)
{
    c->cal_base = from;
    c->cal_days = (int32_t)(to - from + 1);
    unsigned char *hol = cs_xcalloc((size_t)c->cal_days, 1);
    int y0, y1, mm, dd;
    cs_date_to_ymd(from, &y0, &mm, &dd);
    cs_date_to_ymd(to, &y1, &mm, &dd);
    for (int y = y0; y <= y1; y++) {
        cs_date h[16];
        int n = bank_holidays(y, h);
        for (int i = 0; i < n; i++)
            if (h[i] >= from && h[i] <= to)
                hol[h[i] - from] = 1;
    }
    c->wd_count = cs_xmalloc((size_t)c->cal_days * sizeof *c->wd_count);
    c->wd_list = cs_xmalloc((size_t)c->cal_days * sizeof *c->wd_list);
    int32_t k = 0;
    for (int32_t i = 0; i < c->cal_days; i++) {
        cs_date d = from + i;
        if (!hol[i] && !cs_date_is_weekend(d))
            c->wd_list[k++] = d;
        c->wd_count[i] = k;
    }
    c->n_wd = k;
    free(hol);
}

void syn_calendar_free(syn_ctx *c)
{
    free(c->wd_count);
    free(c->wd_list);
    c->wd_count = NULL;
    c->wd_list = NULL;
}

static int32_t clamp_day(const syn_ctx *c, cs_date d)
{
    int32_t i = (int32_t)(d - c->cal_base);
    if (i < 0)
        return 0;
    if (i >= c->cal_days)
        return c->cal_days - 1;
    return i;
}

bool syn_is_wd(const syn_ctx *c, cs_date d)
{
    int32_t i = clamp_day(c, d);
    return c->wd_count[i] != (i ? c->wd_count[i - 1] : 0);
}

cs_date syn_wd_add(const syn_ctx *c, cs_date d, int n)
{
    if (n <= 0)
        return d;
    int32_t k = c->wd_count[clamp_day(c, d)] + n - 1;
    if (k >= c->n_wd)
        return c->wd_list[c->n_wd - 1] + (k - c->n_wd + 1) * 7 / 5;
    return c->wd_list[k];
}

cs_date syn_wd_sub(const syn_ctx *c, cs_date d, int n)
{
    if (n <= 0)
        return d;
    int32_t cnt = c->wd_count[clamp_day(c, d)];
    int32_t k = (syn_is_wd(c, d) ? cnt - 1 : cnt) - n;
    if (k < 0)
        return c->wd_list[0];
    return c->wd_list[k];
}

int syn_wd_between(const syn_ctx *c, cs_date a, cs_date b)
{
    return (int)(c->wd_count[clamp_day(c, b)] - c->wd_count[clamp_day(c, a)]);
}

cs_date syn_prev_wd(const syn_ctx *c, cs_date d)
{
    int32_t k = c->wd_count[clamp_day(c, d)];
    return k ? c->wd_list[k - 1] : d;
}

cs_date syn_next_wd(const syn_ctx *c, cs_date d)
{
    return syn_is_wd(c, d) ? d : syn_wd_add(c, d, 1);
}

char syn_upn_check_letter(const char *upn12)
{
    static const char alphabet[] = "ABCDEFGHJKLMNPQRTUVWXYZ";
    unsigned sum = 0;
    for (unsigned i = 0; i < 12; i++)
        sum += (unsigned)(upn12[i] - '0') * (i + 2);
    return alphabet[sum % 23];
}
