/* cscdw emit annexa / cscdw validate --return annexa: Ofsted's Annex A
 * lists built from a case system's extracts for an inspection date, or
 * lists produced elsewhere read back and checked. The `emit` and
 * `validate` commands hand "annexa" here. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/rules_profile.h"
#include "etl/extract.h"
#include "etl/profile.h"
#include "returns/annexa/annexa.h"

static void emit_usage(FILE *out)
{
    fprintf(out,
            "Usage: cscdw emit annexa --profile P --input DIR --inspection-date YYYY-MM-DD\n"
            "                         --out DIR [OPTIONS]\n"
            "\n"
            "Extracts the case system's files, builds Ofsted's Annex A Lists 1-11 for the\n"
            "inspection date, runs the Annex A checks and writes \"Annex A.xlsx\" (sheets\n"
            "List 1 ... List 11) and \"Annex A - List N.csv\" into DIR, with the exception\n"
            "list (extract findings and Annex A findings) as DIR/exceptions-annexa.csv.\n"
            "\n"
            "  --profile FILE          source profile (etl/sources/<system>.yaml)\n"
            "  --input DIR             folder holding the extract files\n"
            "  --inspection-date DATE  the date the lists count back from (not in the future)\n"
            "  --out DIR               output folder (created 0700; files 0600)\n"
            "  --la CODE               the LA's DfE 3-digit code (default 999), for Placement\n"
            "                          Location (rules/annexa/reference/la-codes.tsv)\n"
            "  --template NAME         current (default) or 2020: columns and labels\n"
            "  --pseudonymise          write the pseudonymised variant for regional sharing\n"
            "                          instead: ids hashed with a key, dates of birth cut to the\n"
            "                          month, postcodes to the district, worker names dropped\n"
            "  --key-env VAR           environment variable holding the key (default\n"
            "                          CSCDW_PSEUDO_KEY); the key is never written anywhere\n"
            "  --allocation RULE       latest (default) or at-event, for every list; or N=RULE\n"
            "                          for List N alone (repeatable): whose team and worker\n"
            "                          the Allocated Team / Worker columns show\n"
            "  --role CODE             involvement role of allocated workers (ALLOCATED_SW)\n"
            "  --rules DIR             rules folder (default ./rules)\n"
            "  --exceptions FILE       the exception list (default DIR/exceptions-annexa.csv)\n"
            "  --no-xlsx, --no-csv     leave one of the outputs out\n"
            "  --strict                exit 3 when any error-severity finding exists\n"
            "  --quiet                 print nothing but errors\n"
            "  --help                  this text\n"
            "\n"
            "Exit status: 0 done (whatever the checks found), 1 operational failure, 2 usage\n"
            "error (a bad date, an inspection date in the future or before the data begins,\n"
            "--pseudonymise without a key), 3 --strict and error findings.\n");
}

static void validate_usage(FILE *out)
{
    fprintf(out,
            "Usage: cscdw validate --return annexa PATH [OPTIONS]\n"
            "\n"
            "Reads Annex A lists produced elsewhere, a workbook (.xlsx, sheets \"List 1\" ...)\n"
            "or a folder of CSV files whose names hold \"List N\", and checks them: missing\n"
            "sheets or files, missing and extra columns, misspelt headings (naming the\n"
            "heading Ofsted uses), values that do not fit their column, then the Annex A\n"
            "rules as for built lists.\n"
            "\n"
            "  --template NAME         current (default) or 2020\n"
            "  --inspection-date DATE  the date the lists were drawn for (default today)\n"
            "  --la CODE               the LA's DfE 3-digit code\n"
            "  --rules DIR             rules folder (default ./rules)\n"
            "  --exceptions FILE       write every finding as an exception list (CSV)\n"
            "  --strict                exit 3 when any error-severity finding exists\n"
            "  --quiet                 print nothing but errors\n"
            "  --help                  this text\n"
            "\n"
            "Exit status: 0 read and checked (whatever was found), 1 the file cannot be read\n"
            "as a workbook or folder, 2 usage error, 3 --strict and error findings.\n");
}

static cs_date today(void)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    return cs_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

static cs_date parse_date(const char *s)
{
    if (!s)
        return CS_DATE_NONE;
    cs_date d = cs_date_parse_iso(s, strlen(s));
    return d != CS_DATE_NONE ? d : cs_date_parse_dmy(s, strlen(s));
}

/* Rules, severities and what the list holds, on stdout. */
static void summarise(const cs_exception_list *exc, size_t from, int show_shape)
{
    uint64_t sev[4] = {0};
    const char *codes[256];
    size_t counts[256], ncodes = 0;
    for (size_t i = from; i < exc->count; i++) {
        const cs_exception *e = &exc->items[i];
        sev[e->severity]++;
        if (show_shape && strncmp(e->rule, "AAS", 3) == 0)
            printf("  %s %-7s %s\n", e->rule, cs_severity_name(e->severity), e->message);
        size_t k = 0;
        while (k < ncodes && strcmp(codes[k], e->rule) != 0)
            k++;
        if (k == ncodes && ncodes < 256) {
            codes[ncodes] = e->rule;
            counts[ncodes++] = 0;
        }
        if (k < ncodes)
            counts[k]++;
    }
    printf("findings: %llu error, %llu query, %llu warning, %llu info\n",
           (unsigned long long)sev[CS_SEV_ERROR], (unsigned long long)sev[CS_SEV_QUERY],
           (unsigned long long)sev[CS_SEV_WARNING], (unsigned long long)sev[CS_SEV_INFO]);
    for (size_t k = 0; k < ncodes; k++) {
        const char *msg = "";
        for (size_t i = from; i < exc->count; i++)
            if (strcmp(exc->items[i].rule, codes[k]) == 0) {
                msg = exc->items[i].message;
                break;
            }
        printf("  %-8s %8zu  %.90s\n", codes[k], counts[k], msg);
    }
}

static int strict_exit(const cs_exception_list *exc, int strict)
{
    if (!strict)
        return CS_EXIT_OK;
    for (size_t i = 0; i < exc->count; i++)
        if (exc->items[i].severity == CS_SEV_ERROR)
            return CS_EXIT_STRICT;
    return CS_EXIT_OK;
}

static int parse_alloc(const char *arg, cs_annexa_emit_opts *eo)
{
    cs_aa_alloc a;
    const char *eq = strchr(arg, '=');
    if (!eq) {
        if (cs_aa_alloc_parse(arg, &a) != 0)
            return -1;
        for (int l = 0; l <= CS_AA_NLISTS; l++)
            eo->alloc[l] = a;
        eo->have_alloc_override = 1;
        return 0;
    }
    char *end;
    long l = strtol(arg, &end, 10);
    if (end != eq || l < 1 || l > CS_AA_NLISTS || cs_aa_alloc_parse(eq + 1, &a) != 0)
        return -1;
    eo->alloc[l] = a;
    eo->have_alloc_override = 1;
    return 0;
}

int cs_cmd_emit_annexa(int argc, char **argv)
{
    enum { O_PROFILE = 1, O_INPUT, O_DATE, O_OUT, O_LA, O_TEMPLATE, O_PSEUDO, O_KEYENV, O_ALLOC,
           O_ROLE, O_RULES, O_EXC, O_NOXLSX, O_NOCSV, O_STRICT, O_QUIET, O_HELP };
    static const struct option lo[] = {
        {"profile", required_argument, NULL, O_PROFILE},
        {"input", required_argument, NULL, O_INPUT},
        {"inspection-date", required_argument, NULL, O_DATE},
        {"out", required_argument, NULL, O_OUT},
        {"la", required_argument, NULL, O_LA},
        {"template", required_argument, NULL, O_TEMPLATE},
        {"pseudonymise", no_argument, NULL, O_PSEUDO},
        {"pseudonymize", no_argument, NULL, O_PSEUDO},
        {"key-env", required_argument, NULL, O_KEYENV},
        {"allocation", required_argument, NULL, O_ALLOC},
        {"role", required_argument, NULL, O_ROLE},
        {"rules", required_argument, NULL, O_RULES},
        {"exceptions", required_argument, NULL, O_EXC},
        {"no-xlsx", no_argument, NULL, O_NOXLSX},
        {"no-csv", no_argument, NULL, O_NOCSV},
        {"strict", no_argument, NULL, O_STRICT},
        {"quiet", no_argument, NULL, O_QUIET},
        {"help", no_argument, NULL, O_HELP},
        {NULL, 0, NULL, 0},
    };
    const char *profile_path = NULL, *input = NULL, *date = NULL, *out = NULL, *la = "999",
               *excpath = NULL, *role = NULL;
    int strict = 0, quiet = 0;
    cs_annexa_emit_opts eo;
    memset(&eo, 0, sizeof eo);
    eo.today = today();
    optind = 0;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
        switch (c) {
        case O_PROFILE: profile_path = optarg; break;
        case O_INPUT: input = optarg; break;
        case O_DATE: date = optarg; break;
        case O_OUT: out = optarg; break;
        case O_LA: la = optarg; break;
        case O_TEMPLATE: eo.template_name = optarg; break;
        case O_PSEUDO: eo.pseudonymise = 1; break;
        case O_KEYENV: eo.key_env = optarg; break;
        case O_ALLOC:
            if (parse_alloc(optarg, &eo) != 0)
                return cs_cli_usage_error("emit annexa",
                                          "--allocation takes latest, at-event or N=RULE (N 1-11), not '%s'",
                                          optarg);
            break;
        case O_ROLE: role = optarg; break;
        case O_RULES: eo.rules_dir = optarg; break;
        case O_EXC: excpath = optarg; break;
        case O_NOXLSX: eo.no_xlsx = 1; break;
        case O_NOCSV: eo.no_csv = 1; break;
        case O_STRICT: strict = 1; break;
        case O_QUIET: quiet = 1; break;
        case O_HELP: emit_usage(stdout); return CS_EXIT_OK;
        default:
            return cs_cli_usage_error("emit annexa", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    for (int i = optind; i < argc; i++)
        if (strcmp(argv[i], "annexa") != 0)
            return cs_cli_usage_error("emit annexa", "unexpected argument '%s'", argv[i]);
    if (!profile_path || !input || !date || !out)
        return cs_cli_usage_error("emit annexa",
                                  "--profile, --input, --inspection-date and --out are needed");
    cs_date insp = parse_date(date);
    if (insp == CS_DATE_NONE)
        return cs_cli_usage_error("emit annexa", "--inspection-date '%s' is not a date (YYYY-MM-DD)", date);

    cs_job job;
    memset(&job, 0, sizeof job);
    job.la_code = la;
    job.inspection_date = insp;
    job.reference_date = insp;
    job.allocation_role = role;
    job.annexa_template = eo.template_name;
    job.annexa_key_env = eo.key_env;
    eo.pseudonymise = eo.pseudonymise ? 1 : 0;

    cs_diag d;
    cs_diag_clear(&d);
    cs_profile *profile = NULL;
    if (cs_profile_load(&profile, profile_path, &d) != CS_OK)
        return cs_cli_fail(&d);
    cs_model model;
    cs_model_init(&model);
    model.source_system = profile->system;
    cs_findings findings;
    cs_findings_init(&findings);
    cs_extract_stats xs;
    memset(&xs, 0, sizeof xs);
    cs_exception_list exc;
    cs_exceptions_init(&exc, "");
    char run_id[64];
    cs_run_id_new(run_id, sizeof run_id, la);
    snprintf(exc.run_id, sizeof exc.run_id, "%s", run_id);
    int rc = CS_EXIT_OK;
    cs_status st = cs_extract(profile, input, &model, &findings, &xs, NULL, NULL, &d);
    if (st == CS_OK) {
        cs_exceptions_from_findings(&exc, &findings, profile->system, "");
        size_t from = exc.count;
        cs_annexa_emit_result res;
        cs_rules_profile prof;
        cs_rules_profile_init(&prof);
        eo.profile = cs_cli_rules_profile_wanted() ? &prof : NULL;
        st = cs_annexa_emit(&model, &job, out, &exc, &eo, &res, &d);
        if (prof.costs)
            cs_cli_rules_profile_print(stderr, &prof);
        cs_rules_profile_free(&prof);
        if (st == CS_OK) {
            char path[4200];
            if (!excpath) {
                snprintf(path, sizeof path, "%s/exceptions-annexa.csv", out);
                excpath = path;
            }
            st = cs_exceptions_write_csv(&exc, excpath, &d);
            if (st == CS_OK && !quiet) {
                char dd[11];
                printf("annexa: %s template, inspection date %s, %llu records extracted in %.2f s\n",
                       eo.template_name ? eo.template_name : "current", cs_date_dmy(insp, dd),
                       (unsigned long long)xs.records_total, xs.seconds);
                for (int l = 1; l <= CS_AA_NLISTS; l++)
                    printf("  List %-2d %9u rows\n", l, res.rows[l]);
                printf("time: build %.2f s, checks %.2f s, write %.2f s\n", res.build_seconds,
                       res.check_seconds, res.write_seconds);
                printf("memory: %.0f MB resident before writing, %.0f MB after; peak %.0f MB "
                       "before writing, %.0f MB after\n",
                       res.rss_before_write / 1024.0, res.rss_after_write / 1024.0,
                       res.peak_before_write / 1024.0, res.peak_after_write / 1024.0);
                summarise(&exc, from, 0);
                printf("written:\n");
                for (size_t i = 0; i < res.nfiles; i++)
                    printf("  %s\n", res.files[i]);
                printf("  %s\n", excpath);
            }
            if (st == CS_OK)
                rc = strict_exit(&exc, strict);
        }
    }
    if (st != CS_OK)
        rc = cs_cli_fail(&d);
    cs_exceptions_free(&exc);
    cs_findings_free(&findings);
    cs_extract_stats_free(&xs);
    cs_model_free(&model);
    cs_profile_free(profile);
    return rc;
}

int cs_cmd_validate_annexa(int argc, char **argv)
{
    enum { O_RETURN = 1, O_TEMPLATE, O_DATE, O_LA, O_RULES, O_EXC, O_STRICT, O_QUIET, O_HELP };
    static const struct option lo[] = {
        {"return", required_argument, NULL, O_RETURN},
        {"template", required_argument, NULL, O_TEMPLATE},
        {"inspection-date", required_argument, NULL, O_DATE},
        {"la", required_argument, NULL, O_LA},
        {"rules", required_argument, NULL, O_RULES},
        {"exceptions", required_argument, NULL, O_EXC},
        {"strict", no_argument, NULL, O_STRICT},
        {"quiet", no_argument, NULL, O_QUIET},
        {"help", no_argument, NULL, O_HELP},
        {NULL, 0, NULL, 0},
    };
    const char *tname = "current", *date = NULL, *la = NULL, *rules = "rules", *excpath = NULL;
    int strict = 0, quiet = 0;
    optind = 0;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
        switch (c) {
        case O_RETURN:
            if (strcmp(optarg, "annexa") != 0)
                return cs_cli_usage_error("validate", "this validator reads Annex A, not '%s'", optarg);
            break;
        case O_TEMPLATE: tname = optarg; break;
        case O_DATE: date = optarg; break;
        case O_LA: la = optarg; break;
        case O_RULES: rules = optarg; break;
        case O_EXC: excpath = optarg; break;
        case O_STRICT: strict = 1; break;
        case O_QUIET: quiet = 1; break;
        case O_HELP: validate_usage(stdout); return CS_EXIT_OK;
        default:
            return cs_cli_usage_error("validate", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    const char *path = NULL;
    for (int i = optind; i < argc; i++) {
        if (path)
            return cs_cli_usage_error("validate", "one workbook or folder at a time ('%s')", argv[i]);
        path = argv[i];
    }
    if (!path)
        return cs_cli_usage_error("validate", "name the workbook (.xlsx) or folder of CSVs to read");
    cs_date insp = date ? parse_date(date) : today();
    if (insp == CS_DATE_NONE)
        return cs_cli_usage_error("validate", "--inspection-date '%s' is not a date (YYYY-MM-DD)", date);

    cs_diag d;
    cs_diag_clear(&d);
    cs_aa_template *t = NULL;
    if (cs_aa_template_load(&t, rules, tname, &d) != CS_OK)
        return cs_cli_fail(&d);
    cs_exception_list exc;
    cs_exceptions_init(&exc, "");
    cs_run_id_new(exc.run_id, sizeof exc.run_id, la ? la : "");
    cs_dataset ds;
    int rc = CS_EXIT_OK;
    cs_status st = cs_annexa_read(path, t, &ds, &exc, &d);
    if (st == CS_OK) {
        cs_ds_set_date(&ds, CS_AA_G_ROOT, 0, CS_AA_R_INSPECTION_DATE, insp);
        size_t nf = 0;
        cs_rules_profile prof;
        cs_rules_profile_init(&prof);
        st = cs_annexa_check(&ds, rules, tname, insp, la, &exc, &nf,
                             cs_cli_rules_profile_wanted() ? &prof : NULL, &d);
        if (st == CS_OK && prof.costs)
            cs_cli_rules_profile_print(stderr, &prof);
        cs_rules_profile_free(&prof);
        if (st == CS_OK && excpath)
            st = cs_exceptions_write_csv(&exc, excpath, &d);
        if (st == CS_OK && !quiet) {
            char dd[11];
            printf("annexa: %s read as the %s template, inspection date %s\n", path, tname,
                   cs_date_dmy(insp, dd));
            for (int l = 1; l <= CS_AA_NLISTS; l++)
                printf("  List %-2d %9u rows\n", l, cs_ds_count(&ds, cs_aa_list_group(l)));
            summarise(&exc, 0, 1);
            if (excpath)
                printf("written: %s\n", excpath);
        }
        if (st == CS_OK)
            rc = strict_exit(&exc, strict);
        cs_ds_free(&ds);
    }
    if (st != CS_OK)
        rc = cs_cli_fail(&d);
    cs_exceptions_free(&exc);
    cs_aa_template_free(t);
    return rc;
}
