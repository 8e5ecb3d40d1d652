#include "warehouse/resolve.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/intern.h"

void cs_wh_keys_init(cs_wh_keys *k, long long la_key, long long run_id, const cs_calendar *cal)
{
    memset(k, 0, sizeof *k);
    k->la_key = la_key;
    k->run_id = run_id;
    k->cal = cal;
    cs_keymap_init(&k->child);
    cs_keymap_init(&k->team);
    cs_keymap_init(&k->worker);
    cs_keymap_init(&k->rule);
    cs_keymap_init(&k->factor_idx);
    cs_arena_init(&k->arena, 1u << 20);
}

void cs_wh_keys_free(cs_wh_keys *k)
{
    cs_keymap_free(&k->child);
    cs_keymap_free(&k->team);
    cs_keymap_free(&k->worker);
    cs_keymap_free(&k->rule);
    cs_keymap_free(&k->factor_idx);
    cs_arena_free(&k->arena);
    free(k->factor_lits);
    memset(k, 0, sizeof *k);
}

typedef struct {
    const char *assessment;
    const char *code;
} factor_pair;

static int by_assessment_code(const void *a, const void *b)
{
    const factor_pair *x = a, *y = b;
    int c = strcmp(x->assessment, y->assessment);
    return c ? c : strcmp(x->code, y->code);
}

/* An array element, double-quoted when PostgreSQL's array syntax needs it. */
static size_t array_element(const char *s, char *out)
{
    int quote = !*s || strcasecmp(s, "NULL") == 0;
    for (const char *p = s; *p && !quote; p++)
        quote = strchr("{},\"\\ \t\n\r\v\f", *p) != NULL;
    size_t k = 0;
    if (quote)
        out[k++] = '"';
    for (const char *p = s; *p; p++) {
        if (quote && (*p == '"' || *p == '\\'))
            out[k++] = '\\';
        out[k++] = *p;
    }
    if (quote)
        out[k++] = '"';
    return k;
}

void cs_wh_keys_factors(cs_wh_keys *k, const cs_model *m)
{
    const cs_table *t = &m->tables[CS_E_assessment_factor];
    const cs_assessment_factor *rows = (const cs_assessment_factor *)t->rows;
    factor_pair *pairs = cs_xmalloc((t->count ? t->count : 1) * sizeof *pairs);
    size_t n = 0;
    for (size_t i = 0; i < t->count; i++)
        if (rows[i].assessment_id && *rows[i].assessment_id && rows[i].code)
            pairs[n++] = (factor_pair){rows[i].assessment_id, rows[i].code};
    qsort(pairs, n, sizeof *pairs, by_assessment_code);
    k->factor_lits = cs_xmalloc((n ? n : 1) * sizeof *k->factor_lits);
    for (size_t i = 0; i < n;) {
        size_t j = i, bytes = 3;
        while (j < n && strcmp(pairs[j].assessment, pairs[i].assessment) == 0)
            bytes += 2 * strlen(pairs[j++].code) + 3;
        char *lit = cs_arena_alloc_raw(&k->arena, bytes);
        size_t w = 0;
        lit[w++] = '{';
        for (size_t x = i; x < j; x++) {
            if (x > i && strcmp(pairs[x].code, pairs[x - 1].code) == 0)
                continue;   /* distinct */
            if (w > 1)
                lit[w++] = ',';
            w += array_element(pairs[x].code, lit + w);
        }
        lit[w++] = '}';
        lit[w] = '\0';
        cs_keymap_put(&k->factor_idx, pairs[i].assessment, strlen(pairs[i].assessment),
                      (long long)k->nfactors);
        k->factor_lits[k->nfactors++] = lit;
        i = j;
    }
    free(pairs);
}

const char *cs_wh_keys_factor_literal(const cs_wh_keys *k, const char *assessment_id)
{
    if (!assessment_id || !*assessment_id || !k->factor_idx.count)
        return NULL;
    /* index 0 is a valid index, so look up by hand rather than by key != 0 */
    const cs_keymap *m = &k->factor_idx;
    uint32_t h = cs_hash_bytes(assessment_id, strlen(assessment_id));
    size_t j = h & (m->cap - 1);
    while (m->ids[j]) {
        if (m->hashes[j] == h && strcmp(m->ids[j], assessment_id) == 0)
            return k->factor_lits[m->keys[j]];
        j = (j + 1) & (m->cap - 1);
    }
    return NULL;
}

size_t cs_postcode_district(const char *pc, char *out, size_t n)
{
    if (!pc || n == 0)
        return 0;
    while (*pc == ' ')
        pc++;
    size_t len = strlen(pc);
    while (len && pc[len - 1] == ' ')
        len--;
    if (!len)
        return 0;
    const char *sp = memchr(pc, ' ', len);
    size_t take;
    if (sp) {
        take = (size_t)(sp - pc);
    } else {
        /* all but the last three characters (not bytes) when longer than 3 */
        size_t chars = 0;
        for (size_t i = 0; i < len; i++)
            chars += ((unsigned char)pc[i] & 0xC0) != 0x80;
        take = len;
        if (chars > 3) {
            size_t drop = 0;
            while (drop < 3 && take > 0) {
                take--;
                if (((unsigned char)pc[take] & 0xC0) != 0x80)
                    drop++;
            }
        }
    }
    if (take >= n)
        take = n - 1;
    for (size_t i = 0; i < take; i++) {
        char ch = pc[i];
        out[i] = (ch >= 'a' && ch <= 'z') ? (char)(ch - 32) : ch;
    }
    out[take] = '\0';
    return take;
}
