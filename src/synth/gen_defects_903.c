/* SSDA903 defects: placements, episodes, legal statuses, reviews, OC2, missing
 * episodes, UASC, adoption, previous permanence, motherhood and care leavers.
 * Each picks a record in the return for the latest year (the year ending on
 * the reference date) where only the named rules react to the change. */
#include "synth/gen_defects.h"

#include <string.h>

#define NOTE(x, kind, ent, rec, field, rules, detail) \
    syn_dx_note((x), (kind), #ent, (rec), (field), (rules), (detail))

static bool is_code(const char *a, const char *b)
{
    return a && strcmp(a, b) == 0;
}

static bool overlaps_year(const syn_ctx *c, cs_date start, cs_date end)
{
    return start <= c->ref && (end == CS_DATE_NONE || end >= c->year_start);
}

static bool is_temp(const char *t)
{
    return t && t[0] == 'T';
}

static bool is_foster(const char *t)
{
    return t && t[0] == 'U';
}

/* A placement of the year; filter: 0 any ordinary, 1 temporary T1-T3, 2 P1,
 * 3 foster, 4 needs a URN, 5 ends with a move (has a reason), 6 IFA foster
 * not next to a temporary placement nor ending an SGO period. */
static size_t pick_placement(syn_dx *x, int filter)
{
    syn_dx_pick pk = {0};
    size_t first = x->ch->first[CS_E_cla_placement], end = CS_COUNT(x->c->m, cla_placement);
    for (size_t i = first; i < end; i++) {
        const cs_cla_placement *p = DX_ROW(x, cla_placement, i);
        const char *t = p->placement_type;
        if (!overlaps_year(x->c, p->start_date, p->end_date) || is_code(t, "R1"))
            continue;
        bool ok = false;
        switch (filter) {
        case 0: ok = !is_temp(t); break;
        case 1: ok = is_code(t, "T1") || is_code(t, "T2") || is_code(t, "T3"); break;
        case 2: ok = is_code(t, "P1"); break;
        case 3: ok = is_foster(t); break;
        case 4: ok = p->urn != NULL; break;
        case 5: ok = p->change_reason != NULL && syn_in_year(x->c, p->end_date); break;
        case 6: {
            const cs_cla_placement *prev = i > first ? DX_ROW(x, cla_placement, i - 1) : NULL;
            const cs_cla_placement *next = i + 1 < end ? DX_ROW(x, cla_placement, i + 1) : NULL;
            bool near_temp = (prev && prev->period_id == p->period_id && is_temp(prev->placement_type)) ||
                             (next && next->period_id == p->period_id && is_temp(next->placement_type));
            bool last = !next || next->period_id != p->period_id;
            ok = is_foster(t) && !is_code(p->provider, "PR1") && !near_temp && !last;
            break;
        }
        default: break;
        }
        if (ok)
            syn_dx_add(&pk, i);
    }
    return syn_dx_choose(x, &pk);
}

static bool missing_provider(syn_dx *x)
{
    size_t i = pick_placement(x, 0);
    if (i == SIZE_MAX)
        return false;
    cs_cla_placement *p = DX_ROW(x, cla_placement, i);
    p->provider = NULL;
    NOTE(x, "missing-provider", cla_placement, p->id, "provider", "526", "Placement provider not recorded");
    return true;
}

static bool provider_for_temporary(syn_dx *x)
{
    size_t i = pick_placement(x, 1);
    if (i == SIZE_MAX)
        return false;
    cs_cla_placement *p = DX_ROW(x, cla_placement, i);
    p->provider = x->c->code[SC_PR4];
    NOTE(x, "provider-for-temporary", cla_placement, p->id, "provider", "178;213",
         "Provider recorded for a temporary placement");
    return true;
}

static bool pr0_not_p1(syn_dx *x)
{
    size_t i = pick_placement(x, 3);
    if (i == SIZE_MAX)
        return false;
    cs_cla_placement *p = DX_ROW(x, cla_placement, i);
    p->provider = x->c->code[SC_PR0];
    NOTE(x, "pr0-not-p1", cla_placement, p->id, "provider", "550", "Provider PR0 (parent) on a foster placement");
    return true;
}

static bool in_home_la(const char *pc)
{
    for (size_t i = 0; pc && i < syn_postcodes_count[PC_HOME]; i++)
        if (syn_postcodes_home[i] == pc)
            return true;
    return false;
}

static bool pr1_with_p1(syn_dx *x)
{
    size_t i = pick_placement(x, 2);
    if (i == SIZE_MAX)
        return false;
    cs_cla_placement *p = DX_ROW(x, cla_placement, i);
    if (!in_home_la(p->postcode))
        return false;
    p->provider = x->c->code[SC_PR1];
    NOTE(x, "pr1-with-p1", cla_placement, p->id, "provider", "527", "Provider PR1 on a placement with parents");
    return true;
}

static bool urn_not_required(syn_dx *x)
{
    size_t i = pick_placement(x, 2);
    if (i == SIZE_MAX)
        return false;
    cs_cla_placement *p = DX_ROW(x, cla_placement, i);
    p->urn = "1234567";
    NOTE(x, "urn-not-required", cla_placement, p->id, "urn", "222", "URN recorded for a placement with parents");
    return true;
}

static bool urn_missing(syn_dx *x)
{
    size_t i = pick_placement(x, 4);
    if (i == SIZE_MAX)
        return false;
    cs_cla_placement *p = DX_ROW(x, cla_placement, i);
    p->urn = NULL;
    NOTE(x, "urn-missing", cla_placement, p->id, "urn", "218", "Ofsted URN missing for a regulated placement");
    return true;
}

static bool provider_invalid(syn_dx *x)
{
    size_t i = pick_placement(x, 0);
    if (i == SIZE_MAX)
        return false;
    cs_cla_placement *p = DX_ROW(x, cla_placement, i);
    p->provider = syn_dx_code(x, "PR9");
    NOTE(x, "provider-invalid", cla_placement, p->id, "provider", "178", "Provider PR9 is not a code");
    return true;
}

static bool place_invalid(syn_dx *x)
{
    size_t i = pick_placement(x, 6);
    if (i == SIZE_MAX)
        return false;
    cs_cla_placement *p = DX_ROW(x, cla_placement, i);
    p->placement_type = syn_dx_code(x, "Q1");
    NOTE(x, "place-invalid", cla_placement, p->id, "placement_type", "146", "Placement type Q1 is not a code");
    return true;
}

static bool reason_place_change(syn_dx *x, bool invalid)
{
    size_t i = pick_placement(x, 5);
    if (i == SIZE_MAX)
        return false;
    cs_cla_placement *p = DX_ROW(x, cla_placement, i);
    if (invalid) {
        p->change_reason = syn_dx_code(x, "MOVED");
        NOTE(x, "reason-place-change-invalid", cla_placement, p->id, "change_reason", "1009",
             "Reason for placement change MOVED is not a code");
    } else {
        p->change_reason = NULL;
        NOTE(x, "reason-place-change-missing", cla_placement, p->id, "change_reason", "225",
             "Placement ended with a move but no reason is recorded");
    }
    return true;
}

static bool rpc_invalid(syn_dx *x)
{
    return reason_place_change(x, true);
}

static bool rpc_missing(syn_dx *x)
{
    return reason_place_change(x, false);
}

/* ---- episodes and legal statuses ---- */

static bool child_has(syn_dx *x, cs_entity_id e)
{
    return x->ch->first[e] != x->c->m->tables[e].count;
}

static bool dec_before_decom(syn_dx *x)
{
    /* a one-episode period ending in the year for a reason not tied to age,
     * for a child with no missing episodes, care leaving or adoption rows */
    if (child_has(x, CS_E_missing_episode) || child_has(x, CS_E_care_leaver) ||
        child_has(x, CS_E_permanence) || child_has(x, CS_E_dol_order) ||
        syn_dx_person(x)->is_mother == 1)
        return false;
    syn_dx_pick pk = {0};
    size_t first = x->ch->first[CS_E_cla_episode], end = CS_COUNT(x->c->m, cla_episode);
    for (size_t i = first; i < end; i++) {
        const cs_cla_episode *e = DX_ROW(x, cla_episode, i);
        bool alone = (i == first || DX_ROW(x, cla_episode, i - 1)->period_id != e->period_id) &&
                     (i + 1 == end || DX_ROW(x, cla_episode, i + 1)->period_id != e->period_id);
        const char *rec = e->end_reason;
        bool plain = is_code(rec, "E4A") || is_code(rec, "E4B") || is_code(rec, "E13") ||
                     is_code(rec, "E8") || is_code(rec, "E3") || is_code(rec, "E41");
        if (alone && plain && e->start_date >= x->c->year_start + 30 && syn_in_year(x->c, e->end_date))
            syn_dx_add(&pk, i);
    }
    size_t i = syn_dx_choose(x, &pk);
    if (i == SIZE_MAX)
        return false;
    cs_cla_episode *e = DX_ROW(x, cla_episode, i);
    e->end_date = e->start_date - syn_range(x->r, 1, 10);
    NOTE(x, "dec-before-decom", cla_episode, e->id, "end_date", "356", "Episode ceased before it commenced");
    return true;
}

static bool rne_invalid(syn_dx *x)
{
    syn_dx_pick pk = {0};
    size_t first = x->ch->first[CS_E_cla_episode], end = CS_COUNT(x->c->m, cla_episode);
    for (size_t i = first + 1; i < end; i++) {
        const cs_cla_episode *e = DX_ROW(x, cla_episode, i);
        const cs_cla_episode *prev = DX_ROW(x, cla_episode, i - 1);
        if (!is_code(e->start_reason, "P") || prev->period_id != e->period_id ||
            !syn_in_year(x->c, e->start_date))
            continue;
        const cs_cla_placement *pl = NULL, *ppl = NULL;
        DX_FOR(x, cla_placement, k)
        {
            if (DX_ROW(x, cla_placement, k)->id == e->placement_id)
                pl = DX_ROW(x, cla_placement, k);
            if (DX_ROW(x, cla_placement, k)->id == prev->placement_id)
                ppl = DX_ROW(x, cla_placement, k);
        }
        if (pl && ppl && !is_temp(pl->placement_type) && !is_temp(ppl->placement_type) &&
            pl->placement_type[0] != 'A')
            syn_dx_add(&pk, i);
    }
    size_t i = syn_dx_choose(x, &pk);
    if (i == SIZE_MAX)
        return false;
    cs_cla_episode *e = DX_ROW(x, cla_episode, i);
    e->start_reason = syn_dx_code(x, "Z");
    NOTE(x, "rne-invalid", cla_episode, e->id, "start_reason", "143", "Reason for new episode Z is not a code");
    return true;
}

static bool rec_invalid(syn_dx *x)
{
    syn_dx_pick pk = {0};
    DX_FOR(x, cla_episode, i)
    {
        const cs_cla_episode *e = DX_ROW(x, cla_episode, i);
        const char *rec = e->end_reason;
        if (syn_in_year(x->c, e->end_date) && (is_code(rec, "E4A") || is_code(rec, "E4B") ||
                                               is_code(rec, "E13") || is_code(rec, "E8")))
            syn_dx_add(&pk, i);
    }
    size_t i = syn_dx_choose(x, &pk);
    if (i == SIZE_MAX)
        return false;
    cs_cla_episode *e = DX_ROW(x, cla_episode, i);
    e->end_reason = syn_dx_code(x, "E99");
    NOTE(x, "rec-invalid", cla_episode, e->id, "end_reason", "149", "Reason episode ceased E99 is not a code");
    return true;
}

static bool legal_status_invalid(syn_dx *x)
{
    syn_dx_pick pk = {0};
    DX_FOR(x, legal_status, i)
    {
        const cs_legal_status *l = DX_ROW(x, legal_status, i);
        if ((is_code(l->legal_status, "C1") || is_code(l->legal_status, "C2")) &&
            overlaps_year(x->c, l->start_date, l->end_date))
            syn_dx_add(&pk, i);
    }
    size_t i = syn_dx_choose(x, &pk);
    if (i == SIZE_MAX)
        return false;
    cs_legal_status *l = DX_ROW(x, legal_status, i);
    l->legal_status = syn_dx_code(x, "C9");
    NOTE(x, "legal-status-invalid", legal_status, l->id, "legal_status", "144", "Legal status C9 is not a code");
    return true;
}

/* ---- reviews, SDQ, missing, UASC ---- */

static bool review_defect(syn_dx *x, int which)
{
    syn_dx_pick pk = {0};
    cs_date birth = syn_dx_person(x)->birth_date;
    DX_FOR(x, cla_review, i)
    {
        const cs_cla_review *v = DX_ROW(x, cla_review, i);
        if (v->cancelled == 1 || !syn_in_year(x->c, v->review_date))
            continue;
        int age = cs_age_years(birth, v->review_date);
        if (which == 0 || (which == 1 && age >= 5) ||
            (which == 2 && v->review_date < cs_date_add_months(birth, 42)))
            syn_dx_add(&pk, i);
    }
    size_t i = syn_dx_choose(x, &pk);
    if (i == SIZE_MAX)
        return false;
    cs_cla_review *v = DX_ROW(x, cla_review, i);
    if (which == 0) {
        v->participation = NULL;
        NOTE(x, "review-no-participation", cla_review, v->id, "participation", "167", "Review with no participation code");
    } else if (which == 1) {
        v->participation = x->c->code[SC_PN0];
        NOTE(x, "review-pn0-over-4", cla_review, v->id, "participation", "440", "PN0 (under 4) for a child aged 5 or more");
    } else {
        v->participation = x->c->code[SC_PN3];
        NOTE(x, "review-pn-under-4", cla_review, v->id, "participation", "441", "PN3 for a child under 4");
    }
    return true;
}

static bool review_no_participation(syn_dx *x) { return review_defect(x, 0); }
static bool review_pn0_over_4(syn_dx *x) { return review_defect(x, 1); }
static bool review_pn_under_4(syn_dx *x) { return review_defect(x, 2); }

static bool sdq_out_of_range(syn_dx *x)
{
    syn_dx_pick pk = {0};
    DX_FOR(x, sdq, i)
    {
        const cs_sdq *s = DX_ROW(x, sdq, i);
        if (s->score != CS_INT_NONE && syn_in_year(x->c, s->completed_date))
            syn_dx_add(&pk, i);
    }
    size_t i = syn_dx_choose(x, &pk);
    if (i == SIZE_MAX)
        return false;
    cs_sdq *s = DX_ROW(x, sdq, i);
    s->score = syn_range(x->r, 41, 48);
    NOTE(x, "sdq-out-of-range", sdq, s->id, "score", "180", "SDQ score above 40");
    return true;
}

static bool missing_defect(syn_dx *x, int which)
{
    syn_dx_pick pk = {0};
    size_t first = x->ch->first[CS_E_missing_episode], end = CS_COUNT(x->c->m, missing_episode);
    for (size_t i = first; i < end; i++) {
        const cs_missing_episode *m = DX_ROW(x, missing_episode, i);
        const cs_missing_episode *prev = i > first ? DX_ROW(x, missing_episode, i - 1) : NULL;
        if (!syn_in_year(x->c, m->start_date) || m->start_date < x->c->year_start + 10)
            continue;
        if (which == 0 && !(prev && prev->end_date > prev->start_date && syn_in_year(x->c, prev->end_date)))
            continue;
        if (which == 1 && prev && m->start_date - 1 <= prev->end_date)
            continue;
        syn_dx_add(&pk, i);
    }
    size_t i = syn_dx_choose(x, &pk);
    if (i == SIZE_MAX)
        return false;
    cs_missing_episode *m = DX_ROW(x, missing_episode, i);
    if (which == 0) {
        const cs_missing_episode *prev = DX_ROW(x, missing_episode, i - 1);
        m->start_date = prev->end_date - 1;
        NOTE(x, "missing-overlap", missing_episode, m->id, "start_date", "574", "Missing episode starts before the previous one ended");
    } else if (which == 1) {
        /* the period of care started more than a day before: checked by the caller's year bound */
        DX_FOR(x, cla_period, k)
        {
            const cs_cla_period *p = DX_ROW(x, cla_period, k);
            if (p->start_date <= m->start_date && (p->end_date == CS_DATE_NONE || p->end_date >= m->start_date) &&
                p->start_date >= m->start_date - 1)
                return false;
        }
        m->end_date = m->start_date - 1;
        NOTE(x, "missing-end-before-start", missing_episode, m->id, "end_date", "567", "Missing episode ends before it starts");
    } else {
        m->kind = syn_dx_code(x, "X");
        NOTE(x, "missing-type-invalid", missing_episode, m->id, "kind", "1006", "Missing type X is not M or A");
    }
    return true;
}

static bool missing_overlap(syn_dx *x) { return missing_defect(x, 0); }
static bool missing_end_before_start(syn_dx *x) { return missing_defect(x, 1); }
static bool missing_type_invalid(syn_dx *x) { return missing_defect(x, 2); }

static bool uasc_after_18(syn_dx *x)
{
    DX_FOR(x, immigration_status, i)
    {
        cs_immigration_status *s = DX_ROW(x, immigration_status, i);
        if (!syn_in_year(x->c, s->end_date) || s->end_date + 2 > x->c->ref)
            continue;
        s->end_date += syn_range(x->r, 1, (int)syn_min(30, x->c->ref - s->end_date));
        NOTE(x, "uasc-ceased-after-18", immigration_status, s->id, "end_date", "304",
             "UASC status ceased after the 18th birthday");
        return true;
    }
    return false;
}

/* ---- adoption, previous permanence, motherhood ---- */

static bool reversal_without_reason(syn_dx *x)
{
    DX_FOR(x, permanence, i)
    {
        cs_permanence *p = DX_ROW(x, permanence, i);
        if (!syn_in_year(x->c, p->reversed_date))
            continue;
        p->reversed_reason = NULL;
        NOTE(x, "reversal-without-reason", permanence, p->id, "reversed_reason", "119",
             "Adoption decision reversed with no reason");
        return true;
    }
    return false;
}

static bool adopter_sex_mismatch(syn_dx *x)
{
    DX_FOR(x, permanence, i)
    {
        cs_permanence *p = DX_ROW(x, permanence, i);
        if (p->number_of_adopters != 2 || !syn_in_year(x->c, p->order_date) || !is_code(p->order_type, "ADOPTION"))
            continue;
        const char *ls = p->adopter_legal_status;
        const char *rules = is_code(ls, "L11") ? "511;520" : is_code(ls, "L12") ? "511;524"
                            : is_code(ls, "L2") ? "511;519" : is_code(ls, "L3") ? "511;517"
                                                                                : "511;518";
        p->adopter_sex = x->c->code[SC_F1];
        NOTE(x, "adopter-sex-mismatch", permanence, p->id, "adopter_sex", rules,
             "Two adopters recorded as a single female adopter");
        return true;
    }
    return false;
}

/* The child's only period of care started in the year (so its PrevPerm is due). */
static bool started_care_this_year(syn_dx *x)
{
    size_t n = CS_COUNT(x->c->m, cla_period) - x->ch->first[CS_E_cla_period];
    return n == 1 && syn_in_year(x->c, DX_ROW(x, cla_period, x->ch->first[CS_E_cla_period])->start_date);
}

static bool prev_perm_defect(syn_dx *x, bool option)
{
    if (!started_care_this_year(x) || !child_has(x, CS_E_previous_permanence))
        return false;
    cs_previous_permanence *pp = DX_ROW(x, previous_permanence, x->ch->first[CS_E_previous_permanence]);
    if (option) {
        bool z1 = is_code(pp->option, "Z1");
        pp->option = syn_dx_code(x, "P9");
        NOTE(x, "prevperm-invalid-option", previous_permanence, pp->id, "option", z1 ? "631;630" : "631",
             "Previous permanence option P9 is not a code");
    } else {
        pp->la = "123";
        NOTE(x, "la-perm-invalid", previous_permanence, pp->id, "la", "633", "LA 123 is not an LA code");
    }
    return true;
}

static bool prevperm_invalid_option(syn_dx *x) { return prev_perm_defect(x, true); }
static bool la_perm_invalid(syn_dx *x) { return prev_perm_defect(x, false); }

static bool mother_child_before_dob(syn_dx *x)
{
    cs_person *p = syn_dx_person(x);
    if (!x->in_903 || p->is_mother != 0 || !is_code(p->sex, "F") || x->ch->only_short_breaks ||
        cs_date_add_years(p->birth_date, 12) > x->c->year_start)
        return false;
    /* the 903 writes MOTHER only for a girl in care in the year other than on
     * short breaks (V3/V4), which a short-break history with a later spell
     * does not say */
    bool in_care = false;
    DX_FOR(x, legal_status, i)
    {
        const cs_legal_status *ls = DX_ROW(x, legal_status, i);
        in_care |= overlaps_year(x->c, ls->start_date, ls->end_date) &&
                   !is_code(ls->legal_status, "V3") && !is_code(ls->legal_status, "V4");
    }
    if (!in_care)
        return false;
    p->is_mother = 1;
    p->first_child_birth_date = p->birth_date - syn_range(x->r, 10, 300);
    NOTE(x, "mother-child-before-dob", person, p->id, "first_child_birth_date", "621",
         "Mother's child born before the mother");
    return true;
}

/* ---- care leavers ---- */

/* The care_leaver row the 903 OC3 reports, as its builder picks it: the
 * child's 17th-21st birthday falls in the year, the child was not in care on
 * it, and the row's contact date is the one nearest that birthday. */
static cs_care_leaver *oc3_leaver(syn_dx *x)
{
    const cs_person *p = syn_dx_person(x);
    cs_date bday = CS_DATE_NONE;
    for (int age = 17; age <= 21 && p->birth_date != CS_DATE_NONE; age++)
        if (syn_in_year(x->c, cs_date_add_years(p->birth_date, age)))
            bday = cs_date_add_years(p->birth_date, age);
    if (bday == CS_DATE_NONE)
        return NULL;
    DX_FOR(x, cla_period, i)
    {
        const cs_cla_period *pd = DX_ROW(x, cla_period, i);
        if (pd->start_date <= bday && (pd->end_date == CS_DATE_NONE || pd->end_date >= bday))
            return NULL;
    }
    cs_care_leaver *best = NULL;
    int32_t best_gap = INT32_MAX;
    DX_FOR(x, care_leaver, i)
    {
        cs_care_leaver *cl = DX_ROW(x, care_leaver, i);
        cs_date at = cl->latest_contact_date;
        int32_t gap = at == CS_DATE_NONE ? INT32_MAX - 1 : at > bday ? at - bday : bday - at;
        if (!best || gap <= best_gap) {
            best = cl;
            best_gap = gap;
        }
    }
    return best;
}

static bool care_leaver_defect(syn_dx *x, int which)
{
    cs_care_leaver *cl = oc3_leaver(x);
    if (!cl || !syn_in_year(x->c, cl->latest_contact_date) || !is_code(cl->in_touch, "YES"))
        return false;
    if (which == 0) {
        cl->activity = NULL;
        NOTE(x, "oc3-incomplete", care_leaver, cl->id, "activity", "153;132", "Care leaver's activity not recorded");
    } else if (which == 1) {
        cl->in_touch = syn_dx_code(x, "MAYBE");
        NOTE(x, "in-touch-invalid", care_leaver, cl->id, "in_touch", "131", "In-touch code MAYBE is not a code");
    } else {
        cl->accommodation = x->c->code[SC_AC_S];
        cl->accommodation_suitable = 1;
        NOTE(x, "accom-invalid", care_leaver, cl->id, "accommodation", "133",
             "No fixed abode recorded as suitable (S1 is not accepted)");
    }
    return true;
}

static bool oc3_incomplete(syn_dx *x) { return care_leaver_defect(x, 0); }
static bool in_touch_invalid(syn_dx *x) { return care_leaver_defect(x, 1); }
static bool accom_invalid(syn_dx *x) { return care_leaver_defect(x, 2); }

const syn_defect_kind syn_903_defects[] = {
    {"missing-provider", missing_provider},
    {"provider-for-temporary", provider_for_temporary},
    {"pr0-not-p1", pr0_not_p1},
    {"pr1-with-p1", pr1_with_p1},
    {"urn-not-required", urn_not_required},
    {"urn-missing", urn_missing},
    {"provider-invalid", provider_invalid},
    {"place-invalid", place_invalid},
    {"reason-place-change-invalid", rpc_invalid},
    {"reason-place-change-missing", rpc_missing},
    {"dec-before-decom", dec_before_decom},
    {"rne-invalid", rne_invalid},
    {"rec-invalid", rec_invalid},
    {"legal-status-invalid", legal_status_invalid},
    {"review-no-participation", review_no_participation},
    {"review-pn0-over-4", review_pn0_over_4},
    {"review-pn-under-4", review_pn_under_4},
    {"sdq-out-of-range", sdq_out_of_range},
    {"missing-overlap", missing_overlap},
    {"missing-end-before-start", missing_end_before_start},
    {"missing-type-invalid", missing_type_invalid},
    {"uasc-ceased-after-18", uasc_after_18},
    {"reversal-without-reason", reversal_without_reason},
    {"adopter-sex-mismatch", adopter_sex_mismatch},
    {"prevperm-invalid-option", prevperm_invalid_option},
    {"la-perm-invalid", la_perm_invalid},
    {"mother-child-before-dob", mother_child_before_dob},
    {"oc3-incomplete", oc3_incomplete},
    {"in-touch-invalid", in_touch_invalid},
    {"accom-invalid", accom_invalid},
};
const size_t syn_n_903_defects = sizeof syn_903_defects / sizeof syn_903_defects[0];
