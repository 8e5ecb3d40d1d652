/* SSDA903: the dataset schema (groups and fields in the CSV tables' column
 * order), the CSV table list, collection years and the year's code lists. */
#include <stdio.h>
#include <string.h>

#include "returns/ssda903/ssda903.h"

/* ---- fields ----------------------------------------------------------- */

static const cs_ds_field child_fields[CS_903_C_NFIELDS] = {
    [CS_903_C_CHILD] = {"CHILD", CS_DT_STR, "The LA's identifier for the child (XML CHILDID)"},
};

static const cs_ds_field header_fields[CS_903_H_NFIELDS] = {
    [CS_903_H_CHILD] = {"CHILD", CS_DT_STR, "Child identifier"},
    [CS_903_H_SEX] = {"SEX", CS_DT_CODE, "Sex: M, F, U from 2024-25; 1 male, 2 female before"},
    [CS_903_H_DOB] = {"DOB", CS_DT_DATE, "Date of birth"},
    [CS_903_H_ETHNIC] = {"ETHNIC", CS_DT_CODE, "Ethnicity (WBRI ... NOBT)"},
    [CS_903_H_UPN] = {"UPN", CS_DT_STR, "Unique Pupil Number, or UN1-UN5 when not known"},
    [CS_903_H_MOTHER] = {"MOTHER", CS_DT_CODE, "1 when the child is a mother, 0 when not; blank for males"},
    [CS_903_H_MC_DOB] = {"MC_DOB", CS_DT_DATE, "Date of birth of the mother's (first) child"},
    [CS_903_H_UASC] = {"UASC", CS_DT_CODE, "1 when the child is or was an unaccompanied asylum-seeking child (XML item; derived from the UASC table for CSV input)"},
};

static const cs_ds_field episode_fields[CS_903_E_NFIELDS] = {
    [CS_903_E_CHILD] = {"CHILD", CS_DT_STR, "Child identifier"},
    [CS_903_E_DECOM] = {"DECOM", CS_DT_DATE, "Date the episode commenced"},
    [CS_903_E_RNE] = {"RNE", CS_DT_CODE, "Reason for new episode (S, L, P, T, U, B)"},
    [CS_903_E_LS] = {"LS", CS_DT_CODE, "Legal status (C1, C2, E1, V2, V3, V4, L1-L3, J1-J3 ...)"},
    [CS_903_E_CIN] = {"CIN", CS_DT_CODE, "Category of need (N1-N8)"},
    [CS_903_E_PLACE] = {"PLACE", CS_DT_CODE, "Placement type (XML PL)"},
    [CS_903_E_PLACE_PROVIDER] = {"PLACE_PROVIDER", CS_DT_CODE, "Placement provider (PR0-PR5)"},
    [CS_903_E_DEC] = {"DEC", CS_DT_DATE, "Date the episode ceased; blank when open at 31 March"},
    [CS_903_E_REC] = {"REC", CS_DT_CODE, "Reason the episode ceased (X1 continuing care, E11 ...)"},
    [CS_903_E_REASON_PLACE_CHANGE] = {"REASON_PLACE_CHANGE", CS_DT_CODE, "Reason for the placement change, on the episode that ends with a move"},
    [CS_903_E_HOME_POST] = {"HOME_POST", CS_DT_STR, "Postcode of the child's home before care"},
    [CS_903_E_PL_POST] = {"PL_POST", CS_DT_STR, "Postcode of the placement"},
    [CS_903_E_URN] = {"URN", CS_DT_STR, "Ofsted unique reference number of the provider, XXXXXXX when not known"},
    [CS_903_E_PL_LA] = {"PL_LA", CS_DT_CODE, "Derived: upper-tier LA of PL_POST (ONS code, or WAL, SCO, NIR)"},
    [CS_903_E_PL_LOCATION] = {"PL_LOCATION", CS_DT_CODE, "Derived: IN when PL_LA is the submitting LA, else OUT"},
    [CS_903_E_PL_DISTANCE] = {"PL_DISTANCE", CS_DT_STR, "Derived: miles between HOME_POST and PL_POST, one decimal"},
};

static const cs_ds_field review_fields[CS_903_R_NFIELDS] = {
    [CS_903_R_CHILD] = {"CHILD", CS_DT_STR, "Child identifier"},
    [CS_903_R_DOB] = {"DOB", CS_DT_DATE, "Date of birth (as in Header)"},
    [CS_903_R_REVIEW] = {"REVIEW", CS_DT_DATE, "Date of the statutory review"},
    [CS_903_R_REVIEW_CODE] = {"REVIEW_CODE", CS_DT_CODE, "Participation in the review (PN0-PN7)"},
};

static const cs_ds_field uasc_fields[CS_903_U_NFIELDS] = {
    [CS_903_U_CHILD] = {"CHILD", CS_DT_STR, "Child identifier"},
    [CS_903_U_SEX] = {"SEX", CS_DT_CODE, "Sex (as in Header)"},
    [CS_903_U_DOB] = {"DOB", CS_DT_DATE, "Date of birth (as in Header)"},
    [CS_903_U_DUC] = {"DUC", CS_DT_DATE, "Date UASC status ceased"},
};

static const cs_ds_field oc2_fields[CS_903_O2_NFIELDS] = {
    [CS_903_O2_CHILD] = {"CHILD", CS_DT_STR, "Child identifier"},
    [CS_903_O2_DOB] = {"DOB", CS_DT_DATE, "Date of birth (as in Header)"},
    [CS_903_O2_SDQ_SCORE] = {"SDQ_SCORE", CS_DT_INT, "Strengths and Difficulties Questionnaire score (0-40)"},
    [CS_903_O2_SDQ_REASON] = {"SDQ_REASON", CS_DT_CODE, "Reason no SDQ score (SDQ1-SDQ5)"},
    [CS_903_O2_CONVICTED] = {"CONVICTED", CS_DT_CODE, "Convicted or given a youth caution in the year (0/1, age 10+)"},
    [CS_903_O2_HEALTH_CHECK] = {"HEALTH_CHECK", CS_DT_CODE, "Development assessment up to date (0/1, under 5)"},
    [CS_903_O2_IMMUNISATIONS] = {"IMMUNISATIONS", CS_DT_CODE, "Immunisations up to date (0/1)"},
    [CS_903_O2_TEETH_CHECK] = {"TEETH_CHECK", CS_DT_CODE, "Teeth checked by a dentist in the year (0/1)"},
    [CS_903_O2_HEALTH_ASSESSMENT] = {"HEALTH_ASSESSMENT", CS_DT_CODE, "Annual health assessment in the year (0/1)"},
    [CS_903_O2_SUBSTANCE_MISUSE] = {"SUBSTANCE_MISUSE", CS_DT_CODE, "Identified as having a substance misuse problem (0/1)"},
    [CS_903_O2_INTERVENTION_RECEIVED] = {"INTERVENTION_RECEIVED", CS_DT_CODE, "Received an intervention for it (0/1)"},
    [CS_903_O2_INTERVENTION_OFFERED] = {"INTERVENTION_OFFERED", CS_DT_CODE, "Offered an intervention and refused it (0/1)"},
};

static const cs_ds_field oc3_fields[CS_903_O3_NFIELDS] = {
    [CS_903_O3_CHILD] = {"CHILD", CS_DT_STR, "Child identifier"},
    [CS_903_O3_DOB] = {"DOB", CS_DT_DATE, "Date of birth (as in Header)"},
    [CS_903_O3_IN_TOUCH] = {"IN_TOUCH", CS_DT_CODE, "LA in touch around the birthday (YES, NO, DIED, REFU, NREQ, RHOM)"},
    [CS_903_O3_ACTIV] = {"ACTIV", CS_DT_CODE, "Main activity (F1 ... G6, 0)"},
    [CS_903_O3_ACCOM] = {"ACCOM", CS_DT_CODE, "Accommodation: type letter and 1 suitable / 2 not suitable, or 0"},
};

static const cs_ds_field ad1_fields[CS_903_A_NFIELDS] = {
    [CS_903_A_CHILD] = {"CHILD", CS_DT_STR, "Child identifier"},
    [CS_903_A_DOB] = {"DOB", CS_DT_DATE, "Date of birth (as in Header)"},
    [CS_903_A_DATE_INT] = {"DATE_INT", CS_DT_DATE, "Date of the decision that the child should be placed for adoption"},
    [CS_903_A_DATE_MATCH] = {"DATE_MATCH", CS_DT_DATE, "Date matched with the adopter(s)"},
    [CS_903_A_FOSTER_CARE] = {"FOSTER_CARE", CS_DT_CODE, "Adopted by former foster carer(s) (0/1)"},
    [CS_903_A_NB_ADOPTR] = {"NB_ADOPTR", CS_DT_CODE, "Number of adopters (1/2)"},
    [CS_903_A_SEX_ADOPTR] = {"SEX_ADOPTR", CS_DT_CODE, "Sex of the adopter(s) (M1, F1, MM, FF, MF)"},
    [CS_903_A_LS_ADOPTR] = {"LS_ADOPTR", CS_DT_CODE, "Legal status of the adopter(s) (L0, L11, L12, L2, L3, L4)"},
};

static const cs_ds_field placed_fields[CS_903_PA_NFIELDS] = {
    [CS_903_PA_CHILD] = {"CHILD", CS_DT_STR, "Child identifier"},
    [CS_903_PA_DOB] = {"DOB", CS_DT_DATE, "Date of birth (as in Header)"},
    [CS_903_PA_DATE_PLACED] = {"DATE_PLACED", CS_DT_DATE, "Date of the decision that the child should be placed for adoption"},
    [CS_903_PA_DATE_PLACED_CEASED] = {"DATE_PLACED_CEASED", CS_DT_DATE, "Date of the decision that the child should no longer be placed"},
    [CS_903_PA_REASON_PLACED_CEASED] = {"REASON_PLACED_CEASED", CS_DT_CODE, "Reason for that decision (RD1-RD4)"},
};

static const cs_ds_field prevperm_fields[CS_903_PP_NFIELDS] = {
    [CS_903_PP_CHILD] = {"CHILD", CS_DT_STR, "Child identifier"},
    [CS_903_PP_DOB] = {"DOB", CS_DT_DATE, "Date of birth (as in Header)"},
    [CS_903_PP_PREV_PERM] = {"PREV_PERM", CS_DT_CODE, "Previous permanence option (P1-P4, Z1)"},
    [CS_903_PP_LA_PERM] = {"LA_PERM", CS_DT_STR, "Old 3-digit code of the LA that arranged it (or WAL, SCO, NUK, NIR)"},
    [CS_903_PP_DATE_PERM] = {"DATE_PERM", CS_DT_STR, "Date of the order, dd/mm/yyyy with ZZ / ZZZZ for unknown parts"},
};

static const cs_ds_field missing_fields[CS_903_M_NFIELDS] = {
    [CS_903_M_CHILD] = {"CHILD", CS_DT_STR, "Child identifier"},
    [CS_903_M_DOB] = {"DOB", CS_DT_DATE, "Date of birth (as in Header)"},
    [CS_903_M_MISSING] = {"MISSING", CS_DT_CODE, "M missing, A away from placement without authorisation"},
    [CS_903_M_MIS_START] = {"MIS_START", CS_DT_DATE, "Start of the missing or away period"},
    [CS_903_M_MIS_END] = {"MIS_END", CS_DT_DATE, "End of the period; blank when still open"},
};

static const cs_ds_field sw_fields[CS_903_SW_NFIELDS] = {
    [CS_903_SW_CHILD] = {"CHILD", CS_DT_STR, "Child identifier"},
    [CS_903_SW_DOB] = {"DOB", CS_DT_DATE, "Date of birth (as in Header)"},
    [CS_903_SW_ID] = {"SW_ID", CS_DT_STR, "Social worker's Social Work England registration number (SW... or XX...)"},
    [CS_903_SW_DECOM] = {"SW_DECOM", CS_DT_STR, "Start of the social worker episode, dd/mm/yyyy (ZZ allowed)"},
    [CS_903_SW_DEC] = {"SW_DEC", CS_DT_STR, "End of the social worker episode, dd/mm/yyyy (ZZ allowed)"},
    [CS_903_SW_REASON] = {"SW_REASON", CS_DT_CODE, "Reason for the change of social worker (MANAGE ... OTHERS)"},
};

static const cs_ds_field dolo_fields[CS_903_DL_NFIELDS] = {
    [CS_903_DL_CHILD] = {"CHILD", CS_DT_STR, "Child identifier"},
    [CS_903_DL_DOB] = {"DOB", CS_DT_DATE, "Date of birth (as in Header)"},
    [CS_903_DL_DOLO_START] = {"DOLO_START", CS_DT_DATE, "Start of the deprivation of liberty order"},
    [CS_903_DL_DOLO_END] = {"DOLO_END", CS_DT_DATE, "End of the order; blank when still in force"},
};

/* ---- groups ----------------------------------------------------------- */

static const char *const episode_aliases[] = {"EPISODE", NULL};
static const char *const review_aliases[] = {"AREVIEW", NULL};
static const char *const placed_aliases[] = {"AD_PLACED", NULL};
static const char *const prevperm_aliases[] = {"PERMANENCE", NULL};
static const char *const missing_aliases[] = {"AMISSING", NULL};

#define FIELDS(a) (a), (uint32_t)(sizeof(a) / sizeof((a)[0]))
#define TABLE(name, f, order, aliases) {name, CS_903_G_CHILD, FIELDS(f), order, aliases, NULL}

static const cs_ds_group groups[CS_903_NGROUPS] = {
    [CS_903_G_ROOT] = {"SSDA903", CS_DS_NO_PARENT, NULL, 0, CS_DS_UNORDERED, NULL, NULL},
    [CS_903_G_CHILD] = {"Child", CS_903_G_ROOT, FIELDS(child_fields), CS_DS_UNORDERED, NULL, NULL},
    [CS_903_G_HEADER] = TABLE("Header", header_fields, CS_DS_UNORDERED, NULL),
    [CS_903_G_EPISODES] = TABLE("Episodes", episode_fields, CS_903_E_DECOM, episode_aliases),
    [CS_903_G_REVIEWS] = TABLE("Reviews", review_fields, CS_903_R_REVIEW, review_aliases),
    [CS_903_G_UASC] = TABLE("UASC", uasc_fields, CS_DS_UNORDERED, NULL),
    [CS_903_G_OC2] = TABLE("OC2", oc2_fields, CS_DS_UNORDERED, NULL),
    [CS_903_G_OC3] = TABLE("OC3", oc3_fields, CS_DS_UNORDERED, NULL),
    [CS_903_G_AD1] = TABLE("AD1", ad1_fields, CS_DS_UNORDERED, NULL),
    [CS_903_G_PLACED] = TABLE("PlacedAdoption", placed_fields, CS_903_PA_DATE_PLACED,
                              placed_aliases),
    [CS_903_G_PREVPERM] = TABLE("PrevPerm", prevperm_fields, CS_DS_UNORDERED, prevperm_aliases),
    [CS_903_G_MISSING] = TABLE("Missing", missing_fields, CS_903_M_MIS_START, missing_aliases),
    [CS_903_G_SW] = TABLE("SWEpisodes", sw_fields, CS_DS_UNORDERED, NULL),
    [CS_903_G_DOLO] = TABLE("DoLo", dolo_fields, CS_903_DL_DOLO_START, NULL),
};

const cs_ds_schema cs_903_schema = {
    .name = "ssda903",
    .groups = groups,
    .ngroups = CS_903_NGROUPS,
    .root_group = CS_903_G_ROOT,
    .child_group = CS_903_G_CHILD,
    .child_id_field = CS_903_C_CHILD,
    .header_group = -1,
};

/* ---- CSV tables ------------------------------------------------------------ */

static const cs_903_table tables[CS_903_NTABLES] = {
    {CS_903_G_HEADER, "header.csv", CS_903_H_UASC, 0},
    {CS_903_G_EPISODES, "episodes.csv", CS_903_E_PL_LA, 0},
    {CS_903_G_REVIEWS, "reviews.csv", CS_903_R_NFIELDS, 0},
    {CS_903_G_UASC, "uasc.csv", CS_903_U_NFIELDS, 0},
    {CS_903_G_OC2, "oc2.csv", CS_903_O2_NFIELDS, 0},
    {CS_903_G_OC3, "oc3.csv", CS_903_O3_NFIELDS, 0},
    {CS_903_G_AD1, "ad1.csv", CS_903_A_NFIELDS, 0},
    {CS_903_G_PLACED, "placed_for_adoption.csv", CS_903_PA_NFIELDS, 0},
    {CS_903_G_PREVPERM, "previous_permanence.csv", CS_903_PP_NFIELDS, 0},
    {CS_903_G_MISSING, "missing.csv", CS_903_M_NFIELDS, 0},
    {CS_903_G_SW, "sw_episodes.csv", CS_903_SW_NFIELDS, 2024},
    {CS_903_G_DOLO, "dolo.csv", CS_903_DL_NFIELDS, 2027},
};

const cs_903_table *cs_903_table_at(size_t i)
{
    return i < CS_903_NTABLES ? &tables[i] : NULL;
}

const cs_903_table *cs_903_table_of(int group)
{
    if (group < CS_903_FIRST_TABLE || group >= CS_903_NGROUPS)
        return NULL;
    return &tables[group - CS_903_FIRST_TABLE];
}

int cs_903_table_in_year(const cs_903_table *t, const cs_903_year *y)
{
    return !y || !t->since_end_year || y->end_year >= t->since_end_year;
}

/* ---- collection years ------------------------------------------------------ */

cs_status cs_903_year_from_end(int end_year, cs_903_year *out, cs_diag *d)
{
    memset(out, 0, sizeof *out);
    if (end_year < CS_903_FIRST_END_YEAR || end_year > CS_903_LAST_END_YEAR)
        return cs_diag_set(d, CS_ERR_USAGE, NULL, 0, 0,
                           "SSDA903 collection year ending %d is outside %d..%d", end_year,
                           CS_903_FIRST_END_YEAR, CS_903_LAST_END_YEAR);
    out->start_year = end_year - 1;
    out->end_year = end_year;
    out->collection_start = cs_date_from_ymd(end_year - 1, 4, 1);
    out->collection_end = cs_date_from_ymd(end_year, 3, 31);
    snprintf(out->label, sizeof out->label, "%04d-%02d", end_year - 1, end_year % 100);
    return CS_OK;
}

/* Exactly `n` ASCII digits at s; their value, or -1. */
static int digits(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

cs_status cs_903_year_parse(const char *text, cs_903_year *out, cs_diag *d)
{
    memset(out, 0, sizeof *out);
    const char *s = text ? text : "";
    size_t n = strlen(s);
    if (n == 4 && digits(s, 4) >= 0)
        return cs_903_year_from_end(digits(s, 4), out, d);
    int first = n == 7 && (s[4] == '-' || s[4] == '/') ? digits(s, 4) : -1;
    int second = first >= 0 ? digits(s + 5, 2) : -1;
    if (first < 0 || second < 0)
        return cs_diag_set(d, CS_ERR_USAGE, NULL, 0, 0,
                           "SSDA903 collection year \"%.40s\" is not of the form 2025-26 "
                           "(or 2026, the year it ends)", s);
    if ((first + 1) % 100 != second)
        return cs_diag_set(d, CS_ERR_USAGE, NULL, 0, 0,
                           "SSDA903 collection year \"%s\": the second year must follow the "
                           "first (2025-26)", s);
    return cs_903_year_from_end(first + 1, out, d);
}

void cs_903_year_previous(const cs_903_year *y, cs_903_year *out)
{
    if (cs_903_year_from_end(y->end_year - 1, out, NULL) != CS_OK)
        *out = *y;   /* at the first year there is no earlier one to name */
}

/* ---- code lists by year ---------------------------------------------------- */

int cs_903_year_sex_mfu(const cs_903_year *y)
{
    return y->end_year >= 2025;
}

static const char *const place_to_2024[] = {
    "A3", "A4", "A5", "A6", "H5", "K1", "K2", "P1", "P2", "P3", "R1", "R2", "R3", "R5", "S1",
    "T0", "T1", "T2", "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z1", NULL,
};
static const char *const place_2025[] = {
    "A3", "A4", "A5", "A6", "H5", "K1", "K2", "K3", "P1", "P2", "P3", "R1", "R2", "R3", "R5",
    "S1", "T0", "T1", "T2", "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z1", NULL,
};
static const char *const place_from_2026[] = {
    "A3", "A4", "A5", "A6", "K1", "K2", "K3", "P1", "P3", "R1", "R2", "R3", "R5", "S1", "T0",
    "T1", "T2", "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z11", "Z12", "Z13", "Z14", NULL,
};

const char *const *cs_903_place_codes(const cs_903_year *y)
{
    if (y->end_year >= 2026)
        return place_from_2026;
    return y->end_year == 2025 ? place_2025 : place_to_2024;
}

const char *cs_903_xsd_name(const cs_903_year *y, char *buf, size_t n)
{
    snprintf(buf, n, "ssda903-%s.xsd", y->label);
    return buf;
}
