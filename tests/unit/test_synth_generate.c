/* The synthetic LA generator: determinism, scaling, invariants of clean data
 * (the shapes the CIN and 903 rules expect), injected defects that point at
 * real records, and the manifest TSV. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "synth/synth.h"

static const cs_date REF_2025 = 20178; /* 2025-03-31 */

static cs_synth_opts opts(uint64_t seed, uint32_t n, double rate)
{
    cs_synth_opts o = {.seed = seed, .children = n, .defect_rate = rate,
                       .reference_date = cs_date_from_ymd(2025, 3, 31), .la_code = "318"};
    return o;
}

static void generate(cs_model *m, cs_synth_manifest *man, cs_synth_opts o)
{
    cs_model_init(m);
    cs_synth_manifest_init(man);
    cs_diag d;
    cs_diag_clear(&d);
    assert_int_equal(cs_synth_generate(&o, m, man, &d), CS_OK);
}

static void release(cs_model *m, cs_synth_manifest *man)
{
    cs_synth_manifest_free(man);
    cs_model_free(m);
}

/* FNV-1a over the text of every field of every row of every table. */
static uint64_t model_digest(const cs_model *m)
{
    uint64_t h = 1469598103934665603ull;
    char buf[512];
    for (int e = 0; e < CS_ENTITY_COUNT; e++) {
        const cs_table *t = &m->tables[e];
        h = (h ^ t->count) * 1099511628211ull;
        for (size_t i = 0; i < t->count; i++) {
            const void *row = cs_model_row(m, (cs_entity_id)e, i);
            for (size_t f = 0; f < t->desc->nfields; f++) {
                size_t n = cs_field_format(row, &t->desc->fields[f], buf, sizeof buf);
                for (size_t k = 0; k < n; k++)
                    h = (h ^ (unsigned char)buf[k]) * 1099511628211ull;
                h = (h ^ 0x1f) * 1099511628211ull;
            }
        }
    }
    return h;
}

static void test_determinism(void **state)
{
    (void)state;
    cs_model a, b, c2;
    cs_synth_manifest ma, mb, mc;
    generate(&a, &ma, opts(7, 3000, 0.2));
    generate(&b, &mb, opts(7, 3000, 0.2));
    generate(&c2, &mc, opts(8, 3000, 0.2));
    assert_true(model_digest(&a) == model_digest(&b));
    assert_int_equal(ma.count, mb.count);
    for (size_t i = 0; i < ma.count; i++) {
        assert_string_equal(ma.items[i].record_id, mb.items[i].record_id);
        assert_string_equal(ma.items[i].rules, mb.items[i].rules);
    }
    assert_true(model_digest(&a) != model_digest(&c2));
    release(&a, &ma);
    release(&b, &mb);
    release(&c2, &mc);
}

static void test_counts_scale(void **state)
{
    (void)state;
    cs_model a, b;
    cs_synth_manifest ma, mb;
    generate(&a, &ma, opts(3, 2000, 0));
    generate(&b, &mb, opts(3, 8000, 0));
    assert_int_equal(CS_COUNT(&a, person), 2000);
    assert_int_equal(CS_COUNT(&b, person), 8000);
    int scaled[] = {CS_E_referral, CS_E_contact, CS_E_assessment, CS_E_cla_period, CS_E_visit};
    for (size_t i = 0; i < sizeof scaled / sizeof scaled[0]; i++) {
        double ra = (double)a.tables[scaled[i]].count, rb = (double)b.tables[scaled[i]].count;
        assert_true(ra > 0);
        assert_true(rb / ra > 3.0 && rb / ra < 5.0);
    }
    assert_int_equal(ma.count, 0);
    /* referrals: roughly one per 1.5 children */
    double per_child = (double)CS_COUNT(&b, referral) / 8000.0;
    assert_true(per_child > 0.5 && per_child < 0.9);
    release(&a, &ma);
    release(&b, &mb);
}

static void test_bad_options(void **state)
{
    (void)state;
    cs_model m;
    cs_synth_manifest man;
    cs_model_init(&m);
    cs_synth_manifest_init(&man);
    cs_diag d;
    cs_synth_opts o = opts(1, 0, 0);
    assert_int_equal(cs_synth_generate(&o, &m, &man, &d), CS_ERR_USAGE);
    o = opts(1, 10, 1.5);
    assert_int_equal(cs_synth_generate(&o, &m, &man, &d), CS_ERR_USAGE);
    o = opts(1, 10, 0);
    o.reference_date = cs_date_from_ymd(2025, 3, 30);
    assert_int_equal(cs_synth_generate(&o, &m, &man, &d), CS_ERR_USAGE);
    assert_non_null(strstr(d.msg, "31 March"));
    o = opts(1, 10, 0);
    assert_int_equal(cs_synth_generate(&o, &m, &man, &d), CS_OK);
    assert_int_equal(cs_synth_generate(&o, &m, &man, &d), CS_ERR_USAGE); /* not empty */
    release(&m, &man);
}

/* ---- pointer-keyed index: reference fields share their target's id string ---- */

typedef struct {
    const char **keys;
    size_t *vals;
    size_t cap;
} ptr_index;

static void idx_init(ptr_index *x, size_t n)
{
    x->cap = 16;
    while (x->cap < n * 2)
        x->cap <<= 1;
    x->keys = calloc(x->cap, sizeof *x->keys);
    x->vals = calloc(x->cap, sizeof *x->vals);
}

static size_t slot(const ptr_index *x, const char *k)
{
    return (size_t)(((uintptr_t)k >> 4) * 0x9E3779B97F4A7C15ull) & (x->cap - 1);
}

static void idx_put(ptr_index *x, const char *k, size_t v)
{
    size_t s = slot(x, k);
    while (x->keys[s] && x->keys[s] != k)
        s = (s + 1) & (x->cap - 1);
    x->keys[s] = k;
    x->vals[s] = v;
}

static size_t idx_get(const ptr_index *x, const char *k)
{
    size_t s = slot(x, k);
    while (x->keys[s]) {
        if (x->keys[s] == k)
            return x->vals[s];
        s = (s + 1) & (x->cap - 1);
    }
    return SIZE_MAX;
}

static void idx_free(ptr_index *x)
{
    free(x->keys);
    free(x->vals);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool weekend(cs_date d)
{
    return cs_date_is_weekend(d);
}

static void test_clean_invariants(void **state)
{
    (void)state;
    cs_model m;
    cs_synth_manifest man;
    generate(&m, &man, opts(11, 20000, 0));
    const cs_date ref = cs_date_from_ymd(2025, 3, 31);
    assert_int_equal(ref, REF_2025);

    /* ids unique per entity */
    for (int e = 0; e < CS_ENTITY_COUNT; e++) {
        const cs_table *t = &m.tables[e];
        const char **ids = malloc((t->count + 1) * sizeof *ids);
        for (size_t i = 0; i < t->count; i++)
            ids[i] = *(const char *const *)cs_model_row(&m, (cs_entity_id)e, i);
        qsort(ids, t->count, sizeof *ids, cmp_str);
        for (size_t i = 1; i < t->count; i++)
            assert_true(strcmp(ids[i - 1], ids[i]) != 0);
        free(ids);
    }
    /* every date field is on or before the reference date, except expected births
     * and the due dates of reviews still to come */
    for (int e = 0; e < CS_ENTITY_COUNT; e++) {
        const cs_table *t = &m.tables[e];
        for (size_t f = 0; f < t->desc->nfields; f++) {
            const cs_field_desc *fd = &t->desc->fields[f];
            if (fd->type != CS_FT_DATE || strcmp(fd->name, "expected_birth_date") == 0 ||
                strcmp(fd->name, "due_date") == 0 || strstr(fd->name, "target"))
                continue;
            for (size_t i = 0; i < t->count; i++) {
                cs_date d = *(const cs_date *)cs_field_ptr(cs_model_row(&m, (cs_entity_id)e, i), fd);
                if (d != CS_DATE_NONE && d > ref)
                    fail_msg("%s.%s row %zu after the reference date", t->desc->name, fd->name, i);
            }
        }
    }
    /* persons: UPN check letters valid, UPNs unique, id <= 20 alphanumeric */
    const cs_person *p = CS_TABLE(&m, person);
    size_t np = CS_COUNT(&m, person);
    const char **upns = malloc(np * sizeof *upns);
    size_t nu = 0;
    ptr_index persons;
    idx_init(&persons, np);
    for (size_t i = 0; i < np; i++) {
        idx_put(&persons, p[i].id, i);
        assert_true(strlen(p[i].id) <= 20);
        for (const char *s = p[i].id; *s; s++)
            assert_true((*s >= '0' && *s <= '9') || (*s >= 'A' && *s <= 'Z'));
        assert_true((p[i].birth_date == CS_DATE_NONE) != (p[i].expected_birth_date == CS_DATE_NONE));
        if (p[i].birth_date == CS_DATE_NONE)
            assert_string_equal(p[i].sex, "U");
        if (p[i].death_date != CS_DATE_NONE)
            assert_true(p[i].death_date >= p[i].birth_date);
        assert_non_null(p[i].ethnicity);
        if (!p[i].upn) {
            assert_non_null(p[i].upn_unknown);
            continue;
        }
        assert_int_equal(strlen(p[i].upn), 13);
        static const char alphabet[] = "ABCDEFGHJKLMNPQRTUVWXYZ";
        unsigned sum = 0;
        for (unsigned k = 1; k < 13; k++) {
            assert_true(p[i].upn[k] >= '0' && p[i].upn[k] <= '9');
            sum += (unsigned)(p[i].upn[k] - '0') * (k + 1);
        }
        assert_int_equal(p[i].upn[0], alphabet[sum % 23]);
        upns[nu++] = p[i].upn;
    }
    qsort(upns, nu, sizeof *upns, cmp_str);
    for (size_t i = 1; i < nu; i++)
        assert_true(strcmp(upns[i - 1], upns[i]) != 0);
    free(upns);

    /* assessments start on or after their referral, end after they start,
     * episodes close after everything in them */
    const cs_referral *rf = CS_TABLE(&m, referral);
    size_t nr = CS_COUNT(&m, referral);
    ptr_index refs;
    idx_init(&refs, nr);
    for (size_t i = 0; i < nr; i++) {
        idx_put(&refs, rf[i].id, i);
        assert_true((rf[i].closure_date == CS_DATE_NONE) == (rf[i].closure_reason == NULL));
        if (rf[i].closure_date != CS_DATE_NONE)
            assert_true(rf[i].closure_date >= rf[i].referral_date);
        if (rf[i].nfa == 0)
            assert_non_null(rf[i].primary_need);
    }
    size_t within45 = 0, authorised = 0;
    const cs_assessment *as = CS_TABLE(&m, assessment);
    for (size_t i = 0; i < CS_COUNT(&m, assessment); i++) {
        size_t r = idx_get(&refs, as[i].referral_id);
        assert_true(r != SIZE_MAX);
        assert_true(as[i].start_date >= rf[r].referral_date);
        assert_true(rf[r].nfa == 0);
        if (as[i].authorised_date != CS_DATE_NONE) {
            assert_true(as[i].authorised_date >= as[i].start_date);
            if (rf[r].closure_date != CS_DATE_NONE)
                assert_true(as[i].authorised_date <= rf[r].closure_date);
            authorised++;
            /* calendar days as an upper bound on working days: 45 wd ~ 63 days */
            if (as[i].authorised_date - as[i].start_date <= 63)
                within45++;
        } else {
            assert_true(rf[r].closure_date == CS_DATE_NONE);
        }
    }
    assert_true(authorised > 1000);
    double share = (double)within45 / (double)authorised;
    assert_true(share > 0.78 && share < 0.95);

    /* CP plans: no overlap per child, start = ICPC date, reviews after the start,
     * CIN plans never start inside a CP plan */
    const cs_cp_plan *cp = CS_TABLE(&m, cp_plan);
    size_t ncp = CS_COUNT(&m, cp_plan);
    ptr_index cps;
    idx_init(&cps, ncp);
    for (size_t i = 0; i < ncp; i++) {
        idx_put(&cps, cp[i].id, i);
        assert_non_null(cp[i].icpc_id);
        if (cp[i].end_date != CS_DATE_NONE)
            assert_true(cp[i].end_date > cp[i].start_date);
        size_t r = idx_get(&refs, cp[i].referral_id);
        assert_true(cp[i].start_date >= rf[r].referral_date);
        if (i > 0 && cp[i - 1].person_id == cp[i].person_id)
            assert_true(cp[i - 1].end_date != CS_DATE_NONE && cp[i - 1].end_date <= cp[i].start_date);
    }
    const cs_cp_review *rv = CS_TABLE(&m, cp_review);
    for (size_t i = 0; i < CS_COUNT(&m, cp_review); i++) {
        size_t k = idx_get(&cps, rv[i].cp_plan_id);
        assert_true(rv[i].review_date > cp[k].start_date);
        assert_true(rv[i].review_date <= rv[i].due_date);
    }
    ptr_index first_cp;
    idx_init(&first_cp, ncp);
    for (size_t i = ncp; i-- > 0;)
        idx_put(&first_cp, cp[i].person_id, i);
    const cs_cin_plan *cin = CS_TABLE(&m, cin_plan);
    for (size_t i = 0; i < CS_COUNT(&m, cin_plan); i++) {
        size_t r = idx_get(&refs, cin[i].referral_id);
        assert_true(cin[i].start_date >= rf[r].referral_date);
        if (cin[i].end_date != CS_DATE_NONE)
            assert_true(cin[i].end_date > cin[i].start_date);
        size_t j0 = idx_get(&first_cp, cin[i].person_id);
        for (size_t j = j0; j != SIZE_MAX && j < ncp && cp[j].person_id == cin[i].person_id; j++) {
            bool starts_inside = cin[i].start_date >= cp[j].start_date &&
                                 (cp[j].end_date == CS_DATE_NONE || cin[i].start_date < cp[j].end_date);
            bool cp_inside = cp[j].start_date >= cin[i].start_date &&
                             (cin[i].end_date == CS_DATE_NONE || cp[j].start_date < cin[i].end_date);
            assert_false(starts_inside);
            assert_false(cp_inside);
        }
    }
    idx_free(&first_cp);
    /* ICPCs on working days, after the s47 started */
    const cs_icpc *ic = CS_TABLE(&m, icpc);
    for (size_t i = 0; i < CS_COUNT(&m, icpc); i++) {
        assert_false(weekend(ic[i].conference_date));
        if (!ic[i].transfer_in)
            assert_non_null(ic[i].s47_id);
    }
    const cs_s47 *s47 = CS_TABLE(&m, s47);
    for (size_t i = 0; i < CS_COUNT(&m, s47); i++) {
        size_t r = idx_get(&refs, s47[i].referral_id);
        assert_true(s47[i].start_date >= rf[r].referral_date);
        if (s47[i].icpc_target_date != CS_DATE_NONE)
            assert_false(weekend(s47[i].icpc_target_date));
    }

    /* periods of care: placements, legal statuses and episodes tile the period */
    const cs_cla_period *pd = CS_TABLE(&m, cla_period);
    size_t npd = CS_COUNT(&m, cla_period);
    ptr_index periods;
    idx_init(&periods, npd);
    for (size_t i = 0; i < npd; i++)
        idx_put(&periods, pd[i].id, i);
    const cs_cla_placement *pl = CS_TABLE(&m, cla_placement);
    size_t npl = CS_COUNT(&m, cla_placement);
    for (size_t i = 0; i < npl; i++) {
        size_t q = idx_get(&periods, pl[i].period_id);
        assert_true(q != SIZE_MAX);
        assert_true(pl[i].start_date >= pd[q].start_date);
        if (pd[q].end_date != CS_DATE_NONE) {
            assert_true(pl[i].end_date != CS_DATE_NONE && pl[i].end_date <= pd[q].end_date);
        }
        if (pl[i].end_date != CS_DATE_NONE)
            assert_true(pl[i].end_date > pl[i].start_date);
        bool first = i == 0 || pl[i - 1].period_id != pl[i].period_id;
        if (first)
            assert_int_equal(pl[i].start_date, pd[q].start_date);
        else
            assert_int_equal(pl[i].start_date, pl[i - 1].end_date);
        const char *t = pl[i].placement_type;
        if (strcmp(t, "P1") == 0)
            assert_string_equal(pl[i].provider, "PR0");
        if (t[0] == 'T' || strcmp(t, "P1") == 0 || strcmp(t, "R1") == 0 || strcmp(t, "R2") == 0)
            assert_null(pl[i].urn);
        else
            assert_int_equal(strlen(pl[i].urn), 7);
        if (t[0] == 'T')
            assert_null(pl[i].provider);
        else
            assert_non_null(pl[i].provider);
    }
    const cs_cla_episode *ep = CS_TABLE(&m, cla_episode);
    for (size_t i = 0; i < CS_COUNT(&m, cla_episode); i++) {
        bool first = i == 0 || ep[i - 1].period_id != ep[i].period_id;
        if (first)
            assert_string_equal(ep[i].start_reason, "S");
        else
            assert_int_equal(ep[i].start_date, ep[i - 1].end_date);
        if (ep[i].end_date != CS_DATE_NONE)
            assert_true(ep[i].end_date > ep[i].start_date);
        assert_true((ep[i].end_date == CS_DATE_NONE) == (ep[i].end_reason == NULL));
    }
    /* reviews: participation fits the age */
    const cs_cla_review *cr = CS_TABLE(&m, cla_review);
    for (size_t i = 0; i < CS_COUNT(&m, cla_review); i++) {
        if (cr[i].cancelled == 1)
            continue;
        const cs_person *pp = &p[idx_get(&persons, cr[i].person_id)];
        int age = cs_age_years(pp->birth_date, cr[i].review_date);
        if (age < 4)
            assert_string_equal(cr[i].participation, "PN0");
        else
            assert_string_not_equal(cr[i].participation, "PN0");
    }
    /* SDQ scores in range, score or reason but not both */
    const cs_sdq *sq = CS_TABLE(&m, sdq);
    for (size_t i = 0; i < CS_COUNT(&m, sdq); i++) {
        assert_true((sq[i].score == CS_INT_NONE) != (sq[i].reason == NULL));
        if (sq[i].score != CS_INT_NONE)
            assert_true(sq[i].score >= 0 && sq[i].score <= 40);
    }
    /* missing episodes don't overlap */
    const cs_missing_episode *me = CS_TABLE(&m, missing_episode);
    for (size_t i = 1; i < CS_COUNT(&m, missing_episode); i++)
        if (me[i - 1].person_id == me[i].person_id)
            assert_true(me[i].start_date > me[i - 1].end_date);
    /* allocations of one episode are contiguous, social workers registered */
    const cs_involvement *iv = CS_TABLE(&m, involvement);
    const cs_worker *wk = CS_TABLE(&m, worker);
    for (size_t i = 1; i < CS_COUNT(&m, involvement); i++)
        if (iv[i - 1].referral_id == iv[i].referral_id && strcmp(iv[i].role, "ALLOCATED_SW") == 0 &&
            strcmp(iv[i - 1].role, "ALLOCATED_SW") == 0) {
            assert_int_equal(iv[i - 1].end_date, iv[i].start_date);
            assert_non_null(iv[i].change_reason);
        }
    for (size_t i = 0; i < CS_COUNT(&m, worker); i++)
        if (wk[i].registration_no)
            assert_memory_equal(wk[i].registration_no, "SW", 2);
    /* caseloads: open allocations at the reference date per case-holding
     * social worker of the teams that hold cases, about 15-25 */
    size_t open = 0, holders = 0;
    ptr_index teams_with_cases;
    idx_init(&teams_with_cases, 64);
    for (size_t i = 0; i < CS_COUNT(&m, involvement); i++)
        if (strcmp(iv[i].role, "ALLOCATED_SW") == 0 && iv[i].start_date <= ref &&
            (iv[i].end_date == CS_DATE_NONE || iv[i].end_date > ref)) {
            open++;
            idx_put(&teams_with_cases, iv[i].team_id, 1);
        }
    for (size_t i = 0; i < CS_COUNT(&m, worker); i++)
        if (strcmp(wk[i].role, "Team Manager") != 0 && idx_get(&teams_with_cases, wk[i].team_id) == 1)
            holders++;
    idx_free(&teams_with_cases);
    double caseload = (double)open / (double)holders;
    if (caseload < 15 || caseload > 25)
        fail_msg("average caseload %.1f", caseload);
    idx_free(&persons);
    idx_free(&refs);
    idx_free(&cps);
    idx_free(&periods);
    release(&m, &man);
}

static void test_defects_point_at_records(void **state)
{
    (void)state;
    cs_model m;
    cs_synth_manifest man;
    generate(&m, &man, opts(5, 6000, 1.0));
    assert_true(man.count > 1000);
    int kinds_seen = 0;
    const char *kinds[128];
    for (size_t i = 0; i < man.count; i++) {
        const cs_synth_defect *d = &man.items[i];
        const cs_entity_desc *e = cs_entity_find(d->entity);
        assert_non_null(e);
        assert_true(d->rules[0] != '\0');
        assert_non_null(cs_entity_field(e, d->field));
        bool found = false;
        const cs_table *t = &m.tables[e->id];
        for (size_t r = 0; r < t->count && !found; r++)
            found = strcmp(*(const char *const *)cs_model_row(&m, e->id, r), d->record_id) == 0;
        if (!found)
            fail_msg("%s: %s %s not in the model", d->kind, d->entity, d->record_id);
        bool known = false;
        for (int k = 0; k < kinds_seen; k++)
            known |= strcmp(kinds[k], d->kind) == 0;
        if (!known && kinds_seen < 128)
            kinds[kinds_seen++] = d->kind;
    }
    assert_true(kinds_seen >= 30);
    release(&m, &man);
}

static void test_manifest_tsv(void **state)
{
    (void)state;
    cs_synth_manifest man;
    cs_synth_manifest_init(&man);
    cs_synth_manifest_add(&man, "upn-check-letter", "person", "1000001", "1000001", "upn",
                          "1510", "check letter\twrong");
    cs_synth_manifest_add(&man, "x", "referral", "REF1", NULL, "closure_reason", "8805", "line\nbreak");
    char path[] = "/tmp/synth_manifest_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    cs_diag d;
    assert_int_equal(cs_synth_manifest_write(&man, path, &d), CS_OK);
    FILE *f = fopen(path, "r");
    char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    assert_string_equal(buf,
                        "id\tkind\tentity\trecord_id\tperson_id\tfield\trules\tdetail\n"
                        "D000001\tupn-check-letter\tperson\t1000001\t1000001\tupn\t1510\tcheck letter wrong\n"
                        "D000002\tx\treferral\tREF1\t\tclosure_reason\t8805\tline break\n");
    unlink(path);
    assert_int_equal(cs_synth_manifest_write(&man, "/nonexistent/dir/m.tsv", &d), CS_ERR_IO);
    cs_synth_manifest_free(&man);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_counts_scale),
        cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_clean_invariants),
        cmocka_unit_test(test_defects_point_at_records),
        cmocka_unit_test(test_manifest_tsv),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
