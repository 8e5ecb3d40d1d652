/* cscdw rules: list, explain and check rule files. */
#include <dirent.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "dataset/schemas.h"
#include "rules/rules.h"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: cscdw rules list --return RETURN --year YEAR [--rules-dir DIR] [--no-local]\n"
            "       cscdw rules explain CODE [--return RETURN] [--year YEAR] [--rules-dir DIR]\n"
            "       cscdw rules check DIR|FILE [--return RETURN]\n"
            "\n"
            "  list     every rule of a year's rule set (with what it inherits and the\n"
            "           local rules): code, severity, the DfE code it mirrors, message\n"
            "  explain  one rule in plain words: what it checks, its fields, when it\n"
            "           applies and what it requires, and an example\n"
            "  check    compile a year folder (or one rule file) and report every error\n"
            "           with file:line:col and a caret; prints \"N rules OK\" when clean\n"
            "\n"
            "  --return RETURN   cin, ssda903, annexa (the dataset the rules run on);\n"
            "                    check reads it from the path rules/RETURN/YEAR when omitted\n"
            "  --year YEAR       collection year folder, e.g. 2025-26 (explain: the latest)\n"
            "  --rules-dir DIR   the rules folder (default: ./rules, $CSCDW_HOME/rules,\n"
            "                    beside the binary, /usr/local/share/cscdw/rules)\n"
            "  --no-local        leave out rules/local/RETURN\n"
            "  --help            this text\n"
            "\n"
            "The rule language is described in rules/README.md.\n"
            "Exit status: 0 done, 1 rule files with errors or unreadable, 2 usage error.\n");
}

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int find_rules_dir(char *buf, size_t n)
{
    char home[PATH_MAX] = "", tree[PATH_MAX] = "", share[PATH_MAX] = "", exe[PATH_MAX];
    const char *h = getenv("CSCDW_HOME");
    if (h && *h)
        snprintf(home, sizeof home, "%s/rules", h);
    ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (k > 0) {
        exe[k] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            snprintf(tree, sizeof tree, "%s/../rules", exe);
            snprintf(share, sizeof share, "%s/../share/cscdw/rules", exe);
        }
    }
    const char *dirs[] = {"./rules", home, tree, share, "/usr/local/share/cscdw/rules"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
        if (dirs[i][0] && is_dir(dirs[i]) && (size_t)snprintf(buf, n, "%s", dirs[i]) < n)
            return 1;
    return 0;
}

static int print_errors(const cs_rule_errors *errs, const char *only_file, const cs_diag *d)
{
    size_t shown = 0;
    for (size_t i = 0; i < errs->count; i++) {
        const cs_rule_error *e = &errs->items[i];
        if (only_file && e->file[0] && strcmp(e->file, only_file) != 0 &&
            strstr(e->file, ".rules"))
            continue;
        fprintf(stderr, "%s\n", e->text);
        shown++;
    }
    if (shown)
        fprintf(stderr, "%zu error%s\n", shown, shown == 1 ? "" : "s");
    else if (d && d->msg[0])
        cs_cli_fail(d);
    return shown ? (int)shown : (d && d->msg[0] ? 1 : 0);
}

typedef struct {
    const char *ret, *year, *rules_dir;
    int no_local;
} opts_t;

static int parse(int argc, char **argv, opts_t *o, const char *cmd)
{
    static const struct option longopts[] = {
        {"return", required_argument, NULL, 'r'}, {"year", required_argument, NULL, 'y'},
        {"rules-dir", required_argument, NULL, 'd'}, {"no-local", no_argument, NULL, 'n'},
        {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    optind = 0;   /* glibc: start afresh (and let options follow arguments) */
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'r': o->ret = optarg; break;
        case 'y': o->year = optarg; break;
        case 'd': o->rules_dir = optarg; break;
        case 'n': o->no_local = 1; break;
        case 'h': usage(stdout); return -1;
        default:
            return cs_cli_usage_error("rules", "%s: unknown or incomplete option '%s'", cmd,
                                      argv[optind - 1]);
        }
    }
    return 0;
}

static const char *rules_root(const opts_t *o, char *buf, size_t n)
{
    if (o->rules_dir)
        return o->rules_dir;
    return find_rules_dir(buf, n) ? buf : NULL;
}

static int load(cs_ruleset **rs, const char *root, const char *ret, const char *year, int local)
{
    cs_ruleset_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.rules_dir = root;
    ro.ret = ret;
    ro.year = year;
    ro.include_local = local;
    cs_rule_errors errs;
    cs_rule_errors_init(&errs);
    cs_diag d;
    cs_diag_clear(&d);
    cs_status st = cs_ruleset_load(rs, &ro, &errs, &d);
    if (st != CS_OK) {
        if (!errs.count)
            cs_cli_fail(&d);
        else
            print_errors(&errs, NULL, NULL);
    }
    cs_rule_errors_free(&errs);
    return st == CS_OK ? 0 : CS_EXIT_FAIL;
}

static int cmd_list(int argc, char **argv)
{
    opts_t o;
    int rc = parse(argc, argv, &o, "list");
    if (rc)
        return rc < 0 ? CS_EXIT_OK : rc;
    if (optind < argc)
        return cs_cli_usage_error("rules", "list: unexpected argument '%s'", argv[optind]);
    if (!o.ret || !o.year)
        return cs_cli_usage_error("rules", "list needs --return and --year");
    char buf[PATH_MAX];
    const char *root = rules_root(&o, buf, sizeof buf);
    if (!root) {
        fprintf(stderr, "cscdw: no rules folder found; give --rules-dir\n");
        return CS_EXIT_FAIL;
    }
    cs_ruleset *rs;
    if ((rc = load(&rs, root, o.ret, o.year, !o.no_local)) != 0)
        return rc;
    size_t n = cs_ruleset_count(rs), sev[3] = {0, 0, 0};
    printf("%-10s %-8s %-9s %-22s %s\n", "CODE", "SEVERITY", "MIRRORS", "ON", "MESSAGE");
    for (size_t i = 0; i < n; i++) {
        const cs_rule *r = cs_ruleset_rule(rs, i);
        sev[r->severity]++;
        printf("%-10s %-8s %-9s %-22s %s%s%s\n", r->code, cs_rule_severity_name(r->severity),
               r->mirrors, r->group < 0 ? "return" : r->scope, r->message,
               r->last == CS_LAST_REQUIRED ? " [needs last year]" : "",
               r->local ? " [local]" : "");
    }
    printf("%zu rule%s: %zu error%s, %zu quer%s, %zu warning%s\n", n, n == 1 ? "" : "s", sev[0],
           sev[0] == 1 ? "" : "s", sev[1], sev[1] == 1 ? "y" : "ies", sev[2],
           sev[2] == 1 ? "" : "s");
    cs_ruleset_free(rs);
    return CS_EXIT_OK;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sub-folders of dir that are not local/calendar/reference, sorted. */
static size_t subdirs(const char *dir, char **out, size_t max)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < max) {
        if (e->d_name[0] == '.' || strcmp(e->d_name, "local") == 0 ||
            strcmp(e->d_name, "calendar") == 0 || strcmp(e->d_name, "reference") == 0)
            continue;
        char p[PATH_MAX];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (is_dir(p))
            out[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(out, n, sizeof *out, cmp_name);
    return n;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
}

static int explain_in(const char *root, const char *ret, const char *year, const char *code,
                      int *found)
{
    cs_ruleset *rs;
    int rc = load(&rs, root, ret, year, 1);
    if (rc)
        return rc;
    const cs_rule *r = cs_ruleset_find(rs, code);
    if (r) {
        char *text = cs_rule_explain(rs, r);
        if (*found)
            printf("\n");
        printf("[%s %s]\n%s", ret, year, text);
        free(text);
        (*found)++;
    }
    cs_ruleset_free(rs);
    return 0;
}

static int cmd_explain(int argc, char **argv)
{
    opts_t o;
    int rc = parse(argc, argv, &o, "explain");
    if (rc)
        return rc < 0 ? CS_EXIT_OK : rc;
    if (optind != argc - 1)
        return cs_cli_usage_error("rules", "explain needs one rule code");
    const char *code = argv[optind];
    char buf[PATH_MAX];
    const char *root = rules_root(&o, buf, sizeof buf);
    if (!root) {
        fprintf(stderr, "cscdw: no rules folder found; give --rules-dir\n");
        return CS_EXIT_FAIL;
    }
    char *rets[64];
    size_t nrets = 0;
    if (o.ret)
        rets[nrets++] = strdup(o.ret);
    else
        nrets = subdirs(root, rets, 64);
    int found = 0;
    rc = 0;
    for (size_t i = 0; i < nrets && !rc; i++) {
        if (!o.ret && !cs_schema_find(rets[i]))
            continue;   /* a return this build cannot read yet */
        if (o.year) {
            rc = explain_in(root, rets[i], o.year, code, &found);
            continue;
        }
        char dir[PATH_MAX];
        snprintf(dir, sizeof dir, "%s/%s", root, rets[i]);
        char *years[128];
        size_t ny = subdirs(dir, years, 128);
        if (ny)
            rc = explain_in(root, rets[i], years[ny - 1], code, &found);
        free_names(years, ny);
    }
    free_names(rets, nrets);
    if (rc)
        return rc;
    if (!found) {
        fprintf(stderr, "cscdw rules explain: no rule %s%s%s%s%s\n", code,
                o.ret ? " in " : "", o.ret ? o.ret : "", o.year ? " " : "", o.year ? o.year : "");
        return CS_EXIT_FAIL;
    }
    return CS_EXIT_OK;
}

static int has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcmp(s + n - m, suf) == 0;
}

/* Compile one year folder; only_file limits errors and the count to a file. */
static int check_folder(const char *dir, const char *ret, const char *only_file, size_t *nrules)
{
    cs_ruleset_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.dir = dir;
    ro.ret = ret;
    if (ret) {
        ro.schema = cs_schema_find(ret);
        if (!ro.schema) {
            fprintf(stderr, "cscdw rules check: no dataset schema named '%s' is known\n", ret);
            return CS_EXIT_FAIL;
        }
    }
    cs_rule_errors errs;
    cs_rule_errors_init(&errs);
    cs_diag d;
    cs_diag_clear(&d);
    cs_ruleset *rs = NULL;
    cs_status st = cs_ruleset_load(&rs, &ro, &errs, &d);
    int rc = 0;
    if (st != CS_OK) {
        if (errs.count && print_errors(&errs, only_file, NULL))
            rc = CS_EXIT_FAIL;
        else if (!errs.count) {
            rc = cs_cli_fail(&d);
            if (strstr(d.msg, "schema"))
                fprintf(stderr, "Give --return to say which return the rules are for.\n");
        }
        /* errors only in other files: this file is fine, but it could not be
         * compiled with them; say so */
        if (!rc) {
            fprintf(stderr, "cscdw rules check: %s compiles, but other files in %s have "
                            "errors\n", only_file, dir);
            rc = CS_EXIT_FAIL;
        }
    } else {
        for (size_t i = 0; i < cs_ruleset_count(rs); i++)
            if (!only_file || strcmp(cs_ruleset_rule(rs, i)->file, only_file) == 0)
                (*nrules)++;
    }
    cs_rule_errors_free(&errs);
    cs_ruleset_free(rs);
    return rc;
}

static int folder_has_rules(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    struct dirent *e;
    int yes = 0;
    while (!yes && (e = readdir(d)) != NULL)
        yes = has_suffix(e->d_name, ".rules") || strcmp(e->d_name, "ruleset.yaml") == 0;
    closedir(d);
    return yes;
}

static int cmd_check(int argc, char **argv)
{
    opts_t o;
    int rc = parse(argc, argv, &o, "check");
    if (rc)
        return rc < 0 ? CS_EXIT_OK : rc;
    if (optind != argc - 1)
        return cs_cli_usage_error("rules", "check needs one folder or rule file");
    const char *path = argv[optind];
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "cscdw rules check: %s: no such file or folder\n", path);
        return CS_EXIT_FAIL;
    }
    size_t nrules = 0;
    if (S_ISDIR(st.st_mode)) {
        if (folder_has_rules(path)) {
            rc = check_folder(path, o.ret, NULL, &nrules);
        } else {   /* a return's folder: check each year in it */
            char *years[128];
            size_t ny = subdirs(path, years, 128);
            int any = 0;
            for (size_t i = 0; i < ny; i++) {
                char dir[PATH_MAX];
                snprintf(dir, sizeof dir, "%s/%s", path, years[i]);
                if (!folder_has_rules(dir))
                    continue;
                any = 1;
                int r2 = check_folder(dir, o.ret, NULL, &nrules);
                if (r2)
                    rc = r2;
            }
            free_names(years, ny);
            if (!any) {
                fprintf(stderr, "cscdw rules check: %s holds no .rules files\n", path);
                return CS_EXIT_FAIL;
            }
        }
    } else {
        if (!has_suffix(path, ".rules"))
            return cs_cli_usage_error("rules", "check: %s is not a .rules file", path);
        char dir[PATH_MAX];
        snprintf(dir, sizeof dir, "%s", path);
        char *slash = strrchr(dir, '/');
        if (slash)
            *slash = '\0';
        else
            snprintf(dir, sizeof dir, ".");
        char file[PATH_MAX];
        snprintf(file, sizeof file, "%s/%s", dir, slash ? slash + 1 : path);
        rc = check_folder(dir, o.ret, file, &nrules);
    }
    if (rc)
        return rc;
    printf("%zu rule%s OK\n", nrules, nrules == 1 ? "" : "s");
    return CS_EXIT_OK;
}

int cs_cmd_rules(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CS_EXIT_USAGE;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0 || strcmp(sub, "help") == 0) {
        usage(stdout);
        return CS_EXIT_OK;
    }
    if (strcmp(sub, "list") == 0)
        return cmd_list(argc - 1, argv + 1);
    if (strcmp(sub, "explain") == 0)
        return cmd_explain(argc - 1, argv + 1);
    if (strcmp(sub, "check") == 0)
        return cmd_check(argc - 1, argv + 1);
    return cs_cli_usage_error("rules", "unknown subcommand '%s' (list, explain, check)", sub);
}
