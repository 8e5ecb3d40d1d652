/* The Annex A step of a run: build the lists for the inspection date, run
 * the Annex A checks (on the full lists, so findings name real children for
 * the data-quality officer), then write the workbook and the CSVs, or their
 * pseudonymised variant. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "returns/annexa/annexa.h"
#include "util/mkdirs.h"

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Resident set now and the peak so far, in KiB (0 when unknown). */
static void memory(long *rss, long *peak)
{
    *rss = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        long size, res;
        if (fscanf(f, "%ld %ld", &size, &res) == 2)
            *rss = res * (sysconf(_SC_PAGESIZE) / 1024);
        fclose(f);
    }
    struct rusage ru;
    *peak = getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : 0;
}

static void add_file(cs_annexa_emit_result *res, const char *path)
{
    if (res->nfiles < sizeof res->files / sizeof res->files[0])
        snprintf(res->files[res->nfiles++], sizeof res->files[0], "%s", path);
}

cs_status cs_annexa_emit(const cs_model *m, const cs_job *job, const char *out_dir,
                         cs_exception_list *exc, const cs_annexa_emit_opts *opts,
                         cs_annexa_emit_result *res, cs_diag *d)
{
    cs_annexa_emit_opts none;
    if (!opts) {
        memset(&none, 0, sizeof none);
        none.pseudonymise = -1;
        none.today = CS_DATE_NONE;
        opts = &none;
    }
    cs_annexa_emit_result own;
    if (!res)
        res = &own;
    memset(res, 0, sizeof *res);
    const char *rules = opts->rules_dir ? opts->rules_dir : "rules";
    const char *tname = opts->template_name ? opts->template_name
                        : job->annexa_template && *job->annexa_template ? job->annexa_template
                                                                        : "current";
    int pseudo = opts->pseudonymise >= 0 ? opts->pseudonymise : job->annexa_pseudonymise;
    const char *key_env = opts->key_env ? opts->key_env
                          : job->annexa_key_env && *job->annexa_key_env ? job->annexa_key_env
                                                                        : "CSCDW_PSEUDO_KEY";
    const char *key = NULL;
    if (pseudo) {
        key = getenv(key_env);
        if (!key || !*key)
            return cs_diag_set(d, CS_ERR_USAGE, NULL, 0, 0,
                               "the pseudonymised Annex A needs a key in the environment variable "
                               "%s, and it is not set: nothing was written",
                               key_env);
        if (strlen(key) < CS_AA_PSEUDO_MIN_KEY)
            return cs_diag_set(d, CS_ERR_USAGE, NULL, 0, 0,
                               "the key in %s is shorter than %d characters: use a long random "
                               "secret; nothing was written",
                               key_env, CS_AA_PSEUDO_MIN_KEY);
    }
    cs_date insp = job->inspection_date != CS_DATE_NONE ? job->inspection_date : job->reference_date;

    cs_aa_template *t = NULL;
    cs_status st = cs_aa_template_load(&t, rules, tname, d);
    if (st != CS_OK)
        return st;
    cs_aa_build_opts bo;
    cs_aa_build_opts_init(&bo, insp);
    bo.today = opts->today;
    bo.la_code = job->la_code;
    bo.role = job->allocation_role;
    bo.rules_dir = rules;
    cs_aa_alloc rule = CS_AA_ALLOC_LATEST;
    if (job->allocation_rule && cs_aa_alloc_parse(job->allocation_rule, &rule) != 0) {
        cs_aa_template_free(t);
        return cs_diag_set(d, CS_ERR_CONFIG, job->path, 0, 0,
                           "allocation rule '%s' is neither latest nor at-event", job->allocation_rule);
    }
    for (int l = 0; l <= CS_AA_NLISTS; l++)
        bo.alloc[l] = opts->have_alloc_override ? opts->alloc[l] : rule;

    double t0 = now_seconds();
    cs_dataset ds;
    st = cs_annexa_build(m, t, &bo, &ds, exc, d);
    if (st != CS_OK) {
        cs_aa_template_free(t);
        return st;
    }
    double t1 = now_seconds();
    res->build_seconds = t1 - t0;
    for (int l = 1; l <= CS_AA_NLISTS; l++)
        res->rows[l] = cs_ds_count(&ds, cs_aa_list_group(l));

    st = cs_annexa_check(&ds, rules, tname, insp, job->la_code, exc, &res->findings,
                         opts->profile, d);
    double t2 = now_seconds();
    res->check_seconds = t2 - t1;

    if (st == CS_OK && pseudo)
        st = cs_annexa_pseudonymise(&ds, key, strlen(key), d);
    if (st == CS_OK && cs_mkdirs(out_dir, 0700, 0700) != 0)
        st = cs_diag_set(d, CS_ERR_IO, out_dir, 0, 0, "cannot create the output folder: %s",
                         strerror(errno));
    memory(&res->rss_before_write, &res->peak_before_write);
    const char *stem = pseudo ? "Annex A (pseudonymised)" : "Annex A";
    char path[4200];
    if (st == CS_OK && !opts->no_xlsx) {
        snprintf(path, sizeof path, "%s/%s.xlsx", out_dir, stem);
        st = cs_annexa_write_xlsx(&ds, t, path, d);
        if (st == CS_OK)
            add_file(res, path);
    }
    if (st == CS_OK && !opts->no_csv) {
        char prefix[64];
        snprintf(prefix, sizeof prefix, "%s - ", stem);
        st = cs_annexa_write_csv(&ds, t, out_dir, prefix, d);
        for (int l = 1; l <= CS_AA_NLISTS && st == CS_OK; l++) {
            snprintf(path, sizeof path, "%s/%sList %d.csv", out_dir, prefix, l);
            add_file(res, path);
        }
    }
    res->write_seconds = now_seconds() - t2;
    memory(&res->rss_after_write, &res->peak_after_write);
    cs_ds_free(&ds);
    cs_aa_template_free(t);
    return st;
}
