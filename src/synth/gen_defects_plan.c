/* CIN census defects on plans and enquiries: CP plans, CIN plans, s47
 * enquiries and initial conferences. */
#include "synth/gen_defects.h"

#include <string.h>

#define NOTE(x, kind, ent, rec, field, rules, detail) \
    syn_dx_note((x), (kind), #ent, (rec), (field), (rules), (detail))

static bool in_scope_ref(syn_dx *x, const char *ref_id)
{
    const cs_referral *rf = syn_dx_referral(x, ref_id);
    return rf && syn_dx_ref_in_scope(x, rf);
}

/* The child's previous episode closed well before this referral (or none). */
static bool quiet_before(syn_dx *x, const cs_referral *rf, int days)
{
    DX_FOR(x, referral, i)
    {
        const cs_referral *o = DX_ROW(x, referral, i);
        if (o != rf && o->referral_date < rf->referral_date &&
            (o->closure_date == CS_DATE_NONE || o->closure_date >= rf->referral_date - days))
            return false;
    }
    return true;
}

static size_t cin_plan_starting(syn_dx *x, cs_date d)
{
    DX_FOR(x, cin_plan, i)
    if (DX_ROW(x, cin_plan, i)->start_date == d)
        return i;
    return SIZE_MAX;
}

static size_t cin_plan_ending(syn_dx *x, cs_date d)
{
    DX_FOR(x, cin_plan, i)
    if (DX_ROW(x, cin_plan, i)->end_date == d)
        return i;
    return SIZE_MAX;
}

static cs_date first_review(syn_dx *x, const char *plan_id)
{
    cs_date best = CS_DATE_NONE;
    DX_FOR(x, cp_review, i)
    {
        const cs_cp_review *r = DX_ROW(x, cp_review, i);
        if (r->cp_plan_id == plan_id && (best == CS_DATE_NONE || r->review_date < best))
            best = r->review_date;
    }
    return best;
}

static size_t pick_cpp(syn_dx *x, bool closed_in_year, cs_date min_start)
{
    syn_dx_pick pk = {0};
    DX_FOR(x, cp_plan, i)
    {
        const cs_cp_plan *p = DX_ROW(x, cp_plan, i);
        if (!in_scope_ref(x, p->referral_id) || p->start_date < min_start ||
            !syn_dx_open_in_year(x, p->start_date, p->end_date))
            continue;
        if (closed_in_year && !syn_in_year(x->c, p->end_date))
            continue;
        syn_dx_add(&pk, i);
    }
    return syn_dx_choose(x, &pk);
}

static bool cpp_before_referral(syn_dx *x)
{
    size_t i = pick_cpp(x, false, CS_DATE_NONE + 1);
    if (i == SIZE_MAX)
        return false;
    cs_cp_plan *p = DX_ROW(x, cp_plan, i);
    const cs_referral *rf = syn_dx_referral(x, p->referral_id);
    if (!quiet_before(x, rf, 40))
        return false;
    /* no CIN plan may start inside the stretched plan */
    DX_FOR(x, cin_plan, k)
    {
        const cs_cin_plan *c = DX_ROW(x, cin_plan, k);
        if (c->start_date < p->end_date || p->end_date == CS_DATE_NONE)
            if (c->start_date >= rf->referral_date - 30 && c->start_date < p->start_date)
                return false;
    }
    p->start_date = rf->referral_date - syn_range(x->r, 1, 20);
    NOTE(x, "cpp-before-referral", cp_plan, p->id, "start_date",
         syn_in_year(x->c, p->start_date) ? "1105;2885" : "1105",
         "CP plan starts before the referral (and no longer on the conference date)");
    return true;
}

static bool cpp_end_before_start(syn_dx *x, bool same_day)
{
    size_t i = pick_cpp(x, true, x->c->year_start + 31);
    if (i == SIZE_MAX)
        return false;
    cs_cp_plan *p = DX_ROW(x, cp_plan, i);
    if (cin_plan_starting(x, p->end_date) != SIZE_MAX)
        return false; /* a step-down plan would meet the plan's reviews (4003) */
    if (same_day) {
        p->end_date = p->start_date;
        NOTE(x, "cpp-same-day", cp_plan, p->id, "end_date", "8840", "CP plan ends the day it starts");
    } else {
        p->end_date = p->start_date - syn_range(x->r, 1, 20);
        NOTE(x, "cpp-end-before-start", cp_plan, p->id, "end_date", "8925", "CP plan ends before it starts");
    }
    return true;
}

static bool cpp_end_before_start_k(syn_dx *x)
{
    return cpp_end_before_start(x, false);
}

static bool cpp_same_day(syn_dx *x)
{
    return cpp_end_before_start(x, true);
}

static bool missing_initial_category(syn_dx *x)
{
    size_t i = pick_cpp(x, false, CS_DATE_NONE + 1);
    if (i == SIZE_MAX)
        return false;
    cs_cp_plan *p = DX_ROW(x, cp_plan, i);
    p->initial_category = NULL;
    NOTE(x, "missing-initial-category", cp_plan, p->id, "initial_category", "8905", "No initial category of abuse");
    return true;
}

static bool invalid_latest_category(syn_dx *x)
{
    size_t i = pick_cpp(x, false, CS_DATE_NONE + 1);
    if (i == SIZE_MAX)
        return false;
    cs_cp_plan *p = DX_ROW(x, cp_plan, i);
    p->latest_category = syn_dx_code(x, "ABU");
    NOTE(x, "invalid-latest-category", cp_plan, p->id, "latest_category", "8910", "Latest category ABU is not a code");
    return true;
}

/* ---- CIN plans ---- */

static size_t pick_cin_plan(syn_dx *x, int want_end, cs_date min_start)
{
    syn_dx_pick pk = {0};
    DX_FOR(x, cin_plan, i)
    {
        const cs_cin_plan *c = DX_ROW(x, cin_plan, i);
        if (!in_scope_ref(x, c->referral_id) || c->start_date < min_start ||
            !syn_dx_open_in_year(x, c->start_date, c->end_date))
            continue;
        if (want_end == 0 && c->end_date != CS_DATE_NONE)
            continue;
        if (want_end == 1 && !syn_in_year(x->c, c->end_date))
            continue;
        syn_dx_add(&pk, i);
    }
    return syn_dx_choose(x, &pk);
}

static bool two_open_cin_plans(syn_dx *x)
{
    size_t i = pick_cin_plan(x, 0, CS_DATE_NONE + 1);
    if (i == SIZE_MAX)
        return false;
    cs_cin_plan c = *DX_ROW(x, cin_plan, i);
    if (c.start_date >= x->c->ref - 1)
        return false;
    cs_cin_plan *n = SYN_ROW(x->c, cin_plan);
    const char *id = n->id;
    *n = c;
    n->id = id;
    n->start_date = c.start_date + syn_range(x->r, 1, (int)syn_min(30, x->c->ref - c.start_date));
    NOTE(x, "two-open-cin-plans", cin_plan, id, "end_date", "4004;4014", "A second open CIN plan in the episode");
    return true;
}

static bool cin_plan_overlaps_cpp(syn_dx *x)
{
    syn_dx_pick pk = {0};
    DX_FOR(x, cp_plan, i)
    {
        const cs_cp_plan *p = DX_ROW(x, cp_plan, i);
        size_t k = p->end_date != CS_DATE_NONE ? cin_plan_starting(x, p->end_date) : SIZE_MAX;
        if (k != SIZE_MAX && in_scope_ref(x, DX_ROW(x, cin_plan, k)->referral_id) &&
            syn_dx_open_in_year(x, p->start_date, p->end_date) &&
            p->end_date - p->start_date > 40)
            syn_dx_add(&pk, k);
    }
    size_t k = syn_dx_choose(x, &pk);
    if (k == SIZE_MAX)
        return false;
    cs_cin_plan *c = DX_ROW(x, cin_plan, k);
    if (c->end_date != CS_DATE_NONE && c->end_date < x->c->year_start)
        return false;
    c->start_date -= syn_range(x->r, 1, 20);
    NOTE(x, "cin-plan-overlaps-cpp", cin_plan, c->id, "start_date", "4016", "CIN plan starts before the CP plan ended");
    return true;
}

static bool cpp_overlaps_cin_plan(syn_dx *x)
{
    syn_dx_pick pk = {0};
    DX_FOR(x, cp_plan, i)
    {
        const cs_cp_plan *p = DX_ROW(x, cp_plan, i);
        size_t k = cin_plan_ending(x, p->start_date);
        if (k != SIZE_MAX && syn_in_year(x->c, p->start_date) && p->start_date + 10 <= x->c->ref &&
            in_scope_ref(x, DX_ROW(x, cin_plan, k)->referral_id))
            syn_dx_add(&pk, i);
    }
    size_t i = syn_dx_choose(x, &pk);
    if (i == SIZE_MAX)
        return false;
    const cs_cp_plan *p = DX_ROW(x, cp_plan, i);
    cs_date lim = p->end_date != CS_DATE_NONE ? p->end_date : x->c->ref;
    cs_date rv = first_review(x, p->id);
    if (rv != CS_DATE_NONE && rv < lim)
        lim = rv;
    if (lim - p->start_date < 3)
        return false;
    cs_cin_plan *c = DX_ROW(x, cin_plan, cin_plan_ending(x, p->start_date));
    c->end_date = p->start_date + syn_range(x->r, 1, (int)syn_min(10, lim - p->start_date - 1));
    NOTE(x, "cpp-overlaps-cin-plan", cin_plan, c->id, "end_date", "4017", "CIN plan still open when the CP plan started");
    return true;
}

static bool cin_plan_end_before_start(syn_dx *x, bool same_day)
{
    size_t i = pick_cin_plan(x, 1, x->c->year_start + 31);
    if (i == SIZE_MAX)
        return false;
    cs_cin_plan *c = DX_ROW(x, cin_plan, i);
    if (same_day) {
        c->end_date = c->start_date;
        NOTE(x, "cin-plan-same-day", cin_plan, c->id, "end_date", "4012Q", "CIN plan ends the day it starts");
    } else {
        c->end_date = c->start_date - syn_range(x->r, 1, 20);
        NOTE(x, "cin-plan-end-before-start", cin_plan, c->id, "end_date", "4011", "CIN plan ends before it starts");
    }
    return true;
}

static bool cin_plan_end_before_start_k(syn_dx *x)
{
    return cin_plan_end_before_start(x, false);
}

static bool cin_plan_same_day(syn_dx *x)
{
    return cin_plan_end_before_start(x, true);
}

static bool cin_plan_before_referral(syn_dx *x)
{
    size_t i = pick_cin_plan(x, -1, CS_DATE_NONE + 1);
    if (i == SIZE_MAX)
        return false;
    cs_cin_plan *c = DX_ROW(x, cin_plan, i);
    const cs_referral *rf = syn_dx_referral(x, c->referral_id);
    if (!quiet_before(x, rf, 60))
        return false;
    /* only the episode's first plan, so nothing else of the episode is overlapped */
    DX_FOR(x, cin_plan, k)
    {
        const cs_cin_plan *o = DX_ROW(x, cin_plan, k);
        if (o != c && o->referral_id == c->referral_id && o->start_date < c->start_date)
            return false;
    }
    DX_FOR(x, cp_plan, k)
    {
        const cs_cp_plan *p = DX_ROW(x, cp_plan, k);
        if (p->referral_id == c->referral_id && p->start_date < c->start_date)
            return false;
    }
    c->start_date = rf->referral_date - syn_range(x->r, 1, 20);
    NOTE(x, "cin-plan-before-referral", cin_plan, c->id, "start_date", "4015", "CIN plan starts before the referral");
    return true;
}

/* ---- s47 and conferences ---- */

static int s47s_of(syn_dx *x, const char *ref_id)
{
    int n = 0;
    DX_FOR(x, s47, i)
    n += DX_ROW(x, s47, i)->referral_id == ref_id;
    return n;
}

static cs_icpc *icpc_of(syn_dx *x, const char *s47_id)
{
    DX_FOR(x, icpc, i)
    if (DX_ROW(x, icpc, i)->s47_id == s47_id)
        return DX_ROW(x, icpc, i);
    return NULL;
}

/* The census carries an enquiry started by the reference date and not finished
 * (its conference, or with none its end date) before the year began. */
static bool s47_in_census(syn_dx *x, const cs_s47 *s)
{
    const cs_icpc *ic = icpc_of(x, s->id);
    return in_scope_ref(x, s->referral_id) &&
           syn_dx_open_in_year(x, s->start_date, ic ? ic->conference_date : s->end_date);
}

static bool s47_before_referral(syn_dx *x)
{
    syn_dx_pick pk = {0};
    DX_FOR(x, s47, i)
    {
        const cs_s47 *s = DX_ROW(x, s47, i);
        if (s47_in_census(x, s) && s47s_of(x, s->referral_id) == 1 &&
            (s->icpc_not_required == 1 || icpc_of(x, s->id)))
            syn_dx_add(&pk, i);
    }
    size_t i = syn_dx_choose(x, &pk);
    if (i == SIZE_MAX)
        return false;
    cs_s47 *s = DX_ROW(x, s47, i);
    const cs_referral *rf = syn_dx_referral(x, s->referral_id);
    if (!quiet_before(x, rf, 30))
        return false;
    s->start_date = rf->referral_date - syn_range(x->r, 1, 10);
    NOTE(x, "s47-before-referral", s47, s->id, "start_date", "2889", "S47 enquiry starts before the referral");
    return true;
}

static bool s47_after_icpc(syn_dx *x)
{
    syn_dx_pick pk = {0};
    DX_FOR(x, s47, i)
    {
        const cs_s47 *s = DX_ROW(x, s47, i);
        const cs_icpc *ic = icpc_of(x, s->id);
        const cs_referral *rf = syn_dx_referral(x, s->referral_id);
        if (ic && rf && s47_in_census(x, s) && syn_in_year(x->c, ic->conference_date) &&
            s47s_of(x, s->referral_id) == 1 &&
            ic->conference_date + 5 <= x->c->ref &&
            (rf->closure_date == CS_DATE_NONE || rf->closure_date >= ic->conference_date + 5))
            syn_dx_add(&pk, i);
    }
    size_t i = syn_dx_choose(x, &pk);
    if (i == SIZE_MAX)
        return false;
    cs_s47 *s = DX_ROW(x, s47, i);
    s->start_date = icpc_of(x, s->id)->conference_date + syn_range(x->r, 1, 5);
    NOTE(x, "s47-after-icpc", s47, s->id, "start_date", "8615", "S47 enquiry starts after its conference");
    return true;
}

static bool icpc_weekend(syn_dx *x)
{
    syn_dx_pick pk = {0};
    DX_FOR(x, icpc, i)
    {
        const cs_icpc *ic = DX_ROW(x, icpc, i);
        if (!ic->s47_id || ic->outcome_cp != 0 || !in_scope_ref(x, ic->referral_id))
            continue;
        cs_date sat = ic->conference_date + (6 - cs_date_weekday(ic->conference_date));
        const cs_referral *rf = syn_dx_referral(x, ic->referral_id);
        if (syn_in_year(x->c, ic->conference_date) && sat <= x->c->ref &&
            (rf->closure_date == CS_DATE_NONE || rf->closure_date >= sat))
            syn_dx_add(&pk, i);
    }
    size_t i = syn_dx_choose(x, &pk);
    if (i == SIZE_MAX)
        return false;
    cs_icpc *ic = DX_ROW(x, icpc, i);
    ic->conference_date += 6 - cs_date_weekday(ic->conference_date);
    DX_FOR(x, s47, k)
    if (DX_ROW(x, s47, k)->id == ic->s47_id)
        DX_ROW(x, s47, k)->end_date = ic->conference_date;
    NOTE(x, "icpc-weekend", icpc, ic->id, "conference_date", "8875", "Initial conference dated on a Saturday");
    return true;
}

static bool s47_not_required_with_icpc(syn_dx *x)
{
    syn_dx_pick pk = {0};
    DX_FOR(x, s47, i)
    {
        const cs_s47 *s = DX_ROW(x, s47, i);
        const cs_icpc *ic = icpc_of(x, s->id);
        const cs_referral *rf = syn_dx_referral(x, s->referral_id);
        if (!ic || ic->outcome_cp != 0 || !rf || !syn_in_year(x->c, rf->closure_date) ||
            !s47_in_census(x, s) ||
            s47s_of(x, s->referral_id) != 1)
            continue;
        bool cpp = false;
        DX_FOR(x, cp_plan, k)
        cpp |= DX_ROW(x, cp_plan, k)->referral_id == s->referral_id;
        if (!cpp)
            syn_dx_add(&pk, i);
    }
    size_t i = syn_dx_choose(x, &pk);
    if (i == SIZE_MAX)
        return false;
    cs_s47 *s = DX_ROW(x, s47, i);
    s->icpc_not_required = 1;
    NOTE(x, "s47-not-required-with-icpc", s47, s->id, "icpc_not_required", "8868",
         "Conference held although marked not required, on a closed episode");
    return true;
}

const syn_defect_kind syn_cin_plan_defects[] = {
    {"cpp-before-referral", cpp_before_referral},
    {"cpp-end-before-start", cpp_end_before_start_k},
    {"cpp-same-day", cpp_same_day},
    {"missing-initial-category", missing_initial_category},
    {"invalid-latest-category", invalid_latest_category},
    {"two-open-cin-plans", two_open_cin_plans},
    {"cin-plan-overlaps-cpp", cin_plan_overlaps_cpp},
    {"cpp-overlaps-cin-plan", cpp_overlaps_cin_plan},
    {"cin-plan-end-before-start", cin_plan_end_before_start_k},
    {"cin-plan-same-day", cin_plan_same_day},
    {"cin-plan-before-referral", cin_plan_before_referral},
    {"s47-before-referral", s47_before_referral},
    {"s47-after-icpc", s47_after_icpc},
    {"icpc-weekend", icpc_weekend},
    {"s47-not-required-with-icpc", s47_not_required_with_icpc},
};
const size_t syn_n_cin_plan_defects = sizeof syn_cin_plan_defects / sizeof syn_cin_plan_defects[0];
