#include "cli/rules_profile.h"

#include <stdlib.h>
#include <string.h>

int cs_cli_rules_profile_wanted(void)
{
    const char *v = getenv("CSCDW_RULES_PROFILE");
    return v && *v && strcmp(v, "0") != 0;
}

void cs_cli_rules_profile_print(FILE *out, cs_rules_profile *p)
{
    size_t top = getenv("CSCDW_RULES_PROFILE_ALL") ? p->n : 30;
    cs_rule_cost all = cs_rules_profile_total(p);
    cs_rules_profile_sort_by_time(p);
    fprintf(out, "rules profile: %zu rules, %.3f s in rules, %llu evaluations, %llu instructions, "
                 "%llu aggregate rows\n",
            p->n, (double)all.ns / 1e9, (unsigned long long)all.evals,
            (unsigned long long)all.ops, (unsigned long long)all.rows);
    fprintf(out, "  %-12s %-22s %8s %6s %11s %12s %12s %9s\n", "rule", "on", "ms", "%",
            "evals", "instrs", "agg rows", "findings");
    for (size_t i = 0; i < p->n && i < top; i++) {
        const cs_rule_cost *c = &p->costs[i];
        fprintf(out, "  %-12s %-22s %8.1f %6.1f %11llu %12llu %12llu %9llu\n", c->code,
                c->scope, (double)c->ns / 1e6,
                all.ns ? 100.0 * (double)c->ns / (double)all.ns : 0.0,
                (unsigned long long)c->evals, (unsigned long long)c->ops,
                (unsigned long long)c->rows, (unsigned long long)c->fires);
    }
}
