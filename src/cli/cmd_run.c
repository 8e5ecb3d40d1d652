/* cscdw run --job FILE   and   cscdw load --profile P --input DIR --la CODE --year Y */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/rules_profile.h"
#include "pipeline/pipeline.h"

typedef struct {
    int tty;
    int quiet;
} progress_ctx;

static void on_stage(void *ctx, const char *stage)
{
    progress_ctx *p = ctx;
    if (p->tty && !p->quiet)
        fprintf(stderr, "\r\033[K%s ...", stage);
}

static void on_progress(void *ctx, const char *file, uint64_t done, uint64_t total)
{
    progress_ctx *p = ctx;
    if (!p->tty || p->quiet || total == 0)
        return;
    int width = 30;
    int filled = (int)((double)done / (double)total * width);
    if (filled > width)
        filled = width;
    const char *base = strrchr(file, '/');
    fprintf(stderr, "\r\033[Kextract [%.*s%*s] %3d%% %s", filled, "##############################",
            width - filled, "", (int)(100.0 * (double)done / (double)total),
            base ? base + 1 : file);
}

/* CSCDW_RULES_PROFILE: each rule set's costs as soon as it has run */
static void on_rules_profile(void *ctx, cs_rules_profile *prof)
{
    progress_ctx *p = ctx;
    if (p->tty && !p->quiet)
        fprintf(stderr, "\r\033[K");
    cs_cli_rules_profile_print(stderr, prof);
}

static void print_summary(const cs_job *job, const cs_exception_list *exc,
                          const cs_pipeline_result *r)
{
    printf("cscdw run %s: LA %s%s%s, collection year %s (reference date ", job->name ? job->name : "",
           job->la_code, job->la_name ? " " : "", job->la_name ? job->la_name : "",
           job->collection_year);
    char iso[11];
    printf("%s)\n", cs_date_iso(job->reference_date, iso));
    printf("  run id       %s\n", r->run_id);
    printf("  extracted    %llu records from %s (%.1f MB)\n", (unsigned long long)r->records_total,
           job->input, (double)r->extract_bytes / 1e6);
    static const cs_entity_id show[] = {CS_E_person,   CS_E_referral,   CS_E_assessment,
                                        CS_E_cp_plan,  CS_E_cla_period, CS_E_care_leaver};
    printf("              ");
    for (size_t i = 0; i < sizeof show / sizeof show[0]; i++)
        printf(" %s %zu%s", cs_entities[show[i]].name, r->entity_counts[show[i]],
               i + 1 < sizeof show / sizeof show[0] ? "," : "\n");
    for (size_t i = 0; i < r->nreturns; i++) {
        const cs_pipeline_return *rt = &r->returns[i];
        printf("  %-12s %zu children", rt->name, rt->children);
        if (rt->validated)
            printf("; %zu rules, %zu not run, %llu findings", rt->rules, rt->not_run,
                   (unsigned long long)rt->findings);
        else
            printf("; not validated");
        if (rt->xsd >= 0)
            printf("; XSD %s", rt->xsd ? "passed" : "FAILED (see rule XSD)");
        printf("\n");
    }
    printf("  findings     %llu error, %llu query, %llu warning, %llu info\n",
           (unsigned long long)r->findings_by_severity[CS_SEV_ERROR],
           (unsigned long long)r->findings_by_severity[CS_SEV_QUERY],
           (unsigned long long)r->findings_by_severity[CS_SEV_WARNING],
           (unsigned long long)r->findings_by_severity[CS_SEV_INFO]);
    const char *codes[5], *msgs[5];
    size_t counts[5];
    size_t k = cs_pipeline_top_rules(exc, 5, codes, counts, msgs);
    if (k) {
        printf("  top rules\n");
        for (size_t i = 0; i < k; i++)
            printf("    %-8s %6zu  %s\n", codes[i], counts[i], msgs[i]);
    }
    for (size_t i = 0; i < r->nnotes; i++)
        printf("  note         %s\n", r->notes[i]);
    if (r->nfiles) {
        printf("  files written\n");
        for (size_t i = 0; i < r->nfiles; i++)
            printf("    %s\n", r->files[i]);
    }
    if (r->warehouse_run_id)
        printf("  warehouse    loaded as run %lld (%s)\n", r->warehouse_run_id,
               job->warehouse_url ? "server" : job->warehouse_dir);
    printf("  time        ");
    double total = 0;
    for (size_t i = 0; i < r->nstages; i++) {
        printf(" %s %.2fs%s", r->stages[i].name, r->stages[i].seconds,
               i + 1 < r->nstages ? "," : "");
        total += r->stages[i].seconds;
    }
    printf("; total %.2fs\n", total);
}

static int run_pipeline(const cs_job *job, int load, int quiet)
{
    progress_ctx pc = {.tty = cs_cli_stderr_is_tty(), .quiet = quiet};
    cs_pipeline_opts o = {.job = job, .load = load, .write_outputs = 1, .on_stage = on_stage,
                          .on_progress = on_progress, .ctx = &pc};
    if (cs_cli_rules_profile_wanted())
        o.on_rules_profile = on_rules_profile;
    char run_id[64];
    cs_run_id_new(run_id, sizeof run_id, job->la_code);
    cs_exception_list exc;
    cs_exceptions_init(&exc, run_id);
    cs_pipeline_result r;
    cs_diag d;
    cs_diag_clear(&d);
    cs_status st = cs_pipeline_run(&o, &exc, &r, &d);
    if (pc.tty && !quiet)
        fprintf(stderr, "\r\033[K");
    if (r.note[0])
        fprintf(stderr, "cscdw: %s\n", r.note);
    int rc = CS_EXIT_OK;
    if (st != CS_OK)
        rc = cs_cli_fail(&d);
    else if (!quiet)
        print_summary(job, &exc, &r);
    cs_exceptions_free(&exc);
    return rc;
}

static void run_usage(FILE *out)
{
    fprintf(out, "Usage: cscdw run --job FILE [--no-load] [--quiet]\n"
                 "\n"
                 "Runs a job (etl/jobs/*.yaml): extracts the LA's records, builds and validates\n"
                 "the returns the job names, writes them with their exception lists to the job's\n"
                 "output folder, loads the warehouse, and prints a summary.\n"
                 "\n"
                 "  --job FILE   the job file\n"
                 "  --no-load    do everything but load the warehouse\n"
                 "  --quiet      no summary, no progress\n");
}

int cs_cmd_run(int argc, char **argv)
{
    const char *job_path = NULL;
    int load = 1, quiet = 0;
    static const struct option opts[] = {{"job", required_argument, NULL, 'j'},
                                         {"no-load", no_argument, NULL, 'n'},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    optind = 1;
    int ch;
    while ((ch = getopt_long(argc, argv, "j:qh", opts, NULL)) != -1) {
        switch (ch) {
        case 'j': job_path = optarg; break;
        case 'n': load = 0; break;
        case 'q': quiet = 1; break;
        case 'h': run_usage(stdout); return CS_EXIT_OK;
        default: return cs_cli_usage_error("run", "unknown option");
        }
    }
    if (optind < argc)
        return cs_cli_usage_error("run", "unexpected argument '%s'", argv[optind]);
    if (!job_path)
        return cs_cli_usage_error("run", "--job FILE is required");
    cs_job job;
    cs_diag d;
    cs_diag_clear(&d);
    if (cs_job_load(&job, job_path, &d) != CS_OK) {
        cs_job_free(&job);
        return cs_cli_fail(&d);
    }
    int rc = run_pipeline(&job, load, quiet);
    cs_job_free(&job);
    return rc;
}

static void load_usage(FILE *out)
{
    fprintf(out,
            "Usage: cscdw load --profile FILE --input DIR --la CODE --year 2025-26\n"
            "                  [--la-name NAME] [--warehouse URL | --warehouse-dir DIR]\n"
            "                  [--output DIR] [--quiet]\n"
            "\n"
            "Extracts, validates and loads one LA's extract into the warehouse: the embedded\n"
            "local one (var/warehouse) unless --warehouse or PG* variables name a server.\n");
}

int cs_cmd_load(int argc, char **argv)
{
    cs_job job;
    memset(&job, 0, sizeof job);
    cs_arena_init(&job.arena, 0);
    job.name = "load";
    job.path = "cscdw load";
    job.warehouse_dir = "var/warehouse";
    job.allocation_rule = "latest";
    job.annexa_template = "current";
    job.reference_date = CS_DATE_NONE;
    job.want_cin = job.want_ssda903 = 1;   /* load validates both returns' rules */
    const char *output = NULL;
    int quiet = 0;
    static const struct option opts[] = {{"profile", required_argument, NULL, 'p'},
                                         {"input", required_argument, NULL, 'i'},
                                         {"la", required_argument, NULL, 'l'},
                                         {"la-name", required_argument, NULL, 'N'},
                                         {"year", required_argument, NULL, 'y'},
                                         {"warehouse", required_argument, NULL, 'w'},
                                         {"warehouse-dir", required_argument, NULL, 'W'},
                                         {"output", required_argument, NULL, 'o'},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    optind = 1;
    int ch;
    while ((ch = getopt_long(argc, argv, "p:i:l:y:o:qh", opts, NULL)) != -1) {
        switch (ch) {
        case 'p': job.profile = optarg; break;
        case 'i': job.input = optarg; break;
        case 'l': job.la_code = optarg; break;
        case 'N': job.la_name = optarg; break;
        case 'y': job.collection_year = optarg; break;
        case 'w': job.warehouse_url = optarg; break;
        case 'W': job.warehouse_dir = optarg; break;
        case 'o': output = optarg; break;
        case 'q': quiet = 1; break;
        case 'h': load_usage(stdout); cs_job_free(&job); return CS_EXIT_OK;
        default: cs_job_free(&job); return cs_cli_usage_error("load", "unknown option");
        }
    }
    int rc;
    cs_diag d;
    cs_diag_clear(&d);
    if (optind < argc)
        rc = cs_cli_usage_error("load", "unexpected argument '%s'", argv[optind]);
    else if (!job.profile || !job.input || !job.la_code || !job.collection_year)
        rc = cs_cli_usage_error("load", "--profile, --input, --la and --year are required");
    else if (cs_collection_year_parse(job.collection_year, &job.period_start, &job.period_end,
                                      &d) != CS_OK)
        rc = cs_cli_usage_error("load", "%s", d.msg);
    else {
        job.reference_date = job.inspection_date = job.period_end;
        job.output = output;
        rc = run_pipeline(&job, 1, quiet);
    }
    cs_job_free(&job);
    return rc;
}
