/* Writing a planned period of care: the period, legal statuses, placements,
 * 903 episodes (cut at every placement or legal status change), reviews,
 * visits, missing episodes, UASC status, motherhood, DoLOs, the adoption
 * journey, and what follows (care leaving, yearly outcomes). */
#include "synth/gen_internal.h"

#include <string.h>

static int age_at(const syn_child *ch, cs_date d)
{
    return ch->birth == CS_DATE_NONE || d < ch->birth ? 0 : cs_age_years(ch->birth, d);
}

static const char *code_or_null(const syn_ctx *c, syn_code k)
{
    return k == SYN_NONE ? NULL : c->code[k];
}

static bool is_temp(syn_code t)
{
    return t >= SC_T1 && t <= SC_T4;
}

static void emit_episodes(syn_ctx *c, syn_child *ch, const syn_cla_plan *p, const char *period_id,
                          const char **pl_ids, const cs_date *reviews, int nrev)
{
    cs_date cut[SYN_MAX_PL + SYN_MAX_LS + 1];
    int n = 0;
    for (int i = 0; i < p->npl; i++)
        cut[n++] = p->pl[i].start;
    for (int i = 0; i < p->nls; i++)
        cut[n++] = p->ls[i].start;
    /* sort and dedupe (tiny arrays) */
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && cut[j - 1] > cut[j]; j--) {
            cs_date t = cut[j];
            cut[j] = cut[j - 1];
            cut[j - 1] = t;
        }
    int m = 0;
    for (int i = 0; i < n; i++)
        if (m == 0 || cut[i] != cut[m - 1])
            cut[m++] = cut[i];
    int prev_pl = -1, prev_ls = -1;
    for (int i = 0; i < m; i++) {
        cs_date d = cut[i];
        int pi = 0, li = 0;
        while (pi + 1 < p->npl && p->pl[pi + 1].start <= d)
            pi++;
        while (li + 1 < p->nls && p->ls[li + 1].start <= d)
            li++;
        cs_cla_episode *e = SYN_ROW(c, cla_episode);
        e->person_id = ch->pid;
        e->period_id = period_id;
        e->placement_id = pl_ids[pi];
        e->start_date = d;
        e->primary_need = c->code[p->need];
        syn_code rne;
        if (prev_pl < 0) {
            rne = SC_RS;
        } else {
            bool pl_changed = pi != prev_pl, ls_changed = li != prev_ls;
            bool same_carer = pl_changed && p->pl[pi].carer && p->pl[prev_pl].carer &&
                              strcmp(p->pl[pi].carer, p->pl[prev_pl].carer) == 0;
            rne = pl_changed && ls_changed ? (same_carer ? SC_RU : SC_RB)
                  : pl_changed             ? (same_carer ? SC_RT : SC_RP)
                                           : SC_RL;
        }
        e->start_reason = c->code[rne];
        bool last = i + 1 == m;
        e->end_date = last ? p->end : cut[i + 1];
        if (!last)
            e->end_reason = c->code[SC_X1];
        else if (p->end != CS_DATE_NONE)
            e->end_reason = c->code[p->reason];
        cs_date upto = e->end_date != CS_DATE_NONE ? e->end_date : c->ref;
        for (int k = nrev - 1; k >= 0; k--)
            if (reviews[k] <= upto) {
                e->iro_contact_date = reviews[k];
                break;
            }
        prev_pl = pi;
        prev_ls = li;
    }
}

static int emit_reviews(syn_ctx *c, syn_child *ch, const syn_cla_plan *p, const char *period_id,
                        cs_date *out, int max)
{
    syn_rng *r = &ch->rng;
    cs_date last = p->end != CS_DATE_NONE ? p->end - 1 : c->ref;
    cs_date due = syn_wd_add(c, p->start, 20);
    cs_date d = syn_wd_add(c, p->start, syn_range(r, 8, 20));
    int n = 0, k = 0;
    while (d <= last && d <= ch->limit && n < max) {
        if (syn_chance(r, 0.01)) {
            cs_cla_review *x = SYN_ROW(c, cla_review);
            x->person_id = ch->pid;
            x->period_id = period_id;
            x->due_date = due;
            x->cancelled = 1;
        }
        cs_cla_review *v = SYN_ROW(c, cla_review);
        v->person_id = ch->pid;
        v->period_id = period_id;
        v->due_date = due;
        v->review_date = d;
        v->cancelled = 0;
        if (age_at(ch, d) < 4) {
            v->participation = c->code[SC_PN0];
        } else {
            static const uint16_t w[7] = {40, 8, 10, 5, 10, 10, 17};
            static const syn_code pn[7] = {SC_PN1, SC_PN2, SC_PN3, SC_PN4, SC_PN5, SC_PN6, SC_PN7};
            v->participation = c->code[pn[syn_pick(r, w, 7)]];
        }
        out[n++] = d;
        k++;
        due = cs_date_add_months(d, k == 1 ? 3 : 6);
        d = k == 1 ? d + syn_range(r, 60, 88) : d + syn_range(r, 150, 180);
    }
    return n;
}

static void emit_missing(syn_ctx *c, syn_child *ch, const syn_cla_plan *p)
{
    syn_rng *r = &ch->rng;
    if (age_at(ch, p->start) < 11 || !syn_chance(r, 0.3))
        return;
    cs_date from = p->start + 1;
    cs_date to = (p->end != CS_DATE_NONE ? p->end : c->ref + 1) - 1;
    if (to > ch->limit)
        to = ch->limit;
    int n = syn_range(r, 1, 6);
    cs_date d = from + syn_range(r, 0, 60);
    for (int i = 0; i < n && d < to; i++) {
        cs_date end = d + (syn_chance(r, 0.6) ? 0 : syn_range(r, 1, 5));
        if (end > to || end > c->ref)
            break;
        cs_missing_episode *m = SYN_ROW(c, missing_episode);
        m->person_id = ch->pid;
        bool away = syn_chance(r, 0.3);
        m->kind = c->code[away ? SC_MISS_A : SC_MISS_M];
        m->start_date = d;
        m->end_date = end;
        if (!away) {
            m->rhi_offered = syn_chance(r, 0.9);
            m->rhi_accepted = m->rhi_offered ? syn_chance(r, 0.55) : 0;
        }
        d = end + syn_range(r, 5, 120);
    }
}

static void emit_adoption(syn_ctx *c, syn_child *ch, const syn_cla_plan *p, const char *period_id)
{
    syn_rng *r = &ch->rng;
    if (!p->adoption && p->order_type == SYN_NONE)
        return;
    cs_permanence *pm = SYN_ROW(c, permanence);
    pm->person_id = ch->pid;
    pm->period_id = period_id;
    pm->decision_date = p->adm;
    pm->placement_order_date = p->po;
    pm->matched_date = p->matched;
    pm->placed_date = p->placed;
    pm->ffa_placed_date = p->ffa;
    pm->reversed_date = p->reversed;
    pm->reversed_reason = code_or_null(c, p->rd);
    if (p->order_type != SYN_NONE && p->end != CS_DATE_NONE) {
        pm->order_date = p->end;
        pm->order_type = c->code[p->order_type];
    }
    if (p->matched == CS_DATE_NONE)
        return;
    pm->adopted_by_carer = p->adopted_by_carer;
    static const uint16_t w[9] = {12, 3, 45, 19, 11, 5, 3, 1, 1};
    static const syn_code sexes[9] = {SC_F1, SC_M1, SC_MF, SC_MF, SC_MF, SC_FF, SC_FF, SC_MM, SC_MM};
    static const syn_code lss[9] = {SC_L0, SC_L0, SC_L11, SC_L3, SC_L2S, SC_L12, SC_L4, SC_L12, SC_L2S};
    int k = syn_pick(r, w, 9);
    pm->number_of_adopters = k < 2 ? 1 : 2;
    pm->adopter_sex = c->code[sexes[k]];
    pm->adopter_legal_status = c->code[lss[k]];
    pm->family_id = syn_strf(c, "FAM%06llu", (unsigned long long)++c->next_family);
    const char *family = pm->family_id;
    int nad = pm->number_of_adopters;
    syn_gen_adopters(c, r, family, nad, sexes[k], p->matched, p->placed,
                     p->order_type != SYN_NONE ? p->end : CS_DATE_NONE, p->ffa != CS_DATE_NONE);
}

static void emit_mother_and_dolo(syn_ctx *c, syn_child *ch, const syn_cla_plan *p,
                                 const char **pl_ids)
{
    syn_rng *r = &ch->rng;
    cs_person *pr = SYN_AT(c, person, ch->person_row);
    cs_date last = p->end != CS_DATE_NONE ? p->end - 1 : c->ref;
    if (ch->sex == SC_F) {
        if (pr->is_mother != 1)
            pr->is_mother = 0;
        cs_date from = syn_max(p->start, cs_date_add_years(ch->birth, 15));
        if (pr->is_mother != 1 && from + 30 < last && syn_chance(r, 0.05)) {
            pr->is_mother = 1;
            pr->first_child_birth_date = syn_range(r, from + 1, last);
        }
    }
    for (int i = 0; i < p->npl; i++) {
        const syn_pl *pl = &p->pl[i];
        cs_date pe = pl->end != CS_DATE_NONE ? pl->end : c->ref;
        if (pl->type != SC_K2 || pe - pl->start < 90 || age_at(ch, pl->start) < 13 ||
            !syn_chance(r, 0.03))
            continue;
        cs_dol_order *d = SYN_ROW(c, dol_order);
        d->person_id = ch->pid;
        d->start_date = pl->start + syn_range(r, 10, 30);
        cs_date de = d->start_date + syn_range(r, 30, 90);
        d->end_date = de < pe ? de : (pl->end != CS_DATE_NONE ? pl->end - 1 : CS_DATE_NONE);
        (void)pl_ids;
        break;
    }
}

void syn_emit_cla(syn_ctx *c, syn_child *ch, const syn_cla_plan *p, const syn_alloc *a,
                  const char *referral_id)
{
    syn_rng *r = &ch->rng;
    bool first_period = !ch->ever_cla;
    ch->ever_cla = true;
    ch->only_short_breaks = false;
    cs_cla_period *pd = SYN_ROW(c, cla_period);
    const char *period_id = pd->id;
    pd->person_id = ch->pid;
    pd->start_date = p->start;
    pd->end_date = p->end;
    pd->primary_need = c->code[p->need];
    pd->end_reason = p->end != CS_DATE_NONE ? c->code[p->reason] : NULL;
    pd->referral_id = referral_id;
    pd->permanence_plan = c->code[p->perm_plan];

    for (int i = 0; i < p->nls; i++) {
        cs_legal_status *l = SYN_ROW(c, legal_status);
        l->person_id = ch->pid;
        l->legal_status = c->code[p->ls[i].ls];
        l->start_date = p->ls[i].start;
        l->end_date = p->ls[i].end;
    }
    const char *pl_ids[SYN_MAX_PL];
    for (int i = 0; i < p->npl; i++) {
        const syn_pl *s = &p->pl[i];
        cs_cla_placement *pl = SYN_ROW(c, cla_placement);
        pl_ids[i] = pl->id;
        pl->person_id = ch->pid;
        pl->period_id = period_id;
        pl->start_date = s->start;
        pl->end_date = s->end;
        pl->placement_type = c->code[s->type];
        pl->provider = code_or_null(c, s->provider);
        pl->urn = s->urn;
        pl->postcode = s->postcode;
        pl->carer_id = s->carer;
        /* the reason belongs to a move to another ordinary placement */
        if (s->change_reason != SYN_NONE && i + 1 < p->npl && !is_temp(p->pl[i + 1].type) &&
            !is_temp(s->type))
            pl->change_reason = c->code[s->change_reason];
    }
    cs_date reviews[64];
    int nrev = emit_reviews(c, ch, p, period_id, reviews, 64);
    emit_episodes(c, ch, p, period_id, pl_ids, reviews, nrev);

    /* IRO for the period, statutory visits */
    cs_involvement *iro = SYN_ROW(c, involvement);
    iro->person_id = ch->pid;
    iro->worker_id = syn_worker_id(c, syn_pick_worker(c, r, TEAM_IRO));
    iro->team_id = syn_team_id(c, TEAM_IRO);
    iro->role = c->code[SC_IRO];
    iro->start_date = p->start;
    iro->end_date = p->end;
    iro->referral_id = referral_id;
    cs_date last = p->end != CS_DATE_NONE ? p->end - 1 : c->ref;
    cs_date d = p->start + syn_range(r, 1, 7);
    while (d <= last && d <= ch->limit) {
        cs_visit *v = SYN_ROW(c, visit);
        v->person_id = ch->pid;
        v->kind = c->code[SC_VCLA];
        v->plan_id = period_id;
        v->visit_date = d;
        v->seen = syn_chance(r, 0.97);
        v->seen_alone = v->seen && age_at(ch, d) >= 4 ? syn_chance(r, 0.7) : 0;
        v->bedroom_seen = syn_chance(r, 0.6);
        const syn_alloc_span *s = syn_alloc_at(a, d);
        if (s)
            v->worker_id = syn_worker_id(c, s->worker);
        d += d - p->start < 365 ? syn_range(r, 28, 42) : syn_range(r, 60, 84);
    }

    emit_missing(c, ch, p);
    if (p->route == CLA_UASC) {
        cs_immigration_status *im = SYN_ROW(c, immigration_status);
        im->person_id = ch->pid;
        im->status = c->code[SC_UASC];
        im->start_date = p->start;
        im->end_date = ch->age18 <= c->ref ? ch->age18 : CS_DATE_NONE;
    }
    emit_mother_and_dolo(c, ch, p, pl_ids);
    emit_adoption(c, ch, p, period_id);
    if (first_period)
        syn_gen_prev_permanence(c, ch, p->start);
    syn_gen_yearly_cla(c, ch, p->start, p->end);
    if (p->end != CS_DATE_NONE)
        syn_gen_care_leaver(c, ch, p->start, p->end, p->reason);
}

/* Short breaks for a disabled child: a V3 stay every month or two, or one V4
 * agreement, with a residential short-break unit (R1, no URN or postcode). */
void syn_gen_short_breaks(syn_ctx *c, syn_child *ch, cs_date from, cs_date to)
{
    syn_rng *r = &ch->rng;
    bool v4 = (ch->index % 3) == 0; /* one kind per child (903 rule 426) */
    bool first = !ch->ever_cla;
    if (first)
        ch->only_short_breaks = true;
    ch->ever_cla = true;
    cs_date d = from + syn_range(r, 7, 30);
    cs_date first_start = d;
    int periods = 0;
    while (d < to && d <= ch->limit) {
        cs_date end = v4 ? syn_min(to, d + syn_range(r, 180, 365)) : d + syn_range(r, 2, 5);
        if (end > to)
            break;
        bool open = end > ch->limit;
        periods++;
        cs_cla_period *pd = SYN_ROW(c, cla_period);
        const char *period_id = pd->id;
        pd->person_id = ch->pid;
        pd->start_date = d;
        pd->end_date = open ? CS_DATE_NONE : end;
        pd->primary_need = c->code[SC_N2];
        pd->end_reason = open ? NULL : c->code[SC_E4A];
        pd->permanence_plan = c->code[SC_PP_RETURN];
        cs_legal_status *l = SYN_ROW(c, legal_status);
        l->person_id = ch->pid;
        l->legal_status = c->code[v4 ? SC_V4 : SC_V3];
        l->start_date = d;
        l->end_date = pd->end_date;
        cs_cla_placement *pl = SYN_ROW(c, cla_placement);
        const char *pl_id = pl->id;
        pl->person_id = ch->pid;
        pl->period_id = period_id;
        pl->start_date = d;
        pl->end_date = pd->end_date;
        pl->placement_type = c->code[SC_R1];
        pl->provider = c->code[SC_PR1];
        pl->carer_id = "SHORTBREAKS";
        cs_cla_episode *e = SYN_ROW(c, cla_episode);
        e->person_id = ch->pid;
        e->period_id = period_id;
        e->placement_id = pl_id;
        e->start_date = d;
        e->start_reason = c->code[SC_RS];
        e->primary_need = c->code[SC_N2];
        e->end_date = pd->end_date;
        e->end_reason = pd->end_reason;
        if (open)
            break;
        d = end + (v4 ? syn_range(r, 1, 30) : syn_range(r, 21, 70));
    }
    if (first && periods)
        syn_gen_prev_permanence(c, ch, first_start);
    if (!periods && first) {
        ch->ever_cla = false;
        ch->only_short_breaks = false;
    }
}
