/* A group's rules run as one program per row (vm.c): every rule must find
 * the same rows there as when it is the only rule of its set, whatever
 * comes before it. The rules below use each kind of compiled test (fused
 * field tests, comparisons, sets, and/or/not, if, lets, defines, prev/next,
 * aggregates with and without `where`), so code addresses that were not
 * moved with a rule, or a test compiled differently as a jump, show up as
 * different findings. */
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
};
enum { NRULES = sizeof group_rules / sizeof group_rules[0] };

static void sv(cs_dataset *ds, int g, uint32_t r, int f, const char *text)
{
    if (text)
        cs_ds_set_text(ds, g, r, f, text, strlen(text), CS_DS_TEXT_ISO);
}

/* DECOM, DEC, RNE, LS, PLACE, REC, URN, PL_POST of each episode; NULL = blank */
static const char *const episodes[][9] = {
    {"C1", "2025-04-10", "2025-05-20", "S", "C2", "R1", "E11", NULL, "AB1 2CD"},
    {"C1", "2025-05-20", "2025-09-01", "P", "V2", "A3", NULL, "SC000001", NULL},
    {"C1", "2025-09-03", NULL, "L", "C2", "U1", NULL, NULL, NULL},
    {"C2", "2025-03-01", "2025-04-02", "T", "V4", "R1", "E12", "SC000002", "XY9 9ZZ"},
    {"C2", "2025-04-02", NULL, "P", "C2", "K2", NULL, NULL, NULL},
    {"C3", "2025-07-07", "2026-03-01", "B", "J1", NULL, "E11", NULL, NULL},
};

static void build(cs_dataset *ds)
{
    cs_ds_init(ds, &rt_schema);
    uint32_t m = cs_ds_add_row(ds, RG_MSG, 0, 0, 0);
    const char *child = NULL;
    uint32_t c = 0;
    for (size_t i = 0; i < sizeof episodes / sizeof episodes[0]; i++) {
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

/* Rows rule `code` fired on, as a bit set of episode rows. */
static unsigned rows_of(const cs_rule_hits *h, const char *code)
{
    unsigned bits = 0;
    for (size_t i = 0; i < h->count; i++)
        if (strcmp(h->items[i].rule->code, code) == 0)
            bits |= 1u << h->items[i].row;
    return bits;
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

static void test_group_matches_rule_alone(void **state)
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
    unsigned fired_any = 0, quiet_any = 0;
    for (int i = 0; i < NRULES; i++) {
        char code[8];
        snprintf(code, sizeof code, "G%02d", i + 1);
        cs_rule_hits alone;
        cs_ruleset *rs_one = run(group_rules[i], &ds, &alone);
        unsigned a = rows_of(&alone, code), t = rows_of(&together, code);
        if (a != t)
            fprintf(stderr, "%s: alone rows %#x, with the others %#x\n", code, a, t);
        assert_int_equal(a, t);
        fired_any |= a;
        quiet_any |= ~a & 0x3fu;
        cs_rule_hits_free(&alone);
        cs_ruleset_free(rs_one);
    }
    /* the rules both fire and pass on these rows, so the comparison means something */
    assert_true(fired_any != 0);
    assert_true(quiet_any != 0);
    /* a few by hand: G01 on no row (every DEC >= DECOM), G12 on C1's third episode
     * (DECOM 2025-09-03, the one before ended 2025-09-01) */
    assert_int_equal(rows_of(&together, "G01"), 0);
    assert_int_equal(rows_of(&together, "G12"), 1u << 2);
    cs_rule_hits_free(&together);
    cs_ruleset_free(rs_all);
    cs_ds_free(&ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_group_matches_rule_alone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
