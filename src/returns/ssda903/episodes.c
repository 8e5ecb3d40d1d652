/* A child's 903 episodes: the system's own when it holds them (every source
 * profile maps its episode table to cla_episode), else derived from the
 * periods of care, placements and legal statuses (spec sections 1 and 6).
 *
 * Held episodes are taken as recorded (DECOM, RNE, CIN, DEC, REC), so what
 * is wrong in the system shows in the return and its rules: LS is the
 * legal status in force on DECOM; the placement is the episode's
 * placement_id, or the one in force on DECOM; REASON_PLACE_CHANGE is that
 * placement's change_reason when the next episode of the period starts with
 * a move (RNE P, T, U or B). CIN falls back to the period's category.
 *
 * Derivation:
 *
 * Within a period of care [start, end) a new episode begins on every date
 * where the legal status or the placement changes; the first episode of a
 * period has RNE S. At a change:
 *   - legal status only                                  L
 *   - placement only: the same carer (carer_id) T, else  P
 *   - both: the same carer U, else                       B
 * The placement "changes" when the reportable placement differs: PLACE,
 * PLACE_PROVIDER, URN or postcode (the four items rules 434-436 compare), so
 * a new placement record with the same details is no change; the legal
 * status changes when its code does. The state on a date is the placement
 * (legal status) that started most recently on or before it among those
 * of the period (a placement's period_id, or when it has none, its dates
 * overlapping the period); an end date alone does not end an episode, the
 * next start does. Ties on the start date go to the record that runs longer
 * (open is longest), then the later record.
 *
 * Every episode but the period's last ends on the next one's DECOM with REC
 * X1; an episode that ends with a placement move carries the ending
 * placement's change_reason as REASON_PLACE_CHANGE (the SSD stores the
 * reason on the placement that ended). The last episode ends on the
 * period's end date with the period's end_reason, or is open.
 *
 * Periods are taken in start order and never overlap: a period that starts
 * before the previous one ended cuts that one short (keeping its end
 * reason); a period starting on the same day as the previous one replaces
 * it. Episodes are derived over the whole history, so an episode open on
 * 1 April keeps its true DECOM; the builder picks the year's episodes. */
#include <string.h>
#include <strings.h>

#include "returns/ssda903/internal.h"

static int str_eq(const char *a, const char *b)
{
    if (!a || !*a)
        return !b || !*b;
    return b && strcasecmp(a, b) == 0;
}

static int postcode_eq(const char *a, const char *b)
{
    char x[32], y[32];
    return str_eq(s903_postcode_norm(a, x, sizeof x), s903_postcode_norm(b, y, sizeof y));
}

/* The same placement as far as the return is concerned. */
static int same_placement(const cs_cla_placement *a, const cs_cla_placement *b)
{
    if (a == b)
        return 1;
    if (!a || !b)
        return 0;
    return str_eq(a->placement_type, b->placement_type) && str_eq(a->provider, b->provider) &&
           str_eq(a->urn, b->urn) && postcode_eq(a->postcode, b->postcode);
}

static int same_carer(const cs_cla_placement *a, const cs_cla_placement *b)
{
    return a && b && a->carer_id && *a->carer_id && b->carer_id &&
           strcmp(a->carer_id, b->carer_id) == 0;
}

static const char *ls_code(const cs_legal_status *l)
{
    return l ? l->legal_status : NULL;
}

/* Later end wins a tie on start; open (NONE) is the latest end. */
static int ends_later(cs_date a, cs_date b)
{
    if (a == CS_DATE_NONE)
        return b != CS_DATE_NONE;
    return b != CS_DATE_NONE && a > b;
}

/* A record with dates [start, end] belongs to the period [s, e] (e NONE: open). */
static int overlaps(cs_date start, cs_date end, cs_date s, cs_date e)
{
    if (start == CS_DATE_NONE)
        return 0;
    if (e != CS_DATE_NONE && start > e)
        return 0;
    return end == CS_DATE_NONE || end >= s;
}

static int placement_in(const cs_cla_placement *pl, const cs_cla_period *p, cs_date s,
                        cs_date e)
{
    if (pl->start_date == CS_DATE_NONE)
        return 0;
    if (pl->period_id && *pl->period_id && p->id && *p->id)
        return strcmp(pl->period_id, p->id) == 0;
    return overlaps(pl->start_date, pl->end_date, s, e);
}

/* The record in force on `day` so far: started latest on or before it
 * (starts before the period count from its start), ties to the one that
 * runs longer. */
typedef struct {
    const void *row;
    cs_date start, end;
} pick;

static void consider(pick *best, const void *row, cs_date start, cs_date end, cs_date s,
                     cs_date day)
{
    if (start < s)
        start = s;
    if (start > day)
        return;
    if (!best->row || start > best->start ||
        (start == best->start && !ends_later(best->end, end)))
        *best = (pick){row, start, end};
}

static const cs_cla_placement *placement_at(const cs_cla_placement *const *v, size_t n,
                                            const cs_cla_period *p, cs_date s, cs_date e,
                                            cs_date day)
{
    pick best = {NULL, CS_DATE_NONE, CS_DATE_NONE};
    for (size_t i = 0; i < n; i++)
        if (placement_in(v[i], p, s, e))
            consider(&best, v[i], v[i]->start_date, v[i]->end_date, s, day);
    return best.row;
}

static const cs_legal_status *status_at(const cs_legal_status *const *v, size_t n, cs_date s,
                                        cs_date e, cs_date day)
{
    pick best = {NULL, CS_DATE_NONE, CS_DATE_NONE};
    for (size_t i = 0; i < n; i++)
        if (overlaps(v[i]->start_date, v[i]->end_date, s, e))
            consider(&best, v[i], v[i]->start_date, v[i]->end_date, s, day);
    return best.row;
}

static s903_episode *push(s903_episodes *out)
{
    if (out->n == out->cap) {
        out->cap = out->cap ? out->cap * 2 : 16;
        out->v = cs_xrealloc(out->v, out->cap * sizeof *out->v);
    }
    s903_episode *ep = &out->v[out->n++];
    memset(ep, 0, sizeof *ep);
    ep->dec = CS_DATE_NONE;
    return ep;
}

/* Change dates inside (s, e): starts of the period's placements and of
 * legal statuses overlapping it, sorted and unique, after s itself. */
static size_t change_dates(const cs_cla_period *p, cs_date s, cs_date e,
                           const cs_cla_placement *const *pls, size_t npl,
                           const cs_legal_status *const *lss, size_t nls, cs_date *out,
                           size_t cap)
{
    size_t n = 0;
    out[n++] = s;
    for (size_t i = 0; i < npl + nls && n < cap; i++) {
        cs_date d;
        if (i < npl) {
            if (!placement_in(pls[i], p, s, e))
                continue;
            d = pls[i]->start_date;
        } else {
            const cs_legal_status *l = lss[i - npl];
            if (!overlaps(l->start_date, l->end_date, s, e))
                continue;
            d = l->start_date;
        }
        if (d <= s || (e != CS_DATE_NONE && d >= e))
            continue;
        size_t k = n;   /* insertion keeps them sorted; a child has few */
        while (k > 0 && out[k - 1] > d)
            k--;
        if (out[k - 1] == d)
            continue;
        memmove(out + k + 1, out + k, (n - k) * sizeof *out);
        out[k] = d;
        n++;
    }
    return n;
}

#define MAX_CHANGES 4096   /* changes inside one period of care */

static void period_episodes(const cs_cla_period *p, cs_date s, cs_date e,
                            const cs_cla_placement *const *pls, size_t npl,
                            const cs_legal_status *const *lss, size_t nls, s903_episodes *out)
{
    static _Thread_local cs_date dates[MAX_CHANGES];
    size_t nd = change_dates(p, s, e, pls, npl, lss, nls, dates, MAX_CHANGES);
    s903_episode *prev = NULL;
    for (size_t i = 0; i < nd; i++) {
        cs_date day = dates[i];
        const cs_cla_placement *pl = placement_at(pls, npl, p, s, e, day);
        const cs_legal_status *ls = status_at(lss, nls, s, e, day);
        const char *rne = "S";
        if (prev) {
            int moved = !same_placement(prev->pl, pl);
            int ls_changed = !str_eq(ls_code(prev->ls), ls_code(ls));
            if (!moved && !ls_changed)
                continue;
            int carer = moved && same_carer(prev->pl, pl);
            rne = !moved ? "L" : !ls_changed ? (carer ? "T" : "P") : (carer ? "U" : "B");
            prev->dec = day;
            prev->rec = "X1";
            prev->reason_place_change = moved && prev->pl ? prev->pl->change_reason : NULL;
        }
        s903_episode *ep = push(out);
        ep->decom = day;
        ep->rne = rne;
        ep->cin = p->primary_need;
        ep->pl = pl;
        ep->ls = ls;
        ep->prov = pl ? &pl->prov : &p->prov;
        prev = ep;
    }
    if (prev) {
        prev->dec = e;
        prev->rec = e != CS_DATE_NONE ? p->end_reason : NULL;
    }
}

static void derive(const s903_history *h, s903_episodes *out)
{
    const cs_cla_period *const *periods = h->periods;
    for (size_t i = 0; i < h->nperiods; i++) {
        const cs_cla_period *p = periods[i];
        if (p->start_date == CS_DATE_NONE)
            continue;
        cs_date s = p->start_date, e = p->end_date;
        /* the next period with a start date cuts this one short */
        for (size_t j = i + 1; j < h->nperiods; j++) {
            cs_date ns = periods[j]->start_date;
            if (ns == CS_DATE_NONE)
                continue;
            if (e == CS_DATE_NONE || ns < e)
                e = ns;
            break;
        }
        if (e != CS_DATE_NONE && e == s && e != p->end_date)
            continue;   /* replaced by a period starting the same day */
        period_episodes(p, s, e, h->placements, h->nplacements, h->statuses, h->nstatuses, out);
    }
}

/* ---- held episodes ------------------------------------------------------------ */

static const cs_cla_period *period_by_id(const s903_history *h, const char *id)
{
    for (size_t i = 0; id && *id && i < h->nperiods; i++)
        if (h->periods[i]->id && strcmp(h->periods[i]->id, id) == 0)
            return h->periods[i];
    return NULL;
}

static const cs_cla_placement *placement_by_id(const s903_history *h, const char *id)
{
    for (size_t i = 0; id && *id && i < h->nplacements; i++)
        if (h->placements[i]->id && strcmp(h->placements[i]->id, id) == 0)
            return h->placements[i];
    return NULL;
}

static int is_move(const char *rne)
{
    return rne && rne[0] && !rne[1] && strchr("PTUB", rne[0] & ~0x20);
}

static void held(const s903_history *h, s903_episodes *out)
{
    size_t first = out->n;
    for (size_t i = 0; i < h->nheld; i++) {
        const cs_cla_episode *c = h->held[i];
        if (c->start_date == CS_DATE_NONE)
            continue;
        const cs_cla_period *p = period_by_id(h, c->period_id);
        cs_date s = p && p->start_date != CS_DATE_NONE ? p->start_date : c->start_date;
        cs_date e = p ? p->end_date : CS_DATE_NONE;
        const cs_cla_placement *pl = placement_by_id(h, c->placement_id);
        if (!pl && p)
            pl = placement_at(h->placements, h->nplacements, p, s, e, c->start_date);
        s903_episode *ep = push(out);
        ep->decom = c->start_date;
        ep->dec = c->end_date;
        ep->rne = c->start_reason;
        ep->cin = c->primary_need && *c->primary_need ? c->primary_need
                  : p                                 ? p->primary_need
                                                      : NULL;
        ep->pl = pl;
        ep->ls = status_at(h->statuses, h->nstatuses, s, e, c->start_date);
        ep->rec = c->end_reason;
        ep->prov = &c->prov;
    }
    /* an episode ends with a move when the next one starts with one */
    for (size_t i = first; i + 1 < out->n; i++) {
        s903_episode *ep = &out->v[i];
        const s903_episode *next = &out->v[i + 1];
        if (ep->pl && is_move(next->rne) && ep->dec != CS_DATE_NONE && ep->dec == next->decom)
            ep->reason_place_change = ep->pl->change_reason;
    }
}

void s903_episodes_of(const s903_history *h, s903_episodes *out)
{
    if (h->nheld > 0)
        held(h, out);
    else
        derive(h, out);
}
