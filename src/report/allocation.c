#include "report/allocation.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/arena.h"

typedef struct {
    const char *person;
    const char *worker_id;
    const char *team_id;
    cs_date start, end;     /* start CS_DATE_NONE = before any date; end NONE = open */
    uint32_t seq;           /* model order, to keep sorting stable */
} alloc_item;

typedef struct {
    const char *id;
    const char *name;
    const char *team_id;    /* workers: home team */
} named;

struct cs_allocation {
    alloc_item *items;
    size_t count;
    named *workers, *teams;
    size_t nworkers, nteams;
    cs_alloc_rule rule;
    cs_date reference_date;
};

cs_status cs_alloc_rule_parse(const char *text, cs_alloc_rule *out, cs_diag *d)
{
    if (!text || !*text || strcmp(text, "latest") == 0) {
        *out = CS_ALLOC_LATEST;
        return CS_OK;
    }
    if (strcmp(text, "at-event") == 0 || strcmp(text, "at_event") == 0) {
        *out = CS_ALLOC_AT_EVENT;
        return CS_OK;
    }
    return cs_diag_set(d, CS_ERR_USAGE, NULL, 0, 0,
                       "unknown allocation rule '%s': use latest or at-event", text);
}

const char *cs_alloc_rule_name(cs_alloc_rule r)
{
    return r == CS_ALLOC_AT_EVENT ? "at-event" : "latest";
}

static int role_matches(const char *role, const char *roles)
{
    if (!role || !*role)
        return 1;
    size_t rn = strlen(role);
    const char *p = roles;
    while (*p) {
        while (*p == ',' || *p == ' ')
            p++;
        const char *e = p;
        while (*e && *e != ',')
            e++;
        const char *t = e;
        while (t > p && t[-1] == ' ')
            t--;
        if ((size_t)(t - p) == rn && strncasecmp(p, role, rn) == 0)
            return 1;
        p = e;
    }
    return 0;
}

static int by_person_start(const void *a, const void *b)
{
    const alloc_item *x = a, *y = b;
    int c = strcmp(x->person, y->person);
    if (c)
        return c;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int by_id(const void *a, const void *b)
{
    return strcmp(((const named *)a)->id, ((const named *)b)->id);
}

static named *index_names(const cs_model *m, cs_entity_id e, size_t *n)
{
    size_t count = m->tables[e].count;
    named *v = cs_xcalloc(count ? count : 1, sizeof *v);
    size_t k = 0;
    for (size_t i = 0; i < count; i++) {
        if (e == CS_E_worker) {
            const cs_worker *w = &CS_TABLE(m, worker)[i];
            if (w->id && *w->id)
                v[k++] = (named){w->id, w->name, w->team_id};
        } else {
            const cs_team *t = &CS_TABLE(m, team)[i];
            if (t->id && *t->id)
                v[k++] = (named){t->id, t->name, NULL};
        }
    }
    qsort(v, k, sizeof *v, by_id);
    *n = k;
    return v;
}

cs_allocation *cs_allocation_build(const cs_model *m, const cs_allocation_opts *o)
{
    cs_allocation *a = cs_xcalloc(1, sizeof *a);
    a->rule = o->rule;
    a->reference_date = o->reference_date;
    const char *roles = o->roles && *o->roles ? o->roles : CS_ALLOC_DEFAULT_ROLES;
    size_t n = CS_COUNT(m, involvement);
    a->items = cs_xcalloc(n ? n : 1, sizeof *a->items);
    const cs_involvement *inv = CS_TABLE(m, involvement);
    for (size_t i = 0; i < n; i++) {
        const cs_involvement *v = &inv[i];
        if (!v->person_id || !*v->person_id || !role_matches(v->role, roles))
            continue;
        if ((!v->worker_id || !*v->worker_id) && (!v->team_id || !*v->team_id))
            continue;
        a->items[a->count++] = (alloc_item){v->person_id, v->worker_id, v->team_id,
                                            v->start_date, v->end_date, (uint32_t)i};
    }
    qsort(a->items, a->count, sizeof *a->items, by_person_start);
    a->workers = index_names(m, CS_E_worker, &a->nworkers);
    a->teams = index_names(m, CS_E_team, &a->nteams);
    return a;
}

void cs_allocation_free(cs_allocation *a)
{
    if (!a)
        return;
    free(a->items);
    free(a->workers);
    free(a->teams);
    free(a);
}

size_t cs_allocation_count(const cs_allocation *a)
{
    return a ? a->count : 0;
}

static const named *find_named(const named *v, size_t n, const char *id)
{
    if (!id || !*id)
        return NULL;
    named key = {.id = id};
    return bsearch(&key, v, n, sizeof *v, by_id);
}

/* The child's involvement holding the case on date `on`: open on it with
 * the latest start, else (when allow_ended) the latest started by then. */
static const alloc_item *holder_on(const alloc_item *first, size_t n, cs_date on, int allow_ended)
{
    const alloc_item *open = NULL, *ended = NULL;
    for (size_t i = 0; i < n; i++) {
        const alloc_item *it = &first[i];
        if (it->start != CS_DATE_NONE && it->start > on)
            break;   /* sorted by start: the rest start later */
        if (it->end == CS_DATE_NONE || it->end >= on)
            open = it;
        else
            ended = it;
    }
    return open ? open : (allow_ended ? ended : NULL);
}

int cs_allocation_find(const cs_allocation *a, const char *person_id, cs_date event_date,
                       cs_case_holder *out)
{
    *out = (cs_case_holder){"", "", "", ""};
    if (!a || !person_id || !*person_id || !a->count)
        return 0;
    /* lower bound of the person's items */
    size_t lo = 0, hi = a->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(a->items[mid].person, person_id) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < a->count && strcmp(a->items[end].person, person_id) == 0)
        end++;
    if (end == lo)
        return 0;
    const alloc_item *it = NULL;
    if (a->rule == CS_ALLOC_AT_EVENT && event_date != CS_DATE_NONE)
        it = holder_on(&a->items[lo], end - lo, event_date, 0);
    if (!it && a->reference_date != CS_DATE_NONE)
        it = holder_on(&a->items[lo], end - lo, a->reference_date, 1);
    if (!it)
        return 0;
    const named *w = find_named(a->workers, a->nworkers, it->worker_id);
    const char *team_id = it->team_id && *it->team_id ? it->team_id : (w ? w->team_id : NULL);
    const named *t = find_named(a->teams, a->nteams, team_id);
    out->worker_id = it->worker_id ? it->worker_id : "";
    out->worker = w && w->name && *w->name ? w->name : out->worker_id;
    out->team_id = team_id ? team_id : "";
    out->team = t && t->name && *t->name ? t->name : out->team_id;
    return 1;
}
