/* Episodes of need: contact -> referral -> assessment -> (s47 -> ICPC -> CP
 * plan) / CIN plan / care -> closure, one after another for a child. Each
 * episode is planned first (dates only), clipped at the reference date or
 * the child's death, then the allocation history is laid over it and the rows
 * are written with the team and worker holding the case at each date. */
#include "synth/gen_internal.h"

#include <string.h>

extern const syn_code syn_source_codes[22];
extern const uint16_t syn_source_w[22];

#define MAX_ASS 2
#define MAX_S47 2
#define MAX_CP 2
#define MAX_CIN 3
#define MAX_REV 12

typedef struct {
    cs_date start, auth;
    bool nfa;
} ass_plan;

typedef struct {
    cs_date start, end, target, icpc;
    bool not_required, outcome_cp;
    int cp;                   /* index of the plan it started, -1 none */
} s47_plan;

typedef struct {
    cs_date start, end;
    syn_code cat0, cat1;
    cs_date rev[MAX_REV];
    int nrev;
    bool transfer_in;         /* conference held on transfer, no s47 */
} cp_plan;

typedef struct {
    cs_date start, end;
} cin_plan;

typedef struct {
    cs_date referral, closure;
    syn_code source, need, reason;
    bool nfa;
    int nass, ns47, ncp, ncin;
    ass_plan ass[MAX_ASS];
    s47_plan s47[MAX_S47];
    cp_plan cp[MAX_CP];
    cin_plan cin[MAX_CIN];
    bool has_cla, short_breaks, eh_after;
    cs_date sb_from, sb_to;
    syn_cla_plan cla;
} ep_plan;

static const syn_code need_codes[10] = {SC_N1, SC_N2, SC_N3, SC_N4, SC_N5,
                                        SC_N6, SC_N7, SC_N8, SC_N9, SC_N0};
static const uint16_t need_w[10] = {50, 5, 4, 10, 16, 3, 1, 3, 7, 1};

/* Assessment length in working days, banded like England 2024-25 (C2). */
static int assessment_wd(syn_rng *r)
{
    static const uint16_t w[9] = {18, 117, 173, 158, 202, 189, 58, 43, 42};
    static const int lo[9] = {0, 1, 11, 21, 31, 41, 46, 51, 61};
    static const int hi[9] = {0, 10, 20, 30, 40, 45, 50, 60, 90};
    int b = syn_pick(r, w, 9);
    return syn_range(r, lo[b], hi[b]);
}

/* CP plan length in days, banded like England 2024-25 (D7). */
static int cp_days(syn_rng *r)
{
    static const uint16_t w[5] = {159, 110, 435, 252, 20};
    static const int lo[5] = {40, 92, 183, 366, 731};
    static const int hi[5] = {91, 182, 365, 730, 1100};
    int b = syn_pick(r, w, 5);
    return syn_range(r, lo[b], hi[b]);
}

static syn_code abuse_category(syn_rng *r)
{
    static const uint16_t w[5] = {48, 8, 4, 37, 3};
    static const syn_code k[5] = {SC_NEG, SC_PHY, SC_SAB, SC_EMO, SC_MUL};
    return k[syn_pick(r, w, 5)];
}

/* Latest date the child can be in children's services this episode. */
static cs_date child_end(const syn_child *ch)
{
    cs_date e = ch->limit;
    if (ch->age18 != CS_DATE_NONE && ch->age18 < e)
        e = ch->age18;
    return e;
}

static int age_at(const syn_child *ch, cs_date d)
{
    return ch->birth == CS_DATE_NONE || d < ch->birth ? 0 : cs_age_years(ch->birth, d);
}

/* ---- planning ---- */

static void plan_cp(syn_ctx *c, syn_child *ch, ep_plan *e, cs_date start, bool transfer_in,
                    cs_date *end_out, int *next)
{
    syn_rng *r = &ch->rng;
    cp_plan *p = &e->cp[e->ncp++];
    memset(p, 0, sizeof *p);
    p->start = start;
    p->transfer_in = transfer_in;
    p->cat0 = abuse_category(r);
    p->cat1 = syn_chance(r, 0.85) ? p->cat0 : abuse_category(r);
    int target = cp_days(r);
    cs_date rv = start + syn_range(r, 56, 88);
    cs_date end = CS_DATE_NONE;
    while (p->nrev < MAX_REV) {
        p->rev[p->nrev++] = rv;
        if (rv >= start + target) {
            end = rv;
            break;
        }
        rv += syn_range(r, 150, 180);
    }
    if (end == CS_DATE_NONE)
        end = p->rev[p->nrev - 1];
    /* 0 = step down to CIN plan, 1 = close, 2 = transfer out, 3 = into care */
    int outcome;
    double x = syn_unit(r);
    outcome = x < 0.52 ? 0 : x < 0.80 ? 1 : x < 0.84 ? 2 : 3;
    if (ch->birth == CS_DATE_NONE || (outcome == 3 && age_at(ch, start) > 15))
        outcome = 1;
    if (outcome == 3) {
        int span = (int)(end - start);
        cs_date cla = start + syn_range(r, 20, span > 21 ? span - 1 : 21);
        end = cla;
        while (p->nrev > 0 && p->rev[p->nrev - 1] >= cla)
            p->nrev--;
    }
    (void)c;
    if (ch->age18 != CS_DATE_NONE && end >= ch->age18) {
        end = ch->age18;
        outcome = 1;
        while (p->nrev > 0 && p->rev[p->nrev - 1] >= end)
            p->nrev--;
    }
    p->end = end;
    *end_out = end;
    *next = outcome;
}

static void plan_cin(ep_plan *e, syn_child *ch, cs_date start, int min_days, int max_days,
                     cs_date *end_out)
{
    cin_plan *p = &e->cin[e->ncin++];
    p->start = start;
    cs_date end = start + syn_range(&ch->rng, min_days, max_days);
    if (ch->age18 != CS_DATE_NONE && end > ch->age18)
        end = ch->age18;
    if (end <= start)
        end = start + 1;
    p->end = end;
    *end_out = end;
}

static s47_plan *plan_s47(syn_ctx *c, syn_child *ch, ep_plan *e, cs_date start)
{
    syn_rng *r = &ch->rng;
    s47_plan *s = &e->s47[e->ns47++];
    memset(s, 0, sizeof *s);
    s->cp = -1;
    s->start = start;
    s->target = syn_wd_add(c, start, 15);
    s->icpc = s->end = CS_DATE_NONE;
    if (syn_chance(r, 0.3)) {
        s->not_required = true;
        s->end = syn_wd_add(c, start, syn_range(r, 5, 15));
    } else {
        int delay = syn_chance(r, 0.85) ? syn_range(r, 5, 15) : syn_range(r, 16, 25);
        s->icpc = s->end = syn_wd_add(c, start, delay);
        s->outcome_cp = syn_chance(r, 0.8) &&
                        (ch->age18 == CS_DATE_NONE || s->icpc + 30 < ch->age18);
    }
    return s;
}

/* After a period of care: the closure reason that matches how it ended. */
static syn_code closure_for_rec(syn_code rec)
{
    switch (rec) {
    case SC_E11: case SC_E12: return SC_RC1;
    case SC_E45: case SC_E46: case SC_E47: case SC_E48: return SC_RC4;
    case SC_E41: return SC_RC3;
    case SC_E3: return SC_RC5;
    case SC_E7: return SC_RC6;
    case SC_E2: return SC_RC2;
    default: return SC_RC7;
    }
}

/* Care cannot start for an unborn child or within a month of 18. */
static bool route_blocked(const syn_child *ch, cs_date start)
{
    return ch->birth == CS_DATE_NONE || start < ch->birth || start + 30 >= ch->age18;
}

static cs_date plan_care(syn_ctx *c, syn_child *ch, ep_plan *e, cs_date start, syn_cla_route route,
                         syn_code *reason)
{
    if (start > ch->limit || route_blocked(ch, start))
        return start;
    e->has_cla = true;
    syn_plan_cla(c, ch, &e->cla, start, route, e->need == SC_N9 || e->need == SC_N0 ? SC_N1 : e->need);
    if (e->cla.end == CS_DATE_NONE)
        return CS_DATE_NONE;
    cs_date end = e->cla.end;
    *reason = closure_for_rec(e->cla.reason);
    if ((e->cla.reason == SC_E4A || e->cla.reason == SC_E4B) && syn_chance(&ch->rng, 0.5) &&
        end + 60 < ch->age18)
        plan_cin(e, ch, end, 60, 180, &end);
    return end;
}

/* Plan one episode from referral date t; returns the closure date (NONE = open
 * at the reference date), before clipping. */
static void plan_episode(syn_ctx *c, syn_child *ch, ep_plan *e, cs_date t)
{
    syn_rng *r = &ch->rng;
    memset(e, 0, sizeof *e);
    e->referral = t;
    e->closure = CS_DATE_NONE;
    e->source = syn_source_codes[syn_pick(r, syn_source_w, 22)];
    bool first_uasc = ch->uasc && !ch->ever_cla;
    if (first_uasc)
        e->source = syn_chance(r, 0.6) ? SC_S7 : SC_S5C;
    if (!first_uasc && syn_chance(r, 0.10)) {
        e->nfa = true;
        e->closure = t + (syn_chance(r, 0.7) ? 0 : syn_range(r, 1, 2));
        e->reason = SC_RC7;
        return;
    }
    e->need = need_codes[syn_pick(r, need_w, 10)];
    if (ch->disabled && syn_chance(r, 0.5))
        e->need = SC_N2;
    if (first_uasc)
        e->need = SC_N8;
    ass_plan *a = &e->ass[e->nass++];
    a->start = syn_wd_add(c, t, syn_pick(r, (const uint16_t[]){40, 25, 15, 10, 6, 4}, 6));
    if (a->start < t)
        a->start = t;
    int d = assessment_wd(r);
    a->auth = d == 0 ? syn_next_wd(c, a->start) : syn_wd_add(c, a->start, d);
    if (a->auth < a->start)
        a->auth = a->start;

    cs_date end = a->auth;
    syn_code reason = SC_RC7;
    int age = age_at(ch, t);

    if (first_uasc) {
        end = plan_care(c, ch, e, t, CLA_UASC, &reason);
        goto done;
    }
    /* transfer-in conference: a plan carried over from another LA */
    if (syn_chance(r, 0.01) && ch->birth != CS_DATE_NONE) {
        e->source = SC_S5C;
        int next;
        plan_cp(c, ch, e, syn_wd_add(c, t, syn_range(r, 5, 15)), true, &end, &next);
        if (next == 3 && !ch->uasc)
            end = plan_care(c, ch, e, end, CLA_PROCEEDINGS, &reason);
        else if (next == 2)
            reason = SC_RC5;
        goto done;
    }
    bool concern = e->need == SC_N1 || e->need == SC_N4 || e->need == SC_N5;
    if (syn_chance(r, concern ? 0.28 : 0.08)) {
        s47_plan *s = plan_s47(c, ch, e, syn_wd_add(c, a->start, syn_range(r, 0, 3)));
        if (s->outcome_cp) {
            int next;
            s->cp = e->ncp;
            plan_cp(c, ch, e, s->icpc, false, &end, &next);
            if (next == 0) {
                plan_cin(e, ch, end, 90, 270, &end);
            } else if (next == 2) {
                reason = SC_RC5;
            } else if (next == 3) {
                end = plan_care(c, ch, e, end, CLA_PROCEEDINGS, &reason);
            }
        } else {
            cs_date from = syn_max(a->auth, s->end);
            if (syn_chance(r, 0.6))
                plan_cin(e, ch, from, 90, 300, &end);
            else
                end = from;
        }
        if (end != CS_DATE_NONE && end < a->auth)
            end = a->auth;
        goto done;
    }
    double x = syn_unit(r);
    if (ch->disabled && e->need == SC_N2 && x < 0.35 && age >= 3) {
        /* disabled child: a CIN plan with short breaks */
        plan_cin(e, ch, a->auth, 240, 720, &end);
        e->short_breaks = true;
        e->sb_from = a->auth;
        e->sb_to = end;
    } else if (x < 0.42) {
        a->nfa = true;
        reason = syn_chance(r, 0.75) ? SC_RC8 : SC_RC9;
        e->eh_after = reason == SC_RC9;
    } else if (x < 0.88 || ch->birth == CS_DATE_NONE) {
        cs_date cend;
        plan_cin(e, ch, a->auth + syn_range(r, 0, 3), 90, 365, &cend);
        end = cend;
        double y = syn_unit(r);
        if (y < 0.07 && end + 30 < ch->age18 && e->ncp < MAX_CP) {
            /* step up: s47 near the end of the CIN plan, conference starts a CP plan */
            cs_date s_start = syn_wd_sub(c, end, syn_range(r, 6, 12));
            if (s_start > e->cin[e->ncin - 1].start && s_start > a->auth) {
                s47_plan *s = &e->s47[e->ns47++];
                memset(s, 0, sizeof *s);
                s->start = s_start;
                s->target = syn_wd_add(c, s_start, 15);
                s->icpc = s->end = syn_next_wd(c, end);
                s->outcome_cp = true;
                s->cp = e->ncp;
                e->cin[e->ncin - 1].end = s->icpc;
                int next;
                plan_cp(c, ch, e, s->icpc, false, &end, &next);
                if (next == 0)
                    plan_cin(e, ch, end, 90, 270, &end);
                else if (next == 3)
                    end = plan_care(c, ch, e, end, CLA_PROCEEDINGS, &reason);
            }
        } else if (y < 0.15 && age < 17 && end + 30 < ch->age18) {
            end = plan_care(c, ch, e, end, age >= 12 ? CLA_S20 : CLA_PROCEEDINGS, &reason);
        }
    } else if (age < 17) {
        end = plan_care(c, ch, e, a->auth + syn_range(r, 0, 10),
                        age >= 11 ? CLA_S20 : CLA_PROCEEDINGS, &reason);
    }
done:
    e->closure = end;
    e->reason = reason;
}

/* Apply the child's limit (reference date, or death) to a planned episode. */
static void clip_episode(syn_ctx *c, syn_child *ch, ep_plan *e)
{
    cs_date L = ch->limit;
    bool died = ch->death != CS_DATE_NONE && ch->death <= c->ref;
    cs_date open_end = died ? L : CS_DATE_NONE;
    for (int i = 0; i < e->nass; i++) {
        ass_plan *a = &e->ass[i];
        if (a->start > L) {
            e->nass = i;
            break;
        }
        if (a->auth > L) {
            a->nfa = false;
            if (died)
                a->auth = L;
            else if (syn_wd_between(c, a->start, c->ref) >= 44)
                a->auth = syn_max(a->start, syn_prev_wd(c, c->ref));
            else
                a->auth = CS_DATE_NONE;
        }
    }
    for (int i = 0; i < e->ns47; i++) {
        s47_plan *s = &e->s47[i];
        if (s->start > L || e->nass == 0) {
            e->ns47 = i;
            break;
        }
        if (s->icpc != CS_DATE_NONE && s->icpc > L) {
            s->icpc = CS_DATE_NONE;
            s->outcome_cp = false;
            s->cp = -1;
            if (died) {
                s->not_required = true;
                s->end = L;
            } else if (syn_wd_between(c, s->start, c->ref) >= 14 &&
                       syn_prev_wd(c, c->ref) > s->start) {
                s->icpc = s->end = syn_prev_wd(c, c->ref);
            } else {
                s->end = CS_DATE_NONE;
            }
        } else if (s->end != CS_DATE_NONE && s->end > L) {
            s->end = open_end;
        }
    }
    for (int i = 0; i < e->ncp; i++) {
        cp_plan *p = &e->cp[i];
        if (p->start > L || (died && p->start >= L)) {
            e->ncp = i;
            break;
        }
        while (p->nrev > 0 && p->rev[p->nrev - 1] > L)
            p->nrev--;
        if (p->end > L)
            p->end = open_end;
    }
    for (int i = 0; i < e->ns47; i++)
        if (e->s47[i].cp >= e->ncp) {
            e->s47[i].cp = -1;
            e->s47[i].outcome_cp = false;
        }
    for (int i = 0; i < e->ncin; i++) {
        cin_plan *p = &e->cin[i];
        if (p->start > L || (died && p->start >= L)) {
            e->ncin = i;
            break;
        }
        if (p->end > L)
            p->end = open_end;
    }
    if (e->sb_to > L)
        e->sb_to = L;
    if (e->closure == CS_DATE_NONE || e->closure > L) {
        e->closure = open_end;
        if (died) {
            e->reason = SC_RC2;
            e->eh_after = false;
        }
    }
    if (e->closure == CS_DATE_NONE)
        e->eh_after = false;
}

/* ---- allocation ---- */

static syn_team_kind locality_team(const syn_child *ch, const ep_plan *e)
{
    if (e->need == SC_N2 && ch->disabled)
        return TEAM_DISABLED;
    return ch->area == 0 ? TEAM_LOC_N : ch->area == 1 ? TEAM_LOC_S : TEAM_LOC_E;
}

static void allocate(syn_ctx *c, syn_child *ch, ep_plan *e, syn_alloc *al, const char *ref_id)
{
    syn_alloc_reset(al);
    if (e->nfa)
        return;
    syn_team_kind assess = ch->area == 1 ? TEAM_ASSESS_S : TEAM_ASSESS_N;
    syn_alloc_to(c, ch, al, e->referral, assess);
    cs_date handover = CS_DATE_NONE;
    if (e->ncp)
        handover = e->cp[0].start;
    if (e->ncin && (handover == CS_DATE_NONE || e->cin[0].start < handover))
        handover = e->cin[0].start;
    if (e->has_cla && (handover == CS_DATE_NONE || e->cla.start < handover))
        handover = e->cla.start;
    if (e->has_cla && e->cla.route == CLA_UASC)
        handover = CS_DATE_NONE;
    if (handover != CS_DATE_NONE)
        syn_alloc_to(c, ch, al, handover, locality_team(ch, e));
    if (e->has_cla && e->cla.cic_transfer != CS_DATE_NONE) {
        syn_alloc_to(c, ch, al, e->cla.cic_transfer, ch->area == 1 ? TEAM_CIC_2 : TEAM_CIC_1);
        if (e->cla.end != CS_DATE_NONE && e->closure != CS_DATE_NONE && e->closure > e->cla.end)
            syn_alloc_to(c, ch, al, e->cla.end, locality_team(ch, e));
    }
    syn_alloc_finish(c, ch, al, e->closure, ref_id);
}

static void set_worker(const syn_ctx *c, const syn_alloc *al, cs_date d, const char **team,
                       const char **worker)
{
    const syn_alloc_span *s = syn_alloc_at(al, d);
    if (!s)
        return;
    *team = syn_team_id(c, s->team);
    *worker = syn_worker_id(c, s->worker);
}

/* ---- emission ---- */

static const syn_code factor_codes[] = {
    SC_F3B, SC_F4B, SC_F17A, SC_F16A, SC_F2B, SC_F1B, SC_F3A, SC_F4A, SC_F14A, SC_F11A,
    SC_F24A, SC_F10A, SC_F15A, SC_F18C, SC_F19C, SC_F5B, SC_F6B, SC_F20, SC_F7A, SC_F13A,
    SC_F18B, SC_F3C, SC_F2A, SC_F1A, SC_F12A, SC_F22A, SC_F6A, SC_F19B,
};
static const uint16_t factor_w[] = {150, 150, 100, 100, 70, 60, 50, 70, 30, 20, 20, 20, 30, 30,
                                    10, 20, 20, 30, 10, 10, 10, 10, 10, 10, 3, 2, 5, 5};
#define NFACT (sizeof factor_codes / sizeof factor_codes[0])

static void emit_factors(syn_ctx *c, syn_child *ch, const char *ass_id, bool nfa_outcome)
{
    syn_rng *r = &ch->rng;
    if (nfa_outcome && syn_chance(r, 0.25)) {
        cs_assessment_factor *f = SYN_ROW(c, assessment_factor);
        f->assessment_id = ass_id;
        f->person_id = ch->pid;
        f->code = c->code[SC_F21];
        return;
    }
    int n = nfa_outcome ? syn_range(r, 1, 2) : syn_range(r, 1, 4);
    int chosen[4];
    for (int i = 0; i < n; i++) {
        int k;
        int tries = 0;
        bool dup;
        do {
            k = (i == 0 && ch->uasc) ? -1 : syn_pick(r, factor_w, (int)NFACT);
            dup = false;
            for (int j = 0; j < i; j++)
                dup |= chosen[j] == k;
        } while (dup && ++tries < 8);
        if (dup)
            break;
        chosen[i] = k;
        cs_assessment_factor *f = SYN_ROW(c, assessment_factor);
        f->assessment_id = ass_id;
        f->person_id = ch->pid;
        f->code = c->code[k < 0 ? SC_F9A : factor_codes[k]];
    }
}

static void emit_visits(syn_ctx *c, syn_child *ch, const syn_alloc *al, syn_code kind,
                        const char *plan_id, cs_date from, cs_date to, int lo, int hi,
                        bool working_days)
{
    syn_rng *r = &ch->rng;
    cs_date last = to == CS_DATE_NONE ? c->ref : to - 1;
    cs_date d = working_days ? syn_wd_add(c, from, syn_range(r, 1, 5)) : from + syn_range(r, 1, 10);
    while (d <= last && d <= ch->limit) {
        cs_visit *v = SYN_ROW(c, visit);
        v->person_id = ch->pid;
        v->kind = c->code[kind];
        v->plan_id = plan_id;
        v->visit_date = d;
        bool born = ch->birth != CS_DATE_NONE && d >= ch->birth;
        v->seen = born ? syn_chance(r, 0.95) : 0;
        v->seen_alone = v->seen && age_at(ch, d) >= 5 ? syn_chance(r, 0.65) : 0;
        v->bedroom_seen = born ? syn_chance(r, 0.5) : 0;
        const char *team = NULL;
        set_worker(c, al, d, &team, &v->worker_id);
        d = working_days ? syn_wd_add(c, d, syn_range(r, lo, hi)) : d + syn_range(r, lo, hi);
    }
}

static void emit_episode(syn_ctx *c, syn_child *ch, ep_plan *e)
{
    syn_rng *r = &ch->rng;
    cs_contact *k = SYN_ROW(c, contact);
    k->person_id = ch->pid;
    k->contact_date = e->referral - (syn_chance(r, 0.7) ? 0 : syn_range(r, 1, 2));
    k->source = c->code[e->source];
    k->outcome = "Referral to children's social care";

    size_t ref_row = CS_COUNT(c->m, referral);
    cs_referral *rf = SYN_ROW(c, referral);
    const char *ref_id = rf->id;
    rf->person_id = ch->pid;
    rf->referral_date = e->referral;
    rf->source = c->code[e->source];
    rf->nfa = e->nfa;
    if (!e->nfa)
        rf->primary_need = c->code[e->need];
    rf->closure_date = e->closure;
    if (e->closure != CS_DATE_NONE)
        rf->closure_reason = c->code[e->reason];

    syn_alloc al;
    allocate(c, ch, e, &al, ref_id);
    rf = SYN_AT(c, referral, ref_row);
    if (e->nfa) {
        rf->team_id = syn_team_id(c, TEAM_MASH);
        rf->worker_id = syn_worker_id(c, syn_pick_worker(c, r, TEAM_MASH));
    } else {
        set_worker(c, &al, e->referral, &rf->team_id, &rf->worker_id);
    }

    for (int i = 0; i < e->nass; i++) {
        const ass_plan *a = &e->ass[i];
        cs_assessment *as = SYN_ROW(c, assessment);
        const char *aid = as->id;
        as->person_id = ch->pid;
        as->referral_id = ref_id;
        as->start_date = a->start;
        as->child_seen = ch->birth != CS_DATE_NONE && a->start >= ch->birth ? syn_chance(r, 0.97) : 0;
        as->authorised_date = a->auth;
        if (a->auth != CS_DATE_NONE)
            as->outcome_nfa = a->nfa;
        set_worker(c, &al, a->start, &as->team_id, &as->worker_id);
        if (a->auth != CS_DATE_NONE)
            emit_factors(c, ch, aid, a->nfa && e->nass == 1);
    }

    const char *cp_ids[MAX_CP] = {NULL};
    size_t cp_rows[MAX_CP];
    for (int i = 0; i < e->ncp; i++) {
        const cp_plan *p = &e->cp[i];
        cp_rows[i] = CS_COUNT(c->m, cp_plan);
        cs_cp_plan *cp = SYN_ROW(c, cp_plan);
        cp_ids[i] = cp->id;
        cp->person_id = ch->pid;
        cp->referral_id = ref_id;
        cp->start_date = p->start;
        cp->end_date = p->end;
        cp->initial_category = c->code[p->cat0];
        cp->latest_category = c->code[p->cat1];
        cp->other_la = 0;
        set_worker(c, &al, p->start, &cp->team_id, &cp->worker_id);
        cs_date prev = p->start;
        for (int j = 0; j < p->nrev; j++) {
            cs_cp_review *rv = SYN_ROW(c, cp_review);
            rv->person_id = ch->pid;
            rv->cp_plan_id = cp_ids[i];
            rv->due_date = cs_date_add_months(prev, j == 0 ? 3 : 6);
            rv->review_date = p->rev[j];
            prev = p->rev[j];
        }
        emit_visits(c, ch, &al, SC_VCP, cp_ids[i], p->start, p->end, 7, 10, true);
        if (p->transfer_in) {
            cs_icpc *ic = SYN_ROW(c, icpc);
            ic->person_id = ch->pid;
            ic->referral_id = ref_id;
            ic->cp_plan_id = cp_ids[i];
            ic->transfer_in = 1;
            ic->target_date = p->start;
            ic->conference_date = p->start;
            ic->outcome_cp = 1;
            set_worker(c, &al, p->start, &ic->team_id, &ic->worker_id);
            SYN_AT(c, cp_plan, cp_rows[i])->icpc_id = ic->id;
        }
    }
    for (int i = 0; i < e->ns47; i++) {
        const s47_plan *s = &e->s47[i];
        cs_s47 *sr = SYN_ROW(c, s47);
        const char *sid = sr->id;
        sr->person_id = ch->pid;
        sr->referral_id = ref_id;
        sr->start_date = s->start;
        sr->end_date = s->end;
        sr->icpc_not_required = s->not_required;
        if (!s->not_required)
            sr->icpc_target_date = s->target;
        set_worker(c, &al, s->start, &sr->team_id, &sr->worker_id);
        if (s->icpc == CS_DATE_NONE)
            continue;
        cs_icpc *ic = SYN_ROW(c, icpc);
        ic->person_id = ch->pid;
        ic->referral_id = ref_id;
        ic->s47_id = sid;
        ic->transfer_in = 0;
        ic->target_date = s->target;
        ic->conference_date = s->icpc;
        ic->outcome_cp = s->cp >= 0;
        set_worker(c, &al, s->icpc, &ic->team_id, &ic->worker_id);
        if (s->cp >= 0) {
            ic->cp_plan_id = cp_ids[s->cp];
            SYN_AT(c, cp_plan, cp_rows[s->cp])->icpc_id = ic->id;
        }
    }
    for (int i = 0; i < e->ncin; i++) {
        const cin_plan *p = &e->cin[i];
        cs_cin_plan *cp = SYN_ROW(c, cin_plan);
        const char *pid = cp->id;
        cp->person_id = ch->pid;
        cp->referral_id = ref_id;
        cp->start_date = p->start;
        cp->end_date = p->end;
        set_worker(c, &al, p->start, &cp->team_id, &cp->worker_id);
        emit_visits(c, ch, &al, SC_VCIN, pid, p->start, p->end, 20, 40, false);
    }
    if (e->has_cla)
        syn_emit_cla(c, ch, &e->cla, &al, ref_id);
    if (e->short_breaks && e->sb_to > e->sb_from + 30)
        syn_gen_short_breaks(c, ch, e->sb_from, e->sb_to);
    if (e->eh_after)
        syn_gen_early_help(c, ch, e->closure + syn_range(r, 0, 10), true);
}

void syn_gen_episodes(syn_ctx *c, syn_child *ch)
{
    syn_rng *r = &ch->rng;
    static _Thread_local ep_plan ep;
    cs_date first = ch->birth != CS_DATE_NONE ? syn_max(c->hist_start, ch->birth)
                                              : c->ref - 150;
    cs_date last = child_end(ch);
    bool referred = ch->birth == CS_DATE_NONE ? syn_chance(r, 0.85)
                                              : ch->uasc || syn_chance(r, 0.5);
    if (first > last) {
        referred = false;
        last = ch->limit;
    }
    int extra_contacts = syn_pick(r, (const uint16_t[]){35, 35, 20, 10}, 4);
    if (!referred)
        extra_contacts++;
    syn_gen_contacts_only(c, ch, first, syn_min(last, ch->limit), extra_contacts);
    if (!referred) {
        if (syn_chance(r, 0.12))
            syn_gen_early_help(c, ch, syn_range(r, first, ch->limit), false);
        return;
    }
    cs_date t;
    if (ch->uasc) {
        cs_date from = syn_max(first, cs_date_add_years(ch->birth, 14));
        cs_date to = syn_min(ch->limit, cs_date_add_years(ch->birth, 17) + 180);
        if (from > to)
            return;
        t = syn_range(r, from, to);
    } else if (ch->birth == CS_DATE_NONE) {
        t = syn_range(r, first, c->ref);
    } else {
        if (last - 30 < first)
            return;
        t = syn_range(r, first, last - 30);
    }
    if (!ch->uasc && ch->birth != CS_DATE_NONE && syn_chance(r, 0.15) && t - 60 > first)
        syn_gen_early_help(c, ch, syn_range(r, syn_max(first, t - 400), t - 60), false);
    for (int n = 0; n < 12; n++) {
        plan_episode(c, ch, &ep, t);
        clip_episode(c, ch, &ep);
        emit_episode(c, ch, &ep);
        if (ep.closure == CS_DATE_NONE || ep.closure >= ch->limit)
            break;
        if (!syn_chance(r, 0.55))
            break;
        t = ep.closure + (syn_chance(r, 0.7) ? syn_range(r, 14, 240) : syn_range(r, 240, 1500));
        if (t > ch->limit || (ch->age18 != CS_DATE_NONE && t >= ch->age18 - 30))
            break;
    }
}
