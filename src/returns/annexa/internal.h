/* Annex A internals shared by the builder's files: the model indexed by
 * child (each entity's rows grouped per person, in date order), worker and
 * team names, allocation, and setters that write a value through the
 * template (labels, columns the template has not got). */
#ifndef CS_RETURNS_ANNEXA_INTERNAL_H
#define CS_RETURNS_ANNEXA_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "returns/annexa/annexa.h"
#include "returns/ssda903/ssda903.h"
#include "rules/codelist.h"

/* An entity's rows grouped by person: rows[start[p] .. start[p+1]) are
 * person p's, ordered by the entity's date (absent dates first). */
typedef struct {
    uint32_t *start;   /* nperson + 1 */
    uint32_t *rows;
} aa_by_person;

typedef struct {
    const cs_model *m;
    const cs_aa_template *t;
    const cs_aa_build_opts *o;
    cs_dataset *ds;
    cs_date insp, s6, s12;          /* inspection date; 6 and 12 months before it */
    uint32_t nperson;
    cs_strmap person_ix;            /* person id -> person row */
    cs_strmap worker_ix, team_ix;   /* id -> row */
    uint32_t *dsfile;               /* model file index -> dataset file index */
    const char *role;
    int have_involvement;
    /* grouped entities */
    aa_by_person contact, early_help, referral, assessment, cin_plan, s47, icpc, cp_plan, cp_review, visit,
        cla_period, cla_placement, legal_status, cla_episode, cla_review, health_check,
        missing_episode, care_leaver, permanence, involvement, disability, immigration;
    /* placement location */
    cs_903_postcodes *postcodes;
    const char *home_ons;           /* the job's LA as an ONS code, or NULL */
    cs_strmap la_names;             /* ONS code -> index into la_vals */
    const char **la_vals;
    uint32_t nla;
    cs_arena arena;
} aa_build;

/* build_index.c */
void aa_index_init(aa_build *b);
void aa_index_free(aa_build *b);
/* person row of an id, UINT32_MAX when not a known person */
uint32_t aa_person(const aa_build *b, const char *id);
/* the first and one-past-last positions of person p's rows in g */
static inline void aa_range(const aa_by_person *g, uint32_t p, uint32_t *i, uint32_t *n)
{
    *i = g->start[p];
    *n = g->start[p + 1];
}
const char *aa_worker_name(const aa_build *b, const char *worker_id);
const char *aa_team_name(const aa_build *b, const char *team_id);
const char *aa_worker_team(const aa_build *b, const char *worker_id);   /* home team id */
const char *aa_la_name(const aa_build *b, const char *ons);
void aa_places_load(aa_build *b, cs_exception_list *exc);

/* The allocated team and worker for a row of list `list`: at the event
 * (involvement covering `when`, else the record's own worker/team) or the
 * latest (open at the inspection date, else the last to end), as the
 * options say for the list. */
void aa_allocation(const aa_build *b, int list, uint32_t p, cs_date when, const char *rec_worker,
                   const char *rec_team, const char **team, const char **worker);

/* Setters through the template: nothing happens when the template has not
 * got the field (2020 List 9) or the value is absent. */
void aa_set_label(aa_build *b, int list, uint32_t row, int field, const char *code);
void aa_set_bool(aa_build *b, int list, uint32_t row, int field, int8_t v);  /* 1/0/absent -> Yes/No/Unknown */
void aa_set_date(aa_build *b, int list, uint32_t row, int field, cs_date v);
void aa_set_int(aa_build *b, int list, uint32_t row, int field, int32_t v);
void aa_set_text(aa_build *b, int list, uint32_t row, int field, const char *v);
uint32_t aa_add_row(aa_build *b, int list, const cs_prov *prov);
/* Child Unique ID, Gender, Ethnicity, Date of Birth, Age of Child (Years). */
void aa_set_person(aa_build *b, int list, uint32_t row, uint32_t p, int f_id, int f_gender,
                   int f_eth, int f_dob, int f_age);
#define AA_PERSON(b, N, row, p)                                                              \
    aa_set_person(b, N, row, p, CS_AA##N##_ID, CS_AA##N##_GENDER, CS_AA##N##_ETHNICITY,       \
                  CS_AA##N##_DOB, CS_AA##N##_AGE)
/* 1 yes, 0 no, -1 nothing recorded */
int8_t aa_disability(const aa_build *b, uint32_t p);
/* latest visit of a kind ("CIN", "CP", "CLA", or NULL for any) in [from, to] */
const cs_visit *aa_last_visit(const aa_build *b, uint32_t p, const char *kind, cs_date from,
                              cs_date to);

static inline int aa_in(cs_date d, cs_date from, cs_date to)
{
    return d != CS_DATE_NONE && d >= from && d <= to;
}
/* open at date: started by then and not ended before it */
static inline int aa_open_at(cs_date start, cs_date end, cs_date at)
{
    return start != CS_DATE_NONE && start <= at && (end == CS_DATE_NONE || end > at);
}
static inline int aa_eq(const char *a, const char *b)
{
    return a && b && (a == b || __builtin_strcmp(a, b) == 0);
}

/* build_lists.c (1-5) and build_care.c (6-11) */
void aa_build_contacts(aa_build *b);
void aa_build_early_help(aa_build *b);
void aa_build_referrals(aa_build *b);
void aa_build_assessments(aa_build *b);
void aa_build_s47(aa_build *b);
void aa_build_cin(aa_build *b);
void aa_build_cp(aa_build *b);
void aa_build_cla(aa_build *b);
void aa_build_care_leavers(aa_build *b);
void aa_build_adoption(aa_build *b);
void aa_build_adopters(aa_build *b);

/* exceptions added by the builder and reader */
void aa_note(cs_exception_list *exc, const char *rule, cs_severity sev, const char *child,
             const char *record, const char *fields, const char *values, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));

#endif
