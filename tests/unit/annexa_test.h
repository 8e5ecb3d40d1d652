/* Helpers for the Annex A tests: a small canonical model built by hand
 * around an inspection date of 2 March 2026, the repository's rules folder,
 * and cell accessors by heading. */
#ifndef TESTS_ANNEXA_TEST_H
#define TESTS_ANNEXA_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "returns/annexa/annexa.h"

static inline cs_date D(int y, int m, int d)
{
    return cs_date_from_ymd(y, m, d);
}

#define INSP D(2026, 3, 2)

static inline const char *rules_dir(void)
{
    static char buf[4096];
    const char *r = getenv("SRCROOT");
    snprintf(buf, sizeof buf, "%s/rules", r && *r ? r : ".");
    return buf;
}

static inline cs_person *add_person(cs_model *m, const char *id, const char *sex, cs_date dob)
{
    cs_person *p = cs_model_append(m, CS_E_person);
    p->id = id;
    p->sex = sex;
    p->ethnicity = "WBRI";
    p->birth_date = dob;
    p->prov = (cs_prov){.file = cs_model_add_file(m, "person.csv"), .line = 2};
    return p;
}

static inline cs_contact *add_contact(cs_model *m, const char *id, const char *pid, cs_date when,
                                      const char *source)
{
    cs_contact *c = cs_model_append(m, CS_E_contact);
    c->id = id;
    c->person_id = pid;
    c->contact_date = when;
    c->source = source;
    return c;
}

static inline cs_referral *add_referral(cs_model *m, const char *id, const char *pid, cs_date when,
                                        cs_date closed)
{
    cs_referral *r = cs_model_append(m, CS_E_referral);
    r->id = id;
    r->person_id = pid;
    r->referral_date = when;
    r->closure_date = closed;
    r->source = "6";
    r->primary_need = "N1";
    r->nfa = 0;
    return r;
}

static inline void add_worker(cs_model *m, const char *id, const char *name, const char *team,
                              const char *team_name)
{
    cs_worker *w = cs_model_append(m, CS_E_worker);
    w->id = id;
    w->name = name;
    w->team_id = team;
    cs_team *t = cs_model_append(m, CS_E_team);
    t->id = team;
    t->name = team_name;
}

static inline void add_involvement(cs_model *m, const char *pid, const char *worker,
                                   const char *team, cs_date from, cs_date to)
{
    cs_involvement *v = cs_model_append(m, CS_E_involvement);
    v->id = "INV";
    v->person_id = pid;
    v->worker_id = worker;
    v->team_id = team;
    v->role = "ALLOCATED_SW";
    v->start_date = from;
    v->end_date = to;
}

static inline cs_aa_template *load_template(const char *name)
{
    cs_aa_template *t = NULL;
    cs_diag d;
    cs_diag_clear(&d);
    cs_status st = cs_aa_template_load(&t, rules_dir(), name, &d);
    if (st != CS_OK)
        fail_msg("template %s: %s", name, d.msg);
    return t;
}

/* Builds the lists with default options (latest allocation, LA 999). */
static inline void build(const cs_model *m, const cs_aa_template *t, cs_dataset *ds,
                         cs_exception_list *exc)
{
    cs_aa_build_opts o;
    cs_aa_build_opts_init(&o, INSP);
    o.la_code = "999";
    o.rules_dir = rules_dir();
    cs_diag d;
    cs_diag_clear(&d);
    cs_status st = cs_annexa_build(m, t, &o, ds, exc, &d);
    if (st != CS_OK)
        fail_msg("build: %s", d.msg);
}

static inline const cs_value *cell(const cs_dataset *ds, int list, uint32_t row, const char *heading)
{
    int g = cs_aa_list_group(list);
    int f = cs_ds_field_find(ds->schema, g, heading);
    if (f < 0)
        fail_msg("no field '%s' in List %d", heading, list);
    assert_true(row < cs_ds_count(ds, g));
    return cs_ds_cell_c(ds, g, row, f);
}

static inline const char *text(const cs_dataset *ds, int list, uint32_t row, const char *heading)
{
    const cs_value *v = cell(ds, list, row, heading);
    return v->kind == CS_V_STR ? v->s : "";
}

static inline int32_t num(const cs_dataset *ds, int list, uint32_t row, const char *heading)
{
    const cs_value *v = cell(ds, list, row, heading);
    return v->kind == CS_V_INT ? v->i : INT32_MIN;
}

static inline cs_date date_of(const cs_dataset *ds, int list, uint32_t row, const char *heading)
{
    const cs_value *v = cell(ds, list, row, heading);
    return v->kind == CS_V_DATE ? v->i : CS_DATE_NONE;
}

static inline uint32_t rows(const cs_dataset *ds, int list)
{
    return cs_ds_count(ds, cs_aa_list_group(list));
}

static inline size_t count_rule(const cs_exception_list *exc, const char *rule)
{
    size_t n = 0;
    for (size_t i = 0; i < exc->count; i++)
        n += strcmp(exc->items[i].rule, rule) == 0;
    return n;
}

#endif
