/* cscdw emit cin|ssda903 --profile P --input DIR --la 999 --year 2025-26 --out OUT
 * Extracts a case system's files, builds the return, validates it with the
 * year's rules and writes it with its exception list beside it. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/rules_profile.h"
#include "cli/validate_report.h"
#include "etl/extract.h"
#include "etl/profile.h"
#include "pipeline/returns.h"
#include "report/allocation.h"
#include "returns/cin/cin.h"
#include "returns/ssda903/ssda903.h"
#include "util/resource.h"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: cscdw emit cin --profile P --input DIR --la CODE --year 2025-26 --out FILE.xml\n"
            "       cscdw emit ssda903 --profile P --input DIR --la CODE --year 2025-26 --out DIR\n"
            "                  [OPTIONS]\n"
            "\n"
            "Extracts the case system's files (as `cscdw extract`), builds the return for the\n"
            "year, validates it with the year's rules and writes it: the CIN census as one XML\n"
            "file checked against the DfE schema, the SSDA903 as a folder of CSV tables (and\n"
            "XML with --xml). The exception list (extract findings and rule findings, with the\n"
            "team and worker holding each case) is written beside it: OUT-exceptions.csv.\n"
            "\n"
            "  --profile FILE        source profile (etl/sources/<system>.yaml)\n"
            "  --input DIR           folder holding the extract files\n"
            "  --la CODE             the LA's DfE 3-digit code (CIN header LEA)\n"
            "  --year YEAR           collection year, e.g. 2025-26\n"
            "  --out PATH            the CIN XML file, or the 903 tables' folder\n"
            "  --exceptions FILE     the exception list (default: beside the output)\n"
            "  --xlsx FILE           the exception list as an Excel workbook too\n"
            "  --xml FILE            (ssda903) also write the return as XML\n"
            "  --previous PREV       (ssda903) last year's return: a folder of tables or XML\n"
            "  --la-ons CODE         (ssda903) the LA's ONS code (E09000027), for PL_LOCATION\n"
            "  --no-xsd              do not check written XML against its XSD\n"
            "  --rules DIR           a rules folder (holding RETURN/YEAR) or a year folder\n"
            "  --no-local            leave out rules/local/RETURN\n"
            "  --allocation RULE     latest (default) or at-event: whose team and worker an\n"
            "                        exception names\n"
            "  --role CODES          involvement roles that hold a case (default ALLOCATED_SW)\n"
            "  --reference-date D    ReferenceDate (default: 31 March ending YEAR)\n"
            "  --strict              exit 3 when any error-severity finding exists\n"
            "  --quiet               print nothing but errors\n"
            "  --help                this text\n"
            "\n"
            "Exit status: 0 done (whatever the rules found), 1 operational failure, 2 usage\n"
            "error, 3 --strict and error findings.\n");
}

typedef struct {
    const char *ret, *profile, *input, *la, *year, *out, *csv, *xlsx, *xml, *previous, *la_ons,
        *rules, *alloc, *role, *ref;
    int no_xsd, no_local, strict, quiet;
} opts_t;

static int parse(int argc, char **argv, opts_t *o)
{
    static const struct option longopts[] = {
        {"profile", required_argument, NULL, 'p'},  {"input", required_argument, NULL, 'i'},
        {"la", required_argument, NULL, 'l'},       {"year", required_argument, NULL, 'y'},
        {"out", required_argument, NULL, 'o'},      {"exceptions", required_argument, NULL, 'e'},
        {"xlsx", required_argument, NULL, 'x'},     {"xml", required_argument, NULL, 'X'},
        {"previous", required_argument, NULL, 'P'}, {"la-ons", required_argument, NULL, 'O'},
        {"no-xsd", no_argument, NULL, 'N'},         {"rules", required_argument, NULL, 'R'},
        {"no-local", no_argument, NULL, 'n'},       {"allocation", required_argument, NULL, 'a'},
        {"role", required_argument, NULL, 'r'},     {"reference-date", required_argument, NULL, 'D'},
        {"strict", no_argument, NULL, 's'},         {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    optind = 0;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'p': o->profile = optarg; break;
        case 'i': o->input = optarg; break;
        case 'l': o->la = optarg; break;
        case 'y': o->year = optarg; break;
        case 'o': o->out = optarg; break;
        case 'e': o->csv = optarg; break;
        case 'x': o->xlsx = optarg; break;
        case 'X': o->xml = optarg; break;
        case 'P': o->previous = optarg; break;
        case 'O': o->la_ons = optarg; break;
        case 'N': o->no_xsd = 1; break;
        case 'R': o->rules = optarg; break;
        case 'n': o->no_local = 1; break;
        case 'a': o->alloc = optarg; break;
        case 'r': o->role = optarg; break;
        case 'D': o->ref = optarg; break;
        case 's': o->strict = 1; break;
        case 'q': o->quiet = 1; break;
        case 'h': usage(stdout); return -1;
        default:
            return cs_cli_usage_error("emit", "unknown or incomplete option '%s'",
                                      argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cs_cli_usage_error("emit", "name the return: cin, ssda903 or annexa");
    o->ret = argv[optind++];
    if (strcmp(o->ret, "cin") != 0 && strcmp(o->ret, "ssda903") != 0)
        return cs_cli_usage_error("emit", "unknown return '%s': use cin, ssda903 or annexa",
                                  o->ret);
    if (optind < argc)
        return cs_cli_usage_error("emit", "unexpected argument '%s'", argv[optind]);
    if (!o->profile || !o->input || !o->la || !o->year || !o->out)
        return cs_cli_usage_error("emit", "--profile, --input, --la, --year and --out are required");
    if (strcmp(o->ret, "cin") == 0 && (o->xml || o->previous || o->la_ons))
        return cs_cli_usage_error("emit", "--xml, --previous and --la-ons are for ssda903");
    return 0;
}

typedef struct {
    opts_t o;
    cs_cli_clock clock;
    cs_exception_list exc;
    cs_model model;
    cs_profile *profile;
    cs_allocation *alloc;
    cs_date ref;
    const char *label;
    int xsd_failed;
    int built;                  /* the return dataset exists (free it) */
    char files[4][4200];
    size_t nfiles;
} emit_run;

/* extract: the model, its findings as exception rows, and the allocation */
static cs_status extract(emit_run *e, cs_alloc_rule rule, cs_diag *d)
{
    cs_cli_clock_stage(&e->clock, "extract");
    cs_status st = cs_profile_load(&e->profile, e->o.profile, d);
    if (st != CS_OK)
        return st;
    e->model.source_system = e->profile->system;
    cs_findings f;
    cs_findings_init(&f);
    cs_extract_stats xs;
    memset(&xs, 0, sizeof xs);
    st = cs_extract(e->profile, e->o.input, &e->model, &f, &xs, NULL, NULL, d);
    if (st == CS_OK) {
        cs_exceptions_from_findings(&e->exc, &f, e->profile->system, e->label);
        cs_allocation_opts ao = {.rule = rule, .roles = e->o.role, .reference_date = e->ref};
        e->alloc = cs_allocation_build(&e->model, &ao);
    }
    cs_extract_stats_free(&xs);
    cs_findings_free(&f);
    return st;
}

static cs_status validate(emit_run *e, const cs_dataset *ds, const cs_dataset *last,
                          cs_validate_counts *counts, cs_diag *d)
{
    cs_cli_clock_stage(&e->clock, "compile");
    cs_ruleset *rs = NULL;
    cs_rule_errors errs;
    cs_rule_errors_init(&errs);
    cs_status st = cs_returns_rules_load(e->o.ret, e->label, e->o.rules, e->o.no_local, &rs,
                                         &errs, NULL, 0, d);
    if (st != CS_OK) {
        if (errs.count) {
            cs_cli_print_rule_errors(&errs);
            d->msg[0] = '\0';
        }
        cs_rule_errors_free(&errs);
        return st;
    }
    cs_rule_errors_free(&errs);
    cs_cli_clock_stage(&e->clock, "rules");
    size_t from = e->exc.count;
    cs_validate_opts vo = {.la = e->o.la,
                           .reference_date = e->ref,
                           .last = last,
                           .exc = {.return_name = e->o.ret,
                                   .year = e->label,
                                   .source_system = e->profile->system,
                                   .alloc = e->alloc}};
    cs_rules_profile prof;
    cs_rules_profile_init(&prof);
    if (cs_cli_rules_profile_wanted())
        vo.profile = &prof;
    st = cs_returns_validate(rs, ds, &vo, &e->exc, counts, d);
    if (st == CS_OK)
        cs_exceptions_fill_source_ids(&e->exc, from, &e->model);
    if (st == CS_OK && vo.profile)
        cs_cli_rules_profile_print(stderr, &prof);
    cs_rules_profile_free(&prof);
    cs_ruleset_free(rs);
    return st;
}

static void add_file(emit_run *e, const char *p)
{
    if (e->nfiles < sizeof e->files / sizeof e->files[0])
        snprintf(e->files[e->nfiles++], sizeof e->files[0], "%s", p);
}

static cs_status xsd(emit_run *e, const char *path, const char *name, cs_diag *d)
{
    if (e->o.no_xsd)
        return CS_OK;
    int valid = 1;
    cs_status st = cs_returns_xsd_check(path, name, e->o.ret, e->label, &e->exc, &valid, d);
    if (st == CS_OK && !valid) {
        e->xsd_failed = 1;
        fprintf(stderr, "cscdw emit: %s (line %u)\n", e->exc.items[e->exc.count - 1].message,
                e->exc.items[e->exc.count - 1].source_line);
    }
    return st;
}

static cs_status emit_cin(emit_run *e, cs_dataset *ds, cs_validate_counts *counts, cs_diag *d)
{
    cs_cin_year y;
    cs_status st = cs_cin_year_parse(e->o.year, &y, d);
    if (st != CS_OK)
        return st;
    cs_cli_clock_stage(&e->clock, "build");
    st = cs_cin_build(&e->model, &y, e->o.la, ds, d);
    if (st != CS_OK)
        return st;
    e->built = 1;
    st = validate(e, ds, NULL, counts, d);
    if (st != CS_OK)
        return st;
    cs_cli_clock_stage(&e->clock, "write");
    st = cs_cin_write(ds, e->o.out, &y, d);
    if (st != CS_OK)
        return st;
    add_file(e, e->o.out);
    char name[64];
    return xsd(e, e->o.out, cs_cin_xsd_name(&y, name, sizeof name), d);
}

static cs_status emit_903(emit_run *e, cs_dataset *ds, cs_validate_counts *counts, cs_diag *d)
{
    cs_903_year y, py;
    cs_status st = cs_903_year_parse(e->o.year, &y, d);
    if (st != CS_OK)
        return st;
    cs_903_year_previous(&y, &py);
    cs_cli_clock_stage(&e->clock, "build");
    cs_903_postcodes *pc = NULL;
    if ((st = cs_returns_postcodes_load(e->o.rules, &pc, d)) != CS_OK)
        return st;
    st = cs_903_build_with(&e->model, &y, e->o.la_ons, pc, ds, d);
    if (st != CS_OK) {
        cs_903_postcodes_free(pc);
        return st;
    }
    e->built = 1;
    cs_dataset last;
    int have_last = 0;
    if (e->o.previous) {
        cs_cli_clock_stage(&e->clock, "read previous");
        char *pp[1] = {(char *)e->o.previous};
        st = cs_returns_read_903(pp, 1, &py, 0, &last, NULL, d);
        if (st == CS_OK) {
            have_last = 1;
            cs_returns_derive_903(&last, pc, e->o.la_ons);
        }
    }
    cs_903_postcodes_free(pc);
    if (st != CS_OK)
        return st;
    st = validate(e, ds, have_last ? &last : NULL, counts, d);
    if (have_last)
        cs_ds_free(&last);
    if (st != CS_OK)
        return st;
    cs_cli_clock_stage(&e->clock, "write");
    st = cs_903_write_csv(ds, e->o.out, &y, d);
    if (st != CS_OK)
        return st;
    add_file(e, e->o.out);
    if (e->o.xml) {
        st = cs_903_write_xml(ds, e->o.xml, &y, NULL, d);
        if (st != CS_OK)
            return st;
        add_file(e, e->o.xml);
        char name[64];
        char rel[128], found[4096];
        cs_903_xsd_name(&y, name, sizeof name);
        snprintf(rel, sizeof rel, "schema/xml/%s", name);
        if (cs_resource_path(rel, found, sizeof found))
            st = xsd(e, e->o.xml, name, d);
        else if (!e->o.no_xsd && !e->o.quiet)
            fprintf(stderr, "cscdw emit: no XSD for the %s 903 XML (%s): not checked\n",
                    e->label, rel);
    }
    return st;
}

int cs_cmd_emit(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "annexa") == 0)
        return cs_cmd_emit_annexa(argc, argv);   /* Ofsted's lists: cmd_annexa.c */
    emit_run e;
    memset(&e, 0, sizeof e);
    int rc = parse(argc, argv, &e.o);
    if (rc)
        return rc < 0 ? CS_EXIT_OK : rc;
    cs_diag d;
    cs_diag_clear(&d);
    cs_alloc_rule rule;
    if (cs_alloc_rule_parse(e.o.alloc, &rule, &d) != CS_OK)
        return cs_cli_usage_error("emit", "%s", d.msg);
    int is_cin = strcmp(e.o.ret, "cin") == 0;
    cs_cin_year cy;
    cs_903_year sy;
    if (is_cin ? cs_cin_year_parse(e.o.year, &cy, &d) != CS_OK
               : cs_903_year_parse(e.o.year, &sy, &d) != CS_OK)
        return cs_cli_usage_error("emit", "%s", d.msg);
    e.label = is_cin ? cy.label : sy.label;
    e.ref = is_cin ? cy.reference_date : sy.collection_end;
    if (e.o.ref && (e.ref = cs_date_parse_iso(e.o.ref, strlen(e.o.ref))) == CS_DATE_NONE)
        return cs_cli_usage_error("emit", "--reference-date wants yyyy-mm-dd, not '%s'", e.o.ref);
    char csv[4200];
    if (e.o.csv)
        snprintf(csv, sizeof csv, "%s", e.o.csv);
    else
        cs_cli_beside(e.o.out, "-exceptions.csv", csv, sizeof csv);

    char run_id[64];
    cs_run_id_new(run_id, sizeof run_id, e.o.la);
    cs_exceptions_init(&e.exc, run_id);
    cs_model_init(&e.model);
    cs_cli_clock_start(&e.clock);
    cs_dataset ds;
    cs_validate_counts counts = {0};
    cs_status st = extract(&e, rule, &d);
    if (st == CS_OK) {
        st = is_cin ? emit_cin(&e, &ds, &counts, &d) : emit_903(&e, &ds, &counts, &d);
    }
    if (st == CS_OK) {
        cs_cli_clock_stage(&e.clock, "write");
        rc = cs_cli_write_exception_files(&e.exc, csv, e.o.xlsx);
    } else {
        rc = d.msg[0] ? cs_cli_fail(&d) : CS_EXIT_FAIL;
    }
    cs_cli_clock_stage(&e.clock, NULL);
    if (rc == CS_EXIT_OK && !e.o.quiet) {
        printf("cscdw emit %s: LA %s, %s, from %s (%s)\n", e.o.ret, e.o.la, e.label, e.o.input,
               e.profile->system);
        printf("  run id       %s\n", e.exc.run_id);
        printf("  children     %zu in the return; %zu people extracted\n",
               cs_returns_children(&ds), CS_COUNT(&e.model, person));
        printf("  rules        %zu in the set, %zu not run; %llu rule findings\n", counts.rules,
               counts.not_run, (unsigned long long)counts.findings);
        printf("  allocation   %s, %zu involvements in roles %s\n", cs_alloc_rule_name(rule),
               cs_allocation_count(e.alloc), e.o.role ? e.o.role : CS_ALLOC_DEFAULT_ROLES);
        cs_cli_print_findings(stdout, &e.exc);
        if (e.xsd_failed)
            printf("  XSD          the written file does NOT pass its schema (rule XSD)\n");
        printf("  files written\n");
        for (size_t i = 0; i < e.nfiles; i++)
            printf("    %s\n", e.files[i]);
        printf("    %s\n", csv);
        if (e.o.xlsx)
            printf("    %s\n", e.o.xlsx);
        cs_cli_print_times(stdout, &e.clock);
    }
    if (rc == CS_EXIT_OK)
        rc = cs_cli_exception_status(&e.exc, e.o.strict);
    if (e.built)
        cs_ds_free(&ds);
    cs_allocation_free(e.alloc);
    cs_exceptions_free(&e.exc);
    cs_model_free(&e.model);
    cs_profile_free(e.profile);
    return rc;
}
