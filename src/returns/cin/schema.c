/* CIN census: the dataset schema, the XML element tree and census years. */
#include "returns/cin/schema.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "returns/cin/cin.h"

/* ---- fields ----------------------------------------------------------- */

static const cs_ds_field header_fields[CS_CIN_H_NFIELDS] = {
    [CS_CIN_H_COLLECTION] = {"Collection", CS_DT_CODE, "Collection name, always CIN"},
    [CS_CIN_H_YEAR] = {"Year", CS_DT_INT, "Year the census period ends (2026 for 2025-26)"},
    [CS_CIN_H_REFERENCE_DATE] = {"ReferenceDate", CS_DT_DATE, "Last day of the census period, 31 March of Year (N00603)"},
    [CS_CIN_H_SOURCE_LEVEL] = {"SourceLevel", CS_DT_CODE, "Source level, always L (local authority)"},
    [CS_CIN_H_LEA] = {"LEA", CS_DT_CODE, "DfE local authority number (3 digits)"},
    [CS_CIN_H_SOFTWARE_CODE] = {"SoftwareCode", CS_DT_STR, "Name of the software that produced the file"},
    [CS_CIN_H_RELEASE] = {"Release", CS_DT_STR, "Version of that software"},
    [CS_CIN_H_SERIAL_NO] = {"SerialNo", CS_DT_STR, "Serial number of the file (3 or more digits)"},
    [CS_CIN_H_DATE_TIME] = {"DateTime", CS_DT_STR, "When the file was produced (xs:dateTime)"},
};

static const cs_ds_field child_fields[CS_CIN_C_NFIELDS] = {
    [CS_CIN_C_LACHILDID] = {"LAchildID", CS_DT_STR, "The LA's identifier for the child (N00097)"},
    [CS_CIN_C_UPN] = {"UPN", CS_DT_STR, "Unique Pupil Number (N00001)"},
    [CS_CIN_C_FORMER_UPN] = {"FormerUPN", CS_DT_STR, "Former Unique Pupil Number (N00002)"},
    [CS_CIN_C_UPN_UNKNOWN] = {"UPNunknown", CS_DT_CODE, "Reason the UPN is not known, UN1-UN7 (N00135)"},
    [CS_CIN_C_BIRTH_DATE] = {"PersonBirthDate", CS_DT_DATE, "Date of birth (N00066)"},
    [CS_CIN_C_EXPECTED_BIRTH_DATE] = {"ExpectedPersonBirthDate", CS_DT_DATE, "Expected date of birth of an unborn child (N00098)"},
    [CS_CIN_C_GENDER_CURRENT] = {"GenderCurrent", CS_DT_CODE, "Gender 0/1/2/9, up to 2023-24 (N00065)"},
    [CS_CIN_C_SEX] = {"Sex", CS_DT_CODE, "Sex M/F/U, from 2024-25 (N00783)"},
    [CS_CIN_C_DEATH_DATE] = {"PersonDeathDate", CS_DT_DATE, "Date of death (N00108)"},
    [CS_CIN_C_ETHNICITY] = {"Ethnicity", CS_DT_CODE, "Ethnicity (N00177)"},
};

static const cs_ds_field disability_fields[CS_CIN_D_NFIELDS] = {
    [CS_CIN_D_DISABILITY] = {"Disability", CS_DT_CODE, "Disability code (N00099)"},
};

static const cs_ds_field cindetails_fields[CS_CIN_E_NFIELDS] = {
    [CS_CIN_E_REFERRAL_DATE] = {"CINreferralDate", CS_DT_DATE, "Referral date (N00100)"},
    [CS_CIN_E_REFERRAL_SOURCE] = {"ReferralSource", CS_DT_CODE, "Referral source (N00152)"},
    [CS_CIN_E_PRIMARY_NEED] = {"PrimaryNeedCode", CS_DT_CODE, "Primary need N0-N9 (N00101)"},
    [CS_CIN_E_CLOSURE_DATE] = {"CINclosureDate", CS_DT_DATE, "Episode closure date (N00102)"},
    [CS_CIN_E_CLOSURE_REASON] = {"ReasonForClosure", CS_DT_CODE, "Reason for closure RC1-RC9 (N00103)"},
    [CS_CIN_E_ICPC_DATE] = {"DateOfInitialCPC", CS_DT_DATE, "Initial child protection conference not tied to a Section47 group (N00110)"},
    [CS_CIN_E_REFERRAL_NFA] = {"ReferralNFA", CS_DT_BOOL, "Referral led to no further action (N00112)"},
};

static const cs_ds_field assessment_fields[CS_CIN_A_NFIELDS] = {
    [CS_CIN_A_START] = {"AssessmentActualStartDate", CS_DT_DATE, "Assessment start date (N00159)"},
    [CS_CIN_A_REVIEW] = {"AssessmentInternalReviewDate", CS_DT_DATE, "Assessment internal review date"},
    [CS_CIN_A_AUTHORISED] = {"AssessmentAuthorisationDate", CS_DT_DATE, "Assessment authorisation (completion) date (N00160)"},
    [CS_CIN_A_FACTORS_EMPTY] = {"FactorsIdentifiedAtAssessmentEmpty", CS_DT_BOOL, "true when the file had an empty FactorsIdentifiedAtAssessment element (no factor inside); absent otherwise"},
};

static const cs_ds_field factor_fields[CS_CIN_AF_NFIELDS] = {
    [CS_CIN_AF_FACTOR] = {"AssessmentFactors", CS_DT_CODE, "Factor identified at assessment (N00181)"},
};

static const cs_ds_field plan_fields[CS_CIN_P_NFIELDS] = {
    [CS_CIN_P_START] = {"CINPlanStartDate", CS_DT_DATE, "CIN plan start date (N00689)"},
    [CS_CIN_P_END] = {"CINPlanEndDate", CS_DT_DATE, "CIN plan end date (N00690)"},
};

static const cs_ds_field s47_fields[CS_CIN_S_NFIELDS] = {
    [CS_CIN_S_START] = {"S47ActualStartDate", CS_DT_DATE, "Section 47 enquiry start date (N00148)"},
    [CS_CIN_S_ICPC_TARGET] = {"InitialCPCtarget", CS_DT_DATE, "Target date for the initial conference (N00109)"},
    [CS_CIN_S_ICPC_DATE] = {"DateOfInitialCPC", CS_DT_DATE, "Date of the initial conference from this enquiry (N00110)"},
    [CS_CIN_S_ICPC_NOT_REQUIRED] = {"ICPCnotRequired", CS_DT_BOOL, "An initial conference was not required (N00111)"},
};

static const cs_ds_field cpp_fields[CS_CIN_CP_NFIELDS] = {
    [CS_CIN_CP_START] = {"CPPstartDate", CS_DT_DATE, "Child protection plan start date (N00105)"},
    [CS_CIN_CP_END] = {"CPPendDate", CS_DT_DATE, "Child protection plan end date (N00115)"},
    [CS_CIN_CP_INITIAL_CATEGORY] = {"InitialCategoryOfAbuse", CS_DT_CODE, "Initial category of abuse (N00113)"},
    [CS_CIN_CP_LATEST_CATEGORY] = {"LatestCategoryOfAbuse", CS_DT_CODE, "Latest category of abuse (N00114)"},
    [CS_CIN_CP_PREVIOUS] = {"NumberOfPreviousCPP", CS_DT_INT, "Number of previous child protection plans (N00106)"},
};

static const cs_ds_field review_fields[CS_CIN_R_NFIELDS] = {
    [CS_CIN_R_DATE] = {"CPPreviewDate", CS_DT_DATE, "Child protection review date (N00116)"},
};

static const cs_ds_field preproc_fields[CS_CIN_PP_NFIELDS] = {
    [CS_CIN_PP_START] = {"PPStartDate", CS_DT_DATE, "Pre-proceedings start date (unconfirmed)"},
    [CS_CIN_PP_LBP_SENT] = {"LBPSentDate", CS_DT_DATE, "Letter before proceedings sent (unconfirmed)"},
    [CS_CIN_PP_FGDM_OFFER] = {"FGDMMeetingOffer", CS_DT_BOOL, "Family group decision meeting offered (unconfirmed)"},
    [CS_CIN_PP_FGDM_FAC] = {"FGDMMeetingFac", CS_DT_BOOL, "Family group decision meeting facilitated (unconfirmed)"},
    [CS_CIN_PP_INITIAL_MEETING] = {"InitialPPMeetingDate", CS_DT_DATE, "Initial pre-proceedings meeting (unconfirmed)"},
    [CS_CIN_PP_REVIEW_COUNT] = {"ReviewMeetingsCount", CS_DT_INT, "Number of review meetings (unconfirmed)"},
    [CS_CIN_PP_STEP_DECISION] = {"StepDecisionDate", CS_DT_DATE, "Step-up/step-down decision date (unconfirmed)"},
    [CS_CIN_PP_OUTCOME] = {"PPOutcome", CS_DT_CODE, "Pre-proceedings outcome (unconfirmed)"},
    [CS_CIN_PP_COURT_APP] = {"CourtAppDate", CS_DT_DATE, "Court application date (unconfirmed)"},
    [CS_CIN_PP_LETTER_INIT_CP] = {"LetterInitCPDate", CS_DT_DATE, "Letter initiating care proceedings (unconfirmed)"},
};

/* ---- groups ----------------------------------------------------------- */

static const char *const header_aliases[] = {"CollectionDetails", "Source", NULL};
static const char *const child_aliases[] = {"ChildIdentifiers", "ChildCharacteristics", NULL};

#define FIELDS(a) (a), (uint32_t)(sizeof(a) / sizeof((a)[0]))

static const cs_ds_group cin_groups[CS_CIN_NGROUPS] = {
    [CS_CIN_G_MESSAGE] = {"Message", CS_DS_NO_PARENT, NULL, 0, CS_DS_UNORDERED, NULL, NULL},
    [CS_CIN_G_HEADER] = {"Header", CS_CIN_G_MESSAGE, FIELDS(header_fields), CS_DS_UNORDERED,
                         header_aliases, NULL},
    [CS_CIN_G_CHILD] = {"Child", CS_CIN_G_MESSAGE, FIELDS(child_fields), CS_DS_UNORDERED,
                        child_aliases, NULL},
    [CS_CIN_G_DISABILITIES] = {"Disabilities", CS_CIN_G_CHILD, FIELDS(disability_fields),
                               CS_DS_UNORDERED, NULL, "Disability"},
    [CS_CIN_G_CINDETAILS] = {"CINdetails", CS_CIN_G_CHILD, FIELDS(cindetails_fields),
                             CS_DS_UNORDERED, NULL, NULL},
    [CS_CIN_G_ASSESSMENTS] = {"Assessments", CS_CIN_G_CINDETAILS, FIELDS(assessment_fields),
                              CS_DS_UNORDERED, NULL, NULL},
    [CS_CIN_G_FACTORS] = {"AssessmentFactors", CS_CIN_G_ASSESSMENTS, FIELDS(factor_fields),
                          CS_DS_UNORDERED, NULL, NULL},
    [CS_CIN_G_PLANS] = {"CINPlanDates", CS_CIN_G_CINDETAILS, FIELDS(plan_fields),
                        CS_DS_UNORDERED, NULL, NULL},
    [CS_CIN_G_S47] = {"Section47", CS_CIN_G_CINDETAILS, FIELDS(s47_fields), CS_DS_UNORDERED,
                      NULL, NULL},
    [CS_CIN_G_CPP] = {"ChildProtectionPlans", CS_CIN_G_CINDETAILS, FIELDS(cpp_fields),
                      CS_DS_UNORDERED, NULL, NULL},
    [CS_CIN_G_REVIEWS] = {"Reviews", CS_CIN_G_CPP, FIELDS(review_fields), CS_DS_UNORDERED, NULL,
                          "CPPreviewDate"},
    [CS_CIN_G_PREPROC] = {"PreProceedingsandFGDM", CS_CIN_G_CINDETAILS, FIELDS(preproc_fields),
                          CS_DS_UNORDERED, NULL, NULL},
};

const cs_ds_schema cs_cin_schema = {
    .name = "cin",
    .groups = cin_groups,
    .ngroups = CS_CIN_NGROUPS,
    .root_group = CS_CIN_G_MESSAGE,
    .child_group = CS_CIN_G_CHILD,
    .child_id_field = CS_CIN_C_LACHILDID,
    .header_group = CS_CIN_G_HEADER,
};

/* ---- XML tree ---------------------------------------------------------- */

#define KIDS(a) (a), (uint32_t)(sizeof(a) / sizeof((a)[0]))
#define WRAP(n, fl, k) {n, CS_CIN_X_WRAP, fl, -1, -1, 0, 0, KIDS(k)}
#define ROW(n, g, fl, since, until, k) {n, CS_CIN_X_ROW, fl, g, -1, since, until, KIDS(k)}
#define LEAF(n, g, f) {n, CS_CIN_X_LEAF, 0, g, f, 0, 0, NULL, 0}
#define LEAF_Y(n, g, f, since, until) {n, CS_CIN_X_LEAF, 0, g, f, since, until, NULL, 0}
#define LEAF_ROW(n, g, f) {n, CS_CIN_X_LEAF_ROW, CS_CIN_X_REPEAT, g, f, 0, 0, NULL, 0}
#define H CS_CIN_G_HEADER
#define C CS_CIN_G_CHILD
#define E CS_CIN_G_CINDETAILS

static const cs_cin_xnode x_collection[] = {
    LEAF("Collection", H, CS_CIN_H_COLLECTION),
    LEAF("Year", H, CS_CIN_H_YEAR),
    LEAF("ReferenceDate", H, CS_CIN_H_REFERENCE_DATE),
};
static const cs_cin_xnode x_source[] = {
    LEAF("SourceLevel", H, CS_CIN_H_SOURCE_LEVEL),
    LEAF("LEA", H, CS_CIN_H_LEA),
    LEAF("SoftwareCode", H, CS_CIN_H_SOFTWARE_CODE),
    LEAF("Release", H, CS_CIN_H_RELEASE),
    LEAF("SerialNo", H, CS_CIN_H_SERIAL_NO),
    LEAF("DateTime", H, CS_CIN_H_DATE_TIME),
};
static const cs_cin_xnode x_header[] = {
    WRAP("CollectionDetails", CS_CIN_X_ALWAYS, x_collection),
    WRAP("Source", CS_CIN_X_ALWAYS, x_source),
    {"Content", CS_CIN_X_OBSOLETE, 0, -1, -1, 0, 2021, NULL, 0},
};
static const cs_cin_xnode x_identifiers[] = {
    LEAF("LAchildID", C, CS_CIN_C_LACHILDID),
    LEAF("UPN", C, CS_CIN_C_UPN),
    LEAF("FormerUPN", C, CS_CIN_C_FORMER_UPN),
    LEAF("UPNunknown", C, CS_CIN_C_UPN_UNKNOWN),
    LEAF("PersonBirthDate", C, CS_CIN_C_BIRTH_DATE),
    LEAF("ExpectedPersonBirthDate", C, CS_CIN_C_EXPECTED_BIRTH_DATE),
    /* Sex took GenderCurrent's place in 2024-25 (position unconfirmed). */
    LEAF_Y("GenderCurrent", C, CS_CIN_C_GENDER_CURRENT, 0, 2024),
    LEAF_Y("Sex", C, CS_CIN_C_SEX, 2025, 0),
    LEAF("PersonDeathDate", C, CS_CIN_C_DEATH_DATE),
};
static const cs_cin_xnode x_disabilities[] = {
    LEAF_ROW("Disability", CS_CIN_G_DISABILITIES, CS_CIN_D_DISABILITY),
};
static const cs_cin_xnode x_characteristics[] = {
    LEAF("Ethnicity", C, CS_CIN_C_ETHNICITY),
    WRAP("Disabilities", 0, x_disabilities),
};
static const cs_cin_xnode x_factors[] = {
    LEAF_ROW("AssessmentFactors", CS_CIN_G_FACTORS, CS_CIN_AF_FACTOR),
};
static const cs_cin_xnode x_assessment[] = {
    LEAF("AssessmentActualStartDate", CS_CIN_G_ASSESSMENTS, CS_CIN_A_START),
    LEAF("AssessmentInternalReviewDate", CS_CIN_G_ASSESSMENTS, CS_CIN_A_REVIEW),
    LEAF("AssessmentAuthorisationDate", CS_CIN_G_ASSESSMENTS, CS_CIN_A_AUTHORISED),
    WRAP("FactorsIdentifiedAtAssessment", 0, x_factors),
};
static const cs_cin_xnode x_plan[] = {
    LEAF("CINPlanStartDate", CS_CIN_G_PLANS, CS_CIN_P_START),
    LEAF("CINPlanEndDate", CS_CIN_G_PLANS, CS_CIN_P_END),
};
static const cs_cin_xnode x_s47[] = {
    LEAF("S47ActualStartDate", CS_CIN_G_S47, CS_CIN_S_START),
    LEAF("InitialCPCtarget", CS_CIN_G_S47, CS_CIN_S_ICPC_TARGET),
    LEAF("DateOfInitialCPC", CS_CIN_G_S47, CS_CIN_S_ICPC_DATE),
    LEAF("ICPCnotRequired", CS_CIN_G_S47, CS_CIN_S_ICPC_NOT_REQUIRED),
};
static const cs_cin_xnode x_reviews[] = {
    LEAF_ROW("CPPreviewDate", CS_CIN_G_REVIEWS, CS_CIN_R_DATE),
};
static const cs_cin_xnode x_cpp[] = {
    LEAF("CPPstartDate", CS_CIN_G_CPP, CS_CIN_CP_START),
    LEAF("CPPendDate", CS_CIN_G_CPP, CS_CIN_CP_END),
    LEAF("InitialCategoryOfAbuse", CS_CIN_G_CPP, CS_CIN_CP_INITIAL_CATEGORY),
    LEAF("LatestCategoryOfAbuse", CS_CIN_G_CPP, CS_CIN_CP_LATEST_CATEGORY),
    LEAF("NumberOfPreviousCPP", CS_CIN_G_CPP, CS_CIN_CP_PREVIOUS),
    WRAP("Reviews", 0, x_reviews),
};
static const cs_cin_xnode x_preproc[] = {
    LEAF("PPStartDate", CS_CIN_G_PREPROC, CS_CIN_PP_START),
    LEAF("LBPSentDate", CS_CIN_G_PREPROC, CS_CIN_PP_LBP_SENT),
    LEAF("FGDMMeetingOffer", CS_CIN_G_PREPROC, CS_CIN_PP_FGDM_OFFER),
    LEAF("FGDMMeetingFac", CS_CIN_G_PREPROC, CS_CIN_PP_FGDM_FAC),
    LEAF("InitialPPMeetingDate", CS_CIN_G_PREPROC, CS_CIN_PP_INITIAL_MEETING),
    LEAF("ReviewMeetingsCount", CS_CIN_G_PREPROC, CS_CIN_PP_REVIEW_COUNT),
    LEAF("StepDecisionDate", CS_CIN_G_PREPROC, CS_CIN_PP_STEP_DECISION),
    LEAF("PPOutcome", CS_CIN_G_PREPROC, CS_CIN_PP_OUTCOME),
    LEAF("CourtAppDate", CS_CIN_G_PREPROC, CS_CIN_PP_COURT_APP),
    LEAF("LetterInitCPDate", CS_CIN_G_PREPROC, CS_CIN_PP_LETTER_INIT_CP),
};
static const cs_cin_xnode x_cindetails[] = {
    LEAF("CINreferralDate", E, CS_CIN_E_REFERRAL_DATE),
    LEAF("ReferralSource", E, CS_CIN_E_REFERRAL_SOURCE),
    LEAF("PrimaryNeedCode", E, CS_CIN_E_PRIMARY_NEED),
    LEAF("CINclosureDate", E, CS_CIN_E_CLOSURE_DATE),
    LEAF("ReasonForClosure", E, CS_CIN_E_CLOSURE_REASON),
    LEAF("DateOfInitialCPC", E, CS_CIN_E_ICPC_DATE),
    ROW("Assessments", CS_CIN_G_ASSESSMENTS, CS_CIN_X_REPEAT, 0, 0, x_assessment),
    ROW("CINPlanDates", CS_CIN_G_PLANS, CS_CIN_X_REPEAT, 2022, 0, x_plan),
    ROW("Section47", CS_CIN_G_S47, CS_CIN_X_REPEAT, 0, 0, x_s47),
    LEAF("ReferralNFA", E, CS_CIN_E_REFERRAL_NFA),
    ROW("ChildProtectionPlans", CS_CIN_G_CPP, CS_CIN_X_REPEAT, 0, 0, x_cpp),
    ROW("PreProceedingsandFGDM", CS_CIN_G_PREPROC, CS_CIN_X_REPEAT, 2027, 0, x_preproc),
};
static const cs_cin_xnode x_child[] = {
    WRAP("ChildIdentifiers", CS_CIN_X_ALWAYS, x_identifiers),
    WRAP("ChildCharacteristics", CS_CIN_X_ALWAYS, x_characteristics),
    ROW("CINdetails", E, CS_CIN_X_REPEAT, 0, 0, x_cindetails),
};
static const cs_cin_xnode x_children[] = {
    ROW("Child", C, CS_CIN_X_REPEAT, 0, 0, x_child),
};
static const cs_cin_xnode x_message[] = {
    ROW("Header", H, CS_CIN_X_ALWAYS, 0, 0, x_header),
    WRAP("Children", CS_CIN_X_ALWAYS, x_children),
};

const cs_cin_xnode cs_cin_xml_root = ROW("Message", CS_CIN_G_MESSAGE, CS_CIN_X_ALWAYS, 0, 0,
                                         x_message);

const cs_cin_xnode *cs_cin_xnode_kid(const cs_cin_xnode *x, const char *name, uint32_t *index)
{
    for (uint32_t i = 0; i < x->nkids; i++)
        if (strcmp(x->kids[i].name, name) == 0) {
            if (index)
                *index = i;
            return &x->kids[i];
        }
    return NULL;
}

int cs_cin_xnode_in_year(const cs_cin_xnode *x, int end_year)
{
    if (x->since && end_year < x->since)
        return 0;
    if (x->until && end_year > x->until)
        return 0;
    return 1;
}

/* ---- census years ------------------------------------------------------ */

cs_status cs_cin_year_from_end(int end_year, cs_cin_year *out, cs_diag *d)
{
    memset(out, 0, sizeof *out);
    if (end_year < CS_CIN_FIRST_END_YEAR || end_year > CS_CIN_LAST_END_YEAR)
        return cs_diag_set(d, CS_ERR_USAGE, NULL, 0, 0,
                           "census year ending %d is outside %d..%d", end_year,
                           CS_CIN_FIRST_END_YEAR, CS_CIN_LAST_END_YEAR);
    out->start_year = end_year - 1;
    out->end_year = end_year;
    out->period_start = cs_date_from_ymd(end_year - 1, 4, 1);
    out->reference_date = cs_date_from_ymd(end_year, 3, 31);
    snprintf(out->label, sizeof out->label, "%04d-%02d", end_year - 1, end_year % 100);
    return CS_OK;
}

static int parse_digits(const char *s, size_t n, int *v)
{
    int x = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return 0;
        x = x * 10 + (s[i] - '0');
    }
    *v = x;
    return n > 0;
}

cs_status cs_cin_year_parse(const char *text, cs_cin_year *out, cs_diag *d)
{
    memset(out, 0, sizeof *out);
    const char *s = text ? text : "";
    size_t n = strlen(s);
    int a = 0, b = 0;
    if (n == 4 && parse_digits(s, 4, &a))
        return cs_cin_year_from_end(a, out, d);
    if (n == 7 && (s[4] == '-' || s[4] == '/') && parse_digits(s, 4, &a) &&
        parse_digits(s + 5, 2, &b)) {
        if ((a + 1) % 100 != b)
            return cs_diag_set(d, CS_ERR_USAGE, NULL, 0, 0,
                               "census year \"%s\": the two years must follow each other "
                               "(2025-26)", s);
        return cs_cin_year_from_end(a + 1, out, d);
    }
    return cs_diag_set(d, CS_ERR_USAGE, NULL, 0, 0,
                       "census year \"%.40s\" is not of the form 2025-26 (or 2026)", s);
}

cs_cin_gender_element cs_cin_year_gender(const cs_cin_year *y)
{
    return y->end_year >= 2025 ? CS_CIN_SEX : CS_CIN_GENDER_CURRENT;
}

int cs_cin_year_gender_field(const cs_cin_year *y)
{
    return cs_cin_year_gender(y) == CS_CIN_SEX ? CS_CIN_C_SEX : CS_CIN_C_GENDER_CURRENT;
}

const char *cs_cin_xsd_name(const cs_cin_year *y, char *buf, size_t n)
{
    snprintf(buf, n, "cin-%s.xsd", y->label);
    return buf;
}
