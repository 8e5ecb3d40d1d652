/* Whole-model checks after every map is read: identifiers repeated within
 * an entity (X118) and records whose person_id names no extracted person
 * (X119). Both are linear in the model's size.
 *
 * At a million children that is 16 M ids to check for repeats and 15 M
 * person lookups, against tables far bigger than the cache and the TLB, so
 * one hash table per entity makes every probe a cache and TLB miss (and a
 * page fault on first touch). Instead:
 * - repeats: an entity's (hash, row) pairs are split by the hash's top bits
 *   into partitions of a few thousand, and each partition is checked with a
 *   small table that stays in cache; repeats are reported in row order;
 * - person references: rows are walked in order against a compact index of
 *   the person ids (their text copied end to end, slots pointing into it),
 *   with the index slot and the text it names prefetched some rows ahead;
 * - one walk over an entity's rows feeds both.
 * Findings are the same, in the same order, as a plain hash set gives. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "etl/extract_int.h"

/* Eight bytes per step (multiply and fold) rather than FNV's one: ids are
 * hashed 45 M times in a million-child run. */
static uint32_t hash_id(const char *s)
{
    size_t n = strlen(s);
    uint64_t h = 0x9E3779B97F4A7C15ull ^ n;
    for (; n >= 8; s += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * 0xFF51AFD7ED558CCDull;
        h ^= h >> 32;
    }
    if (n) {
        uint64_t w = 0;
        memcpy(&w, s, n);
        h = (h ^ w) * 0xFF51AFD7ED558CCDull;
        h ^= h >> 32;
    }
    h *= 0xC4CEB9FE1A85EC53ull;
    return (uint32_t)(h >> 32);
}

static const char *row_text(const cs_model *m, cs_entity_id e, size_t i, const cs_field_desc *f)
{
    return *(const char *const *)cs_field_ptr(cs_model_row(m, e, i), f);
}

/* A row and its id's hash. */
typedef struct {
    uint32_t hash;
    uint32_t row;
} ref;

/* ---- X119: person_id naming no person ---- */

/* The person ids, their text copied end to end; open addressing on slots
 * that point into it. A slot's home is the top bits of the hash, so the
 * index is built in hash order (counted into 256 buckets first): each
 * bucket's inserts stay in one small stretch of the table instead of
 * touching a fresh page per insert. */
typedef struct {
    const char *text;     /* NULL = empty */
    uint32_t hash;
} pslot;

typedef struct {
    char *blob;
    pslot *slots;
    size_t mask;
    unsigned shift;       /* home slot = hash >> shift */
} person_index;

static size_t index_home(const person_index *x, uint32_t h)
{
    return h >> x->shift;
}

static void person_index_build(person_index *x, const cs_model *m)
{
    const cs_table *t = &m->tables[CS_E_person];
    const cs_field_desc *f = &t->desc->fields[0];
    size_t cap = 16;
    unsigned logcap = 4;
    while (cap < t->count * 2)
        cap *= 2, logcap++;
    x->slots = cs_xcalloc(cap, sizeof *x->slots);
    x->mask = cap - 1;
    x->shift = 32 - logcap;
    /* hash every id, counting per bucket (the hash's top 8 bits) */
    uint32_t *hashes = cs_xmalloc((t->count ? t->count : 1) * sizeof *hashes);
    size_t start[257] = {0}, bytes = 1;
    for (size_t i = 0; i < t->count; i++) {
        const char *id = row_text(m, CS_E_person, i, f);
        if (!id)
            continue;
        hashes[i] = hash_id(id);
        start[(hashes[i] >> 24) + 1]++;
        bytes += strlen(id) + 1;
    }
    for (size_t b = 0; b < 256; b++)
        start[b + 1] += start[b];
    ref *order = cs_xmalloc((start[256] ? start[256] : 1) * sizeof *order);
    for (size_t i = 0; i < t->count; i++)
        if (row_text(m, CS_E_person, i, f))
            order[start[hashes[i] >> 24]++] = (ref){hashes[i], (uint32_t)i};
    free(hashes);
    size_t n = start[256];   /* ids in all (the scatter left start[256] alone) */
    x->blob = cs_xmalloc(bytes);
    char *w = x->blob;
    for (size_t k = 0; k < n; k++) {
        const char *id = row_text(m, CS_E_person, order[k].row, f);
        uint32_t h = order[k].hash;
        size_t j = index_home(x, h);
        while (x->slots[j].text && !(x->slots[j].hash == h && strcmp(x->slots[j].text, id) == 0))
            j = (j + 1) & x->mask;
        if (x->slots[j].text)
            continue;   /* a repeated person id: once is enough here */
        size_t len = strlen(id) + 1;
        memcpy(w, id, len);
        x->slots[j] = (pslot){w, h};
        w += len;
    }
    free(order);
}

static void person_index_free(person_index *x)
{
    free(x->blob);
    free(x->slots);
    memset(x, 0, sizeof *x);
}

static int person_index_has(const person_index *x, const char *id, uint32_t h)
{
    for (size_t j = index_home(x, h); x->slots[j].text; j = (j + 1) & x->mask)
        if (x->slots[j].hash == h && strcmp(x->slots[j].text, id) == 0)
            return 1;
    return 0;
}

/* An entity's person references, looked up as its rows are walked in
 * order: a row's person_id is hashed and its slot prefetched AHEAD rows
 * before the lookup; half-way there, the text an occupied slot names is
 * prefetched. Rows come grouped by child, so a row naming the same person
 * as the row before takes that row's answer without a lookup. */
enum { AHEAD = 32, RING = 2 * AHEAD };

typedef struct {
    const char *id;       /* NULL: this row names no person */
    uint32_t hash;
    int same;             /* same text as the row before */
} pending;

typedef struct {
    const person_index *x;
    const cs_field_desc *pf;   /* person_id; NULL: the entity has none */
    pending ring[RING];
    int prev_found;            /* the answer for the row before */
    uint32_t *orphans;         /* rows naming no person, in order */
    size_t norphans, cap;
} ref_walk;

static void ref_begin(ref_walk *w, const cs_model *m, cs_entity_id e, const person_index *x)
{
    memset(w, 0, sizeof *w);
    const cs_field_desc *pf = cs_entity_field(m->tables[e].desc, "person_id");
    if (x && e != CS_E_person && pf && pf->type == CS_FT_ID) {
        w->x = x;
        w->pf = pf;
    }
}

/* Row i enters the pipeline (i < rows), and row i - AHEAD leaves it. */
static void ref_step(ref_walk *w, const cs_model *m, cs_entity_id e, size_t i, size_t rows)
{
    if (i < rows) {
        pending *p = &w->ring[i % RING];
        const pending *before = i ? &w->ring[(i - 1) % RING] : NULL;
        p->id = row_text(m, e, i, w->pf);
        p->same = p->id && before && before->id &&
                  (p->id == before->id || strcmp(p->id, before->id) == 0);
        if (p->id && !p->same) {
            p->hash = hash_id(p->id);
            __builtin_prefetch(&w->x->slots[index_home(w->x, p->hash)]);
        }
    }
    if (i >= AHEAD / 2 && i - AHEAD / 2 < rows) {
        const pending *p = &w->ring[(i - AHEAD / 2) % RING];
        const pslot *sl = p->id && !p->same ? &w->x->slots[index_home(w->x, p->hash)] : NULL;
        if (sl && sl->text && sl->hash == p->hash)
            __builtin_prefetch(sl->text);
    }
    if (i < AHEAD || i - AHEAD >= rows)
        return;
    size_t r = i - AHEAD;
    const pending *p = &w->ring[r % RING];
    if (!p->id)
        return;
    if (!p->same)
        w->prev_found = person_index_has(w->x, p->id, p->hash);
    if (w->prev_found)
        return;
    if (w->norphans == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 64;
        w->orphans = cs_xrealloc(w->orphans, w->cap * sizeof *w->orphans);
    }
    w->orphans[w->norphans++] = (uint32_t)r;
}

static void report_orphans(cs_model *m, cs_findings *fx, cs_entity_id e, const ref_walk *w)
{
    const cs_entity_desc *desc = m->tables[e].desc;
    for (size_t k = 0; k < w->norphans; k++) {
        void *r = cs_model_row(m, e, w->orphans[k]);
        const cs_prov *p = cs_x_prov(desc, r);
        const char *pid = *(const char *const *)cs_field_ptr(r, w->pf);
        cs_findings_addv(fx, CS_FK_ORPHAN, m->files[p->file], p->line, 0, desc->name,
                         "person_id", *(const char *const *)cs_field_ptr(r, &desc->fields[0]),
                         pid, strlen(pid), NULL, "no person with this id was extracted");
    }
}

/* ---- X118: repeated ids ---- */

typedef struct {
    uint32_t row, first;   /* a repeat and the row that had the id first */
} repeat;

typedef struct {
    repeat *items;
    size_t n, cap;
} repeats;

#define PART_ROWS 4096u   /* aim per partition: its table fits in L1/L2 */
#define MAX_PART_BITS 8   /* at most 256 partitions: the scatter stays cache-friendly */

static unsigned part_bits(size_t rows)
{
    unsigned bits = 0;
    while (bits < MAX_PART_BITS && (rows >> bits) > PART_ROWS)
        bits++;
    return bits;
}

static size_t part_of(uint32_t h, unsigned bits)
{
    return bits ? h >> (32 - bits) : 0;
}

static void add_repeat(repeats *r, uint32_t row, uint32_t first)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 64;
        r->items = cs_xrealloc(r->items, r->cap * sizeof *r->items);
    }
    r->items[r->n++] = (repeat){row, first};
}

static int by_row(const void *a, const void *b)
{
    uint32_t x = ((const repeat *)a)->row, y = ((const repeat *)b)->row;
    return x < y ? -1 : x > y;
}

/* One partition's refs, in row order: the first row holding an id goes into
 * the table; a later row with the same text is a repeat of it. table has
 * tcap (a power of two, >= 2 * n) entries, zeroed by the caller. */
static void check_part(const cs_model *m, cs_entity_id e, const cs_field_desc *f, const ref *refs,
                       size_t n, uint32_t *table, size_t tcap, repeats *out)
{
    size_t mask = tcap - 1;
    for (size_t i = 0; i < n; i++) {
        size_t j = refs[i].hash & mask;   /* low bits: the top ones chose the partition */
        const char *id = NULL;
        for (; table[j]; j = (j + 1) & mask) {
            const ref *held = &refs[table[j] - 1];
            if (held->hash != refs[i].hash)
                continue;
            if (!id)
                id = row_text(m, e, refs[i].row, f);
            if (strcmp(row_text(m, e, held->row, f), id) == 0)
                break;
        }
        if (table[j])
            add_repeat(out, refs[i].row, refs[table[j] - 1].row);
        else
            table[j] = (uint32_t)i + 1;
    }
}

/* X118 for one entity, and its person references walked alongside. */
static void check_entity(cs_model *m, cs_findings *fx, cs_entity_id e, ref_walk *w)
{
    const cs_table *t = &m->tables[e];
    const cs_field_desc *f = &t->desc->fields[0];
    unsigned bits = part_bits(t->count);
    size_t nparts = (size_t)1 << bits;
    size_t *start = cs_xcalloc(nparts + 1, sizeof *start);
    /* Hash every id once, in row order, counting per partition; then
     * scatter (stable: each partition keeps row order). */
    ref *all = cs_xmalloc((t->count ? t->count : 1) * sizeof *all);
    size_t total = 0;
    for (size_t i = 0; i < t->count + (w->pf ? AHEAD : 0); i++) {
        if (w->pf)
            ref_step(w, m, e, i, t->count);
        const char *id = i < t->count ? row_text(m, e, i, f) : NULL;
        if (!id)
            continue;
        uint32_t h = hash_id(id);
        all[total++] = (ref){h, (uint32_t)i};
        start[part_of(h, bits) + 1]++;
    }
    size_t biggest = 0;
    for (size_t p = 0; p < nparts; p++) {
        if (start[p + 1] > biggest)
            biggest = start[p + 1];
        start[p + 1] += start[p];
    }
    ref *refs = all;
    if (nparts > 1) {
        refs = cs_xmalloc((total ? total : 1) * sizeof *refs);
        size_t *fill = cs_xmalloc(nparts * sizeof *fill);
        memcpy(fill, start, nparts * sizeof *fill);
        for (size_t k = 0; k < total; k++)
            refs[fill[part_of(all[k].hash, bits)]++] = all[k];
        free(fill);
        free(all);
    }

    size_t tcap = 16;
    while (tcap < biggest * 2)
        tcap *= 2;
    uint32_t *table = cs_xmalloc(tcap * sizeof *table);
    repeats reps = {0};
    for (size_t p = 0; p < nparts; p++) {
        size_t n = start[p + 1] - start[p];
        size_t pcap = 16;
        while (pcap < n * 2)
            pcap *= 2;
        memset(table, 0, pcap * sizeof *table);
        check_part(m, e, f, refs + start[p], n, table, pcap, &reps);
    }
    free(table);
    free(refs);
    free(start);

    if (reps.n > 1)
        qsort(reps.items, reps.n, sizeof *reps.items, by_row);
    for (size_t k = 0; k < reps.n; k++) {
        const cs_prov *p = cs_x_prov(t->desc, cs_model_row(m, e, reps.items[k].row));
        const cs_prov *fp = cs_x_prov(t->desc, cs_model_row(m, e, reps.items[k].first));
        const char *id = row_text(m, e, reps.items[k].row, f);
        char detail[600];
        snprintf(detail, sizeof detail, "also at %s:%u", m->files[fp->file], fp->line);
        cs_findings_addv(fx, CS_FK_DUPLICATE_ID, m->files[p->file], p->line, 0, t->desc->name,
                         "id", id, id, strlen(id), NULL, detail);
    }
    free(reps.items);
}

/* ---- the checks ---- */

void cs_x_check_ids(cs_model *m, cs_findings *fx, int orphans)
{
    /* One walk over each entity's rows serves both checks; X119 findings
     * are held back so that, as ever, they follow every X118. */
    person_index x = {0};
    if (orphans)
        person_index_build(&x, m);
    ref_walk *walks = cs_xcalloc(CS_ENTITY_COUNT, sizeof *walks);
    for (size_t e = 0; e < CS_ENTITY_COUNT; e++) {
        ref_begin(&walks[e], m, (cs_entity_id)e, orphans ? &x : NULL);
        if (m->tables[e].count)
            check_entity(m, fx, (cs_entity_id)e, &walks[e]);
    }
    for (size_t e = 0; e < CS_ENTITY_COUNT; e++) {
        report_orphans(m, fx, (cs_entity_id)e, &walks[e]);
        free(walks[e].orphans);
    }
    free(walks);
    if (orphans)
        person_index_free(&x);
}
