/* Annex A Lists 1-5: the front door (contacts, early help, referrals,
 * assessments, section 47 enquiries and ICPCs). Children are taken in the
 * model's person order and each child's records in date order, so every
 * list comes out grouped by child and dated. */
#include <string.h>

#include "returns/annexa/internal.h"

/* List 1: every contact received in the 6 months to the inspection date,
 * one row per contact (a contact about several children is a row each). */
void aa_build_contacts(aa_build *b)
{
    const cs_contact *all = CS_TABLE(b->m, contact);
    for (uint32_t p = 0; p < b->nperson; p++) {
        uint32_t i, n;
        aa_range(&b->contact, p, &i, &n);
        for (; i < n; i++) {
            const cs_contact *c = &all[b->contact.rows[i]];
            if (!aa_in(c->contact_date, b->s6, b->insp))
                continue;
            uint32_t row = aa_add_row(b, 1, &c->prov);
            AA_PERSON(b, 1, row, p);
            aa_set_date(b, 1, row, CS_AA1_CONTACT_DATE, c->contact_date);
            aa_set_label(b, 1, row, CS_AA1_SOURCE, c->source);
        }
    }
}

/* List 2: early help assessments started in the 6 months, and those still
 * open at the inspection date; a completion date after it is not shown. */
void aa_build_early_help(aa_build *b)
{
    const cs_early_help *all = CS_TABLE(b->m, early_help);
    for (uint32_t p = 0; p < b->nperson; p++) {
        uint32_t i, n;
        aa_range(&b->early_help, p, &i, &n);
        for (; i < n; i++) {
            const cs_early_help *e = &all[b->early_help.rows[i]];
            if (!aa_in(e->start_date, b->s6, b->insp) &&
                !aa_open_at(e->start_date, e->end_date, b->insp))
                continue;
            uint32_t row = aa_add_row(b, 2, &e->prov);
            AA_PERSON(b, 2, row, p);
            aa_set_date(b, 2, row, CS_AA2_START, e->start_date);
            if (e->end_date != CS_DATE_NONE && e->end_date <= b->insp)
                aa_set_date(b, 2, row, CS_AA2_END, e->end_date);
            aa_set_text(b, 2, row, CS_AA2_ORG, e->organisation);
        }
    }
}

/* How many of person p's rows in g have a date in [d - 12 months, d),
 * the event itself and anything on or after its date not counted. */
static int32_t count_before(const aa_by_person *g, const unsigned char *rows, size_t size,
                            size_t date_off, uint32_t p, cs_date d)
{
    if (d == CS_DATE_NONE)
        return CS_INT_NONE;
    cs_date from = cs_date_add_months(d, -12);
    uint32_t i, n;
    aa_range(g, p, &i, &n);
    int32_t k = 0;
    for (; i < n; i++) {
        cs_date x;
        memcpy(&x, rows + (size_t)g->rows[i] * size + date_off, sizeof x);
        if (x != CS_DATE_NONE && x >= from && x < d)
            k++;
    }
    return k;
}

#define COUNT_BEFORE(b, ent, datef, p, d)                                                    \
    count_before(&(b)->ent, (b)->m->tables[CS_E_##ent].rows, sizeof(cs_##ent),              \
                 offsetof(cs_##ent, datef), p, d)

/* List 3: referrals received in the 6 months, one row per referral, with
 * the child's referrals in the 12 months before it (re-referrals). */
void aa_build_referrals(aa_build *b)
{
    const cs_referral *all = CS_TABLE(b->m, referral);
    for (uint32_t p = 0; p < b->nperson; p++) {
        uint32_t i, n;
        aa_range(&b->referral, p, &i, &n);
        for (; i < n; i++) {
            const cs_referral *r = &all[b->referral.rows[i]];
            if (!aa_in(r->referral_date, b->s6, b->insp))
                continue;
            uint32_t row = aa_add_row(b, 3, &r->prov);
            AA_PERSON(b, 3, row, p);
            aa_set_date(b, 3, row, CS_AA3_REFERRAL_DATE, r->referral_date);
            aa_set_label(b, 3, row, CS_AA3_SOURCE, r->source);
            aa_set_bool(b, 3, row, CS_AA3_NFA, r->nfa == 1 ? 1 : 0);
            aa_set_int(b, 3, row, CS_AA3_PREV_REFERRALS,
                       COUNT_BEFORE(b, referral, referral_date, p, r->referral_date));
            const char *team = NULL, *worker = NULL;
            aa_allocation(b, 3, p, r->referral_date, r->worker_id, r->team_id, &team, &worker);
            aa_set_text(b, 3, row, CS_AA3_TEAM, team);
            aa_set_text(b, 3, row, CS_AA3_WORKER, worker);
        }
    }
}

/* List 4: assessments open at some point in the 6 months (started by the
 * inspection date and not authorised before the window), one row each;
 * the outcome only once authorised. */
void aa_build_assessments(aa_build *b)
{
    const cs_assessment *all = CS_TABLE(b->m, assessment);
    for (uint32_t p = 0; p < b->nperson; p++) {
        uint32_t i, n;
        aa_range(&b->assessment, p, &i, &n);
        int8_t dis = -2;
        for (; i < n; i++) {
            const cs_assessment *a = &all[b->assessment.rows[i]];
            if (a->start_date == CS_DATE_NONE || a->start_date > b->insp)
                continue;
            if (a->authorised_date != CS_DATE_NONE && a->authorised_date < b->s6)
                continue;
            if (dis == -2)
                dis = aa_disability(b, p);
            uint32_t row = aa_add_row(b, 4, &a->prov);
            AA_PERSON(b, 4, row, p);
            aa_set_bool(b, 4, row, CS_AA4_DISABILITY, dis);
            aa_set_date(b, 4, row, CS_AA4_START, a->start_date);
            aa_set_bool(b, 4, row, CS_AA4_SEEN, a->child_seen);
            if (a->authorised_date != CS_DATE_NONE && a->authorised_date <= b->insp) {
                aa_set_date(b, 4, row, CS_AA4_AUTHORISED, a->authorised_date);
                if (a->outcome_nfa != CS_BOOL_NONE)
                    aa_set_bool(b, 4, row, CS_AA4_SUPPORT, a->outcome_nfa ? 0 : 1);
            }
            const char *team = NULL, *worker = NULL;
            aa_allocation(b, 4, p, a->start_date, a->worker_id, a->team_id, &team, &worker);
            aa_set_text(b, 4, row, CS_AA4_TEAM, team);
            aa_set_text(b, 4, row, CS_AA4_WORKER, worker);
        }
    }
}

/* The ICPC that came from enquiry s, held by the inspection date. */
static const cs_icpc *icpc_of(const aa_build *b, uint32_t p, const cs_s47 *s)
{
    const cs_icpc *all = CS_TABLE(b->m, icpc);
    uint32_t i, n;
    aa_range(&b->icpc, p, &i, &n);
    for (; i < n; i++) {
        const cs_icpc *c = &all[b->icpc.rows[i]];
        if (aa_eq(c->s47_id, s->id) && c->conference_date != CS_DATE_NONE &&
            c->conference_date <= b->insp)
            return c;
    }
    return NULL;
}

/* List 5: section 47 enquiries started in the 6 months or still open at the
 * inspection date, one row each, with the ICPC that followed and the
 * child's enquiries and ICPCs in the 12 months before the enquiry. */
void aa_build_s47(aa_build *b)
{
    const cs_s47 *all = CS_TABLE(b->m, s47);
    for (uint32_t p = 0; p < b->nperson; p++) {
        uint32_t i, n;
        aa_range(&b->s47, p, &i, &n);
        int8_t dis = -2;
        for (; i < n; i++) {
            const cs_s47 *s = &all[b->s47.rows[i]];
            if (!aa_in(s->start_date, b->s6, b->insp) &&
                !aa_open_at(s->start_date, s->end_date, b->insp))
                continue;
            if (dis == -2)
                dis = aa_disability(b, p);
            uint32_t row = aa_add_row(b, 5, &s->prov);
            AA_PERSON(b, 5, row, p);
            aa_set_bool(b, 5, row, CS_AA5_DISABILITY, dis);
            aa_set_date(b, 5, row, CS_AA5_START, s->start_date);
            const cs_icpc *c = icpc_of(b, p, s);
            int ended = s->end_date != CS_DATE_NONE && s->end_date <= b->insp;
            if (ended || c)
                aa_set_bool(b, 5, row, CS_AA5_ICPC_UNNECESSARY,
                            c ? 0 : (s->icpc_not_required == 1 ? 1 : 0));
            if (c) {
                aa_set_date(b, 5, row, CS_AA5_ICPC_DATE, c->conference_date);
                aa_set_bool(b, 5, row, CS_AA5_ICPC_CP, c->outcome_cp);
            }
            aa_set_int(b, 5, row, CS_AA5_PREV_S47, COUNT_BEFORE(b, s47, start_date, p, s->start_date));
            aa_set_int(b, 5, row, CS_AA5_PREV_ICPC,
                       COUNT_BEFORE(b, icpc, conference_date, p, s->start_date));
            const char *team = NULL, *worker = NULL;
            aa_allocation(b, 5, p, s->start_date, s->worker_id, s->team_id, &team, &worker);
            aa_set_text(b, 5, row, CS_AA5_TEAM, team);
            aa_set_text(b, 5, row, CS_AA5_WORKER, worker);
        }
    }
}
