#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "model/model.h"
#include "util/arena.h"
#include "util/intern.h"

static void test_descriptors(void **state)
{
    (void)state;
    const cs_entity_desc *p = cs_entity_find("person");
    assert_non_null(p);
    assert_int_equal(p->id, CS_E_person);
    assert_string_equal(p->fields[0].name, "id");
    const cs_field_desc *f = cs_entity_field(p, "birth_date");
    assert_non_null(f);
    assert_int_equal(f->type, CS_FT_DATE);
    assert_null(cs_entity_field(p, "no_such_field"));
    assert_null(cs_entity_find("no_such_entity"));
    for (size_t i = 0; i < CS_ENTITY_COUNT; i++) {
        assert_int_equal(cs_entities[i].id, (cs_entity_id)i);
        assert_string_equal(cs_entities[i].fields[0].name, "id");
    }
}

static void test_append_absent(void **state)
{
    (void)state;
    cs_model m;
    cs_model_init(&m);
    for (int i = 0; i < 5000; i++) {
        cs_referral *r = cs_model_append(&m, CS_E_referral);
        assert_null(r->id);
        assert_int_equal(r->referral_date, CS_DATE_NONE);
        assert_int_equal(r->nfa, CS_BOOL_NONE);
        r->referral_date = i;
    }
    assert_int_equal(CS_COUNT(&m, referral), 5000);
    assert_int_equal(CS_TABLE(&m, referral)[4999].referral_date, 4999);
    char buf[32];
    const cs_entity_desc *e = &cs_entities[CS_E_referral];
    const cs_field_desc *f = cs_entity_field(e, "referral_date");
    cs_field_format(&CS_TABLE(&m, referral)[0], f, buf, sizeof buf);
    assert_string_equal(buf, "1970-01-01");
    f = cs_entity_field(e, "nfa");
    assert_true(cs_field_is_absent(&CS_TABLE(&m, referral)[0], f));
    assert_int_equal(cs_model_add_file(&m, "a.csv"), 1);
    assert_int_equal(cs_model_add_file(&m, "b.csv"), 2);
    assert_int_equal(cs_model_add_file(&m, "a.csv"), 1);
    cs_model_free(&m);
}

/* Every entity's appended row (copied from its empty template) has every
 * field absent, also after rows grow the table. */
static void test_append_every_entity_absent(void **state)
{
    (void)state;
    cs_model m;
    cs_model_init(&m);
    for (size_t e = 0; e < CS_ENTITY_COUNT; e++) {
        const cs_entity_desc *d = &cs_entities[e];
        for (int i = 0; i < 1500; i++) {
            unsigned char *row = cs_model_append(&m, (cs_entity_id)e);
            for (size_t f = 0; f < d->nfields; f++)
                assert_true(cs_field_is_absent(row, &d->fields[f]));
            memset(row, 0x5A, d->size);   /* the next row must not see this */
        }
        assert_int_equal(m.tables[e].count, 1500);
    }
    cs_model_free(&m);
}

/* Strings are packed end to end; everything else stays 16-byte aligned. */
static void test_arena_strings_packed(void **state)
{
    (void)state;
    cs_arena a;
    cs_arena_init(&a, 256);
    const char *s1 = cs_arena_strndup(&a, "abcdef", 3);
    const char *s2 = cs_arena_strdup(&a, "xy");
    assert_string_equal(s1, "abc");
    assert_string_equal(s2, "xy");
    assert_ptr_equal(s2, s1 + 4);                      /* no padding between them */
    for (int i = 0; i < 200; i++) {
        char *t = cs_arena_strndup(&a, "12345", (size_t)(i % 6));
        assert_int_equal(strlen(t), (size_t)(i % 6));
        void *p = cs_arena_alloc_raw(&a, (size_t)(i % 40) + 1);
        assert_int_equal((uintptr_t)p % 16, 0);
        unsigned char *z = cs_arena_alloc(&a, 24);
        assert_int_equal((uintptr_t)z % 16, 0);
        for (int k = 0; k < 24; k++)
            assert_int_equal(z[k], 0);
    }
    char big[300];
    memset(big, 'q', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    const char *b = cs_arena_strdup(&a, big);          /* its own chunk */
    assert_string_equal(b, big);
    assert_string_equal(cs_arena_strdup(&a, "after"), "after");
    assert_true(a.bytes_reserved >= a.bytes_used);
    cs_arena_reset(&a);
    assert_int_equal(a.bytes_used, 0);
    assert_string_equal(cs_arena_strdup(&a, "again"), "again");
    cs_arena_free(&a);
}

static void test_intern(void **state)
{
    (void)state;
    cs_intern t;
    cs_intern_init(&t);
    const char *a = cs_intern_str(&t, "N1");
    char buf[3] = {'N', '1', 0};
    assert_ptr_equal(a, cs_intern_str(&t, buf));
    for (int i = 0; i < 10000; i++) {
        char k[16];
        snprintf(k, sizeof k, "code%d", i);
        cs_intern_str(&t, k);
    }
    assert_ptr_equal(a, cs_intern_find(&t, "N1", 2));
    assert_null(cs_intern_find(&t, "N2", 2));
    cs_intern_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_descriptors),
        cmocka_unit_test(test_append_absent),
        cmocka_unit_test(test_append_every_entity_absent),
        cmocka_unit_test(test_arena_strings_packed),
        cmocka_unit_test(test_intern),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
