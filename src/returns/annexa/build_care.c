/* Annex A Lists 6-8: children in need, child protection, children looked
 * after. */
#include <string.h>

#include "returns/annexa/internal.h"

/* ---- List 6 ---------------------------------------------------------------- */

/* The status a child holds at the inspection date, by precedence: looked
 * after, child protection plan, child in need plan, open assessment; NULL
 * when none. */
static const char *open_status(const aa_build *b, uint32_t p)
{
    cs_date at = b->insp;
    uint32_t i, n;
    const cs_cla_period *per = CS_TABLE(b->m, cla_period);
    for (aa_range(&b->cla_period, p, &i, &n); i < n; i++) {
        const cs_cla_period *x = &per[b->cla_period.rows[i]];
        if (aa_open_at(x->start_date, x->end_date, at))
            return "CLA";
    }
    const cs_cp_plan *cp = CS_TABLE(b->m, cp_plan);
    for (aa_range(&b->cp_plan, p, &i, &n); i < n; i++) {
        const cs_cp_plan *x = &cp[b->cp_plan.rows[i]];
        if (aa_open_at(x->start_date, x->end_date, at))
            return "CP";
    }
    const cs_cin_plan *cin = CS_TABLE(b->m, cin_plan);
    for (aa_range(&b->cin_plan, p, &i, &n); i < n; i++) {
        const cs_cin_plan *x = &cin[b->cin_plan.rows[i]];
        if (aa_open_at(x->start_date, x->end_date, at))
            return "CIN";
    }
    const cs_assessment *as = CS_TABLE(b->m, assessment);
    for (aa_range(&b->assessment, p, &i, &n); i < n; i++) {
        const cs_assessment *x = &as[b->assessment.rows[i]];
        if (aa_open_at(x->start_date, x->authorised_date, at))
            return "ASSESSMENT";
    }
    return NULL;
}

/* Care leavers (18 or over, with a care-leaver record) are List 9's, not List 6's. */
static int is_care_leaver(const aa_build *b, uint32_t p)
{
    cs_date dob = CS_TABLE(b->m, person)[p].birth_date;
    return b->care_leaver.start[p + 1] > b->care_leaver.start[p] && dob != CS_DATE_NONE &&
           cs_age_years(dob, b->insp) >= 18;
}

/* Children receiving services as a child in need at the inspection date or
 * in the 6 months before: the child's latest referral (episode of need)
 * that was open at some point in the window and did not end in no further
 * action; care leavers are left to List 9. One row per child. Case
 * status: a closed episode is "closed";
 * otherwise the highest status the child holds at the inspection date
 * (open_status); an open episode with none is left blank (rule AA06S
 * flags it). */
void aa_build_cin(aa_build *b)
{
    const cs_referral *all = CS_TABLE(b->m, referral);
    for (uint32_t p = 0; p < b->nperson; p++) {
        uint32_t i, n;
        aa_range(&b->referral, p, &i, &n);
        const cs_referral *latest = NULL;
        for (; i < n; i++) {
            const cs_referral *r = &all[b->referral.rows[i]];
            if (r->referral_date == CS_DATE_NONE || r->referral_date > b->insp || r->nfa == 1)
                continue;
            if (r->closure_date != CS_DATE_NONE && r->closure_date < b->s6)
                continue;
            latest = r;
        }
        if (!latest || is_care_leaver(b, p))
            continue;
        uint32_t row = aa_add_row(b, 6, &latest->prov);
        AA_PERSON(b, 6, row, p);
        aa_set_bool(b, 6, row, CS_AA6_DISABILITY, aa_disability(b, p));
        aa_set_date(b, 6, row, CS_AA6_START, latest->referral_date);
        aa_set_label(b, 6, row, CS_AA6_NEED, latest->primary_need);
        const cs_visit *v = aa_last_visit(b, p, NULL, latest->referral_date, b->insp);
        if (v)
            aa_set_date(b, 6, row, CS_AA6_LAST_SEEN, v->visit_date);
        const char *status;
        if (latest->closure_date != CS_DATE_NONE && latest->closure_date <= b->insp) {
            aa_set_date(b, 6, row, CS_AA6_CLOSED, latest->closure_date);
            aa_set_label(b, 6, row, CS_AA6_CLOSURE_REASON, latest->closure_reason);
            status = "CLOSED";
        } else {
            status = open_status(b, p);
        }
        aa_set_label(b, 6, row, CS_AA6_STATUS, status);
        const char *team = NULL, *worker = NULL;
        aa_allocation(b, 6, p, latest->referral_date, latest->worker_id, latest->team_id, &team,
                      &worker);
        aa_set_text(b, 6, row, CS_AA6_TEAM, team);
        aa_set_text(b, 6, row, CS_AA6_WORKER, worker);
    }
}

/* ---- List 7 ---------------------------------------------------------------- */

/* Person p held legal status L1 or L2 (police protection, emergency
 * protection order) at some point in [from, to]. */
static int had_epo(const aa_build *b, uint32_t p, cs_date from, cs_date to)
{
    const cs_legal_status *all = CS_TABLE(b->m, legal_status);
    uint32_t i, n;
    for (aa_range(&b->legal_status, p, &i, &n); i < n; i++) {
        const cs_legal_status *l = &all[b->legal_status.rows[i]];
        if (!aa_eq(l->legal_status, "L1") && !aa_eq(l->legal_status, "L2"))
            continue;
        if (l->start_date != CS_DATE_NONE && l->start_date <= to &&
            (l->end_date == CS_DATE_NONE || l->end_date >= from))
            return 1;
    }
    return 0;
}

/* Everyone on a plan at the inspection date, and plans that ended in the 6
 * months before it; one row per plan. The last statutory visit is the
 * latest CP visit during the plan; "seen alone" is that visit's; the
 * previous plans are the child's plans that started before this one. */
void aa_build_cp(aa_build *b)
{
    const cs_cp_plan *all = CS_TABLE(b->m, cp_plan);
    const cs_cp_review *rv = CS_TABLE(b->m, cp_review);
    for (uint32_t p = 0; p < b->nperson; p++) {
        uint32_t i, n, first;
        aa_range(&b->cp_plan, p, &first, &n);
        int8_t dis = -2;
        for (i = first; i < n; i++) {
            const cs_cp_plan *c = &all[b->cp_plan.rows[i]];
            int ended = c->end_date != CS_DATE_NONE && c->end_date <= b->insp;
            if (!aa_open_at(c->start_date, c->end_date, b->insp) &&
                !(ended && c->end_date >= b->s6))
                continue;
            if (dis == -2)
                dis = aa_disability(b, p);
            uint32_t row = aa_add_row(b, 7, &c->prov);
            AA_PERSON(b, 7, row, p);
            aa_set_bool(b, 7, row, CS_AA7_DISABILITY, dis);
            aa_set_date(b, 7, row, CS_AA7_START, c->start_date);
            aa_set_label(b, 7, row, CS_AA7_INITIAL_CATEGORY, c->initial_category);
            aa_set_label(b, 7, row, CS_AA7_LATEST_CATEGORY,
                         c->latest_category ? c->latest_category : c->initial_category);
            cs_date to = ended ? c->end_date : b->insp;
            const cs_visit *v = aa_last_visit(b, p, "CP", c->start_date, to);
            if (v) {
                aa_set_date(b, 7, row, CS_AA7_LAST_VISIT, v->visit_date);
                aa_set_bool(b, 7, row, CS_AA7_SEEN_ALONE, v->seen_alone);
            }
            cs_date last_review = CS_DATE_NONE;
            uint32_t k, kn;
            for (aa_range(&b->cp_review, p, &k, &kn); k < kn; k++) {
                const cs_cp_review *r = &rv[b->cp_review.rows[k]];
                if (aa_eq(r->cp_plan_id, c->id) && r->review_date != CS_DATE_NONE &&
                    r->review_date <= b->insp)
                    last_review = r->review_date;
            }
            aa_set_date(b, 7, row, CS_AA7_LAST_REVIEW, last_review);
            if (ended)
                aa_set_date(b, 7, row, CS_AA7_END, c->end_date);
            aa_set_bool(b, 7, row, CS_AA7_EPO, (int8_t)had_epo(b, p, b->s6, b->insp));
            int32_t prev = 0;
            for (uint32_t j = first; j < n; j++) {
                const cs_cp_plan *o = &all[b->cp_plan.rows[j]];
                if (o != c && o->start_date != CS_DATE_NONE && o->start_date < c->start_date)
                    prev++;
            }
            aa_set_int(b, 7, row, CS_AA7_PREV_PLANS, prev);
            const char *team = NULL, *worker = NULL;
            aa_allocation(b, 7, p, c->start_date, c->worker_id, c->team_id, &team, &worker);
            aa_set_text(b, 7, row, CS_AA7_TEAM, team);
            aa_set_text(b, 7, row, CS_AA7_WORKER, worker);
        }
    }
}

/* ---- List 8 ---------------------------------------------------------------- */

static int8_t uasc_between(const aa_build *b, uint32_t p, cs_date from, cs_date to)
{
    const cs_immigration_status *all = CS_TABLE(b->m, immigration_status);
    uint32_t i, n;
    for (aa_range(&b->immigration, p, &i, &n); i < n; i++) {
        const cs_immigration_status *s = &all[b->immigration.rows[i]];
        if (!aa_eq(s->status, "UASC") && !aa_eq(s->status, "FORMER_UASC"))
            continue;
        if ((s->start_date == CS_DATE_NONE || s->start_date <= to) &&
            (s->end_date == CS_DATE_NONE || s->end_date >= from))
            return 1;
    }
    return 0;
}

/* "Second or subsequent period within 12 months": this period started in
 * the 12 months to the inspection date and an earlier period of care
 * ended in those 12 months too. */
static int8_t second_period(const aa_build *b, uint32_t p, const cs_cla_period *c)
{
    if (c->start_date < b->s12)
        return 0;
    const cs_cla_period *all = CS_TABLE(b->m, cla_period);
    uint32_t i, n;
    for (aa_range(&b->cla_period, p, &i, &n); i < n; i++) {
        const cs_cla_period *o = &all[b->cla_period.rows[i]];
        if (o != c && o->start_date != CS_DATE_NONE && o->start_date < c->start_date &&
            o->end_date != CS_DATE_NONE && o->end_date >= b->s12)
            return 1;
    }
    return 0;
}

static cs_date latest_of(const aa_build *b, const aa_by_person *g, cs_entity_id e, size_t date_off,
                         size_t kind_off, const char *kind, uint32_t p, cs_date from, cs_date to)
{
    const unsigned char *rows = b->m->tables[e].rows;
    size_t size = cs_entities[e].size;
    cs_date best = CS_DATE_NONE;
    uint32_t i, n;
    for (aa_range(g, p, &i, &n); i < n; i++) {
        const unsigned char *r = rows + (size_t)g->rows[i] * size;
        cs_date dt;
        memcpy(&dt, r + date_off, sizeof dt);
        if (!aa_in(dt, from, to))
            continue;
        if (kind) {
            const char *k;
            memcpy(&k, r + kind_off, sizeof k);
            if (!aa_eq(k, kind))
                continue;
        }
        if (dt > best)
            best = dt;
    }
    return best;
}

static void placement_place(aa_build *b, uint32_t row, const cs_cla_placement *pl)
{
    if (!pl->postcode)
        return;
    aa_set_text(b, 8, row, CS_AA8_PL_POST, pl->postcode);
    cs_903_postcode pc;
    if (!b->postcodes || !cs_903_postcode_find(b->postcodes, pl->postcode, &pc) || !pc.la)
        return;
    if (b->home_ons)
        aa_set_label(b, 8, row, CS_AA8_PL_LOCATION, strcmp(pc.la, b->home_ons) == 0 ? "IN" : "OUT");
    const cs_aa_column *c = cs_aa_column_of(b->t, 8, CS_AA8_PL_LA);
    const char *special = c ? cs_aa_label(c->labels, pc.la) : NULL;
    const char *name = aa_la_name(b, pc.la);
    aa_set_text(b, 8, row, CS_AA8_PL_LA, special ? special : name ? name : pc.la);
}

static void missing_columns(aa_build *b, uint32_t row, uint32_t p)
{
    const cs_missing_episode *all = CS_TABLE(b->m, missing_episode);
    int32_t missing = 0, absent = 0;
    const cs_missing_episode *last = NULL;
    uint32_t i, n;
    for (aa_range(&b->missing_episode, p, &i, &n); i < n; i++) {
        const cs_missing_episode *x = &all[b->missing_episode.rows[i]];
        if (!aa_in(x->start_date, b->s12, b->insp))
            continue;
        if (aa_eq(x->kind, "A")) {
            absent++;
        } else {
            missing++;
            last = x;
        }
    }
    aa_set_int(b, 8, row, CS_AA8_MISSING, missing);
    aa_set_int(b, 8, row, CS_AA8_ABSENT, absent);
    if (last) {
        aa_set_bool(b, 8, row, CS_AA8_RHI_OFFERED, last->rhi_offered);
        aa_set_bool(b, 8, row, CS_AA8_RHI_ACCEPTED, last->rhi_accepted);
    }
}

/* Children in care at the inspection date and those who ceased to be
 * looked after in the 6 months before it: the child's latest such period,
 * one row per child. Dates shown are the latest up to the inspection date
 * (up to the period's end for a child who has left care). */
void aa_build_cla(aa_build *b)
{
    const cs_cla_period *all = CS_TABLE(b->m, cla_period);
    const cs_cla_placement *pls = CS_TABLE(b->m, cla_placement);
    const cs_legal_status *lss = CS_TABLE(b->m, legal_status);
    const cs_cla_episode *eps = CS_TABLE(b->m, cla_episode);
    for (uint32_t p = 0; p < b->nperson; p++) {
        uint32_t i, n;
        const cs_cla_period *c = NULL;
        for (aa_range(&b->cla_period, p, &i, &n); i < n; i++) {
            const cs_cla_period *x = &all[b->cla_period.rows[i]];
            int ceased = x->end_date != CS_DATE_NONE && x->end_date <= b->insp;
            if (aa_open_at(x->start_date, x->end_date, b->insp) || (ceased && x->end_date >= b->s6))
                c = x;
        }
        if (!c)
            continue;
        int ceased = c->end_date != CS_DATE_NONE && c->end_date <= b->insp;
        cs_date to = ceased ? c->end_date : b->insp;
        uint32_t row = aa_add_row(b, 8, &c->prov);
        AA_PERSON(b, 8, row, p);
        aa_set_bool(b, 8, row, CS_AA8_UASC, uasc_between(b, p, b->s12, b->insp));
        aa_set_bool(b, 8, row, CS_AA8_DISABILITY, aa_disability(b, p));
        aa_set_date(b, 8, row, CS_AA8_START, c->start_date);
        aa_set_label(b, 8, row, CS_AA8_NEED, c->primary_need);
        aa_set_bool(b, 8, row, CS_AA8_SECOND_PERIOD, second_period(b, p, c));
        const cs_legal_status *ls = NULL;
        for (aa_range(&b->legal_status, p, &i, &n); i < n; i++) {
            const cs_legal_status *x = &lss[b->legal_status.rows[i]];
            if (x->start_date != CS_DATE_NONE && x->start_date <= to && x->start_date >= c->start_date)
                ls = x;
        }
        if (ls) {
            aa_set_date(b, 8, row, CS_AA8_LS_START, ls->start_date);
            aa_set_label(b, 8, row, CS_AA8_LS, ls->legal_status);
        }
        aa_set_date(b, 8, row, CS_AA8_LAST_REVIEW,
                    latest_of(b, &b->cla_review, CS_E_cla_review, offsetof(cs_cla_review, review_date),
                              0, NULL, p, c->start_date, to));
        const cs_visit *v = aa_last_visit(b, p, "CLA", c->start_date, to);
        if (v)
            aa_set_date(b, 8, row, CS_AA8_LAST_VISIT, v->visit_date);
        aa_set_label(b, 8, row, CS_AA8_PERM_PLAN, c->permanence_plan);
        cs_date iro = latest_of(b, &b->visit, CS_E_visit, offsetof(cs_visit, visit_date),
                                offsetof(cs_visit, kind), "IRO", p, c->start_date, to);
        for (aa_range(&b->cla_episode, p, &i, &n); i < n; i++) {
            cs_date x = eps[b->cla_episode.rows[i]].iro_contact_date;
            if (aa_in(x, c->start_date, to) && x > iro)
                iro = x;
        }
        aa_set_date(b, 8, row, CS_AA8_IRO, iro);
        aa_set_date(b, 8, row, CS_AA8_HEALTH,
                    latest_of(b, &b->health_check, CS_E_health_check,
                              offsetof(cs_health_check, check_date), offsetof(cs_health_check, kind),
                              "HEALTH_ASSESSMENT", p, CS_DATE_NONE + 1, to));
        aa_set_date(b, 8, row, CS_AA8_DENTAL,
                    latest_of(b, &b->health_check, CS_E_health_check,
                              offsetof(cs_health_check, check_date), offsetof(cs_health_check, kind),
                              "DENTAL", p, CS_DATE_NONE + 1, to));
        int32_t placements = 0;
        const cs_cla_placement *recent = NULL;
        for (aa_range(&b->cla_placement, p, &i, &n); i < n; i++) {
            const cs_cla_placement *x = &pls[b->cla_placement.rows[i]];
            if (x->start_date == CS_DATE_NONE || x->start_date > b->insp)
                continue;
            if (x->end_date == CS_DATE_NONE || x->end_date >= b->s12)
                placements++;
            if (x->start_date >= c->start_date && x->start_date <= to)
                recent = x;
        }
        aa_set_int(b, 8, row, CS_AA8_PLACEMENTS, placements);
        if (ceased) {
            aa_set_date(b, 8, row, CS_AA8_CEASED, c->end_date);
            aa_set_label(b, 8, row, CS_AA8_REC, c->end_reason);
        }
        if (recent) {
            aa_set_date(b, 8, row, CS_AA8_PL_START, recent->start_date);
            aa_set_label(b, 8, row, CS_AA8_PLACE, recent->placement_type);
            aa_set_label(b, 8, row, CS_AA8_PROVIDER, recent->provider);
            aa_set_text(b, 8, row, CS_AA8_URN, recent->urn);
            placement_place(b, row, recent);
        }
        missing_columns(b, row, p);
        const char *team = NULL, *worker = NULL;
        aa_allocation(b, 8, p, c->start_date, NULL, NULL, &team, &worker);
        aa_set_text(b, 8, row, CS_AA8_TEAM, team);
        aa_set_text(b, 8, row, CS_AA8_WORKER, worker);
    }
}
