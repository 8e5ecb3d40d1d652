/* The Annex A dataset schema: a root group ("Annex A", also the header: the
 * template and the inspection date), one group per list ("List 1" ...
 * "List 11") whose fields are Ofsted's headings in the current template's
 * order, and "Identities": one row per distinct (child, date of birth,
 * gender, ethnicity) seen across Lists 1-10, so a rule can ask whether the
 * same child looks the same in every list. There is no child group: a
 * list row names its child in its "Child Unique ID" field. */
#ifndef CS_RETURNS_ANNEXA_SCHEMA_H
#define CS_RETURNS_ANNEXA_SCHEMA_H

#include "dataset/dataset.h"

#define CS_AA_NLISTS 11

enum {
    CS_AA_G_ROOT = 0,
    CS_AA_G_LIST1,   /* List N is group CS_AA_G_LIST1 + N - 1 */
    CS_AA_G_IDENT = CS_AA_G_LIST1 + CS_AA_NLISTS,
    CS_AA_NGROUPS
};

static inline int cs_aa_list_group(int list) { return CS_AA_G_LIST1 + list - 1; }
static inline int cs_aa_group_list(int g)
{
    return g >= CS_AA_G_LIST1 && g < CS_AA_G_IDENT ? g - CS_AA_G_LIST1 + 1 : 0;
}

/* Root (header) fields. */
enum { CS_AA_R_TEMPLATE = 0, CS_AA_R_INSPECTION_DATE, CS_AA_R_NFIELDS };

/* Identities fields. */
enum {
    CS_AA_I_ID = 0,
    CS_AA_I_DOB,
    CS_AA_I_GENDER,
    CS_AA_I_ETHNICITY,
    CS_AA_I_LISTS,      /* "List 1, List 3" */
    CS_AA_I_NFIELDS
};

/* List fields: CS_AA3_REFERRAL_DATE ... and CS_AA3_NFIELDS. */
#define AA_FIELD(list, name, heading, type) AA_F_##list(CS_AA##list##_##name)
#define AA_F_1(x) x,
#define AA_F_2(x)
#define AA_F_3(x)
#define AA_F_4(x)
#define AA_F_5(x)
#define AA_F_6(x)
#define AA_F_7(x)
#define AA_F_8(x)
#define AA_F_9(x)
#define AA_F_10(x)
#define AA_F_11(x)
enum {
#include "returns/annexa/lists.def"
    CS_AA1_NFIELDS
};
#undef AA_F_1
#define AA_F_1(x)
#undef AA_F_2
#define AA_F_2(x) x,
enum {
#include "returns/annexa/lists.def"
    CS_AA2_NFIELDS
};
#undef AA_F_2
#define AA_F_2(x)
#undef AA_F_3
#define AA_F_3(x) x,
enum {
#include "returns/annexa/lists.def"
    CS_AA3_NFIELDS
};
#undef AA_F_3
#define AA_F_3(x)
#undef AA_F_4
#define AA_F_4(x) x,
enum {
#include "returns/annexa/lists.def"
    CS_AA4_NFIELDS
};
#undef AA_F_4
#define AA_F_4(x)
#undef AA_F_5
#define AA_F_5(x) x,
enum {
#include "returns/annexa/lists.def"
    CS_AA5_NFIELDS
};
#undef AA_F_5
#define AA_F_5(x)
#undef AA_F_6
#define AA_F_6(x) x,
enum {
#include "returns/annexa/lists.def"
    CS_AA6_NFIELDS
};
#undef AA_F_6
#define AA_F_6(x)
#undef AA_F_7
#define AA_F_7(x) x,
enum {
#include "returns/annexa/lists.def"
    CS_AA7_NFIELDS
};
#undef AA_F_7
#define AA_F_7(x)
#undef AA_F_8
#define AA_F_8(x) x,
enum {
#include "returns/annexa/lists.def"
    CS_AA8_NFIELDS
};
#undef AA_F_8
#define AA_F_8(x)
#undef AA_F_9
#define AA_F_9(x) x,
enum {
#include "returns/annexa/lists.def"
    CS_AA9_NFIELDS
};
#undef AA_F_9
#define AA_F_9(x)
#undef AA_F_10
#define AA_F_10(x) x,
enum {
#include "returns/annexa/lists.def"
    CS_AA10_NFIELDS
};
#undef AA_F_10
#define AA_F_10(x)
#undef AA_F_11
#define AA_F_11(x) x,
enum {
#include "returns/annexa/lists.def"
    CS_AA11_NFIELDS
};
#undef AA_F_11
#undef AA_F_1
#undef AA_F_2
#undef AA_F_3
#undef AA_F_4
#undef AA_F_5
#undef AA_F_6
#undef AA_F_7
#undef AA_F_8
#undef AA_F_9
#undef AA_F_10
#undef AA_FIELD

/* The widest list (List 8) has 34 columns. */
#define CS_AA_MAX_FIELDS 40

extern const cs_ds_schema cs_annexa_schema;

#endif
