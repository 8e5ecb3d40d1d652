/* What follows from care: yearly health, SDQ and OC2 outcomes for children
 * looked after a full year, care leavers' status around their 17th-21st
 * birthdays with a personal adviser, previous permanence at entry to care,
 * and the adopters (Annex A List 11) linked to adopted children by family. */
#include "synth/gen_internal.h"

#include <stdio.h>

static int age_at(const syn_child *ch, cs_date d)
{
    return ch->birth == CS_DATE_NONE || d < ch->birth ? 0 : cs_age_years(ch->birth, d);
}

static void health_row(syn_ctx *c, syn_child *ch, syn_code kind, cs_date d)
{
    if (d > ch->limit || d > c->ref)
        return;
    cs_health_check *h = SYN_ROW(c, health_check);
    h->person_id = ch->pid;
    h->kind = c->code[kind];
    h->check_date = d;
    double x = syn_unit(&ch->rng);
    if (kind == SC_IMMUNISATIONS)
        h->status = x < 0.9 ? "Up to date" : "Not up to date";
    else
        h->status = x < 0.94 ? "Completed" : x < 0.97 ? "Refused" : "Not completed";
}

/* Health checks through the period; SDQ and OC2 outcomes for every year the
 * child was looked after from 1 April to 31 March. */
void syn_gen_yearly_cla(syn_ctx *c, syn_child *ch, cs_date start, cs_date end)
{
    syn_rng *r = &ch->rng;
    cs_date stop = end != CS_DATE_NONE ? end - 1 : c->ref;
    if (stop > ch->limit)
        stop = ch->limit;
    cs_date ha = start + syn_range(r, 10, 28);
    if (ha <= stop)
        health_row(c, ch, SC_HEALTH_ASSESSMENT, ha);
    for (int k = 1; k < 25; k++) {
        cs_date anniv = cs_date_add_months(start, 12 * k) - syn_range(r, 0, 30);
        if (anniv > stop)
            break;
        int age = age_at(ch, anniv);
        health_row(c, ch, SC_HEALTH_ASSESSMENT, anniv);
        if (age < 5) {
            cs_date half = cs_date_add_months(start, 12 * k - 6);
            if (half > start + 60 && half <= stop)
                health_row(c, ch, SC_HEALTH_ASSESSMENT, half);
            health_row(c, ch, SC_DEVELOPMENT, anniv - syn_range(r, 0, 20));
        }
        if (age >= 1)
            health_row(c, ch, SC_DENTAL, anniv - syn_range(r, 0, 40));
        health_row(c, ch, SC_IMMUNISATIONS, anniv);
    }
    /* years fully in care: start on or before 1 April, still looked after on 31 March */
    int y, m, d;
    cs_date_to_ymd(start, &y, &m, &d);
    int first_end = m >= 4 ? y + 2 : y + 1;
    int ry;
    cs_date_to_ymd(c->ref, &ry, &m, &d);
    for (int ye = first_end; ye <= ry; ye++) {
        cs_date ys = cs_date_from_ymd(ye - 1, 4, 1), yend = cs_date_from_ymd(ye, 3, 31);
        if (start > ys || (end != CS_DATE_NONE && end <= yend) || yend > ch->limit)
            continue;
        bool from4 = cs_date_add_years(ch->birth, 4) <= yend;
        bool upto17 = cs_date_add_years(ch->birth, 17) >= ys;
        if (from4 && upto17) {
            bool core = cs_date_add_years(ch->birth, 4) <= ys &&
                        cs_date_add_years(ch->birth, 16) >= yend;
            cs_sdq *s = SYN_ROW(c, sdq);
            s->person_id = ch->pid;
            s->completed_date = syn_range(r, ys + 30, yend - 10);
            double x = syn_unit(r);
            if (x < (core ? 0.9 : 0.7)) {
                int score = 14 + (int)syn_range(r, -9, 9) + (int)syn_range(r, -5, 5);
                s->score = score < 0 ? 0 : score > 40 ? 40 : score;
            } else {
                static const syn_code why[4] = {SC_SDQ2, SC_SDQ3, SC_SDQ4, SC_SDQ5};
                s->reason = c->code[core ? why[syn_below(r, 4)] : SC_SDQ1];
            }
        }
        cs_outcome *o = SYN_ROW(c, outcome);
        o->person_id = ch->pid;
        o->recorded_date = yend;
        if (cs_date_add_years(ch->birth, 10) <= yend)
            o->convicted = syn_chance(r, 0.04);
        bool older = age_at(ch, yend) >= 11;
        o->substance_misuse = older && syn_chance(r, 0.05);
        if (o->substance_misuse) {
            o->intervention_received = syn_chance(r, 0.6);
            if (!o->intervention_received)
                o->intervention_offered = syn_chance(r, 0.5);
        }
    }
}

/* Care leavers: looked after 13 weeks since 14 and some time after 16, not
 * adopted, died or transferred. One status row around each birthday on which
 * the 903 expects one (17th/18th only when care ended before that birthday). */
void syn_gen_care_leaver(syn_ctx *c, syn_child *ch, cs_date start, cs_date left, syn_code reason)
{
    syn_rng *r = &ch->rng;
    if (ch->birth == CS_DATE_NONE || reason == SC_E11 || reason == SC_E12 || reason == SC_E2 ||
        reason == SC_E3 || reason == SC_E41 || (reason >= SC_E45 && reason <= SC_E48))
        return;
    cs_date b14 = cs_date_add_years(ch->birth, 14), b16 = cs_date_add_years(ch->birth, 16);
    if (left - syn_max(start, b14) < 91 || left - syn_max(start, b16) < 1)
        return;
    uint32_t pa = syn_pick_worker(c, r, TEAM_LEAVING);
    cs_involvement *v = SYN_ROW(c, involvement);
    v->person_id = ch->pid;
    v->worker_id = syn_worker_id(c, pa);
    v->team_id = syn_team_id(c, TEAM_LEAVING);
    v->role = c->code[SC_PERSONAL_ADVISOR];
    v->start_date = syn_max(start, b16);
    cs_date b21 = cs_date_add_years(ch->birth, 21);
    v->end_date = b21 <= c->ref ? b21 : CS_DATE_NONE;
    const char *pa_name = c->workers[pa].name;
    syn_code touch_last = SC_YES;
    for (int k = 17; k <= 21; k++) {
        cs_date bday = cs_date_add_years(ch->birth, k);
        if (bday > c->ref || bday < c->hist_start || (k <= 18 && left >= bday))
            continue;
        if (bday <= left)
            continue;
        cs_care_leaver *cl = SYN_ROW(c, care_leaver);
        cl->person_id = ch->pid;
        cl->eligibility = c->code[k == 17 ? SC_RELEVANT : SC_FORMER_RELEVANT];
        double x = syn_unit(r);
        syn_code touch = x < 0.88 ? SC_YES : x < 0.93 ? SC_NO : x < 0.97 ? SC_REFU : SC_YES;
        if (touch_last == SC_RHOM || (k >= 19 && x >= 0.985))
            touch = SC_RHOM;
        touch_last = touch;
        cl->in_touch = c->code[touch];
        cs_date contact = bday + syn_range(r, -60, 60);
        if (contact > c->ref)
            contact = c->ref;
        if (contact <= left)
            contact = left + 1;
        cl->latest_contact_date = contact;
        if (touch == SC_RHOM) {
            cl->accommodation = c->code[SC_ZERO];
            cl->activity = c->code[SC_ZERO];
        } else if (touch == SC_YES) {
            static const uint16_t aw[10] = {30, 15, 10, 20, 15, 3, 2, 1, 1, 3};
            static const syn_code ac[10] = {SC_AC_U, SC_AC_Z, SC_AC_E, SC_AC_D, SC_AC_B,
                                            SC_AC_K, SC_AC_X, SC_AC_S, SC_AC_W, SC_AC_T};
            syn_code a = ac[syn_pick(r, aw, 10)];
            if (a == SC_AC_Z && k == 17)
                a = SC_AC_D;
            cl->accommodation = c->code[a];
            cl->accommodation_suitable = (a == SC_AC_X || a == SC_AC_S) ? 0 : syn_chance(r, 0.9);
            static const uint16_t vw[11] = {4, 3, 15, 10, 5, 5, 8, 7, 5, 30, 8};
            static const syn_code vc[11] = {SC_AF1, SC_AP1, SC_AF2, SC_AP2, SC_AF4, SC_AP4,
                                            SC_AF5, SC_AP5, SC_G4, SC_G5, SC_G6};
            cl->activity = c->code[vc[syn_pick(r, vw, 11)]];
        } else {
            cl->accommodation = c->code[SC_AC_R];
            cl->accommodation_suitable = 0;
            cl->activity = c->code[SC_G5];
        }
        cl->pathway_plan_review_date = contact - syn_range(r, 0, 150);
        if (cl->pathway_plan_review_date <= left)
            cl->pathway_plan_review_date = contact;
        cl->personal_advisor = pa_name;
        cl->team_id = syn_team_id(c, TEAM_LEAVING);
        cl->worker_id = syn_worker_id(c, pa);
    }
}

static const char *const perm_las[] = {"318", "314", "319", "936", "202", "210", "315", "312"};

void syn_gen_prev_permanence(syn_ctx *c, syn_child *ch, cs_date first_care)
{
    syn_rng *r = &ch->rng;
    cs_previous_permanence *pp = SYN_ROW(c, previous_permanence);
    pp->person_id = ch->pid;
    static const uint16_t w[5] = {880, 20, 40, 40, 20};
    static const syn_code k[5] = {SC_Z1, SC_PV1, SC_PV2, SC_PV3, SC_PV4};
    syn_code opt = k[syn_pick(r, w, 5)];
    cs_date lo = ch->birth + 30, hi = first_care - 60;
    if (opt != SC_Z1 && lo < hi) {
        cs_date od = syn_range(r, lo, hi);
        int y, m, d;
        cs_date_to_ymd(od, &y, &m, &d);
        pp->la = perm_las[syn_below(r, 8)];
        pp->order_date = syn_chance(r, 0.2) ? syn_strf(c, "ZZ/%02d/%04d", m, y)
                                            : syn_strf(c, "%02d/%02d/%04d", d, m, y);
    } else {
        opt = SC_Z1;
    }
    pp->option = c->code[opt];
}

static const syn_code adopter_eth[6] = {SC_WBRI, SC_WOTH, SC_MWBC, SC_AIND, SC_BCRB, SC_WIRI};
static const uint16_t adopter_eth_w[6] = {80, 6, 4, 4, 3, 3};

static void adopter_row(syn_ctx *c, syn_rng *r, const char *family, syn_code gender, cs_date enquiry,
                        bool ffa, cs_date matched, cs_date placed, cs_date order,
                        cs_date left, syn_code left_reason)
{
    cs_adopter *a = SYN_ROW(c, adopter);
    a->family_id = family;
    a->gender = c->code[gender];
    a->ethnicity = c->code[adopter_eth[syn_pick(r, adopter_eth_w, 6)]];
    a->disability = syn_chance(r, 0.05);
    a->fostering_for_adoption = ffa;
    a->enquiry_date = enquiry;
    cs_date d = enquiry + syn_range(r, 14, 45);
    cs_date lim = left != CS_DATE_NONE ? left : c->ref;
    if (d > lim)
        goto out;
    a->stage1_start_date = d;
    d += syn_range(r, 40, 60);
    if (d > lim)
        goto out;
    a->stage1_end_date = d;
    d += syn_range(r, 0, 20);
    if (d > lim)
        goto out;
    a->stage2_start_date = d;
    a->application_date = d;
    d += syn_range(r, 90, 120);
    if (d > lim)
        goto out;
    a->stage2_end_date = d;
    d += syn_range(r, 7, 30);
    if (d > lim)
        goto out;
    a->approved_date = d;
    a->matched_date = matched;
    a->placed_date = placed;
    if (placed != CS_DATE_NONE)
        a->children_placed = 1;
    a->adoption_order_date = order;
out:
    if (left != CS_DATE_NONE) {
        a->left_date = left;
        a->left_reason = c->code[left_reason];
    }
}

void syn_gen_adopters(syn_ctx *c, syn_rng *r, const char *family, int adopters, syn_code sexes,
                      cs_date matched, cs_date placed, cs_date order, bool ffa)
{
    /* approval about 1-10 months before the match */
    cs_date enquiry = matched - syn_range(r, 300, 600);
    if (order != CS_DATE_NONE && order > c->ref)
        order = CS_DATE_NONE;
    for (int i = 0; i < adopters; i++) {
        syn_code g = sexes == SC_M1 || sexes == SC_MM ? SC_M
                     : sexes == SC_F1 || sexes == SC_FF ? SC_F
                     : i == 0                           ? SC_F
                                                        : SC_M;
        adopter_row(c, r, family, g, enquiry, ffa, matched, placed, order, CS_DATE_NONE, SC_LEFT1);
    }
}

/* Prospective adopters with no child placed: approved and waiting, or left. */
void syn_gen_waiting_adopters(syn_ctx *c, syn_rng *r, uint32_t families)
{
    for (uint32_t f = 0; f < families; f++) {
        const char *family = syn_strf(c, "FAM%06llu", (unsigned long long)++c->next_family);
        cs_date enquiry = c->ref - syn_range(r, 30, 700);
        cs_date left = CS_DATE_NONE;
        syn_code why = SC_LEFT1;
        if (syn_chance(r, 0.35)) {
            left = enquiry + syn_range(r, 20, 200);
            if (left > c->ref)
                left = CS_DATE_NONE;
            static const syn_code reasons[3] = {SC_LEFT1, SC_LEFT2, SC_LEFT3};
            why = reasons[syn_below(r, 3)];
        }
        int n = syn_chance(r, 0.8) ? 2 : 1;
        for (int i = 0; i < n; i++)
            adopter_row(c, r, family, i == 0 ? SC_F : SC_M, enquiry, syn_chance(r, 0.1),
                        CS_DATE_NONE, CS_DATE_NONE, CS_DATE_NONE, left, why);
    }
}
