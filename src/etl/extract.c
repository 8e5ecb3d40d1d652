/* The extract stage: every entity map of a profile, every file its glob
 * matches (sorted), every record -> the canonical model. Files stream
 * through the table reader once; per record nothing is allocated except
 * the strings the model keeps. */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "etl/extract_int.h"
#include "util/limits.h"

#define PROGRESS_EVERY 65536u

struct cs_xmissing {
    uint32_t file;
    const char *column;
    struct cs_xmissing *next;
};

typedef struct {
    char **paths;
    uint64_t *sizes;
    size_t n, cap;
} matches;

typedef struct {
    cs_progress_fn fn;
    void *ctx;
    uint64_t done, total;
} progress;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cs_x_missing_column(cs_extractor *x, const cs_xmap *xm, const char *column,
                         const char *field)
{
    for (const struct cs_xmissing *m = x->missing; m; m = m->next)
        if (m->file == x->file_index && strcasecmp(m->column, column) == 0)
            return;
    struct cs_xmissing *m = cs_arena_alloc(&x->run, sizeof *m);
    m->file = x->file_index;
    m->column = column;
    m->next = x->missing;
    x->missing = m;
    char detail[300];
    snprintf(detail, sizeof detail, "no column '%s' in the file's header", column);
    cs_findings_addv(x->fx, CS_FK_MISSING_COLUMN, x->path, 0, 0, xm->map->entity->name,
                     field ? field : column, NULL, column, strlen(column), NULL, detail);
}

/* ---- finding the files ---- */

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Files in input_dir matching the map's pattern (file names compared
 * ignoring case: extracts often travel through Windows). A pattern may name
 * a subfolder (sub/DM_*.csv); only the last part is a glob. */
static cs_status expand(const char *input_dir, const char *pattern, matches *out, cs_diag *d)
{
    memset(out, 0, sizeof *out);
    const char *slash = strrchr(pattern, '/');
    const char *base = slash ? slash + 1 : pattern;
    char dir[CS_MAX_PATH];
    int w = slash ? snprintf(dir, sizeof dir, "%s/%.*s", input_dir, (int)(slash - pattern), pattern)
                  : snprintf(dir, sizeof dir, "%s", input_dir);
    if (w < 0 || (size_t)w >= sizeof dir)
        return cs_diag_set(d, CS_ERR_LIMIT, input_dir, 0, 0, "path too long");
    DIR *dh = opendir(dir);
    if (!dh)
        return errno == ENOENT ? CS_OK
                               : cs_diag_set(d, CS_ERR_IO, dir, 0, 0, "cannot list: %s",
                                             strerror(errno));
    struct dirent *de;
    while ((de = readdir(dh)) != NULL) {
        if (fnmatch(base, de->d_name, FNM_CASEFOLD | FNM_PERIOD) != 0)
            continue;
        char path[CS_MAX_PATH];
        w = snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        struct stat sb;
        if (w < 0 || (size_t)w >= sizeof path || stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
            continue;
        if (out->n == out->cap) {
            out->cap = out->cap ? out->cap * 2 : 8;
            out->paths = cs_xrealloc(out->paths, out->cap * sizeof *out->paths);
        }
        out->paths[out->n++] = cs_xstrdup(path);
    }
    closedir(dh);
    if (out->n)
        qsort(out->paths, out->n, sizeof *out->paths, by_name);
    out->sizes = cs_xcalloc(out->n ? out->n : 1, sizeof *out->sizes);
    for (size_t i = 0; i < out->n; i++) {
        struct stat sb;
        if (stat(out->paths[i], &sb) == 0)
            out->sizes[i] = (uint64_t)sb.st_size;
    }
    return CS_OK;
}

static void matches_free(matches *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->paths[i]);
    free(m->paths);
    free(m->sizes);
    memset(m, 0, sizeof *m);
}

/* ---- one file ---- */

/* Column numbers of every field map in this file; with report, a missing
 * column is an X120 finding (once per file and column). */
static void resolve_columns(cs_extractor *x, cs_xmap *xm, const cs_table_reader *t, int report)
{
    for (size_t i = 0; i < xm->nfields; i++) {
        cs_xfield *f = &xm->fields[i];
        const cs_field_map *fm = f->fm;
        const char *names[3] = {NULL, NULL, NULL};
        int *slots[3] = {NULL, NULL, NULL};
        switch (fm->kind) {
        case CS_MAP_COLUMN:
            names[0] = fm->column;
            slots[0] = &f->col;
            break;
        case CS_MAP_SPLIT_DATE:
            names[0] = fm->day, names[1] = fm->month, names[2] = fm->year;
            slots[0] = &f->day, slots[1] = &f->month, slots[2] = &f->year;
            break;
        case CS_MAP_CONCAT:
            f->cols = cs_arena_alloc(&x->file, fm->ncolumns * sizeof *f->cols);
            for (size_t k = 0; k < fm->ncolumns; k++) {
                f->cols[k] = cs_table_find_column(t, fm->columns[k]);
                if (f->cols[k] < 0 && report)
                    cs_x_missing_column(x, xm, fm->columns[k], fm->field);
            }
            break;
        case CS_MAP_CONST: break;
        }
        for (size_t k = 0; k < 3 && names[k]; k++) {
            *slots[k] = cs_table_find_column(t, names[k]);
            if (*slots[k] < 0 && report)
                cs_x_missing_column(x, xm, names[k], fm->field);
        }
    }
}

static void resolve_filters(cs_extractor *x, cs_xmap *xm, const cs_table_reader *t, int report)
{
    const cs_entity_map *map = xm->map;
    xm->filter_cols = cs_arena_alloc(&x->file, (map->nfilters ? map->nfilters : 1) * sizeof(int));
    for (size_t i = 0; i < map->nfilters; i++) {
        xm->filter_cols[i] = cs_table_find_column(t, map->filters[i].column);
        if (xm->filter_cols[i] < 0 && report)
            cs_x_missing_column(x, xm, map->filters[i].column, NULL);
    }
}

static const char *field_text(const cs_record *rec, int col, size_t *n)
{
    cs_value_ctx quiet = {0};
    if (col < 0 || (uint32_t)col >= rec->nfields) {
        *n = 0;
        return "";
    }
    return cs_value_trim(&quiet, rec->fields[col].ptr, rec->fields[col].len, n);
}

static int matches_any(const char *s, size_t n, const cs_row_filter *f)
{
    for (size_t i = 0; i < f->nvalues; i++)
        if (cs_x_equal_ci(s, n, f->values[i]))
            return 1;
    return 0;
}

/* Keep the row? include filters select what the map is about (rows they
 * leave out are simply not this entity); exclude filters drop test and
 * admin records, each recorded as X121. A filter on a column the file lacks
 * sees an empty value. */
static int passes_filters(cs_extractor *x, const cs_xmap *xm, const cs_record *rec)
{
    const cs_entity_map *map = xm->map;
    for (size_t i = 0; i < map->nfilters; i++) {
        if (map->filters[i].exclude)
            continue;
        size_t n;
        const char *s = field_text(rec, xm->filter_cols[i], &n);
        if (!matches_any(s, n, &map->filters[i]))
            return 0;
    }
    for (size_t i = 0; i < map->nfilters; i++) {
        if (!map->filters[i].exclude)
            continue;
        size_t n;
        const char *s = field_text(rec, xm->filter_cols[i], &n);
        if (!matches_any(s, n, &map->filters[i]))
            continue;
        char sid[201] = "";
        if (!map->pivot && xm->id >= 0 && xm->fields[xm->id].fm->kind == CS_MAP_COLUMN) {
            size_t in;
            const char *id = field_text(rec, xm->fields[xm->id].col, &in);
            snprintf(sid, sizeof sid, "%.*s", (int)(in > 200 ? 200 : in), id);
        }
        int col = xm->filter_cols[i];
        const cs_field *f = col >= 0 && (uint32_t)col < rec->nfields ? &rec->fields[col] : NULL;
        char detail[300];
        snprintf(detail, sizeof detail, "%s is one of the values the profile excludes",
                 map->filters[i].column);
        cs_findings_addv(x->fx, CS_FK_EXCLUDED, x->path, f && f->line ? f->line : rec->line,
                         f ? f->col : 0,
                         map->entity->name, map->filters[i].column, sid[0] ? sid : NULL, s, n,
                         NULL, detail);
        return 0;
    }
    return 1;
}

static cs_status read_file(cs_extractor *x, cs_xmap *xm, const char *path, uint64_t size,
                           cs_extract_file_stat *fs, progress *pg, cs_diag *d)
{
    const cs_entity_map *map = xm->map;
    cs_arena_reset(&x->file);
    x->path = path;
    x->file_index = cs_model_add_file(x->m, path);
    x->records = 0;
    /* Several maps may read one file (a form answers table feeds many
     * entities): facts about the file itself are recorded once. */
    if (x->file_index >= x->seen_cap) {
        size_t cap = x->seen_cap ? x->seen_cap : 64;
        while (cap <= x->file_index)
            cap *= 2;
        x->seen = cs_xrealloc(x->seen, cap);
        memset(x->seen + x->seen_cap, 0, cap - x->seen_cap);
        x->seen_cap = cap;
    }
    int first = !x->seen[x->file_index];
    x->seen[x->file_index] = 1;
    fs->path = cs_xstrdup(path);
    fs->bytes = size;
    fs->entity = map->entity->name;
    fs->encoding = cs_xstrdup(map->table.format == CS_TABLE_XML
                                  ? "xml"
                                  : cs_encoding_name(map->table.encoding));
    if (pg->fn)
        pg->fn(pg->ctx, path, pg->done, pg->total);
    if (size == 0) {
        if (first)
            cs_findings_addv(x->fx, CS_FK_EMPTY_FILE, path, 0, 0, map->entity->name, NULL,
                             NULL, NULL, 0, NULL, "the file is empty");
        return CS_OK;
    }
    cs_table_reader *t = NULL;
    cs_status st = cs_table_open(&t, path, &map->table, first ? x->fx : NULL, d);
    if (st != CS_OK)
        return st;
    free((void *)fs->encoding);
    fs->encoding = cs_xstrdup(cs_table_encoding(t));
    /* XML records need not all carry the same elements: a column first seen
     * in a later record is added then, so XML columns are looked up again
     * when the table grows and reported missing only at the end. */
    int lazy = map->table.format == CS_TABLE_XML && !map->pivot;
    size_t known = cs_table_ncolumns(t);
    resolve_filters(x, xm, t, !lazy);
    cs_pivot_state *ps = NULL;
    if (map->pivot) {
        ps = cs_pivot_begin(x, xm, t);
        if (!ps) {
            cs_table_close(t);
            return CS_OK;   /* key/name/value missing: recorded as X120 */
        }
    } else {
        resolve_columns(x, xm, t, !lazy);
    }
    uint64_t rows = 0;
    cs_record rec;
    while ((st = cs_table_next(t, &rec, d)) == CS_OK) {
        if (rec.blank) {
            if (first)
                cs_findings_addv(x->fx, CS_FK_BLANK_ROW, path, rec.line, 0, map->entity->name,
                                 NULL, NULL, NULL, 0, NULL, NULL);
            continue;
        }
        rows++;
        if (lazy && cs_table_ncolumns(t) != known) {
            known = cs_table_ncolumns(t);
            resolve_filters(x, xm, t, 0);
            resolve_columns(x, xm, t, 0);
        }
        if (first && cs_table_ragged(t)) {
            char detail[96];
            snprintf(detail, sizeof detail, "%u fields where the header has %zu",
                     cs_table_raw_nfields(t), cs_table_ncolumns(t));
            cs_findings_addv(x->fx, CS_FK_RAGGED_ROW, path, rec.line, 0, map->entity->name,
                             NULL, NULL, NULL, 0, NULL, detail);
        }
        if (map->nfilters && !passes_filters(x, xm, &rec))
            continue;
        if (ps)
            cs_pivot_row(x, ps, &rec);
        else
            cs_x_emit(x, xm, rec.fields, rec.nfields, rec.line);
        if (pg->fn && rows % PROGRESS_EVERY == 0)
            pg->fn(pg->ctx, path, pg->done + cs_table_bytes_read(t), pg->total);
    }
    /* On a read error the file's pivoted records are dropped with it. */
    cs_pivot_end(x, ps, st == CS_EOF);
    if (st != CS_EOF) {
        cs_table_close(t);
        return st;
    }
    if (lazy) {
        resolve_filters(x, xm, t, 1);
        resolve_columns(x, xm, t, 1);
    }
    if (rows == 0 && first)
        cs_findings_addv(x->fx, CS_FK_EMPTY_FILE, path, 0, 0, map->entity->name, NULL, NULL,
                         NULL, 0, NULL, "no data rows after the header");
    fs->records = x->records;
    cs_table_close(t);
    return CS_OK;
}

/* ---- the run ---- */

static cs_extract_file_stat *new_stat(cs_extract_stats *s)
{
    s->files = cs_xrealloc(s->files, (s->nfiles + 1) * sizeof *s->files);
    cs_extract_file_stat *fs = &s->files[s->nfiles++];
    memset(fs, 0, sizeof *fs);
    return fs;
}

cs_status cs_extract(const cs_profile *p, const char *input_dir, cs_model *m,
                     cs_findings *findings, cs_extract_stats *stats, cs_progress_fn progress_fn,
                     void *progress_ctx, cs_diag *d)
{
    double t0 = now();
    memset(stats, 0, sizeof *stats);
    struct stat sb;
    if (stat(input_dir, &sb) != 0)
        return cs_diag_set(d, CS_ERR_IO, input_dir, 0, 0, "cannot read the input directory: %s",
                           strerror(errno));
    if (!S_ISDIR(sb.st_mode))
        return cs_diag_set(d, CS_ERR_IO, input_dir, 0, 0, "the input is not a directory");
    m->source_system = cs_arena_strdup(&m->arena, p->system ? p->system : "");

    /* Find every map's files before reading any, so a missing extract
     * stops the run at once rather than after an hour of reading. */
    matches *found = cs_xcalloc(p->nentities ? p->nentities : 1, sizeof *found);
    progress pg = {progress_fn, progress_ctx, 0, 0};
    cs_status st = CS_OK;
    int maps_person = 0;
    for (size_t i = 0; i < p->nentities && st == CS_OK; i++) {
        const cs_entity_map *map = &p->entities[i];
        maps_person |= map->entity->id == CS_E_person;
        st = expand(input_dir, map->file, &found[i], d);
        if (st == CS_OK && found[i].n == 0 && !map->optional)
            st = cs_diag_set(d, CS_ERR_IO, "", 0, 0, "no file matching '%s' in %s for entity %s",
                             map->file, input_dir, map->key ? map->key : map->entity->name);
        for (size_t k = 0; k < found[i].n; k++)
            pg.total += found[i].sizes[k];
    }

    cs_extractor x = {.p = p, .m = m, .fx = findings};
    cs_arena_init(&x.run, 0);
    cs_arena_init(&x.file, 0);
    x.bufcap = x.partcap = CS_MAX_ROW_BYTES + 1;
    x.buf = cs_xmalloc(x.bufcap);
    x.part = cs_xmalloc(x.partcap);
    for (size_t i = 0; i < p->nentities && st == CS_OK; i++) {
        const cs_entity_map *map = &p->entities[i];
        cs_xmap xm = {0};
        cs_x_prepare(&x, &xm, map);
        if (found[i].n == 0) {
            char where[CS_MAX_PATH + 300];
            snprintf(where, sizeof where, "%s/%s", input_dir, map->file);
            cs_findings_addv(findings, CS_FK_EMPTY_FILE, where, 0, 0, map->entity->name, NULL,
                             NULL, NULL, 0, NULL, "no file matches this optional entry");
        }
        for (size_t k = 0; k < found[i].n && st == CS_OK; k++) {
            cs_extract_file_stat *fs = new_stat(stats);
            st = read_file(&x, &xm, found[i].paths[k], found[i].sizes[k], fs, &pg, d);
            stats->bytes_total += fs->bytes;
            stats->records_total += fs->records;
            pg.done += found[i].sizes[k];
        }
    }
    if (st == CS_OK) {
        cs_x_check_ids(m, findings, maps_person);
        if (pg.fn)
            pg.fn(pg.ctx, "", pg.total, pg.total);
    }
    for (size_t i = 0; i < p->nentities; i++)
        matches_free(&found[i]);
    free(found);
    free(x.buf);
    free(x.part);
    free(x.seen);
    cs_arena_free(&x.run);
    cs_arena_free(&x.file);
    stats->seconds = now() - t0;
    return st;
}

void cs_extract_stats_free(cs_extract_stats *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nfiles; i++) {
        free((void *)s->files[i].path);
        free((void *)s->files[i].encoding);
    }
    free(s->files);
    memset(s, 0, sizeof *s);
}
