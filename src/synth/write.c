/* cs_synth_write: the canonical model written as one case system hands its
 * extracts over, so that `cscdw extract` with the same profile reads back
 * exactly the model (the round trip tests/cli/synth_roundtrip.sh checks).
 *
 * Plan first, then stream: every entity map of the profile becomes a file
 * (maps naming the same file share it, with the union of their columns);
 * each model row goes to the first map of its entity whose `const` fields
 * it matches, so const maps partition an entity (CIN, CP and CLA visits).
 * A row is written with its map's include-filter values, its codes through
 * the reverse code tables, dates in the map's style, split dates in three
 * columns, composite ids split at their separator, and form answers (pivot
 * maps) as one row per answered question. Damage of the kinds Excel and
 * SQL export tools do is added at the damage rate, only where extract
 * repairs it to the same value, and each is recorded in the manifest with
 * the finding code extract should raise. */
#include "synth/synth.h"

#include <errno.h>
#include <stdarg.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "synth/write_internal.h"
#include "util/limits.h"
#include "util/mkdirs.h"

#define TEST_ROWS_PER_FILTER 2
#define SUPERSEDED_RATE 0.03   /* form dates answered twice, the later answer right */

/* Where one field map puts its value. */
typedef enum { ROLE_CELLS, ROLE_KEY, ROLE_CARRY, ROLE_ATTR, ROLE_NONE } field_role;

typedef struct {
    const cs_field_map *fm;
    field_role role;
    int col[3];              /* COLUMN/KEY/CARRY: col[0]; SPLIT: day, month, year */
    int *concat_cols;        /* CONCAT */
    int damageable;          /* a plain column no filter or key reads */
} field_plan;

typedef struct {
    const cs_entity_map *map;
    size_t index;            /* in the profile */
    field_plan *fields;
    int *filter_col;         /* per filter */
    int key_col, name_col, value_col, order_col;   /* pivot; -1 when none */
    int id_field;            /* index of the map's `id` field plan, -1 when unmapped */
} map_plan;

typedef struct {
    const char *name;        /* relative path inside out_dir */
    cs_table_spec spec;
    cs_wr_habits habits;
    const char **cols;
    size_t ncols;
    const cs_fixed_column *layout;   /* fixed: the layout, whose names are the columns */
    map_plan *maps;
    size_t nmaps;
} file_plan;

typedef struct {
    const cs_model *m;
    const cs_profile *p;
    const cs_synth_write_opts *o;
    cs_synth_manifest *manifest;
    cs_arena *a;             /* plan lifetime */
    cs_arena row;            /* reset per row */
    cs_wr_rng rng;
    file_plan *fp;           /* the file being written */
    cs_wr_sink sink;
    cs_wr_cell *cells;
    cs_diag *d;
} writer;

/* ---- planning ------------------------------------------------------- */

static int col_index(file_plan *f, const char *name, cs_arena *a, int add)
{
    for (size_t i = 0; i < f->ncols; i++)
        if (strcasecmp(f->cols[i], name) == 0)
            return (int)i;
    if (!add || f->ncols >= CS_MAX_COLUMNS)
        return -1;
    const char **grown = cs_arena_alloc(a, (f->ncols + 1) * sizeof *grown);
    if (f->ncols)
        memcpy(grown, f->cols, f->ncols * sizeof *grown);
    grown[f->ncols] = name;
    f->cols = grown;
    return (int)f->ncols++;
}

/* A concrete file name matching a glob: '*' matches nothing, '?' and a
 * bracket set the first character they allow. */
static cs_status concrete_name(const char *glob, cs_arena *a, const char **out, cs_diag *d)
{
    size_t n = strlen(glob);
    char *s = cs_arena_alloc(a, n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (glob[i] == '*')
            continue;
        if (glob[i] == '?') {
            s[k++] = '1';
        } else if (glob[i] == '[') {
            size_t j = i + 1;
            int neg = j < n && (glob[j] == '!' || glob[j] == '^');
            const char *close = strchr(glob + j + 1, ']');
            if (!close || neg) {
                s[k++] = neg ? '_' : '[';
                if (close)
                    i = (size_t)(close - glob);
                continue;
            }
            s[k++] = glob[j];
            i = (size_t)(close - glob);
        } else if (glob[i] == '\\' && i + 1 < n) {
            s[k++] = glob[++i];
        } else {
            s[k++] = glob[i];
        }
    }
    s[k] = '\0';
    if (k == 0 || s[k - 1] == '/' || s[0] == '/' || strstr(s, "..") ||
        fnmatch(glob, s, FNM_PATHNAME) != 0)
        return cs_diag_set(d, CS_ERR_CONFIG, NULL, 0, 0,
                           "cannot make a safe file name inside the output folder from '%s'",
                           glob);
    *out = s;
    return CS_OK;
}

static int same_spec(const cs_table_spec *x, const cs_table_spec *y)
{
    return x->format == y->format && x->delimiter == y->delimiter && x->encoding == y->encoding;
}

static field_role pivot_role(const cs_pivot *pv, const char *column)
{
    if (strcasecmp(column, pv->key) == 0)
        return ROLE_KEY;
    for (size_t i = 0; i < pv->ncarry; i++)
        if (strcasecmp(column, pv->carry[i]) == 0)
            return ROLE_CARRY;
    return ROLE_ATTR;
}

static int is_filter_col(const map_plan *mp, int col)
{
    for (size_t i = 0; i < mp->map->nfilters; i++)
        if (mp->filter_col[i] == col)
            return 1;
    return 0;
}

static cs_status plan_map(writer *w, file_plan *f, map_plan *mp, cs_diag *d)
{
    const cs_entity_map *em = mp->map;
    int fixed = f->spec.format == CS_TABLE_FIXED;
    int add = !fixed;
    const char *missing = NULL;
#define COL(name) ((tmp = col_index(f, (name), w->a, add)) < 0 ? (missing = (name), -1) : tmp)
    int tmp;
    mp->key_col = mp->name_col = mp->value_col = mp->order_col = -1;
    mp->id_field = -1;
    mp->fields = cs_arena_alloc(w->a, em->nfields * sizeof *mp->fields);
    mp->filter_col = cs_arena_alloc(w->a, (em->nfilters + 1) * sizeof *mp->filter_col);
    const cs_pivot *pv = em->pivot;
    if (pv) {
        mp->key_col = COL(pv->key);
        mp->name_col = COL(pv->name);
        mp->value_col = COL(pv->value);
        if (pv->order)
            mp->order_col = COL(pv->order);
        for (size_t i = 0; i < pv->ncarry; i++)
            (void)COL(pv->carry[i]);
    }
    for (size_t i = 0; i < em->nfields; i++) {
        const cs_field_map *fm = &em->fields[i];
        field_plan *fp = &mp->fields[i];
        fp->fm = fm;
        fp->col[0] = fp->col[1] = fp->col[2] = -1;
        if (strcmp(fm->field, "id") == 0)
            mp->id_field = (int)i;
        switch (fm->kind) {
        case CS_MAP_CONST: fp->role = ROLE_NONE; break;
        case CS_MAP_COLUMN:
            fp->role = pv ? pivot_role(pv, fm->column) : ROLE_CELLS;
            if (fp->role != ROLE_ATTR)
                fp->col[0] = COL(fm->column);
            break;
        case CS_MAP_SPLIT_DATE:
            fp->role = pv ? ROLE_ATTR : ROLE_CELLS;
            if (!pv) {
                fp->col[0] = COL(fm->day);
                fp->col[1] = COL(fm->month);
                fp->col[2] = COL(fm->year);
            }
            break;
        case CS_MAP_CONCAT:
            if (pv)
                return cs_diag_set(d, CS_ERR_CONFIG, w->p->path, 0, 0,
                                   "entity map '%s': the synthetic writer cannot write a "
                                   "composite (concat) field in form answers",
                                   em->key ? em->key : em->entity_name);
            fp->role = ROLE_CELLS;
            fp->concat_cols = cs_arena_alloc(w->a, (fm->ncolumns + 1) * sizeof(int));
            for (size_t k = 0; k < fm->ncolumns; k++)
                fp->concat_cols[k] = COL(fm->columns[k]);
            break;
        }
    }
    for (size_t i = 0; i < em->nfilters; i++)
        mp->filter_col[i] = COL(em->filters[i].column);
#undef COL
    if (missing)
        return cs_diag_set(d, CS_ERR_CONFIG, w->p->path, 0, 0,
                           "entity map '%s': column %s is not in its fixed-width layout",
                           em->key ? em->key : em->entity_name, missing);
    return CS_OK;
}

/* Damage only where extract reads the cell as the field and nothing else
 * (filters compare raw text, pivot keys group by it). */
static void plan_damage(file_plan *f)
{
    for (size_t k = 0; k < f->nmaps; k++) {
        map_plan *mp = &f->maps[k];
        for (size_t i = 0; i < mp->map->nfields; i++) {
            field_plan *fp = &mp->fields[i];
            int ok = fp->role == ROLE_CELLS && !mp->map->pivot &&
                     fp->fm->kind != CS_MAP_CONCAT && f->spec.format == CS_TABLE_CSV;
            for (int c = 0; ok && c < 3; c++)
                for (size_t j = 0; ok && fp->col[c] >= 0 && j < f->nmaps; j++)
                    ok = !is_filter_col(&f->maps[j], fp->col[c]);
            fp->damageable = ok;
        }
    }
}

static cs_status build_plan(writer *w, file_plan **out, size_t *nout, cs_diag *d)
{
    const cs_profile *p = w->p;
    file_plan *files = cs_arena_alloc(w->a, (p->nentities + 1) * sizeof *files);
    size_t nfiles = 0;
    const char **names = cs_arena_alloc(w->a, (p->nentities + 1) * sizeof *names);
    size_t *file_of = cs_arena_alloc(w->a, (p->nentities + 1) * sizeof *file_of);
    for (size_t i = 0; i < p->nentities; i++) {
        cs_status st = concrete_name(p->entities[i].file, w->a, &names[i], d);
        if (st != CS_OK)
            return st;
        size_t f = 0;
        while (f < nfiles && strcmp(files[f].name, names[i]) != 0)
            f++;
        if (f == nfiles) {
            files[f].name = names[i];
            files[f].spec = p->entities[i].table;
            files[f].habits = cs_wr_habits_for(p->system, files[f].spec.encoding,
                                               files[f].spec.format);
            nfiles++;
        } else if (!same_spec(&files[f].spec, &p->entities[i].table)) {
            return cs_diag_set(d, CS_ERR_CONFIG, p->path, 0, 0,
                               "entity maps sharing %s disagree on its format, delimiter or "
                               "encoding", names[i]);
        }
        file_of[i] = f;
        files[f].nmaps++;
    }
    /* a glob of one map must not pick up another map's file */
    for (size_t i = 0; i < p->nentities; i++)
        for (size_t f = 0; f < nfiles; f++)
            if (f != file_of[i] && fnmatch(p->entities[i].file, files[f].name, FNM_PATHNAME) == 0)
                return cs_diag_set(d, CS_ERR_CONFIG, p->path, 0, 0,
                                   "the file pattern '%s' also matches %s, written for another "
                                   "entity map", p->entities[i].file, files[f].name);
    for (size_t f = 0; f < nfiles; f++) {
        file_plan *fp = &files[f];
        fp->maps = cs_arena_alloc(w->a, fp->nmaps * sizeof *fp->maps);
        fp->nmaps = 0;
        if (fp->spec.format == CS_TABLE_FIXED) {
            fp->ncols = fp->spec.nlayout;
            fp->cols = cs_arena_alloc(w->a, (fp->ncols + 1) * sizeof *fp->cols);
            for (size_t c = 0; c < fp->ncols; c++)
                fp->cols[c] = fp->spec.layout[c].name;
            fp->layout = fp->spec.layout;
        }
        for (size_t i = 0; i < p->nentities; i++) {
            if (file_of[i] != f)
                continue;
            map_plan *mp = &fp->maps[fp->nmaps++];
            mp->map = &p->entities[i];
            mp->index = i;
            cs_status st = plan_map(w, fp, mp, d);
            if (st != CS_OK)
                return st;
        }
        if (fp->ncols == 0)
            return cs_diag_set(d, CS_ERR_CONFIG, p->path, 0, 0, "%s would have no columns",
                               fp->name);
        plan_damage(fp);
    }
    *out = files;
    *nout = nfiles;
    return CS_OK;
}

/* ---- routing: which map takes a row --------------------------------- */

static int const_matches(const void *row, const cs_field_map *fm)
{
    char buf[64];
    const cs_field_desc *fd = fm->desc;
    if (cs_field_is_absent(row, fd))
        return 0;
    if (fd->type == CS_FT_BOOL) {
        int yes = strcasecmp(fm->constant, "1") == 0 || strcasecmp(fm->constant, "y") == 0 ||
                  strcasecmp(fm->constant, "yes") == 0 || strcasecmp(fm->constant, "true") == 0;
        return *(const int8_t *)cs_field_ptr((void *)row, fd) == yes;
    }
    if (fd->type == CS_FT_ID || fd->type == CS_FT_STR || fd->type == CS_FT_CODE)
        return strcasecmp(*(const char *const *)cs_field_ptr((void *)row, fd), fm->constant) == 0;
    cs_field_format(row, fd, buf, sizeof buf);
    return strcasecmp(buf, fm->constant) == 0;
}

static int map_takes(const cs_entity_map *em, const void *row)
{
    for (size_t i = 0; i < em->nfields; i++)
        if (em->fields[i].kind == CS_MAP_CONST && !const_matches(row, &em->fields[i]))
            return 0;
    return 1;
}

/* Index of the first map of the row's entity that takes it, or -1. */
static long route(const cs_profile *p, const cs_entity_desc *e, const void *row)
{
    for (size_t i = 0; i < p->nentities; i++)
        if (p->entities[i].entity == e && map_takes(&p->entities[i], row))
            return (long)i;
    return -1;
}

/* ---- values ----------------------------------------------------------- */

static cs_date_style style_of(const cs_entity_map *em, const cs_field_map *fm)
{
    return fm->date_style != CS_DATES_AUTO ? fm->date_style : em->date_style;
}

static cs_wr_cell text_cell(cs_arena *a, const char *s, size_t n)
{
    return (cs_wr_cell){cs_arena_strndup(a, s, n), n};
}

/* The field as the system writes it; an empty cell when absent. */
static cs_wr_cell value_cell(writer *w, const cs_entity_map *em, const cs_field_map *fm,
                             const void *row)
{
    const cs_field_desc *fd = fm->desc;
    const void *p = cs_field_ptr((void *)row, fd);
    char buf[64];
    if (cs_field_is_absent(row, fd))
        return (cs_wr_cell){"", 0};
    switch (fd->type) {
    case CS_FT_CODE: {
        const char *v = *(const char *const *)p;
        const char *local = fm->codemap ? cs_codemap_reverse(fm->codemap, v) : NULL;
        v = local ? local : v;
        return (cs_wr_cell){v, strlen(v)};
    }
    case CS_FT_ID:
    case CS_FT_STR: {
        const char *v = *(const char *const *)p;
        return (cs_wr_cell){v, strlen(v)};
    }
    case CS_FT_DATE: {
        size_t n = cs_wr_format_date(*(const cs_date *)p, style_of(em, fm), buf);
        return text_cell(&w->row, buf, n);
    }
    case CS_FT_INT:
    case CS_FT_BOOL: {
        size_t n = cs_field_format(row, fd, buf, sizeof buf);
        return text_cell(&w->row, buf, n);
    }
    }
    return (cs_wr_cell){"", 0};
}

static void split_date_cells(writer *w, const void *row, const cs_field_map *fm,
                             cs_wr_cell out[3])
{
    cs_date dt = *(const cs_date *)cs_field_ptr((void *)row, fm->desc);
    if (dt == CS_DATE_NONE) {
        for (int i = 0; i < 3; i++)
            out[i] = (cs_wr_cell){"", 0};
        return;
    }
    int v[3];
    cs_date_to_ymd(dt, &v[2], &v[1], &v[0]);
    for (int i = 0; i < 3; i++) {
        char buf[16];
        int n = snprintf(buf, sizeof buf, "%d", v[i]);
        out[i] = text_cell(&w->row, buf, (size_t)n);
    }
}

/* Composite id "A-B-C" back into its columns: the last column takes the rest. */
static void concat_cells(const cs_field_map *fm, cs_wr_cell v, const int *cols, cs_wr_cell *cells)
{
    const char *sep = fm->separator ? fm->separator : "-";
    size_t sl = strlen(sep);
    const char *s = v.s, *end = v.s + v.n;
    for (size_t k = 0; k < fm->ncolumns; k++) {
        const char *hit = NULL;
        if (k + 1 < fm->ncolumns && sl > 0)
            hit = memmem(s, (size_t)(end - s), sep, sl);
        const char *stop = hit ? hit : (k + 1 < fm->ncolumns ? s : end);
        if (k + 1 == fm->ncolumns)
            stop = end;
        if (cols[k] >= 0)
            cells[cols[k]] = (cs_wr_cell){s, (size_t)(stop - s)};
        s = hit ? hit + sl : stop;
    }
}

/* ---- manifest --------------------------------------------------------- */

static const char *row_id(writer *w, const cs_entity_desc *e, const void *row, const char *field)
{
    const cs_field_desc *fd = cs_entity_field(e, field);
    if (!fd || cs_field_is_absent(row, fd))
        return "";
    char buf[256];
    cs_field_format(row, fd, buf, sizeof buf);
    return cs_arena_strdup(&w->row, buf);
}

static void note(writer *w, const char *kind, const cs_entity_desc *e, const void *row,
                 const char *column, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

static void note(writer *w, const char *kind, const cs_entity_desc *e, const void *row,
                 const char *column, const char *code, const char *fmt, ...)
{
    char detail[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    const char *id = row ? row_id(w, e, row, "id") : "";
    const char *person = !row ? "" : e->id == CS_E_person ? id : row_id(w, e, row, "person_id");
    cs_synth_manifest_add(w->manifest, kind, e->name, id, person, column, code, detail);
}

/* ---- damage ----------------------------------------------------------- */

static int plain_number_id(cs_wr_cell c)
{
    if (c.n == 0 || c.n > 15 || c.s[0] == '0')
        return 0;
    for (size_t i = 0; i < c.n; i++)
        if (c.s[i] < '0' || c.s[i] > '9')
            return 0;
    return 1;
}

static void damage_cell(writer *w, const map_plan *mp, const field_plan *fp, const void *row,
                        int c, cs_wr_cell *cell)
{
    double rate = w->o->damage_rate;
    const cs_field_desc *fd = fp->fm->desc;
    const char *column = w->fp->cols[fp->col[c]];
    const cs_entity_desc *e = mp->map->entity;
    uint64_t line = w->sink.lines + 1;
    char buf[64];
    int present = cell->n > 0;
    if (!cs_wr_rng_chance(&w->rng, rate))
        return;
    switch (fd->type) {
    case CS_FT_ID:
        if (!present)
            return;
        if (plain_number_id(*cell) && cs_wr_rng_chance(&w->rng, 0.5)) {
            snprintf(buf, sizeof buf, "%.*s.0", (int)cell->n, cell->s);
            note(w, "excel-id-float", e, row, column, "X101", "%s line %llu: %s written as %s",
                 w->fp->name, (unsigned long long)line, column, buf);
        } else {
            int lead = cs_wr_rng_chance(&w->rng, 0.5);
            snprintf(buf, sizeof buf, "%s%.*s%s", lead ? " " : "", (int)cell->n, cell->s,
                     lead ? "" : "  ");
            note(w, "stray-spaces", e, row, column, "X105",
                 "%s line %llu: %s written with %s spaces", w->fp->name,
                 (unsigned long long)line, column, lead ? "a leading" : "trailing");
        }
        *cell = text_cell(&w->row, buf, strlen(buf));
        return;
    case CS_FT_INT:
        if (!present)
            return;
        snprintf(buf, sizeof buf, "%.*s.0", (int)cell->n, cell->s);
        note(w, "excel-int-decimal", e, row, column, "X102", "%s line %llu: %s written as %s",
             w->fp->name, (unsigned long long)line, column, buf);
        *cell = text_cell(&w->row, buf, strlen(buf));
        return;
    case CS_FT_BOOL:
        if (!present)
            return;
        snprintf(buf, sizeof buf, "%s", cell->s[0] == '1' ? "TRUE" : "FALSE");
        note(w, "excel-bool-spelling", e, row, column, "X104", "%s line %llu: %s written as %s",
             w->fp->name, (unsigned long long)line, column, buf);
        *cell = text_cell(&w->row, buf, strlen(buf));
        return;
    case CS_FT_DATE: {
        cs_date dt = *(const cs_date *)cs_field_ptr((void *)row, fd);
        if (fp->fm->kind == CS_MAP_SPLIT_DATE) {
            /* Excel turns the integer parts into 12.0; placeholders are whole */
            if (present && w->fp->habits.excel) {
                snprintf(buf, sizeof buf, "%.*s.0", (int)cell->n, cell->s);
                note(w, "excel-int-decimal", e, row, column, "X102",
                     "%s line %llu: %s written as %s", w->fp->name, (unsigned long long)line,
                     column, buf);
                *cell = text_cell(&w->row, buf, strlen(buf));
            }
            return;
        }
        if (!present) {
            size_t n = cs_wr_format_date(cs_date_from_ymd(1900, 1, 1), style_of(mp->map, fp->fm),
                                         buf);
            note(w, "placeholder-date", e, row, column, "X108",
                 "%s line %llu: empty %s written as %s", w->fp->name, (unsigned long long)line,
                 column, buf);
            *cell = text_cell(&w->row, buf, n);
        } else if (w->fp->habits.excel && dt >= cs_date_from_ymd(1900, 3, 1)) {
            snprintf(buf, sizeof buf, "%ld", cs_wr_excel_serial(dt));
            note(w, "excel-serial-date", e, row, column, "X103", "%s line %llu: %s written as %s",
                 w->fp->name, (unsigned long long)line, column, buf);
            *cell = text_cell(&w->row, buf, strlen(buf));
        }
        return;
    }
    case CS_FT_STR:
    case CS_FT_CODE: return;
    }
}

/* The split-date placeholder: all three parts, or none. */
static void damage_split_absent(writer *w, const map_plan *mp, const field_plan *fp,
                                const void *row, cs_wr_cell *cells)
{
    if (!cs_wr_rng_chance(&w->rng, w->o->damage_rate))
        return;
    static const char *const parts[3] = {"1", "1", "1900"};
    for (int c = 0; c < 3; c++)
        if (fp->col[c] >= 0)
            cells[fp->col[c]] = (cs_wr_cell){parts[c], strlen(parts[c])};
    note(w, "placeholder-date", mp->map->entity, row, w->fp->cols[fp->col[2]], "X108",
         "%s line %llu: empty %s written as 1/1/1900", w->fp->name,
         (unsigned long long)w->sink.lines + 1, fp->fm->field);
}

/* ---- rows ------------------------------------------------------------- */

static void clear_cells(writer *w)
{
    for (size_t i = 0; i < w->fp->ncols; i++)
        w->cells[i] = (cs_wr_cell){"", 0};
}

/* Include filters get their first value; exclude filters stay blank. */
static void filter_cells(writer *w, const map_plan *mp)
{
    for (size_t i = 0; i < mp->map->nfilters; i++) {
        const cs_row_filter *f = &mp->map->filters[i];
        if (!f->exclude && f->nvalues > 0 && mp->filter_col[i] >= 0)
            w->cells[mp->filter_col[i]] = (cs_wr_cell){f->values[0], strlen(f->values[0])};
    }
}

static int cell_is(cs_wr_cell c, const char *v)
{
    while (c.n > 0 && (c.s[0] == ' ' || c.s[0] == '\t'))
        c.s++, c.n--;
    while (c.n > 0 && (c.s[c.n - 1] == ' ' || c.s[c.n - 1] == '\t'))
        c.n--;
    return strlen(v) == c.n && strncasecmp(c.s, v, c.n) == 0;
}

/* Would extract keep this row for map mp? */
static int passes(const map_plan *mp, const cs_wr_cell *cells)
{
    for (size_t i = 0; i < mp->map->nfilters; i++) {
        const cs_row_filter *f = &mp->map->filters[i];
        cs_wr_cell c = mp->filter_col[i] >= 0 ? cells[mp->filter_col[i]] : (cs_wr_cell){"", 0};
        int hit = 0;
        for (size_t k = 0; k < f->nvalues && !hit; k++)
            hit = cell_is(c, f->values[k]);
        if (hit == f->exclude)
            return 0;
    }
    return 1;
}

/* Another map of the same file that would read this row as its own. */
static const map_plan *leak(const writer *w, const map_plan *mp, const cs_wr_cell *cells)
{
    for (size_t i = 0; i < w->fp->nmaps; i++)
        if (&w->fp->maps[i] != mp && passes(&w->fp->maps[i], cells))
            return &w->fp->maps[i];
    return NULL;
}

static const char *map_name(const map_plan *mp)
{
    return mp->map->key ? mp->map->key : mp->map->entity_name;
}

static cs_status leak_error(writer *w, const map_plan *mp, const map_plan *other)
{
    return cs_diag_set(w->d, CS_ERR_CONFIG, w->p->path, 0, 0,
                       "entity maps '%s' and '%s' would both read the rows of %s: give them "
                       "filters that tell their rows apart", map_name(mp), map_name(other),
                       w->fp->name);
}

static cs_status emit(writer *w)
{
    return cs_wr_sink_row(&w->sink, w->cells, w->fp->cols, w->fp->ncols, w->d);
}

static cs_status maybe_blank_row(writer *w, const cs_entity_desc *e)
{
    if (w->fp->spec.format != CS_TABLE_CSV || !cs_wr_rng_chance(&w->rng, w->o->damage_rate))
        return CS_OK;
    note(w, "blank-row", e, NULL, "", "X106", "%s line %llu: blank row", w->fp->name,
         (unsigned long long)w->sink.lines + 1);
    return cs_wr_sink_blank(&w->sink, w->fp->ncols, w->fp->habits.excel, w->d);
}

/* Fill the cells of a plain row; damage when asked. */
static void plain_cells(writer *w, const map_plan *mp, const void *row, int damage)
{
    clear_cells(w);
    filter_cells(w, mp);
    for (size_t i = 0; i < mp->map->nfields; i++) {
        const field_plan *fp = &mp->fields[i];
        const cs_field_map *fm = fp->fm;
        if (fp->role != ROLE_CELLS)
            continue;
        if (fm->kind == CS_MAP_SPLIT_DATE) {
            cs_wr_cell parts[3];
            split_date_cells(w, row, fm, parts);
            for (int c = 0; c < 3; c++)
                if (fp->col[c] >= 0)
                    w->cells[fp->col[c]] = parts[c];
            if (damage && fp->damageable) {
                if (parts[0].n == 0)
                    damage_split_absent(w, mp, fp, row, w->cells);
                else
                    for (int c = 0; c < 3; c++)
                        damage_cell(w, mp, fp, row, c, &w->cells[fp->col[c]]);
            }
            continue;
        }
        cs_wr_cell v = value_cell(w, mp->map, fm, row);
        if (fm->kind == CS_MAP_CONCAT) {
            concat_cells(fm, v, fp->concat_cols, w->cells);
            continue;
        }
        if (fp->col[0] < 0)
            continue;
        w->cells[fp->col[0]] = v;
        if (damage && fp->damageable)
            damage_cell(w, mp, fp, row, 0, &w->cells[fp->col[0]]);
    }
}

static cs_status write_plain_row(writer *w, map_plan *mp, const void *row)
{
    cs_status st = maybe_blank_row(w, mp->map->entity);
    if (st != CS_OK)
        return st;
    plain_cells(w, mp, row, 1);
    const map_plan *other = leak(w, mp, w->cells);
    if (other)
        return leak_error(w, mp, other);
    if (!passes(mp, w->cells))
        note(w, "excluded-by-profile", mp->map->entity, row, "", "X121",
             "%s line %llu: a real record matches an exclude filter of '%s'", w->fp->name,
             (unsigned long long)w->sink.lines + 1, map_name(mp));
    return emit(w);
}

/* Test/admin records the exclude filters drop (finding X121), built from a
 * real row of the map with the filtered column set to an excluded value. */
static cs_status write_test_rows(writer *w, map_plan *mp, const void *template_row)
{
    const cs_entity_map *em = mp->map;
    int id_col = mp->id_field >= 0 && mp->fields[mp->id_field].role == ROLE_CELLS &&
                         em->fields[mp->id_field].kind == CS_MAP_COLUMN
                     ? mp->fields[mp->id_field].col[0]
                     : -1;
    unsigned serial = 0;
    for (size_t i = 0; i < em->nfilters; i++) {
        const cs_row_filter *f = &em->filters[i];
        if (!f->exclude || mp->filter_col[i] < 0)
            continue;
        for (size_t k = 0; k < f->nvalues && k < TEST_ROWS_PER_FILTER; k++) {
            cs_arena_reset(&w->row);
            plain_cells(w, mp, template_row, 0);
            const char *v = f->values[k];
            w->cells[mp->filter_col[i]] = (cs_wr_cell){v, strlen(v)};
            if (id_col >= 0 && id_col != mp->filter_col[i]) {
                char buf[32];
                int n = snprintf(buf, sizeof buf, "TEST%u", ++serial);
                w->cells[id_col] = text_cell(&w->row, buf, (size_t)n);
            }
            if (passes(mp, w->cells) || leak(w, mp, w->cells))
                continue;
            cs_synth_manifest_add(w->manifest, "test-record", em->entity->name,
                                  id_col >= 0 ? cs_arena_strndup(&w->row, w->cells[id_col].s,
                                                                 w->cells[id_col].n)
                                              : "",
                                  "", f->column, "X121",
                                  cs_arena_printf(&w->row, "%s line %llu: test/admin record "
                                                  "with %s = %s, dropped by the profile",
                                                  w->fp->name,
                                                  (unsigned long long)w->sink.lines + 1,
                                                  f->column, v));
            cs_status st = emit(w);
            if (st != CS_OK)
                return st;
        }
    }
    return CS_OK;
}

/* When an answer was saved, in the export's own date-time form (the order
 * column extract sorts answers by). */
static cs_wr_cell answer_stamp(writer *w, const cs_entity_map *em, cs_date day, size_t minute)
{
    char d10[32], buf[64];
    int h = 9 + (int)(minute / 60) % 12, mi = (int)(minute % 60), n;
    cs_date_style st = em->date_style == CS_DATES_DMY ? CS_DATES_DMY : CS_DATES_ISO;
    cs_wr_format_date(day, st, d10);
    if (em->date_style == CS_DATES_SQLSERVER)
        n = snprintf(buf, sizeof buf, "%s %02d:%02d:00.000", d10, h, mi);
    else
        n = snprintf(buf, sizeof buf, "%s %02d:%02d:00", d10, h, mi);
    return text_cell(&w->row, buf, (size_t)n);
}

static cs_status emit_answer(writer *w, const map_plan *mp, const char *name, cs_wr_cell value,
                             cs_date day, size_t minute)
{
    w->cells[mp->name_col] = (cs_wr_cell){name, strlen(name)};
    w->cells[mp->value_col] = value;
    if (mp->order_col >= 0)
        w->cells[mp->order_col] = answer_stamp(w, mp->map, day, minute);
    return emit(w);
}

/* The day a record's answers were saved: its first date. */
static cs_date answer_day(const cs_entity_desc *e, const void *row, size_t n)
{
    for (size_t i = 0; i < e->nfields; i++)
        if (e->fields[i].type == CS_FT_DATE && !cs_field_is_absent(row, &e->fields[i]))
            return *(const cs_date *)cs_field_ptr((void *)row, &e->fields[i]);
    return cs_date_from_ymd(2020, 4, 1) + (cs_date)(n % 2000);
}

/* Form answers: one row per answered question of the record. Now and then
 * a date was first answered wrongly and corrected a day later: both rows are
 * there and the later one must win (pivot `order`). */
static cs_status write_pivot_record(writer *w, map_plan *mp, const void *row, size_t n)
{
    const cs_entity_map *em = mp->map;
    clear_cells(w);
    filter_cells(w, mp);
    char key[32];
    snprintf(key, sizeof key, "F%zu", n + 1);
    if (mp->key_col >= 0)
        w->cells[mp->key_col] = text_cell(&w->row, key, strlen(key));
    for (size_t i = 0; i < em->nfields; i++) {
        const field_plan *fp = &mp->fields[i];
        if ((fp->role == ROLE_KEY || fp->role == ROLE_CARRY) && fp->col[0] >= 0)
            w->cells[fp->col[0]] = value_cell(w, em, fp->fm, row);
    }
    const map_plan *other = leak(w, mp, w->cells);
    if (other)
        return leak_error(w, mp, other);
    cs_status st = maybe_blank_row(w, em->entity);
    cs_date day = answer_day(em->entity, row, n);
    size_t asked = 0, answered = 0;
    const char *first_name = NULL;
    for (size_t i = 0; i < em->nfields && st == CS_OK; i++) {
        const field_plan *fp = &mp->fields[i];
        if (fp->role != ROLE_ATTR)
            continue;
        const cs_field_map *fm = fp->fm;
        const char *names[3] = {fm->column, NULL, NULL};
        cs_wr_cell vals[3];
        size_t nparts = 1;
        if (fm->kind == CS_MAP_SPLIT_DATE) {
            names[0] = fm->day, names[1] = fm->month, names[2] = fm->year;
            split_date_cells(w, row, fm, vals);
            nparts = 3;
        } else {
            vals[0] = value_cell(w, em, fm, row);
        }
        if (!first_name)
            first_name = names[0];
        for (size_t k = 0; k < nparts && st == CS_OK; k++) {
            asked++;
            if (vals[k].n == 0)
                continue;   /* unanswered questions have no row */
            if (fm->kind == CS_MAP_COLUMN && fm->desc->type == CS_FT_DATE &&
                mp->order_col >= 0 && cs_wr_rng_chance(&w->rng, SUPERSEDED_RATE)) {
                char old[32];
                cs_date was = *(const cs_date *)cs_field_ptr((void *)row, fm->desc) - 7;
                size_t on = cs_wr_format_date(was, style_of(em, fm), old);
                st = emit_answer(w, mp, names[k], text_cell(&w->row, old, on), day - 1, asked);
            }
            if (st == CS_OK)
                st = emit_answer(w, mp, names[k], vals[k], day, asked);
            answered++;
        }
    }
    /* a form with nothing answered still shows as one empty answer */
    if (st == CS_OK && answered == 0)
        st = emit_answer(w, mp, first_name ? first_name : "", (cs_wr_cell){"", 0}, day, 0);
    return st;
}

static cs_status write_map_rows(writer *w, map_plan *mp)
{
    const cs_table *t = &w->m->tables[mp->map->entity->id];
    const void *first = NULL;
    for (size_t r = 0; r < t->count; r++) {
        const void *row = cs_model_row(w->m, mp->map->entity->id, r);
        if (route(w->p, mp->map->entity, row) != (long)mp->index)
            continue;
        cs_arena_reset(&w->row);
        cs_status st = mp->map->pivot ? write_pivot_record(w, mp, row, r)
                                      : write_plain_row(w, mp, row);
        if (st != CS_OK)
            return st;
        if (!first)
            first = row;
    }
    if (first && !mp->map->pivot)
        return write_test_rows(w, mp, first);
    return CS_OK;
}

/* ---- files and folders ------------------------------------------------ */

/* path's folder (include_last) or the folder path is in, with those above */
static cs_status make_dirs(const char *path, int include_last, cs_diag *d)
{
    char buf[CS_MAX_PATH];
    size_t n = strlen(path);
    if (n >= sizeof buf)
        return cs_diag_set(d, CS_ERR_LIMIT, path, 0, 0, "path too long");
    memcpy(buf, path, n + 1);
    if (!include_last) {
        char *slash = strrchr(buf, '/');
        if (!slash || slash == buf)
            return CS_OK;
        *slash = '\0';
    }
    if (cs_mkdirs(buf, 0700, 0700) != 0)
        return cs_diag_set(d, CS_ERR_IO, buf, 0, 0, "cannot create folder: %s", strerror(errno));
    return CS_OK;
}

static cs_status write_file(writer *w, file_plan *f, const char *out_dir)
{
    char path[CS_MAX_PATH];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", out_dir, f->name) >= sizeof path)
        return cs_diag_set(w->d, CS_ERR_LIMIT, out_dir, 0, 0, "path too long for %s", f->name);
    cs_status st = strchr(f->name, '/') ? make_dirs(path, 0, w->d) : CS_OK;
    if (st != CS_OK)
        return st;
    w->fp = f;
    w->rng.s = w->o->seed ^ ((uint64_t)cs_hash_bytes(f->name, strlen(f->name)) << 17);
    cs_table_spec spec = f->spec;
    spec.layout = f->layout;
    if ((st = cs_wr_sink_open(&w->sink, path, &spec, &f->habits, w->d)) != CS_OK)
        return st;
    w->cells = cs_arena_alloc(w->a, (f->ncols + 1) * sizeof *w->cells);
    st = cs_wr_sink_header(&w->sink, f->cols, f->ncols, w->cells, w->d);
    for (size_t i = 0; i < f->nmaps && st == CS_OK; i++)
        st = write_map_rows(w, &f->maps[i]);
    if (st != CS_OK) {
        cs_wr_sink_abort(&w->sink);
        return st;
    }
    return cs_wr_sink_close(&w->sink, w->d);
}

/* Rows no map takes, and entities the profile does not map, go to the
 * manifest: extract cannot bring them back. */
static void note_unwritten(writer *w)
{
    for (size_t e = 0; e < CS_ENTITY_COUNT; e++) {
        const cs_table *t = &w->m->tables[e];
        if (t->count == 0)
            continue;
        int mapped = 0;
        for (size_t i = 0; i < w->p->nentities && !mapped; i++)
            mapped = w->p->entities[i].entity == t->desc;
        if (!mapped) {
            cs_synth_manifest_add(w->manifest, "entity-not-in-profile", t->desc->name, "", "",
                                  "", "",
                                  cs_arena_printf(&w->row, "%zu records not written: the "
                                                  "profile maps no file for them", t->count));
            continue;
        }
        for (size_t r = 0; r < t->count; r++) {
            const void *row = cs_model_row(w->m, (cs_entity_id)e, r);
            if (route(w->p, t->desc, row) < 0)
                note(w, "record-not-written", t->desc, row, "", "",
                     "no entity map's const fields match this record");
        }
    }
}

cs_status cs_synth_write(const cs_model *m, const cs_profile *p, const char *out_dir,
                         const cs_synth_write_opts *o, cs_synth_manifest *manifest, cs_diag *d)
{
    cs_arena plan;
    cs_arena_init(&plan, 0);
    writer w = {.m = m, .p = p, .o = o, .manifest = manifest, .a = &plan, .d = d};
    cs_arena_init(&w.row, 0);
    file_plan *files = NULL;
    size_t nfiles = 0;
    cs_status st = make_dirs(out_dir, 1, d);
    if (st == CS_OK)
        st = build_plan(&w, &files, &nfiles, d);
    for (size_t i = 0; i < nfiles && st == CS_OK; i++)
        st = write_file(&w, &files[i], out_dir);
    if (st == CS_OK)
        note_unwritten(&w);
    cs_arena_free(&w.row);
    cs_arena_free(&plan);
    return st;
}
