#include "pipeline/pipeline.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "etl/profile.h"
#include "pipeline/job_returns.h"
#include "pipeline/wh_session.h"
#include "returns/annexa/annexa.h"
#include "report/rule_exceptions.h"
#include "report/xlsx.h"
#include "util/calendar.h"
#include "util/mkdirs.h"
#include "util/resource.h"
#include "warehouse/load.h"
#include "warehouse/migrate.h"

static cs_date today(void)
{
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    return cs_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct {
    const cs_pipeline_opts *o;
    cs_pipeline_result *res;
    double started;
} stage_clock;

static void stage_begin(stage_clock *sc, const char *name)
{
    if (sc->res->nstages < CS_PIPELINE_MAX_STAGES)
        sc->res->stages[sc->res->nstages].name = name;
    sc->started = now_seconds();
    if (sc->o->on_stage)
        sc->o->on_stage(sc->o->ctx, name);
}

static void stage_end(stage_clock *sc)
{
    if (sc->res->nstages < CS_PIPELINE_MAX_STAGES)
        sc->res->stages[sc->res->nstages++].seconds = now_seconds() - sc->started;
}

static void add_file(cs_pipeline_result *res, const char *path)
{
    if (res->nfiles < CS_PIPELINE_MAX_FILES)
        snprintf(res->files[res->nfiles++], sizeof res->files[0], "%s", path);
}

cs_status cs_pipeline_run(const cs_pipeline_opts *o, cs_exception_list *exc,
                          cs_pipeline_result *res, cs_diag *d)
{
    const cs_job *job = o->job;
    memset(res, 0, sizeof *res);
    snprintf(res->run_id, sizeof res->run_id, "%s", exc->run_id);
    stage_clock sc = {.o = o, .res = res};
    cs_status st;

    /* extract */
    stage_begin(&sc, "extract");
    cs_profile *profile = NULL;
    st = cs_profile_load(&profile, job->profile, d);
    if (st != CS_OK)
        return st;
    cs_model model;
    cs_model_init(&model);
    model.source_system = profile->system;
    cs_findings findings;
    cs_findings_init(&findings);
    cs_extract_stats xs;
    memset(&xs, 0, sizeof xs);
    cs_built_903 built;   /* the 903 return as built, for the load */
    memset(&built, 0, sizeof built);
    /* one connection for last year's return and the load, made on first use */
    int loads = o->load && !job->warehouse_none;
    cs_wh_target t = {.url = job->warehouse_url, .local_dir = job->warehouse_dir, .use_env = 1};
    cs_wh_session wh;
    cs_wh_session_init(&wh, &t);
    st = cs_extract(profile, job->input, &model, &findings, &xs, o->on_progress, o->ctx, d);
    stage_end(&sc);
    if (st != CS_OK)
        goto out;
    res->records_total = xs.records_total;
    res->extract_bytes = xs.bytes_total;
    for (size_t i = 0; i < CS_ENTITY_COUNT; i++)
        res->entity_counts[i] = model.tables[i].count;
    cs_exceptions_from_findings(exc, &findings, profile->system, job->collection_year);

    if (o->write_outputs && job->output && cs_mkdirs(job->output, 0700, 0700) != 0) {
        st = cs_diag_set(d, CS_ERR_IO, job->output, 0, 0, "cannot create the output folder: %s",
                         strerror(errno));
        goto out;
    }
    /* returns: build, validate, write (CIN XML, 903 tables) */
    st = cs_pipeline_returns(o, &model, exc, res, loads ? &built : NULL, loads ? &wh : NULL, d);
    if (st != CS_OK)
        goto out;

    /* Ofsted's Annex A lists for the inspection date, with their checks */
    if (job->want_annexa && o->write_outputs && job->output) {
        stage_begin(&sc, "annexa");
        char dir[4200], rules[4096];
        snprintf(dir, sizeof dir, "%s/annexa", job->output);
        cs_resource_path("rules", rules, sizeof rules);
        cs_annexa_emit_opts ao;
        memset(&ao, 0, sizeof ao);
        ao.rules_dir = rules;
        ao.pseudonymise = -1;
        ao.today = today();
        cs_annexa_emit_result ar;
        cs_rules_profile prof;
        cs_rules_profile_init(&prof);
        if (o->on_rules_profile)
            ao.profile = &prof;
        if (cs_mkdirs(dir, 0700, 0700) != 0)
            st = cs_diag_set(d, CS_ERR_IO, dir, 0, 0, "cannot create the Annex A folder: %s",
                             strerror(errno));
        else
            st = cs_annexa_emit(&model, job, dir, exc, &ao, &ar, d);
        if (st == CS_OK && ao.profile)
            o->on_rules_profile(o->ctx, &prof);
        cs_rules_profile_free(&prof);
        stage_end(&sc);
        if (st != CS_OK)
            goto out;
        for (size_t i = 0; i < ar.nfiles; i++)
            if (strstr(ar.files[i], ".xlsx"))
                add_file(res, ar.files[i]);
        add_file(res, dir);
    }

    /* exception lists: every stage's findings */
    if (o->write_outputs && job->output) {
        stage_begin(&sc, "write");
        char path[4200];
        snprintf(path, sizeof path, "%s/exceptions.csv", job->output);
        st = cs_exceptions_write_csv(exc, path, d);
        if (st != CS_OK)
            goto out;
        add_file(res, path);
        snprintf(path, sizeof path, "%s/exceptions.xlsx", job->output);
        st = cs_exceptions_write_xlsx(exc, path, d);
        if (st != CS_OK)
            goto out;
        add_file(res, path);
        stage_end(&sc);
    }

    /* warehouse */
    if (loads) {
        stage_begin(&sc, "load");
        PGconn *conn = NULL;
        st = cs_wh_session_conn(&wh, &conn, d);
        snprintf(res->note, sizeof res->note, "%s", wh.note);
        if (st != CS_OK)
            goto out;
        char dir[4096];
        cs_resource_path("schema/warehouse", dir, sizeof dir);
        cs_migrate_result mr;
        st = cs_wh_migrate(conn, dir, 0, &mr, d);
        cs_calendar *cal = NULL;
        if (st == CS_OK) {
            char calpath[4096];
            cs_resource_path("rules/calendar/england-and-wales.tsv", calpath, sizeof calpath);
            st = cs_calendar_load(&cal, calpath, d);
        }
        cs_load_source *srcs = cs_xcalloc(xs.nfiles ? xs.nfiles : 1, sizeof *srcs);
        for (size_t i = 0; st == CS_OK && i < xs.nfiles; i++) {
            srcs[i].path = xs.files[i].path;
            srcs[i].entity = xs.files[i].entity;
            srcs[i].records = xs.files[i].records;   /* hashed by the loader, meanwhile */
        }
        if (st == CS_OK) {
            cs_load_meta meta = {.la_code = job->la_code,
                                 .la_name = job->la_name,
                                 .job = job->path,
                                 .collection_year = job->collection_year,
                                 .reference_date = job->reference_date,
                                 .profile = job->profile,
                                 .sources = srcs,
                                 .nsources = xs.nfiles,
                                 .calendar = cal,
                                 .returns = built.have ? &built.wh : NULL,
                                 .nreturns = built.have ? 1 : 0};
            cs_load_stats ls;
            st = cs_wh_load(conn, &model, exc, &meta, &ls, d);
            if (st == CS_OK)
                res->warehouse_run_id = ls.run_id;
        }
        free(srcs);
        if (cal)
            cs_calendar_free(cal);
        stage_end(&sc);
    }
    cs_exceptions_count(exc, res->findings_by_severity);

out:
    cs_wh_session_close(&wh);
    cs_built_903_free(&built);
    cs_extract_stats_free(&xs);
    cs_findings_free(&findings);
    cs_model_free(&model);
    cs_profile_free(profile);
    return st;
}

typedef struct {
    const char *code;
    const char *message;
    size_t count;
} rule_count;

static int by_count(const void *a, const void *b)
{
    const rule_count *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return strcmp(x->code, y->code);
}

size_t cs_pipeline_top_rules(const cs_exception_list *exc, size_t n, const char **codes,
                             size_t *counts, const char **messages)
{
    rule_count *rc = NULL;
    size_t nr = 0, cap = 0;
    for (size_t i = 0; i < exc->count; i++) {
        size_t j = 0;
        while (j < nr && strcmp(rc[j].code, exc->items[i].rule) != 0)
            j++;
        if (j == nr) {
            if (nr == cap) {
                cap = cap ? cap * 2 : 64;
                rc = cs_xrealloc(rc, cap * sizeof *rc);
            }
            rc[nr++] = (rule_count){exc->items[i].rule,
                                    cs_exception_rule_title(&exc->items[i]), 0};
        }
        rc[j].count++;
    }
    qsort(rc, nr, sizeof *rc, by_count);
    size_t k = nr < n ? nr : n;
    for (size_t i = 0; i < k; i++) {
        codes[i] = rc[i].code;
        counts[i] = rc[i].count;
        messages[i] = rc[i].message;
    }
    free(rc);
    return k;
}
