/* The Identities group: one row per distinct (Child Unique ID, Date of
 * Birth, Gender, Ethnicity) across Lists 1-10, naming the lists that show
 * the child that way, so the rule files can ask whether a child looks the
 * same in every list. Strings in a dataset are interned, so a key is four
 * words compared by value. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "returns/annexa/annexa.h"

typedef struct {
    const char *id, *gender, *eth;
    int32_t dob;
    uint8_t dob_kind;
    uint16_t lists;       /* bit n: List n shows it */
    uint32_t first;       /* order of first sight */
} ident;

typedef struct {
    ident *items;
    size_t count, cap;
    uint32_t *slots;      /* item + 1; 0 empty */
    size_t nslots;
} ident_set;

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    return h;
}

static uint64_t key_hash(const ident *k)
{
    uint64_t h = mix(0, (uint64_t)(uintptr_t)k->id);
    h = mix(h, (uint64_t)(uintptr_t)k->gender);
    h = mix(h, (uint64_t)(uintptr_t)k->eth);
    return mix(h, ((uint64_t)(uint32_t)k->dob << 8) | k->dob_kind);
}

static int key_eq(const ident *a, const ident *b)
{
    return a->id == b->id && a->gender == b->gender && a->eth == b->eth && a->dob == b->dob &&
           a->dob_kind == b->dob_kind;
}

static void grow(ident_set *s)
{
    size_t n = s->nslots ? s->nslots * 2 : 1024;
    free(s->slots);
    s->slots = cs_xcalloc(n, sizeof *s->slots);
    s->nslots = n;
    for (size_t i = 0; i < s->count; i++) {
        size_t j = key_hash(&s->items[i]) & (n - 1);
        while (s->slots[j])
            j = (j + 1) & (n - 1);
        s->slots[j] = (uint32_t)(i + 1);
    }
}

static void add(ident_set *s, const ident *k, int list)
{
    if ((s->count + 1) * 10 > s->nslots * 7)
        grow(s);
    size_t j = key_hash(k) & (s->nslots - 1);
    while (s->slots[j]) {
        ident *it = &s->items[s->slots[j] - 1];
        if (key_eq(it, k)) {
            it->lists |= (uint16_t)(1u << list);
            return;
        }
        j = (j + 1) & (s->nslots - 1);
    }
    if (s->count == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 1024;
        s->items = cs_xrealloc(s->items, s->cap * sizeof *s->items);
    }
    ident *it = &s->items[s->count];
    *it = *k;
    it->lists = (uint16_t)(1u << list);
    s->slots[j] = (uint32_t)++s->count;
}

static const char *str_of(const cs_value *v)
{
    return (v->kind == CS_V_STR || v->kind == CS_V_INVALID) ? v->s : NULL;
}

void cs_aa_derive_identities(cs_dataset *ds)
{
    ident_set set = {0};
    for (int list = 1; list <= 10; list++) {
        int g = cs_aa_list_group(list);
        const cs_ds_schema *s = ds->schema;
        int fid = cs_ds_field_find(s, g, "Child Unique ID"), fdob = cs_ds_field_find(s, g, "Date of Birth"),
            fg = cs_ds_field_find(s, g, "Gender"), fe = cs_ds_field_find(s, g, "Ethnicity");
        for (uint32_t r = 0; r < ds->rows[g].count; r++) {
            ident k = {0};
            k.id = str_of(cs_ds_cell_c(ds, g, r, fid));
            if (!k.id)
                continue;
            const cs_value *dob = cs_ds_cell_c(ds, g, r, fdob);
            k.dob_kind = dob->kind;
            k.dob = dob->kind == CS_V_DATE ? dob->i : 0;
            if (dob->kind == CS_V_INVALID)   /* raw text kept: compare by its interned text */
                k.dob = (int32_t)(cs_hash_bytes(dob->s, strlen(dob->s)) & 0x7fffffff);
            k.gender = str_of(cs_ds_cell_c(ds, g, r, fg));
            k.eth = str_of(cs_ds_cell_c(ds, g, r, fe));
            add(&set, &k, list);
        }
    }
    for (size_t i = 0; i < set.count; i++) {
        const ident *it = &set.items[i];
        uint32_t row = cs_ds_add_row(ds, CS_AA_G_IDENT, 0, 0, 0);
        cs_ds_set_str(ds, CS_AA_G_IDENT, row, CS_AA_I_ID, it->id);
        if (it->dob_kind == CS_V_DATE)
            cs_ds_set_date(ds, CS_AA_G_IDENT, row, CS_AA_I_DOB, it->dob);
        if (it->gender)
            cs_ds_set_str(ds, CS_AA_G_IDENT, row, CS_AA_I_GENDER, it->gender);
        if (it->eth)
            cs_ds_set_str(ds, CS_AA_G_IDENT, row, CS_AA_I_ETHNICITY, it->eth);
        char lists[96];
        size_t k = 0;
        for (int l = 1; l <= 10; l++)
            if (it->lists & (1u << l))
                k += (size_t)snprintf(lists + k, sizeof lists - k, "%sList %d", k ? ", " : "", l);
        cs_ds_set_str(ds, CS_AA_G_IDENT, row, CS_AA_I_LISTS, lists);
    }
    free(set.items);
    free(set.slots);
}
