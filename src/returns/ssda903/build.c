/* Deriving the SSDA903 return from the canonical model (spec sections 1, 3
 * and 6). Episodes come from episodes.c; this file picks who is in the
 * return and fills every table.
 *
 * Who: every child with an episode in the year (DECOM <= collection_end and
 * DEC >= collection_start or open), and care leavers: a child with a
 * care_leaver row whose 17th-21st birthday falls in the year and who was not
 * looked after on that birthday. Each has a Child and a Header row; the
 * other tables are for looked-after children only.
 *
 * Episodes: the system's own 903 episodes (cla_episode) when it holds any
 * for the child, else episodes derived from periods, placements and legal
 * statuses (episodes.c has both). The year's episodes keep their true
 * DECOM (an episode open on 1 April started before the year). DEC after
 * collection_end is left blank (still open at 31 March), and with it REC
 * and REASON_PLACE_CHANGE. HOME_POST is the person's postcode; for V3/V4
 * (short breaks) HOME_POST, PL_POST and URN are blank (DfE does not collect
 * them), and HOME_POST is blank for children who are or were UASC (so no
 * PL_DISTANCE, rules 164/406; PL_POST stays for PL_LA). PLACE_PROVIDER and
 * URN are as recorded, so a provider on a temporary placement or a URN
 * where none belongs reaches the rules (178, 213, 222). Postcodes are
 * written upper case with one space.
 *
 * Header: SEX M/F/U from 2024-25 (1/2 before; U blank there), from the
 * model's M/F/U or 1/2 (0 and 9 are U); UPN, else the UN code; MOTHER (1/0
 * as recorded) and MC_DOB only for girls looked after in the year who are
 * not only on short breaks; UASC 1 when the child has a UASC row.
 *
 * UASC: children whose UASC status (immigration_status with a status naming
 * UASC, not FORMER) overlaps the year; DUC the status's end date, or the
 * start of a FORMER_UASC status, when it is on or before collection_end;
 * for a child still UASC, the 18th birthday, when the status ceases.
 *
 * Reviews: cla_review rows held in the year and not cancelled (none for
 * children only on short breaks, rule 399).
 *
 * OC2: children looked after continuously for 12 months (spec 6: an
 * episode in the year, and no RNE S episode starting after collection_start,
 * no episode ending in [collection_start, collection_end - 1] with REC other
 * than X1, no V3/V4 episode). SDQ from the latest sdq completed in the year
 * (score, else reason) for children aged 4 to 17 at some time in the year
 * (DOB + 4 years <= collection_end, DOB + 17 years >= collection_start);
 * CONVICTED (age 10 and over at collection_end), SUBSTANCE_MISUSE from
 * outcome rows recorded in the year (1 when any says so, else 0),
 * INTERVENTION_RECEIVED when SUBSTANCE_MISUSE is 1 (1 when any says so, 0
 * when one says not, else blank) and INTERVENTION_OFFERED when it is 0;
 * HEALTH_CHECK (development, under 5 at collection_end), IMMUNISATIONS,
 * TEETH_CHECK (DENTAL) and HEALTH_ASSESSMENT 1 when a health_check of that
 * kind is dated in the year and its status does not say it was not done
 * (declined, refused, cancelled, not done, outstanding, overdue), else 0.
 *
 * OC3: IN_TOUCH from the care_leaver row recorded nearest the birthday
 * (by latest_contact_date), ACTIV its activity, ACCOM its
 * accommodation letter with 1 (suitable) or 2 (not); with DIED or RHOM and
 * nothing recorded, ACTIV and ACCOM are 0.
 *
 * AD1: children adopted in the year: a permanence row with an adoption
 * order (order_type blank or naming adoption) dated in the year, or an
 * episode in the year ending E11/E12. DATE_INT decision_date, DATE_MATCH
 * matched_date, FOSTER_CARE adopted_by_carer, NB_ADOPTR, SEX_ADOPTR,
 * LS_ADOPTR from that permanence row (the latest by decision otherwise).
 *
 * PlacedAdoption: permanence decisions (decision_date) on or before
 * collection_end and not reversed before collection_start; the reversal
 * (DATE_PLACED_CEASED, REASON_PLACED_CEASED) only when on or before
 * collection_end.
 *
 * PrevPerm: for children with an RNE S episode starting in the year, their
 * last previous_permanence row (none when the model has none: rules say so).
 *
 * Missing: missing_episode rows overlapping the year (MISSING M or A from
 * M/MISSING and A/ABSENT/AWAY); MIS_END blank after collection_end.
 *
 * SWEpisodes (from 2023-24): involvement rows with a social-worker role
 * (ALLOCATED_SW, ALLOCATED_SOCIAL_WORKER, SOCIAL_WORKER, SW) overlapping the
 * year: SW_ID the worker's registration_no, SW_DECOM / SW_DEC the dates
 * (SW_DEC blank after collection_end), SW_REASON the change_reason.
 *
 * DoLo (from 2026-27): dol_order rows overlapping the year; DOLO_END blank
 * after collection_end.
 *
 * Every row carries the provenance of the model row it came from. Children
 * are in the model's person order, their rows in date order. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "returns/ssda903/internal.h"

#define IDX(ent, key, date) offsetof(cs_##ent, key), offsetof(cs_##ent, date)

typedef struct {
    const cs_model *m;
    const cs_903_year *y;
    cs_dataset *ds;
    uint32_t *fmap;                 /* model file index -> dataset file index + 1 */
    s903_pindex periods, placements, statuses, held, reviews, health, sdqs, outcomes, missing,
        leavers, perms, prevperms, immigration, involvements, dols, workers;
    /* scratch per child */
    const cs_cla_period **pv;
    const cs_cla_placement **plv;
    const cs_legal_status **lsv;
    const cs_cla_episode **hv;
    size_t pv_cap, plv_cap, lsv_cap, hv_cap;
    s903_episodes eps;
} bctx;

/* ---- small helpers ------------------------------------------------------------ */

static uint32_t file_of(bctx *b, const cs_prov *p)
{
    if (p->file == 0 || p->file >= b->m->nfiles)
        return 0;
    if (!b->fmap[p->file])
        b->fmap[p->file] = cs_ds_add_file(b->ds, b->m->files[p->file]) + 1;
    return b->fmap[p->file] - 1;
}

static uint32_t add_row(bctx *b, int g, uint32_t child, const cs_prov *p)
{
    return cs_ds_add_row(b->ds, g, child, file_of(b, p), p->line);
}

static int in_year(const bctx *b, cs_date d)
{
    return d != CS_DATE_NONE && d >= b->y->collection_start && d <= b->y->collection_end;
}

/* Records [start, end] that overlap the year (end NONE: still open). */
static int overlaps_year(const bctx *b, cs_date start, cs_date end)
{
    return start != CS_DATE_NONE && start <= b->y->collection_end &&
           (end == CS_DATE_NONE || end >= b->y->collection_start);
}

static cs_date before_end(const bctx *b, cs_date d)
{
    return d != CS_DATE_NONE && d <= b->y->collection_end ? d : CS_DATE_NONE;
}

static void set_code(bctx *b, int g, uint32_t row, int f, const char *s)
{
    char up[64];
    if (!s || !*s)
        return;
    size_t n = s903_upper(up, sizeof up, s, strlen(s));
    cs_ds_set_text(b->ds, g, row, f, up, n, CS_DS_TEXT_DMY);
}

static void set_flag(bctx *b, int g, uint32_t row, int f, int v)
{
    if (v >= 0)
        cs_ds_set_str(b->ds, g, row, f, v ? "1" : "0");
}

static void set_child_dob(bctx *b, int g, uint32_t row, const cs_person *p)
{
    cs_ds_set_str(b->ds, g, row, 0, p->id);
    int f = g == CS_903_G_UASC ? CS_903_U_DOB : 1;
    if (g != CS_903_G_EPISODES)
        cs_ds_set_date(b->ds, g, row, f, p->birth_date);
}

/* Upper-cased with spaces, hyphens folded to underscores, for matching. */
static const char *fold(const char *s, char *buf, size_t n)
{
    size_t k = s903_upper(buf, n, s ? s : "", s ? strlen(s) : 0);
    for (size_t i = 0; i < k; i++)
        if (buf[i] == ' ' || buf[i] == '-')
            buf[i] = '_';
    return buf;
}

static int is_code(const char *s, const char *code)
{
    return s && strcasecmp(s, code) == 0;
}

static int is_v3v4(const char *ls)
{
    return ls && (strcasecmp(ls, "V3") == 0 || strcasecmp(ls, "V4") == 0);
}

static int is_female(const char *sex)
{
    return sex && (strcasecmp(sex, "F") == 0 || strcmp(sex, "2") == 0);
}

/* ---- gathering a child's care history -------------------------------------------- */

#define GATHER(b, ix, type, vec, cap, pid, count)                                     \
    do {                                                                              \
        size_t first_, n_;                                                            \
        s903_pindex_find(&(b)->ix, pid, &first_, &n_);                                \
        if (n_ > (b)->cap) {                                                          \
            (b)->cap = n_;                                                            \
            (b)->vec = cs_xrealloc((void *)(b)->vec, n_ * sizeof *(b)->vec);          \
        }                                                                             \
        for (size_t k_ = 0; k_ < n_; k_++)                                            \
            (b)->vec[k_] = (const type *)s903_pindex_row(&(b)->ix, first_ + k_);      \
        (count) = n_;                                                                 \
    } while (0)

static void child_episodes(bctx *b, const cs_person *p)
{
    s903_history h;
    GATHER(b, periods, cs_cla_period, pv, pv_cap, p->id, h.nperiods);
    GATHER(b, placements, cs_cla_placement, plv, plv_cap, p->id, h.nplacements);
    GATHER(b, statuses, cs_legal_status, lsv, lsv_cap, p->id, h.nstatuses);
    GATHER(b, held, cs_cla_episode, hv, hv_cap, p->id, h.nheld);
    h.periods = b->pv;
    h.placements = b->plv;
    h.statuses = b->lsv;
    h.held = b->hv;
    b->eps.n = 0;
    s903_episodes_of(&h, &b->eps);
}

static int episode_in_year(const bctx *b, const s903_episode *e)
{
    return e->decom <= b->y->collection_end &&
           (e->dec == CS_DATE_NONE || e->dec >= b->y->collection_start);
}

/* ---- UASC status ------------------------------------------------------------------- */

/* 1 UASC, 2 former UASC, 0 anything else. */
static int uasc_kind(const char *status)
{
    char f[64];
    fold(status, f, sizeof f);
    if (!strstr(f, "UASC") && !strstr(f, "ASYLUM"))
        return 0;
    if (strncmp(f, "FORMER", 6) == 0 || strncmp(f, "EX_", 3) == 0)
        return 2;
    if (strncmp(f, "NOT", 3) == 0 || strncmp(f, "NON", 3) == 0)
        return 0;
    return 1;
}

typedef struct {
    int ever;                      /* UASC or former UASC at any time up to collection_end */
    const cs_immigration_status *current;   /* UASC status overlapping the year */
    cs_date ceased;
} uasc_info;

static uasc_info uasc_of(bctx *b, const cs_person *p)
{
    uasc_info u = {0, NULL, CS_DATE_NONE};
    size_t first, n;
    s903_pindex_find(&b->immigration, p->id, &first, &n);
    for (size_t k = 0; k < n; k++) {
        const cs_immigration_status *s = s903_pindex_row(&b->immigration, first + k);
        int kind = uasc_kind(s->status);
        if (!kind || (s->start_date != CS_DATE_NONE && s->start_date > b->y->collection_end))
            continue;
        u.ever = 1;
        if (kind == 1 && overlaps_year(b, s->start_date, s->end_date)) {
            u.current = s;
            u.ceased = before_end(b, s->end_date);
        } else if (kind == 2 && u.current && u.ceased == CS_DATE_NONE) {
            u.ceased = before_end(b, s->start_date);
        }
    }
    return u;
}

/* ---- Header and Episodes ---------------------------------------------------------- */

static const char *sex_code(const char *sex, int mfu)
{
    char f[16];
    fold(sex, f, sizeof f);
    int v = !strcmp(f, "M") || !strcmp(f, "MALE") || !strcmp(f, "1")     ? 1
            : !strcmp(f, "F") || !strcmp(f, "FEMALE") || !strcmp(f, "2") ? 2
            : !strcmp(f, "U") || !strcmp(f, "0") || !strcmp(f, "9") || !strcmp(f, "UNKNOWN")
                ? 3
                : 0;
    if (v == 0)
        return sex && *sex ? sex : NULL;   /* kept for the rules to report */
    if (mfu)
        return v == 1 ? "M" : v == 2 ? "F" : "U";
    return v == 1 ? "1" : v == 2 ? "2" : NULL;
}

static void header_row(bctx *b, uint32_t child, const cs_person *p, int mother_items)
{
    uint32_t row = add_row(b, CS_903_G_HEADER, child, &p->prov);
    cs_ds_set_str(b->ds, CS_903_G_HEADER, row, CS_903_H_CHILD, p->id);
    set_code(b, CS_903_G_HEADER, row, CS_903_H_SEX, sex_code(p->sex, cs_903_year_sex_mfu(b->y)));
    cs_ds_set_date(b->ds, CS_903_G_HEADER, row, CS_903_H_DOB, p->birth_date);
    set_code(b, CS_903_G_HEADER, row, CS_903_H_ETHNIC, p->ethnicity);
    set_code(b, CS_903_G_HEADER, row, CS_903_H_UPN,
             p->upn && *p->upn ? p->upn : p->upn_unknown);
    if (mother_items && is_female(p->sex) && p->is_mother != CS_BOOL_NONE) {
        set_flag(b, CS_903_G_HEADER, row, CS_903_H_MOTHER, p->is_mother);
        if (p->is_mother == 1)
            cs_ds_set_date(b->ds, CS_903_G_HEADER, row, CS_903_H_MC_DOB,
                           p->first_child_birth_date);
    }
}

static void episode_row(bctx *b, uint32_t child, const cs_person *p, const s903_episode *e,
                        const uasc_info *u)
{
    const cs_cla_placement *pl = e->pl;
    uint32_t row = add_row(b, CS_903_G_EPISODES, child, e->prov);
    const int g = CS_903_G_EPISODES;
    set_child_dob(b, g, row, p);
    cs_ds_set_date(b->ds, g, row, CS_903_E_DECOM, e->decom);
    set_code(b, g, row, CS_903_E_RNE, e->rne);
    const char *ls = e->ls ? e->ls->legal_status : NULL;
    set_code(b, g, row, CS_903_E_LS, ls);
    set_code(b, g, row, CS_903_E_CIN, e->cin);
    const char *place = pl ? pl->placement_type : NULL;
    set_code(b, g, row, CS_903_E_PLACE, place);
    if (pl)
        set_code(b, g, row, CS_903_E_PLACE_PROVIDER, pl->provider);
    if (e->dec != CS_DATE_NONE && e->dec <= b->y->collection_end) {
        cs_ds_set_date(b->ds, g, row, CS_903_E_DEC, e->dec);
        set_code(b, g, row, CS_903_E_REC, e->rec);
        set_code(b, g, row, CS_903_E_REASON_PLACE_CHANGE, e->reason_place_change);
    }
    char pc[32];
    int short_breaks = is_v3v4(ls);
    if (!short_breaks && !u->ever)
        cs_ds_set_str(b->ds, g, row, CS_903_E_HOME_POST, s903_postcode_norm(p->postcode, pc, sizeof pc));
    if (!short_breaks && pl) {
        cs_ds_set_str(b->ds, g, row, CS_903_E_PL_POST, s903_postcode_norm(pl->postcode, pc, sizeof pc));
        set_code(b, g, row, CS_903_E_URN, pl->urn);
    }
}

/* ---- continuously looked after (OC2), care leavers (OC3) -------------------------- */

static int continuously_looked_after(const bctx *b)
{
    int any = 0;
    cs_date start = b->y->collection_start, end = b->y->collection_end;
    for (size_t i = 0; i < b->eps.n; i++) {
        const s903_episode *e = &b->eps.v[i];
        if (!episode_in_year(b, e))
            continue;
        any = 1;
        if (is_code(e->rne, "S") && e->decom > start)
            return 0;
        if (e->dec != CS_DATE_NONE && e->dec >= start && e->dec < end &&
            !(e->rec && strcmp(e->rec, "X1") == 0))
            return 0;
        if (e->ls && is_v3v4(e->ls->legal_status))
            return 0;
    }
    return any;
}

static int health_done(const cs_health_check *h)
{
    static const char *const not_done[] = {"DECLIN", "REFUS", "CANCEL", "NOT", "OUTSTANDING",
                                           "OVERDUE", NULL};
    char f[64];
    fold(h->status, f, sizeof f);
    for (const char *const *w = not_done; *w; w++)
        if (strncmp(f, *w, strlen(*w)) == 0)
            return 0;
    return 1;
}

static int has_health(bctx *b, const cs_person *p, const char *kind)
{
    size_t first, n;
    s903_pindex_find(&b->health, p->id, &first, &n);
    for (size_t k = 0; k < n; k++) {
        const cs_health_check *h = s903_pindex_row(&b->health, first + k);
        char f[40];
        if (in_year(b, h->check_date) && strcmp(fold(h->kind, f, sizeof f), kind) == 0 &&
            health_done(h))
            return 1;
    }
    return 0;
}

static void oc2_row(bctx *b, uint32_t child, const cs_person *p)
{
    const int g = CS_903_G_OC2;
    const cs_prov *prov = &p->prov;
    cs_date dob = p->birth_date, start = b->y->collection_start, end = b->y->collection_end;
    int age_known = dob != CS_DATE_NONE;
    /* SDQ: latest completed in the year */
    const cs_sdq *sdq = NULL;
    size_t first, n;
    s903_pindex_find(&b->sdqs, p->id, &first, &n);
    for (size_t k = 0; k < n; k++) {
        const cs_sdq *s = s903_pindex_row(&b->sdqs, first + k);
        if (in_year(b, s->completed_date))
            sdq = s;   /* rows are in date order */
    }
    /* outcomes recorded in the year */
    int convicted = 0, misuse = 0, received = -1, offered = -1;
    s903_pindex_find(&b->outcomes, p->id, &first, &n);
    for (size_t k = 0; k < n; k++) {
        const cs_outcome *o = s903_pindex_row(&b->outcomes, first + k);
        if (!in_year(b, o->recorded_date))
            continue;
        convicted |= o->convicted == 1;
        misuse |= o->substance_misuse == 1;
        if (o->intervention_received != CS_BOOL_NONE)
            received = received == 1 ? 1 : o->intervention_received;
        if (o->intervention_offered != CS_BOOL_NONE)
            offered = offered == 1 ? 1 : o->intervention_offered;
        prov = &o->prov;
    }
    uint32_t row = add_row(b, g, child, prov);
    set_child_dob(b, g, row, p);
    int sdq_age = age_known && cs_date_add_years(dob, 4) <= end &&
                  cs_date_add_years(dob, 17) >= start;
    if (sdq && sdq_age) {
        if (sdq->score != CS_INT_NONE)
            cs_ds_set_int(b->ds, g, row, CS_903_O2_SDQ_SCORE, sdq->score);
        else
            set_code(b, g, row, CS_903_O2_SDQ_REASON, sdq->reason);
    }
    if (age_known && cs_date_add_years(dob, 10) <= end)
        set_flag(b, g, row, CS_903_O2_CONVICTED, convicted);
    if (age_known && end < cs_date_add_years(dob, 5))
        set_flag(b, g, row, CS_903_O2_HEALTH_CHECK, has_health(b, p, "DEVELOPMENT"));
    set_flag(b, g, row, CS_903_O2_IMMUNISATIONS, has_health(b, p, "IMMUNISATIONS"));
    set_flag(b, g, row, CS_903_O2_TEETH_CHECK, has_health(b, p, "DENTAL"));
    set_flag(b, g, row, CS_903_O2_HEALTH_ASSESSMENT, has_health(b, p, "HEALTH_ASSESSMENT"));
    set_flag(b, g, row, CS_903_O2_SUBSTANCE_MISUSE, misuse);
    if (misuse) {
        set_flag(b, g, row, CS_903_O2_INTERVENTION_RECEIVED, received);
        if (received == 0)
            set_flag(b, g, row, CS_903_O2_INTERVENTION_OFFERED, offered);
    }
}

/* The birthday (17th-21st) in the year, or NONE. */
static cs_date leaver_birthday(const bctx *b, cs_date dob)
{
    if (dob == CS_DATE_NONE)
        return CS_DATE_NONE;
    for (int age = 17; age <= 21; age++) {
        cs_date d = cs_date_add_years(dob, age);
        if (in_year(b, d))
            return d;
    }
    return CS_DATE_NONE;
}

static int looked_after_on(const bctx *b, cs_date day)
{
    for (size_t i = 0; i < b->eps.n; i++) {
        const s903_episode *e = &b->eps.v[i];
        if (e->decom <= day && (e->dec == CS_DATE_NONE || e->dec > day))
            return 1;
    }
    return 0;
}

/* The care_leaver row to report, or NULL when the child is not a care
 * leaver for this year's OC3. */
static const cs_care_leaver *care_leaver_of(bctx *b, const cs_person *p)
{
    cs_date bday = leaver_birthday(b, p->birth_date);
    if (bday == CS_DATE_NONE || looked_after_on(b, bday))
        return NULL;
    size_t first, n;
    s903_pindex_find(&b->leavers, p->id, &first, &n);
    /* the row recorded nearest the birthday (a system may keep one per
     * birthday); an undated row only when none is dated */
    const cs_care_leaver *best = NULL;
    int32_t best_gap = INT32_MAX;
    for (size_t k = 0; k < n; k++) {
        const cs_care_leaver *c = s903_pindex_row(&b->leavers, first + k);
        cs_date at = c->latest_contact_date;
        int32_t gap = at == CS_DATE_NONE ? INT32_MAX - 1 : at > bday ? at - bday : bday - at;
        if (!best || gap <= best_gap) {
            best = c;
            best_gap = gap;
        }
    }
    return best;
}

static void oc3_row(bctx *b, uint32_t child, const cs_person *p, const cs_care_leaver *c)
{
    const int g = CS_903_G_OC3;
    uint32_t row = add_row(b, g, child, &c->prov);
    set_child_dob(b, g, row, p);
    set_code(b, g, row, CS_903_O3_IN_TOUCH, c->in_touch);
    char f[16];
    fold(c->in_touch, f, sizeof f);
    int gone = !strcmp(f, "DIED") || !strcmp(f, "RHOM");
    set_code(b, g, row, CS_903_O3_ACTIV, c->activity && *c->activity ? c->activity
                                                       : gone ? "0" : NULL);
    char accom[16] = "";
    if (c->accommodation && *c->accommodation) {
        size_t n = s903_upper(accom, sizeof accom - 1, c->accommodation,
                              strlen(c->accommodation));
        if (n == 1 && c->accommodation_suitable != CS_BOOL_NONE) {
            accom[1] = c->accommodation_suitable ? '1' : '2';
            accom[2] = '\0';
        }
    } else if (gone) {
        strcpy(accom, "0");
    }
    set_code(b, g, row, CS_903_O3_ACCOM, accom);
}

/* ---- adoption ------------------------------------------------------------------------ */

static int adoption_order(const cs_permanence *pm)
{
    char f[64];
    fold(pm->order_type, f, sizeof f);
    return !f[0] || strstr(f, "ADOPT") || !strcmp(f, "E11") || !strcmp(f, "E12") ||
           !strcmp(f, "AO");
}

static void adoption_rows(bctx *b, uint32_t child, const cs_person *p)
{
    size_t first, n;
    s903_pindex_find(&b->perms, p->id, &first, &n);
    const cs_permanence *adopted = NULL, *latest = NULL;
    for (size_t k = 0; k < n; k++) {
        const cs_permanence *pm = s903_pindex_row(&b->perms, first + k);
        if (in_year(b, pm->order_date) && adoption_order(pm))
            adopted = pm;
        if (pm->decision_date != CS_DATE_NONE && pm->decision_date <= b->y->collection_end)
            latest = pm;
        /* PlacedAdoption: decisions in force at some time in the year */
        if (pm->decision_date == CS_DATE_NONE || pm->decision_date > b->y->collection_end ||
            (pm->reversed_date != CS_DATE_NONE && pm->reversed_date < b->y->collection_start))
            continue;
        uint32_t row = add_row(b, CS_903_G_PLACED, child, &pm->prov);
        set_child_dob(b, CS_903_G_PLACED, row, p);
        cs_ds_set_date(b->ds, CS_903_G_PLACED, row, CS_903_PA_DATE_PLACED, pm->decision_date);
        cs_date ceased = before_end(b, pm->reversed_date);
        cs_ds_set_date(b->ds, CS_903_G_PLACED, row, CS_903_PA_DATE_PLACED_CEASED, ceased);
        if (ceased != CS_DATE_NONE)
            set_code(b, CS_903_G_PLACED, row, CS_903_PA_REASON_PLACED_CEASED,
                     pm->reversed_reason);
    }
    int left_adopted = 0;
    for (size_t i = 0; i < b->eps.n; i++) {
        const s903_episode *e = &b->eps.v[i];
        if (in_year(b, e->dec) && e->rec &&
            (strcasecmp(e->rec, "E11") == 0 || strcasecmp(e->rec, "E12") == 0))
            left_adopted = 1;
    }
    if (!adopted && !left_adopted)
        return;
    const cs_permanence *pm = adopted ? adopted : latest;
    const int g = CS_903_G_AD1;
    uint32_t row = add_row(b, g, child, pm ? &pm->prov : &p->prov);
    set_child_dob(b, g, row, p);
    if (!pm)
        return;
    cs_ds_set_date(b->ds, g, row, CS_903_A_DATE_INT, pm->decision_date);
    cs_ds_set_date(b->ds, g, row, CS_903_A_DATE_MATCH, pm->matched_date);
    if (pm->adopted_by_carer != CS_BOOL_NONE)
        set_flag(b, g, row, CS_903_A_FOSTER_CARE, pm->adopted_by_carer);
    if (pm->number_of_adopters != CS_INT_NONE) {
        char nb[16];
        snprintf(nb, sizeof nb, "%ld", (long)pm->number_of_adopters);
        cs_ds_set_str(b->ds, g, row, CS_903_A_NB_ADOPTR, nb);
    }
    set_code(b, g, row, CS_903_A_SEX_ADOPTR, pm->adopter_sex);
    set_code(b, g, row, CS_903_A_LS_ADOPTR, pm->adopter_legal_status);
}

static void prevperm_row(bctx *b, uint32_t child, const cs_person *p)
{
    int started = 0;
    for (size_t i = 0; i < b->eps.n && !started; i++)
        started = is_code(b->eps.v[i].rne, "S") && in_year(b, b->eps.v[i].decom);
    size_t first, n;
    s903_pindex_find(&b->prevperms, p->id, &first, &n);
    if (!started || n == 0)
        return;
    const cs_previous_permanence *pp = s903_pindex_row(&b->prevperms, first + n - 1);
    const int g = CS_903_G_PREVPERM;
    uint32_t row = add_row(b, g, child, &pp->prov);
    set_child_dob(b, g, row, p);
    set_code(b, g, row, CS_903_PP_PREV_PERM, pp->option);
    set_code(b, g, row, CS_903_PP_LA_PERM, pp->la);
    set_code(b, g, row, CS_903_PP_DATE_PERM, pp->order_date);
}

/* ---- other tables ------------------------------------------------------------------ */

static void uasc_row(bctx *b, uint32_t child, const cs_person *p, const uasc_info *u)
{
    uint32_t row = add_row(b, CS_903_G_UASC, child, &u->current->prov);
    set_child_dob(b, CS_903_G_UASC, row, p);
    set_code(b, CS_903_G_UASC, row, CS_903_U_SEX, sex_code(p->sex, cs_903_year_sex_mfu(b->y)));
    /* still UASC: the status ceases at 18, and DfE expects that date (205B) */
    cs_date duc = u->ceased;
    if (duc == CS_DATE_NONE && p->birth_date != CS_DATE_NONE)
        duc = cs_date_add_years(p->birth_date, 18);
    cs_ds_set_date(b->ds, CS_903_G_UASC, row, CS_903_U_DUC, duc);
}

static void review_rows(bctx *b, uint32_t child, const cs_person *p)
{
    size_t first, n;
    s903_pindex_find(&b->reviews, p->id, &first, &n);
    for (size_t k = 0; k < n; k++) {
        const cs_cla_review *r = s903_pindex_row(&b->reviews, first + k);
        if (!in_year(b, r->review_date) || r->cancelled == 1)
            continue;
        uint32_t row = add_row(b, CS_903_G_REVIEWS, child, &r->prov);
        set_child_dob(b, CS_903_G_REVIEWS, row, p);
        cs_ds_set_date(b->ds, CS_903_G_REVIEWS, row, CS_903_R_REVIEW, r->review_date);
        set_code(b, CS_903_G_REVIEWS, row, CS_903_R_REVIEW_CODE, r->participation);
    }
}

static void missing_rows(bctx *b, uint32_t child, const cs_person *p)
{
    size_t first, n;
    s903_pindex_find(&b->missing, p->id, &first, &n);
    for (size_t k = 0; k < n; k++) {
        const cs_missing_episode *m = s903_pindex_row(&b->missing, first + k);
        if (!overlaps_year(b, m->start_date, m->end_date))
            continue;
        const int g = CS_903_G_MISSING;
        uint32_t row = add_row(b, g, child, &m->prov);
        set_child_dob(b, g, row, p);
        char f[32];
        fold(m->kind, f, sizeof f);
        const char *kind = !strcmp(f, "M") || !strcmp(f, "MISSING")  ? "M"
                           : !strcmp(f, "A") || !strncmp(f, "ABSENT", 6) || !strncmp(f, "AWAY", 4)
                               ? "A"
                               : m->kind;
        set_code(b, g, row, CS_903_M_MISSING, kind);
        cs_ds_set_date(b->ds, g, row, CS_903_M_MIS_START, m->start_date);
        cs_ds_set_date(b->ds, g, row, CS_903_M_MIS_END, before_end(b, m->end_date));
    }
}

static int social_worker_role(const char *role)
{
    char f[48];
    fold(role, f, sizeof f);
    return !strcmp(f, "ALLOCATED_SW") || !strcmp(f, "ALLOCATED_SOCIAL_WORKER") ||
           !strcmp(f, "SOCIAL_WORKER") || !strcmp(f, "SW");
}

static void sw_rows(bctx *b, uint32_t child, const cs_person *p)
{
    size_t first, n;
    s903_pindex_find(&b->involvements, p->id, &first, &n);
    for (size_t k = 0; k < n; k++) {
        const cs_involvement *v = s903_pindex_row(&b->involvements, first + k);
        if (!social_worker_role(v->role) || !overlaps_year(b, v->start_date, v->end_date))
            continue;
        const int g = CS_903_G_SW;
        uint32_t row = add_row(b, g, child, &v->prov);
        set_child_dob(b, g, row, p);
        size_t wf, wn;
        s903_pindex_find(&b->workers, v->worker_id, &wf, &wn);
        if (wn) {
            const cs_worker *w = s903_pindex_row(&b->workers, wf);
            set_code(b, g, row, CS_903_SW_ID, w->registration_no);
        }
        char d1[11], d2[11];
        cs_ds_set_str(b->ds, g, row, CS_903_SW_DECOM, cs_date_dmy(v->start_date, d1));
        cs_ds_set_str(b->ds, g, row, CS_903_SW_DEC, cs_date_dmy(before_end(b, v->end_date), d2));
        set_code(b, g, row, CS_903_SW_REASON, v->change_reason);
    }
}

static void dolo_rows(bctx *b, uint32_t child, const cs_person *p)
{
    size_t first, n;
    s903_pindex_find(&b->dols, p->id, &first, &n);
    for (size_t k = 0; k < n; k++) {
        const cs_dol_order *o = s903_pindex_row(&b->dols, first + k);
        if (!overlaps_year(b, o->start_date, o->end_date))
            continue;
        uint32_t row = add_row(b, CS_903_G_DOLO, child, &o->prov);
        set_child_dob(b, CS_903_G_DOLO, row, p);
        cs_ds_set_date(b->ds, CS_903_G_DOLO, row, CS_903_DL_DOLO_START, o->start_date);
        cs_ds_set_date(b->ds, CS_903_G_DOLO, row, CS_903_DL_DOLO_END, before_end(b, o->end_date));
    }
}

/* ---- one child ------------------------------------------------------------------- */

static void build_child(bctx *b, const cs_person *p)
{
    if (!p->id || !*p->id)
        return;
    child_episodes(b, p);
    int looked_after = 0, only_short_breaks = 1;
    for (size_t i = 0; i < b->eps.n; i++)
        if (episode_in_year(b, &b->eps.v[i])) {
            looked_after = 1;
            only_short_breaks &= b->eps.v[i].ls && is_v3v4(b->eps.v[i].ls->legal_status);
        }
    const cs_care_leaver *leaver = care_leaver_of(b, p);
    if (!looked_after && !leaver)
        return;
    uint32_t child = add_row(b, CS_903_G_CHILD, 0, &p->prov);
    cs_ds_set_str(b->ds, CS_903_G_CHILD, child, CS_903_C_CHILD, p->id);
    header_row(b, child, p, looked_after && !only_short_breaks);
    if (leaver)
        oc3_row(b, child, p, leaver);
    if (!looked_after)
        return;
    uasc_info u = uasc_of(b, p);
    for (size_t i = 0; i < b->eps.n; i++)
        if (episode_in_year(b, &b->eps.v[i]))
            episode_row(b, child, p, &b->eps.v[i], &u);
    if (u.current)
        uasc_row(b, child, p, &u);
    if (!only_short_breaks)
        review_rows(b, child, p);
    if (continuously_looked_after(b))
        oc2_row(b, child, p);
    adoption_rows(b, child, p);
    prevperm_row(b, child, p);
    missing_rows(b, child, p);
    if (b->y->end_year >= 2024)
        sw_rows(b, child, p);
    if (b->y->end_year >= 2027)
        dolo_rows(b, child, p);
}

/* ---- driver ------------------------------------------------------------------------ */

static void indexes_init(bctx *b, const cs_model *m)
{
    s903_pindex_init(&b->periods, m, CS_E_cla_period, IDX(cla_period, person_id, start_date));
    s903_pindex_init(&b->placements, m, CS_E_cla_placement,
                     IDX(cla_placement, person_id, start_date));
    s903_pindex_init(&b->statuses, m, CS_E_legal_status, IDX(legal_status, person_id, start_date));
    s903_pindex_init(&b->held, m, CS_E_cla_episode, IDX(cla_episode, person_id, start_date));
    s903_pindex_init(&b->reviews, m, CS_E_cla_review, IDX(cla_review, person_id, review_date));
    s903_pindex_init(&b->health, m, CS_E_health_check, IDX(health_check, person_id, check_date));
    s903_pindex_init(&b->sdqs, m, CS_E_sdq, IDX(sdq, person_id, completed_date));
    s903_pindex_init(&b->outcomes, m, CS_E_outcome, IDX(outcome, person_id, recorded_date));
    s903_pindex_init(&b->missing, m, CS_E_missing_episode,
                     IDX(missing_episode, person_id, start_date));
    s903_pindex_init(&b->leavers, m, CS_E_care_leaver,
                     IDX(care_leaver, person_id, latest_contact_date));
    s903_pindex_init(&b->perms, m, CS_E_permanence, IDX(permanence, person_id, decision_date));
    s903_pindex_init(&b->prevperms, m, CS_E_previous_permanence,
                     offsetof(cs_previous_permanence, person_id), SIZE_MAX);
    s903_pindex_init(&b->immigration, m, CS_E_immigration_status,
                     IDX(immigration_status, person_id, start_date));
    s903_pindex_init(&b->involvements, m, CS_E_involvement,
                     IDX(involvement, person_id, start_date));
    s903_pindex_init(&b->dols, m, CS_E_dol_order, IDX(dol_order, person_id, start_date));
    s903_pindex_init(&b->workers, m, CS_E_worker, offsetof(cs_worker, id), SIZE_MAX);
}

static void indexes_free(bctx *b)
{
    s903_pindex *all[] = {&b->periods, &b->placements, &b->statuses, &b->held, &b->reviews,
                          &b->health,  &b->sdqs,       &b->outcomes, &b->missing,
                          &b->leavers, &b->perms,      &b->prevperms, &b->immigration,
                          &b->involvements, &b->dols,  &b->workers};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        s903_pindex_free(all[i]);
}

cs_status cs_903_build_with(const cs_model *m, const cs_903_year *year, const char *la_code,
                            const cs_903_postcodes *postcodes, cs_dataset *out, cs_diag *d)
{
    cs_ds_init(out, &cs_903_schema);
    if (!m || !year) {
        cs_ds_free(out);
        return cs_diag_set(d, CS_ERR_INTERNAL, NULL, 0, 0, "cs_903_build needs a model and a year");
    }
    bctx b = {.m = m, .y = year, .ds = out};
    b.fmap = cs_xcalloc(m->nfiles ? m->nfiles : 1, sizeof *b.fmap);
    indexes_init(&b, m);
    cs_ds_add_row(out, CS_903_G_ROOT, 0, 0, 0);
    const cs_person *persons = CS_TABLE(m, person);
    for (size_t i = 0; i < CS_COUNT(m, person); i++)
        build_child(&b, &persons[i]);
    s903_set_uasc_flags(out, 0);
    indexes_free(&b);
    free(b.fmap);
    free((void *)b.pv);
    free((void *)b.plv);
    free((void *)b.lsv);
    free((void *)b.hv);
    free(b.eps.v);
    cs_status st = cs_ds_finalize(out, d);
    if (st != CS_OK) {
        cs_ds_free(out);
        return st;
    }
    if (postcodes)
        cs_903_derive(out, postcodes, la_code);
    return CS_OK;
}

cs_status cs_903_build(const cs_model *m, const cs_903_year *year, const char *la_code,
                       cs_dataset *out, cs_diag *d)
{
    return cs_903_build_with(m, year, la_code, NULL, out, d);
}
