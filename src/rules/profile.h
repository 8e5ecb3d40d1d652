/* Per-rule cost report for tuning rule files and the VM: with the
 * environment variable CSCDW_RULES_PROFILE set, cs_rules_run() times every
 * evaluation and prints the costliest rules to stderr when it ends. It is a
 * tuning aid asked for by the user, not a diagnostic, hence the direct
 * print; with the variable unset the run takes the untimed path. */
#ifndef CS_RULES_PROFILE_H
#define CS_RULES_PROFILE_H

#include <stdint.h>
#include <stdio.h>

#include "rules/rules.h"

typedef struct {
    const cs_rule *rule;
    uint64_t evals;    /* rows the rule ran on */
    uint64_t fires;    /* findings */
    uint64_t ops;      /* bytecode instructions executed */
    uint64_t rows;     /* rows visited by its aggregates */
    uint64_t ns;       /* wall time in eval, nanoseconds */
} cs_rule_cost;

/* Whether CSCDW_RULES_PROFILE asks for a report (set and not "0"). */
int cs_rules_profile_wanted(void);

uint64_t cs_rules_profile_now_ns(void);

/* The `top` costliest rules by time, with totals, sorted in place. */
void cs_rules_profile_print(FILE *out, cs_rule_cost *costs, size_t n, size_t top);

#endif
