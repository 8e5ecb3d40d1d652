/* bench_rules [CHILDREN] [RULES_FILE]: builds a synthetic CIN-shaped return
 * (the rule tests' schema: children, disabilities, episodes, assessments,
 * S47s, plans, reviews, and 903-style ordered episodes) of CHILDREN children
 * (default 100000, about 15 rows each), compiles about 110 rules of the
 * kinds the CIN census and 903 need (field checks, code lists, parent
 * fields, pairwise overlaps, working days, UPN shapes, prev/next, indexed
 * duplicate counts, return-level counts), and runs them once. Times are CPU
 * seconds of this process. The last line is machine-readable for
 * bench/30-rules.sh:
 *   children=<n> rows=<n> rules=<n> compile=<s> run=<s> findings=<n> rss_kb=<peak> */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "../tests/unit/rules_schema.h"
#include "util/calendar.h"

static double cpu_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static uint64_t rng = 20260331;
static uint32_t rnd(uint32_t n)
{
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)((rng >> 33) % n);
}

static void sdate(cs_dataset *ds, int g, uint32_t r, int f, cs_date d)
{
    cs_ds_set_date(ds, g, r, f, d);
}

static void scode(cs_dataset *ds, int g, uint32_t r, int f, const char *s)
{
    cs_ds_set_str(ds, g, r, f, s);
}

static const char *pick(const char *const *list, uint32_t n) { return list[rnd(n)]; }

static uint64_t build(cs_dataset *ds, uint32_t children)
{
    static const char *const eth[] = {"WBRI", "WIRI", "MWBC", "AIND", "BAFR", "CHNE", "OOTH", "X"};
    static const char *const dis[] = {"NONE", "MOB", "LD", "AUT", "COMM", "BEH"};
    static const char *const rfc[] = {"RC1", "RC7", "RC8", "RC9", "RC2"};
    static const char *const src[] = {"1A", "2A", "3A", "5A", "6", "9", "10"};
    static const char *const place[] = {"U1", "U4", "K2", "T1", "P1", "R1", "Z11"};
    static const char *const rne[] = {"S", "P", "L", "T", "U"};
    cs_ds_init(ds, &rt_schema);
    cs_date start = cs_date_from_ymd(2025, 4, 1);
    uint32_t m = cs_ds_add_row(ds, RG_MSG, 0, 0, 0);
    uint32_t h = cs_ds_add_row(ds, RG_HDR, m, 0, 0);
    cs_ds_set_int(ds, RG_HDR, h, H_YEAR, 2026);
    sdate(ds, RG_HDR, h, H_REF, cs_date_from_ymd(2026, 3, 31));
    char buf[32];
    for (uint32_t c = 0; c < children; c++) {
        uint32_t ch = cs_ds_add_row(ds, RG_CHILD, m, 0, c + 2);
        snprintf(buf, sizeof buf, "C%07u", c);
        scode(ds, RG_CHILD, ch, C_ID, buf);
        if (rnd(10)) {
            snprintf(buf, sizeof buf, "A%03u%08u%c", 201 + rnd(700), rnd(100000000),
                     rnd(5) ? '0' + (char)rnd(10) : 'A');
            scode(ds, RG_CHILD, ch, C_UPN, buf);
        }
        cs_date dob = start - 365 * 17 + (cs_date)rnd(365 * 17);
        if (rnd(50))
            sdate(ds, RG_CHILD, ch, C_DOB, dob);
        else
            sdate(ds, RG_CHILD, ch, C_EDD, start + 300);
        scode(ds, RG_CHILD, ch, C_SEX, rnd(40) ? (rnd(2) ? "M" : "F") : "U");
        scode(ds, RG_CHILD, ch, C_ETH, pick(eth, 8));
        scode(ds, RG_CHILD, ch, C_POST, rnd(8) ? "SW1A 1AA" : "bad");
        if (!rnd(3)) {
            uint32_t d = cs_ds_add_row(ds, RG_DIS, ch, 0, 0);
            scode(ds, RG_DIS, d, D_DIS, pick(dis, 6));
        }
        uint32_t neps = 1 + rnd(3);
        for (uint32_t e = 0; e < neps; e++) {
            uint32_t ep = cs_ds_add_row(ds, RG_CIN, ch, 0, 0);
            cs_date ref = start - 200 + (cs_date)rnd(500);
            sdate(ds, RG_CIN, ep, E_REF, ref);
            scode(ds, RG_CIN, ep, E_SRC, pick(src, 7));
            cs_ds_set_bool(ds, RG_CIN, ep, E_NFA, rnd(5) == 0);
            if (rnd(2)) {
                sdate(ds, RG_CIN, ep, E_CLOSE, ref + 20 + (cs_date)rnd(200));
                scode(ds, RG_CIN, ep, E_RFC, pick(rfc, 5));
            }
            uint32_t na = rnd(4);
            for (uint32_t a = 0; a < na; a++) {
                uint32_t as = cs_ds_add_row(ds, RG_ASS, ep, 0, 0);
                sdate(ds, RG_ASS, as, A_START, ref + (cs_date)rnd(30));
                if (rnd(3))
                    sdate(ds, RG_ASS, as, A_AUTH, ref + 10 + (cs_date)rnd(90));
            }
            if (!rnd(2)) {
                uint32_t s = cs_ds_add_row(ds, RG_S47, ep, 0, 0);
                sdate(ds, RG_S47, s, S_START, ref + (cs_date)rnd(20));
                if (rnd(2))
                    sdate(ds, RG_S47, s, S_ICPC, ref + 10 + (cs_date)rnd(20));
                cs_ds_set_bool(ds, RG_S47, s, S_NOTREQ, rnd(3) == 0);
            }
            if (!rnd(2)) {
                uint32_t p = cs_ds_add_row(ds, RG_CPP, ep, 0, 0);
                cs_date ps = ref + 15 + (cs_date)rnd(40);
                sdate(ds, RG_CPP, p, P_START, ps);
                if (rnd(2))
                    sdate(ds, RG_CPP, p, P_END, ps + 90 + (cs_date)rnd(200));
                cs_ds_set_int(ds, RG_CPP, p, P_PREV, (int32_t)rnd(3));
                uint32_t nr = rnd(5);
                for (uint32_t r = 0; r < nr; r++) {
                    uint32_t rv = cs_ds_add_row(ds, RG_REV, p, 0, 0);
                    sdate(ds, RG_REV, rv, R_DATE, ps + 90 * (cs_date)(r + 1) - (cs_date)rnd(5));
                }
            }
        }
        uint32_t nx = rnd(10);
        cs_date d0 = start - 400 + (cs_date)rnd(300);
        for (uint32_t x = 0; x < nx; x++) {
            uint32_t ex = cs_ds_add_row(ds, RG_EP, ch, 0, 0);
            sdate(ds, RG_EP, ex, EP_DECOM, d0);
            cs_date d1 = d0 + 10 + (cs_date)rnd(120);
            if (x + 1 < nx || rnd(2)) {
                sdate(ds, RG_EP, ex, EP_DEC, d1);
                scode(ds, RG_EP, ex, EP_REC, x + 1 < nx ? "X1" : "E4A");
            }
            scode(ds, RG_EP, ex, EP_RNE, x ? pick(rne + 1, 4) : "S");
            scode(ds, RG_EP, ex, EP_LS, rnd(10) ? "C2" : "V3");
            scode(ds, RG_EP, ex, EP_PLACE, pick(place, 7));
            if (rnd(2))
                scode(ds, RG_EP, ex, EP_URN, rnd(20) ? "SC123456" : "XXXXXXX");
            d0 = d1 + (rnd(8) ? 0 : 1);
        }
    }
    cs_diag d;
    if (cs_ds_finalize(ds, &d) != CS_OK) {
        fprintf(stderr, "bench_rules: %s\n", d.msg);
        exit(1);
    }
    uint64_t rows = 0;
    for (uint32_t g = 0; g < RG_N; g++)
        rows += cs_ds_count(ds, (int)g);
    return rows;
}

/* About 37 kinds of rule, each written three times under different codes,
 * so the set has the size of a real year's CIN rule set. */
static const char *const templates[] = {
    "rule %s error on Child \"dob in future\" when present(PersonBirthDate) require "
    "PersonBirthDate <= ReferenceDate\n",
    "rule %s query on Child \"dob or edd\" require present(PersonBirthDate) != "
    "present(ExpectedPersonBirthDate)\n",
    "rule %s error on Child \"sex\" require Sex in {\"M\", \"F\", \"U\"}\n",
    "rule %s error on Child \"ethnicity\" require Ethnicity in ethnicity\n",
    "rule %s error on Child \"upn check letter\" when matches(UPN, \"[A-Z]\\\\d{12}\") require "
    "substr(UPN, 1, 1) = upn_check_letter(UPN)\n",
    "rule %s error on Child \"upn la\" when len(UPN) = 13 require substr(UPN, 2, 3) in "
    "la_codes\n",
    "rule %s error on Child \"upn dup\" when present(UPN) require count(c in Child where c.UPN "
    "= UPN) = 1\n",
    "rule %s error on Child \"has episode\" require count(CINdetails) > 0\n",
    "rule %s query on Child \"unborn sex\" when absent(PersonBirthDate) and "
    "present(ExpectedPersonBirthDate) require Sex = \"U\"\n",
    "rule %s query on Child \"postcode\" when present(Postcode) require "
    "postcode_shape(Postcode)\n",
    "rule %s error on Child \"one open cpp\" require count(p in ChildProtectionPlans where "
    "absent(p.CPPendDate)) <= 1\n",
    "rule %s error on Child \"school age upn\" when present(PersonBirthDate) and "
    "age(PersonBirthDate, ReferenceDate) >= 6 and any(c in CINdetails where "
    "is_false(c.ReferralNFA)) require present(UPN)\n",
    "rule %s error on CINdetails \"referral date\" require present(CINreferralDate) and "
    "CINreferralDate <= ReferenceDate\n",
    "rule %s error on CINdetails \"closure in period\" when present(CINclosureDate) require "
    "in_period(CINclosureDate)\n",
    "rule %s error on CINdetails \"closure before referral\" when present(CINclosureDate) "
    "require not (CINclosureDate < CINreferralDate)\n",
    "rule %s error on CINdetails \"reason without date\" when present(ReasonForClosure) "
    "require present(CINclosureDate)\n",
    "rule %s error on CINdetails \"source\" when CINreferralDate >= 2013-04-01 require "
    "ReferralSource in {\"1A\", \"1B\", \"1C\", \"1D\", \"2A\", \"2B\", \"3A\", \"3B\", \"3C\", "
    "\"3D\", \"3E\", \"3F\", \"4\", \"5A\", \"5B\", \"5C\", \"5D\", \"6\", \"7\", \"8\", \"9\", "
    "\"10\"}\n",
    "rule %s error on CINdetails \"episodes overlap\" when present(CINreferralDate) require not "
    "any(b in CINdetails where b != this and present(b.CINreferralDate) and CINreferralDate >= "
    "b.CINreferralDate and ((present(b.CINclosureDate) and CINreferralDate < b.CINclosureDate) "
    "or (absent(b.CINclosureDate) and is_false(b.ReferralNFA) and CINreferralDate < "
    "ReferenceDate)))\n",
    "rule %s query on CINdetails \"nfa before year\" let t = add_working_days(add_days("
    "CollectionStart, -1), 1) when CINreferralDate < t require is_false(ReferralNFA)\n",
    "rule %s error on CINdetails \"rc8 activity\" when ReasonForClosure in {\"RC8\", \"RC9\"} "
    "require count(Section47) = 0 and count(ChildProtectionPlans) = 0\n",
    "rule %s error on CINdetails \"more than one open\" when absent(CINclosureDate) and "
    "is_false(ReferralNFA) require count(b in CINdetails where absent(b.CINclosureDate) and "
    "is_false(b.ReferralNFA)) <= 1\n",
    "rule %s error on Assessments \"before referral\" when present(AssessmentActualStartDate) "
    "require AssessmentActualStartDate >= parent.CINreferralDate\n",
    "rule %s query on Assessments \"45 working days\" when absent(AssessmentAuthorisationDate) "
    "require not (AssessmentActualStartDate < add_working_days(ReferenceDate, -45))\n",
    "rule %s error on Assessments \"start after end\" when present(AssessmentAuthorisationDate) "
    "require not (AssessmentActualStartDate > AssessmentAuthorisationDate)\n",
    "rule %s query on Assessments \"overlap\" require not any(b in Assessments where b != this "
    "and AssessmentActualStartDate >= b.AssessmentActualStartDate and "
    "((present(b.AssessmentAuthorisationDate) and AssessmentActualStartDate <= "
    "b.AssessmentAuthorisationDate) or (absent(b.AssessmentAuthorisationDate) and "
    "AssessmentActualStartDate <= ReferenceDate)))\n",
    "rule %s error on Section47 \"icpc weekend\" when present(DateOfInitialCPC) require not "
    "is_weekend(DateOfInitialCPC)\n",
    "rule %s query on Section47 \"15 working days\" when absent(DateOfInitialCPC) and "
    "is_false(ICPCnotRequired) require not (S47ActualStartDate < add_working_days(ReferenceDate, "
    "-15))\n",
    "rule %s error on ChildProtectionPlans \"before referral\" when present(CPPstartDate) "
    "require CPPstartDate >= CINdetails.CINreferralDate\n",
    "rule %s error on ChildProtectionPlans \"cpp overlap\" require not any(b in "
    "Child.ChildProtectionPlans where b != this and CPPstartDate >= b.CPPstartDate and "
    "((present(b.CPPendDate) and CPPstartDate <= b.CPPendDate) or (absent(b.CPPendDate) and "
    "CPPstartDate <= ReferenceDate)))\n",
    "rule %s error on ChildProtectionPlans \"previous\" require present(NumberOfPreviousCPP) and "
    "NumberOfPreviousCPP >= 0\n",
    "rule %s error on Reviews \"review before start\" require CPPreviewDate > "
    "ChildProtectionPlans.CPPstartDate\n",
    "rule %s error on Episodes \"x1 continues\" when REC = \"X1\" and present(DEC) require "
    "present(next) and next.DECOM = DEC\n",
    "rule %s error on Episodes \"continuation\" when RNE in {\"P\", \"T\", \"U\", \"B\"} and "
    "present(prev) require prev.DEC = DECOM\n",
    "rule %s error on Episodes \"short break\" when LS = \"V3\" require not (coalesce(DEC, "
    "CollectionEnd) > DECOM + 17)\n",
    "rule %s error on Episodes \"urn\" when present(URN) and URN != \"XXXXXXX\" require "
    "matches(URN, \"SC\\\\d{6}\")\n",
    "rule %s error on return \"plans vs conferences\" require count(p in ChildProtectionPlans "
    "where in_period(p.CPPstartDate)) <= count(c in Section47 where "
    "in_period(c.DateOfInitialCPC)) + count(c in CINdetails where "
    "in_period(c.DateOfInitialCPC))\n",
    "rule %s query on return \"disability codes\" require distinct(d.Disability for d in "
    "Disabilities where d.Disability != \"NONE\") > 7\n",
};

static char *rules_text(size_t *nrules)
{
    size_t n = sizeof templates / sizeof templates[0], cap = 1 << 16, w = 0;
    char *t = malloc(cap);
    *nrules = 0;
    for (int copy = 0; copy < 3; copy++)
        for (size_t i = 0; i < n; i++) {
            char code[16];
            snprintf(code, sizeof code, "B%zu_%d", i, copy);
            size_t need = strlen(templates[i]) + 32;
            if (w + need >= cap) {
                cap *= 2;
                t = realloc(t, cap);
            }
            w += (size_t)snprintf(t + w, cap - w, templates[i], code);
            (*nrules)++;
        }
    return t;
}

static void count_finding(void *user, const cs_rule *r, int g, uint32_t row)
{
    (void)r;
    (void)g;
    (void)row;
    ++*(uint64_t *)user;
}

int main(int argc, char **argv)
{
    uint32_t children = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 100000;
    size_t nrules = 0;
    char *text = rules_text(&nrules);
    /* code lists the rules use */
    char dir[] = "/tmp/cscdw-bench-rules-XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    char path[256];
    snprintf(path, sizeof path, "%s/codes", dir);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/codes/ethnicity.txt", dir);
    FILE *f = fopen(path, "w");
    fputs("WBRI\nWIRI\nWIRT\nWOTH\nWROM\nMWBC\nMWBA\nMWAS\nMOTH\nAIND\nAPKN\nABAN\nAOTH\n"
          "BCRB\nBAFR\nBOTH\nCHNE\nOOTH\nREFU\nNOBT\n", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/codes/la_codes.txt", dir);
    f = fopen(path, "w");
    for (int la = 201; la <= 940; la += 3)
        fprintf(f, "%03d\n", la);
    fclose(f);

    cs_ruleset_opts o;
    memset(&o, 0, sizeof o);
    o.dir = dir;
    o.year = "2025-26";
    o.text = text;
    o.text_len = strlen(text);
    o.text_name = "bench.rules";
    o.schema = &rt_schema;
    o.calendar_path = argc > 2 ? argv[2] : "rules/calendar/england-and-wales.tsv";
    cs_rule_errors errs;
    cs_rule_errors_init(&errs);
    cs_ruleset *rs;
    cs_diag d;
    double c0 = cpu_seconds();
    if (cs_ruleset_load(&rs, &o, &errs, &d) != CS_OK) {
        for (size_t i = 0; i < errs.count; i++)
            fprintf(stderr, "%s\n", errs.items[i].text);
        fprintf(stderr, "bench_rules: %s\n", d.msg);
        return 1;
    }
    double compile = cpu_seconds() - c0;
    cs_rule_errors_free(&errs);

    cs_dataset ds;
    double b0 = cpu_seconds();
    uint64_t rows = build(&ds, children);
    double build_s = cpu_seconds() - b0;

    cs_rules_context ctx;
    cs_rules_context_init(&ctx, rs);
    uint64_t findings = 0;
    cs_rule_sink sink = {count_finding, NULL, &findings};
    double r0 = cpu_seconds();
    if (cs_rules_run(rs, &ds, &ctx, &sink, &d) != CS_OK) {
        fprintf(stderr, "bench_rules: %s\n", d.msg);
        return 1;
    }
    double run = cpu_seconds() - r0;
    if (getenv("RULES_BENCH_PER_RULE")) {   /* where the time goes, rule kind by kind */
        for (size_t i = 0; i < sizeof templates / sizeof templates[0]; i++) {
            char one[4096];
            snprintf(one, sizeof one, templates[i], "ONE");
            cs_ruleset_opts o1 = o;
            o1.text = one;
            o1.text_len = strlen(one);
            cs_ruleset *r1;
            if (cs_ruleset_load(&r1, &o1, NULL, &d) != CS_OK)
                continue;
            uint64_t f1 = 0;
            cs_rule_sink s1 = {count_finding, NULL, &f1};
            double t0 = cpu_seconds();
            cs_rules_run(r1, &ds, &ctx, &s1, &d);
            printf("%8.1f ms %8llu findings  %.70s\n", (cpu_seconds() - t0) * 1000,
                   (unsigned long long)f1, one + 5);
            cs_ruleset_free(r1);
        }
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("built %u children, %llu rows in %.2f s; %zu rules compiled in %.3f s\n", children,
           (unsigned long long)rows, build_s, cs_ruleset_count(rs), compile);
    printf("children=%u rows=%llu rules=%zu compile=%.4f run=%.4f findings=%llu rss_kb=%ld\n",
           children, (unsigned long long)rows, cs_ruleset_count(rs), compile, run,
           (unsigned long long)findings, ru.ru_maxrss);
    cs_ds_free(&ds);
    cs_ruleset_free(rs);
    free(text);
    snprintf(path, sizeof path, "rm -rf '%s'", dir);
    return system(path) == 0 ? 0 : 1;
}
