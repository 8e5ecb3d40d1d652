/* The synthetic LA's organisation: a team tree, staff (names from small
 * lists, Social Work England style registration numbers, some agency), the
 * establishments and agencies children are placed with, and the allocation
 * history (who held the case when) written as involvement rows. */
#include "synth/gen_internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *name;
    int parent;            /* index into this table, -1 = root */
    int kind;              /* syn_team_kind, or -1 for a parent-only team */
    uint16_t per_10k;      /* case-holding workers per 10,000 children in the history */
    const char *role;
    bool social_workers;
} team_def;

/* Sizes give caseloads of about 15-25 open children (checked by the unit test). */
static const team_def team_defs[] = {
    {"Children's Services", -1, -1, 0, NULL, false},
    {"Front Door", 0, -1, 0, NULL, false},
    {"Multi-Agency Safeguarding Hub", 1, TEAM_MASH, 3, "Social Worker", true},
    {"Assessment Team North", 1, TEAM_ASSESS_N, 5, "Social Worker", true},
    {"Assessment Team South", 1, TEAM_ASSESS_S, 3, "Social Worker", true},
    {"Family Safeguarding", 0, -1, 0, NULL, false},
    {"Family Support and Protection North", 5, TEAM_LOC_N, 12, "Social Worker", true},
    {"Family Support and Protection South", 5, TEAM_LOC_S, 12, "Social Worker", true},
    {"Family Support and Protection East", 5, TEAM_LOC_E, 12, "Social Worker", true},
    {"Disabled Children's Team", 5, TEAM_DISABLED, 2, "Social Worker", true},
    {"Corporate Parenting", 0, -1, 0, NULL, false},
    {"Children in Care Team 1", 10, TEAM_CIC_1, 12, "Social Worker", true},
    {"Children in Care Team 2", 10, TEAM_CIC_2, 6, "Social Worker", true},
    {"Leaving Care Team", 10, TEAM_LEAVING, 3, "Personal Adviser", false},
    {"Adoption and Permanence Team", 10, TEAM_ADOPTION, 1, "Social Worker", true},
    {"Quality Assurance", 0, -1, 0, NULL, false},
    {"Independent Reviewing Officers", 15, TEAM_IRO, 6, "Independent Reviewing Officer", true},
    {"Early Help", 0, -1, 0, NULL, false},
    {"Early Help Locality North", 17, TEAM_EH_N, 3, "Early Help Practitioner", false},
    {"Early Help Locality South", 17, TEAM_EH_S, 3, "Early Help Practitioner", false},
};
#define N_TEAM_DEFS (sizeof team_defs / sizeof team_defs[0])

static const char *const first_names[] = {
    "Amina", "Ben", "Chloe", "Daniel", "Ella", "Farah", "George", "Hannah", "Imran", "Jade",
    "Kwame", "Laura", "Mohammed", "Nadia", "Oliver", "Priya", "Rachel", "Samuel", "Tariq",
    "Uma", "Victoria", "William", "Yasmin", "Zoe", "Aisha", "Callum", "Deborah", "Emeka",
    "Fiona", "Gareth", "Helen", "Joseph", "Karen", "Liam", "Maria", "Niamh", "Owen",
    "Sophie", "Tom", "Rebecca",
};
static const char *const surnames[] = {
    "Adams", "Begum", "Clarke", "Davies", "Evans", "Fernandes", "Green", "Hussain", "Iqbal",
    "Jones", "Khan", "Lewis", "Mensah", "Nowak", "Okafor", "Patel", "Quinn", "Roberts",
    "Smith", "Taylor", "Umar", "Vaughan", "Walker", "Young", "Ahmed", "Brown", "Campbell",
    "Edwards", "Hughes", "Kaur", "Morris", "O'Brien", "Phillips", "Shah", "Thompson",
    "Williams", "Wilson", "Wright", "Baker", "Cooper",
};
#define NFIRST (sizeof first_names / sizeof first_names[0])
#define NSUR (sizeof surnames / sizeof surnames[0])

static void add_pool(syn_ctx *c, syn_rng *r, syn_provider_kind k, uint32_t n, syn_code prov,
                     syn_code prov_alt, syn_pc_group g, bool has_postcode, uint32_t *urn_seq)
{
    syn_provider_pool *p = &c->providers[k];
    p->items = cs_xcalloc(n, sizeof *p->items);
    p->n = n;
    for (uint32_t i = 0; i < n; i++) {
        syn_provider *x = &p->items[i];
        *urn_seq += 1 + syn_below(r, 97);
        x->urn = syn_strf(c, "%07u", *urn_seq);
        x->provider = (i % 5 == 4) ? prov_alt : prov;
        if (has_postcode) {
            syn_pc_group gg = g;
            if (g == PC_REGION)
                gg = (syn_pc_group)(PC_NEAR + syn_below(r, 3)); /* near, region, national */
            x->postcode = syn_postcode(r, gg);
            x->carer_id = syn_strf(c, "EST%07u", *urn_seq);
        }
    }
}

void syn_org_init(syn_ctx *c)
{
    syn_rng r;
    syn_rng_seed(&r, c->o->seed, 0xA11CA7ull);
    const char *team_ids[N_TEAM_DEFS];
    uint32_t total = 0;
    uint32_t sizes[N_TEAM_DEFS];
    for (size_t i = 0; i < N_TEAM_DEFS; i++) {
        const team_def *t = &team_defs[i];
        sizes[i] = 0;
        if (t->kind >= 0) {
            uint64_t n = ((uint64_t)c->o->children * t->per_10k + 5000) / 10000;
            sizes[i] = (uint32_t)(n < 2 ? 2 : n);
            total += sizes[i] + 1; /* plus a team manager */
        }
    }
    c->workers = cs_xcalloc(total ? total : 1, sizeof *c->workers);
    for (size_t i = 0; i < N_TEAM_DEFS; i++) {
        const team_def *t = &team_defs[i];
        cs_team *row = SYN_ROW(c, team);
        team_ids[i] = row->id;
        row->name = t->name;
        row->parent_id = t->parent >= 0 ? team_ids[t->parent] : NULL;
        if (t->kind < 0)
            continue;
        syn_team *st = &c->teams[t->kind];
        st->team_id = row->id;
        /* the manager first (not case-holding), then practitioners */
        for (uint32_t w = 0; w <= sizes[i]; w++) {
            uint32_t wi = c->nworkers++;
            if (w == 1)
                st->first_worker = wi;
            cs_worker *wr = SYN_ROW(c, worker);
            syn_worker *sw = &c->workers[wi];
            sw->id = wr->id;
            sw->team_id = row->id;
            sw->name = syn_strf(c, "%s %s", first_names[syn_below(&r, NFIRST)],
                                surnames[syn_below(&r, NSUR)]);
            sw->agency = w > 0 && t->social_workers && syn_chance(&r, 0.16);
            wr->name = sw->name;
            wr->team_id = row->id;
            wr->role = w == 0 ? "Team Manager" : t->role;
            wr->agency = sw->agency;
            if (t->social_workers || w == 0)
                wr->registration_no = syn_strf(c, "SW%06u", 100000u + (wi * 7919u) % 900000u);
        }
        st->nworkers = sizes[i];
    }
    uint32_t urn = 2000000u + syn_below(&r, 100000);
    add_pool(c, &r, PV_LA_FOSTER, 1, SC_PR1, SC_PR1, PC_HOME, false, &urn);
    add_pool(c, &r, PV_IFA, 12, SC_PR4, SC_PR5, PC_NEAR, false, &urn);
    add_pool(c, &r, PV_LA_HOME, 4, SC_PR1, SC_PR1, PC_HOME, true, &urn);
    add_pool(c, &r, PV_PRIVATE_HOME, 40, SC_PR4, SC_PR4, PC_REGION, true, &urn);
    add_pool(c, &r, PV_VOL_HOME, 6, SC_PR5, SC_PR5, PC_NEAR, true, &urn);
    add_pool(c, &r, PV_SECURE, 3, SC_PR2, SC_PR4, PC_REGION, true, &urn);
    add_pool(c, &r, PV_SUPPORTED, 10, SC_PR4, SC_PR5, PC_NEAR, true, &urn);
    add_pool(c, &r, PV_SCHOOL, 6, SC_PR4, SC_PR5, PC_REGION, true, &urn);
    add_pool(c, &r, PV_MBU, 4, SC_PR4, SC_PR5, PC_NEAR, true, &urn);
    add_pool(c, &r, PV_ADOPT_LA, 1, SC_PR1, SC_PR1, PC_HOME, false, &urn);
    add_pool(c, &r, PV_ADOPT_VAA, 4, SC_PR5, SC_PR5, PC_NEAR, false, &urn);
}

void syn_org_free(syn_ctx *c)
{
    free(c->workers);
    c->workers = NULL;
    for (int k = 0; k < PV_KINDS; k++) {
        free(c->providers[k].items);
        c->providers[k].items = NULL;
    }
}

uint32_t syn_pick_worker(syn_ctx *c, syn_rng *r, syn_team_kind t)
{
    const syn_team *st = &c->teams[t];
    return st->first_worker + syn_below(r, st->nworkers);
}

const syn_provider *syn_pick_provider(syn_ctx *c, syn_rng *r, syn_provider_kind k)
{
    const syn_provider_pool *p = &c->providers[k];
    return &p->items[syn_below(r, p->n)];
}

const char *syn_new_carer(syn_ctx *c)
{
    return syn_strf(c, "FC%06llu", (unsigned long long)++c->next_carer);
}

const char *syn_worker_id(const syn_ctx *c, uint32_t w)
{
    return c->workers[w].id;
}

const char *syn_team_id(const syn_ctx *c, syn_team_kind t)
{
    return c->teams[t].team_id;
}

/* ---- allocation history ---- */

void syn_alloc_reset(syn_alloc *a)
{
    a->n = 0;
    a->end = CS_DATE_NONE;
}

void syn_alloc_to(syn_ctx *c, syn_child *ch, syn_alloc *a, cs_date d, syn_team_kind t)
{
    if (a->n > 0 && a->s[a->n - 1].start >= d) {
        /* handed on the same day: the later team holds it */
        syn_alloc_span *s = &a->s[a->n - 1];
        if (s->team != t) {
            s->team = t;
            s->worker = syn_pick_worker(c, &ch->rng, t);
        }
        return;
    }
    if (a->n > 0 && a->s[a->n - 1].team == t)
        return;
    if (a->n == SYN_MAX_ALLOC)
        return;
    syn_alloc_span *s = &a->s[a->n++];
    s->start = d;
    s->team = t;
    s->worker = syn_pick_worker(c, &ch->rng, t);
    s->reason = a->n == 1 ? SC_FCONTA : SC_TSPROC;
}

const syn_alloc_span *syn_alloc_at(const syn_alloc *a, cs_date d)
{
    if (a->n == 0)
        return NULL;
    const syn_alloc_span *best = &a->s[0];
    for (int i = 1; i < a->n && a->s[i].start <= d; i++)
        best = &a->s[i];
    return best;
}

static const uint16_t change_w[] = {15, 30, 10, 10, 3, 5, 17}; /* reasons below */
static const syn_code change_codes[] = {SC_MANAGE, SC_LEFTRL, SC_ORGRST, SC_ABSENC,
                                         SC_CHCHAN, SC_PCCHAN, SC_OTHERS};

void syn_alloc_finish(syn_ctx *c, syn_child *ch, syn_alloc *a, cs_date end,
                      const char *referral_id)
{
    a->end = end;
    syn_alloc_span out[SYN_MAX_ALLOC];
    int n = 0;
    cs_date horizon = end != CS_DATE_NONE ? end : c->ref;
    for (int i = 0; i < a->n && n < SYN_MAX_ALLOC; i++) {
        out[n++] = a->s[i];
        cs_date next = i + 1 < a->n ? a->s[i + 1].start : horizon;
        cs_date t = a->s[i].start + syn_range(&ch->rng, 100, 420);
        while (t < next - 7 && n < SYN_MAX_ALLOC - (a->n - i)) {
            syn_alloc_span sp = out[n - 1];
            uint32_t w = syn_pick_worker(c, &ch->rng, sp.team);
            if (w != sp.worker) {
                sp.start = t;
                sp.worker = w;
                sp.reason = change_codes[syn_pick(&ch->rng, change_w, 7)];
                out[n++] = sp;
            }
            t += syn_range(&ch->rng, 100, 420);
        }
    }
    memcpy(a->s, out, (size_t)n * sizeof *out);
    a->n = n;
    for (int i = 0; i < n; i++) {
        cs_involvement *v = SYN_ROW(c, involvement);
        v->person_id = ch->pid;
        v->worker_id = syn_worker_id(c, a->s[i].worker);
        v->team_id = syn_team_id(c, a->s[i].team);
        v->role = c->code[SC_ALLOCATED_SW];
        v->start_date = a->s[i].start;
        v->end_date = i + 1 < n ? a->s[i + 1].start : end;
        v->change_reason = c->code[a->s[i].reason];
        v->referral_id = referral_id;
    }
}
