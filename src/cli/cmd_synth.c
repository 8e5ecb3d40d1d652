/* cscdw synth: a synthetic local authority written as one case system would
 * hand its extracts over, plus manifest.tsv, the ground truth of every
 * injected defect and every piece of Excel-style damage. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "etl/extract.h"
#include "etl/profile.h"
#include "model/model.h"
#include "synth/synth.h"
#include "util/date.h"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: cscdw synth (--system SYSTEM | --profile FILE) --children N --seed K\n"
            "                   --out DIR [--defect-rate R] [--damage-rate R]\n"
            "                   [--reference-date YYYY-MM-DD] [--la CODE]\n"
            "\n"
            "Generates a fictional local authority's children's social care records and\n"
            "writes them as the case system's own extract files (its tables, columns,\n"
            "codes, dates and encoding), with a share of data defects and of the damage\n"
            "Excel and export tools do. DIR also receives manifest.tsv listing every\n"
            "defect and damage with the rule or finding code that should catch it.\n"
            "\n"
            "  --system SYSTEM        ssd, liquidlogic, mosaic, eclipse or azeus: the profile\n"
            "                         etl/sources/SYSTEM.yaml (looked for in ./etl/sources,\n"
            "                         $CSCDW_HOME/etl/sources, beside the binary, and\n"
            "                         /usr/local/share/cscdw/etl/sources)\n"
            "  --profile FILE         any source profile instead\n"
            "  --children N           children in the LA's history (1..10000000)\n"
            "  --seed K               the same seed gives the same files\n"
            "  --out DIR              output folder (created 0700; files 0600)\n"
            "  --defect-rate R        share of children with data defects (default 0.05)\n"
            "  --damage-rate R        share of cells with Excel-style damage (default 0.01)\n"
            "  --reference-date DATE  end of the latest collection year (default 2026-03-31)\n"
            "  --la CODE              DfE 3-digit LA code (default 999)\n"
            "  --help                 this text\n"
            "\n"
            "Exit status: 0 done, 1 failure (the message says what), 2 usage error.\n");
}

static int file_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* etl/sources/<system>.yaml from the usual places: the working folder,
 * $CSCDW_HOME, beside the binary (a build tree or an installed prefix's
 * share/cscdw), then /usr/local/share/cscdw. buf receives the path. */
static int find_system_profile(const char *system, char *buf, size_t n)
{
    char home[PATH_MAX] = "", tree[PATH_MAX] = "", share[PATH_MAX] = "", exe[PATH_MAX];
    const char *h = getenv("CSCDW_HOME");
    if (h && *h)
        snprintf(home, sizeof home, "%s/etl/sources", h);
    ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (k > 0) {
        exe[k] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            snprintf(tree, sizeof tree, "%s/../etl/sources", exe);
            snprintf(share, sizeof share, "%s/../share/cscdw/etl/sources", exe);
        }
    }
    const char *dirs[] = {"./etl/sources", home, tree, share, "/usr/local/share/cscdw/etl/sources"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        if (!dirs[i][0])
            continue;
        if ((size_t)snprintf(buf, n, "%s/%s.yaml", dirs[i], system) < n && file_exists(buf))
            return 1;
    }
    return 0;
}

static int parse_rate(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= 0.0 && v <= 1.0))
        return 0;
    *out = v;
    return 1;
}

static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    if (!*s || *s == '-')
        return 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        return 0;
    *out = v;
    return 1;
}

static int safe_system_name(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
            return 0;
    return 1;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* defects: the generator's manifest entries; damage: the writer's (its
 * damage, test records and anything it could not write). */
static void print_summary(const cs_model *m, const cs_profile *p, const cs_synth_opts *so,
                          size_t defects, size_t damage, const char *out, double secs)
{
    size_t files = 0;
    for (size_t i = 0; i < p->nentities; i++) {
        size_t j = 0;
        while (j < i && strcmp(p->entities[j].file, p->entities[i].file) != 0)
            j++;
        files += j == i;
    }
    printf("synth: %s (%s), %u children, seed %llu, LA %s\n", p->name, p->system, so->children,
           (unsigned long long)so->seed, so->la_code);
    printf("  records per entity:\n");
    for (size_t e = 0; e < CS_ENTITY_COUNT; e++)
        if (m->tables[e].count)
            printf("    %-22s %10zu\n", cs_entities[e].name, m->tables[e].count);
    printf("  defects injected:  %zu\n", defects);
    printf("  damage and test records: %zu\n", damage);
    printf("  files written:     %zu (+ manifest.tsv) in %s\n", files, out);
    printf("  time:              %.2f s\n", secs);
}

int cs_cmd_synth(int argc, char **argv)
{
    static const struct option opts[] = {
        {"system", required_argument, NULL, 's'},
        {"profile", required_argument, NULL, 'p'},
        {"children", required_argument, NULL, 'n'},
        {"seed", required_argument, NULL, 'k'},
        {"out", required_argument, NULL, 'o'},
        {"defect-rate", required_argument, NULL, 'd'},
        {"damage-rate", required_argument, NULL, 'D'},
        {"reference-date", required_argument, NULL, 'r'},
        {"la", required_argument, NULL, 'l'},
        {"dump-model", required_argument, NULL, 'M'},   /* hidden: for round-trip tests */
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *system = NULL, *profile_path = NULL, *out = NULL, *dump_model = NULL;
    cs_synth_opts so = {.defect_rate = 0.05, .la_code = "999"};
    cs_synth_write_opts wo = {.damage_rate = 0.01};
    so.reference_date = cs_date_from_ymd(2026, 3, 31);
    int have_children = 0, have_seed = 0;
    uint64_t v;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's': system = optarg; break;
        case 'p': profile_path = optarg; break;
        case 'o': out = optarg; break;
        case 'M': dump_model = optarg; break;
        case 'n':
            if (!parse_u64(optarg, 10000000, &v) || v == 0)
                return cs_cli_usage_error("synth", "--children wants a whole number from 1 to "
                                                   "10000000, not '%s'", optarg);
            so.children = (uint32_t)v;
            have_children = 1;
            break;
        case 'k':
            if (!parse_u64(optarg, UINT64_MAX, &v))
                return cs_cli_usage_error("synth", "--seed wants a whole number, not '%s'",
                                          optarg);
            so.seed = v;
            have_seed = 1;
            break;
        case 'd':
            if (!parse_rate(optarg, &so.defect_rate))
                return cs_cli_usage_error("synth", "--defect-rate wants a number from 0 to 1, "
                                                   "not '%s'", optarg);
            break;
        case 'D':
            if (!parse_rate(optarg, &wo.damage_rate))
                return cs_cli_usage_error("synth", "--damage-rate wants a number from 0 to 1, "
                                                   "not '%s'", optarg);
            break;
        case 'r':
            so.reference_date = cs_date_parse_iso(optarg, strlen(optarg));
            if (so.reference_date == CS_DATE_NONE)
                return cs_cli_usage_error("synth", "--reference-date wants YYYY-MM-DD, not '%s'",
                                          optarg);
            break;
        case 'l':
            if (strlen(optarg) != 3 || strspn(optarg, "0123456789") != 3)
                return cs_cli_usage_error("synth", "--la wants a 3-digit DfE LA code, not '%s'",
                                          optarg);
            so.la_code = optarg;
            break;
        case 'h': usage(stdout); return CS_EXIT_OK;
        default:
            return cs_cli_usage_error("synth", "unknown or incomplete option '%s'",
                                      argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cs_cli_usage_error("synth", "unexpected argument '%s'", argv[optind]);
    if (!system == !profile_path)
        return cs_cli_usage_error("synth", "give one of --system or --profile");
    if (!have_children || !have_seed || !out)
        return cs_cli_usage_error("synth", "--children, --seed and --out are required");
    char found[PATH_MAX];
    if (system) {
        if (!safe_system_name(system))
            return cs_cli_usage_error("synth", "'%s' is not a system name", system);
        if (!find_system_profile(system, found, sizeof found))
            return cs_cli_usage_error("synth",
                                      "no profile for system '%s' (looked for %s.yaml in "
                                      "./etl/sources, $CSCDW_HOME/etl/sources, beside the "
                                      "binary and in /usr/local/share/cscdw/etl/sources)",
                                      system, system);
        profile_path = found;
    }
    wo.seed = so.seed;

    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    cs_diag d;
    cs_diag_clear(&d);
    cs_profile *p = NULL;
    cs_status st = cs_profile_load(&p, profile_path, &d);
    if (st != CS_OK)
        return cs_cli_fail(&d);
    cs_model m;
    cs_model_init(&m);
    m.source_system = p->system;
    cs_synth_manifest mf;
    cs_synth_manifest_init(&mf);
    st = cs_synth_generate(&so, &m, &mf, &d);
    size_t defects = mf.count;
    if (st == CS_OK)
        st = cs_synth_write(&m, p, out, &wo, &mf, &d);
    if (st == CS_OK && dump_model)
        st = cs_model_dump(&m, dump_model, &d);
    char manifest_path[PATH_MAX];
    if (st == CS_OK) {
        if ((size_t)snprintf(manifest_path, sizeof manifest_path, "%s/manifest.tsv", out) >=
            sizeof manifest_path)
            st = cs_diag_set(&d, CS_ERR_LIMIT, out, 0, 0, "output path too long");
        else
            st = cs_synth_manifest_write(&mf, manifest_path, &d);
    }
    int rc = CS_EXIT_OK;
    if (st != CS_OK)
        rc = cs_cli_fail(&d);
    else
        print_summary(&m, p, &so, defects, mf.count - defects, out, seconds_since(&t0));
    cs_synth_manifest_free(&mf);
    cs_model_free(&m);
    cs_profile_free(p);
    return rc;
}
