/* A test schema for the rule-language tests: the CIN census tree (trimmed)
 * plus a 903-style Episodes table ordered by DECOM under the child, and
 * helpers to compile rule text against it. Included by the test_rules_*
 * files only. */
#ifndef TESTS_UNIT_RULES_SCHEMA_H
#define TESTS_UNIT_RULES_SCHEMA_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset/dataset.h"
#include "rules/rules.h"

enum { RG_MSG, RG_HDR, RG_CHILD, RG_DIS, RG_CIN, RG_ASS, RG_S47, RG_CPP, RG_REV, RG_EP, RG_N };
enum { H_YEAR, H_REF, H_LEA };
enum { C_ID, C_UPN, C_DOB, C_EDD, C_SEX, C_DOD, C_ETH, C_POST, C_UNKNOWN };
enum { D_DIS };
enum { E_REF, E_CLOSE, E_RFC, E_NFA, E_ICPC, E_SRC };
enum { A_START, A_AUTH };
enum { S_START, S_ICPC, S_NOTREQ };
enum { P_START, P_END, P_PREV };
enum { R_DATE };
enum { EP_DECOM, EP_DEC, EP_RNE, EP_LS, EP_PLACE, EP_REC, EP_URN, EP_POST };

static const cs_ds_field rt_hdr[] = {{"Year", CS_DT_INT, "year"},
                                     {"ReferenceDate", CS_DT_DATE, "reference date"},
                                     {"LEA", CS_DT_CODE, "LA number"}};
static const cs_ds_field rt_child[] = {
    {"LAchildID", CS_DT_STR, NULL},   {"UPN", CS_DT_STR, NULL},
    {"PersonBirthDate", CS_DT_DATE, NULL}, {"ExpectedPersonBirthDate", CS_DT_DATE, NULL},
    {"Sex", CS_DT_CODE, NULL},        {"PersonDeathDate", CS_DT_DATE, NULL},
    {"Ethnicity", CS_DT_CODE, NULL},  {"Postcode", CS_DT_STR, NULL},
    {"UPNunknown", CS_DT_CODE, NULL}};
static const cs_ds_field rt_dis[] = {{"Disability", CS_DT_CODE, NULL}};
static const cs_ds_field rt_cin[] = {
    {"CINreferralDate", CS_DT_DATE, NULL}, {"CINclosureDate", CS_DT_DATE, NULL},
    {"ReasonForClosure", CS_DT_CODE, NULL}, {"ReferralNFA", CS_DT_BOOL, NULL},
    {"DateOfInitialCPC", CS_DT_DATE, NULL}, {"ReferralSource", CS_DT_CODE, NULL}};
static const cs_ds_field rt_ass[] = {{"AssessmentActualStartDate", CS_DT_DATE, NULL},
                                     {"AssessmentAuthorisationDate", CS_DT_DATE, NULL}};
static const cs_ds_field rt_s47[] = {{"S47ActualStartDate", CS_DT_DATE, NULL},
                                     {"DateOfInitialCPC", CS_DT_DATE, NULL},
                                     {"ICPCnotRequired", CS_DT_BOOL, NULL}};
static const cs_ds_field rt_cpp[] = {{"CPPstartDate", CS_DT_DATE, NULL},
                                     {"CPPendDate", CS_DT_DATE, NULL},
                                     {"NumberOfPreviousCPP", CS_DT_INT, NULL}};
static const cs_ds_field rt_rev[] = {{"CPPreviewDate", CS_DT_DATE, NULL}};
static const cs_ds_field rt_ep[] = {{"DECOM", CS_DT_DATE, NULL}, {"DEC", CS_DT_DATE, NULL},
                                    {"RNE", CS_DT_CODE, NULL},   {"LS", CS_DT_CODE, NULL},
                                    {"PLACE", CS_DT_CODE, NULL}, {"REC", CS_DT_CODE, NULL},
                                    {"URN", CS_DT_STR, NULL},    {"PL_POST", CS_DT_STR, NULL}};
static const char *const rt_child_alias[] = {"ChildIdentifiers", "ChildCharacteristics", NULL};

#define RT_N(a) (uint32_t)(sizeof(a) / sizeof((a)[0]))
static const cs_ds_group rt_groups[RG_N] = {
    [RG_MSG] = {"Message", CS_DS_NO_PARENT, NULL, 0, CS_DS_UNORDERED, NULL, NULL},
    [RG_HDR] = {"Header", RG_MSG, rt_hdr, RT_N(rt_hdr), CS_DS_UNORDERED, NULL, NULL},
    [RG_CHILD] = {"Child", RG_MSG, rt_child, RT_N(rt_child), CS_DS_UNORDERED, rt_child_alias, NULL},
    [RG_DIS] = {"Disabilities", RG_CHILD, rt_dis, RT_N(rt_dis), CS_DS_UNORDERED, NULL, NULL},
    [RG_CIN] = {"CINdetails", RG_CHILD, rt_cin, RT_N(rt_cin), CS_DS_UNORDERED, NULL, NULL},
    [RG_ASS] = {"Assessments", RG_CIN, rt_ass, RT_N(rt_ass), CS_DS_UNORDERED, NULL, NULL},
    [RG_S47] = {"Section47", RG_CIN, rt_s47, RT_N(rt_s47), CS_DS_UNORDERED, NULL, NULL},
    [RG_CPP] = {"ChildProtectionPlans", RG_CIN, rt_cpp, RT_N(rt_cpp), CS_DS_UNORDERED, NULL, NULL},
    [RG_REV] = {"Reviews", RG_CPP, rt_rev, RT_N(rt_rev), CS_DS_UNORDERED, NULL, NULL},
    [RG_EP] = {"Episodes", RG_CHILD, rt_ep, RT_N(rt_ep), EP_DECOM, NULL, NULL},
};
static const cs_ds_schema rt_schema = {"rtest", rt_groups, RG_N, RG_MSG, RG_CHILD, C_ID, RG_HDR};

/* Compile text; on failure the errors are printed (so a failing test shows
 * why) and NULL is returned. */
static inline cs_ruleset *rt_compile(const char *text, const char *year)
{
    cs_ruleset_opts o;
    memset(&o, 0, sizeof o);
    o.text = text;
    o.text_len = strlen(text);
    o.text_name = "t.rules";
    o.schema = &rt_schema;
    o.year = year;
    cs_rule_errors errs;
    cs_rule_errors_init(&errs);
    cs_ruleset *rs = NULL;
    cs_diag d;
    cs_diag_clear(&d);
    if (cs_ruleset_load(&rs, &o, &errs, &d) != CS_OK) {
        for (size_t i = 0; i < errs.count; i++)
            fprintf(stderr, "%s\n", errs.items[i].text);
        fprintf(stderr, "%s\n", d.msg);
    }
    cs_rule_errors_free(&errs);
    return rs;
}

/* Compile text expected to fail; fills errs (caller frees). */
static inline int rt_compile_errors(const char *text, cs_rule_errors *errs)
{
    cs_ruleset_opts o;
    memset(&o, 0, sizeof o);
    o.text = text;
    o.text_len = strlen(text);
    o.text_name = "t.rules";
    o.schema = &rt_schema;
    o.year = "2025-26";
    cs_rule_errors_init(errs);
    cs_ruleset *rs = NULL;
    cs_diag d;
    cs_diag_clear(&d);
    cs_status st = cs_ruleset_load(&rs, &o, errs, &d);
    cs_ruleset_free(rs);
    return st != CS_OK;
}

#endif
