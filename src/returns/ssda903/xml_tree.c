/* The SSDA903 XML element tree (spec 2.1), shared by the XML reader and
 * writer: which element is a row of which group and which is a value of
 * which field. Kids are listed in the order the writer emits them: inside
 * HEADER and EPISODE the CSV column order (DfE's XSD order was not
 * available), then the items and groups that only the XML has. */
#include <string.h>

#include "returns/ssda903/internal.h"

#define KIDS(a) (a), (uint32_t)(sizeof(a) / sizeof((a)[0]))
#define ROW(n, g, rep, k) {n, S903_X_ROW, rep, g, -1, KIDS(k)}
#define LEAF(n, g, f) {n, S903_X_LEAF, 0, g, f, NULL, 0}

static const s903_xnode x_review[] = {
    LEAF("REVIEW", CS_903_G_REVIEWS, CS_903_R_REVIEW),
    LEAF("REVIEW_CODE", CS_903_G_REVIEWS, CS_903_R_REVIEW_CODE),
};

static const s903_xnode x_missing[] = {
    LEAF("MISSING", CS_903_G_MISSING, CS_903_M_MISSING),
    LEAF("MIS_START", CS_903_G_MISSING, CS_903_M_MIS_START),
    LEAF("MIS_END", CS_903_G_MISSING, CS_903_M_MIS_END),
};

static const s903_xnode x_placed[] = {
    LEAF("DATE_PLACED", CS_903_G_PLACED, CS_903_PA_DATE_PLACED),
    LEAF("DATE_PLACED_CEASED", CS_903_G_PLACED, CS_903_PA_DATE_PLACED_CEASED),
    LEAF("REASON_PLACED_CEASED", CS_903_G_PLACED, CS_903_PA_REASON_PLACED_CEASED),
};

static const s903_xnode x_permanence[] = {
    LEAF("PREV_PERM", CS_903_G_PREVPERM, CS_903_PP_PREV_PERM),
    LEAF("LA_PERM", CS_903_G_PREVPERM, CS_903_PP_LA_PERM),
    LEAF("DATE_PERM", CS_903_G_PREVPERM, CS_903_PP_DATE_PERM),
};

static const s903_xnode x_oc2[] = {
    LEAF("SDQ_SCORE", CS_903_G_OC2, CS_903_O2_SDQ_SCORE),
    LEAF("SDQ_REASON", CS_903_G_OC2, CS_903_O2_SDQ_REASON),
    LEAF("CONVICTED", CS_903_G_OC2, CS_903_O2_CONVICTED),
    LEAF("HEALTH_CHECK", CS_903_G_OC2, CS_903_O2_HEALTH_CHECK),
    LEAF("IMMUNISATIONS", CS_903_G_OC2, CS_903_O2_IMMUNISATIONS),
    LEAF("TEETH_CHECK", CS_903_G_OC2, CS_903_O2_TEETH_CHECK),
    LEAF("HEALTH_ASSESSMENT", CS_903_G_OC2, CS_903_O2_HEALTH_ASSESSMENT),
    LEAF("SUBSTANCE_MISUSE", CS_903_G_OC2, CS_903_O2_SUBSTANCE_MISUSE),
    LEAF("INTERVENTION_RECEIVED", CS_903_G_OC2, CS_903_O2_INTERVENTION_RECEIVED),
    LEAF("INTERVENTION_OFFERED", CS_903_G_OC2, CS_903_O2_INTERVENTION_OFFERED),
};

static const s903_xnode x_header[] = {
    LEAF("CHILDID", CS_903_G_HEADER, CS_903_H_CHILD),
    LEAF("SEX", CS_903_G_HEADER, CS_903_H_SEX),
    LEAF("DOB", CS_903_G_HEADER, CS_903_H_DOB),
    LEAF("ETHNIC", CS_903_G_HEADER, CS_903_H_ETHNIC),
    LEAF("UPN", CS_903_G_HEADER, CS_903_H_UPN),
    LEAF("MOTHER", CS_903_G_HEADER, CS_903_H_MOTHER),
    LEAF("MC_DOB", CS_903_G_HEADER, CS_903_H_MC_DOB),
    LEAF("UASC", CS_903_G_HEADER, CS_903_H_UASC),
    LEAF("DUC", CS_903_G_UASC, CS_903_U_DUC),
    LEAF("IN_TOUCH", CS_903_G_OC3, CS_903_O3_IN_TOUCH),
    LEAF("ACTIV", CS_903_G_OC3, CS_903_O3_ACTIV),
    LEAF("ACCOM", CS_903_G_OC3, CS_903_O3_ACCOM),
    LEAF("DATE_INT", CS_903_G_AD1, CS_903_A_DATE_INT),
    LEAF("DATE_MATCH", CS_903_G_AD1, CS_903_A_DATE_MATCH),
    LEAF("FOSTER_CARE", CS_903_G_AD1, CS_903_A_FOSTER_CARE),
    LEAF("NB_ADOPTR", CS_903_G_AD1, CS_903_A_NB_ADOPTR),
    LEAF("SEX_ADOPTR", CS_903_G_AD1, CS_903_A_SEX_ADOPTR),
    LEAF("LS_ADOPTR", CS_903_G_AD1, CS_903_A_LS_ADOPTR),
    ROW("AREVIEW", CS_903_G_REVIEWS, 1, x_review),
    ROW("AMISSING", CS_903_G_MISSING, 1, x_missing),
    ROW("AD_PLACED", CS_903_G_PLACED, 1, x_placed),
    ROW("PERMANENCE", CS_903_G_PREVPERM, 0, x_permanence),
    ROW("OC2", CS_903_G_OC2, 0, x_oc2),
};

static const s903_xnode x_episode[] = {
    LEAF("DECOM", CS_903_G_EPISODES, CS_903_E_DECOM),
    LEAF("RNE", CS_903_G_EPISODES, CS_903_E_RNE),
    LEAF("LS", CS_903_G_EPISODES, CS_903_E_LS),
    LEAF("CIN", CS_903_G_EPISODES, CS_903_E_CIN),
    LEAF("PL", CS_903_G_EPISODES, CS_903_E_PLACE),
    LEAF("PLACE_PROVIDER", CS_903_G_EPISODES, CS_903_E_PLACE_PROVIDER),
    LEAF("DEC", CS_903_G_EPISODES, CS_903_E_DEC),
    LEAF("REC", CS_903_G_EPISODES, CS_903_E_REC),
    LEAF("REASON_PLACE_CHANGE", CS_903_G_EPISODES, CS_903_E_REASON_PLACE_CHANGE),
    LEAF("HOME_POST", CS_903_G_EPISODES, CS_903_E_HOME_POST),
    LEAF("PL_POST", CS_903_G_EPISODES, CS_903_E_PL_POST),
    LEAF("URN", CS_903_G_EPISODES, CS_903_E_URN),
};

static const s903_xnode x_child[] = {
    ROW("HEADER", CS_903_G_HEADER, 0, x_header),
    ROW("EPISODE", CS_903_G_EPISODES, 1, x_episode),
};

static const s903_xnode x_root[] = {
    ROW("CHILD", CS_903_G_CHILD, 1, x_child),
};

const s903_xnode s903_xml_root = ROW("EXPSSDA903", CS_903_G_ROOT, 0, x_root);

const s903_xnode *s903_xnode_kid(const s903_xnode *x, const char *name, uint32_t *index)
{
    for (uint32_t i = 0; i < x->nkids; i++)
        if (strcmp(x->kids[i].name, name) == 0) {
            if (index)
                *index = i;
            return &x->kids[i];
        }
    return NULL;
}
