/* Per-rule cost figures for tuning rule files and the VM: a caller that
 * wants them (the CLI, when CSCDW_RULES_PROFILE is set) puts a
 * cs_rules_profile in cs_rules_context.profile; cs_rules_run() then runs
 * rule by rule, times every evaluation and fills it. Without one the run
 * takes the untimed path. Showing the figures is the caller's business. */
#ifndef CS_RULES_PROFILE_H
#define CS_RULES_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "rules/rules.h"

typedef struct {
    const char *code;  /* the rule's code and scope (group name, or "return"), */
    const char *scope; /* the profile's own copies */
    uint64_t evals;    /* rows the rule ran on */
    uint64_t fires;    /* findings */
    uint64_t ops;      /* bytecode instructions executed */
    uint64_t rows;     /* rows visited by its aggregates */
    uint64_t ns;       /* wall time in eval, nanoseconds */
} cs_rule_cost;

struct cs_rules_profile {
    cs_rule_cost *costs;   /* one per rule that ran, in the order of the rule set */
    size_t n;
    char *names;           /* the codes and scopes, end to end */
};

/* Zeroes p (a zeroed one is also fine to use). */
void cs_rules_profile_init(cs_rules_profile *p);
void cs_rules_profile_free(cs_rules_profile *p);

uint64_t cs_rules_profile_now_ns(void);

/* The sums over every rule (code and scope NULL). */
cs_rule_cost cs_rules_profile_total(const cs_rules_profile *p);

/* Orders p->costs by time, costliest first. */
void cs_rules_profile_sort_by_time(cs_rules_profile *p);

#endif
