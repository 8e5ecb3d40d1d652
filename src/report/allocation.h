/* Case allocation for exception lists: which team and worker held a child's
 * case, from the canonical model's involvement history (who held the case
 * when) and its worker and team tables, so each exception row names the
 * people who can fix it.
 *
 * Rules (configurable per job, `allocation: { rule: latest, role: ... }`):
 *   latest    the worker allocated on the reference date: of the child's
 *             involvements in the chosen roles, the one open on that date
 *             (start on or before it, no end or an end on or after it) with
 *             the latest start; when none is open, the latest one that
 *             started on or before it (the last worker to hold the case, so
 *             an exception on a closed case still has someone to ask).
 *   at-event  the same, on the date of the flagged record when it has one
 *             (a referral's, an assessment's, a plan's start); records with
 *             no date, and dates no involvement covers, fall back to
 *             `latest` on the reference date.
 * An involvement with no start date counts as started before any date.
 * Roles: a comma-separated list of involvement role codes; the default is
 * the allocated social worker (ALLOCATED_SW). An involvement with no role
 * is taken to be an allocation (systems that only export allocations).
 * The team is the involvement's team, else the worker's home team; names
 * come from the team and worker tables, falling back to their ids. */
#ifndef CS_REPORT_ALLOCATION_H
#define CS_REPORT_ALLOCATION_H

#include "model/model.h"
#include "util/date.h"
#include "util/diag.h"

typedef enum { CS_ALLOC_LATEST = 0, CS_ALLOC_AT_EVENT } cs_alloc_rule;

#define CS_ALLOC_DEFAULT_ROLES "ALLOCATED_SW"

/* "latest" or "at-event" (also "at_event"); NULL or "" = latest. Anything
 * else is CS_ERR_USAGE with the accepted words. */
cs_status cs_alloc_rule_parse(const char *text, cs_alloc_rule *out, cs_diag *d);
const char *cs_alloc_rule_name(cs_alloc_rule r);

typedef struct {
    cs_alloc_rule rule;
    const char *roles;          /* comma-separated role codes; NULL or "" = the default */
    cs_date reference_date;     /* required */
} cs_allocation_opts;

/* Strings point into the model (valid while it lives); "" when unknown. */
typedef struct {
    const char *team_id, *team;
    const char *worker_id, *worker;
} cs_case_holder;

typedef struct cs_allocation cs_allocation;

/* Indexes the model's involvements in the chosen roles (the model must
 * outlive the allocation). */
cs_allocation *cs_allocation_build(const cs_model *m, const cs_allocation_opts *o);
void cs_allocation_free(cs_allocation *a);

/* Who held person_id's case for a record dated event_date (CS_DATE_NONE when
 * the record has no date, or under `latest`). Returns 1 and fills out when
 * someone did; 0 with out all "" when no involvement applies. */
int cs_allocation_find(const cs_allocation *a, const char *person_id, cs_date event_date,
                       cs_case_holder *out);

/* How many involvements were indexed (tests, summaries). */
size_t cs_allocation_count(const cs_allocation *a);

#endif
