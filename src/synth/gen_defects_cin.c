/* CIN census defects. Each injector checks that the record it damages is in
 * the latest census and that no rule other than the ones it names would fire
 * because of it (see the conditions next to each). */
#include "synth/gen_defects.h"

#include <stdio.h>
#include <string.h>

#define NOTE(x, kind, ent, rec, field, rules, detail) \
    syn_dx_note((x), (kind), #ent, (rec), (field), (rules), (detail))

static bool is_code(const char *a, const char *b)
{
    return a && strcmp(a, b) == 0;
}

/* ---- child identifiers and characteristics ---- */

static bool upn_check_letter(syn_dx *x)
{
    cs_person *p = syn_dx_person(x);
    if (!x->in_cin || !p->upn)
        return false;
    static const char alphabet[] = "ABCDEFGHJKLMNPQRTUVWXYZ";
    char upn[14];
    memcpy(upn, p->upn, 14);
    char wrong = alphabet[syn_below(x->r, 23)];
    if (wrong == upn[0])
        wrong = wrong == 'A' ? 'B' : 'A';
    upn[0] = wrong;
    p->upn = syn_str(x->c, upn);
    NOTE(x, "upn-check-letter", person, p->id, "upn", "1510", "UPN check letter does not match its digits");
    return true;
}

static bool upn_bad_la(syn_dx *x)
{
    cs_person *p = syn_dx_person(x);
    if (!x->in_cin || !p->upn)
        return false;
    char upn[14];
    memcpy(upn, p->upn, 14);
    memcpy(upn + 1, "999", 3);
    upn[0] = syn_upn_check_letter(upn + 1);
    p->upn = syn_str(x->c, upn);
    NOTE(x, "upn-bad-la", person, p->id, "upn", "1530", "UPN characters 2-4 (999) are not an LA code");
    return true;
}

static bool duplicate_upn(syn_dx *x)
{
    syn_ctx *c = x->c;
    cs_person *p = syn_dx_person(x);
    if (!x->in_cin || x->in_903 || !p->upn || !c->have_dup_donor)
        return false;
    cs_person *donor = SYN_AT(c, person, c->dup_donor_person);
    p->upn = donor->upn;
    c->have_dup_donor = false;
    char detail[96];
    snprintf(detail, sizeof detail, "UPN copied from child %s", donor->id);
    NOTE(x, "duplicate-upn", person, p->id, "upn", "1520", detail);
    snprintf(detail, sizeof detail, "UPN also given to child %s", p->id);
    cs_synth_manifest_add(c->manifest, "duplicate-upn", "person", donor->id, donor->id, "upn", "1520",
                          detail);
    return true;
}

static bool missing_ethnicity(syn_dx *x)
{
    cs_person *p = syn_dx_person(x);
    if (!x->in_cin)
        return false;
    p->ethnicity = NULL;
    NOTE(x, "missing-ethnicity", person, p->id, "ethnicity", x->in_903 ? "4220;103" : "4220",
         "Ethnicity not recorded");
    return true;
}

static bool unborn_sex(syn_dx *x)
{
    cs_person *p = syn_dx_person(x);
    if (!x->in_cin || p->birth_date != CS_DATE_NONE || p->expected_birth_date == CS_DATE_NONE)
        return false;
    p->sex = x->c->code[SC_F];
    NOTE(x, "unborn-sex", person, p->id, "sex", "8750", "Unborn child recorded as female");
    return true;
}

static bool birth_and_edd(syn_dx *x)
{
    cs_person *p = syn_dx_person(x);
    if (!x->in_cin || x->in_903 || p->birth_date == CS_DATE_NONE || p->birth_date > x->c->ref - 40)
        return false;
    p->expected_birth_date = p->birth_date;
    NOTE(x, "birth-and-edd", person, p->id, "expected_birth_date", "8525Q;8530Q",
         "Expected date of birth kept after the child was born");
    return true;
}

static bool death_before_birth(syn_dx *x)
{
    cs_person *p = syn_dx_person(x);
    if (!x->in_cin || x->in_903 || x->ch->ever_cla || p->birth_date == CS_DATE_NONE ||
        p->death_date != CS_DATE_NONE)
        return false;
    if (x->ch->first[CS_E_cin_plan] != CS_COUNT(x->c->m, cin_plan) ||
        x->ch->first[CS_E_cp_plan] != CS_COUNT(x->c->m, cp_plan))
        return false;
    p->death_date = p->birth_date - syn_range(x->r, 1, 30);
    NOTE(x, "death-before-birth", person, p->id, "death_date",
         syn_in_year(x->c, p->death_date) ? "8535Q;8555Q" : "8535Q;8545Q;8555Q",
         "Date of death before the date of birth");
    return true;
}

static bool child_id_nonalnum(syn_dx *x)
{
    cs_person *p = syn_dx_person(x);
    /* only as the child's first defect: earlier manifest rows copied the old id */
    if (!x->in_cin || x->applied || p->id[0] < '1' || p->id[0] > '9')
        return false;
    /* in place, so every row that refers to the child sees it; one symbol per
     * leading digit keeps ids unique */
    static const char symbols[] = "-_.~!*+=/";
    ((char *)p->id)[0] = symbols[p->id[0] - '1'];
    NOTE(x, "child-id-nonalnum", person, p->id, "id", "1580", "Child id contains a symbol");
    return true;
}

/* The child has an in-scope episode that was not a no-further-action referral. */
static bool acted_in_scope(syn_dx *x)
{
    DX_FOR(x, referral, i)
    {
        const cs_referral *rf = DX_ROW(x, referral, i);
        if (syn_dx_ref_in_scope(x, rf) && rf->nfa == 0)
            return true;
    }
    return false;
}

static bool school_age_no_upn(syn_dx *x)
{
    cs_person *p = syn_dx_person(x);
    if (!x->in_cin || p->birth_date == CS_DATE_NONE)
        return false;
    int y, m, d;
    cs_date_to_ymd(x->c->ref, &y, &m, &d);
    if (p->birth_date > cs_date_from_ymd(y - 6, 8, 31))
        return false;
    if (!acted_in_scope(x))
        return false;
    p->upn = NULL;
    p->former_upn = NULL;
    p->upn_unknown = x->c->code[SC_UN1];
    NOTE(x, "school-age-no-upn", person, p->id, "upn_unknown", x->in_903 ? "8770Q;209" : "8770Q",
         "School-age child has no UPN and reason UN1");
    return true;
}

static bool un7_with_action(syn_dx *x)
{
    cs_person *p = syn_dx_person(x);
    if (!x->in_cin || p->birth_date == CS_DATE_NONE)
        return false;
    if (!acted_in_scope(x))
        return false;
    p->upn = NULL;
    p->former_upn = NULL;
    p->upn_unknown = x->c->code[SC_UN7];
    NOTE(x, "upn-un7-with-action", person, p->id, "upn_unknown", x->in_903 ? "8772;168" : "8772",
         "UPN unknown reason UN7 (no further action) but the referral went on");
    return true;
}

static bool duplicate_disability(syn_dx *x)
{
    if (!x->in_cin || x->ch->first[CS_E_disability] == CS_COUNT(x->c->m, disability))
        return false;
    const char *code = DX_ROW(x, disability, x->ch->first[CS_E_disability])->code;
    cs_disability *d = SYN_ROW(x->c, disability);
    d->person_id = x->ch->pid;
    d->code = code;
    NOTE(x, "duplicate-disability", disability, d->id, "code", "8794", "Same disability code twice");
    return true;
}

static bool disability_none_mixed(syn_dx *x)
{
    if (!x->in_cin || x->ch->first[CS_E_disability] == CS_COUNT(x->c->m, disability))
        return false;
    cs_disability *d = SYN_ROW(x->c, disability);
    d->person_id = x->ch->pid;
    d->code = x->c->code[SC_NONE];
    NOTE(x, "disability-none-mixed", disability, d->id, "code", "8790", "NONE recorded beside other disabilities");
    return true;
}

/* ---- referrals (episodes) ---- */

/* The closure of the child's episode before rf, or NONE. */
static cs_date previous_closure(syn_dx *x, const cs_referral *rf)
{
    cs_date best = CS_DATE_NONE;
    DX_FOR(x, referral, i)
    {
        const cs_referral *o = DX_ROW(x, referral, i);
        if (o != rf && o->referral_date < rf->referral_date && o->closure_date > best)
            best = o->closure_date;
    }
    return best;
}

static bool closure_without_reason(syn_dx *x)
{
    syn_dx_pick pk = {0};
    DX_FOR(x, referral, i)
    {
        const cs_referral *rf = DX_ROW(x, referral, i);
        if (syn_in_year(x->c, rf->closure_date) && !is_code(rf->closure_reason, "RC8") &&
            !is_code(rf->closure_reason, "RC9") && !is_code(rf->closure_reason, "RC2"))
            syn_dx_add(&pk, i);
    }
    size_t i = syn_dx_choose(x, &pk);
    if (i == SIZE_MAX)
        return false;
    cs_referral *rf = DX_ROW(x, referral, i);
    rf->closure_reason = NULL;
    NOTE(x, "closure-without-reason", referral, rf->id, "closure_reason", "8805", "Episode closed with no reason");
    return true;
}

static bool reason_without_closure(syn_dx *x)
{
    syn_dx_pick pk = {0};
    DX_FOR(x, referral, i)
    {
        const cs_referral *rf = DX_ROW(x, referral, i);
        if (rf->closure_date == CS_DATE_NONE && rf->nfa == 0 && syn_dx_ref_in_scope(x, rf))
            syn_dx_add(&pk, i);
    }
    size_t i = syn_dx_choose(x, &pk);
    if (i == SIZE_MAX)
        return false;
    cs_referral *rf = DX_ROW(x, referral, i);
    rf->closure_reason = x->c->code[SC_RC7];
    NOTE(x, "reason-without-closure", referral, rf->id, "closure_reason", "8810", "Reason for closure on an open episode");
    return true;
}

static bool closure_before_referral(syn_dx *x)
{
    syn_dx_pick pk = {0};
    DX_FOR(x, referral, i)
    {
        const cs_referral *rf = DX_ROW(x, referral, i);
        if (rf->nfa == 1 && rf->referral_date >= x->c->year_start + 30 && rf->closure_date != CS_DATE_NONE &&
            rf->referral_date <= x->c->ref)
            syn_dx_add(&pk, i);
    }
    size_t i = syn_dx_choose(x, &pk);
    if (i == SIZE_MAX)
        return false;
    cs_referral *rf = DX_ROW(x, referral, i);
    cs_date prev = previous_closure(x, rf);
    cs_date d = rf->referral_date - syn_range(x->r, 1, 10);
    if (prev != CS_DATE_NONE && d <= prev)
        return false;
    rf->closure_date = d;
    NOTE(x, "closure-before-referral", referral, rf->id, "closure_date", "8630", "Episode closes before its referral date");
    return true;
}

static bool has_rows_for(syn_dx *x, cs_entity_id e, size_t ref_offset, const char *ref_id)
{
    for (size_t i = x->ch->first[e]; i < x->c->m->tables[e].count; i++) {
        const unsigned char *row = cs_model_row(x->c->m, e, i);
        if (*(const char *const *)(row + ref_offset) == ref_id)
            return true;
    }
    return false;
}

static bool nfa_with_assessment(syn_dx *x)
{
    syn_dx_pick pk = {0};
    DX_FOR(x, referral, i)
    {
        const cs_referral *rf = DX_ROW(x, referral, i);
        if (is_code(rf->closure_reason, "RC8") && syn_in_year(x->c, rf->referral_date) &&
            syn_in_year(x->c, rf->closure_date))
            syn_dx_add(&pk, i);
    }
    size_t i = syn_dx_choose(x, &pk);
    if (i == SIZE_MAX)
        return false;
    cs_referral *rf = DX_ROW(x, referral, i);
    if (has_rows_for(x, CS_E_s47, offsetof(cs_s47, referral_id), rf->id) ||
        has_rows_for(x, CS_E_cin_plan, offsetof(cs_cin_plan, referral_id), rf->id) ||
        has_rows_for(x, CS_E_cp_plan, offsetof(cs_cp_plan, referral_id), rf->id) ||
        has_rows_for(x, CS_E_icpc, offsetof(cs_icpc, referral_id), rf->id))
        return false;
    rf->nfa = 1;
    NOTE(x, "nfa-with-assessment", referral, rf->id, "nfa", "8831", "Referral marked no further action but assessed");
    return true;
}

static bool missing_primary_need(syn_dx *x)
{
    syn_dx_pick pk = {0};
    DX_FOR(x, referral, i)
    {
        const cs_referral *rf = DX_ROW(x, referral, i);
        if (syn_dx_ref_in_scope(x, rf) && rf->nfa == 0)
            syn_dx_add(&pk, i);
    }
    size_t i = syn_dx_choose(x, &pk);
    if (i == SIZE_MAX)
        return false;
    cs_referral *rf = DX_ROW(x, referral, i);
    rf->primary_need = NULL;
    NOTE(x, "missing-primary-need", referral, rf->id, "primary_need", "8610", "No primary need on a referral that went on");
    return true;
}

static bool invalid_referral_source(syn_dx *x)
{
    syn_dx_pick pk = {0};
    DX_FOR(x, referral, i)
    if (syn_dx_ref_in_scope(x, DX_ROW(x, referral, i)))
        syn_dx_add(&pk, i);
    size_t i = syn_dx_choose(x, &pk);
    if (i == SIZE_MAX)
        return false;
    cs_referral *rf = DX_ROW(x, referral, i);
    rf->source = syn_dx_code(x, "11");
    NOTE(x, "invalid-referral-source", referral, rf->id, "source", "8866", "Referral source 11 is not a code");
    return true;
}

static bool episode_overlap(syn_dx *x)
{
    syn_dx_pick pk = {0};
    size_t first = x->ch->first[CS_E_referral], end = CS_COUNT(x->c->m, referral);
    for (size_t i = first; i + 1 < end; i++) {
        const cs_referral *a = DX_ROW(x, referral, i), *b = DX_ROW(x, referral, i + 1);
        if (syn_in_year(x->c, a->closure_date) && b->referral_date + 10 <= x->c->ref)
            syn_dx_add(&pk, i);
    }
    size_t i = syn_dx_choose(x, &pk);
    if (i == SIZE_MAX)
        return false;
    cs_referral *a = DX_ROW(x, referral, i);
    const cs_referral *b = DX_ROW(x, referral, i + 1);
    a->closure_date = b->referral_date + syn_range(x->r, 1, 10);
    NOTE(x, "episode-overlap", referral, a->id, "closure_date", "8820", "Episode closes after the next referral");
    return true;
}

/* ---- assessments and factors ---- */

static int assessments_of(syn_dx *x, const char *ref_id)
{
    int n = 0;
    DX_FOR(x, assessment, i)
    n += DX_ROW(x, assessment, i)->referral_id == ref_id;
    return n;
}

static bool has_factor(syn_dx *x, const char *ass_id, const char *code)
{
    DX_FOR(x, assessment_factor, i)
    {
        const cs_assessment_factor *f = DX_ROW(x, assessment_factor, i);
        if (f->assessment_id == ass_id && is_code(f->code, code))
            return true;
    }
    return false;
}

static size_t pick_assessment(syn_dx *x, bool authorised, bool single, cs_date min_start)
{
    syn_dx_pick pk = {0};
    DX_FOR(x, assessment, i)
    {
        const cs_assessment *a = DX_ROW(x, assessment, i);
        const cs_referral *rf = syn_dx_referral(x, a->referral_id);
        if (!rf || !syn_dx_ref_in_scope(x, rf) || a->start_date < min_start ||
            !syn_dx_open_in_year(x, a->start_date, a->authorised_date))
            continue;
        if ((a->authorised_date != CS_DATE_NONE) != authorised)
            continue;
        if (single && assessments_of(x, a->referral_id) != 1)
            continue;
        syn_dx_add(&pk, i);
    }
    return syn_dx_choose(x, &pk);
}

static bool assessment_before_referral(syn_dx *x)
{
    size_t i = pick_assessment(x, true, true, CS_DATE_NONE + 1);
    if (i == SIZE_MAX)
        return false;
    cs_assessment *a = DX_ROW(x, assessment, i);
    const cs_referral *rf = syn_dx_referral(x, a->referral_id);
    a->start_date = rf->referral_date - syn_range(x->r, 1, 10);
    NOTE(x, "assessment-before-referral", assessment, a->id, "start_date", "1103", "Assessment starts before the referral");
    return true;
}

static bool assessment_end_before_start(syn_dx *x)
{
    size_t i = pick_assessment(x, true, true, x->c->year_start + 30);
    if (i == SIZE_MAX)
        return false;
    cs_assessment *a = DX_ROW(x, assessment, i);
    if (!syn_in_year(x->c, a->authorised_date))
        return false;
    a->authorised_date = a->start_date - syn_range(x->r, 1, 10);
    NOTE(x, "assessment-end-before-start", assessment, a->id, "authorised_date", "8608", "Assessment authorised before it started");
    return true;
}

static bool two_open_assessments(syn_dx *x)
{
    size_t i = pick_assessment(x, false, true, x->c->year_start);
    if (i == SIZE_MAX)
        return false;
    cs_assessment a = *DX_ROW(x, assessment, i);
    if (a.start_date >= x->c->ref)
        return false;
    cs_assessment *n = SYN_ROW(x->c, assessment);
    const char *id = n->id;
    *n = a;
    n->id = id;
    n->start_date = a.start_date + syn_range(x->r, 1, (int)syn_min(5, x->c->ref - a.start_date));
    NOTE(x, "two-open-assessments", assessment, id, "authorised_date", "8896;8863Q",
         "A second open assessment in the same episode");
    return true;
}

/* A factor row of an in-scope assessment authorised in the year, without factor 21. */
static size_t pick_factor(syn_dx *x)
{
    syn_dx_pick pk = {0};
    DX_FOR(x, assessment_factor, i)
    {
        const cs_assessment_factor *f = DX_ROW(x, assessment_factor, i);
        if (is_code(f->code, "21") || has_factor(x, f->assessment_id, "21"))
            continue;
        const cs_assessment *a = NULL;
        DX_FOR(x, assessment, k)
        if (DX_ROW(x, assessment, k)->id == f->assessment_id)
            a = DX_ROW(x, assessment, k);
        const cs_referral *rf = a ? syn_dx_referral(x, a->referral_id) : NULL;
        if (!rf || !syn_dx_ref_in_scope(x, rf))
            continue;
        /* the census writes factors only under an authorisation date in the year */
        if (!syn_in_year(x->c, a->authorised_date) || a->start_date > x->c->ref)
            continue;
        syn_dx_add(&pk, i);
    }
    return syn_dx_choose(x, &pk);
}

static bool factor_21_with_others(syn_dx *x)
{
    size_t i = pick_factor(x);
    if (i == SIZE_MAX)
        return false;
    const char *aid = DX_ROW(x, assessment_factor, i)->assessment_id;
    const cs_assessment *a = NULL;
    DX_FOR(x, assessment, k)
    if (DX_ROW(x, assessment, k)->id == aid)
        a = DX_ROW(x, assessment, k);
    const cs_referral *rf = syn_dx_referral(x, a->referral_id);
    bool one = assessments_of(x, rf->id) == 1;
    bool rc89 = is_code(rf->closure_reason, "RC8") || is_code(rf->closure_reason, "RC9");
    cs_assessment_factor *f = SYN_ROW(x->c, assessment_factor);
    f->assessment_id = aid;
    f->person_id = x->ch->pid;
    f->code = x->c->code[SC_F21];
    NOTE(x, "factor-21-with-others", assessment_factor, f->id, "code",
         one && !rc89 ? "8869;8873Q" : "8869", "Factor 21 (no factors) beside other factors");
    return true;
}

static bool duplicate_factor(syn_dx *x)
{
    size_t i = pick_factor(x);
    if (i == SIZE_MAX)
        return false;
    cs_assessment_factor src = *DX_ROW(x, assessment_factor, i);
    cs_assessment_factor *f = SYN_ROW(x->c, assessment_factor);
    f->assessment_id = src.assessment_id;
    f->person_id = src.person_id;
    f->code = src.code;
    NOTE(x, "duplicate-factor", assessment_factor, f->id, "code", "8898", "Same factor twice on one assessment");
    return true;
}

static bool invalid_factor(syn_dx *x)
{
    size_t i = pick_factor(x);
    if (i == SIZE_MAX)
        return false;
    cs_assessment_factor *f = DX_ROW(x, assessment_factor, i);
    f->code = syn_dx_code(x, "8A");
    NOTE(x, "invalid-factor", assessment_factor, f->id, "code", "8897Q", "Factor 8A is not a valid factor");
    return true;
}

/* No "factors on an open assessment" (8614): the census carries factors only
 * under an authorisation date (spec section 2), so the builder never lets such
 * a defect reach the rule. */
const syn_defect_kind syn_cin_defects[] = {
    {"upn-check-letter", upn_check_letter},
    {"upn-bad-la", upn_bad_la},
    {"duplicate-upn", duplicate_upn},
    {"missing-ethnicity", missing_ethnicity},
    {"unborn-sex", unborn_sex},
    {"birth-and-edd", birth_and_edd},
    {"death-before-birth", death_before_birth},
    {"child-id-nonalnum", child_id_nonalnum},
    {"school-age-no-upn", school_age_no_upn},
    {"upn-un7-with-action", un7_with_action},
    {"duplicate-disability", duplicate_disability},
    {"disability-none-mixed", disability_none_mixed},
    {"closure-without-reason", closure_without_reason},
    {"reason-without-closure", reason_without_closure},
    {"closure-before-referral", closure_before_referral},
    {"nfa-with-assessment", nfa_with_assessment},
    {"missing-primary-need", missing_primary_need},
    {"invalid-referral-source", invalid_referral_source},
    {"episode-overlap", episode_overlap},
    {"assessment-before-referral", assessment_before_referral},
    {"assessment-end-before-start", assessment_end_before_start},
    {"two-open-assessments", two_open_assessments},
    {"factor-21-with-others", factor_21_with_others},
    {"duplicate-factor", duplicate_factor},
    {"invalid-factor", invalid_factor},
};
const size_t syn_n_cin_defects = sizeof syn_cin_defects / sizeof syn_cin_defects[0];
