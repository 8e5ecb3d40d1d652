/* cscdw validate --return cin|ssda903 --year Y [--previous PREV] INPUT...
 *                --exceptions OUT.csv [--xlsx OUT.xlsx] [--strict]
 * Reads a return produced elsewhere (a case system's CIN XML, a folder of
 * 903 CSV tables or a 903 XML file), runs the year's rules over it, and
 * writes the exception list. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/rules_profile.h"
#include "cli/validate_report.h"
#include "pipeline/previous_wh.h"
#include "pipeline/returns.h"
#include "returns/cin/cin.h"
#include "returns/ssda903/ssda903.h"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: cscdw validate --return cin --year 2025-26 FILE.xml\n"
            "                      --exceptions OUT.csv [--xlsx OUT.xlsx] [OPTIONS]\n"
            "       cscdw validate --return ssda903 --year 2025-26 [--previous PREV] CURRENT\n"
            "                      --exceptions OUT.csv [--xlsx OUT.xlsx] [OPTIONS]\n"
            "       cscdw validate --return ssda903 --year 2025-26 --previous-from-warehouse\n"
            "                      --la CODE CURRENT --exceptions OUT.csv [OPTIONS]\n"
            "\n"
            "Validates a return file against the year's rules (rules/RETURN/YEAR, plus the\n"
            "LA's own rules in rules/local/RETURN) and writes the exception list: one row\n"
            "per finding, naming the child, the record, the rule, the fields and values.\n"
            "CIN: one XML file. SSDA903: CURRENT and PREV are a folder of CSV tables, one\n"
            "XML file, or CSV files. Files may be gzip-compressed and in any encoding the\n"
            "file declares or a BOM names (UTF-8, UTF-16, Windows-1252).\n"
            "\n"
            "  --return RETURN       cin or ssda903\n"
            "  --year YEAR           collection year, e.g. 2025-26\n"
            "  --previous PREV       last year's return, for the rules that compare with it\n"
            "                        (without it they are listed as not run)\n"
            "  --previous-from-warehouse  (ssda903) last year's return as the latest run of\n"
            "                        the LA (--la) stored it in the warehouse; none there, or\n"
            "                        a warehouse that cannot be reached: those rules not run\n"
            "  --warehouse URL       that warehouse: a PostgreSQL server (default: PG*\n"
            "                        variables, else the local one)\n"
            "  --warehouse-dir DIR   the local warehouse's folder (default var/warehouse)\n"
            "  --exceptions FILE     the exception list as CSV\n"
            "  --xlsx FILE           the exception list as an Excel workbook (summary sheet,\n"
            "                        one sheet per team)\n"
            "  --strict              exit 3 when any error-severity finding exists\n"
            "  --rules DIR           a rules folder (holding RETURN/YEAR) or a year folder\n"
            "  --no-local            leave out rules/local/RETURN\n"
            "  --la CODE             the submitting LA's code (the rules' LA value)\n"
            "  --la-ons CODE         (ssda903) the LA's ONS code (E09000027): PL_LOCATION\n"
            "                        is derived from it and the placement postcode\n"
            "  --reference-date D    ReferenceDate for the rules (default: 31 March ending YEAR)\n"
            "  --source-system NAME  source_system column (default: the file's SoftwareCode)\n"
            "  --quiet               print nothing but errors\n"
            "  --help                this text\n"
            "\n"
            "Exit status: 0 the run completed (whatever it found), 1 operational failure\n"
            "(unreadable file, missing rule set), 2 usage error, 3 --strict and error findings.\n");
}

typedef struct {
    const char *ret, *year, *previous, *csv, *xlsx, *rules, *la, *ref, *source_system, *la_ons;
    const char *wh_url, *wh_dir;
    int strict, no_local, quiet, previous_wh;
    char **inputs;
    int ninputs;
} opts_t;

static int parse(int argc, char **argv, opts_t *o)
{
    static const struct option longopts[] = {
        {"return", required_argument, NULL, 'r'},
        {"year", required_argument, NULL, 'y'},
        {"previous", required_argument, NULL, 'p'},
        {"exceptions", required_argument, NULL, 'e'},
        {"xlsx", required_argument, NULL, 'x'},
        {"strict", no_argument, NULL, 's'},
        {"rules", required_argument, NULL, 'R'},
        {"no-local", no_argument, NULL, 'n'},
        {"la", required_argument, NULL, 'l'},
        {"reference-date", required_argument, NULL, 'D'},
        {"source-system", required_argument, NULL, 'S'},
        {"la-ons", required_argument, NULL, 'O'},
        {"previous-from-warehouse", no_argument, NULL, 'P'},
        {"warehouse", required_argument, NULL, 'w'},
        {"warehouse-dir", required_argument, NULL, 'W'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    optind = 0;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'r': o->ret = optarg; break;
        case 'y': o->year = optarg; break;
        case 'p': o->previous = optarg; break;
        case 'e': o->csv = optarg; break;
        case 'x': o->xlsx = optarg; break;
        case 's': o->strict = 1; break;
        case 'R': o->rules = optarg; break;
        case 'n': o->no_local = 1; break;
        case 'l': o->la = optarg; break;
        case 'D': o->ref = optarg; break;
        case 'S': o->source_system = optarg; break;
        case 'O': o->la_ons = optarg; break;
        case 'P': o->previous_wh = 1; break;
        case 'w': o->wh_url = optarg; break;
        case 'W': o->wh_dir = optarg; break;
        case 'q': o->quiet = 1; break;
        case 'h': usage(stdout); return -1;
        default:
            return cs_cli_usage_error("validate", "unknown or incomplete option '%s'",
                                      argv[optind - 1]);
        }
    }
    o->inputs = argv + optind;
    o->ninputs = argc - optind;
    if (!o->ret || !o->year)
        return cs_cli_usage_error("validate", "--return and --year are required");
    if (strcmp(o->ret, "cin") != 0 && strcmp(o->ret, "ssda903") != 0)
        return cs_cli_usage_error("validate", "unknown return '%s': use cin, ssda903 or annexa",
                                  o->ret);
    if (o->ninputs < 1)
        return cs_cli_usage_error("validate", "name the return file (or folder) to validate");
    if (o->previous_wh && (strcmp(o->ret, "ssda903") != 0 || o->previous || !o->la))
        return cs_cli_usage_error("validate", "--previous-from-warehouse is for --return ssda903, "
                                              "needs --la CODE and replaces --previous");
    if ((o->wh_url || o->wh_dir) && !o->previous_wh)
        return cs_cli_usage_error("validate", "--warehouse and --warehouse-dir go with "
                                              "--previous-from-warehouse");
    if (strcmp(o->ret, "cin") == 0 && o->ninputs > 1)
        return cs_cli_usage_error("validate", "a CIN return is one XML file; got %d files",
                                  o->ninputs);
    return 0;
}

/* The CIN header's SoftwareCode: who produced the file. */
static const char *cin_producer(const cs_dataset *ds)
{
    if (ds->rows[CS_CIN_G_HEADER].count == 0)
        return "";
    const cs_value *v = cs_ds_cell_c(ds, CS_CIN_G_HEADER, 0, CS_CIN_H_SOFTWARE_CODE);
    return (v->kind == CS_V_STR || v->kind == CS_V_INVALID) && v->s ? v->s : "";
}

/* Annex A workbooks and folders are validated by cmd_annexa.c. */
static int names_annexa(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--return=annexa") == 0)
            return 1;
        if (strcmp(argv[i], "--return") == 0 && i + 1 < argc && strcmp(argv[i + 1], "annexa") == 0)
            return 1;
    }
    return 0;
}

int cs_cmd_validate(int argc, char **argv)
{
    if (names_annexa(argc, argv))
        return cs_cmd_validate_annexa(argc, argv);
    opts_t o;
    int rc = parse(argc, argv, &o);
    if (rc)
        return rc < 0 ? CS_EXIT_OK : rc;
    int is_cin = strcmp(o.ret, "cin") == 0;
    cs_diag d;
    cs_diag_clear(&d);
    cs_cin_year cy;
    cs_903_year sy, sprev;
    const char *label;
    if (is_cin) {
        if (cs_cin_year_parse(o.year, &cy, &d) != CS_OK)
            return cs_cli_usage_error("validate", "%s", d.msg);
        label = cy.label;
    } else {
        if (cs_903_year_parse(o.year, &sy, &d) != CS_OK)
            return cs_cli_usage_error("validate", "%s", d.msg);
        cs_903_year_previous(&sy, &sprev);
        label = sy.label;
    }
    cs_date ref = CS_DATE_NONE;
    if (o.ref && (ref = cs_date_parse_iso(o.ref, strlen(o.ref))) == CS_DATE_NONE)
        return cs_cli_usage_error("validate", "--reference-date wants yyyy-mm-dd, not '%s'",
                                  o.ref);

    cs_cli_clock clock;
    cs_cli_clock_start(&clock);
    cs_cli_clock_stage(&clock, "compile");
    cs_ruleset *rs = NULL;
    cs_rule_errors errs;
    cs_rule_errors_init(&errs);
    cs_status st = cs_returns_rules_load(o.ret, label, o.rules, o.no_local, &rs, &errs, NULL, 0,
                                         &d);
    if (st != CS_OK) {
        if (errs.count)
            cs_cli_print_rule_errors(&errs);
        else
            cs_cli_fail(&d);
        cs_rule_errors_free(&errs);
        return CS_EXIT_FAIL;
    }
    cs_rule_errors_free(&errs);

    cs_cli_clock_stage(&clock, "read");
    cs_dataset ds, prev;
    int have_prev = 0;
    cs_903_postcodes *pc = NULL;
    cs_findings findings, prev_findings;
    cs_findings_init(&findings);
    cs_findings_init(&prev_findings);
    cs_exception_list exc;
    cs_exceptions_init(&exc, NULL);
    char run_id[64];
    cs_run_id_new(run_id, sizeof run_id, o.la);
    snprintf(exc.run_id, sizeof exc.run_id, "%s", run_id);
    st = is_cin ? cs_cin_read(o.inputs[0], &ds, &findings, &d)
                : cs_returns_read_903(o.inputs, o.ninputs, &sy, 0, &ds, &findings, &d);
    if (st != CS_OK) {
        rc = cs_cli_fail(&d);
        goto out_rules;
    }
    if (!is_cin) {
        /* PL_LA, PL_LOCATION and PL_DISTANCE are derived, never read */
        if ((st = cs_returns_postcodes_load(o.rules, &pc, &d)) != CS_OK) {
            rc = cs_cli_fail(&d);
            goto out_ds;
        }
        cs_returns_derive_903(&ds, pc, o.la_ons);
    }
    /* last year's return only when a rule reads it */
    int wants_last = cs_returns_uses_last(rs);
    if (o.previous && wants_last) {
        cs_cli_clock_stage(&clock, "read previous");
        char *pp[1] = {(char *)o.previous};
        st = is_cin ? cs_cin_read(o.previous, &prev, &prev_findings, &d)
                    : cs_returns_read_903(pp, 1, &sprev, cs_returns_last_groups(rs), &prev,
                                          &prev_findings, &d);
        if (st != CS_OK) {
            rc = cs_cli_fail(&d);
            goto out_ds;
        }
        have_prev = 1;
        if (!is_cin)
            cs_returns_derive_903(&prev, pc, o.la_ons);
    }
    cs_previous_wh pw;
    memset(&pw, 0, sizeof pw);
    if (o.previous_wh && wants_last) {
        cs_cli_clock_stage(&clock, "read previous");
        cs_wh_target t = {.url = o.wh_url,
                          .local_dir = o.wh_dir ? o.wh_dir : "var/warehouse",
                          .use_env = 1};
        cs_wh_session wh;
        cs_wh_session_init(&wh, &t);
        cs_previous_903_from_warehouse(&wh, o.la, &sprev, cs_returns_last_groups(rs), pc,
                                       o.la_ons, &prev, &pw);
        cs_wh_session_close(&wh);
        have_prev = pw.found;
        if (pw.problem[0])
            fprintf(stderr, "cscdw validate: last year's return could not be looked up in the "
                            "warehouse: %s\n", pw.problem);
    }

    cs_cli_clock_stage(&clock, "rules");
    const char *system = o.source_system ? o.source_system : is_cin ? cin_producer(&ds) : "";
    cs_validate_opts vo = {.la = o.la,
                           .reference_date = ref,
                           .last = have_prev ? &prev : NULL,
                           .exc = {.return_name = o.ret, .year = label, .source_system = system}};
    cs_exceptions_from_reader_findings(&exc, &findings, &vo.exc);
    cs_rules_profile prof;
    cs_rules_profile_init(&prof);
    if (cs_cli_rules_profile_wanted())
        vo.profile = &prof;
    cs_validate_counts counts;
    st = cs_returns_validate(rs, &ds, &vo, &exc, &counts, &d);
    if (st == CS_OK && vo.profile)
        cs_cli_rules_profile_print(stderr, &prof);
    cs_rules_profile_free(&prof);
    if (st != CS_OK) {
        rc = cs_cli_fail(&d);
        goto out_prev;
    }

    cs_cli_clock_stage(&clock, "write");
    rc = cs_cli_write_exception_files(&exc, o.csv, o.xlsx);
    cs_cli_clock_stage(&clock, NULL);
    if (rc != CS_EXIT_OK)
        goto out_prev;

    if (!o.quiet) {
        printf("cscdw validate: %s %s, %s%s\n", o.ret, label, o.inputs[0],
               o.ninputs > 1 ? " ..." : "");
        printf("  run id       %s\n", exc.run_id);
        printf("  children     %zu", cs_returns_children(&ds));
        if (pw.found) {
            char from[256];
            cs_previous_wh_describe(&pw, &sprev, from, sizeof from);
            printf(" (last year's return: %zu children, %s)", cs_returns_children(&prev), from);
        } else if (have_prev)
            printf(" (last year's return: %zu children, %llu reader findings not listed)",
                   cs_returns_children(&prev), (unsigned long long)prev_findings.total);
        else if (o.previous_wh && wants_last)
            printf(" (no last year's return: %s)",
                   pw.problem[0] ? "the warehouse could not be searched" : "none in the warehouse");
        else if (o.previous)
            printf(" (no rule reads last year's return: %s not read)", o.previous);
        printf("\n  rules        %zu in the set, %zu not run; %llu rule findings, %llu from "
               "reading the file\n",
               counts.rules, counts.not_run, (unsigned long long)counts.findings,
               (unsigned long long)findings.total);
        cs_cli_print_findings(stdout, &exc);
        if (o.csv || o.xlsx) {
            printf("  files written\n");
            if (o.csv)
                printf("    %s\n", o.csv);
            if (o.xlsx)
                printf("    %s\n", o.xlsx);
        }
        cs_cli_print_times(stdout, &clock);
    }
    rc = cs_cli_exception_status(&exc, o.strict);

out_prev:
    if (have_prev)
        cs_ds_free(&prev);
out_ds:
    cs_ds_free(&ds);
out_rules:
    cs_903_postcodes_free(pc);
    cs_exceptions_free(&exc);
    cs_findings_free(&findings);
    cs_findings_free(&prev_findings);
    cs_ruleset_free(rs);
    return rc;
}
