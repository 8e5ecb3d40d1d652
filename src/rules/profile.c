/* The per-rule cost figures (see profile.h). */
#include "rules/profile.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

void cs_rules_profile_init(cs_rules_profile *p)
{
    memset(p, 0, sizeof *p);
}

void cs_rules_profile_free(cs_rules_profile *p)
{
    free(p->costs);
    free(p->names);
    memset(p, 0, sizeof *p);
}

uint64_t cs_rules_profile_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

cs_rule_cost cs_rules_profile_total(const cs_rules_profile *p)
{
    cs_rule_cost all = {0};
    for (size_t i = 0; i < p->n; i++) {
        all.evals += p->costs[i].evals;
        all.fires += p->costs[i].fires;
        all.ops += p->costs[i].ops;
        all.rows += p->costs[i].rows;
        all.ns += p->costs[i].ns;
    }
    return all;
}

static int by_time_desc(const void *a, const void *b)
{
    const cs_rule_cost *x = a, *y = b;
    return x->ns < y->ns ? 1 : x->ns > y->ns ? -1 : 0;
}

void cs_rules_profile_sort_by_time(cs_rules_profile *p)
{
    if (p->n)
        qsort(p->costs, p->n, sizeof *p->costs, by_time_desc);
}
