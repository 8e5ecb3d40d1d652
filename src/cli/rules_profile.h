/* The per-rule cost table (CSCDW_RULES_PROFILE): whether the user asked for
 * it, and printing what cs_rules_run collected (rules/profile.h). A tuning
 * aid, printed to stderr by every command that runs rules. */
#ifndef CS_CLI_RULES_PROFILE_H
#define CS_CLI_RULES_PROFILE_H

#include <stdio.h>

#include "rules/profile.h"

/* CSCDW_RULES_PROFILE is set and not "0". */
int cs_cli_rules_profile_wanted(void);

/* The totals and the 30 costliest rules (every rule with
 * CSCDW_RULES_PROFILE_ALL set); orders p by time. */
void cs_cli_rules_profile_print(FILE *out, cs_rules_profile *p);

#endif
