/* Loading a rule set: a year folder rules/<return>/<year>/ with its
 * ruleset.yaml (inherits, drop, schema, tables), *.rules files and codes/,
 * the years it inherits from, the local rules (rules/local/<return>/), and
 * the bank-holiday calendar; then checking and compiling every rule.
 *
 * Layering: the base year's rules come first; a year's `drop:` removes
 * inherited codes; a year's rule with an inherited code replaces it; the
 * same code twice in one folder is an error. Code lists and defines of a
 * later folder replace those of the same name from an earlier one. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "dataset/schemas.h"
#include "rules/internal.h"
#include "util/limits.h"

#define MAX_INHERIT 16

typedef struct {
    const cs_ast_rule *ast;
    int local;
    int layer;
} pending;

typedef struct {
    cs_ruleset *rs;
    cs_rule_errors *errs;
    unsigned nerrors;
    pending *rules;
    size_t nrules, rules_cap;
    cs_rsrc **srcs;             /* kept until compiled: errors quote them */
    char **texts;
    size_t nsrcs, srcs_cap;
    const char *schema_name;    /* from ruleset.yaml */
    int layer;
    const char *chain[MAX_INHERIT + 1];
    int nchain;
} loader;

/* ---- small helpers ----------------------------------------------------- */

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static char *join(cs_arena *a, const char *dir, const char *name)
{
    size_t n = strlen(dir);
    return cs_arena_printf(a, "%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", name);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorted names in dir ending with ext ("" = all regular files); malloc'd. */
static char **list_dir(const char *dir, const char *ext, size_t *n)
{
    *n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    size_t cap = 16;
    char **names = cs_xmalloc(cap * sizeof *names);
    struct dirent *e;
    size_t el = strlen(ext);
    while ((e = readdir(d)) != NULL) {
        const char *nm = e->d_name;
        size_t l = strlen(nm);
        if (nm[0] == '.' || l <= el || strcmp(nm + l - el, ext) != 0)
            continue;
        if (*n == cap) {
            cap *= 2;
            names = cs_xrealloc(names, cap * sizeof *names);
        }
        names[(*n)++] = cs_xstrdup(nm);
    }
    closedir(d);
    qsort(names, *n, sizeof *names, cmp_str);
    return names;
}

static void free_list(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static const char *base_name(const char *p)
{
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/')
        n--;
    size_t i = n;
    while (i > 0 && p[i - 1] != '/')
        i--;
    static _Thread_local char buf[256];
    size_t len = n - i < sizeof buf - 1 ? n - i : sizeof buf - 1;
    memcpy(buf, p + i, len);
    buf[len] = '\0';
    return buf;
}

static char *parent_dir(cs_arena *a, const char *p)
{
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/')
        n--;
    while (n > 0 && p[n - 1] != '/')
        n--;
    while (n > 1 && p[n - 1] == '/')
        n--;
    if (n == 0)
        return cs_arena_strdup(a, ".");
    return cs_arena_strndup(a, p, n);
}

int cs_rules_year_period(const char *year, cs_date *start, cs_date *end)
{
    int y1 = 0, y2 = -1;
    size_t n = strlen(year);
    for (size_t i = 0; i < 4 && i < n; i++)
        if (year[i] < '0' || year[i] > '9')
            return 0;
    if (n == 4) {
        y2 = atoi(year);
        y1 = y2 - 1;
    } else if (n == 7 && year[4] == '-' && year[5] >= '0' && year[5] <= '9' && year[6] >= '0' &&
               year[6] <= '9') {
        y1 = atoi(year);
        int yy = (year[5] - '0') * 10 + (year[6] - '0');
        if ((y1 + 1) % 100 != yy)
            return 0;
        y2 = y1 + 1;
    } else {
        return 0;
    }
    if (y1 < 1 || y2 > 9999)
        return 0;
    *start = cs_date_from_ymd(y1, 4, 1);
    *end = cs_date_from_ymd(y2, 3, 31);
    return 1;
}

int cs_rs_codelist(const cs_ruleset *rs, const char *name)
{
    for (uint32_t i = 0; i < rs->ncodelists; i++)
        if (strcmp(rs->codelists[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* Table by name, loading its file on first use. -1 when neither found nor
 * declared. */
int cs_rs_table(cs_ruleset *rs, const char *name, cs_rule_errors *errs)
{
    int found = -1;
    for (uint32_t i = 0; i < rs->ntables; i++)
        if (strcmp(rs->tables[i].name, name) == 0)
            found = (int)i;
    if (found >= 0 && rs->tables[found].tried)
        return found;
    char *path = NULL;
    for (uint32_t i = 0; i < rs->ntable_dirs && !path; i++) {
        char *p = cs_arena_printf(&rs->arena, "%s/%s.tsv", rs->table_dirs[i], name);
        if (is_file(p))
            path = p;
    }
    if (found < 0 && !path)
        return -1;
    if (found < 0) {
        uint32_t k = CS_RS_PUSH(rs, rs->tables, rs->ntables, rs->tables_cap);
        memset(&rs->tables[k], 0, sizeof rs->tables[k]);
        rs->tables[k].name = cs_arena_strdup(&rs->arena, name);
        found = (int)k;
    }
    cs_reftable *t = &rs->tables[found];
    t->tried = 1;
    if (!path)
        return found;   /* declared, file not supplied: rules using it will not run */
    cs_reftable loaded;
    if (!cs_reftable_load(&loaded, name, path, &rs->arena, errs)) {
        cs_reftable_free(&loaded);
        return found;
    }
    if (t->declared) {
        for (uint32_t c = 0; c < t->ncolumns; c++)
            if (cs_reftable_column(&loaded, t->columns[c]) < 0)
                cs_rerr_add_at(errs, path, 1, 0,
                               "reference table has no column '%s' (declared in ruleset.yaml)",
                               t->columns[c]);
    }
    loaded.declared = t->declared;
    loaded.tried = 1;
    *t = loaded;
    return found;
}

/* ---- sources ----------------------------------------------------------- */

static cs_rsrc *keep_source(loader *ld, const char *path, char *text, size_t len)
{
    cs_rsrc *src = cs_arena_alloc(&ld->rs->arena, sizeof *src);
    src->path = cs_arena_strdup(&ld->rs->arena, path);
    src->text = text;
    src->len = len;
    if (ld->nsrcs == ld->srcs_cap) {
        ld->srcs_cap = ld->srcs_cap ? ld->srcs_cap * 2 : 16;
        ld->srcs = cs_xrealloc(ld->srcs, ld->srcs_cap * sizeof *ld->srcs);
        ld->texts = cs_xrealloc(ld->texts, ld->srcs_cap * sizeof *ld->texts);
    }
    ld->srcs[ld->nsrcs] = src;
    ld->texts[ld->nsrcs] = text;
    ld->nsrcs++;
    return src;
}

static void remove_code(loader *ld, const char *code)
{
    size_t w = 0;
    for (size_t i = 0; i < ld->nrules; i++)
        if (strcmp(ld->rules[i].ast->code, code) != 0)
            ld->rules[w++] = ld->rules[i];
    ld->nrules = w;
}

static int have_code(const loader *ld, const char *code)
{
    for (size_t i = 0; i < ld->nrules; i++)
        if (strcmp(ld->rules[i].ast->code, code) == 0)
            return 1;
    return 0;
}

/* Adds a folder's (or text's) parsed files as one layer. */
static void add_layer(loader *ld, cs_ast_file *files, size_t nfiles, int local)
{
    cs_ruleset *rs = ld->rs;
    /* same code twice inside the layer */
    for (size_t f = 0; f < nfiles; f++) {
        for (uint32_t i = 0; i < files[f].nrules; i++) {
            const cs_ast_rule *r = files[f].rules[i];
            if (!r->code)
                continue;
            const cs_ast_rule *first = NULL;
            for (size_t f2 = 0; f2 <= f && !first; f2++)
                for (uint32_t j = 0; j < (f2 == f ? i : files[f2].nrules); j++)
                    if (files[f2].rules[j]->code && strcmp(files[f2].rules[j]->code, r->code) == 0) {
                        first = files[f2].rules[j];
                        break;
                    }
            if (first) {
                uint32_t l, c;
                cs_rsrc_linecol(first->src, first->off, &l, &c);
                cs_rerr_add(ld->errs, r->src, r->code_off,
                            "duplicate rule code %s (first defined at %s:%u:%u)", r->code,
                            first->src->path, l, c);
                ld->nerrors++;
            }
        }
    }
    for (size_t f = 0; f < nfiles; f++) {
        for (uint32_t i = 0; i < files[f].nrules; i++) {
            const cs_ast_rule *r = files[f].rules[i];
            if (!r->code)
                continue;
            if (local && have_code(ld, r->code)) {
                cs_rerr_add(ld->errs, r->src, r->code_off,
                            "local rule %s has the code of a national rule; give it its own "
                            "code (and drop the national one in rules/local's ruleset.yaml "
                            "if it replaces it)",
                            r->code);
                ld->nerrors++;
                continue;
            }
            if (have_code(ld, r->code)) {
                /* a rule from an earlier layer is replaced; one from this layer is a duplicate
                 * (already reported) */
                int earlier = 0;
                for (size_t k = 0; k < ld->nrules; k++)
                    if (strcmp(ld->rules[k].ast->code, r->code) == 0 && ld->rules[k].layer != ld->layer)
                        earlier = 1;
                if (!earlier)
                    continue;
                remove_code(ld, r->code);
            }
            if (ld->nrules == ld->rules_cap) {
                ld->rules_cap = ld->rules_cap ? ld->rules_cap * 2 : 64;
                ld->rules = cs_xrealloc(ld->rules, ld->rules_cap * sizeof *ld->rules);
            }
            ld->rules[ld->nrules++] = (pending){r, local, ld->layer};
        }
    }
    /* defines: twice in one folder is an error; a later folder replaces */
    for (size_t f = 0; f < nfiles; f++) {
        for (uint32_t i = 0; i < files[f].ndefines; i++) {
            const cs_ast_define *d = files[f].defines[i];
            if (!d->name || d->broken)
                continue;
            const cs_ast_define *first = NULL;
            for (size_t f2 = 0; f2 <= f && !first; f2++)
                for (uint32_t j = 0; j < (f2 == f ? i : files[f2].ndefines); j++)
                    if (files[f2].defines[j]->name &&
                        strcmp(files[f2].defines[j]->name, d->name) == 0) {
                        first = files[f2].defines[j];
                        break;
                    }
            if (first) {
                uint32_t l, c;
                cs_rsrc_linecol(first->src, first->off, &l, &c);
                cs_rerr_add(ld->errs, d->src, d->off, "define %s is defined twice (first at %s:%u:%u)",
                            d->name, first->src->path, l, c);
                ld->nerrors++;
                continue;
            }
            int k = -1;
            for (uint32_t j = 0; j < rs->ndefines; j++)
                if (strcmp(rs->defines[j].name, d->name) == 0)
                    k = (int)j;
            if (k < 0)
                k = (int)CS_RS_PUSH(rs, rs->defines, rs->ndefines, rs->defines_cap);
            rs->defines[k] = (cs_define_ent){d->name, d};
        }
    }
}

static void parse_text(loader *ld, const char *path, char *text, size_t len, cs_ast_file *out)
{
    cs_rsrc *src = keep_source(ld, path, text, len);
    ld->nerrors += cs_parse_file(src, &ld->rs->arena, ld->errs, out);
}

/* ---- ruleset.yaml ------------------------------------------------------ */

typedef struct {
    const char *inherits;
    const char **drop;
    size_t *drop_line;
    size_t ndrop;
    const char *schema;
} yaml_info;

static const char *scalar(yaml_document_t *doc, yaml_node_t *n)
{
    (void)doc;
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int read_yaml(loader *ld, const char *path, yaml_info *info)
{
    cs_ruleset *rs = ld->rs;
    memset(info, 0, sizeof *info);
    size_t len;
    const char *why;
    char *text = cs_rules_read_file(path, CS_MAX_PROFILE_BYTES, &len, &why);
    if (!text) {
        cs_rerr_add_at(ld->errs, path, 0, 0, "cannot read: %s", why);
        ld->nerrors++;
        return 0;
    }
    yaml_parser_t p;
    yaml_document_t doc;
    yaml_parser_initialize(&p);
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    if (!yaml_parser_load(&p, &doc)) {
        cs_rerr_add_at(ld->errs, path, (uint32_t)p.problem_mark.line + 1,
                       (uint32_t)p.problem_mark.column + 1, "YAML: %s",
                       p.problem ? p.problem : "syntax error");
        ld->nerrors++;
        yaml_parser_delete(&p);
        free(text);
        return 0;
    }
    int ok = 1;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (root && root->type != YAML_MAPPING_NODE) {
        cs_rerr_add_at(ld->errs, path, (uint32_t)root->start_mark.line + 1, 1,
                       "ruleset.yaml must be a mapping (inherits:, drop:, schema:, tables:)");
        ld->nerrors++;
        ok = 0;
    }
    for (yaml_node_pair_t *pr = root && ok ? root->data.mapping.pairs.start : NULL;
         pr && pr < root->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = yaml_document_get_node(&doc, pr->key);
        yaml_node_t *v = yaml_document_get_node(&doc, pr->value);
        const char *key = scalar(&doc, k);
        uint32_t line = (uint32_t)k->start_mark.line + 1, col = (uint32_t)k->start_mark.column + 1;
        if (!key) {
            cs_rerr_add_at(ld->errs, path, line, col, "keys are plain names");
            ld->nerrors++;
            continue;
        }
        if (strcmp(key, "inherits") == 0 || strcmp(key, "schema") == 0) {
            const char *s = scalar(&doc, v);
            if (!s || !*s) {
                cs_rerr_add_at(ld->errs, path, line, col, "%s: needs a value", key);
                ld->nerrors++;
                continue;
            }
            if (key[0] == 'i')
                info->inherits = cs_arena_strdup(&rs->arena, s);
            else
                info->schema = cs_arena_strdup(&rs->arena, s);
        } else if (strcmp(key, "drop") == 0) {
            size_t cap = 8;
            info->drop = cs_arena_alloc(&rs->arena, cap * sizeof *info->drop);
            info->drop_line = cs_arena_alloc(&rs->arena, cap * sizeof *info->drop_line);
            yaml_node_item_t *it = v->type == YAML_SEQUENCE_NODE ? v->data.sequence.items.start : NULL;
            yaml_node_item_t *end = v->type == YAML_SEQUENCE_NODE ? v->data.sequence.items.top : NULL;
            for (size_t idx = 0;; idx++) {
                yaml_node_t *x;
                if (v->type == YAML_SCALAR_NODE) {
                    if (idx > 0)
                        break;
                    x = v;
                } else if (it && it < end) {
                    x = yaml_document_get_node(&doc, *it++);
                } else {
                    break;
                }
                const char *c = scalar(&doc, x);
                if (!c || !*c) {
                    cs_rerr_add_at(ld->errs, path, (uint32_t)x->start_mark.line + 1,
                                   (uint32_t)x->start_mark.column + 1, "drop: list rule codes");
                    ld->nerrors++;
                    continue;
                }
                if (info->ndrop == cap) {
                    cap *= 2;
                    const char **d2 = cs_arena_alloc(&rs->arena, cap * sizeof *d2);
                    size_t *l2 = cs_arena_alloc(&rs->arena, cap * sizeof *l2);
                    memcpy(d2, info->drop, info->ndrop * sizeof *d2);
                    memcpy(l2, info->drop_line, info->ndrop * sizeof *l2);
                    info->drop = d2;
                    info->drop_line = l2;
                }
                info->drop_line[info->ndrop] = x->start_mark.line + 1;
                info->drop[info->ndrop++] = cs_arena_strdup(&rs->arena, c);
            }
        } else if (strcmp(key, "tables") == 0) {
            if (v->type != YAML_MAPPING_NODE) {
                cs_rerr_add_at(ld->errs, path, line, col,
                               "tables: maps each table name to its columns, e.g. "
                               "ofsted: [URN, REG_END]");
                ld->nerrors++;
                continue;
            }
            for (yaml_node_pair_t *tp = v->data.mapping.pairs.start; tp < v->data.mapping.pairs.top;
                 tp++) {
                yaml_node_t *tk = yaml_document_get_node(&doc, tp->key);
                yaml_node_t *tv = yaml_document_get_node(&doc, tp->value);
                const char *tname = scalar(&doc, tk);
                if (!tname || tv->type != YAML_SEQUENCE_NODE) {
                    cs_rerr_add_at(ld->errs, path, (uint32_t)tk->start_mark.line + 1,
                                   (uint32_t)tk->start_mark.column + 1,
                                   "a table is declared as name: [column, ...]");
                    ld->nerrors++;
                    continue;
                }
                int k2 = -1;
                for (uint32_t i = 0; i < rs->ntables; i++)
                    if (strcmp(rs->tables[i].name, tname) == 0)
                        k2 = (int)i;
                if (k2 < 0) {
                    k2 = (int)CS_RS_PUSH(rs, rs->tables, rs->ntables, rs->tables_cap);
                    memset(&rs->tables[k2], 0, sizeof rs->tables[k2]);
                    rs->tables[k2].name = cs_arena_strdup(&rs->arena, tname);
                }
                cs_reftable *t = &rs->tables[k2];
                size_t nc = (size_t)(tv->data.sequence.items.top - tv->data.sequence.items.start);
                t->columns = cs_arena_alloc(&rs->arena, (nc ? nc : 1) * sizeof *t->columns);
                t->ncolumns = 0;
                for (yaml_node_item_t *ci = tv->data.sequence.items.start;
                     ci < tv->data.sequence.items.top; ci++) {
                    const char *cn = scalar(&doc, yaml_document_get_node(&doc, *ci));
                    if (cn)
                        t->columns[t->ncolumns++] = cs_arena_strdup(&rs->arena, cn);
                }
                t->declared = 1;
            }
        } else if (strcmp(key, "description") == 0) {
            /* free text for people */
        } else {
            cs_rerr_add_at(ld->errs, path, line, col,
                           "unknown key '%s' (known: inherits, drop, schema, tables, description)",
                           key);
            ld->nerrors++;
        }
    }
    yaml_document_delete(&doc);
    yaml_parser_delete(&p);
    free(text);
    return ok;
}

/* ---- folders ----------------------------------------------------------- */

static void load_codes(loader *ld, const char *dir)
{
    cs_ruleset *rs = ld->rs;
    char *cdir = join(&rs->arena, dir, "codes");
    if (!is_dir(cdir))
        return;
    size_t n;
    char **names = list_dir(cdir, ".txt", &n);
    for (size_t i = 0; i < n; i++) {
        char *name = cs_arena_strndup(&rs->arena, names[i], strlen(names[i]) - 4);
        cs_codelist cl;
        if (!cs_codelist_load(&cl, name, join(&rs->arena, cdir, names[i]), &rs->arena, ld->errs)) {
            ld->nerrors++;
            cs_codelist_free(&cl);
            continue;
        }
        int k = cs_rs_codelist(rs, name);
        if (k >= 0) {
            cs_codelist_free(&rs->codelists[k]);
        } else {
            k = (int)CS_RS_PUSH(rs, rs->codelists, rs->ncodelists, rs->codelists_cap);
        }
        rs->codelists[k] = cl;
    }
    free_list(names, n);
}

static void add_table_dir(cs_ruleset *rs, const char *dir)
{
    /* later (more specific) folders are searched first */
    rs->table_dirs = cs_xrealloc((void *)rs->table_dirs, (rs->ntable_dirs + 1) * sizeof *rs->table_dirs);
    memmove(rs->table_dirs + 1, rs->table_dirs, rs->ntable_dirs * sizeof *rs->table_dirs);
    rs->table_dirs[0] = cs_arena_strdup(&rs->arena, dir);
    rs->ntable_dirs++;
}

static void add_source(cs_ruleset *rs, const char *dir)
{
    rs->sources = cs_xrealloc((void *)rs->sources, (rs->nsources + 1) * sizeof *rs->sources);
    rs->sources[rs->nsources++] = cs_arena_strdup(&rs->arena, dir);
}

static void load_rule_files(loader *ld, const char *dir, int local)
{
    size_t n;
    char **names = list_dir(dir, ".rules", &n);
    cs_ast_file *files = cs_xcalloc(n ? n : 1, sizeof *files);
    size_t nf = 0;
    for (size_t i = 0; i < n; i++) {
        char *path = join(&ld->rs->arena, dir, names[i]);
        size_t len;
        const char *why;
        char *text = cs_rules_read_file(path, CS_MAX_RULE_FILE_BYTES, &len, &why);
        if (!text) {
            cs_rerr_add_at(ld->errs, path, 0, 0, "cannot read rule file: %s", why);
            ld->nerrors++;
            continue;
        }
        parse_text(ld, path, text, len, &files[nf++]);
    }
    add_layer(ld, files, nf, local);
    free(files);
    free_list(names, n);
}

static void load_folder(loader *ld, const char *dir, int local, int depth)
{
    cs_ruleset *rs = ld->rs;
    if (!is_dir(dir)) {
        cs_rerr_add_at(ld->errs, dir, 0, 0, "rule folder does not exist");
        ld->nerrors++;
        return;
    }
    for (int i = 0; i < ld->nchain; i++)
        if (strcmp(ld->chain[i], dir) == 0) {
            cs_rerr_add_at(ld->errs, dir, 0, 0, "inherits: goes round in a circle");
            ld->nerrors++;
            return;
        }
    if (depth > MAX_INHERIT) {
        cs_rerr_add_at(ld->errs, dir, 0, 0, "inherits: more than %d folders deep", MAX_INHERIT);
        ld->nerrors++;
        return;
    }
    ld->chain[ld->nchain++] = dir;
    yaml_info info;
    memset(&info, 0, sizeof info);
    char *ypath = join(&rs->arena, dir, "ruleset.yaml");
    if (is_file(ypath))
        read_yaml(ld, ypath, &info);
    if (info.inherits) {
        if (strchr(info.inherits, '/') || strcmp(info.inherits, "..") == 0 ||
            strcmp(info.inherits, ".") == 0) {
            cs_rerr_add_at(ld->errs, ypath, 0, 0,
                           "inherits: names a sibling year folder (such as 2024-25)");
            ld->nerrors++;
        } else {
            char *base = join(&rs->arena, parent_dir(&rs->arena, dir), info.inherits);
            load_folder(ld, base, local, depth + 1);
        }
    }
    if (info.schema && !local)
        ld->schema_name = info.schema;
    ld->layer++;
    add_source(rs, dir);
    load_codes(ld, dir);
    add_table_dir(rs, join(&rs->arena, dir, "reference"));
    for (size_t i = 0; i < info.ndrop; i++) {
        if (!have_code(ld, info.drop[i])) {
            cs_rerr_add_at(ld->errs, ypath, (uint32_t)info.drop_line[i], 0,
                           "drop: no inherited rule has the code %s", info.drop[i]);
            ld->nerrors++;
            continue;
        }
        remove_code(ld, info.drop[i]);
    }
    load_rule_files(ld, dir, local);
    ld->nchain--;
}

/* ---- the public loader ------------------------------------------------- */

static void ruleset_free_parts(cs_ruleset *rs)
{
    for (size_t i = 0; i < rs->nrules; i++)
        free(rs->rules[i]->code);
    free(rs->rules);
    free(rs->consts);
    for (uint32_t i = 0; i < rs->nsets; i++)
        cs_strmap_free(&rs->sets[i].strs);
    free(rs->sets);
    for (uint32_t i = 0; i < rs->ncodelists; i++)
        cs_codelist_free(&rs->codelists[i]);
    free(rs->codelists);
    for (uint32_t i = 0; i < rs->ntables; i++)
        cs_reftable_free(&rs->tables[i]);
    free(rs->tables);
    free(rs->paths);
    free(rs->patterns);
    free(rs->eqindexes);
    free(rs->dsets);
    free(rs->defines);
    free((void *)rs->table_dirs);
    free((void *)rs->sources);
    cs_calendar_free(rs->calendar);
    cs_arena_free(&rs->arena);
}

void cs_ruleset_free(cs_ruleset *rs)
{
    if (!rs)
        return;
    ruleset_free_parts(rs);
    free(rs);
}

static void compile_all(loader *ld)
{
    cs_ruleset *rs = ld->rs;
    for (size_t i = 0; i < ld->nrules; i++) {
        const pending *p = &ld->rules[i];
        if (p->ast->broken)
            continue;
        cs_crule *cr = cs_arena_alloc(&rs->arena, sizeof *cr);
        unsigned e = cs_check_rule(rs, p->ast, cr, ld->errs);
        ld->nerrors += e;
        if (e)
            continue;
        cr->pub.local = p->local;
        cs_compile_rule(rs, p->ast, cr);
        if (rs->nrules == rs->rules_cap) {
            rs->rules_cap = rs->rules_cap ? rs->rules_cap * 2 : 64;
            rs->rules = cs_xrealloc(rs->rules, rs->rules_cap * sizeof *rs->rules);
        }
        rs->rules[rs->nrules++] = cr;
    }
}

cs_status cs_ruleset_load(cs_ruleset **out, const cs_ruleset_opts *o, cs_rule_errors *errs,
                          cs_diag *d)
{
    *out = NULL;
    cs_ruleset *rs = cs_xcalloc(1, sizeof *rs);
    cs_arena_init(&rs->arena, 0);
    rs->period_start = rs->period_end = CS_DATE_NONE;
    loader ld;
    memset(&ld, 0, sizeof ld);
    ld.rs = rs;
    ld.errs = errs;
    cs_rule_errors own;
    if (!errs) {
        cs_rule_errors_init(&own);
        ld.errs = &own;
    }
    const char *dir = o->dir;
    const char *rules_dir = o->rules_dir;
    if (!dir && (o->ret || rules_dir)) {
        if (!o->ret || !rules_dir || !o->year) {
            free(rs);
            return cs_diag_set(d, CS_ERR_USAGE, NULL, 0, 0,
                               "a rule set needs the rules folder, the return and the year");
        }
        dir = cs_arena_printf(&rs->arena, "%s/%s/%s", rules_dir, o->ret, o->year);
    }
    if (dir) {
        char *dd = cs_arena_strdup(&rs->arena, dir);
        size_t n = strlen(dd);
        while (n > 1 && dd[n - 1] == '/')
            dd[--n] = '\0';
        dir = dd;
        rs->year = cs_arena_strdup(&rs->arena, o->year ? o->year : base_name(dir));
        rs->ret = cs_arena_strdup(&rs->arena,
                                  o->ret ? o->ret : base_name(parent_dir(&rs->arena, dir)));
        if (!rules_dir)
            rules_dir = parent_dir(&rs->arena, parent_dir(&rs->arena, dir));
        if (!is_dir(dir)) {
            cs_status st = cs_diag_set(d, CS_ERR_IO, dir, 0, 0, "rule folder does not exist");
            cs_ruleset_free(rs);
            if (!errs)
                cs_rule_errors_free(&own);
            return st;
        }
        /* reference tables: the return's reference/ folder after the years' */
        add_table_dir(rs, cs_arena_printf(&rs->arena, "%s/reference", parent_dir(&rs->arena, dir)));
        load_folder(&ld, dir, 0, 0);
        if (o->include_local && rules_dir) {
            char *local = cs_arena_printf(&rs->arena, "%s/local/%s", rules_dir, rs->ret);
            if (is_dir(local))
                load_folder(&ld, local, 1, 0);
        }
    } else {
        rs->year = cs_arena_strdup(&rs->arena, o->year ? o->year : "");
        rs->ret = cs_arena_strdup(&rs->arena, o->ret ? o->ret : "");
    }
    if (o->reference_dir)
        add_table_dir(rs, o->reference_dir);
    if (o->text) {
        char *copy = cs_xmalloc(o->text_len + 1);
        memcpy(copy, o->text, o->text_len);
        copy[o->text_len] = '\0';
        cs_ast_file f;
        ld.layer++;
        parse_text(&ld, o->text_name ? o->text_name : "<text>", copy, o->text_len, &f);
        add_layer(&ld, &f, 1, 0);
    }
    cs_rules_year_period(rs->year, &rs->period_start, &rs->period_end);
    rs->schema = o->schema;
    if (!rs->schema)
        rs->schema = cs_schema_find(ld.schema_name ? ld.schema_name : rs->ret);
    cs_status st = CS_OK;
    if (!rs->schema) {
        st = cs_diag_set(d, CS_ERR_CONFIG, NULL, 0, 0, "no dataset schema named '%s' is known",
                         ld.schema_name ? ld.schema_name : rs->ret);
        goto done;
    }
    const char *cal = o->calendar_path;
    char *defcal = rules_dir ? cs_arena_printf(&rs->arena, "%s/calendar/england-and-wales.tsv",
                                               rules_dir)
                             : NULL;
    if (!cal && defcal && is_file(defcal))
        cal = defcal;
    if (cal) {
        cs_diag cd;
        cs_diag_clear(&cd);
        if (cs_calendar_load(&rs->calendar, cal, &cd) != CS_OK) {
            cs_rerr_add_at(ld.errs, cd.file[0] ? cd.file : cal, (uint32_t)cd.line,
                           (uint32_t)cd.col, "%s", cd.msg);
            ld.nerrors++;
        }
    }
    compile_all(&ld);
    if (ld.nerrors || (ld.errs && ld.errs->count)) {
        size_t n = ld.errs->count;
        st = cs_diag_set(d, CS_ERR_CONFIG, NULL, 0, 0, "%zu error%s in the rule files", n,
                         n == 1 ? "" : "s");
    }
done:
    for (size_t i = 0; i < ld.nsrcs; i++)
        free(ld.texts[i]);
    free(ld.srcs);
    free(ld.texts);
    free(ld.rules);
    if (!errs)
        cs_rule_errors_free(&own);
    if (st != CS_OK) {
        cs_ruleset_free(rs);
        return st;
    }
    *out = rs;
    return CS_OK;
}

/* ---- accessors --------------------------------------------------------- */

size_t cs_ruleset_count(const cs_ruleset *rs) { return rs->nrules; }

const cs_rule *cs_ruleset_rule(const cs_ruleset *rs, size_t i)
{
    return i < rs->nrules ? &rs->rules[i]->pub : NULL;
}

const cs_rule *cs_ruleset_find(const cs_ruleset *rs, const char *code)
{
    for (size_t i = 0; i < rs->nrules; i++)
        if (strcmp(rs->rules[i]->pub.code, code) == 0)
            return &rs->rules[i]->pub;
    return NULL;
}

const cs_ds_schema *cs_ruleset_schema(const cs_ruleset *rs) { return rs->schema; }
const char *cs_ruleset_year(const cs_ruleset *rs) { return rs->year ? rs->year : ""; }
size_t cs_ruleset_source_count(const cs_ruleset *rs) { return rs->nsources; }

const char *cs_ruleset_source(const cs_ruleset *rs, size_t i)
{
    return i < rs->nsources ? rs->sources[i] : NULL;
}

const char *cs_rule_severity_name(cs_rule_severity s)
{
    switch (s) {
    case CS_RULE_ERROR: return "error";
    case CS_RULE_QUERY: return "query";
    case CS_RULE_WARNING: return "warning";
    }
    return "error";
}
