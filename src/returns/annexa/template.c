/* Annex A templates as data: rules/annexa/templates/<name>.tsv names each
 * list's columns (heading, dataset field, value type, label map) and
 * labels/<map>.tsv gives each map's labels with their canonical codes and
 * the templates that have them. Both are small TSV files with '#' comment
 * lines, read whole. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "returns/annexa/annexa.h"
#include "rules/codelist.h"

#define MAX_MAPS 48
#define MAX_TSV_BYTES (1u << 20)
#define MAX_TSV_COLS 8

struct cs_aa_labels {
    const char *name;
    const char **labels;
    const char **codes;
    uint32_t n;
    cs_strmap by_code;     /* code -> first label's index */
    cs_strmap by_label;    /* label -> index */
};

struct cs_aa_template {
    cs_arena arena;
    const char *name;
    cs_aa_list lists[CS_AA_NLISTS + 1];
    cs_aa_labels maps[MAX_MAPS];
    size_t nmaps;
};

/* ---- a tiny TSV reader ------------------------------------------------------ */

typedef struct {
    char *text;
    char *p;
    uint32_t line;
    const char *path;
} tsv;

static cs_status tsv_open(tsv *t, const char *path, cs_arena *a, cs_diag *d)
{
    memset(t, 0, sizeof *t);
    t->path = path;
    FILE *f = fopen(path, "rb");
    if (!f)
        return cs_diag_set(d, errno == ENOENT ? CS_ERR_CONFIG : CS_ERR_IO, path, 0, 0,
                           "cannot open: %s", strerror(errno));
    char *tmp = cs_xmalloc(MAX_TSV_BYTES + 1);
    size_t n = fread(tmp, 1, MAX_TSV_BYTES + 1, f);
    int err = ferror(f);
    fclose(f);
    if (err || n > MAX_TSV_BYTES) {
        free(tmp);
        if (err)
            return cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot read the file");
        return cs_diag_set(d, CS_ERR_LIMIT, path, 0, 0, "file larger than %u bytes", MAX_TSV_BYTES);
    }
    char *buf = cs_arena_alloc_raw(a, n + 1);
    memcpy(buf, tmp, n);
    free(tmp);
    buf[n] = '\0';
    if (n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        buf += 3;
    t->text = t->p = buf;
    return CS_OK;
}

/* The next data line split on tabs (comment and blank lines skipped);
 * returns the field count, 0 at the end. */
static int tsv_next(tsv *t, char **f)
{
    while (*t->p) {
        char *line = t->p;
        char *end = strchr(line, '\n');
        if (end) {
            *end = '\0';
            t->p = end + 1;
        } else {
            t->p = line + strlen(line);
        }
        t->line++;
        size_t len = strlen(line);
        if (len && line[len - 1] == '\r')
            line[--len] = '\0';
        if (!len || line[0] == '#')
            continue;
        int nf = 0;
        for (char *s = line; nf < MAX_TSV_COLS;) {
            f[nf++] = s;
            char *tab = strchr(s, '\t');
            if (!tab)
                break;
            *tab = '\0';
            s = tab + 1;
        }
        for (int i = nf; i < MAX_TSV_COLS; i++)
            f[i] = "";
        return nf;
    }
    return 0;
}

/* ---- label maps ------------------------------------------------------------- */

static int has_template(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *s = list; *s;) {
        while (*s == ' ' || *s == ',')
            s++;
        const char *e = s;
        while (*e && *e != ',')
            e++;
        const char *te = e;
        while (te > s && te[-1] == ' ')
            te--;
        if ((size_t)(te - s) == n && memcmp(s, name, n) == 0)
            return 1;
        s = e;
    }
    return 0;
}

static cs_status load_map(cs_aa_template *t, const char *dir, const char *name,
                          const cs_aa_labels **out, cs_diag *d)
{
    for (size_t i = 0; i < t->nmaps; i++)
        if (strcmp(t->maps[i].name, name) == 0) {
            *out = &t->maps[i];
            return CS_OK;
        }
    if (t->nmaps == MAX_MAPS)
        return cs_diag_set(d, CS_ERR_LIMIT, NULL, 0, 0, "more than %d label maps", MAX_MAPS);
    for (const char *c = name; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_'))
            return cs_diag_set(d, CS_ERR_CONFIG, NULL, 0, 0,
                               "label map name '%s' must be lower-case letters, digits and _", name);
    char *path = cs_arena_printf(&t->arena, "%s/labels/%s.tsv", dir, name);
    tsv r;
    cs_status st = tsv_open(&r, path, &t->arena, d);
    if (st != CS_OK)
        return st;
    cs_aa_labels *m = &t->maps[t->nmaps++];
    memset(m, 0, sizeof *m);
    m->name = cs_arena_strdup(&t->arena, name);
    cs_strmap_init(&m->by_code);
    cs_strmap_init(&m->by_label);
    char *f[MAX_TSV_COLS];
    int nf, header = 1;
    uint32_t cap = 0;
    while ((nf = tsv_next(&r, f)) > 0) {
        if (header) {
            header = 0;
            if (nf < 3 || strcmp(f[0], "label") || strcmp(f[1], "code") || strcmp(f[2], "templates"))
                return cs_diag_set(d, CS_ERR_CONFIG, path, r.line, 1,
                                   "a label map's header must be: label, code, templates");
            continue;
        }
        if (nf < 3 || !f[0][0])
            return cs_diag_set(d, CS_ERR_CONFIG, path, r.line, 1,
                               "a label row needs a label, a code and its templates");
        if (!has_template(f[2], t->name))
            continue;
        if (m->n == cap) {
            cap = cap ? cap * 2 : 32;
            const char **nl = cs_arena_alloc(&t->arena, cap * sizeof *nl);
            const char **nc = cs_arena_alloc(&t->arena, cap * sizeof *nc);
            if (m->n) {
                memcpy(nl, m->labels, m->n * sizeof *nl);
                memcpy(nc, m->codes, m->n * sizeof *nc);
            }
            m->labels = nl;
            m->codes = nc;
        }
        m->labels[m->n] = cs_arena_strdup(&t->arena, f[0]);
        m->codes[m->n] = cs_arena_strdup(&t->arena, f[1]);
        if (m->codes[m->n][0])
            cs_strmap_put(&m->by_code, m->codes[m->n], m->n);
        cs_strmap_put(&m->by_label, m->labels[m->n], m->n);
        m->n++;
    }
    *out = m;
    return CS_OK;
}

const char *cs_aa_label(const cs_aa_labels *m, const char *code)
{
    uint32_t i;
    if (!m || !code || !cs_strmap_get(&m->by_code, code, strlen(code), &i))
        return NULL;
    return m->labels[i];
}

const char *cs_aa_label_code(const cs_aa_labels *m, const char *label)
{
    uint32_t i;
    if (!m || !label || !cs_strmap_get(&m->by_label, label, strlen(label), &i))
        return NULL;
    return m->codes[i];
}

const char *cs_aa_labels_name(const cs_aa_labels *m)
{
    return m ? m->name : "";
}

/* ---- templates -------------------------------------------------------------- */

static int parse_type(const char *s, cs_aa_vtype *out)
{
    static const char *const names[] = {"text", "date", "int", "label"};
    for (int i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (cs_aa_vtype)i;
            return 1;
        }
    return 0;
}

/* The dataset type a template type must fill. */
static int type_fits(cs_aa_vtype vt, cs_dtype dt)
{
    switch (vt) {
    case CS_AA_TEXT: return dt == CS_DT_STR || dt == CS_DT_CODE;
    case CS_AA_LABEL: return dt == CS_DT_CODE;
    case CS_AA_DATE: return dt == CS_DT_DATE;
    case CS_AA_INT: return dt == CS_DT_INT;
    }
    return 0;
}

static cs_status unknown_template(const char *dir, const char *name, cs_diag *d)
{
    char known[512] = "";
    size_t k = 0;
    DIR *dh = opendir(dir);
    if (dh) {
        struct dirent *e;
        while ((e = readdir(dh))) {
            size_t n = strlen(e->d_name);
            if (n > 4 && strcmp(e->d_name + n - 4, ".tsv") == 0 && k + n < sizeof known - 4)
                k += (size_t)snprintf(known + k, sizeof known - k, "%s%.*s", k ? ", " : "",
                                      (int)(n - 4), e->d_name);
        }
        closedir(dh);
    }
    return cs_diag_set(d, CS_ERR_USAGE, NULL, 0, 0, "no Annex A template named '%s' (there are: %s)",
                       name, k ? known : "none");
}

static void template_free_maps(cs_aa_template *t)
{
    for (size_t i = 0; i < t->nmaps; i++) {
        cs_strmap_free(&t->maps[i].by_code);
        cs_strmap_free(&t->maps[i].by_label);
    }
}

cs_status cs_aa_template_load(cs_aa_template **out, const char *rules_dir, const char *name,
                              cs_diag *d)
{
    *out = NULL;
    if (!name || !*name)
        name = "current";
    for (const char *c = name; *c; c++)
        if (*c == '/' || *c == '.')
            return cs_diag_set(d, CS_ERR_USAGE, NULL, 0, 0, "'%s' is not a template name", name);
    cs_aa_template *t = cs_xcalloc(1, sizeof *t);
    cs_arena_init(&t->arena, 0);
    t->name = cs_arena_strdup(&t->arena, name);
    const char *dir = cs_arena_printf(&t->arena, "%s/annexa/templates", rules_dir ? rules_dir : "rules");
    char *path = cs_arena_printf(&t->arena, "%s/%s.tsv", dir, name);
    tsv r;
    cs_status st = tsv_open(&r, path, &t->arena, d);
    if (st != CS_OK) {
        if (st == CS_ERR_CONFIG)
            st = unknown_template(dir, name, d);
        goto fail;
    }
    /* columns are counted first so each list's array is allocated once */
    uint32_t counts[CS_AA_NLISTS + 1] = {0};
    for (int l = 1; l <= CS_AA_NLISTS; l++) {
        memset(t->lists[l].col_of_field, -1, sizeof t->lists[l].col_of_field);
        t->lists[l].cols = cs_arena_alloc(&t->arena, CS_AA_MAX_FIELDS * sizeof(cs_aa_column));
    }
    char *f[MAX_TSV_COLS];
    int nf, header = 1;
    while ((nf = tsv_next(&r, f)) > 0) {
        if (header) {
            header = 0;
            if (nf < 5 || strcmp(f[0], "list") || strcmp(f[1], "heading") || strcmp(f[2], "field") ||
                strcmp(f[3], "type") || strcmp(f[4], "labels")) {
                st = cs_diag_set(d, CS_ERR_CONFIG, path, r.line, 1,
                                 "a template's header must be: list, heading, field, type, labels");
                goto fail;
            }
            continue;
        }
        char *end;
        long l = strtol(f[0], &end, 10);
        if (*end || l < 1 || l > CS_AA_NLISTS) {
            st = cs_diag_set(d, CS_ERR_CONFIG, path, r.line, 1, "list '%s' is not 1 to %d", f[0],
                             CS_AA_NLISTS);
            goto fail;
        }
        const char *field = f[2][0] ? f[2] : f[1];
        int g = cs_aa_list_group((int)l);
        int fi = cs_ds_field_find(&cs_annexa_schema, g, field);
        cs_aa_vtype vt;
        if (fi < 0) {
            st = cs_diag_set(d, CS_ERR_CONFIG, path, r.line, 1, "'%s' is not a field of List %ld",
                             field, l);
            goto fail;
        }
        if (!parse_type(f[3], &vt) ||
            !type_fits(vt, cs_annexa_schema.groups[g].fields[fi].type)) {
            st = cs_diag_set(d, CS_ERR_CONFIG, path, r.line, 1,
                             "type '%s' does not fit field '%s' (text, date, int or label)", f[3],
                             field);
            goto fail;
        }
        cs_aa_list *ls = &t->lists[l];
        if (ls->col_of_field[fi] >= 0 || counts[l] >= CS_AA_MAX_FIELDS) {
            st = cs_diag_set(d, CS_ERR_CONFIG, path, r.line, 1, "'%s' appears twice in List %ld",
                             field, l);
            goto fail;
        }
        cs_aa_column *c = &ls->cols[counts[l]];
        c->heading = cs_arena_strdup(&t->arena, f[1]);
        c->field = fi;
        c->type = vt;
        c->labels = NULL;
        /* a text column may name a map too: labels for its special codes
         * (LA of Placement: WAL, SCO ...), other values are free text */
        if (f[4][0] && (vt == CS_AA_LABEL || vt == CS_AA_TEXT)) {
            char *mapname = cs_arena_strdup(&t->arena, f[4]);
            st = load_map(t, dir, mapname, &c->labels, d);
            if (st != CS_OK)
                goto fail;
        }
        if (vt == CS_AA_LABEL) {
            if (!f[4][0]) {
                st = cs_diag_set(d, CS_ERR_CONFIG, path, r.line, 1,
                                 "label column '%s' names no label map", f[1]);
                goto fail;
            }
        }
        ls->col_of_field[fi] = (int8_t)counts[l];
        counts[l]++;
    }
    for (int l = 1; l <= CS_AA_NLISTS; l++) {
        t->lists[l].ncols = counts[l];
        if (!counts[l]) {
            st = cs_diag_set(d, CS_ERR_CONFIG, path, 0, 0, "the template has no columns for List %d", l);
            goto fail;
        }
    }
    *out = t;
    return CS_OK;
fail:
    cs_aa_template_free(t);
    return st;
}

void cs_aa_template_free(cs_aa_template *t)
{
    if (!t)
        return;
    template_free_maps(t);
    cs_arena_free(&t->arena);
    free(t);
}

const char *cs_aa_template_name(const cs_aa_template *t)
{
    return t->name;
}

const cs_aa_list *cs_aa_template_list(const cs_aa_template *t, int list)
{
    return list >= 1 && list <= CS_AA_NLISTS ? &t->lists[list] : NULL;
}

const cs_aa_column *cs_aa_column_of(const cs_aa_template *t, int list, int field)
{
    if (list < 1 || list > CS_AA_NLISTS || field < 0 || field >= CS_AA_MAX_FIELDS)
        return NULL;
    int c = t->lists[list].col_of_field[field];
    return c >= 0 ? &t->lists[list].cols[c] : NULL;
}

int cs_aa_alloc_parse(const char *s, cs_aa_alloc *out)
{
    if (!s)
        return -1;
    if (strcmp(s, "latest") == 0)
        *out = CS_AA_ALLOC_LATEST;
    else if (strcmp(s, "at-event") == 0 || strcmp(s, "at_event") == 0)
        *out = CS_AA_ALLOC_AT_EVENT;
    else
        return -1;
    return 0;
}
