/* Defect injection: with probability defect_rate a child gets one or two
 * defects from the catalogue, each chosen only where it is caught by exactly
 * the rule codes recorded in the manifest for the return of the latest
 * collection year (the year ending on the reference date). Defects use their
 * own PRNG stream, so the clean history is identical at every rate. */
#include "synth/gen_defects.h"

#include <string.h>

void syn_dx_note(syn_dx *x, const char *kind, const char *entity, const char *record_id,
                 const char *field, const char *rules, const char *detail)
{
    cs_synth_manifest_add(x->c->manifest, kind, entity, record_id, syn_dx_person(x)->id, field,
                          rules, detail);
    x->applied++;
}

cs_person *syn_dx_person(syn_dx *x)
{
    return SYN_AT(x->c, person, x->ch->person_row);
}

cs_referral *syn_dx_referral(syn_dx *x, const char *id)
{
    DX_FOR(x, referral, i)
    {
        cs_referral *rf = DX_ROW(x, referral, i);
        if (rf->id == id)
            return rf;
    }
    return NULL;
}

bool syn_dx_ref_in_scope(const syn_dx *x, const cs_referral *rf)
{
    return rf->referral_date <= x->c->ref &&
           (rf->closure_date == CS_DATE_NONE || rf->closure_date >= x->c->year_start);
}

bool syn_dx_open_in_year(const syn_dx *x, cs_date start, cs_date end)
{
    return start != CS_DATE_NONE && start <= x->c->ref &&
           (end == CS_DATE_NONE || end >= x->c->year_start);
}

void syn_dx_add(syn_dx_pick *p, size_t i)
{
    if (p->n < 64)
        p->v[p->n++] = i;
}

size_t syn_dx_choose(syn_dx *x, const syn_dx_pick *p)
{
    return p->n ? p->v[syn_below(x->r, (uint32_t)p->n)] : SIZE_MAX;
}

const char *syn_dx_code(syn_dx *x, const char *s)
{
    return cs_intern_str(&x->c->m->codes, s);
}

static void scope(syn_dx *x)
{
    syn_ctx *c = x->c;
    x->in_cin = x->in_903 = false;
    DX_FOR(x, referral, i)
    if (syn_dx_ref_in_scope(x, DX_ROW(x, referral, i)))
        x->in_cin = true;
    DX_FOR(x, cla_period, i)
    {
        const cs_cla_period *p = DX_ROW(x, cla_period, i);
        if (p->start_date <= c->ref && (p->end_date == CS_DATE_NONE || p->end_date >= c->year_start))
            x->in_903 = true;
    }
    DX_FOR(x, care_leaver, i)
    if (syn_in_year(c, DX_ROW(x, care_leaver, i)->latest_contact_date))
        x->in_903 = true;
}

static bool try_cin(syn_dx *x)
{
    size_t n1 = syn_n_cin_defects, n = n1 + syn_n_cin_plan_defects;
    for (int tries = 0; tries < 16; tries++) {
        size_t k = syn_below(x->r, (uint32_t)n);
        if (k < n1 ? syn_cin_defects[k].fn(x) : syn_cin_plan_defects[k - n1].fn(x))
            return true;
    }
    return false;
}

static bool try_903(syn_dx *x)
{
    for (int tries = 0; tries < 16; tries++)
        if (syn_903_defects[syn_below(x->r, (uint32_t)syn_n_903_defects)].fn(x))
            return true;
    return false;
}

void syn_inject_defects(syn_ctx *c, syn_child *ch)
{
    syn_rng r;
    syn_rng_seed(&r, c->o->seed ^ 0x5EEDDEFEC7ull, (uint64_t)ch->index * 2 + 2);
    syn_dx x = {.c = c, .ch = ch, .r = &r};
    scope(&x);
    bool hit = syn_chance(&r, c->o->defect_rate);
    bool applied = false;
    if (hit && (x.in_cin || x.in_903)) {
        /* first defect from either return; a second only from the other one,
         * so two defects never meet in one rule */
        bool cin_first = x.in_cin && (!x.in_903 || syn_chance(&r, 0.6));
        applied = cin_first ? try_cin(&x) : try_903(&x);
        if (applied && x.in_cin && x.in_903 && syn_chance(&r, 0.3)) {
            if (cin_first)
                try_903(&x);
            else
                try_cin(&x);
        }
    }
    /* a clean child with a UPN, in the CIN census only, can lend its UPN */
    const cs_person *p = SYN_AT(c, person, ch->person_row);
    if (!applied && x.in_cin && !x.in_903 && p->upn) {
        c->dup_donor_person = ch->person_row;
        c->have_dup_donor = true;
    }
}
