/* The warehouse loader's pure parts: COPY text encoding (escapes, bad
 * UTF-8, NULLs, dates, numbers), key maps, first-of-id sets, postcode
 * districts, factor array literals and rule ids. The database side is
 * tested by the scripts in tests/db. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "warehouse/copy.h"
#include "warehouse/dims.h"
#include "warehouse/keymap.h"
#include "warehouse/resolve.h"

/* The encoder's buffer as a string (no connection: nothing is flushed). */
static const char *encoded(cs_copy *o)
{
    static char out[4096];
    snprintf(out, sizeof out, "%.*s", (int)o->len, o->buf);
    o->len = 0;
    return out;
}

static void test_copy_text_escapes(void **state)
{
    (void)state;
    cs_copy o;
    cs_copy_init(&o, NULL);
    cs_copy_text(&o, "plain text, commas; \"quotes\"");
    assert_string_equal(encoded(&o), "plain text, commas; \"quotes\"");
    cs_copy_text(&o, "back\\slash\ttab\nnew\rret");
    assert_string_equal(encoded(&o), "back\\\\slash\\ttab\\nnew\\rret");
    /* what COPY would read as NULL or end of data stays text */
    cs_copy_text(&o, "\\N");
    assert_string_equal(encoded(&o), "\\\\N");
    cs_copy_text(&o, "\\.");
    assert_string_equal(encoded(&o), "\\\\.");
    cs_copy_text(&o, "");
    assert_string_equal(encoded(&o), "");
    cs_copy_text(&o, NULL);
    assert_string_equal(encoded(&o), "\\N");
    /* other control characters pass as they are */
    cs_copy_text(&o, "a\x01\x1f" "b");
    assert_string_equal(encoded(&o), "a\x01\x1f" "b");
    cs_copy_free(&o);
}

static void test_copy_text_utf8(void **state)
{
    (void)state;
    cs_copy o;
    cs_copy_init(&o, NULL);
    const char *good = "Zo\xc3\xab \xc3\x89mile \xe2\x82\xac \xf0\x9f\x99\x82";
    cs_copy_text(&o, good);
    assert_string_equal(encoded(&o), good);
    /* a stray Windows-1252 byte, a bad continuation, an overlong form, a
     * surrogate and a sequence cut off at the end: U+FFFD, never an error */
    cs_copy_text(&o, "caf\xe9!");
    assert_string_equal(encoded(&o), "caf\xef\xbf\xbd!");
    cs_copy_text(&o, "x\xc3(y");
    assert_string_equal(encoded(&o), "x\xef\xbf\xbd(y");
    cs_copy_text(&o, "\xc0\xaf");
    const char *s = encoded(&o);
    assert_true(strstr(s, "\xef\xbf\xbd") == s);
    assert_null(strchr(s, '\xc0'));
    cs_copy_text(&o, "\xed\xa0\x80z");
    s = encoded(&o);
    assert_true(strstr(s, "\xef\xbf\xbd") == s);
    assert_int_equal(s[strlen(s) - 1], 'z');
    cs_copy_text(&o, "end\xe2\x82");
    assert_string_equal(encoded(&o), "end\xef\xbf\xbd");
    cs_copy_free(&o);
}

static void test_copy_values(void **state)
{
    (void)state;
    cs_copy o;
    cs_copy_init(&o, NULL);
    cs_copy_date(&o, cs_date_from_ymd(2026, 3, 31));
    cs_copy_sep(&o);
    cs_copy_date(&o, CS_DATE_NONE);
    cs_copy_sep(&o);
    cs_copy_date(&o, cs_date_from_ymd(1850, 1, 2));   /* outside the cached years */
    cs_copy_sep(&o);
    cs_copy_date(&o, cs_date_from_ymd(1, 1, 1));
    cs_copy_sep(&o);
    cs_copy_date(&o, cs_date_from_ymd(9999, 12, 31));
    cs_copy_eol(&o);
    assert_string_equal(encoded(&o), "2026-03-31\t\\N\t1850-01-02\t0001-01-01\t9999-12-31\n");
    cs_copy_int(&o, 0);
    cs_copy_sep(&o);
    cs_copy_int(&o, -42);
    cs_copy_sep(&o);
    cs_copy_int(&o, LLONG_MIN);
    cs_copy_sep(&o);
    cs_copy_int(&o, 1234567890123LL);
    assert_string_equal(encoded(&o), "0\t-42\t-9223372036854775808\t1234567890123");
    cs_copy_null(&o);
    assert_string_equal(encoded(&o), "\\N");
    cs_copy_free(&o);
}

static void test_keymap(void **state)
{
    (void)state;
    cs_keymap m;
    cs_keymap_init(&m);
    assert_int_equal(cs_keymap_get(&m, "x"), 0);
    char id[32];
    for (int i = 1; i <= 20000; i++) {
        int n = snprintf(id, sizeof id, "P%d", i);
        cs_keymap_put(&m, id, (size_t)n, i * 10LL);
    }
    assert_int_equal(m.count, 20000);
    assert_int_equal(cs_keymap_get(&m, "P1"), 10);
    assert_int_equal(cs_keymap_get(&m, "P20000"), 200000);
    assert_int_equal(cs_keymap_get(&m, "P20001"), 0);
    assert_int_equal(cs_keymap_get(&m, "P1 "), 0);
    assert_int_equal(cs_keymap_get(&m, ""), 0);
    assert_int_equal(cs_keymap_get(&m, NULL), 0);
    /* a prefix of the stored text is another id */
    cs_keymap_put(&m, "P1xyz", 2, 7);
    assert_int_equal(cs_keymap_get(&m, "P1"), 7);
    assert_int_equal(m.count, 20000);
    cs_keymap_free(&m);
}

static void test_idset(void **state)
{
    (void)state;
    cs_idset s;
    cs_idset_init(&s, 3);
    assert_true(cs_idset_add(&s, "A"));
    assert_true(cs_idset_add(&s, "B"));
    assert_false(cs_idset_add(&s, "A"));
    assert_false(cs_idset_add(&s, ""));
    assert_false(cs_idset_add(&s, NULL));
    assert_true(cs_idset_add(&s, "a"));
    cs_idset_free(&s);
}

static void test_postcode_district(void **state)
{
    (void)state;
    char out[16];
    assert_int_equal(cs_postcode_district("KT1 4AW", out, sizeof out), 3);
    assert_string_equal(out, "KT1");
    cs_postcode_district("  kt1 4aw ", out, sizeof out);
    assert_string_equal(out, "KT1");
    cs_postcode_district("KT14AW", out, sizeof out);
    assert_string_equal(out, "KT1");
    cs_postcode_district("sw1a1aa", out, sizeof out);
    assert_string_equal(out, "SW1A");
    cs_postcode_district("N1", out, sizeof out);
    assert_string_equal(out, "N1");
    assert_int_equal(cs_postcode_district("   ", out, sizeof out), 0);
    assert_int_equal(cs_postcode_district("", out, sizeof out), 0);
    assert_int_equal(cs_postcode_district(NULL, out, sizeof out), 0);
    /* characters, not bytes: the last three of "ÄB12C" are "12C" */
    cs_postcode_district("\xc3\x84" "B12C", out, sizeof out);
    assert_string_equal(out, "\xc3\x84" "B");
    /* a district longer than the buffer is cut, not overrun */
    char small[4];
    assert_int_equal(cs_postcode_district("ABCDEFGH 1AA", small, sizeof small), 3);
    assert_string_equal(small, "ABC");
}

static void add_factor(cs_model *m, const char *assessment, const char *code)
{
    cs_assessment_factor *f = cs_model_append(m, CS_E_assessment_factor);
    f->id = "F";
    f->assessment_id = assessment;
    f->code = code;
}

static void test_factor_literals(void **state)
{
    (void)state;
    cs_model m;
    cs_model_init(&m);
    add_factor(&m, "A1", "3A");
    add_factor(&m, "A1", "21A");
    add_factor(&m, "A1", "3A");        /* repeated: once */
    add_factor(&m, "A2", "x,y");       /* array syntax in a code: quoted */
    add_factor(&m, "A2", "NULL");
    add_factor(&m, "A2", "say \"hi\"");
    add_factor(&m, "A3", NULL);        /* no code: not a factor */
    add_factor(&m, NULL, "1A");        /* no assessment: nowhere */
    cs_wh_keys k;
    cs_wh_keys_init(&k, 1, 1, NULL);
    cs_wh_keys_factors(&k, &m);
    assert_string_equal(cs_wh_keys_factor_literal(&k, "A1"), "{21A,3A}");
    assert_string_equal(cs_wh_keys_factor_literal(&k, "A2"), "{\"NULL\",\"say \\\"hi\\\"\",\"x,y\"}");
    assert_null(cs_wh_keys_factor_literal(&k, "A3"));
    assert_null(cs_wh_keys_factor_literal(&k, "A4"));
    assert_null(cs_wh_keys_factor_literal(&k, NULL));
    cs_wh_keys_free(&k);
    cs_model_free(&m);
}

static void test_rule_id(void **state)
{
    (void)state;
    char a[64], b[64];
    cs_wh_rule_id("cin", "2025-26", "8525Q", a, sizeof a);
    cs_wh_rule_id("cin", "", "8525Q", b, sizeof b);
    assert_string_not_equal(a, b);
    cs_wh_rule_id("cin", NULL, "8525Q", a, sizeof a);
    assert_string_equal(a, b);   /* no year: "all", as dim_rule keeps it */
    assert_non_null(strstr(b, "all"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_copy_text_escapes), cmocka_unit_test(test_copy_text_utf8),
        cmocka_unit_test(test_copy_values),       cmocka_unit_test(test_keymap),
        cmocka_unit_test(test_idset),             cmocka_unit_test(test_postcode_district),
        cmocka_unit_test(test_factor_literals),   cmocka_unit_test(test_rule_id),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
