/* The canonical model indexed for the Annex A builder: people by id, each
 * entity's rows grouped per person in date order (a counting sort by
 * person, then a small insertion sort inside each person), workers and
 * teams by id, allocation from the involvement history, and the setters
 * that write values through the template. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "returns/annexa/internal.h"

#define NO_DATE_FIELD ((size_t)-1)

static cs_date row_date(const unsigned char *row, size_t date_off)
{
    if (date_off == NO_DATE_FIELD)
        return CS_DATE_NONE;
    cs_date v;
    memcpy(&v, row + date_off, sizeof v);
    return v;
}

static void group(aa_build *b, cs_entity_id e, size_t person_off, size_t date_off, aa_by_person *out)
{
    const cs_table *t = &b->m->tables[e];
    size_t size = cs_entities[e].size;
    uint32_t np = b->nperson;
    out->start = cs_xcalloc((size_t)np + 2, sizeof *out->start);
    uint32_t *owner = cs_xmalloc((t->count ? t->count : 1) * sizeof *owner);
    for (size_t i = 0; i < t->count; i++) {
        const char *pid;
        memcpy(&pid, t->rows + i * size + person_off, sizeof pid);
        uint32_t p = pid ? aa_person(b, pid) : UINT32_MAX;
        owner[i] = p;
        if (p != UINT32_MAX)
            out->start[p + 1]++;
    }
    for (uint32_t p = 0; p < np; p++)
        out->start[p + 1] += out->start[p];
    uint32_t total = out->start[np];
    out->rows = cs_xmalloc((total ? total : 1) * sizeof *out->rows);
    uint32_t *fill = cs_xmalloc(((size_t)np + 1) * sizeof *fill);
    memcpy(fill, out->start, ((size_t)np + 1) * sizeof *fill);
    for (size_t i = 0; i < t->count; i++)
        if (owner[i] != UINT32_MAX)
            out->rows[fill[owner[i]]++] = (uint32_t)i;
    free(fill);
    free(owner);
    if (date_off == NO_DATE_FIELD)
        return;
    for (uint32_t p = 0; p < np; p++) {
        uint32_t a = out->start[p], z = out->start[p + 1];
        for (uint32_t i = a + 1; i < z; i++) {
            uint32_t r = out->rows[i];
            cs_date dr = row_date(t->rows + (size_t)r * size, date_off);
            uint32_t j = i;
            while (j > a) {
                uint32_t q = out->rows[j - 1];
                cs_date dq = row_date(t->rows + (size_t)q * size, date_off);
                if (dq < dr || (dq == dr && q < r))
                    break;
                out->rows[j] = q;
                j--;
            }
            out->rows[j] = r;
        }
    }
}

#define GROUP(b, ent, datef, out)                                                            \
    group(b, CS_E_##ent, offsetof(cs_##ent, person_id), offsetof(cs_##ent, datef), out)
#define GROUP_NODATE(b, ent, out)                                                            \
    group(b, CS_E_##ent, offsetof(cs_##ent, person_id), NO_DATE_FIELD, out)

void aa_index_init(aa_build *b)
{
    const cs_model *m = b->m;
    b->nperson = (uint32_t)CS_COUNT(m, person);
    cs_strmap_init(&b->person_ix);
    const cs_person *pe = CS_TABLE(m, person);
    for (uint32_t i = 0; i < b->nperson; i++)
        if (pe[i].id)
            cs_strmap_put(&b->person_ix, pe[i].id, i);
    cs_strmap_init(&b->worker_ix);
    const cs_worker *w = CS_TABLE(m, worker);
    for (uint32_t i = 0; i < CS_COUNT(m, worker); i++)
        if (w[i].id)
            cs_strmap_put(&b->worker_ix, w[i].id, i);
    cs_strmap_init(&b->team_ix);
    const cs_team *tm = CS_TABLE(m, team);
    for (uint32_t i = 0; i < CS_COUNT(m, team); i++)
        if (tm[i].id)
            cs_strmap_put(&b->team_ix, tm[i].id, i);
    cs_strmap_init(&b->la_names);

    GROUP(b, contact, contact_date, &b->contact);
    GROUP(b, early_help, start_date, &b->early_help);
    GROUP(b, referral, referral_date, &b->referral);
    GROUP(b, assessment, start_date, &b->assessment);
    GROUP(b, cin_plan, start_date, &b->cin_plan);
    GROUP(b, s47, start_date, &b->s47);
    GROUP(b, icpc, conference_date, &b->icpc);
    GROUP(b, cp_plan, start_date, &b->cp_plan);
    GROUP(b, cp_review, review_date, &b->cp_review);
    GROUP(b, visit, visit_date, &b->visit);
    GROUP(b, cla_period, start_date, &b->cla_period);
    GROUP(b, cla_placement, start_date, &b->cla_placement);
    GROUP(b, legal_status, start_date, &b->legal_status);
    GROUP(b, cla_episode, start_date, &b->cla_episode);
    GROUP(b, cla_review, review_date, &b->cla_review);
    GROUP(b, health_check, check_date, &b->health_check);
    GROUP(b, missing_episode, start_date, &b->missing_episode);
    GROUP(b, care_leaver, latest_contact_date, &b->care_leaver);
    GROUP(b, permanence, decision_date, &b->permanence);
    GROUP(b, involvement, start_date, &b->involvement);
    GROUP_NODATE(b, disability, &b->disability);
    GROUP(b, immigration_status, start_date, &b->immigration);

    const cs_involvement *inv = CS_TABLE(m, involvement);
    for (size_t i = 0; i < CS_COUNT(m, involvement) && !b->have_involvement; i++)
        b->have_involvement = aa_eq(inv[i].role, b->role);
}

static void free_group(aa_by_person *g)
{
    free(g->start);
    free(g->rows);
}

void aa_index_free(aa_build *b)
{
    aa_by_person *all[] = {&b->contact, &b->early_help, &b->referral, &b->assessment, &b->cin_plan, &b->s47,
                           &b->icpc, &b->cp_plan, &b->cp_review, &b->visit, &b->cla_period,
                           &b->cla_placement, &b->legal_status, &b->cla_episode, &b->cla_review,
                           &b->health_check, &b->missing_episode, &b->care_leaver,
                           &b->permanence, &b->involvement, &b->disability, &b->immigration};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        free_group(all[i]);
    cs_strmap_free(&b->person_ix);
    cs_strmap_free(&b->worker_ix);
    cs_strmap_free(&b->team_ix);
    cs_strmap_free(&b->la_names);
    cs_903_postcodes_free(b->postcodes);
    free(b->dsfile);
}

uint32_t aa_person(const aa_build *b, const char *id)
{
    uint32_t v;
    return id && cs_strmap_get(&b->person_ix, id, strlen(id), &v) ? v : UINT32_MAX;
}

const char *aa_worker_name(const aa_build *b, const char *worker_id)
{
    uint32_t v;
    if (!worker_id || !cs_strmap_get(&b->worker_ix, worker_id, strlen(worker_id), &v))
        return worker_id;   /* an unknown worker is shown by id rather than hidden */
    const cs_worker *w = &CS_TABLE(b->m, worker)[v];
    return w->name && *w->name ? w->name : w->id;
}

const char *aa_worker_team(const aa_build *b, const char *worker_id)
{
    uint32_t v;
    if (!worker_id || !cs_strmap_get(&b->worker_ix, worker_id, strlen(worker_id), &v))
        return NULL;
    return CS_TABLE(b->m, worker)[v].team_id;
}

const char *aa_team_name(const aa_build *b, const char *team_id)
{
    uint32_t v;
    if (!team_id || !cs_strmap_get(&b->team_ix, team_id, strlen(team_id), &v))
        return team_id;
    const cs_team *t = &CS_TABLE(b->m, team)[v];
    return t->name && *t->name ? t->name : t->id;
}

/* ---- allocation ---------------------------------------------------------------- */

static const cs_involvement *inv_at(const aa_build *b, uint32_t p, cs_date when)
{
    const cs_involvement *all = CS_TABLE(b->m, involvement), *best = NULL;
    uint32_t i, n;
    aa_range(&b->involvement, p, &i, &n);
    for (; i < n; i++) {
        const cs_involvement *v = &all[b->involvement.rows[i]];
        if (!aa_eq(v->role, b->role) || v->start_date == CS_DATE_NONE || v->start_date > when)
            continue;
        if (v->end_date != CS_DATE_NONE && v->end_date < when)
            continue;
        best = v;   /* rows are in start order: the last one wins */
    }
    return best;
}

static const cs_involvement *inv_latest(const aa_build *b, uint32_t p)
{
    const cs_involvement *open = inv_at(b, p, b->insp);
    if (open)
        return open;
    const cs_involvement *all = CS_TABLE(b->m, involvement), *best = NULL;
    uint32_t i, n;
    aa_range(&b->involvement, p, &i, &n);
    for (; i < n; i++) {
        const cs_involvement *v = &all[b->involvement.rows[i]];
        if (!aa_eq(v->role, b->role) || v->start_date == CS_DATE_NONE || v->start_date > b->insp)
            continue;
        if (!best || v->end_date >= best->end_date)
            best = v;
    }
    return best;
}

void aa_allocation(const aa_build *b, int list, uint32_t p, cs_date when, const char *rec_worker,
                   const char *rec_team, const char **team, const char **worker)
{
    const cs_involvement *v = NULL;
    if (b->o->alloc[list] == CS_AA_ALLOC_AT_EVENT && when != CS_DATE_NONE) {
        v = inv_at(b, p, when);
        if (!v && (rec_worker || rec_team)) {
            *worker = aa_worker_name(b, rec_worker);
            *team = aa_team_name(b, rec_team ? rec_team : aa_worker_team(b, rec_worker));
            return;
        }
    }
    if (!v)
        v = inv_latest(b, p);
    if (v) {
        *worker = aa_worker_name(b, v->worker_id);
        *team = aa_team_name(b, v->team_id ? v->team_id : aa_worker_team(b, v->worker_id));
        return;
    }
    /* no history for this child: the record's own worker, if any */
    *worker = aa_worker_name(b, rec_worker);
    *team = aa_team_name(b, rec_team ? rec_team : aa_worker_team(b, rec_worker));
}

/* ---- setters --------------------------------------------------------------------- */

uint32_t aa_add_row(aa_build *b, int list, const cs_prov *prov)
{
    uint32_t file = prov && prov->file < b->m->nfiles ? b->dsfile[prov->file] : 0;
    return cs_ds_add_row(b->ds, cs_aa_list_group(list), 0, file, prov ? prov->line : 0);
}

void aa_set_label(aa_build *b, int list, uint32_t row, int field, const char *code)
{
    const cs_aa_column *c = cs_aa_column_of(b->t, list, field);
    if (!c || !code || !*code)
        return;
    const char *label = c->labels ? cs_aa_label(c->labels, code) : NULL;
    cs_ds_set_str(b->ds, cs_aa_list_group(list), row, field, label ? label : code);
}

void aa_set_bool(aa_build *b, int list, uint32_t row, int field, int8_t v)
{
    const cs_aa_column *c = cs_aa_column_of(b->t, list, field);
    if (!c)
        return;
    const char *code = v == 1 ? "1" : v == 0 ? "0" : "U";
    const char *label = cs_aa_label(c->labels, code);
    if (label)   /* "unknown" is left blank where the template has no label for it */
        cs_ds_set_str(b->ds, cs_aa_list_group(list), row, field, label);
}

void aa_set_date(aa_build *b, int list, uint32_t row, int field, cs_date v)
{
    if (v != CS_DATE_NONE && cs_aa_column_of(b->t, list, field))
        cs_ds_set_date(b->ds, cs_aa_list_group(list), row, field, v);
}

void aa_set_int(aa_build *b, int list, uint32_t row, int field, int32_t v)
{
    if (v != CS_INT_NONE && cs_aa_column_of(b->t, list, field))
        cs_ds_set_int(b->ds, cs_aa_list_group(list), row, field, v);
}

void aa_set_text(aa_build *b, int list, uint32_t row, int field, const char *v)
{
    if (v && *v && cs_aa_column_of(b->t, list, field))
        cs_ds_set_str(b->ds, cs_aa_list_group(list), row, field, v);
}

void aa_set_person(aa_build *b, int list, uint32_t row, uint32_t p, int f_id, int f_gender,
                   int f_eth, int f_dob, int f_age)
{
    const cs_person *pe = &CS_TABLE(b->m, person)[p];
    aa_set_text(b, list, row, f_id, pe->id);
    aa_set_label(b, list, row, f_gender, pe->sex ? pe->sex : pe->gender);
    aa_set_label(b, list, row, f_eth, pe->ethnicity);
    aa_set_date(b, list, row, f_dob, pe->birth_date);
    if (pe->birth_date != CS_DATE_NONE)
        aa_set_int(b, list, row, f_age, cs_age_years(pe->birth_date, b->insp));
}

int8_t aa_disability(const aa_build *b, uint32_t p)
{
    const cs_disability *all = CS_TABLE(b->m, disability);
    uint32_t i, n;
    aa_range(&b->disability, p, &i, &n);
    int8_t r = -1;
    for (; i < n; i++) {
        const char *c = all[b->disability.rows[i]].code;
        if (!c || !*c)
            continue;
        if (strcmp(c, "NONE") == 0) {
            if (r < 0)
                r = 0;
        } else {
            return 1;
        }
    }
    return r;
}

const cs_visit *aa_last_visit(const aa_build *b, uint32_t p, const char *kind, cs_date from,
                              cs_date to)
{
    const cs_visit *all = CS_TABLE(b->m, visit), *best = NULL;
    uint32_t i, n;
    aa_range(&b->visit, p, &i, &n);
    for (; i < n; i++) {
        const cs_visit *v = &all[b->visit.rows[i]];
        if (v->visit_date == CS_DATE_NONE || v->visit_date < from || v->visit_date > to)
            continue;
        if (kind && !aa_eq(v->kind, kind))
            continue;
        best = v;
    }
    return best;
}

/* ---- exceptions -------------------------------------------------------------------- */

void aa_note(cs_exception_list *exc, const char *rule, cs_severity sev, const char *child,
             const char *record, const char *fields, const char *values, const char *fmt, ...)
{
    if (!exc)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cs_exception e = {.return_name = "annexa", .rule = rule, .severity = sev, .message = msg,
                      .child_id = child, .record = record, .fields = fields, .values = values};
    cs_exceptions_add(exc, &e);
}
