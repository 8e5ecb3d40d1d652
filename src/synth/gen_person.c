/* People: the child's identity and characteristics (age spread, sex,
 * ethnicity mix plausible for England, UPN with a correct check letter or a
 * reason it is unknown, disabilities, home postcode), plus the front-door
 * contacts and early help episodes that never became referrals. */
#include "synth/gen_internal.h"

#include <string.h>

/* Age at the reference date, 0-17; weighted towards teenagers like CIN. */
static const uint16_t age_w[18] = {6, 5, 5, 5, 5, 5, 5, 5, 5, 5, 6, 6, 6, 7, 7, 7, 6, 5};

static const uint16_t eth_w[20] = {600, 4, 3, 60, 6, 25, 10, 13, 30, 13,
                                   30, 12, 20, 13, 40, 12, 3, 30, 5, 25};
static const syn_code eth_codes[20] = {
    SC_WBRI, SC_WIRI, SC_WIRT, SC_WOTH, SC_WROM, SC_MWBC, SC_MWBA, SC_MWAS, SC_MOTH, SC_AIND,
    SC_APKN, SC_ABAN, SC_AOTH, SC_BCRB, SC_BAFR, SC_BOTH, SC_CHNE, SC_OOTH, SC_REFU_E, SC_NOBT,
};

static const syn_code dis_codes[12] = {SC_MOB, SC_HAND, SC_PC, SC_INC, SC_COMM, SC_LD,
                                       SC_HEAR, SC_VIS, SC_BEH, SC_CON, SC_AUT, SC_DDA};
static const uint16_t dis_w[12] = {8, 3, 4, 2, 12, 20, 5, 4, 14, 2, 22, 6};

/* CIN referral sources, roughly as England's referrals are spread. */
const syn_code syn_source_codes[22] = {
    SC_S1A, SC_S1B, SC_S1C, SC_S1D, SC_S2A, SC_S2B, SC_S3A, SC_S3B, SC_S3C, SC_S3D, SC_S3E,
    SC_S3F, SC_S4, SC_S5A, SC_S5B, SC_S5C, SC_S5D, SC_S6, SC_S7, SC_S8, SC_S9, SC_S10,
};
const uint16_t syn_source_w[22] = {4, 1, 1, 1, 18, 2, 2, 3, 1, 2, 3,
                                   3, 2, 3, 4, 3, 3, 29, 3, 4, 1, 1};

static const char *const uasc_nationalities[] = {"Afghan", "Eritrean", "Sudanese", "Iranian",
                                                 "Vietnamese", "Albanian", "Syrian", "Iraqi"};
static const char *const other_nationalities[] = {"Polish", "Romanian", "Irish", "Nigerian",
                                                  "Pakistani", "Indian", "Portuguese"};

void syn_gen_person(syn_ctx *c, syn_child *ch)
{
    syn_rng *r = &ch->rng;
    ch->person_row = CS_COUNT(c->m, person);
    cs_person *p = SYN_ROW(c, person);
    ch->pid = p->id;
    ch->birth = ch->edd = ch->death = CS_DATE_NONE;
    ch->area = (int)syn_below(r, 3);
    double roll = syn_unit(r);
    if (roll < 0.006) {
        ch->edd = c->ref + syn_range(r, 10, 240);
        ch->sex = SC_U;
    } else {
        int age;
        int extra;
        if (roll < 0.13) {
            age = syn_range(r, 18, 22); /* aged out during the history */
        } else {
            age = syn_pick(r, age_w, 18);
        }
        extra = syn_range(r, 0, 364);
        cs_date b = cs_date_add_years(c->ref, -age) - extra;
        int y, mo, d;
        cs_date_to_ymd(b, &y, &mo, &d);
        if (mo == 2 && d == 29)
            b--;
        ch->birth = b;
        double s = syn_unit(r);
        ch->sex = s < 0.51 ? SC_M : s < 0.996 ? SC_F : SC_U;
    }
    ch->age18 = ch->birth != CS_DATE_NONE ? cs_date_add_years(ch->birth, 18) : CS_DATE_NONE;
    if (ch->birth != CS_DATE_NONE) {
        int age_ref = cs_age_years(ch->birth, c->ref);
        ch->uasc = age_ref >= 15 && age_ref <= 20 && ch->sex == SC_M && syn_chance(r, 0.05);
        ch->disabled = !ch->uasc && syn_chance(r, 0.08);
        if (!ch->uasc && syn_chance(r, 0.0025)) {
            cs_date from = syn_max(c->hist_start + 200, ch->birth + 30);
            if (from < c->ref)
                ch->death = syn_range(r, from, c->ref);
        }
    }
    ch->limit = ch->death != CS_DATE_NONE ? ch->death : c->ref;

    p->birth_date = ch->birth;
    p->expected_birth_date = ch->edd;
    p->death_date = ch->death;
    p->sex = c->code[ch->sex];
    p->gender = p->sex;
    if (ch->uasc) {
        static const uint16_t w[4] = {45, 35, 10, 10};
        static const syn_code e[4] = {SC_AOTH, SC_BAFR, SC_OOTH, SC_WOTH};
        p->ethnicity = c->code[e[syn_pick(r, w, 4)]];
        p->nationality = uasc_nationalities[syn_below(r, 8)];
    } else {
        p->ethnicity = c->code[eth_codes[syn_pick(r, eth_w, 20)]];
        p->nationality = syn_chance(r, 0.9) ? "British" : other_nationalities[syn_below(r, 7)];
        p->postcode = syn_postcode(r, syn_chance(r, 0.97) ? PC_HOME : PC_NEAR);
    }
    if (syn_chance(r, 0.35))
        p->legacy_id = syn_strf(c, "L%08u", 10000000u + ch->index * 3u);
}

void syn_gen_disabilities(syn_ctx *c, syn_child *ch)
{
    if (!ch->disabled)
        return;
    int first = syn_pick(&ch->rng, dis_w, 12);
    int n = syn_chance(&ch->rng, 0.4) ? 2 : 1;
    for (int i = 0; i < n; i++) {
        int k = first;
        if (i == 1) {
            k = syn_pick(&ch->rng, dis_w, 12);
            if (k == first)
                k = (first + 1 + (int)syn_below(&ch->rng, 11)) % 12;
        }
        cs_disability *d = SYN_ROW(c, disability);
        d->person_id = ch->pid;
        d->code = c->code[dis_codes[k]];
    }
}

/* Characters 2-13 of a UPN unique to the child: LA, then seven digits from a
 * bijection of the child's index, with the two-digit year of school entry. */
static void upn_body(const syn_ctx *c, const syn_child *ch, const char *la, uint32_t salt,
                     char out[13])
{
    uint64_t k = ((uint64_t)ch->index + salt) % 10000000ull;
    uint64_t v = (k * 7654321ull + c->o->seed % 10000000ull) % 10000000ull;
    int by = 2000, bm, bd;
    if (ch->birth != CS_DATE_NONE)
        cs_date_to_ymd(ch->birth, &by, &bm, &bd);
    int entry = (by + 5) % 100;
    memcpy(out, la, 3);
    char digits[8];
    for (int i = 6; i >= 0; i--) {
        digits[i] = (char)('0' + v % 10);
        v /= 10;
    }
    memcpy(out + 3, digits, 4);          /* establishment-like */
    out[7] = (char)('0' + entry / 10);
    out[8] = (char)('0' + entry % 10);
    memcpy(out + 9, digits + 4, 3);      /* serial */
    out[12] = '\0';
}

static const char *const neighbour_las[] = {"314", "319", "315", "936", "312", "318"};

void syn_gen_upn(syn_ctx *c, syn_child *ch, bool looked_after, bool all_nfa)
{
    cs_person *p = SYN_AT(c, person, ch->person_row);
    syn_rng *r = &ch->rng;
    if (ch->birth == CS_DATE_NONE) {
        p->upn_unknown = c->code[SC_UN1];
        return;
    }
    int ry, rm, rd;
    cs_date_to_ymd(c->ref, &ry, &rm, &rd);
    cs_date cutoff = cs_date_from_ymd(ry - 6, 8, 31);
    bool school_age = ch->birth <= cutoff;
    bool give = school_age ? syn_chance(r, ch->uasc ? 0.3 : 0.93)
                           : (cs_age_years(ch->birth, c->ref) >= 3 && syn_chance(r, 0.3));
    if (give) {
        const char *la = syn_chance(r, 0.85) ? c->upn_la : neighbour_las[syn_below(r, 6)];
        char body[13];
        upn_body(c, ch, la, 0, body);
        char upn[14];
        upn[0] = syn_upn_check_letter(body);
        memcpy(upn + 1, body, 13);
        p->upn = syn_str(c, upn);
        if (syn_chance(r, 0.005)) {
            upn_body(c, ch, la, 5000000u, body);
            upn[0] = syn_upn_check_letter(body);
            memcpy(upn + 1, body, 13);
            p->former_upn = syn_str(c, upn);
        }
        return;
    }
    if (!school_age) {
        p->upn_unknown = c->code[SC_UN1];
    } else if (ch->uasc) {
        p->upn_unknown = c->code[SC_UN2];
    } else if (all_nfa && syn_chance(r, 0.5)) {
        p->upn_unknown = c->code[SC_UN7];
    } else {
        static const syn_code codes[4] = {SC_UN2, SC_UN3, SC_UN5, SC_UN6};
        p->upn_unknown = c->code[codes[syn_below(r, looked_after ? 3 : 4)]];
    }
}

static const char *const contact_outcomes[] = {
    "No further action", "Information and advice", "Referred to early help",
    "Signposted to universal services",
};

extern const syn_code syn_source_codes[22];
extern const uint16_t syn_source_w[22];

void syn_gen_contacts_only(syn_ctx *c, syn_child *ch, cs_date from, cs_date to, int n)
{
    if (to < from)
        return;
    for (int i = 0; i < n; i++) {
        cs_contact *k = SYN_ROW(c, contact);
        k->person_id = ch->pid;
        k->contact_date = syn_range(&ch->rng, from, to);
        k->source = c->code[syn_source_codes[syn_pick(&ch->rng, syn_source_w, 22)]];
        k->outcome = contact_outcomes[syn_below(&ch->rng, 4)];
    }
}

static const char *const eh_reasons[] = {
    "Parenting support", "School attendance", "Emotional wellbeing", "Domestic abuse",
    "Housing and financial difficulty", "Behaviour",
};
static const char *const eh_end_reasons[] = {
    "Needs met", "Needs met", "Family disengaged", "Stepped up to children's social care",
    "Moved out of area",
};
static const char *const eh_orgs[] = {
    "Early Help Locality", "School", "Children's Centre", "Health Visiting",
};

void syn_gen_early_help(syn_ctx *c, syn_child *ch, cs_date start, bool after_closure)
{
    if (start > ch->limit)
        return;
    syn_rng *r = &ch->rng;
    cs_early_help *e = SYN_ROW(c, early_help);
    e->person_id = ch->pid;
    e->start_date = start;
    cs_date end = start + syn_range(r, 45, 270);
    if (ch->age18 != CS_DATE_NONE && end > ch->age18)
        end = ch->age18;
    e->end_date = end <= ch->limit ? end : CS_DATE_NONE;
    e->reason = eh_reasons[syn_below(r, 6)];
    if (e->end_date != CS_DATE_NONE)
        e->end_reason = after_closure ? eh_end_reasons[syn_below(r, 3)]
                                      : eh_end_reasons[syn_below(r, 5)];
    int org = (int)syn_below(r, 4);
    if (after_closure)
        org = 0;
    if (org == 0) {
        syn_team_kind t = ch->area == 1 ? TEAM_EH_S : TEAM_EH_N;
        e->organisation = t == TEAM_EH_S ? "Early Help Locality South" : "Early Help Locality North";
        e->worker_id = syn_worker_id(c, syn_pick_worker(c, r, t));
    } else {
        e->organisation = eh_orgs[org];
    }
}
