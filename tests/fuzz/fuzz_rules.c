/* libFuzzer target: rule-file text -> lexer, parser, checker, compiler
 * against the rule tests' schema; when it compiles, the rules also run over
 * a small dataset with absent, invalid and ordered rows and last year's
 * return, so the VM sees every program the compiler can produce. Any input
 * must end in a compiled set or a list of positioned errors, never a crash,
 * a leak or a hang. The seed corpus is plain rule files. */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/rules_schema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void sv(cs_dataset *ds, int g, uint32_t r, int f, const char *text)
{
    cs_ds_set_text(ds, g, r, f, text, strlen(text), CS_DS_TEXT_ISO);
}

static void build(cs_dataset *ds, int last)
{
    cs_ds_init(ds, &rt_schema);
    uint32_t m = cs_ds_add_row(ds, RG_MSG, 0, 0, 0);
    uint32_t h = cs_ds_add_row(ds, RG_HDR, m, 0, 0);
    sv(ds, RG_HDR, h, H_REF, "2026-03-31");
    sv(ds, RG_HDR, h, H_YEAR, last ? "2025" : "x");
    for (int c = 0; c < 3; c++) {
        uint32_t ch = cs_ds_add_row(ds, RG_CHILD, m, 0, 0);
        sv(ds, RG_CHILD, ch, C_ID, c == 2 ? "C9" : c ? "C2" : "C1");
        sv(ds, RG_CHILD, ch, C_UPN, c ? "A123456789012" : "bad");
        sv(ds, RG_CHILD, ch, C_DOB, c == 1 ? "2021-02-30" : "2012-06-01");
        sv(ds, RG_CHILD, ch, C_SEX, c ? "M" : "");
        for (int e = 0; e < c + 1; e++) {
            uint32_t ep = cs_ds_add_row(ds, RG_CIN, ch, 0, 0);
            sv(ds, RG_CIN, ep, E_REF, e ? "2025-06-01" : "2024-01-31");
            sv(ds, RG_CIN, ep, E_NFA, e ? "true" : "maybe");
            uint32_t p = cs_ds_add_row(ds, RG_CPP, ep, 0, 0);
            sv(ds, RG_CPP, p, P_START, "2025-07-01");
            sv(ds, RG_CPP, p, P_PREV, e ? "1" : "");
            uint32_t r = cs_ds_add_row(ds, RG_REV, p, 0, 0);
            sv(ds, RG_REV, r, R_DATE, "2025-08-01");
            uint32_t x = cs_ds_add_row(ds, RG_EP, ch, 0, 0);
            sv(ds, RG_EP, x, EP_DECOM, e ? "2025-05-01" : "2025-04-01");
            sv(ds, RG_EP, x, EP_DEC, e ? "" : "2025-05-01");
            sv(ds, RG_EP, x, EP_REC, e ? "" : "X1");
        }
        cs_ds_add_row(ds, RG_DIS, ch, 0, 0);
    }
    cs_diag d;
    cs_ds_finalize(ds, &d);
}

static void on_finding(void *user, const cs_rule *r, int g, uint32_t row)
{
    (void)r;
    (void)g;
    (void)row;
    ++*(size_t *)user;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 64 * 1024)
        return 0;
    cs_ruleset_opts o;
    memset(&o, 0, sizeof o);
    o.text = (const char *)data;
    o.text_len = size;
    o.text_name = "fuzz.rules";
    o.schema = &rt_schema;
    o.year = "2025-26";
    cs_rule_errors errs;
    cs_rule_errors_init(&errs);
    cs_ruleset *rs = NULL;
    cs_diag d;
    cs_status st = cs_ruleset_load(&rs, &o, &errs, &d);
    if (st != CS_OK) {
        /* every error names a position inside the text or none */
        for (size_t i = 0; i < errs.count; i++)
            if (!errs.items[i].text || !errs.items[i].message)
                abort();
        if (rs || errs.count == 0)
            abort();
    } else {
        cs_dataset ds, last;
        build(&ds, 0);
        build(&last, 1);
        size_t hits = 0;
        cs_rule_sink sink = {on_finding, NULL, &hits};
        cs_rules_context c;
        cs_rules_context_init(&c, rs);
        cs_rules_run(rs, &ds, &c, &sink, &d);
        c.last = &last;
        cs_rules_run(rs, &ds, &c, &sink, &d);
        for (size_t i = 0; i < cs_ruleset_count(rs); i++)
            free(cs_rule_explain(rs, cs_ruleset_rule(rs, i)));
        cs_ds_free(&ds);
        cs_ds_free(&last);
    }
    cs_rule_errors_free(&errs);
    cs_ruleset_free(rs);
    return 0;
}
