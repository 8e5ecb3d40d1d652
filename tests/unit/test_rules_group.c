/* A group's rules run as one program per row (vm.c). The rules below use each
 * kind of compiled test (fused field tests, comparisons, sets, and/or/not, if,
 * lets, defines, prev/next, aggregates with and without `where`, and/or as
 * values rather than jumps). Each must report exactly the episodes worked out
 * by hand from the fixture, both when the rules run as one group program and
 * when it runs alone, so a form that compiles wrongly in both modes fails as
 * surely as code addresses that were not moved with a rule. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_schema.h"

static const char *const group_rules[] = {
    "rule G01 error on Episodes \"m\" when present(DEC) require DEC >= DECOM",
    "rule G02 error on Episodes \"m\" when absent(URN) and RNE = \"P\" require LS in {\"C2\", \"V2\"}",
    "rule G03 error on Episodes \"m\" when not (PLACE in {\"R1\", \"A3\"}) or REC = \"E11\" "
    "require present(PL_POST)",
    "rule G04 error on Episodes \"m\" when DECOM < 2025-06-01 require not (LS = \"V2\")",
    "rule G05 error on Episodes \"m\" when LS not in {\"V2\", \"V4\"} require present(prev) or RNE = \"S\"",
    "rule G06 error on Episodes \"m\" let n = count(Episodes) when n > 1 "
    "require any(e in Episodes where e != this and e.LS = LS)",
    "rule G07 error on Episodes \"m\" require count(e in Episodes where e.DECOM < DECOM) < 2",
    "rule G08 error on Episodes \"m\" require if(present(DEC), DEC - DECOM < 200, RNE != \"T\")",
    "define open_in(c) = any(e in c.Episodes where absent(e.DEC))\n"
    "rule G09 error on Episodes \"m\" when open_in(Child) and absent(next) require absent(DEC)",
    "rule G10 error on Episodes \"m\" when (RNE = \"L\" or RNE = \"P\") and not absent(URN) "
    "require URN != \"SC000001\"",
    "rule G11 error on Episodes \"m\" require all(e in Episodes where e.DECOM <= DECOM or "
    "present(e.RNE))",
    "rule G12 error on Episodes \"m\" when present(prev) require prev.DEC = DECOM",
    "rule G13 error on Episodes \"m\" when absent(next) and not present(prev) require RNE = \"S\"",
    "rule G14 error on Episodes \"m\" require (RNE = \"P\" and present(URN)) = "
    "(present(PL_POST) or LS = \"V2\")",
};
enum { NRULES = sizeof group_rules / sizeof group_rules[0] };

/* Child, then DECOM, DEC, RNE, LS, PLACE, REC, URN, PL_POST of each episode, in
 * DECOM order within the child; NULL = blank. The comment names the episode as
 * the expected findings below do: child[position among the child's episodes]. */
static const char *const episodes[][9] = {
    {"C1", "2025-04-10", "2025-05-20", "S", "C2", "R1", "E11", NULL, "AB1 2CD"},      /* C1[1] */
    {"C1", "2025-05-20", "2025-09-01", "P", "V2", "A3", NULL, "SC000001", NULL},      /* C1[2] */
    {"C1", "2025-09-03", NULL, "L", "C2", "U1", NULL, NULL, NULL},                    /* C1[3] */
    {"C2", "2025-03-01", "2025-04-02", "T", "V4", "R1", "E12", "SC000002", "XY9 9ZZ"}, /* C2[1] */
    {"C2", "2025-04-02", NULL, "P", "C2", "K2", NULL, NULL, NULL},                    /* C2[2] */
    {"C3", "2025-07-07", "2026-01-23", "B", "J1", NULL, "E11", NULL, NULL},           /* C3[1] */
    {"C4", "2025-05-01", NULL, "P", "J2", "R1", NULL, NULL, NULL},                    /* C4[1] */
    {"C4", "2025-06-10", "2025-06-05", NULL, "J2", "A3", NULL, NULL, NULL},           /* C4[2] */
    {"C5", "2025-06-01", NULL, "T", "V2", "R1", "E11", NULL, NULL},                   /* C5[1] */
    {"C6", "2025-10-01", "2025-10-01", "S", "C2", "R1", "E12", NULL, NULL},           /* C6[1] */
};
enum { NEPISODES = sizeof episodes / sizeof episodes[0] };

/* The episodes each rule must report, worked out by hand from the fixture
 * (a comparison with a blank value is false, so a blank never satisfies one).
 * C3[1] (200 days long), C5[1] (starts 2025-06-01) and C6[1] (DEC = DECOM) sit
 * on the limits of G08, G04 and G01, so `<` run as `<=` or `>=` as `>` shows. */
static const struct {
    const char *code, *fires;
} expected[NRULES] = {
    /* only C4[2] has a DEC (06-05) before its DECOM (06-10); C6[1] ends the day it starts */
    {"G01", "C4[2]"},
    /* blank URN and RNE P: C2[2] (LS C2, passes) and C4[1] (LS J2, fires) */
    {"G02", "C4[1]"},
    /* PLACE not R1/A3 (U1, K2, blank) or REC E11 (C1[1], C5[1]) and no PL_POST;
     * C1[1] has a PL_POST, C5[1] applies only through REC */
    {"G03", "C1[3] C2[2] C3[1] C5[1]"},
    /* DECOM before 2025-06-01 with LS V2: only C1[2] (05-20); C5[1] starts on 06-01 */
    {"G04", "C1[2]"},
    /* LS not V2/V4, no previous episode and RNE not S: C3[1] (B), C4[1] (P);
     * C1[1] and C6[1] are first but RNE S */
    {"G05", "C3[1] C4[1]"},
    /* children with 2+ episodes, LS of no sibling: C1[2] V2, C2's V4 and C2 */
    {"G06", "C1[2] C2[1] C2[2]"},
    /* two of the child's episodes start earlier: only C1[3] */
    {"G07", "C1[3]"},
    /* C3[1] ends 200 days after it starts (not < 200); C5[1] is open with RNE T */
    {"G08", "C3[1] C5[1]"},
    /* last episode of a child with an open episode has a DEC: C4[2] (C4[1] open) */
    {"G09", "C4[2]"},
    /* RNE L/P with URN SC000001: C1[2] (C1[3], C2[2] and C4[1] have no URN) */
    {"G10", "C1[2]"},
    /* a later episode of the child has a blank RNE: C4[1] (C4[2] starts later) */
    {"G11", "C4[1]"},
    /* DECOM differs from the previous DEC: C1[3] (09-03 vs 09-01), C4[2] (blank) */
    {"G12", "C1[3] C4[2]"},
    /* only episode of the child and RNE not S: C3[1] (B), C5[1] (T); C6[1] is S */
    {"G13", "C3[1] C5[1]"},
    /* one side true, the other false: C1[1], C2[1] (RNE not P, PL_POST given),
     * C5[1] (RNE T, LS V2); C1[2] has both true (P with a URN, LS V2) */
    {"G14", "C1[1] C2[1] C5[1]"},
};

static void sv(cs_dataset *ds, int g, uint32_t r, int f, const char *text)
{
    if (text)
        cs_ds_set_text(ds, g, r, f, text, strlen(text), CS_DS_TEXT_ISO);
}

static void build(cs_dataset *ds)
{
    cs_ds_init(ds, &rt_schema);
    uint32_t m = cs_ds_add_row(ds, RG_MSG, 0, 0, 0);
    const char *child = NULL;
    uint32_t c = 0;
    for (size_t i = 0; i < NEPISODES; i++) {
        const char *const *e = episodes[i];
        if (!child || strcmp(child, e[0]) != 0) {
            child = e[0];
            c = cs_ds_add_row(ds, RG_CHILD, m, 0, 0);
            sv(ds, RG_CHILD, c, C_ID, child);
        }
        uint32_t r = cs_ds_add_row(ds, RG_EP, c, 0, 0);
        for (int f = EP_DECOM; f <= EP_POST; f++)
            sv(ds, RG_EP, r, f, e[1 + f]);
    }
    cs_diag d;
    assert_int_equal(cs_ds_finalize(ds, &d), CS_OK);
}

/* The episodes rule `code` reported, as "C1[3] C4[2]" in report order;
 * returns how many. */
static size_t findings_of(const cs_dataset *ds, const cs_rule_hits *h, const char *code,
                          char *buf, size_t n)
{
    size_t w = 0, count = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < h->count; i++) {
        if (strcmp(h->items[i].rule->code, code) != 0)
            continue;
        assert_int_equal(h->items[i].group, RG_EP);
        uint32_t row = h->items[i].row;
        w += (size_t)snprintf(buf + w, n - w, "%s%s[%u]", count ? " " : "",
                              cs_ds_child_id(ds, RG_EP, row),
                              (unsigned)cs_ds_position(ds, RG_EP, row));
        assert_true(w < n);
        count++;
    }
    return count;
}

/* Runs the rules in text over ds; the hits point into the returned set. */
static cs_ruleset *run(const char *text, const cs_dataset *ds, cs_rule_hits *h)
{
    cs_ruleset *rs = rt_compile(text, "2025-26");
    assert_non_null(rs);
    cs_rules_context c;
    cs_rules_context_init(&c, rs);
    cs_rule_hits_init(h);
    cs_rule_sink sink = cs_rule_hits_sink(h);
    cs_diag d;
    cs_diag_clear(&d);
    assert_int_equal(cs_rules_run(rs, ds, &c, &sink, &d), CS_OK);
    return rs;
}

static void test_group_and_alone_find_the_hand_worked_rows(void **state)
{
    (void)state;
    cs_dataset ds;
    build(&ds);
    char all[8192];
    size_t w = 0;
    for (int i = 0; i < NRULES; i++)
        w += (size_t)snprintf(all + w, sizeof all - w, "%s\n", group_rules[i]);
    assert_true(w < sizeof all);
    cs_rule_hits together;
    cs_ruleset *rs_all = run(all, &ds, &together);
    size_t total = 0;
    for (int i = 0; i < NRULES; i++) {
        const char *code = expected[i].code;
        assert_non_null(strstr(group_rules[i], code));
        cs_rule_hits alone;
        cs_ruleset *rs_one = run(group_rules[i], &ds, &alone);
        char a[256], t[256];
        size_t na = findings_of(&ds, &alone, code, a, sizeof a);
        size_t nt = findings_of(&ds, &together, code, t, sizeof t);
        if (strcmp(a, t) != 0 || strcmp(t, expected[i].fires) != 0)
            fprintf(stderr, "%s: expected \"%s\", alone \"%s\", with the others \"%s\"\n", code,
                    expected[i].fires, a, t);
        assert_string_equal(a, t);
        assert_string_equal(t, expected[i].fires);
        /* each rule both fires and passes on the fixture, so its row set means something */
        assert_true(na > 0 && na < NEPISODES);
        assert_int_equal(alone.count, na);
        total += nt;
        cs_rule_hits_free(&alone);
        cs_ruleset_free(rs_one);
    }
    /* the group run reported nothing besides the rules' own findings */
    assert_int_equal(together.count, total);
    cs_rule_hits_free(&together);
    cs_ruleset_free(rs_all);
    cs_ds_free(&ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_group_and_alone_find_the_hand_worked_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
