/* The derived placement fields of 903 episodes (spec section 5): PL_LA and
 * PL_LOCATION from the placement postcode, PL_DISTANCE between the home and
 * placement postcodes, through a postcode reference table (an ONS Postcode
 * Directory extract). The table is held as fixed-size entries keyed by the
 * postcode without spaces, so the full directory (about 2.7 million
 * postcodes) fits in well under 100 MB. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "read/table.h"
#include "returns/ssda903/internal.h"
#include "util/intern.h"

#define KEY_MAX 8   /* a postcode without its space is at most 7 characters */

typedef struct {
    char key[KEY_MAX];
    int32_t east, north;
    const char *la;          /* interned, or NULL */
    uint8_t has_grid;
} entry;

struct cs_903_postcodes {
    entry *entries;
    size_t count, cap;
    uint32_t *slots;         /* entry index + 1; 0 = empty */
    size_t nslots;           /* power of two */
    cs_intern las;
};

/* Upper case, spaces removed; 0 when blank or too long to be a postcode. */
static size_t make_key(const char *s, size_t n, char key[KEY_MAX])
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            continue;
        if (k + 1 >= KEY_MAX)
            return 0;
        key[k++] = c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
    }
    memset(key + k, 0, KEY_MAX - k);
    return k;
}

static size_t slot_of(const char key[KEY_MAX], size_t nslots)
{
    return cs_hash_bytes(key, KEY_MAX) & (nslots - 1);
}

static void rehash(cs_903_postcodes *p, size_t nslots)
{
    free(p->slots);
    p->slots = cs_xcalloc(nslots, sizeof *p->slots);
    p->nslots = nslots;
    for (size_t i = 0; i < p->count; i++) {
        size_t j = slot_of(p->entries[i].key, nslots);
        while (p->slots[j])
            j = (j + 1) & (nslots - 1);
        p->slots[j] = (uint32_t)(i + 1);
    }
}

static const entry *lookup(const cs_903_postcodes *p, const char key[KEY_MAX])
{
    if (!p || !p->nslots)
        return NULL;
    size_t j = slot_of(key, p->nslots);
    while (p->slots[j]) {
        const entry *e = &p->entries[p->slots[j] - 1];
        if (memcmp(e->key, key, KEY_MAX) == 0)
            return e;
        j = (j + 1) & (p->nslots - 1);
    }
    return NULL;
}

/* Adds an entry unless the postcode is already there (the first row wins). */
static void add(cs_903_postcodes *p, const entry *e)
{
    if ((p->count + 1) * 10 > p->nslots * 7)
        rehash(p, p->nslots ? p->nslots * 2 : 1024);
    size_t j = slot_of(e->key, p->nslots);
    while (p->slots[j]) {
        if (memcmp(p->entries[p->slots[j] - 1].key, e->key, KEY_MAX) == 0)
            return;
        j = (j + 1) & (p->nslots - 1);
    }
    if (p->count == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 1024;
        p->entries = cs_xrealloc(p->entries, p->cap * sizeof *p->entries);
    }
    p->entries[p->count] = *e;
    p->slots[j] = (uint32_t)++p->count;
}

/* The first column named any of names, -1 when none. */
static int column(const cs_table_reader *t, const char *const *names)
{
    for (; *names; names++) {
        int c = cs_table_find_column(t, *names);
        if (c >= 0)
            return c;
    }
    return -1;
}

/* An integer grid reference; 0 when blank or not a number. */
static int grid_value(const cs_field *f, int32_t *out)
{
    char buf[24];
    if (f->len == 0 || f->len >= sizeof buf)
        return 0;
    memcpy(buf, f->ptr, f->len);
    buf[f->len] = '\0';
    char *end;
    long v = strtol(buf, &end, 10);
    if (end == buf || *end || v < 0 || v > 10000000)
        return 0;
    *out = (int32_t)v;
    return 1;
}

cs_status cs_903_postcodes_load(cs_903_postcodes **out, const char *path, cs_diag *d)
{
    static const char *const pcd_names[] = {"pcd", "pcds", "postcode", NULL};
    static const char *const east_names[] = {"oseast1m", "east", NULL};
    static const char *const north_names[] = {"osnrth1m", "north", NULL};
    static const char *const la_names[] = {"pl_la", "utla", "la", NULL};
    *out = NULL;
    cs_table_spec spec = {.format = CS_TABLE_CSV, .delimiter = '\t', .encoding = CS_ENC_AUTO,
                          .invalid = CS_INVALID_ERROR, .has_header = 1};
    cs_table_reader *t = NULL;
    cs_status st = cs_table_open(&t, path, &spec, NULL, d);
    if (st != CS_OK)
        return st;
    int cp = column(t, pcd_names), ce = column(t, east_names), cn = column(t, north_names),
        cl = column(t, la_names);
    if (cp < 0 || ce < 0 || cn < 0 || cl < 0) {
        cs_table_close(t);
        return cs_diag_set(d, CS_ERR_CONFIG, path, 1, 0,
                           "the postcode table needs columns pcd, oseast1m, osnrth1m and pl_la");
    }
    cs_903_postcodes *p = cs_xcalloc(1, sizeof *p);
    cs_intern_init(&p->las);
    cs_record rec;
    while ((st = cs_table_next(t, &rec, d)) == CS_OK) {
        entry e = {0};
        if (rec.blank || !make_key(rec.fields[cp].ptr, rec.fields[cp].len, e.key))
            continue;
        e.has_grid = grid_value(&rec.fields[ce], &e.east) && grid_value(&rec.fields[cn], &e.north);
        const cs_field *la = &rec.fields[cl];
        if (la->len > 0 && la->len < 16) {
            char up[16];
            e.la = cs_intern_n(&p->las, up, s903_upper(up, sizeof up, la->ptr, la->len));
        }
        if (!e.has_grid && !e.la)
            continue;   /* a postcode with nothing known about it is as good as unknown */
        add(p, &e);
    }
    cs_table_close(t);
    if (st != CS_EOF) {
        cs_903_postcodes_free(p);
        return st;
    }
    *out = p;
    return CS_OK;
}

void cs_903_postcodes_free(cs_903_postcodes *p)
{
    if (!p)
        return;
    free(p->entries);
    free(p->slots);
    cs_intern_free(&p->las);
    free(p);
}

size_t cs_903_postcodes_count(const cs_903_postcodes *p)
{
    return p ? p->count : 0;
}

int cs_903_postcode_find(const cs_903_postcodes *p, const char *postcode, cs_903_postcode *out)
{
    char key[KEY_MAX];
    if (!postcode || !make_key(postcode, strlen(postcode), key))
        return 0;
    const entry *e = lookup(p, key);
    if (!e)
        return 0;
    if (out) {
        out->east = e->east;
        out->north = e->north;
        out->has_grid = e->has_grid;
        out->la = e->la;
    }
    return 1;
}

int32_t cs_903_distance_tenths(int32_t e1, int32_t n1, int32_t e2, int32_t n2)
{
    double de = (double)e1 - (double)e2, dn = (double)n1 - (double)n2;
    double miles = sqrt(de * de + dn * dn) / 1000.0 / 1.6093;
    return (int32_t)lround(miles * 10.0);
}

static int find_cell(const cs_903_postcodes *pc, const cs_value *v, cs_903_postcode *out)
{
    return v->kind == CS_V_STR && cs_903_postcode_find(pc, v->s, out);
}

void cs_903_derive(cs_dataset *ds, const cs_903_postcodes *pc, const char *la_code)
{
    const int g = CS_903_G_EPISODES;
    uint32_t n = cs_ds_count(ds, g);
    for (uint32_t row = 0; row < n; row++) {
        cs_903_postcode home, place;
        int have_home = find_cell(pc, cs_ds_cell_c(ds, g, row, CS_903_E_HOME_POST), &home);
        int have_place = find_cell(pc, cs_ds_cell_c(ds, g, row, CS_903_E_PL_POST), &place);
        const char *la = have_place ? place.la : NULL;
        cs_ds_set_str(ds, g, row, CS_903_E_PL_LA, la);
        cs_ds_set_str(ds, g, row, CS_903_E_PL_LOCATION,
                      la && la_code && *la_code ? (strcasecmp(la, la_code) == 0 ? "IN" : "OUT")
                                                : NULL);
        char dist[24] = "";
        if (have_home && have_place && home.has_grid && place.has_grid) {
            int32_t t = cs_903_distance_tenths(home.east, home.north, place.east, place.north);
            snprintf(dist, sizeof dist, "%ld.%ld", (long)(t / 10), (long)(t % 10));
        }
        cs_ds_set_str(ds, g, row, CS_903_E_PL_DISTANCE, dist);
    }
}
