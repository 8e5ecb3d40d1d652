/* The CIN census return as a dataset: its groups and fields (the dataset
 * schema the rule files see) and its XML element tree (what the reader
 * accepts and the writer emits), both from spec/cin-census.md section 2.
 *
 * Groups (parent in brackets):
 *   Message (root) -> Header (singleton: CollectionDetails and Source
 *   flattened), Child (ChildIdentifiers and ChildCharacteristics flattened,
 *   also their aliases) -> Disabilities (a row per Disability), CINdetails ->
 *   Assessments -> AssessmentFactors (a row per factor), CINPlanDates,
 *   Section47, ChildProtectionPlans -> Reviews (a row per CPPreviewDate),
 *   PreProceedingsandFGDM (2026-27, unconfirmed).
 *
 * The group and field indices below are the schema's; keep them in step
 * with the tables in schema.c (designated initialisers make a slip a
 * compile-time gap, not a silent shift). */
#ifndef CS_RETURNS_CIN_SCHEMA_H
#define CS_RETURNS_CIN_SCHEMA_H

#include <stdint.h>

#include "dataset/dataset.h"

enum {
    CS_CIN_G_MESSAGE = 0,
    CS_CIN_G_HEADER,
    CS_CIN_G_CHILD,
    CS_CIN_G_DISABILITIES,
    CS_CIN_G_CINDETAILS,
    CS_CIN_G_ASSESSMENTS,
    CS_CIN_G_FACTORS,
    CS_CIN_G_PLANS,
    CS_CIN_G_S47,
    CS_CIN_G_CPP,
    CS_CIN_G_REVIEWS,
    CS_CIN_G_PREPROC,
    CS_CIN_NGROUPS
};

enum { /* Header */
    CS_CIN_H_COLLECTION, CS_CIN_H_YEAR, CS_CIN_H_REFERENCE_DATE, CS_CIN_H_SOURCE_LEVEL,
    CS_CIN_H_LEA, CS_CIN_H_SOFTWARE_CODE, CS_CIN_H_RELEASE, CS_CIN_H_SERIAL_NO,
    CS_CIN_H_DATE_TIME, CS_CIN_H_NFIELDS
};
enum { /* Child (ChildIdentifiers + ChildCharacteristics) */
    CS_CIN_C_LACHILDID, CS_CIN_C_UPN, CS_CIN_C_FORMER_UPN, CS_CIN_C_UPN_UNKNOWN,
    CS_CIN_C_BIRTH_DATE, CS_CIN_C_EXPECTED_BIRTH_DATE, CS_CIN_C_GENDER_CURRENT, CS_CIN_C_SEX,
    CS_CIN_C_DEATH_DATE, CS_CIN_C_ETHNICITY, CS_CIN_C_NFIELDS
};
enum { CS_CIN_D_DISABILITY, CS_CIN_D_NFIELDS };
enum { /* CINdetails */
    CS_CIN_E_REFERRAL_DATE, CS_CIN_E_REFERRAL_SOURCE, CS_CIN_E_PRIMARY_NEED,
    CS_CIN_E_CLOSURE_DATE, CS_CIN_E_CLOSURE_REASON, CS_CIN_E_ICPC_DATE, CS_CIN_E_REFERRAL_NFA,
    CS_CIN_E_NFIELDS
};
enum { /* Assessments */
    CS_CIN_A_START, CS_CIN_A_REVIEW, CS_CIN_A_AUTHORISED,
    CS_CIN_A_FACTORS_EMPTY,   /* FactorsIdentifiedAtAssessment present with no factor in it */
    CS_CIN_A_NFIELDS
};
enum { CS_CIN_AF_FACTOR, CS_CIN_AF_NFIELDS };
enum { CS_CIN_P_START, CS_CIN_P_END, CS_CIN_P_NFIELDS };
enum { /* Section47 */
    CS_CIN_S_START, CS_CIN_S_ICPC_TARGET, CS_CIN_S_ICPC_DATE, CS_CIN_S_ICPC_NOT_REQUIRED,
    CS_CIN_S_NFIELDS
};
enum { /* ChildProtectionPlans */
    CS_CIN_CP_START, CS_CIN_CP_END, CS_CIN_CP_INITIAL_CATEGORY, CS_CIN_CP_LATEST_CATEGORY,
    CS_CIN_CP_PREVIOUS, CS_CIN_CP_NFIELDS
};
enum { CS_CIN_R_DATE, CS_CIN_R_NFIELDS };
enum { /* PreProceedingsandFGDM (unconfirmed, 2026-27) */
    CS_CIN_PP_START, CS_CIN_PP_LBP_SENT, CS_CIN_PP_FGDM_OFFER, CS_CIN_PP_FGDM_FAC,
    CS_CIN_PP_INITIAL_MEETING, CS_CIN_PP_REVIEW_COUNT, CS_CIN_PP_STEP_DECISION,
    CS_CIN_PP_OUTCOME, CS_CIN_PP_COURT_APP, CS_CIN_PP_LETTER_INIT_CP, CS_CIN_PP_NFIELDS
};

extern const cs_ds_schema cs_cin_schema;

/* The XML element tree. Each element is one of:
 *   WRAP      a container with no row of its own (Header's CollectionDetails,
 *             Children, ChildIdentifiers, Disabilities, Reviews, ...);
 *   ROW       an element that is one row of `group` (Child, CINdetails, ...);
 *   LEAF      a value: field `field` of the row of `group` being read;
 *   LEAF_ROW  a value that is also a row of `group` (Disability,
 *             AssessmentFactors, CPPreviewDate);
 *   OBSOLETE  an element older schemas had (Header/Content before 2022):
 *             read past without complaint, never written.
 * kids are in the schema's sequence order; a kid's index is its order. */
typedef enum {
    CS_CIN_X_WRAP = 0,
    CS_CIN_X_ROW,
    CS_CIN_X_LEAF,
    CS_CIN_X_LEAF_ROW,
    CS_CIN_X_OBSOLETE
} cs_cin_xkind;

#define CS_CIN_X_REPEAT 1u   /* maxOccurs unbounded */
#define CS_CIN_X_ALWAYS 2u   /* a wrapper the writer emits even with nothing in it */

typedef struct cs_cin_xnode {
    const char *name;
    uint8_t kind;                  /* cs_cin_xkind */
    uint8_t flags;
    int8_t group;                  /* ROW/LEAF_ROW: the row's group; LEAF: the field's group */
    int8_t field;                  /* LEAF/LEAF_ROW: the field */
    uint16_t since, until;         /* census end years it belongs to (inclusive); 0 = open */
    const struct cs_cin_xnode *kids;
    uint32_t nkids;
} cs_cin_xnode;

/* The Message element. */
extern const cs_cin_xnode cs_cin_xml_root;

/* The kid of x named name (and its order index), NULL when x has none. */
const cs_cin_xnode *cs_cin_xnode_kid(const cs_cin_xnode *x, const char *name, uint32_t *index);
/* 1 when the element belongs to the census ending in end_year. */
int cs_cin_xnode_in_year(const cs_cin_xnode *x, int end_year);

#endif
