/* The per-rule cost report (see profile.h). */
#include "rules/profile.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

int cs_rules_profile_wanted(void)
{
    const char *v = getenv("CSCDW_RULES_PROFILE");
    return v && *v && strcmp(v, "0") != 0;
}

uint64_t cs_rules_profile_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int by_time_desc(const void *a, const void *b)
{
    const cs_rule_cost *x = a, *y = b;
    return x->ns < y->ns ? 1 : x->ns > y->ns ? -1 : 0;
}

void cs_rules_profile_print(FILE *out, cs_rule_cost *costs, size_t n, size_t top)
{
    cs_rule_cost all = {0};
    for (size_t i = 0; i < n; i++) {
        all.evals += costs[i].evals;
        all.fires += costs[i].fires;
        all.ops += costs[i].ops;
        all.rows += costs[i].rows;
        all.ns += costs[i].ns;
    }
    qsort(costs, n, sizeof *costs, by_time_desc);
    fprintf(out, "rules profile: %zu rules, %.3f s in rules, %llu evaluations, %llu instructions, "
                 "%llu aggregate rows\n",
            n, (double)all.ns / 1e9, (unsigned long long)all.evals, (unsigned long long)all.ops,
            (unsigned long long)all.rows);
    fprintf(out, "  %-12s %-22s %8s %6s %11s %12s %12s %9s\n", "rule", "on", "ms", "%",
            "evals", "instrs", "agg rows", "findings");
    for (size_t i = 0; i < n && i < top; i++) {
        const cs_rule_cost *c = &costs[i];
        fprintf(out, "  %-12s %-22s %8.1f %6.1f %11llu %12llu %12llu %9llu\n", c->rule->code,
                c->rule->scope, (double)c->ns / 1e6, all.ns ? 100.0 * (double)c->ns / (double)all.ns : 0.0,
                (unsigned long long)c->evals, (unsigned long long)c->ops,
                (unsigned long long)c->rows, (unsigned long long)c->fires);
    }
}
