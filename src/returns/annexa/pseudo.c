/* The pseudonymised variant of Annex A, for regional sharing (spec section
 * 4): identifiers replaced by a keyed hash (HMAC-SHA256, libcrypto) so the
 * same child gets the same pseudonym in every list and every run with the
 * same key, but nobody without the key can go back or test a guess; dates
 * of birth cut to the first of the month; placement postcodes cut to their
 * district; worker and personal-advisor names dropped. The key is never
 * stored or written. */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "returns/annexa/annexa.h"

#define PSEUDO_HEX 20

void cs_aa_pseudo_id(const void *key, size_t keylen, const char *id, char *buf)
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    HMAC(EVP_sha256(), key, (int)keylen, (const unsigned char *)id, strlen(id), mac, &n);
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < PSEUDO_HEX / 2; i++) {
        buf[2 * i] = hex[mac[i] >> 4];
        buf[2 * i + 1] = hex[mac[i] & 15];
    }
    buf[PSEUDO_HEX] = '\0';
}

size_t cs_aa_postcode_district(const char *pc, char *buf, size_t n)
{
    char compact[16];
    size_t k = 0;
    const char *space = NULL;
    for (const char *s = pc; *s && k + 1 < sizeof compact; s++) {
        if (*s == ' ') {
            if (k && !space)
                space = s;
            continue;
        }
        compact[k++] = (*s >= 'a' && *s <= 'z') ? (char)(*s - 'a' + 'A') : *s;
    }
    compact[k] = '\0';
    /* the inward code is always the last three characters */
    size_t out = k > 3 ? k - 3 : 0;
    if (out >= n)
        out = n ? n - 1 : 0;
    memcpy(buf, compact, out);
    if (n)
        buf[out] = '\0';
    return out;
}

static void hash_field(cs_dataset *ds, int g, int f, const void *key, size_t keylen)
{
    if (f < 0)
        return;
    char out[PSEUDO_HEX + 1];
    for (uint32_t r = 0; r < cs_ds_count(ds, g); r++) {
        cs_value *v = cs_ds_cell(ds, g, r, f);
        if ((v->kind != CS_V_STR && v->kind != CS_V_INVALID) || !v->s)
            continue;
        cs_aa_pseudo_id(key, keylen, v->s, out);
        cs_ds_set_str(ds, g, r, f, out);
    }
}

static void month_field(cs_dataset *ds, int g, int f)
{
    if (f < 0)
        return;
    for (uint32_t r = 0; r < cs_ds_count(ds, g); r++) {
        cs_value *v = cs_ds_cell(ds, g, r, f);
        if (v->kind == CS_V_DATE) {
            int y, m, dd;
            cs_date_to_ymd(v->i, &y, &m, &dd);
            cs_ds_set_date(ds, g, r, f, cs_date_from_ymd(y, m, 1));
        } else if (v->kind == CS_V_INVALID) {
            v->kind = CS_V_ABSENT;   /* an unreadable date could be a whole one */
            v->s = NULL;
        }
    }
}

static void clear_field(cs_dataset *ds, int g, int f)
{
    if (f < 0)
        return;
    for (uint32_t r = 0; r < cs_ds_count(ds, g); r++) {
        cs_value *v = cs_ds_cell(ds, g, r, f);
        v->kind = CS_V_ABSENT;
        v->s = NULL;
        v->i = 0;
    }
}

static void district_field(cs_dataset *ds, int g, int f)
{
    if (f < 0)
        return;
    char out[16];
    for (uint32_t r = 0; r < cs_ds_count(ds, g); r++) {
        cs_value *v = cs_ds_cell(ds, g, r, f);
        if ((v->kind != CS_V_STR && v->kind != CS_V_INVALID) || !v->s)
            continue;
        cs_aa_postcode_district(v->s, out, sizeof out);
        if (out[0]) {
            cs_ds_set_str(ds, g, r, f, out);
        } else {
            v->kind = CS_V_ABSENT;
            v->s = NULL;
        }
    }
}

cs_status cs_annexa_pseudonymise(cs_dataset *ds, const void *key, size_t keylen, cs_diag *d)
{
    if (!key || keylen < CS_AA_PSEUDO_MIN_KEY)
        return cs_diag_set(d, CS_ERR_USAGE, NULL, 0, 0,
                           "a pseudonymisation key of at least %d characters is needed",
                           CS_AA_PSEUDO_MIN_KEY);
    const cs_ds_schema *s = ds->schema;
    for (int g = 0; g < (int)s->ngroups; g++) {
        if (g == CS_AA_G_ROOT)
            continue;
        hash_field(ds, g, cs_ds_field_find(s, g, "Child Unique ID"), key, keylen);
        hash_field(ds, g, cs_ds_field_find(s, g, "Family identifier"), key, keylen);
        hash_field(ds, g, cs_ds_field_find(s, g, "Individual adopter identifier"), key, keylen);
        month_field(ds, g, cs_ds_field_find(s, g, "Date of Birth"));
        district_field(ds, g, cs_ds_field_find(s, g, "Placement postcode"));
        clear_field(ds, g, cs_ds_field_find(s, g, "Allocated Worker"));
        clear_field(ds, g, cs_ds_field_find(s, g, "Allocated Personal Advisor"));
    }
    return CS_OK;
}
