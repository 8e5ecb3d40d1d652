#include "pipeline/job_returns.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "pipeline/previous_wh.h"
#include "pipeline/returns.h"
#include "report/allocation.h"
#include "returns/cin/cin.h"
#include "returns/ssda903/ssda903.h"

typedef struct {
    const cs_pipeline_opts *o;
    const cs_job *job;
    const cs_model *m;
    cs_exception_list *exc;
    cs_pipeline_result *res;
    cs_allocation *alloc;
    cs_built_903 *keep;           /* the 903 return kept for the load, or NULL */
    cs_wh_session *wh;            /* the run's warehouse, or NULL */
    int looked;                   /* the warehouse was searched for last year's 903 */
    cs_previous_wh prev;          /* what that found */
    double started;
    int timing;
} jr;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void stage(jr *r, const char *name)
{
    double t = now_s();
    if (r->timing && r->res->nstages < CS_PIPELINE_MAX_STAGES)
        r->res->stages[r->res->nstages++].seconds = t - r->started;
    r->timing = 0;
    if (!name)
        return;
    if (r->res->nstages < CS_PIPELINE_MAX_STAGES) {
        r->res->stages[r->res->nstages].name = name;
        r->timing = 1;
    }
    r->started = t;
    if (r->o->on_stage)
        r->o->on_stage(r->o->ctx, name);
}

static void note(cs_pipeline_result *res, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(cs_pipeline_result *res, const char *fmt, ...)
{
    if (res->nnotes >= CS_PIPELINE_MAX_NOTES)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(res->notes[res->nnotes++], sizeof res->notes[0], fmt, ap);
    va_end(ap);
}

static void add_file(cs_pipeline_result *res, const char *path)
{
    if (res->nfiles < CS_PIPELINE_MAX_FILES)
        snprintf(res->files[res->nfiles++], sizeof res->files[0], "%s", path);
}

/* The year's rule set; none (*rs NULL) is a note, not a failure. */
static cs_status rules_for(jr *r, const char *ret, const char *year, cs_ruleset **rs,
                           cs_diag *d)
{
    cs_rule_errors errs;
    cs_rule_errors_init(&errs);
    cs_diag ld;
    cs_diag_clear(&ld);
    cs_status st = cs_returns_rules_load(ret, year, NULL, 0, rs, &errs, NULL, 0, &ld);
    if (st == CS_ERR_IO) {
        cs_rule_errors_free(&errs);
        note(r->res, "%s %s: built and written but not validated: %s", ret, year, ld.msg);
        *rs = NULL;
        return CS_OK;
    }
    if (st != CS_OK && errs.count) {
        /* a broken rule set stops the run: say where, with the first error */
        cs_diag_set(d, CS_ERR_CONFIG, errs.items[0].file, errs.items[0].line, errs.items[0].col,
                    "%s (%zu error%s in the %s rules; see cscdw rules check)",
                    errs.items[0].message, errs.count, errs.count == 1 ? "" : "s", ret);
    } else if (st != CS_OK) {
        *d = ld;
    }
    cs_rule_errors_free(&errs);
    return st;
}

/* Validate ds with the year's rules rs. */
static cs_status validate(jr *r, const cs_ruleset *rs, const char *ret, const char *year,
                          const cs_dataset *ds, const cs_dataset *last, cs_pipeline_return *out,
                          cs_diag *d)
{
    size_t from = r->exc->count;
    cs_validate_opts vo = {.la = r->job->la_code,
                           .reference_date = r->job->reference_date,
                           .last = last,
                           .exc = {.return_name = ret,
                                   .year = year,
                                   .source_system = r->m->source_system,
                                   .alloc = r->alloc}};
    cs_rules_profile prof;
    cs_rules_profile_init(&prof);
    if (r->o->on_rules_profile)
        vo.profile = &prof;
    cs_validate_counts c;
    cs_status st = cs_returns_validate(rs, ds, &vo, r->exc, &c, d);
    if (st == CS_OK && vo.profile)
        r->o->on_rules_profile(r->o->ctx, &prof);
    cs_rules_profile_free(&prof);
    if (st != CS_OK)
        return st;
    cs_exceptions_fill_source_ids(r->exc, from, r->m);
    out->validated = 1;
    out->rules = c.rules;
    out->not_run = c.not_run;
    out->findings = c.findings;
    return CS_OK;
}

static cs_status do_cin(jr *r, cs_pipeline_return *out, cs_diag *d)
{
    cs_cin_year y;
    cs_status st = cs_cin_year_parse(r->job->collection_year, &y, d);
    if (st != CS_OK)
        return st;
    stage(r, "build cin");
    cs_dataset ds;
    st = cs_cin_build(r->m, &y, r->job->la_code, &ds, d);
    if (st != CS_OK)
        return st;
    out->children = cs_returns_children(&ds);
    stage(r, "compile cin");
    cs_ruleset *rs = NULL;
    st = rules_for(r, "cin", y.label, &rs, d);
    if (st == CS_OK && rs) {
        stage(r, "rules cin");
        st = validate(r, rs, "cin", y.label, &ds, NULL, out, d);
    }
    cs_ruleset_free(rs);
    if (st == CS_OK && r->o->write_outputs && r->job->output) {
        stage(r, "write cin");
        char path[4200];
        snprintf(path, sizeof path, "%s/cin-%s.xml", r->job->output, y.label);
        st = cs_cin_write(&ds, path, &y, d);
        if (st == CS_OK) {
            add_file(r->res, path);
            char name[64];
            int valid = 1;
            st = cs_returns_xsd_check(path, cs_cin_xsd_name(&y, name, sizeof name), "cin",
                                      y.label, r->exc, &valid, d);
            out->xsd = valid;
        }
    }
    cs_ds_free(&ds);
    return st;
}

static cs_status do_903(jr *r, cs_pipeline_return *out, cs_diag *d)
{
    cs_903_year y, py;
    cs_status st = cs_903_year_parse(r->job->collection_year, &y, d);
    if (st != CS_OK)
        return st;
    cs_903_year_previous(&y, &py);
    stage(r, "build ssda903");
    cs_903_postcodes *pc = NULL;
    if ((st = cs_returns_postcodes_load(NULL, &pc, d)) != CS_OK)
        return st;
    cs_dataset ds;
    st = cs_903_build_with(r->m, &y, NULL, pc, &ds, d);
    if (st != CS_OK) {
        cs_903_postcodes_free(pc);
        return st;
    }
    out->children = cs_returns_children(&ds);
    /* the rules first: last year's return is read only when some rule reads
     * it, and then only the tables those rules reach */
    stage(r, "compile ssda903");
    cs_ruleset *rs = NULL;
    st = rules_for(r, "ssda903", y.label, &rs, d);
    uint64_t groups = rs ? cs_returns_last_groups(rs) : 0;
    int wants_last = rs && cs_returns_uses_last(rs);
    cs_dataset last;
    int have_last = 0;
    if (st == CS_OK && wants_last && r->job->previous) {
        stage(r, "read previous");
        char *pp[1] = {(char *)r->job->previous};
        st = cs_returns_read_903(pp, 1, &py, groups, &last, NULL, d);
        have_last = st == CS_OK;
        if (have_last)
            cs_returns_derive_903(&last, pc, NULL);
    } else if (st == CS_OK && wants_last && r->wh) {
        /* none given: the latest one this LA's runs stored in the warehouse */
        stage(r, "read previous");
        cs_previous_903_from_warehouse(r->wh, r->job->la_code, &py, groups, pc, NULL, &last,
                                       &r->prev);
        have_last = r->prev.found;
        r->looked = 1;
    }
    cs_903_postcodes_free(pc);
    if (st == CS_OK && rs) {
        stage(r, "rules ssda903");
        st = validate(r, rs, "ssda903", y.label, &ds, have_last ? &last : NULL, out, d);
    }
    cs_ruleset_free(rs);
    char dir[4200] = "";
    if (st == CS_OK && r->o->write_outputs && r->job->output) {
        stage(r, "write ssda903");
        snprintf(dir, sizeof dir, "%s/ssda903-%s", r->job->output, y.label);
        st = cs_903_write_csv(&ds, dir, &y, d);
        if (st == CS_OK)
            add_file(r->res, dir);
    }
    if (have_last)
        cs_ds_free(&last);
    if (st == CS_OK && r->keep) {   /* the tables as written (else written aside), for the load */
        stage(r, "keep ssda903");
        return cs_built_903_keep(r->keep, &ds, &y, dir[0] ? dir : NULL, r->m->source_system, d);
    }
    cs_ds_free(&ds);
    return st;
}

/* Where last year's 903 return came from, or why the rules reading it did not run. */
static void note_previous(jr *r, const cs_pipeline_return *out)
{
    cs_903_year y, py;
    if (cs_903_year_parse(r->job->collection_year, &y, NULL) != CS_OK)
        return;
    cs_903_year_previous(&y, &py);
    const char *s = out->not_run == 1 ? "" : "s";
    if (r->prev.found) {
        char from[256];
        cs_previous_wh_describe(&r->prev, &py, from, sizeof from);
        note(r->res, "ssda903: last year's return: %s", from);
    } else if (r->prev.problem[0] && out->not_run) {
        note(r->res, "ssda903: last year's return could not be looked up in the warehouse (%s); "
                     "%zu rule%s not run (listed as info rows)",
             r->prev.problem, out->not_run, s);
    } else if (out->not_run) {
        note(r->res, "ssda903: no previous return given (job 'previous:')%s%s%s; %zu rule%s not "
                     "run (listed as info rows)",
             r->looked ? " and none for " : "", r->looked ? py.label : "",
             r->looked ? " in the warehouse" : "", out->not_run, s);
    }
}

cs_status cs_pipeline_returns(const cs_pipeline_opts *o, const cs_model *m,
                              cs_exception_list *exc, cs_pipeline_result *res, cs_built_903 *keep,
                              cs_wh_session *wh, cs_diag *d)
{
    const cs_job *job = o->job;
    if (!job->want_cin && !job->want_ssda903)
        return CS_OK;
    jr r = {.o = o, .job = job, .m = m, .exc = exc, .res = res, .keep = keep, .wh = wh};
    cs_alloc_rule rule;
    cs_diag ad;
    cs_status st = cs_alloc_rule_parse(job->allocation_rule, &rule, &ad);
    if (st != CS_OK)
        return cs_diag_set(d, CS_ERR_CONFIG, job->path, 0, 0, "%s", ad.msg);
    stage(&r, "allocate");
    cs_allocation_opts ao = {.rule = rule,
                             .roles = job->allocation_role,
                             .reference_date = job->reference_date != CS_DATE_NONE
                                                   ? job->reference_date
                                                   : job->period_end};
    r.alloc = cs_allocation_build(m, &ao);
    if (job->want_cin && res->nreturns < CS_PIPELINE_MAX_RETURNS) {
        cs_pipeline_return *out = &res->returns[res->nreturns++];
        *out = (cs_pipeline_return){.name = "cin", .xsd = -1};
        st = do_cin(&r, out, d);
    }
    if (st == CS_OK && job->want_ssda903 && res->nreturns < CS_PIPELINE_MAX_RETURNS) {
        cs_pipeline_return *out = &res->returns[res->nreturns++];
        *out = (cs_pipeline_return){.name = "ssda903", .xsd = -1};
        st = do_903(&r, out, d);
        if (st == CS_OK && !job->previous)
            note_previous(&r, out);
    }
    stage(&r, NULL);
    cs_allocation_free(r.alloc);
    return st;
}
