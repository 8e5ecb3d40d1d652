#include "pipeline/returns.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "returns/cin/cin.h"
#include "returns/ssda903/ssda903.h"
#include "util/resource.h"

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int has_rule_files(const char *dir)
{
    DIR *dh = opendir(dir);
    if (!dh)
        return 0;
    int found = 0;
    struct dirent *e;
    while (!found && (e = readdir(dh)) != NULL) {
        size_t n = strlen(e->d_name);
        found = (n > 6 && strcmp(e->d_name + n - 6, ".rules") == 0) ||
                strcmp(e->d_name, "ruleset.yaml") == 0;
    }
    closedir(dh);
    return found;
}

cs_status cs_returns_rules_load(const char *ret, const char *year, const char *rules,
                                int no_local, cs_ruleset **out, cs_rule_errors *errs,
                                char *dir_out, size_t dir_n, cs_diag *d)
{
    *out = NULL;
    char dir[4096], root[4096];
    if (rules) {
        snprintf(dir, sizeof dir, "%s/%s/%s", rules, ret, year);
        if (is_dir(dir)) {
            snprintf(root, sizeof root, "%s", rules);
        } else if (is_dir(rules) && has_rule_files(rules)) {
            snprintf(dir, sizeof dir, "%s", rules);
            snprintf(root, sizeof root, "%s/../..", rules);   /* for local rules, calendar */
        } else {
            return cs_diag_set(d, CS_ERR_IO, rules, 0, 0,
                               "no %s rule set for %s here: neither %s/%s/%s nor a folder of "
                               ".rules files",
                               ret, year, rules, ret, year);
        }
    } else {
        char rel[256];
        snprintf(rel, sizeof rel, "rules/%s/%s", ret, year);
        if (!cs_resource_path(rel, dir, sizeof dir) || !is_dir(dir))
            return cs_diag_set(d, CS_ERR_IO, NULL, 0, 0,
                               "no %s rule set for %s: %s was not found (looked in ./, "
                               "$CSCDW_HOME and beside the binary); give one with --rules DIR",
                               ret, year, rel);
        snprintf(root, sizeof root, "%s", dir);
        /* rules/<ret>/<year> -> rules */
        for (int up = 0; up < 2; up++) {
            char *slash = strrchr(root, '/');
            if (slash)
                *slash = '\0';
        }
    }
    if (dir_out)
        snprintf(dir_out, dir_n, "%s", dir);
    cs_ruleset_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.dir = dir;
    ro.ret = ret;
    ro.year = year;
    ro.rules_dir = root;
    ro.include_local = !no_local;
    /* the rules folder's calendar, else the installed one */
    char cal[4096], mine[4200];
    snprintf(mine, sizeof mine, "%s/calendar/england-and-wales.tsv", root);
    if (access(mine, R_OK) != 0) {
        if (cs_resource_path("rules/calendar/england-and-wales.tsv", cal, sizeof cal))
            ro.calendar_path = cal;
    }
    return cs_ruleset_load(out, &ro, errs, d);
}

cs_status cs_returns_validate(const cs_ruleset *rs, const cs_dataset *ds,
                              const cs_validate_opts *o, cs_exception_list *l,
                              cs_validate_counts *c, cs_diag *d)
{
    cs_rules_context ctx;
    cs_rules_context_init(&ctx, rs);
    if (o->reference_date != CS_DATE_NONE)
        ctx.reference_date = o->reference_date;
    ctx.la = o->la;
    ctx.last = o->last;
    ctx.profile = o->profile;
    cs_rule_hits hits;
    cs_rule_hits_init(&hits);
    cs_rule_sink sink = cs_rule_hits_sink(&hits);
    cs_status st = cs_rules_run(rs, ds, &ctx, &sink, d);
    if (st == CS_OK)
        cs_exceptions_from_rule_hits(l, ds, &hits, &o->exc);
    if (c) {
        c->rules = cs_ruleset_count(rs);
        c->not_run = hits.nnot_run;
        c->findings = hits.count;
    }
    cs_rule_hits_free(&hits);
    return st;
}

cs_status cs_returns_xsd_check(const char *path, const char *xsd_name, const char *ret,
                               const char *year, cs_exception_list *l, int *valid,
                               cs_diag *d)
{
    *valid = 1;
    char rel[256], xsd[4096];
    snprintf(rel, sizeof rel, "schema/xml/%s", xsd_name);
    if (!cs_resource_path(rel, xsd, sizeof xsd))
        return cs_diag_set(d, CS_ERR_CONFIG, NULL, 0, 0,
                           "the XSD %s was not found (looked in ./, $CSCDW_HOME and beside the "
                           "binary)",
                           rel);
    cs_diag vd;
    cs_diag_clear(&vd);
    cs_status st = strcmp(ret, "ssda903") == 0 ? cs_903_xsd_validate(path, xsd, &vd)
                                               : cs_cin_xsd_validate(path, xsd, &vd);
    if (st == CS_OK)
        return CS_OK;
    if (st != CS_ERR_FORMAT) {
        *d = vd;
        return st;
    }
    *valid = 0;
    char msg[1400];
    snprintf(msg, sizeof msg, "The written file does not pass the DfE schema %s: %s", xsd_name,
             vd.msg);
    cs_exception e = {.return_name = ret,
                      .year = year,
                      .rule = "XSD",
                      .severity = CS_SEV_ERROR,
                      .message = msg,
                      .source_file = path,
                      .source_line = (uint32_t)vd.line};
    cs_exceptions_add(l, &e);
    return CS_OK;
}

size_t cs_returns_children(const cs_dataset *ds)
{
    int cg = ds->schema->child_group;
    return cg >= 0 ? ds->rows[cg].count : 0;
}

cs_status cs_returns_read_903(char *const *paths, int n, const cs_903_year *year,
                              uint64_t groups, cs_dataset *ds, cs_findings *f, cs_diag *d)
{
    if (n == 1 && is_dir(paths[0]))
        return cs_903_read_csv_dir_only(paths[0], year, groups, ds, f, d);
    size_t len = n == 1 ? strlen(paths[0]) : 0;
    if (len > 3 && strcasecmp(paths[0] + len - 3, ".gz") == 0)
        len -= 3;
    if (len > 4 && strncasecmp(paths[0] + len - 4, ".xml", 4) == 0)
        return cs_903_read_xml(paths[0], ds, f, d);
    return cs_903_read_csv_files_only((const char *const *)paths, (size_t)n, year, groups, ds, f,
                                      d);
}

uint64_t cs_returns_last_groups(const cs_ruleset *rs)
{
    uint64_t g = 0;
    for (size_t i = 0; i < cs_ruleset_count(rs); i++)
        g |= cs_ruleset_rule(rs, i)->last_groups;
    return g;
}

int cs_returns_uses_last(const cs_ruleset *rs)
{
    for (size_t i = 0; i < cs_ruleset_count(rs); i++)
        if (cs_ruleset_rule(rs, i)->last != CS_LAST_NONE)
            return 1;
    return 0;
}

cs_status cs_returns_postcodes_load(const char *rules, cs_903_postcodes **out, cs_diag *d)
{
    *out = NULL;
    char path[4096];
    /* the rule folder given (--rules) first, as its other reference tables */
    if (rules) {
        int w = snprintf(path, sizeof path, "%s/ssda903/reference/postcodes.tsv", rules);
        if (w > 0 && (size_t)w < sizeof path && access(path, R_OK) == 0)
            return cs_903_postcodes_load(out, path, d);
    }
    if (cs_resource_path("rules/ssda903/reference/postcodes.tsv", path, sizeof path))
        return cs_903_postcodes_load(out, path, d);
    /* Without it no placement LA or distance is derived and rules such as 169
     * and 392a would report every placement: stop and say where to put it. */
    return cs_diag_set(d, CS_ERR_IO, "rules/ssda903/reference/postcodes.tsv", 0, 0,
                       "the postcode reference table was not found (looked in %s%s$CSCDW_HOME, the "
                       "current folder and beside the program); PL_LA and PL_DISTANCE cannot be "
                       "derived: set CSCDW_HOME to the folder holding rules/ or pass --rules",
                       rules ? rules : "", rules ? ", " : "");
}

int cs_returns_derive_903(cs_dataset *ds, const cs_903_postcodes *pc, const char *la_ons)
{
    if (!pc)
        return 0;
    cs_903_derive(ds, pc, la_ons);
    return 1;
}
