/* Periods of care: how the period ends and when, the legal statuses
 * (V2 -> C1 -> C2, E1 on the adoption path, brief L1/L2), placements with
 * providers, URNs and postcodes that fit the 903 rules, moves with reasons,
 * temporary placements and returns, and the 903 episodes cut wherever the
 * placement or the legal status changes. Short breaks (V3/V4) too. */
#include "synth/gen_internal.h"

#include <string.h>

static int age_at(const syn_child *ch, cs_date d)
{
    return ch->birth == CS_DATE_NONE || d < ch->birth ? 0 : cs_age_years(ch->birth, d);
}

/* ---- exit and length ---- */

typedef enum { EX_ADOPT, EX_RETURN, EX_SGO, EX_CAO, EX_LONG, EX_AGE18, EX_OTHER } exit_kind;

static void choose_exit(syn_ctx *c, syn_child *ch, syn_cla_plan *p, exit_kind *kind, int *days)
{
    (void)c;
    syn_rng *r = &ch->rng;
    int age = age_at(ch, p->start);
    if (p->route == CLA_UASC) {
        *kind = EX_AGE18;
        *days = 100000;
        return;
    }
    static const uint16_t w_young[5] = {45, 30, 5, 20, 0};
    static const uint16_t w_mid[5] = {45, 12, 5, 35, 3};
    static const uint16_t w_teen[5] = {45, 0, 0, 45, 10};
    static const exit_kind ek[5] = {EX_RETURN, EX_SGO, EX_CAO, EX_LONG, EX_OTHER};
    const uint16_t *w = age < 5 ? w_young : age < 13 ? w_mid : w_teen;
    if (p->route == CLA_PROCEEDINGS && age < 5 && syn_chance(r, 0.45)) {
        *kind = EX_ADOPT;
        *days = 0;
        return;
    }
    *kind = ek[syn_pick(r, w, 5)];
    if (p->route == CLA_S20 && syn_chance(r, 0.4))
        *kind = EX_RETURN;
    switch (*kind) {
    case EX_RETURN: *days = p->route == CLA_S20 ? syn_range(r, 5, 240) : syn_range(r, 60, 500); break;
    case EX_SGO: *days = syn_range(r, 200, 700); break;
    case EX_CAO: *days = syn_range(r, 150, 500); break;
    case EX_OTHER: *days = syn_range(r, 30, 600); break;
    default: *days = 100000; break;
    }
    if (age >= 13 && *kind == EX_LONG)
        *kind = EX_AGE18;
}

/* ---- legal statuses ---- */

static void add_ls(syn_cla_plan *p, cs_date start, syn_code ls)
{
    if (p->nls > 0) {
        syn_ls *prev = &p->ls[p->nls - 1];
        if (prev->ls == ls)
            return;
        if (start <= prev->start) { /* replaces a status that never took effect */
            prev->ls = ls;
            return;
        }
        prev->end = start;
    }
    if (p->nls == SYN_MAX_LS)
        return;
    syn_ls *s = &p->ls[p->nls++];
    s->start = start;
    s->end = CS_DATE_NONE;
    s->ls = ls;
}

static syn_code ls_at(const syn_cla_plan *p, cs_date d)
{
    syn_code cur = p->ls[0].ls;
    for (int i = 0; i < p->nls && p->ls[i].start <= d; i++)
        cur = p->ls[i].ls;
    return cur;
}

/* ---- placements ---- */

static void set_postcode(syn_ctx *c, syn_child *ch, syn_pl *pl, syn_pc_group g)
{
    const cs_person *pr = SYN_AT(c, person, ch->person_row);
    for (int i = 0; i < 8; i++) {
        pl->postcode = syn_postcode(&ch->rng, g);
        if (!pr->postcode || strcmp(pl->postcode, pr->postcode) != 0)
            return;
    }
}

static void from_provider(syn_pl *pl, const syn_provider *pv)
{
    pl->provider = pv->provider;
    pl->urn = pv->urn;
    if (pv->postcode) {
        pl->postcode = pv->postcode;
        pl->carer = pv->carer_id;
    }
}

typedef enum { PK_LA_FOSTER, PK_IFA, PK_KIN, PK_HOME_LA, PK_HOME_PRIV, PK_HOME_VOL, PK_SUPPORTED,
               PK_SCHOOL, PK_SECURE, PK_MBU, PK_COUNT } place_kind;

static place_kind choose_kind(syn_ctx *c, syn_child *ch, const syn_cla_plan *p, cs_date d, bool first)
{
    syn_rng *r = &ch->rng;
    int age = age_at(ch, d);
    if (first && age < 1 && p->route == CLA_PROCEEDINGS && syn_chance(r, 0.1))
        return PK_MBU;
    bool k3 = c->k3_allowed && d >= cs_date_from_ymd(2023, 10, 28) &&
              d >= cs_date_add_years(ch->birth, 16);
    if (p->route == CLA_UASC) {
        if (k3 && syn_chance(r, 0.35))
            return PK_SUPPORTED;
        static const uint16_t w[3] = {50, 30, 20};
        static const place_kind k[3] = {PK_IFA, PK_LA_FOSTER, PK_HOME_PRIV};
        return k[syn_pick(r, w, 3)];
    }
    if (age >= 13) {
        if (k3 && syn_chance(r, 0.2))
            return PK_SUPPORTED;
        static const uint16_t w[8] = {25, 8, 4, 30, 24, 8, 1, 2};
        static const place_kind k[8] = {PK_HOME_PRIV, PK_HOME_LA, PK_HOME_VOL, PK_LA_FOSTER,
                                        PK_IFA, PK_KIN, PK_SECURE, PK_SCHOOL};
        return k[syn_pick(r, w, 8)];
    }
    if (age >= 10) {
        static const uint16_t w[5] = {45, 30, 13, 10, 2};
        static const place_kind k[5] = {PK_LA_FOSTER, PK_IFA, PK_KIN, PK_HOME_PRIV, PK_SCHOOL};
        return k[syn_pick(r, w, 5)];
    }
    static const uint16_t w[3] = {50, 25, 25};
    static const place_kind k[3] = {PK_LA_FOSTER, PK_IFA, PK_KIN};
    return k[syn_pick(r, w, 3)];
}

/* Fill a placement of the given kind; foster placements get a new carer. */
static void make_placement(syn_ctx *c, syn_child *ch, syn_pl *pl, place_kind k, bool long_term)
{
    syn_rng *r = &ch->rng;
    pl->change_reason = SYN_NONE;
    pl->urn = pl->postcode = pl->carer = NULL;
    switch (k) {
    case PK_LA_FOSTER:
    case PK_KIN:
        pl->type = k == PK_KIN ? (long_term ? SC_U1 : SC_U3) : (long_term ? SC_U4 : SC_U6);
        from_provider(pl, syn_pick_provider(c, r, PV_LA_FOSTER));
        set_postcode(c, ch, pl, syn_chance(r, 0.65) ? PC_HOME : PC_NEAR);
        pl->carer = syn_new_carer(c);
        break;
    case PK_IFA:
        pl->type = long_term ? SC_U4 : SC_U6;
        from_provider(pl, syn_pick_provider(c, r, PV_IFA));
        set_postcode(c, ch, pl, syn_chance(r, 0.6) ? PC_NEAR : PC_REGION);
        pl->carer = syn_new_carer(c);
        break;
    case PK_HOME_LA: pl->type = SC_K2; from_provider(pl, syn_pick_provider(c, r, PV_LA_HOME)); break;
    case PK_HOME_PRIV: pl->type = SC_K2; from_provider(pl, syn_pick_provider(c, r, PV_PRIVATE_HOME)); break;
    case PK_HOME_VOL: pl->type = SC_K2; from_provider(pl, syn_pick_provider(c, r, PV_VOL_HOME)); break;
    case PK_SUPPORTED: pl->type = SC_K3; from_provider(pl, syn_pick_provider(c, r, PV_SUPPORTED)); break;
    case PK_SCHOOL: pl->type = SC_PS1; from_provider(pl, syn_pick_provider(c, r, PV_SCHOOL)); break;
    case PK_SECURE: pl->type = SC_K1; from_provider(pl, syn_pick_provider(c, r, PV_SECURE)); break;
    case PK_MBU: pl->type = SC_R3; from_provider(pl, syn_pick_provider(c, r, PV_MBU)); break;
    case PK_COUNT: break;
    }
}

static bool same_place(const syn_pl *a, const syn_pl *b)
{
    return a->type == b->type && a->urn == b->urn && a->provider == b->provider &&
           a->postcode && b->postcode && strcmp(a->postcode, b->postcode) == 0;
}

static syn_pl *push_pl(syn_cla_plan *p, cs_date start)
{
    if (p->npl == SYN_MAX_PL)
        return NULL;
    syn_pl *pl = &p->pl[p->npl++];
    memset(pl, 0, sizeof *pl);
    pl->start = start;
    pl->end = CS_DATE_NONE;
    pl->provider = SYN_NONE;
    pl->change_reason = SYN_NONE;
    return pl;
}

static const syn_code move_reasons[] = {SC_CARPL, SC_CREQB, SC_CREQO, SC_CHILD, SC_ALLEG,
                                        SC_STAND, SC_CLOSE, SC_LAREQ, SC_OTHER};
static const uint16_t move_w[] = {40, 12, 10, 6, 2, 3, 3, 4, 10};

/* Ordinary placements from `from` until `until` (exclusive). */
static void plan_moves(syn_ctx *c, syn_child *ch, syn_cla_plan *p, cs_date from, cs_date until,
                       bool allow_temp)
{
    syn_rng *r = &ch->rng;
    cs_date d = from;
    bool temp_used = !allow_temp;
    while (d < until && p->npl < SYN_MAX_PL - 3) {
        int age = age_at(ch, d);
        bool long_term = d - p->start > 365;
        syn_pl *prev = p->npl ? &p->pl[p->npl - 1] : NULL;
        syn_pl *pl = push_pl(p, d);
        place_kind k = choose_kind(c, ch, p, d, prev == NULL);
        make_placement(c, ch, pl, k, long_term);
        for (int i = 0; prev && same_place(prev, pl) && i < 4; i++)
            make_placement(c, ch, pl, k, long_term);
        if (prev)
            prev->change_reason = move_reasons[syn_pick(r, move_w, 9)];
        int len = age >= 13 ? syn_range(r, 30, 420) : syn_range(r, 60, 900);
        if (pl->type == SC_R3)
            len = syn_range(r, 60, 120);
        cs_date end = d + len;
        if (end >= until - 14)
            end = until;
        /* a temporary placement inside a long one, then back to the same carer */
        if (!temp_used && end - d > 90 && syn_chance(r, 0.05) &&
            (pl->type == SC_U4 || pl->type == SC_U6 || pl->type == SC_U3)) {
            temp_used = true;
            cs_date ts = d + syn_range(r, 30, (int)(end - d) - 40);
            static const syn_code tk[4] = {SC_T1, SC_T2, SC_T3, SC_T4};
            static const int tmax[4] = {20, 14, 14, 7};
            int ti = (int)syn_below(r, 4);
            cs_date te = ts + syn_range(r, 2, tmax[ti]);
            syn_pl saved = *pl;
            pl->end = ts;
            syn_pl *t = push_pl(p, ts);
            t->type = tk[ti];
            t->end = te;
            t->carer = syn_new_carer(c);
            set_postcode(c, ch, t, ti == 1 ? PC_REGION : PC_NEAR);
            syn_pl *back = push_pl(p, te);
            *back = saved;
            back->start = te;
            back->change_reason = SYN_NONE;
            pl = back;
        }
        pl->end = end;
        d = end;
    }
    if (p->npl)
        p->pl[p->npl - 1].end = until;
}

/* ---- the plan ---- */

static const syn_code rd_codes[4] = {SC_RD1, SC_RD2, SC_RD3, SC_RD4};

void syn_plan_cla(syn_ctx *c, syn_child *ch, syn_cla_plan *p, cs_date start, syn_cla_route route,
                  syn_code need)
{
    syn_rng *r = &ch->rng;
    memset(p, 0, sizeof *p);
    p->route = route;
    p->start = start;
    p->need = need;
    p->reason = SYN_NONE;
    p->order_type = SYN_NONE;
    p->rd = SYN_NONE;
    p->adm = p->po = p->matched = p->placed = p->ffa = p->reversed = CS_DATE_NONE;
    cs_date L = ch->limit;
    bool died = ch->death != CS_DATE_NONE;
    exit_kind ex;
    int days;
    choose_exit(c, ch, p, &ex, &days);
    cs_date end = ex == EX_ADOPT ? CS_DATE_NONE : (days >= 100000 ? ch->age18 : start + days);
    if (end != CS_DATE_NONE && end >= ch->age18) {
        end = ch->age18;
        ex = EX_AGE18;
    }

    /* legal statuses */
    cs_date ls_from = start;
    if (route == CLA_PROCEEDINGS) {
        double x = syn_unit(r);
        if (x < 0.05) {
            add_ls(p, start, SC_L1);
            ls_from = start + syn_range(r, 1, 3);
        } else if (x < 0.13) {
            add_ls(p, start, SC_L2);
            ls_from = start + syn_range(r, 2, 10);
        }
        add_ls(p, ls_from, SC_C1);
        if (ex != EX_ADOPT)
            add_ls(p, ls_from + syn_range(r, 180, 360), SC_C2);
    } else {
        add_ls(p, start, SC_V2);
        if (route == CLA_S20 && ex != EX_RETURN && syn_chance(r, 0.25)) {
            cs_date c1 = start + syn_range(r, 30, 120);
            add_ls(p, c1, SC_C1);
            add_ls(p, c1 + syn_range(r, 150, 300), SC_C2);
        }
    }

    /* the adoption journey sets the end */
    bool ffa = false;
    if (ex == EX_ADOPT) {
        p->adoption = true;
        p->adm = start + syn_range(r, 120, 270);
        p->po = p->adm + syn_range(r, 30, 120);
        ffa = syn_chance(r, 0.25);
        if (syn_chance(r, 0.15)) {
            int k = (int)syn_below(r, 4);
            p->rd = rd_codes[k];
            p->reversed = k == 1 ? p->po : p->po + syn_range(r, 60, 300);
            if (k != 1)
                add_ls(p, p->po, SC_E1);
            add_ls(p, p->reversed, SC_C2);
            ex = syn_chance(r, 0.3) ? EX_SGO : EX_LONG;
            end = ex == EX_SGO ? p->reversed + syn_range(r, 200, 600) : ch->age18;
            if (end > ch->age18)
                end = ch->age18;
            ffa = false;
        } else {
            add_ls(p, p->po, SC_E1);
            p->matched = p->po + syn_range(r, 30, 200);
            p->placed = p->matched + syn_range(r, 7, 40);
            end = p->placed + syn_range(r, 70, 270);
        }
    }

    /* placements up to the end (or the horizon when still open) */
    cs_date horizon = end;
    if (horizon == CS_DATE_NONE || horizon > L)
        horizon = L > start ? L : start + 1;
    cs_date ordinary_until = horizon;
    if (p->adoption && p->placed != CS_DATE_NONE && p->placed < horizon)
        ordinary_until = p->placed;
    bool p1_end = ex == EX_RETURN && route == CLA_PROCEEDINGS && end != CS_DATE_NONE &&
                  end <= L && end - start > 200 && syn_chance(r, 0.4);
    cs_date p1_from = p1_end ? end - syn_range(r, 30, 180) : CS_DATE_NONE;
    if (p1_end && ls_at(p, p1_from) != SC_C1 && ls_at(p, p1_from) != SC_C2)
        p1_end = false;
    if (p1_end)
        ordinary_until = p1_from;
    if (ffa) {
        syn_pl *pl = push_pl(p, start);
        pl->type = SC_U5;
        from_provider(pl, syn_pick_provider(c, r, PV_LA_FOSTER));
        set_postcode(c, ch, pl, PC_NEAR);
        pl->carer = syn_new_carer(c);
        pl->end = ordinary_until;
        p->ffa = start;
    } else {
        plan_moves(c, ch, p, start, ordinary_until, !p->adoption || p->reversed != CS_DATE_NONE);
    }
    if (p1_end) {
        p->pl[p->npl - 1].change_reason = SC_CARPL;
        syn_pl *pl = push_pl(p, p1_from);
        pl->type = SC_P1;
        pl->provider = SC_PR0;
        pl->postcode = SYN_AT(c, person, ch->person_row)->postcode;
        pl->carer = "PARENT";
        pl->end = end;
    }
    if (p->adoption && p->placed != CS_DATE_NONE && p->placed < horizon) {
        syn_pl *prev = &p->pl[p->npl - 1];
        prev->change_reason = SC_CARPL;
        syn_pl *pl = push_pl(p, p->placed);
        bool la = syn_chance(r, 0.6);
        from_provider(pl, syn_pick_provider(c, r, la ? PV_ADOPT_LA : PV_ADOPT_VAA));
        if (ffa) {
            pl->type = SC_A5;
            pl->postcode = prev->postcode;
            pl->carer = prev->carer;
            p->adopted_by_carer = true;
        } else {
            pl->type = SC_A6;
            set_postcode(c, ch, pl, syn_chance(r, 0.5) ? PC_NEAR : PC_REGION);
            pl->carer = syn_new_carer(c);
        }
        pl->end = horizon;
    }

    /* how it ends */
    syn_code rec = SYN_NONE;
    const syn_pl *last = &p->pl[p->npl - 1];
    bool fostered = last->type >= SC_U1 && last->type <= SC_U6;
    switch (ex) {
    case EX_ADOPT: rec = syn_chance(r, 0.6) ? SC_E11 : SC_E12; p->order_type = SC_ORD_ADOPTION; break;
    case EX_RETURN: {
        double x = syn_unit(r);
        rec = x < 0.75 ? SC_E4A : x < 0.88 ? SC_E4B : SC_E13;
        if (p1_end)
            rec = SC_E4A;
        break;
    }
    case EX_SGO:
        if (fostered)
            rec = (last->type == SC_U1 || last->type == SC_U3) ? SC_E45 : SC_E46;
        else
            rec = syn_chance(r, 0.5) ? SC_E47 : SC_E48;
        p->order_type = SC_ORD_SGO;
        break;
    case EX_CAO: rec = SC_E41; p->order_type = SC_ORD_CAO; break;
    case EX_OTHER: {
        int age = age_at(ch, end);
        rec = age >= 14 && syn_chance(r, 0.2) ? SC_E9 : syn_chance(r, 0.3) ? SC_E3 : SC_E8;
        if (rec == SC_E9 && age < 10)
            rec = SC_E8;
        break;
    }
    default: {
        double x = syn_unit(r);
        if (route == CLA_UASC)
            rec = x < 0.5 ? SC_E5 : x < 0.8 ? SC_E8 : x < 0.9 ? SC_E6 : SC_E17;
        else
            rec = x < 0.35 ? SC_E17 : x < 0.6 ? SC_E5 : x < 0.7 ? SC_E6 : x < 0.72 ? SC_E7 : SC_E8;
        if (rec == SC_E17 && !fostered)
            rec = SC_E5;
        break;
    }
    }
    if (end != CS_DATE_NONE && end <= L) {
        p->end = end;
        p->reason = rec;
    } else if (died) {
        p->end = L > start ? L : start + 1;
        p->reason = SC_E2;
        p->order_type = SYN_NONE;
    } else {
        p->end = CS_DATE_NONE;
        p->order_type = SYN_NONE;
    }
    /* clip everything to the end (or leave open) */
    cs_date stop = p->end != CS_DATE_NONE ? p->end : CS_DATE_NONE;
    for (int i = 0; i < p->npl; i++) {
        if (stop != CS_DATE_NONE && p->pl[i].start >= stop) {
            p->npl = i;
            break;
        }
    }
    /* a period never ends in a temporary placement (903 rule 381) */
    if (p->npl > 1 && stop != CS_DATE_NONE && p->pl[p->npl - 1].type >= SC_T1 &&
        p->pl[p->npl - 1].type <= SC_T4)
        p->npl--;
    p->pl[p->npl - 1].end = stop;
    p->pl[p->npl - 1].change_reason = SYN_NONE;
    for (int i = 0; i < p->nls; i++) {
        if ((stop != CS_DATE_NONE && p->ls[i].start >= stop) || p->ls[i].start > L) {
            p->nls = i;
            break;
        }
    }
    p->ls[p->nls - 1].end = stop;
    if (p->matched != CS_DATE_NONE && (p->matched > c->ref || (stop != CS_DATE_NONE && p->matched > stop)))
        p->matched = CS_DATE_NONE;
    if (p->placed != CS_DATE_NONE && (p->placed > c->ref || (stop != CS_DATE_NONE && p->placed >= stop)))
        p->placed = CS_DATE_NONE;
    if (p->po != CS_DATE_NONE && (p->po > c->ref || (stop != CS_DATE_NONE && p->po >= stop)))
        p->po = CS_DATE_NONE;
    if (p->adm != CS_DATE_NONE && (p->adm > c->ref || (stop != CS_DATE_NONE && p->adm >= stop)))
        p->adm = CS_DATE_NONE;
    if (p->reversed != CS_DATE_NONE && (p->reversed > c->ref || (stop != CS_DATE_NONE && p->reversed >= stop))) {
        p->reversed = CS_DATE_NONE;
        p->rd = SYN_NONE;
    }
    if (p->adm == CS_DATE_NONE)
        p->adoption = false;
    p->perm_plan = p->adoption && p->reversed == CS_DATE_NONE ? SC_PP_ADOPTION
                   : ex == EX_RETURN                          ? SC_PP_RETURN
                   : ex == EX_SGO || ex == EX_CAO             ? SC_PP_SGO
                   : route == CLA_UASC                        ? SC_PP_SUPPORTED
                   : last->type == SC_K2                      ? SC_PP_RESID
                                                              : SC_PP_FOSTER;
    cs_date cic = start + syn_range(r, 20, 40);
    p->cic_transfer = (p->end == CS_DATE_NONE || p->end > cic + 30) && cic <= c->ref ? cic : CS_DATE_NONE;
}
