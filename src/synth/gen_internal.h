/* Internals of the synthetic LA generator (cs_synth_generate): the PRNG, the
 * working-day calendar, interned codes, the organisation (teams, workers,
 * placement providers, postcodes), the per-child state the stages share,
 * and the stage entry points. Not a public interface. */
#ifndef CS_SYNTH_GEN_INTERNAL_H
#define CS_SYNTH_GEN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/model.h"
#include "synth/synth.h"
#include "util/date.h"

/* ---- PRNG: xoshiro256** seeded through splitmix64, one stream per child ---- */

typedef struct {
    uint64_t s[4];
} syn_rng;

void syn_rng_seed(syn_rng *r, uint64_t seed, uint64_t stream);

static inline uint64_t syn_rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static inline uint64_t syn_next(syn_rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = syn_rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = syn_rotl(s[3], 45);
    return out;
}

/* Uniform in [0, n) (n > 0); the multiply-shift bias is far below what matters here. */
static inline uint32_t syn_below(syn_rng *r, uint32_t n)
{
    return (uint32_t)(((syn_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Uniform in [lo, hi]; lo when hi < lo. */
static inline int syn_range(syn_rng *r, int lo, int hi)
{
    return hi <= lo ? lo : lo + (int)syn_below(r, (uint32_t)(hi - lo + 1));
}

static inline double syn_unit(syn_rng *r)
{
    return (double)(syn_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

static inline bool syn_chance(syn_rng *r, double p)
{
    return syn_unit(r) < p;
}

/* Index drawn with the given integer weights (sum > 0). */
int syn_pick(syn_rng *r, const uint16_t *weights, int n);

/* ---- interned codes ---- */

#define SYN_CODES                                                                          \
    K(M, "M") K(F, "F") K(U, "U")                                                          \
    K(WBRI, "WBRI") K(WIRI, "WIRI") K(WIRT, "WIRT") K(WOTH, "WOTH") K(WROM, "WROM")        \
    K(MWBC, "MWBC") K(MWBA, "MWBA") K(MWAS, "MWAS") K(MOTH, "MOTH") K(AIND, "AIND")        \
    K(APKN, "APKN") K(ABAN, "ABAN") K(AOTH, "AOTH") K(BCRB, "BCRB") K(BAFR, "BAFR")        \
    K(BOTH, "BOTH") K(CHNE, "CHNE") K(OOTH, "OOTH") K(REFU_E, "REFU") K(NOBT, "NOBT")      \
    K(UN1, "UN1") K(UN2, "UN2") K(UN3, "UN3") K(UN5, "UN5") K(UN6, "UN6") K(UN7, "UN7")    \
    K(MOB, "MOB") K(HAND, "HAND") K(PC, "PC") K(INC, "INC") K(COMM, "COMM") K(LD, "LD")    \
    K(HEAR, "HEAR") K(VIS, "VIS") K(BEH, "BEH") K(CON, "CON") K(AUT, "AUT") K(DDA, "DDA")  \
    K(NONE, "NONE")                                                                        \
    K(S1A, "1A") K(S1B, "1B") K(S1C, "1C") K(S1D, "1D") K(S2A, "2A") K(S2B, "2B")          \
    K(S3A, "3A") K(S3B, "3B") K(S3C, "3C") K(S3D, "3D") K(S3E, "3E") K(S3F, "3F")          \
    K(S4, "4") K(S5A, "5A") K(S5B, "5B") K(S5C, "5C") K(S5D, "5D") K(S6, "6")              \
    K(S7, "7") K(S8, "8") K(S9, "9") K(S10, "10")                                          \
    K(N0, "N0") K(N1, "N1") K(N2, "N2") K(N3, "N3") K(N4, "N4") K(N5, "N5") K(N6, "N6")    \
    K(N7, "N7") K(N8, "N8") K(N9, "N9")                                                    \
    K(RC1, "RC1") K(RC2, "RC2") K(RC3, "RC3") K(RC4, "RC4") K(RC5, "RC5") K(RC6, "RC6")    \
    K(RC7, "RC7") K(RC8, "RC8") K(RC9, "RC9")                                              \
    K(F1B, "1B") K(F2B, "2B") K(F3A, "3A") K(F3B, "3B") K(F3C, "3C") K(F4A, "4A")          \
    K(F4B, "4B") K(F5B, "5B") K(F6A, "6A") K(F6B, "6B") K(F7A, "7A") K(F9A, "9A")          \
    K(F10A, "10A") K(F11A, "11A") K(F12A, "12A") K(F13A, "13A") K(F14A, "14A")             \
    K(F15A, "15A") K(F16A, "16A") K(F17A, "17A") K(F18B, "18B") K(F18C, "18C")             \
    K(F19B, "19B") K(F19C, "19C") K(F20, "20") K(F21, "21") K(F22A, "22A") K(F24A, "24A")  \
    K(F2A, "2A") K(F1A, "1A")                                                              \
    K(NEG, "NEG") K(PHY, "PHY") K(SAB, "SAB") K(EMO, "EMO") K(MUL, "MUL")                  \
    K(VCIN, "CIN") K(VCP, "CP") K(VCLA, "CLA")                                             \
    K(ALLOCATED_SW, "ALLOCATED_SW") K(PERSONAL_ADVISOR, "PERSONAL_ADVISOR") K(IRO, "IRO")  \
    K(MANAGE, "MANAGE") K(FCONTA, "FCONTA") K(LEFTRL, "LEFTRL") K(ORGRST, "ORGRST")        \
    K(TSPROC, "TSPROC") K(ABSENC, "ABSENC") K(CHCHAN, "CHCHAN") K(PCCHAN, "PCCHAN")        \
    K(OTHERS, "OTHERS")                                                                    \
    K(C1, "C1") K(C2, "C2") K(E1, "E1") K(V2, "V2") K(V3, "V3") K(V4, "V4") K(L1, "L1")    \
    K(L2, "L2")                                                                            \
    K(A5, "A5") K(A6, "A6") K(K1, "K1") K(K2, "K2") K(K3, "K3") K(P1, "P1") K(R1, "R1")    \
    K(R2, "R2") K(R3, "R3") K(PS1, "S1") K(T1, "T1") K(T2, "T2") K(T3, "T3") K(T4, "T4")   \
    K(U1, "U1") K(U2, "U2") K(U3, "U3") K(U4, "U4") K(U5, "U5") K(U6, "U6")                \
    K(PR0, "PR0") K(PR1, "PR1") K(PR2, "PR2") K(PR3, "PR3") K(PR4, "PR4") K(PR5, "PR5")    \
    K(E11, "E11") K(E12, "E12") K(E2, "E2") K(E3, "E3") K(E4A, "E4A") K(E4B, "E4B")        \
    K(E13, "E13") K(E41, "E41") K(E45, "E45") K(E46, "E46") K(E47, "E47") K(E48, "E48")    \
    K(E5, "E5") K(E6, "E6") K(E7, "E7") K(E8, "E8") K(E9, "E9") K(E15, "E15")              \
    K(E17, "E17") K(X1, "X1")                                                              \
    K(RS, "S") K(RP, "P") K(RL, "L") K(RT, "T") K(RU, "U") K(RB, "B")                      \
    K(CARPL, "CARPL") K(CLOSE, "CLOSE") K(ALLEG, "ALLEG") K(STAND, "STAND")                \
    K(APPRR, "APPRR") K(CREQB, "CREQB") K(CREQO, "CREQO") K(CHILD, "CHILD")                \
    K(LAREQ, "LAREQ") K(PLACE, "PLACE") K(OTHER, "OTHER")                                  \
    K(PN0, "PN0") K(PN1, "PN1") K(PN2, "PN2") K(PN3, "PN3") K(PN4, "PN4") K(PN5, "PN5")    \
    K(PN6, "PN6") K(PN7, "PN7")                                                            \
    K(HEALTH_ASSESSMENT, "HEALTH_ASSESSMENT") K(DENTAL, "DENTAL")                           \
    K(IMMUNISATIONS, "IMMUNISATIONS") K(DEVELOPMENT, "DEVELOPMENT")                        \
    K(SDQ1, "SDQ1") K(SDQ2, "SDQ2") K(SDQ3, "SDQ3") K(SDQ4, "SDQ4") K(SDQ5, "SDQ5")        \
    K(MISS_M, "M") K(MISS_A, "A")                                                          \
    K(RELEVANT, "RELEVANT") K(FORMER_RELEVANT, "FORMER_RELEVANT")                          \
    K(YES, "YES") K(NO, "NO") K(REFU, "REFU") K(NREQ, "NREQ") K(RHOM, "RHOM")              \
    K(AC_B, "B") K(AC_D, "D") K(AC_E, "E") K(AC_K, "K") K(AC_R, "R") K(AC_S, "S")          \
    K(AC_T, "T") K(AC_U, "U") K(AC_W, "W") K(AC_X, "X") K(AC_Z, "Z") K(ZERO, "0")          \
    K(AF1, "F1") K(AP1, "P1") K(AF2, "F2") K(AP2, "P2") K(AF4, "F4") K(AP4, "P4")          \
    K(AF5, "F5") K(AP5, "P5") K(G4, "G4") K(G5, "G5") K(G6, "G6")                          \
    K(PP_RETURN, "RETURN_HOME") K(PP_ADOPTION, "ADOPTION") K(PP_SGO, "SGO_CAO")            \
    K(PP_SUPPORTED, "SUPPORTED_LIVING") K(PP_RESID, "LONG_TERM_RESIDENTIAL")               \
    K(PP_FOSTER, "LONG_TERM_FOSTERING") K(PP_OTHER, "OTHER")                               \
    K(RD1, "RD1") K(RD2, "RD2") K(RD3, "RD3") K(RD4, "RD4")                                \
    K(ORD_ADOPTION, "ADOPTION") K(ORD_SGO, "SGO") K(ORD_CAO, "CAO")                        \
    K(M1, "M1") K(F1, "F1") K(MM, "MM") K(FF, "FF") K(MF, "MF")                            \
    K(L0, "L0") K(L11, "L11") K(L12, "L12") K(L2S, "L2") K(L3, "L3") K(L4, "L4")           \
    K(PV1, "P1") K(PV2, "P2") K(PV3, "P3") K(PV4, "P4") K(Z1, "Z1")                        \
    K(UASC, "UASC") K(LEFT1, "1") K(LEFT2, "2") K(LEFT3, "3")

typedef enum {
#define K(name, str) SC_##name,
    SYN_CODES
#undef K
    SC_COUNT
} syn_code;

/* ---- organisation ---- */

typedef enum {
    TEAM_MASH, TEAM_ASSESS_N, TEAM_ASSESS_S, TEAM_LOC_N, TEAM_LOC_S, TEAM_LOC_E,
    TEAM_DISABLED, TEAM_CIC_1, TEAM_CIC_2, TEAM_LEAVING, TEAM_ADOPTION, TEAM_IRO,
    TEAM_EH_N, TEAM_EH_S, TEAM_KINDS
} syn_team_kind;

typedef struct {
    const char *team_id;
    uint32_t first_worker;    /* index into ctx->workers */
    uint32_t nworkers;        /* case-holding workers */
} syn_team;

typedef struct {
    const char *id;
    const char *name;
    const char *team_id;
    bool agency;
} syn_worker;

typedef enum { PC_HOME, PC_NEAR, PC_REGION, PC_NATIONAL, PC_ABSENT, PC_GROUPS } syn_pc_group;

extern const char *const syn_postcodes_home[];
extern const char *const syn_postcodes_near[];
extern const char *const syn_postcodes_region[];
extern const char *const syn_postcodes_national[];
extern const char *const syn_postcodes_absent[];
extern const size_t syn_postcodes_count[PC_GROUPS];
const char *syn_postcode(syn_rng *r, syn_pc_group g);

/* An establishment or agency placements are made with. */
typedef struct {
    const char *urn;          /* NULL where none is recorded */
    const char *postcode;     /* NULL for foster agencies (carers' own addresses) */
    const char *carer_id;     /* for homes: the home is the carer */
    syn_code provider;
} syn_provider;

typedef enum {
    PV_LA_FOSTER, PV_IFA, PV_LA_HOME, PV_PRIVATE_HOME, PV_VOL_HOME, PV_SECURE,
    PV_SUPPORTED, PV_SCHOOL, PV_MBU, PV_ADOPT_LA, PV_ADOPT_VAA, PV_KINDS
} syn_provider_kind;

typedef struct {
    syn_provider *items;
    uint32_t n;
} syn_provider_pool;

/* ---- the generator context ---- */

typedef struct syn_ctx {
    const cs_synth_opts *o;
    cs_model *m;
    cs_synth_manifest *manifest;
    const char *code[SC_COUNT];

    cs_date ref;          /* 31 March of the latest collection year */
    cs_date year_start;   /* 1 April before it */
    cs_date hist_start;   /* start of the ~6 years of history */
    bool k3_allowed;      /* supported accommodation valid in the latest ruleset */
    char upn_la[4];       /* LA code for UPN characters 2-4 */

    /* working-day calendar over [cal_base, cal_base + cal_days) */
    cs_date cal_base;
    int32_t cal_days;
    int32_t *wd_count;    /* working days in [cal_base, d] */
    cs_date *wd_list;     /* k-th working day */
    int32_t n_wd;

    syn_team teams[TEAM_KINDS];
    syn_worker *workers;
    uint32_t nworkers;
    syn_provider_pool providers[PV_KINDS];

    uint64_t next_id[CS_ENTITY_COUNT];
    uint64_t next_carer, next_family;

    /* a recent clean child with a UPN, for the duplicate-UPN defect */
    size_t dup_donor_person;
    bool have_dup_donor;
} syn_ctx;

/* Per-child state the stages share. Rows are appended child by child, so
 * [first[e], model count) after the child is done holds exactly its rows. */
typedef struct {
    syn_rng rng;
    uint32_t index;
    size_t person_row;
    const char *pid;          /* the person's id string (shared by every row) */
    cs_date birth;            /* NONE for an unborn child */
    cs_date edd;
    cs_date death;            /* NONE unless the child dies */
    cs_date age18;            /* 18th birthday */
    syn_code sex;
    cs_date limit;            /* min(reference date, death) */
    bool disabled;
    bool uasc;
    bool ever_cla;
    bool only_short_breaks;
    int area;                 /* 0 north, 1 south, 2 east */
    int previous_cpp;         /* plans before the stored history */
    size_t first[CS_ENTITY_COUNT];
} syn_child;

/* ---- helpers (gen_util.c) ---- */

const char *syn_id(syn_ctx *c, cs_entity_id e);                 /* next id of an entity */
const char *syn_str(syn_ctx *c, const char *s);                 /* copy into the model arena */
const char *syn_strf(syn_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void *syn_row(syn_ctx *c, cs_entity_id e);                      /* append an absent row */
#define SYN_ROW(c, ent) ((cs_##ent *)syn_row((c), CS_E_##ent))
#define SYN_AT(c, ent, i) (&CS_TABLE((c)->m, ent)[i])

void syn_calendar_init(syn_ctx *c, cs_date from, cs_date to);
void syn_calendar_free(syn_ctx *c);
bool syn_is_wd(const syn_ctx *c, cs_date d);
cs_date syn_wd_add(const syn_ctx *c, cs_date d, int n);      /* n >= 0 working days after d */
cs_date syn_wd_sub(const syn_ctx *c, cs_date d, int n);      /* n working days before d */
int syn_wd_between(const syn_ctx *c, cs_date a, cs_date b);   /* working days in (a, b] */
cs_date syn_prev_wd(const syn_ctx *c, cs_date d);            /* latest working day <= d */
cs_date syn_next_wd(const syn_ctx *c, cs_date d);            /* earliest working day >= d */

static inline cs_date syn_min(cs_date a, cs_date b) { return a < b ? a : b; }
static inline cs_date syn_max(cs_date a, cs_date b) { return a > b ? a : b; }
static inline bool syn_in_year(const syn_ctx *c, cs_date d)
{
    return d != CS_DATE_NONE && d >= c->year_start && d <= c->ref;
}

char syn_upn_check_letter(const char *upn12);   /* for characters 2-13 */

/* ---- organisation (gen_org.c) ---- */

void syn_org_init(syn_ctx *c);
void syn_org_free(syn_ctx *c);
uint32_t syn_pick_worker(syn_ctx *c, syn_rng *r, syn_team_kind t);
const syn_provider *syn_pick_provider(syn_ctx *c, syn_rng *r, syn_provider_kind k);
const char *syn_new_carer(syn_ctx *c);

/* Allocation history of one episode of need: contiguous worker spans. */
typedef struct {
    cs_date start;
    syn_team_kind team;
    uint32_t worker;
    syn_code reason;
} syn_alloc_span;

#define SYN_MAX_ALLOC 48
typedef struct {
    syn_alloc_span s[SYN_MAX_ALLOC];
    int n;
    cs_date end;              /* NONE while open */
} syn_alloc;

void syn_alloc_reset(syn_alloc *a);
/* Hand the case to team t from date d (a transfer, or the first allocation). */
void syn_alloc_to(syn_ctx *c, syn_child *ch, syn_alloc *a, cs_date d, syn_team_kind t);
/* Fill in changes of worker inside each span, then write involvement rows. */
void syn_alloc_finish(syn_ctx *c, syn_child *ch, syn_alloc *a, cs_date end,
                      const char *referral_id);
const syn_alloc_span *syn_alloc_at(const syn_alloc *a, cs_date d);
const char *syn_worker_id(const syn_ctx *c, uint32_t w);
const char *syn_team_id(const syn_ctx *c, syn_team_kind t);

/* ---- stages ---- */

void syn_gen_person(syn_ctx *c, syn_child *ch);                  /* gen_person.c */
void syn_gen_contacts_only(syn_ctx *c, syn_child *ch, cs_date from, cs_date to, int n);
void syn_gen_early_help(syn_ctx *c, syn_child *ch, cs_date start, bool after_closure);
void syn_gen_disabilities(syn_ctx *c, syn_child *ch);
void syn_gen_upn(syn_ctx *c, syn_child *ch, bool looked_after, bool all_nfa);

void syn_gen_episodes(syn_ctx *c, syn_child *ch);                /* gen_cin.c */

/* A period of care, planned first (dates, placements, legal statuses) so
 * the case's allocation history can follow it, then emitted. */
typedef enum { CLA_PROCEEDINGS, CLA_S20, CLA_UASC } syn_cla_route;

#define SYN_MAX_PL 24
#define SYN_MAX_LS 8
#define SYN_NONE SC_COUNT    /* "no code" in plans */

typedef struct {
    cs_date start, end;       /* end NONE = open */
    syn_code type;
    syn_code provider;        /* SYN_NONE for none */
    const char *urn, *postcode, *carer;
    syn_code change_reason;   /* SYN_NONE for none */
} syn_pl;

typedef struct {
    cs_date start, end;
    syn_code ls;
} syn_ls;

typedef struct {
    syn_cla_route route;
    cs_date start, end;       /* end NONE = open at the reference date */
    syn_code reason, need, perm_plan;
    cs_date cic_transfer;     /* handed to a children in care team (NONE = not) */
    int npl, nls;
    syn_pl pl[SYN_MAX_PL];
    syn_ls ls[SYN_MAX_LS];
    /* adoption journey (NONE where not reached) */
    cs_date adm, po, matched, placed, ffa, reversed;
    syn_code rd;
    bool adoption, adopted_by_carer;
    syn_code order_type;      /* SYN_NONE, ORD_ADOPTION, ORD_SGO, ORD_CAO */
} syn_cla_plan;

void syn_plan_cla(syn_ctx *c, syn_child *ch, syn_cla_plan *p, cs_date start,
                  syn_cla_route route, syn_code need);                    /* gen_cla.c */
void syn_emit_cla(syn_ctx *c, syn_child *ch, const syn_cla_plan *p, const syn_alloc *a,
                  const char *referral_id);
void syn_gen_short_breaks(syn_ctx *c, syn_child *ch, cs_date from, cs_date to);

void syn_gen_care_leaver(syn_ctx *c, syn_child *ch, cs_date start, cs_date left,
                         syn_code reason);                        /* gen_after.c */
void syn_gen_prev_permanence(syn_ctx *c, syn_child *ch, cs_date first_care);
void syn_gen_yearly_cla(syn_ctx *c, syn_child *ch, cs_date start, cs_date end);
void syn_gen_adopters(syn_ctx *c, syn_rng *r, const char *family, int adopters, syn_code sexes,
                      cs_date matched, cs_date placed, cs_date order, bool ffa);
void syn_gen_waiting_adopters(syn_ctx *c, syn_rng *r, uint32_t families);

void syn_inject_defects(syn_ctx *c, syn_child *ch);              /* gen_defects.c */

#endif
