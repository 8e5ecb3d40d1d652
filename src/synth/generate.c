/* cs_synth_generate: a synthetic local authority. Children are generated one
 * after another, each from its own PRNG stream (seed, child index), so the
 * output depends only on the options; defects come from a separate stream so
 * the clean history is the same whatever the defect rate. */
#include "synth/gen_internal.h"

#include <string.h>

/* LA codes accepted in UPN characters 2-4 (CIN rule 1530). */
static bool upn_la_valid(const char *s)
{
    if (!s || strlen(s) != 3 || s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' ||
        s[2] < '0' || s[2] > '9')
        return false;
    int v = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
    static const int ranges[][2] = {
        {1, 5}, {201, 213}, {301, 320}, {330, 336}, {340, 344}, {350, 359}, {370, 373},
        {380, 384}, {390, 394}, {420, 420}, {660, 681}, {701, 708}, {800, 803}, {805, 808},
        {810, 813}, {815, 816}, {820, 823}, {825, 826}, {830, 831}, {835, 841}, {845, 846},
        {850, 852}, {855, 857}, {860, 861}, {865, 896}, {908, 909}, {916, 916}, {919, 919},
        {921, 921}, {925, 926}, {928, 929}, {931, 931}, {933, 933}, {935, 938}, {940, 941},
    };
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
        if (v >= ranges[i][0] && v <= ranges[i][1])
            return true;
    return false;
}

static void child_scan_flags(syn_ctx *c, syn_child *ch, bool *looked_after, bool *all_nfa)
{
    *looked_after = ch->ever_cla;
    *all_nfa = true;
    const cs_referral *rf = CS_TABLE(c->m, referral);
    for (size_t i = ch->first[CS_E_referral]; i < CS_COUNT(c->m, referral); i++)
        if (rf[i].nfa != 1)
            *all_nfa = false;
}

static void gen_child(syn_ctx *c, uint32_t index)
{
    syn_child ch;
    memset(&ch, 0, sizeof ch);
    ch.index = index;
    syn_rng_seed(&ch.rng, c->o->seed, (uint64_t)index * 2 + 1);
    for (int e = 0; e < CS_ENTITY_COUNT; e++)
        ch.first[e] = c->m->tables[e].count;
    syn_gen_person(c, &ch);
    syn_gen_disabilities(c, &ch);
    syn_gen_episodes(c, &ch);
    bool la, nfa;
    child_scan_flags(c, &ch, &la, &nfa);
    syn_gen_upn(c, &ch, la, nfa);
    if (c->o->defect_rate > 0)
        syn_inject_defects(c, &ch);
}

cs_status cs_synth_generate(const cs_synth_opts *o, cs_model *m, cs_synth_manifest *manifest,
                            cs_diag *d)
{
    if (!o || !m || !manifest)
        return cs_diag_set(d, CS_ERR_USAGE, "", 0, 0, "synth: missing options, model or manifest");
    if (o->children == 0)
        return cs_diag_set(d, CS_ERR_USAGE, "", 0, 0, "synth: the number of children must be at least 1");
    if (!(o->defect_rate >= 0.0 && o->defect_rate <= 1.0))
        return cs_diag_set(d, CS_ERR_USAGE, "", 0, 0, "synth: defect rate must be between 0 and 1");
    int y, mo, dd;
    if (o->reference_date == CS_DATE_NONE)
        return cs_diag_set(d, CS_ERR_USAGE, "", 0, 0, "synth: a reference date is needed");
    cs_date_to_ymd(o->reference_date, &y, &mo, &dd);
    if (mo != 3 || dd != 31 || y < 2015 || y > 2040)
        return cs_diag_set(d, CS_ERR_USAGE, "", 0, 0,
                           "synth: the reference date must be 31 March of a year from 2015 to 2040");
    for (int e = 0; e < CS_ENTITY_COUNT; e++)
        if (m->tables[e].count)
            return cs_diag_set(d, CS_ERR_USAGE, "", 0, 0, "synth: the model must be empty");

    syn_ctx c;
    memset(&c, 0, sizeof c);
    c.o = o;
    c.m = m;
    c.manifest = manifest;
    c.ref = o->reference_date;
    c.year_start = cs_date_from_ymd(y - 1, 4, 1);
    c.hist_start = cs_date_from_ymd(y - 6, 4, 1);
    c.k3_allowed = y >= 2026;
    memcpy(c.upn_la, upn_la_valid(o->la_code) ? o->la_code : "318", 4);
    if (!m->source_system)
        m->source_system = "synthetic";
#define K(name, str) c.code[SC_##name] = cs_intern_str(&m->codes, str);
    SYN_CODES
#undef K
    syn_calendar_init(&c, cs_date_from_ymd(y - 30, 1, 1), cs_date_from_ymd(y + 3, 12, 31));
    syn_org_init(&c);
    for (uint32_t i = 0; i < o->children; i++)
        gen_child(&c, i);
    syn_rng r;
    syn_rng_seed(&r, o->seed, 0xAD0B7E55ull);
    syn_gen_waiting_adopters(&c, &r, o->children / 1500 + 2);
    syn_org_free(&c);
    syn_calendar_free(&c);
    return CS_OK;
}
