/* Deriving the CIN census from the canonical model (spec/cin-census.md §1).
 *
 * Scope: a referral (episode of need) is in the census when it was made on
 * or before the ReferenceDate and was not closed before the period began
 * (so it was open at some point in the period: referred in the period, or
 * open on 1 April). A child is in the census when at least one of their
 * referrals is; each such referral is one CINdetails. Referrals without a
 * referral date cannot be placed in a year and are left out (the extract
 * reports missing dates).
 *
 * Inside an episode the same window applies to every record, and end dates
 * after the ReferenceDate are not written (at the census date the thing was
 * still open; rules 8620, 8696, 4013, 8715, 8930 want end dates inside the
 * period):
 *   - CINclosureDate and ReasonForClosure only when the closure falls inside
 *     the period (a reason with no closure date at all is written, for 8810);
 *   - Assessments started on or before the ReferenceDate and not authorised
 *     before the period; AssessmentFactors only when the authorisation date
 *     is written (rule 8614);
 *   - CINPlanDates, ChildProtectionPlans: started on or before the
 *     ReferenceDate, not ended before the period;
 *   - Section47: started on or before the ReferenceDate, not finished before
 *     the period (its ICPC, or with none its end date, before 1 April).
 *     DateOfInitialCPC is the earliest ICPC linked to it by s47_id;
 *     InitialCPCtarget the enquiry's target date, else that ICPC's;
 *     ICPCnotRequired the enquiry's flag, false when the model has none;
 *   - CINdetails DateOfInitialCPC: the latest conference on or before the
 *     ReferenceDate among the episode's ICPCs that are not tied to a
 *     Section47 written in this episode (no s47_id, or an enquiry outside
 *     the census), so one conference is never at both levels (rule 2884);
 *   - NumberOfPreviousCPP: the child's plans in the model that started
 *     before this one (any episode, in the census or not);
 *   - LatestCategoryOfAbuse: the initial category when the model has no
 *     latest one (no change recorded);
 *   - CPPreviewDate: reviews held inside the period, in date order, under
 *     their plan.
 * Child: UPNunknown only when there is no UPN; ExpectedPersonBirthDate as
 * recorded (a child with both dates is the LA's to fix, and query 8525Q
 * says so); Disability NONE when the model records no disability (the case
 * system's "no disability"; rule 8540 needs an entry); PersonDeathDate only on or
 * before the ReferenceDate; GenderCurrent (up to 2023-24) or Sex (from
 * 2024-25), each taken from the model's own field when it holds that code
 * set, else mapped from the other (M/F/U <-> 1/2/0, 9 -> U). ReferralNFA
 * false when the model has no value.
 * Order: children in the model's order, episodes and everything inside
 * them by date (then id). */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "returns/cin/cin.h"

#ifndef CS_VERSION
#define CS_VERSION "dev"
#endif

#define NO_FIELD SIZE_MAX

/* ---- indexes: rows of one entity sorted by a key, then a date, then id ---- */

typedef struct {
    const unsigned char *rows;
    size_t size;
    size_t key_off, date_off, id_off;
    uint32_t *idx;
    size_t n;
} kindex;

static const char *k_str(const kindex *k, uint32_t r, size_t off)
{
    return *(const char *const *)(k->rows + (size_t)r * k->size + off);
}

static cs_date k_date(const kindex *k, uint32_t r)
{
    if (k->date_off == NO_FIELD)
        return CS_DATE_NONE;
    return *(const cs_date *)(k->rows + (size_t)r * k->size + k->date_off);
}

static int str_cmp(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

static int k_cmp(const void *pa, const void *pb, void *ctx)
{
    const kindex *k = ctx;
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    int c = str_cmp(k_str(k, a, k->key_off), k_str(k, b, k->key_off));
    if (c)
        return c;
    cs_date da = k_date(k, a), db = k_date(k, b);
    if (da != db)
        return da < db ? -1 : 1;
    if ((c = str_cmp(k_str(k, a, k->id_off), k_str(k, b, k->id_off))) != 0)
        return c;
    return a < b ? -1 : a > b;
}

static void kindex_build(kindex *k, const cs_model *m, cs_entity_id e, size_t key_off,
                         size_t date_off)
{
    const cs_table *t = &m->tables[e];
    *k = (kindex){.rows = t->rows, .size = t->desc->size, .key_off = key_off,
                  .date_off = date_off, .id_off = 0 /* every entity's first field is its id */};
    k->idx = cs_xmalloc((t->count ? t->count : 1) * sizeof *k->idx);
    for (size_t r = 0; r < t->count; r++) {
        const char *key = k_str(k, (uint32_t)r, key_off);
        if (key && key[0])
            k->idx[k->n++] = (uint32_t)r;
    }
    qsort_r(k->idx, k->n, sizeof *k->idx, k_cmp, k);
}

/* Rows whose key equals key: idx[*first .. *first + *n). */
static void kindex_find(const kindex *k, const char *key, size_t *first, size_t *n)
{
    *first = 0;
    *n = 0;
    if (!key || !key[0])
        return;
    size_t lo = 0, hi = k->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(k_str(k, k->idx[mid], k->key_off), key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < k->n && strcmp(k_str(k, k->idx[end], k->key_off), key) == 0)
        end++;
    *first = lo;
    *n = end - lo;
}

static const void *k_row(const kindex *k, size_t i)
{
    return k->rows + (size_t)k->idx[i] * k->size;
}

/* ---- the builder ------------------------------------------------------------ */

enum {
    IX_DISABILITY, IX_REFERRAL, IX_ASSESSMENT, IX_FACTOR, IX_PLAN, IX_S47, IX_ICPC_BY_REFERRAL,
    IX_ICPC_BY_S47, IX_CPP, IX_CPP_BY_PERSON, IX_REVIEW, IX_COUNT
};

typedef struct {
    const cs_model *m;
    const cs_cin_year *y;
    cs_dataset *ds;
    kindex ix[IX_COUNT];
    uint32_t *file_map;        /* model file index -> dataset file index, 0 = not yet */
    const char **s47_written;  /* ids of the Section47 groups written in the current episode */
    size_t s47_n, s47_cap;
} builder;

static int in_period(const builder *b, cs_date d)
{
    return d != CS_DATE_NONE && d >= b->y->period_start && d <= b->y->reference_date;
}

/* Started by the ReferenceDate and not ended before the period. */
static int open_in_period(const builder *b, cs_date start, cs_date end)
{
    if (start != CS_DATE_NONE && start > b->y->reference_date)
        return 0;
    return end == CS_DATE_NONE || end >= b->y->period_start;
}

/* An end date as the census shows it: absent when after the ReferenceDate. */
static cs_date census_end(const builder *b, cs_date end)
{
    return end != CS_DATE_NONE && end > b->y->reference_date ? CS_DATE_NONE : end;
}

static uint32_t add_row(builder *b, int g, uint32_t parent, cs_prov prov)
{
    uint32_t file = 0;
    if (prov.file > 0 && prov.file < b->m->nfiles) {
        if (!b->file_map[prov.file])
            b->file_map[prov.file] = cs_ds_add_file(b->ds, b->m->files[prov.file]);
        file = b->file_map[prov.file];
    }
    return cs_ds_add_row(b->ds, g, parent, file, prov.line);
}

static void set_date(builder *b, int g, uint32_t row, int f, cs_date d)
{
    if (d != CS_DATE_NONE)
        cs_ds_set_date(b->ds, g, row, f, d);
}

static void set_str(builder *b, int g, uint32_t row, int f, const char *s)
{
    if (s && s[0])
        cs_ds_set_str(b->ds, g, row, f, s);
}

static int is_one_of(const char *s, const char *const *set)
{
    for (; s && *set; set++)
        if (strcmp(s, *set) == 0)
            return 1;
    return 0;
}

static const char *gender_current(const cs_person *p)
{
    static const char *const codes[] = {"0", "1", "2", "9", NULL};
    if (is_one_of(p->gender, codes))
        return p->gender;
    if (!p->sex || !p->sex[0])
        return p->gender;
    if (strcmp(p->sex, "M") == 0)
        return "1";
    if (strcmp(p->sex, "F") == 0)
        return "2";
    if (strcmp(p->sex, "U") == 0)
        return "0";
    return p->sex;   /* left as found: rule 4180 names it */
}

static const char *sex_code(const cs_person *p)
{
    if ((p->sex && p->sex[0]) || !p->gender)
        return p->sex;   /* M/F/U, or as found for rule 4180 to name */
    if (strcmp(p->gender, "1") == 0)
        return "M";
    if (strcmp(p->gender, "2") == 0)
        return "F";
    if (strcmp(p->gender, "0") == 0 || strcmp(p->gender, "9") == 0)
        return "U";
    return p->gender;
}

static uint32_t add_child(builder *b, const cs_person *p)
{
    int g = CS_CIN_G_CHILD;
    uint32_t row = add_row(b, g, 0, p->prov);
    set_str(b, g, row, CS_CIN_C_LACHILDID, p->id);
    set_str(b, g, row, CS_CIN_C_UPN, p->upn);
    set_str(b, g, row, CS_CIN_C_FORMER_UPN, p->former_upn);
    if (!p->upn || !p->upn[0])
        set_str(b, g, row, CS_CIN_C_UPN_UNKNOWN, p->upn_unknown);
    set_date(b, g, row, CS_CIN_C_BIRTH_DATE, p->birth_date);
    set_date(b, g, row, CS_CIN_C_EXPECTED_BIRTH_DATE, p->expected_birth_date);
    if (cs_cin_year_gender(b->y) == CS_CIN_SEX)
        set_str(b, g, row, CS_CIN_C_SEX, sex_code(p));
    else
        set_str(b, g, row, CS_CIN_C_GENDER_CURRENT, gender_current(p));
    if (p->death_date != CS_DATE_NONE && p->death_date <= b->y->reference_date)
        set_date(b, g, row, CS_CIN_C_DEATH_DATE, p->death_date);
    set_str(b, g, row, CS_CIN_C_ETHNICITY, p->ethnicity);

    size_t first, n, written = 0;
    kindex_find(&b->ix[IX_DISABILITY], p->id, &first, &n);
    for (size_t i = first; i < first + n; i++) {
        const cs_disability *dis = k_row(&b->ix[IX_DISABILITY], i);
        if (!dis->code || !dis->code[0])
            continue;
        uint32_t r = add_row(b, CS_CIN_G_DISABILITIES, row, dis->prov);
        set_str(b, CS_CIN_G_DISABILITIES, r, CS_CIN_D_DISABILITY, dis->code);
        written++;
    }
    if (!written) {
        uint32_t r = add_row(b, CS_CIN_G_DISABILITIES, row, p->prov);
        set_str(b, CS_CIN_G_DISABILITIES, r, CS_CIN_D_DISABILITY, "NONE");
    }
    return row;
}

static void add_assessments(builder *b, const cs_referral *ref, uint32_t erow)
{
    size_t first, n;
    kindex_find(&b->ix[IX_ASSESSMENT], ref->id, &first, &n);
    for (size_t i = first; i < first + n; i++) {
        const cs_assessment *a = k_row(&b->ix[IX_ASSESSMENT], i);
        if (!open_in_period(b, a->start_date, a->authorised_date))
            continue;
        int g = CS_CIN_G_ASSESSMENTS;
        uint32_t row = add_row(b, g, erow, a->prov);
        set_date(b, g, row, CS_CIN_A_START, a->start_date);
        cs_date auth = census_end(b, a->authorised_date);
        set_date(b, g, row, CS_CIN_A_AUTHORISED, auth);
        if (auth == CS_DATE_NONE)
            continue;
        size_t ff, fn;
        kindex_find(&b->ix[IX_FACTOR], a->id, &ff, &fn);
        for (size_t j = ff; j < ff + fn; j++) {
            const cs_assessment_factor *f = k_row(&b->ix[IX_FACTOR], j);
            if (!f->code || !f->code[0])
                continue;
            uint32_t r = add_row(b, CS_CIN_G_FACTORS, row, f->prov);
            set_str(b, CS_CIN_G_FACTORS, r, CS_CIN_AF_FACTOR, f->code);
        }
    }
}

static void add_plans(builder *b, const cs_referral *ref, uint32_t erow)
{
    size_t first, n;
    kindex_find(&b->ix[IX_PLAN], ref->id, &first, &n);
    for (size_t i = first; i < first + n; i++) {
        const cs_cin_plan *p = k_row(&b->ix[IX_PLAN], i);
        if (!open_in_period(b, p->start_date, p->end_date))
            continue;
        uint32_t row = add_row(b, CS_CIN_G_PLANS, erow, p->prov);
        set_date(b, CS_CIN_G_PLANS, row, CS_CIN_P_START, p->start_date);
        set_date(b, CS_CIN_G_PLANS, row, CS_CIN_P_END, census_end(b, p->end_date));
    }
}

/* The earliest conference linked to an enquiry (NULL when none). */
static const cs_icpc *s47_icpc(const builder *b, const cs_s47 *s)
{
    size_t first, n;
    kindex_find(&b->ix[IX_ICPC_BY_S47], s->id, &first, &n);
    for (size_t i = first; i < first + n; i++) {
        const cs_icpc *c = k_row(&b->ix[IX_ICPC_BY_S47], i);
        if (c->conference_date != CS_DATE_NONE)
            return c;
    }
    return n ? k_row(&b->ix[IX_ICPC_BY_S47], first) : NULL;
}

static void add_s47s(builder *b, const cs_referral *ref, uint32_t erow)
{
    size_t first, n;
    b->s47_n = 0;
    kindex_find(&b->ix[IX_S47], ref->id, &first, &n);
    for (size_t i = first; i < first + n; i++) {
        const cs_s47 *s = k_row(&b->ix[IX_S47], i);
        const cs_icpc *c = s47_icpc(b, s);
        cs_date icpc_date = c ? c->conference_date : CS_DATE_NONE;
        cs_date finished = icpc_date != CS_DATE_NONE ? icpc_date : s->end_date;
        if (!open_in_period(b, s->start_date, finished))
            continue;
        int g = CS_CIN_G_S47;
        uint32_t row = add_row(b, g, erow, s->prov);
        set_date(b, g, row, CS_CIN_S_START, s->start_date);
        set_date(b, g, row, CS_CIN_S_ICPC_TARGET,
                 s->icpc_target_date != CS_DATE_NONE ? s->icpc_target_date
                 : c                                 ? c->target_date
                                                     : CS_DATE_NONE);
        set_date(b, g, row, CS_CIN_S_ICPC_DATE, census_end(b, icpc_date));
        cs_ds_set_bool(b->ds, g, row, CS_CIN_S_ICPC_NOT_REQUIRED,
                       s->icpc_not_required == CS_BOOL_NONE ? 0 : s->icpc_not_required != 0);
        if (b->s47_n == b->s47_cap) {
            b->s47_cap = b->s47_cap ? b->s47_cap * 2 : 8;
            b->s47_written = cs_xrealloc(b->s47_written, b->s47_cap * sizeof *b->s47_written);
        }
        b->s47_written[b->s47_n++] = s->id;
    }
}

static int s47_was_written(const builder *b, const char *id)
{
    for (size_t i = 0; id && id[0] && i < b->s47_n; i++)
        if (strcmp(b->s47_written[i], id) == 0)
            return 1;
    return 0;
}

/* The CINdetails-level conference: see the header comment. */
static cs_date episode_icpc(const builder *b, const cs_referral *ref)
{
    size_t first, n;
    cs_date best = CS_DATE_NONE;
    kindex_find(&b->ix[IX_ICPC_BY_REFERRAL], ref->id, &first, &n);
    for (size_t i = first; i < first + n; i++) {
        const cs_icpc *c = k_row(&b->ix[IX_ICPC_BY_REFERRAL], i);
        if (c->conference_date == CS_DATE_NONE || c->conference_date > b->y->reference_date)
            continue;
        if (s47_was_written(b, c->s47_id))
            continue;
        if (c->conference_date > best)
            best = c->conference_date;
    }
    return best;
}

static int32_t previous_plans(const builder *b, const cs_cp_plan *p)
{
    size_t first, n;
    int32_t count = 0;
    if (p->start_date == CS_DATE_NONE)
        return 0;
    kindex_find(&b->ix[IX_CPP_BY_PERSON], p->person_id, &first, &n);
    for (size_t i = first; i < first + n; i++) {
        const cs_cp_plan *q = k_row(&b->ix[IX_CPP_BY_PERSON], i);
        if (q->start_date != CS_DATE_NONE && q->start_date < p->start_date)
            count++;
    }
    return count;
}

static void add_cp_plans(builder *b, const cs_referral *ref, uint32_t erow)
{
    size_t first, n;
    kindex_find(&b->ix[IX_CPP], ref->id, &first, &n);
    for (size_t i = first; i < first + n; i++) {
        const cs_cp_plan *p = k_row(&b->ix[IX_CPP], i);
        if (!open_in_period(b, p->start_date, p->end_date))
            continue;
        int g = CS_CIN_G_CPP;
        uint32_t row = add_row(b, g, erow, p->prov);
        set_date(b, g, row, CS_CIN_CP_START, p->start_date);
        set_date(b, g, row, CS_CIN_CP_END, census_end(b, p->end_date));
        set_str(b, g, row, CS_CIN_CP_INITIAL_CATEGORY, p->initial_category);
        set_str(b, g, row, CS_CIN_CP_LATEST_CATEGORY,
                p->latest_category && p->latest_category[0] ? p->latest_category
                                                            : p->initial_category);
        cs_ds_set_int(b->ds, g, row, CS_CIN_CP_PREVIOUS, previous_plans(b, p));

        size_t rf, rn;
        kindex_find(&b->ix[IX_REVIEW], p->id, &rf, &rn);
        for (size_t j = rf; j < rf + rn; j++) {
            const cs_cp_review *r = k_row(&b->ix[IX_REVIEW], j);
            if (!in_period(b, r->review_date))
                continue;
            uint32_t rr = add_row(b, CS_CIN_G_REVIEWS, row, r->prov);
            set_date(b, CS_CIN_G_REVIEWS, rr, CS_CIN_R_DATE, r->review_date);
        }
    }
}

static void add_episode(builder *b, const cs_referral *ref, uint32_t crow)
{
    int g = CS_CIN_G_CINDETAILS;
    uint32_t row = add_row(b, g, crow, ref->prov);
    set_date(b, g, row, CS_CIN_E_REFERRAL_DATE, ref->referral_date);
    set_str(b, g, row, CS_CIN_E_REFERRAL_SOURCE, ref->source);
    set_str(b, g, row, CS_CIN_E_PRIMARY_NEED, ref->primary_need);
    if (in_period(b, ref->closure_date)) {
        set_date(b, g, row, CS_CIN_E_CLOSURE_DATE, ref->closure_date);
        set_str(b, g, row, CS_CIN_E_CLOSURE_REASON, ref->closure_reason);
    } else if (ref->closure_date == CS_DATE_NONE) {
        /* a reason on a never-closed episode is the LA's error: rule 8810 */
        set_str(b, g, row, CS_CIN_E_CLOSURE_REASON, ref->closure_reason);
    }
    cs_ds_set_bool(b->ds, g, row, CS_CIN_E_REFERRAL_NFA, ref->nfa == CS_BOOL_NONE ? 0 : ref->nfa != 0);
    add_assessments(b, ref, row);
    add_plans(b, ref, row);
    add_s47s(b, ref, row);
    set_date(b, g, row, CS_CIN_E_ICPC_DATE, episode_icpc(b, ref));
    add_cp_plans(b, ref, row);
}

static int referral_in_census(const builder *b, const cs_referral *r)
{
    return r->referral_date != CS_DATE_NONE && open_in_period(b, r->referral_date, r->closure_date);
}

static void add_header(builder *b, const char *la_code)
{
    int g = CS_CIN_G_HEADER;
    uint32_t row = cs_ds_add_row(b->ds, g, 0, 0, 0);
    cs_ds_set_str(b->ds, g, row, CS_CIN_H_COLLECTION, "CIN");
    cs_ds_set_int(b->ds, g, row, CS_CIN_H_YEAR, b->y->end_year);
    cs_ds_set_date(b->ds, g, row, CS_CIN_H_REFERENCE_DATE, b->y->reference_date);
    cs_ds_set_str(b->ds, g, row, CS_CIN_H_SOURCE_LEVEL, "L");
    set_str(b, g, row, CS_CIN_H_LEA, la_code);
    cs_ds_set_str(b->ds, g, row, CS_CIN_H_SOFTWARE_CODE, "cscdw");
    cs_ds_set_str(b->ds, g, row, CS_CIN_H_RELEASE, CS_VERSION);
    cs_ds_set_str(b->ds, g, row, CS_CIN_H_SERIAL_NO, "001");
}

static void build_indexes(builder *b)
{
    const cs_model *m = b->m;
    kindex *ix = b->ix;
    kindex_build(&ix[IX_DISABILITY], m, CS_E_disability, offsetof(cs_disability, person_id), NO_FIELD);
    kindex_build(&ix[IX_REFERRAL], m, CS_E_referral, offsetof(cs_referral, person_id),
                 offsetof(cs_referral, referral_date));
    kindex_build(&ix[IX_ASSESSMENT], m, CS_E_assessment, offsetof(cs_assessment, referral_id),
                 offsetof(cs_assessment, start_date));
    kindex_build(&ix[IX_FACTOR], m, CS_E_assessment_factor,
                 offsetof(cs_assessment_factor, assessment_id), NO_FIELD);
    kindex_build(&ix[IX_PLAN], m, CS_E_cin_plan, offsetof(cs_cin_plan, referral_id),
                 offsetof(cs_cin_plan, start_date));
    kindex_build(&ix[IX_S47], m, CS_E_s47, offsetof(cs_s47, referral_id),
                 offsetof(cs_s47, start_date));
    kindex_build(&ix[IX_ICPC_BY_REFERRAL], m, CS_E_icpc, offsetof(cs_icpc, referral_id),
                 offsetof(cs_icpc, conference_date));
    kindex_build(&ix[IX_ICPC_BY_S47], m, CS_E_icpc, offsetof(cs_icpc, s47_id),
                 offsetof(cs_icpc, conference_date));
    kindex_build(&ix[IX_CPP], m, CS_E_cp_plan, offsetof(cs_cp_plan, referral_id),
                 offsetof(cs_cp_plan, start_date));
    kindex_build(&ix[IX_CPP_BY_PERSON], m, CS_E_cp_plan, offsetof(cs_cp_plan, person_id),
                 offsetof(cs_cp_plan, start_date));
    kindex_build(&ix[IX_REVIEW], m, CS_E_cp_review, offsetof(cs_cp_review, cp_plan_id),
                 offsetof(cs_cp_review, review_date));
}

cs_status cs_cin_build(const cs_model *m, const cs_cin_year *year, const char *la_code,
                       cs_dataset *out, cs_diag *d)
{
    cs_ds_init(out, &cs_cin_schema);
    builder b = {.m = m, .y = year, .ds = out};
    b.file_map = cs_xcalloc(m->nfiles ? m->nfiles : 1, sizeof *b.file_map);
    build_indexes(&b);

    cs_ds_add_row(out, CS_CIN_G_MESSAGE, 0, 0, 0);
    add_header(&b, la_code);
    const cs_person *people = (const cs_person *)m->tables[CS_E_person].rows;
    for (size_t p = 0; p < m->tables[CS_E_person].count; p++) {
        const cs_person *person = &people[p];
        size_t first, n;
        kindex_find(&b.ix[IX_REFERRAL], person->id, &first, &n);
        uint32_t crow = UINT32_MAX;
        for (size_t i = first; i < first + n; i++) {
            const cs_referral *ref = k_row(&b.ix[IX_REFERRAL], i);
            if (!referral_in_census(&b, ref))
                continue;
            if (crow == UINT32_MAX)
                crow = add_child(&b, person);
            add_episode(&b, ref, crow);
        }
    }

    for (int i = 0; i < IX_COUNT; i++)
        free(b.ix[i].idx);
    free(b.file_map);
    free(b.s47_written);
    cs_status st = cs_ds_finalize(out, d);
    if (st != CS_OK)
        cs_ds_free(out);
    return st;
}
