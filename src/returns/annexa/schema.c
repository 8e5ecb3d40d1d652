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

/* Every list's fields one after another, in lists.def order; each list's
 * group points at its slice. */
#define AA_FIELD(list, name, heading, type) {heading, type, NULL},
static const cs_ds_field all_fields[] = {
#include "returns/annexa/lists.def"
};
#undef AA_FIELD

enum {
    OFF1 = 0,
    OFF2 = OFF1 + CS_AA1_NFIELDS,
    OFF3 = OFF2 + CS_AA2_NFIELDS,
    OFF4 = OFF3 + CS_AA3_NFIELDS,
    OFF5 = OFF4 + CS_AA4_NFIELDS,
    OFF6 = OFF5 + CS_AA5_NFIELDS,
    OFF7 = OFF6 + CS_AA6_NFIELDS,
    OFF8 = OFF7 + CS_AA7_NFIELDS,
    OFF9 = OFF8 + CS_AA8_NFIELDS,
    OFF10 = OFF9 + CS_AA9_NFIELDS,
    OFF11 = OFF10 + CS_AA10_NFIELDS,
    OFF_END = OFF11 + CS_AA11_NFIELDS
};
_Static_assert(sizeof all_fields / sizeof all_fields[0] == OFF_END, "lists.def and schema.h agree");
_Static_assert(CS_AA8_NFIELDS <= CS_AA_MAX_FIELDS, "widest list");

#define LIST_GROUP(n)                                                                    \
    [CS_AA_G_LIST1 + n - 1] = {"List " #n,      CS_AA_G_ROOT,    all_fields + OFF##n,        \
                               CS_AA##n##_NFIELDS, CS_DS_UNORDERED, NULL,            NULL}

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
