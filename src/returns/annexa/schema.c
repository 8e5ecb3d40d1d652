/* The Annex A dataset schema (schema.h), its fields generated from lists.def. */
#include "returns/annexa/schema.h"

static const cs_ds_field root_fields[CS_AA_R_NFIELDS] = {
    [CS_AA_R_TEMPLATE] = {"Template", CS_DT_STR, "Template version the lists follow: current or 2020"},
    [CS_AA_R_INSPECTION_DATE] = {"InspectionDate", CS_DT_DATE,
                                 "The inspection date the lists' windows are counted back from"},
};

static const cs_ds_field ident_fields[CS_AA_I_NFIELDS] = {
    [CS_AA_I_ID] = {"Child Unique ID", CS_DT_STR, "The child"},
    [CS_AA_I_DOB] = {"Date of Birth", CS_DT_DATE, "Date of birth as one or more lists give it"},
    [CS_AA_I_GENDER] = {"Gender", CS_DT_CODE, "Gender as one or more lists give it"},
    [CS_AA_I_ETHNICITY] = {"Ethnicity", CS_DT_CODE, "Ethnicity as one or more lists give it"},
    [CS_AA_I_LISTS] = {"Lists", CS_DT_STR, "The lists that show the child this way (\"List 1, List 3\")"},
};

#define AA_FIELD(list, name, heading, type) AA_F_##list({heading, type, NULL})
#define AA_NONE(...)
#define AA_KEEP(...) __VA_ARGS__,

#define AA_F_1 AA_KEEP
#define AA_F_2 AA_NONE
#define AA_F_3 AA_NONE
#define AA_F_4 AA_NONE
#define AA_F_5 AA_NONE
#define AA_F_6 AA_NONE
#define AA_F_7 AA_NONE
#define AA_F_8 AA_NONE
#define AA_F_9 AA_NONE
#define AA_F_10 AA_NONE
#define AA_F_11 AA_NONE
static const cs_ds_field list1[] = {
#include "returns/annexa/lists.def"
};
#undef AA_F_1
#define AA_F_1 AA_NONE
#undef AA_F_2
#define AA_F_2 AA_KEEP
static const cs_ds_field list2[] = {
#include "returns/annexa/lists.def"
};
#undef AA_F_2
#define AA_F_2 AA_NONE
#undef AA_F_3
#define AA_F_3 AA_KEEP
static const cs_ds_field list3[] = {
#include "returns/annexa/lists.def"
};
#undef AA_F_3
#define AA_F_3 AA_NONE
#undef AA_F_4
#define AA_F_4 AA_KEEP
static const cs_ds_field list4[] = {
#include "returns/annexa/lists.def"
};
#undef AA_F_4
#define AA_F_4 AA_NONE
#undef AA_F_5
#define AA_F_5 AA_KEEP
static const cs_ds_field list5[] = {
#include "returns/annexa/lists.def"
};
#undef AA_F_5
#define AA_F_5 AA_NONE
#undef AA_F_6
#define AA_F_6 AA_KEEP
static const cs_ds_field list6[] = {
#include "returns/annexa/lists.def"
};
#undef AA_F_6
#define AA_F_6 AA_NONE
#undef AA_F_7
#define AA_F_7 AA_KEEP
static const cs_ds_field list7[] = {
#include "returns/annexa/lists.def"
};
#undef AA_F_7
#define AA_F_7 AA_NONE
#undef AA_F_8
#define AA_F_8 AA_KEEP
static const cs_ds_field list8[] = {
#include "returns/annexa/lists.def"
};
#undef AA_F_8
#define AA_F_8 AA_NONE
#undef AA_F_9
#define AA_F_9 AA_KEEP
static const cs_ds_field list9[] = {
#include "returns/annexa/lists.def"
};
#undef AA_F_9
#define AA_F_9 AA_NONE
#undef AA_F_10
#define AA_F_10 AA_KEEP
static const cs_ds_field list10[] = {
#include "returns/annexa/lists.def"
};
#undef AA_F_10
#define AA_F_10 AA_NONE
#undef AA_F_11
#define AA_F_11 AA_KEEP
static const cs_ds_field list11[] = {
#include "returns/annexa/lists.def"
};
#undef AA_FIELD

_Static_assert(sizeof list1 / sizeof list1[0] == CS_AA1_NFIELDS, "List 1 fields");
_Static_assert(sizeof list8 / sizeof list8[0] == CS_AA8_NFIELDS, "List 8 fields");
_Static_assert(CS_AA8_NFIELDS <= CS_AA_MAX_FIELDS, "widest list");

#define LIST_GROUP(n)                                                                    \
    [CS_AA_G_LIST1 + n - 1] = {"List " #n, CS_AA_G_ROOT, list##n,                        \
                               sizeof list##n / sizeof list##n[0], CS_DS_UNORDERED, NULL, NULL}

static const cs_ds_group groups[CS_AA_NGROUPS] = {
    [CS_AA_G_ROOT] = {"Annex A", CS_DS_NO_PARENT, root_fields, CS_AA_R_NFIELDS, CS_DS_UNORDERED,
                      NULL, NULL},
    LIST_GROUP(1), LIST_GROUP(2), LIST_GROUP(3), LIST_GROUP(4), LIST_GROUP(5), LIST_GROUP(6),
    LIST_GROUP(7), LIST_GROUP(8), LIST_GROUP(9), LIST_GROUP(10), LIST_GROUP(11),
    [CS_AA_G_IDENT] = {"Identities", CS_AA_G_ROOT, ident_fields, CS_AA_I_NFIELDS,
                       CS_DS_UNORDERED, NULL, NULL},
};

const cs_ds_schema cs_annexa_schema = {
    .name = "annexa",
    .groups = groups,
    .ngroups = CS_AA_NGROUPS,
    .root_group = CS_AA_G_ROOT,
    .child_group = -1,
    .child_id_field = -1,
    .header_group = CS_AA_G_ROOT,
};
