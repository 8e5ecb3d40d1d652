/* Annex A Lists 9-11: care leavers, adoption (children) and adopters. */
#include <string.h>

#include "returns/annexa/internal.h"

/* The latest worker with `role` open at the inspection date (or the last to
 * end), by name; NULL when none. */
static const char *latest_in_role(const aa_build *b, uint32_t p, const char *role)
{
    const cs_involvement *all = CS_TABLE(b->m, involvement), *best = NULL;
    uint32_t i, n;
    for (aa_range(&b->involvement, p, &i, &n); i < n; i++) {
        const cs_involvement *v = &all[b->involvement.rows[i]];
        if (!aa_eq(v->role, role) || v->start_date == CS_DATE_NONE || v->start_date > b->insp)
            continue;
        int open = v->end_date == CS_DATE_NONE || v->end_date >= b->insp;
        int best_open = best && (best->end_date == CS_DATE_NONE || best->end_date >= b->insp);
        if (!best || open || !best_open)
            best = v;
    }
    return best ? aa_worker_name(b, best->worker_id) : NULL;
}

/* List 9: every care leaver the LA supports at the inspection date: the
 * child's latest care-leaver record, for young people aged up to 25 on the
 * inspection date (or of unknown age). One row per young person. */
void aa_build_care_leavers(aa_build *b)
{
    const cs_care_leaver *all = CS_TABLE(b->m, care_leaver);
    const cs_person *pe = CS_TABLE(b->m, person);
    const cs_immigration_status *imm = CS_TABLE(b->m, immigration_status);
    for (uint32_t p = 0; p < b->nperson; p++) {
        uint32_t i, n;
        const cs_care_leaver *c = NULL;
        for (aa_range(&b->care_leaver, p, &i, &n); i < n; i++) {
            const cs_care_leaver *x = &all[b->care_leaver.rows[i]];
            if (x->latest_contact_date == CS_DATE_NONE || x->latest_contact_date <= b->insp)
                c = x;
        }
        if (!c)
            continue;
        if (pe[p].birth_date != CS_DATE_NONE && cs_age_years(pe[p].birth_date, b->insp) > 25)
            continue;
        if (pe[p].death_date != CS_DATE_NONE && pe[p].death_date <= b->insp)
            continue;
        uint32_t row = aa_add_row(b, 9, &c->prov);
        AA_PERSON(b, 9, row, p);
        int8_t uasc = 0;
        for (aa_range(&b->immigration, p, &i, &n); i < n; i++) {
            const cs_immigration_status *s = &imm[b->immigration.rows[i]];
            if (aa_eq(s->status, "UASC") || aa_eq(s->status, "FORMER_UASC"))
                uasc = 1;
        }
        aa_set_bool(b, 9, row, CS_AA9_UASC, uasc);
        aa_set_bool(b, 9, row, CS_AA9_DISABILITY, aa_disability(b, p));
        const char *team = NULL, *worker = NULL;
        aa_allocation(b, 9, p, c->latest_contact_date, c->worker_id, c->team_id, &team, &worker);
        aa_set_text(b, 9, row, CS_AA9_TEAM, team);
        aa_set_text(b, 9, row, CS_AA9_WORKER, worker);
        const char *pa = c->personal_advisor && *c->personal_advisor
                             ? c->personal_advisor
                             : latest_in_role(b, p, "PERSONAL_ADVISOR");
        aa_set_text(b, 9, row, CS_AA9_PA, pa);
        aa_set_label(b, 9, row, CS_AA9_ELIGIBILITY, c->eligibility);
        if (c->pathway_plan_review_date <= b->insp)
            aa_set_date(b, 9, row, CS_AA9_PATHWAY_REVIEW, c->pathway_plan_review_date);
        aa_set_label(b, 9, row, CS_AA9_IN_TOUCH, c->in_touch);
        aa_set_date(b, 9, row, CS_AA9_LATEST_CONTACT, c->latest_contact_date);
        aa_set_label(b, 9, row, CS_AA9_ACCOM, c->accommodation);
        if (c->accommodation_suitable != CS_BOOL_NONE)
            aa_set_label(b, 9, row, CS_AA9_SUITABLE, c->accommodation_suitable ? "1" : "0");
        aa_set_label(b, 9, row, CS_AA9_ACTIVITY, c->activity);
    }
}

static cs_date upto(cs_date d, cs_date insp)
{
    return d != CS_DATE_NONE && d <= insp ? d : CS_DATE_NONE;
}

/* When the child came into the care that led to the adoption decision: the
 * period the permanence record names, else the latest period that started
 * by the decision. */
static cs_date entered_care(const aa_build *b, uint32_t p, const cs_permanence *x)
{
    const cs_cla_period *all = CS_TABLE(b->m, cla_period);
    cs_date best = CS_DATE_NONE;
    uint32_t i, n;
    for (aa_range(&b->cla_period, p, &i, &n); i < n; i++) {
        const cs_cla_period *c = &all[b->cla_period.rows[i]];
        if (x->period_id && aa_eq(c->id, x->period_id))
            return c->start_date;
        cs_date by = x->decision_date != CS_DATE_NONE ? x->decision_date : b->insp;
        if (c->start_date != CS_DATE_NONE && c->start_date <= by)
            best = c->start_date;
    }
    return best;
}

/* List 10: children who in the 12 months before the inspection were
 * adopted, or had a decision that they should be placed for adoption and
 * are not yet adopted, or had that decision reversed. One row per
 * permanence record; dates after the inspection date are not shown. */
void aa_build_adoption(aa_build *b)
{
    const cs_permanence *all = CS_TABLE(b->m, permanence);
    for (uint32_t p = 0; p < b->nperson; p++) {
        uint32_t i, n;
        int8_t dis = -2;
        for (aa_range(&b->permanence, p, &i, &n); i < n; i++) {
            const cs_permanence *x = &all[b->permanence.rows[i]];
            int adoption = !x->order_type || aa_eq(x->order_type, "ADOPTION");
            cs_date order = adoption ? upto(x->order_date, b->insp) : CS_DATE_NONE;
            cs_date decided = upto(x->decision_date, b->insp);
            cs_date reversed = upto(x->reversed_date, b->insp);
            int adopted = aa_in(order, b->s12, b->insp);
            int waiting = decided != CS_DATE_NONE && order == CS_DATE_NONE && reversed == CS_DATE_NONE;
            int undone = aa_in(reversed, b->s12, b->insp);
            if (!adopted && !waiting && !undone)
                continue;
            if (dis == -2)
                dis = aa_disability(b, p);
            uint32_t row = aa_add_row(b, 10, &x->prov);
            AA_PERSON(b, 10, row, p);
            aa_set_text(b, 10, row, CS_AA10_FAMILY, x->family_id);
            aa_set_bool(b, 10, row, CS_AA10_DISABILITY, dis);
            aa_set_date(b, 10, row, CS_AA10_ENTERED_CARE, entered_care(b, p, x));
            aa_set_date(b, 10, row, CS_AA10_DECISION, decided);
            aa_set_date(b, 10, row, CS_AA10_PLACEMENT_ORDER, upto(x->placement_order_date, b->insp));
            aa_set_date(b, 10, row, CS_AA10_MATCHED, upto(x->matched_date, b->insp));
            aa_set_date(b, 10, row, CS_AA10_PLACED, upto(x->placed_date, b->insp));
            aa_set_date(b, 10, row, CS_AA10_ORDER, order);
            aa_set_date(b, 10, row, CS_AA10_REVERSED, reversed);
            if (reversed != CS_DATE_NONE)
                aa_set_label(b, 10, row, CS_AA10_RD, x->reversed_reason);
            aa_set_date(b, 10, row, CS_AA10_FFA, upto(x->ffa_placed_date, b->insp));
        }
    }
}

/* List 11: every prospective adopter in touch with the adoption agency in
 * the 12 months before the inspection: enquired by the inspection date and
 * neither left the process nor adopted before the 12 months began. */
void aa_build_adopters(aa_build *b)
{
    const cs_adopter *all = CS_TABLE(b->m, adopter);
    size_t n = CS_COUNT(b->m, adopter);
    for (size_t i = 0; i < n; i++) {
        const cs_adopter *a = &all[i];
        if (a->enquiry_date == CS_DATE_NONE || a->enquiry_date > b->insp)
            continue;
        if (a->left_date != CS_DATE_NONE && a->left_date < b->s12)
            continue;
        if (a->adoption_order_date != CS_DATE_NONE && a->adoption_order_date < b->s12)
            continue;
        uint32_t row = aa_add_row(b, 11, &a->prov);
        aa_set_text(b, 11, row, CS_AA11_ADOPTER, a->id);
        aa_set_text(b, 11, row, CS_AA11_FAMILY, a->family_id);
        aa_set_label(b, 11, row, CS_AA11_GENDER, a->gender);
        aa_set_label(b, 11, row, CS_AA11_ETHNICITY, a->ethnicity);
        aa_set_bool(b, 11, row, CS_AA11_DISABILITY, a->disability);
        aa_set_bool(b, 11, row, CS_AA11_FFA, a->fostering_for_adoption);
        aa_set_date(b, 11, row, CS_AA11_ENQUIRY, a->enquiry_date);
        aa_set_date(b, 11, row, CS_AA11_STAGE1_START, upto(a->stage1_start_date, b->insp));
        aa_set_date(b, 11, row, CS_AA11_STAGE1_END, upto(a->stage1_end_date, b->insp));
        aa_set_date(b, 11, row, CS_AA11_STAGE2_START, upto(a->stage2_start_date, b->insp));
        aa_set_date(b, 11, row, CS_AA11_STAGE2_END, upto(a->stage2_end_date, b->insp));
        aa_set_date(b, 11, row, CS_AA11_APPLIED, upto(a->application_date, b->insp));
        aa_set_date(b, 11, row, CS_AA11_APPROVED, upto(a->approved_date, b->insp));
        aa_set_date(b, 11, row, CS_AA11_MATCHED, upto(a->matched_date, b->insp));
        aa_set_date(b, 11, row, CS_AA11_PLACED, upto(a->placed_date, b->insp));
        if (upto(a->placed_date, b->insp) != CS_DATE_NONE)
            aa_set_int(b, 11, row, CS_AA11_NPLACED, a->children_placed);
        aa_set_date(b, 11, row, CS_AA11_ORDER, upto(a->adoption_order_date, b->insp));
        cs_date left = upto(a->left_date, b->insp);
        aa_set_date(b, 11, row, CS_AA11_LEFT, left);
        if (left != CS_DATE_NONE)
            aa_set_label(b, 11, row, CS_AA11_LEFT_REASON, a->left_reason);
    }
}
