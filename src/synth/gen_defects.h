/* Shared by the defect injectors (gen_defects*.c): the child being damaged,
 * what returns it is in for the latest collection year, and small helpers
 * to walk its rows and record what was done in the manifest. */
#ifndef CS_SYNTH_GEN_DEFECTS_H
#define CS_SYNTH_GEN_DEFECTS_H

#include "synth/gen_internal.h"

typedef struct {
    syn_ctx *c;
    syn_child *ch;
    syn_rng *r;
    bool in_cin;   /* has an episode open at some point in the latest year */
    bool in_903;   /* looked after, or a care leaver's status, in the latest year */
    int applied;   /* manifest rows written for this child so far */
} syn_dx;

typedef bool (*syn_defect_fn)(syn_dx *x);

typedef struct {
    const char *kind;
    syn_defect_fn fn;
} syn_defect_kind;

extern const syn_defect_kind syn_cin_defects[];
extern const size_t syn_n_cin_defects;
extern const syn_defect_kind syn_cin_plan_defects[];
extern const size_t syn_n_cin_plan_defects;
extern const syn_defect_kind syn_903_defects[];
extern const size_t syn_n_903_defects;

#define DX_FOR(x, ent, i) \
    for (size_t i = (x)->ch->first[CS_E_##ent]; i < CS_COUNT((x)->c->m, ent); i++)
#define DX_ROW(x, ent, i) SYN_AT((x)->c, ent, i)

void syn_dx_note(syn_dx *x, const char *kind, const char *entity, const char *record_id,
                 const char *field, const char *rules, const char *detail);
cs_person *syn_dx_person(syn_dx *x);
/* The child's referral row with this id, or NULL. */
cs_referral *syn_dx_referral(syn_dx *x, const char *id);
/* An episode the latest CIN census would carry. */
bool syn_dx_ref_in_scope(const syn_dx *x, const cs_referral *rf);
/* A record running start..end (end NONE = open) that the builders put in
 * the latest return: started by the reference date, not ended before the
 * year began. */
bool syn_dx_open_in_year(const syn_dx *x, cs_date start, cs_date end);
/* Up to 64 candidate row indices; returns one at random or SIZE_MAX. */
typedef struct {
    size_t v[64];
    int n;
} syn_dx_pick;
void syn_dx_add(syn_dx_pick *p, size_t i);
size_t syn_dx_choose(syn_dx *x, const syn_dx_pick *p);
const char *syn_dx_code(syn_dx *x, const char *s);

#endif
