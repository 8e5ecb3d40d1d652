/* Return datasets: cells and text parsing, finalize (sorting by parent and
 * order field), navigation, record paths, the child-id index, formatting,
 * and the schema registry. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "dataset/dataset.h"
#include "dataset/schemas.h"

/* Message > Header, Child > Episode (ordered by Start) > Review */
enum { G_MSG, G_HDR, G_CHILD, G_EP, G_REV, NG };
static const cs_ds_field hdr_f[] = {{"Year", CS_DT_INT, NULL}, {"Ref", CS_DT_DATE, NULL}};
static const cs_ds_field child_f[] = {{"Id", CS_DT_STR, NULL},
                                      {"Dob", CS_DT_DATE, NULL},
                                      {"Sex", CS_DT_CODE, NULL},
                                      {"Nfa", CS_DT_BOOL, NULL}};
static const cs_ds_field ep_f[] = {{"Start", CS_DT_DATE, NULL}, {"Kind", CS_DT_CODE, NULL}};
static const cs_ds_field rev_f[] = {{"When", CS_DT_DATE, NULL}};
static const char *const child_alias[] = {"ChildIdentifiers", NULL};
static const cs_ds_group groups[NG] = {
    [G_MSG] = {"Message", CS_DS_NO_PARENT, NULL, 0, CS_DS_UNORDERED, NULL, NULL},
    [G_HDR] = {"Header", G_MSG, hdr_f, 2, CS_DS_UNORDERED, NULL, NULL},
    [G_CHILD] = {"Child", G_MSG, child_f, 4, CS_DS_UNORDERED, child_alias, NULL},
    [G_EP] = {"Episode", G_CHILD, ep_f, 2, 0, NULL, "Ep"},
    [G_REV] = {"Review", G_EP, rev_f, 1, CS_DS_UNORDERED, NULL, NULL},
};
static const cs_ds_schema schema = {"dstest", groups, NG, G_MSG, G_CHILD, 0, G_HDR};

static void set(cs_dataset *ds, int g, uint32_t r, int f, const char *s)
{
    cs_ds_set_text(ds, g, r, f, s, strlen(s), CS_DS_TEXT_ISO);
}

static void test_text_parsing(void **state)
{
    (void)state;
    cs_dataset ds;
    cs_ds_init(&ds, &schema);
    uint32_t m = cs_ds_add_row(&ds, G_MSG, 0, 0, 0);
    uint32_t c = cs_ds_add_row(&ds, G_CHILD, m, 0, 3);
    assert_int_equal(cs_ds_cell(&ds, G_CHILD, c, 1)->kind, CS_V_ABSENT);
    set(&ds, G_CHILD, c, 0, "  C1  ");
    assert_int_equal(cs_ds_cell(&ds, G_CHILD, c, 0)->kind, CS_V_STR);
    assert_string_equal(cs_ds_cell(&ds, G_CHILD, c, 0)->s, "C1");
    set(&ds, G_CHILD, c, 1, "2020-02-29");
    assert_int_equal(cs_ds_cell(&ds, G_CHILD, c, 1)->kind, CS_V_DATE);
    assert_int_equal(cs_ds_cell(&ds, G_CHILD, c, 1)->i, cs_date_from_ymd(2020, 2, 29));
    set(&ds, G_CHILD, c, 1, "2021-02-29");   /* not a real date */
    assert_int_equal(cs_ds_cell(&ds, G_CHILD, c, 1)->kind, CS_V_INVALID);
    assert_string_equal(cs_ds_cell(&ds, G_CHILD, c, 1)->s, "2021-02-29");
    cs_ds_set_text(&ds, G_CHILD, c, 1, "31/03/2025", 10, CS_DS_TEXT_DMY);
    assert_int_equal(cs_ds_cell(&ds, G_CHILD, c, 1)->i, cs_date_from_ymd(2025, 3, 31));
    set(&ds, G_CHILD, c, 1, "   ");
    assert_int_equal(cs_ds_cell(&ds, G_CHILD, c, 1)->kind, CS_V_ABSENT);
    set(&ds, G_CHILD, c, 3, "TRUE");
    assert_int_equal(cs_ds_cell(&ds, G_CHILD, c, 3)->kind, CS_V_BOOL);
    assert_int_equal(cs_ds_cell(&ds, G_CHILD, c, 3)->i, 1);
    assert_string_equal(cs_ds_cell(&ds, G_CHILD, c, 3)->s, "TRUE");
    set(&ds, G_CHILD, c, 3, "0");
    assert_int_equal(cs_ds_cell(&ds, G_CHILD, c, 3)->i, 0);
    set(&ds, G_CHILD, c, 3, "yes");
    assert_int_equal(cs_ds_cell(&ds, G_CHILD, c, 3)->kind, CS_V_INVALID);
    uint32_t h = cs_ds_add_row(&ds, G_HDR, m, 0, 1);
    set(&ds, G_HDR, h, 0, "-2026");
    assert_int_equal(cs_ds_cell(&ds, G_HDR, h, 0)->i, -2026);
    set(&ds, G_HDR, h, 0, "99999999999");   /* overflow */
    assert_int_equal(cs_ds_cell(&ds, G_HDR, h, 0)->kind, CS_V_INVALID);
    set(&ds, G_HDR, h, 0, "12a");
    assert_int_equal(cs_ds_cell(&ds, G_HDR, h, 0)->kind, CS_V_INVALID);
    /* codes are interned: same text, same pointer */
    uint32_t c2 = cs_ds_add_row(&ds, G_CHILD, m, 0, 9);
    set(&ds, G_CHILD, c, 2, "M");
    set(&ds, G_CHILD, c2, 2, "M");
    assert_ptr_equal(cs_ds_cell(&ds, G_CHILD, c, 2)->s, cs_ds_cell(&ds, G_CHILD, c2, 2)->s);
    cs_ds_set_str(&ds, G_CHILD, c2, 0, "");
    assert_int_equal(cs_ds_cell(&ds, G_CHILD, c2, 0)->kind, CS_V_ABSENT);
    cs_ds_set_date(&ds, G_CHILD, c2, 1, CS_DATE_NONE);
    assert_int_equal(cs_ds_cell(&ds, G_CHILD, c2, 1)->kind, CS_V_ABSENT);
    cs_ds_set_bool(&ds, G_CHILD, c2, 3, 7);
    assert_int_equal(cs_ds_cell(&ds, G_CHILD, c2, 3)->i, 1);
    cs_ds_free(&ds);
}

/* children added out of order: finalize groups them by parent and orders
 * episodes by Start (blank last), stably */
static void build(cs_dataset *ds)
{
    cs_ds_init(ds, &schema);
    uint32_t m = cs_ds_add_row(ds, G_MSG, 0, 0, 0);
    cs_ds_add_row(ds, G_HDR, m, 0, 1);
    uint32_t a = cs_ds_add_row(ds, G_CHILD, m, 1, 10);
    uint32_t b = cs_ds_add_row(ds, G_CHILD, m, 1, 20);
    set(ds, G_CHILD, a, 0, "A");
    set(ds, G_CHILD, b, 0, "B");
    uint32_t eb1 = cs_ds_add_row(ds, G_EP, b, 1, 21);
    set(ds, G_EP, eb1, 0, "2024-05-01");
    set(ds, G_EP, eb1, 1, "b-late");
    uint32_t ea1 = cs_ds_add_row(ds, G_EP, a, 1, 11);
    set(ds, G_EP, ea1, 1, "a-blank");
    uint32_t ea2 = cs_ds_add_row(ds, G_EP, a, 1, 12);
    set(ds, G_EP, ea2, 0, "2024-06-01");
    set(ds, G_EP, ea2, 1, "a-june");
    uint32_t ea3 = cs_ds_add_row(ds, G_EP, a, 1, 13);
    set(ds, G_EP, ea3, 0, "2024-01-01");
    set(ds, G_EP, ea3, 1, "a-jan");
    uint32_t eb2 = cs_ds_add_row(ds, G_EP, b, 1, 22);
    set(ds, G_EP, eb2, 0, "2024-05-01");   /* tie with eb1: stays after it */
    set(ds, G_EP, eb2, 1, "b-tie");
    uint32_t r1 = cs_ds_add_row(ds, G_REV, ea2, 1, 14);
    set(ds, G_REV, r1, 0, "2024-07-01");
    uint32_t r2 = cs_ds_add_row(ds, G_REV, eb2, 1, 23);
    set(ds, G_REV, r2, 0, "2024-08-01");
    uint32_t r3 = cs_ds_add_row(ds, G_REV, ea2, 1, 15);
    set(ds, G_REV, r3, 0, "2024-09-01");
}

static const char *kind_of(const cs_dataset *ds, uint32_t ep)
{
    return cs_ds_cell_c(ds, G_EP, ep, 1)->s;
}

static void test_finalize_and_navigation(void **state)
{
    (void)state;
    cs_dataset ds;
    build(&ds);
    cs_diag d;
    assert_int_equal(cs_ds_finalize(&ds, &d), CS_OK);
    assert_int_equal(cs_ds_finalize(&ds, &d), CS_OK);   /* idempotent */
    assert_int_equal(cs_ds_count(&ds, G_EP), 5);
    uint32_t first, n;
    cs_ds_children(&ds, G_EP, 0, &first, &n);   /* child A */
    assert_int_equal(n, 3);
    assert_string_equal(kind_of(&ds, first), "a-jan");
    assert_string_equal(kind_of(&ds, first + 1), "a-june");
    assert_string_equal(kind_of(&ds, first + 2), "a-blank");
    cs_ds_children(&ds, G_EP, 1, &first, &n);   /* child B */
    assert_int_equal(n, 2);
    assert_string_equal(kind_of(&ds, first), "b-late");
    assert_string_equal(kind_of(&ds, first + 1), "b-tie");
    /* reviews follow their (re-sorted) episodes */
    uint32_t june = 1;
    cs_ds_children(&ds, G_REV, june, &first, &n);
    assert_int_equal(n, 2);
    assert_int_equal(cs_ds_cell_c(&ds, G_REV, first, 0)->i, cs_date_from_ymd(2024, 7, 1));
    assert_int_equal(cs_ds_cell_c(&ds, G_REV, first + 1, 0)->i, cs_date_from_ymd(2024, 9, 1));
    assert_int_equal(ds.rows[G_REV].line[first], 14);
    assert_int_equal(cs_ds_ancestor(&ds, G_REV, first, G_CHILD), 0);
    assert_int_equal(cs_ds_ancestor(&ds, G_REV, 2, G_CHILD), 1);
    assert_int_equal(cs_ds_ancestor(&ds, G_REV, first, G_REV), first);
    assert_int_equal(cs_ds_ancestor(&ds, G_HDR, 0, G_CHILD), UINT32_MAX);
    assert_int_equal(cs_ds_child_row(&ds, G_EP, 4), 1);
    assert_int_equal(cs_ds_child_row(&ds, G_HDR, 0), UINT32_MAX);
    assert_string_equal(cs_ds_child_id(&ds, G_REV, 2), "B");
    assert_string_equal(cs_ds_child_id(&ds, G_HDR, 0), "");
    assert_int_equal(cs_ds_position(&ds, G_EP, 1), 2);
    assert_int_equal(cs_ds_position(&ds, G_EP, 4), 2);
    assert_int_equal(cs_ds_position(&ds, G_CHILD, 1), 2);
    char buf[128];
    cs_ds_record_path(&ds, G_REV, first + 1, buf, sizeof buf);
    assert_string_equal(buf, "Ep[2]/Review[2]");
    cs_ds_record_path(&ds, G_CHILD, 1, buf, sizeof buf);
    assert_string_equal(buf, "");
    cs_ds_record_path(&ds, G_HDR, 0, buf, sizeof buf);
    assert_string_equal(buf, "Header[1]");
    size_t w = cs_ds_record_path(&ds, G_REV, first + 1, buf, 6);   /* truncated, terminated */
    assert_int_equal(w, 5);
    assert_string_equal(buf, "Ep[2]");
    cs_ds_free(&ds);
}

static void test_finalize_bad_parent(void **state)
{
    (void)state;
    cs_dataset ds;
    cs_ds_init(&ds, &schema);
    cs_ds_add_row(&ds, G_MSG, 0, 0, 0);
    cs_ds_add_row(&ds, G_CHILD, 5, 0, 0);   /* parent row 5 does not exist */
    cs_diag d;
    cs_diag_clear(&d);
    assert_int_not_equal(cs_ds_finalize(&ds, &d), CS_OK);
    assert_non_null(strstr(d.msg, "parent row 5"));
    cs_ds_free(&ds);
}

static void test_lookups_and_index(void **state)
{
    (void)state;
    assert_int_equal(cs_ds_group_find(&schema, "Child"), G_CHILD);
    assert_int_equal(cs_ds_group_find(&schema, "ChildIdentifiers"), G_CHILD);
    assert_int_equal(cs_ds_group_find(&schema, "child"), -1);
    assert_int_equal(cs_ds_field_find(&schema, G_EP, "Kind"), 1);
    assert_int_equal(cs_ds_field_find(&schema, G_EP, "Nope"), -1);
    assert_int_equal(cs_ds_field_find(&schema, 99, "Kind"), -1);
    cs_dataset ds;
    build(&ds);
    cs_diag d;
    assert_int_equal(cs_ds_finalize(&ds, &d), CS_OK);
    cs_ds_index *ix = cs_ds_index_build(&ds);
    assert_int_equal(cs_ds_index_find(ix, "A"), 0);
    assert_int_equal(cs_ds_index_find(ix, "B"), 1);
    assert_int_equal(cs_ds_index_find(ix, "C"), UINT32_MAX);
    assert_int_equal(cs_ds_index_find(ix, ""), UINT32_MAX);
    assert_int_equal(cs_ds_index_find(ix, NULL), UINT32_MAX);
    cs_ds_index_free(ix);
    cs_ds_index_free(NULL);
    assert_int_equal(cs_ds_add_file(&ds, "a.xml"), 1);
    assert_int_equal(cs_ds_add_file(&ds, "b.xml"), 2);
    assert_int_equal(cs_ds_add_file(&ds, "a.xml"), 1);
    assert_string_equal(ds.files[2], "b.xml");
    cs_ds_free(&ds);
}

static void test_many_rows(void **state)
{
    (void)state;
    cs_dataset ds;
    cs_ds_init(&ds, &schema);
    uint32_t m = cs_ds_add_row(&ds, G_MSG, 0, 0, 0);
    char id[16];
    for (int i = 0; i < 5000; i++) {
        uint32_t c = cs_ds_add_row(&ds, G_CHILD, m, 0, (uint32_t)i);
        snprintf(id, sizeof id, "C%d", i);
        cs_ds_set_str(&ds, G_CHILD, c, 0, id);
        for (int k = 0; k < 3; k++) {
            uint32_t e = cs_ds_add_row(&ds, G_EP, c, 0, 0);
            cs_ds_set_date(&ds, G_EP, e, 0, cs_date_from_ymd(2024, 1, 3 - k));
        }
    }
    cs_diag d;
    assert_int_equal(cs_ds_finalize(&ds, &d), CS_OK);
    cs_ds_index *ix = cs_ds_index_build(&ds);
    assert_int_equal(cs_ds_index_find(ix, "C4321"), 4321);
    cs_ds_index_free(ix);
    uint32_t first, n;
    cs_ds_children(&ds, G_EP, 4321, &first, &n);
    assert_int_equal(first, 4321 * 3);
    assert_int_equal(n, 3);
    assert_int_equal(cs_ds_cell_c(&ds, G_EP, first, 0)->i, cs_date_from_ymd(2024, 1, 1));
    cs_ds_free(&ds);
}

/* A parent with a long run (sorted by qsort) and one with a short run
 * (sorted in place), episodes given in a scrambled order with ties and
 * blanks: the order a stable sort by Start gives, blanks last; rows given in
 * order keep it and their cells. */
static void test_finalize_long_and_short_runs(void **state)
{
    (void)state;
    cs_dataset ds;
    cs_ds_init(&ds, &schema);
    uint32_t m = cs_ds_add_row(&ds, G_MSG, 0, 0, 0);
    uint32_t a = cs_ds_add_row(&ds, G_CHILD, m, 0, 1);
    uint32_t b = cs_ds_add_row(&ds, G_CHILD, m, 0, 2);
    enum { NA = 40, NB = 6 };
    for (uint32_t i = 0; i < NA + NB; i++) {
        int in_a = i % 7 != 3 || i >= 7 * NB;   /* b's rows spread among a's */
        uint32_t e = cs_ds_add_row(&ds, G_EP, in_a ? a : b, 0, 100 + i);
        int day = (int)((i * 17) % 5);   /* five dates, each many times */
        if (i % 11 == 0)
            continue;   /* blank Start */
        cs_ds_set_date(&ds, G_EP, e, 0, cs_date_from_ymd(2024, 1, 1 + day));
    }
    cs_diag d;
    assert_int_equal(cs_ds_finalize(&ds, &d), CS_OK);
    for (uint32_t c = 0; c < 2; c++) {
        uint32_t first, n;
        cs_ds_children(&ds, G_EP, c, &first, &n);
        assert_int_equal(n, c == 0 ? NA : NB);
        for (uint32_t k = first + 1; k < first + n; k++) {
            const cs_value *p = cs_ds_cell_c(&ds, G_EP, k - 1, 0), *q = cs_ds_cell_c(&ds, G_EP, k, 0);
            int pb = p->kind == CS_V_ABSENT, qb = q->kind == CS_V_ABSENT;
            assert_true(pb <= qb);   /* blanks last */
            if (pb == qb && (pb || p->i == q->i))   /* ties keep the order given */
                assert_true(ds.rows[G_EP].line[k - 1] < ds.rows[G_EP].line[k]);
            else if (!pb && !qb)
                assert_true(p->i < q->i);
        }
    }
    /* in order already: kept as given */
    cs_dataset in;
    cs_ds_init(&in, &schema);
    m = cs_ds_add_row(&in, G_MSG, 0, 0, 0);
    a = cs_ds_add_row(&in, G_CHILD, m, 0, 1);
    for (uint32_t i = 0; i < 30; i++) {
        uint32_t e = cs_ds_add_row(&in, G_EP, a, 0, 10 + i);
        cs_ds_set_date(&in, G_EP, e, 0, cs_date_from_ymd(2024, 2, 1 + (int)i / 2));
        set(&in, G_EP, e, 1, i % 2 ? "odd" : "even");
    }
    assert_int_equal(cs_ds_finalize(&in, &d), CS_OK);
    for (uint32_t i = 0; i < 30; i++) {
        assert_int_equal(in.rows[G_EP].line[i], 10 + i);
        assert_string_equal(cs_ds_cell_c(&in, G_EP, i, 1)->s, i % 2 ? "odd" : "even");
    }
    cs_ds_free(&in);
    cs_ds_free(&ds);
}

static void test_format(void **state)
{
    (void)state;
    char buf[32];
    cs_value v = {CS_V_DATE, cs_date_from_ymd(2025, 3, 31), NULL};
    cs_value_format(&v, 0, buf, sizeof buf);
    assert_string_equal(buf, "2025-03-31");
    cs_value_format(&v, 1, buf, sizeof buf);
    assert_string_equal(buf, "31/03/2025");
    v = (cs_value){CS_V_INT, -12, NULL};
    cs_value_format(&v, 0, buf, sizeof buf);
    assert_string_equal(buf, "-12");
    v = (cs_value){CS_V_INVALID, 0, "2025-13-01"};
    cs_value_format(&v, 0, buf, sizeof buf);
    assert_string_equal(buf, "2025-13-01");
    v = (cs_value){CS_V_ABSENT, 0, NULL};
    assert_int_equal(cs_value_format(&v, 0, buf, sizeof buf), 0);
    assert_string_equal(buf, "");
    v = (cs_value){CS_V_BOOL, 1, NULL};
    cs_value_format(&v, 0, buf, sizeof buf);
    assert_string_equal(buf, "true");
    v = (cs_value){CS_V_STR, 0, "ABCDEFGHIJ"};
    assert_int_equal(cs_value_format(&v, 0, buf, 4), 3);
    assert_string_equal(buf, "ABC");
}

static void test_registry(void **state)
{
    (void)state;
    size_t before = cs_schema_count();
    assert_null(cs_schema_find("dstest"));
    assert_null(cs_schema_find(NULL));
    assert_true(cs_schema_register(&schema));
    assert_true(cs_schema_register(&schema));   /* twice is fine */
    assert_ptr_equal(cs_schema_find("dstest"), &schema);
    assert_int_equal(cs_schema_count(), before + 1);
    assert_ptr_equal(cs_schema_at(0), &schema);
    assert_null(cs_schema_at(before + 5));
    cs_schema_unregister_all();
    assert_null(cs_schema_find("dstest"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_parsing),
        cmocka_unit_test(test_finalize_and_navigation),
        cmocka_unit_test(test_finalize_bad_parent),
        cmocka_unit_test(test_lookups_and_index),
        cmocka_unit_test(test_many_rows),
        cmocka_unit_test(test_finalize_long_and_short_runs),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_registry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
