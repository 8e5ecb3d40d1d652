/* The CIN census rule sets (rules/cin/<year>/) against the rule test cases
 * in tests/rules/cin/ (the format is in tests/rules/cin/README.md): one
 * cmocka test per case file, so a failure names the rule. Each section of a
 * case is a small CIN XML fragment, read with cs_cin_read_src and run
 * through the real rule set of its year; the findings must be exactly the
 * section's `expect` lines (code, child and record path). Findings of
 * return-level rules count only in a section that names the rule (in
 * `rule` or an `expect`): a fragment of a few children always has too few
 * disability codes for 2887Q.
 *
 * Besides the cases: the number of rules per year, query codes ending in Q,
 * every rule with a message and an example, and every rule of 2025-26 (and
 * every rule a later folder changes) having both a firing case and a quiet
 * near miss. Paths come from $SRCROOT (default "."). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dataset/dataset.h"
#include "io/source.h"
#include "returns/cin/cin.h"
#include "rules/rules.h"
#include "util/findings.h"

#define DEFAULT_YEAR "2025-26"
#define MAX_CODES 8

/* ---- the years ------------------------------------------------------------ */

typedef struct {
    const char *year;
    size_t nrules;
    /* rules this year changes through a code list rather than a rule file:
     * they need cases of this year too */
    const char *changed[4];
    /* codes an older year no longer has */
    const char *dropped[4];
} year_info;

static const year_info years[] = {
    {"2025-26", 109, {NULL}, {NULL}},
    {"2024-25", 109, {NULL}, {NULL}},
    {"2023-24", 105, {NULL}, {"1570", "1580", "8945Q", "8950Q"}},
    {"2022-23", 105, {"1530", NULL}, {"1570", "1580", "8945Q", "8950Q"}},
};
#define NYEARS (sizeof years / sizeof years[0])

static cs_ruleset *loaded[NYEARS];

static const char *srcroot(void)
{
    const char *r = getenv("SRCROOT");
    return r && *r ? r : ".";
}

static int year_index(const char *year)
{
    for (size_t i = 0; i < NYEARS; i++)
        if (strcmp(years[i].year, year) == 0)
            return (int)i;
    return -1;
}

/* The year's rule set, loaded once (national rules only: local rules would
 * change what fires). NULL with the errors printed when it does not compile. */
static cs_ruleset *ruleset_for(const char *year)
{
    int yi = year_index(year);
    if (yi < 0)
        return NULL;
    if (loaded[yi])
        return loaded[yi];
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/rules", srcroot());
    cs_ruleset_opts o;
    memset(&o, 0, sizeof o);
    o.rules_dir = dir;
    o.ret = "cin";
    o.year = year;
    cs_rule_errors errs;
    cs_rule_errors_init(&errs);
    cs_diag d;
    cs_diag_clear(&d);
    if (cs_ruleset_load(&loaded[yi], &o, &errs, &d) != CS_OK) {
        fprintf(stderr, "rules/cin/%s does not compile: %s\n", year, d.msg);
        for (size_t i = 0; i < errs.count; i++)
            fprintf(stderr, "%s\n", errs.items[i].text);
        loaded[yi] = NULL;
    }
    cs_rule_errors_free(&errs);
    return loaded[yi];
}

static int free_rulesets(void **state)
{
    (void)state;
    for (size_t i = 0; i < NYEARS; i++) {
        cs_ruleset_free(loaded[i]);
        loaded[i] = NULL;
    }
    return 0;
}

/* ---- case files ----------------------------------------------------------- */

typedef struct {
    char code[16];
    char where[256];   /* "C1 CINdetails[1]/Assessments[1]", "Child[2]", "Header", "return" */
    int line;
} expect_t;

typedef struct {
    int fire;          /* 1 fire, 0 quiet */
    char title[200];
    int line;
    expect_t *ex;
    size_t nex;
    char *xml;         /* the fragment as written */
    size_t xml_len, xml_cap;
} section_t;

typedef struct {
    char *path;        /* relative to SRCROOT, for messages */
    char year[8];
    char codes[MAX_CODES][16];
    int ncodes;
    int all;           /* `rule all`: about every rule, return-level ones included */
    section_t *sec;
    size_t nsec;
    char error[512];   /* a malformed case: what and where */
} case_t;

static void case_free(case_t *c)
{
    for (size_t i = 0; i < c->nsec; i++) {
        free(c->sec[i].ex);
        free(c->sec[i].xml);
    }
    free(c->sec);
    free(c->path);
    memset(c, 0, sizeof *c);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *nb = realloc(buf, cap * 2 + 1);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf) {
        buf[n] = '\0';
        *len = n;
    }
    return buf;
}

static void append(section_t *s, const char *text, size_t n)
{
    if (s->xml_len + n + 2 > s->xml_cap) {
        size_t cap = s->xml_cap ? s->xml_cap : 1024;
        while (cap < s->xml_len + n + 2)
            cap *= 2;
        char *more = realloc(s->xml, cap);
        assert_non_null(more);
        s->xml = more;
        s->xml_cap = cap;
    }
    memcpy(s->xml + s->xml_len, text, n);
    s->xml_len += n;
    s->xml[s->xml_len++] = '\n';
    s->xml[s->xml_len] = '\0';
}

static const char *skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* Is the line the keyword followed by a space (or the end)? Returns the text after it. */
static const char *keyword(const char *line, const char *kw)
{
    size_t n = strlen(kw);
    if (strncmp(line, kw, n) != 0)
        return NULL;
    if (line[n] != ' ' && line[n] != '\t' && line[n] != '\0')
        return NULL;
    return skip_ws(line + n);
}

static int bad(case_t *c, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int w = snprintf(c->error, sizeof c->error, "%s:%d: ", c->path, line);
    if (w > 0 && (size_t)w < sizeof c->error)
        vsnprintf(c->error + w, sizeof c->error - (size_t)w, fmt, ap);
    va_end(ap);
    return 0;
}

/* One more zeroed element at the end of a malloc'd array. */
static void *grow_one(void *items, size_t *n, size_t size, void **out_items)
{
    char *more = realloc(items, (*n + 1) * size);
    assert_non_null(more);
    *out_items = more;
    memset(more + *n * size, 0, size);
    return more + (*n)++ * size;
}

static int parse_section_head(case_t *c, const char *rest, int fire, int line)
{
    void *items;
    section_t *s = grow_one(c->sec, &c->nsec, sizeof *c->sec, &items);
    c->sec = items;
    s->fire = fire;
    s->line = line;
    if (*rest != '"')
        return bad(c, line, "write the section's title in quotes: %s \"what it shows\"",
                   fire ? "fire" : "quiet");
    const char *end = strchr(rest + 1, '"');
    if (!end)
        return bad(c, line, "the title has no closing quote");
    snprintf(s->title, sizeof s->title, "%.*s", (int)(end - rest - 1), rest + 1);
    return 1;
}

static int parse_expect(case_t *c, section_t *s, const char *rest, int line)
{
    void *items;
    expect_t *e = grow_one(s->ex, &s->nex, sizeof *s->ex, &items);
    s->ex = items;
    e->line = line;
    size_t n = strcspn(rest, " \t");
    if (n == 0 || n >= sizeof e->code)
        return bad(c, line, "expect CODE at WHERE");
    memcpy(e->code, rest, n);
    const char *at = keyword(skip_ws(rest + n), "at");
    if (!at || !*at)
        return bad(c, line, "expect %s at WHERE (a child id and a record path, Header or return)",
                   e->code);
    /* collapse the blanks between the child and the path to one space */
    size_t w = 0;
    for (const char *p = at; *p && w + 1 < sizeof e->where; p++) {
        if (*p == ' ' || *p == '\t') {
            if (w && e->where[w - 1] != ' ')
                e->where[w++] = ' ';
        } else {
            e->where[w++] = *p;
        }
    }
    while (w && e->where[w - 1] == ' ')
        w--;
    e->where[w] = '\0';
    return 1;
}

static int parse_case(case_t *c, const char *text)
{
    int line = 0;
    section_t *cur = NULL;
    const char *p = text;
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t n = eol ? (size_t)(eol - p) : strlen(p);
        char buf[4096];
        if (n >= sizeof buf)
            return bad(c, line + 1, "line too long");
        memcpy(buf, p, n);
        buf[n] = '\0';
        if (n && buf[n - 1] == '\r')
            buf[n - 1] = '\0';
        p = eol ? eol + 1 : p + n;
        line++;
        const char *t = skip_ws(buf);
        const char *rest;
        if (*t == '\0' || *t == '#')
            continue;
        if ((rest = keyword(t, "rule"))) {
            if (cur)
                return bad(c, line, "'rule' belongs at the top, before the sections");
            if (strcmp(rest, "all") == 0) {
                c->all = 1;
                continue;
            }
            while (*rest) {
                size_t k = strcspn(rest, " \t,");
                if (k && c->ncodes < MAX_CODES && k < sizeof c->codes[0]) {
                    memcpy(c->codes[c->ncodes], rest, k);
                    c->codes[c->ncodes++][k] = '\0';
                }
                rest = skip_ws(rest + k);
                if (*rest == ',')
                    rest = skip_ws(rest + 1);
            }
        } else if ((rest = keyword(t, "fire")) || (rest = keyword(t, "quiet"))) {
            if (!parse_section_head(c, rest, t[0] == 'f', line))
                return 0;
            cur = &c->sec[c->nsec - 1];
        } else if ((rest = keyword(t, "expect"))) {
            if (!cur || cur->xml_len)
                return bad(c, line, "'expect' lines go right after their fire/quiet line");
            if (!parse_expect(c, cur, rest, line))
                return 0;
        } else if (cur) {
            append(cur, buf, strlen(buf));
        } else {
            return bad(c, line, "text before the first fire/quiet section: %s", t);
        }
    }
    if (c->ncodes == 0 && !c->all)
        return bad(c, 1, "no 'rule CODE' line (or 'rule all')");
    if (c->nsec == 0)
        return bad(c, line, "no fire or quiet section");
    return 1;
}

static int names_code(const case_t *c, const char *code)
{
    for (int i = 0; i < c->ncodes; i++)
        if (strcmp(c->codes[i], code) == 0)
            return 1;
    return 0;
}

/* Check what a section promises: a fire section expects one of the codes
 * under test, a quiet one expects none of them. */
static int check_section_shape(case_t *c, const section_t *s)
{
    int mentions = 0;
    for (size_t i = 0; i < s->nex; i++)
        mentions |= names_code(c, s->ex[i].code);
    if (c->all && s->fire)
        return bad(c, s->line, "a 'rule all' case has quiet sections only");
    if (s->fire && !mentions)
        return bad(c, s->line, "fire \"%s\" expects none of the rule's codes", s->title);
    if (!s->fire && mentions)
        return bad(c, s->line, "quiet \"%s\" expects the rule under test to fire", s->title);
    if (!s->xml_len)
        return bad(c, s->line, "\"%s\" has no XML", s->title);
    return 1;
}

/* Loads tests/rules/cin/<rel>; year from the folder (top level: 2025-26). */
static int load_case(case_t *c, const char *rel, const char *year)
{
    memset(c, 0, sizeof *c);
    c->path = strdup(rel);
    assert_non_null(c->path);
    snprintf(c->year, sizeof c->year, "%s", year);
    char full[4096];
    snprintf(full, sizeof full, "%s/%s", srcroot(), rel);
    size_t len = 0;
    char *text = read_file(full, &len);
    if (!text)
        return bad(c, 0, "cannot read %s", full);
    int ok = parse_case(c, text);
    free(text);
    for (size_t i = 0; ok && i < c->nsec; i++)
        ok = check_section_shape(c, &c->sec[i]);
    return ok;
}

/* ---- running a section ------------------------------------------------------ */

static char *wrap(const section_t *s, const char *year)
{
    const char *x = skip_ws(s->xml);
    while (*x == '\n')
        x = skip_ws(x + 1);
    size_t cap = s->xml_len + 1024;
    char *doc = malloc(cap);
    assert_non_null(doc);
    if (strncmp(x, "<Message", 8) == 0 || strncmp(x, "<?xml", 5) == 0) {
        snprintf(doc, cap, "%s", s->xml);
        return doc;
    }
    int end = atoi(year) + 1;
    snprintf(doc, cap,
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Message>\n  <Header>\n"
             "    <CollectionDetails><Collection>CIN</Collection><Year>%d</Year>"
             "<ReferenceDate>%d-03-31</ReferenceDate></CollectionDetails>\n"
             "    <Source><SourceLevel>L</SourceLevel><LEA>201</LEA>"
             "<SoftwareCode>cscdw rule tests</SoftwareCode><Release>1</Release>"
             "<SerialNo>001</SerialNo><DateTime>%d-05-01T09:00:00</DateTime></Source>\n"
             "  </Header>\n  <Children>\n%s  </Children>\n</Message>\n",
             end, end, end, s->xml);
    return doc;
}

/* Where a finding is, in the words of an `expect` line. by_pos: name the
 * child Child[n] instead of by its LAchildID. */
static void where_of(const cs_dataset *ds, int g, uint32_t row, int by_pos, char *buf, size_t n)
{
    const cs_ds_schema *s = ds->schema;
    uint32_t crow = cs_ds_child_row(ds, g, row);
    if (crow == UINT32_MAX) {
        snprintf(buf, n, "%s", g == s->header_group ? "Header" : "return");
        return;
    }
    char path[512];
    cs_ds_record_path(ds, g, row, path, sizeof path);
    char who[128];
    if (by_pos)
        snprintf(who, sizeof who, "Child[%u]", cs_ds_position(ds, s->child_group, crow));
    else
        snprintf(who, sizeof who, "%s", cs_ds_child_id(ds, g, row));
    snprintf(buf, n, "%s%s%s", who, *path ? " " : "", path);
}

typedef struct {
    const cs_rule *rule;
    char where[256];
    char where_pos[256];
    int matched;
} got_t;

/* Runs one section; appends what went wrong to report. Returns 1 when right. */
static int run_section(const case_t *c, const section_t *s, cs_ruleset *rs, char *report,
                       size_t cap)
{
    size_t start = strlen(report), w = start;
#define SAY(...)                                                                        \
    do {                                                                                \
        int m_ = snprintf(report + w, w < cap ? cap - w : 0, __VA_ARGS__);              \
        if (m_ > 0)                                                                     \
            w += (size_t)m_;                                                            \
        if (w >= cap)                                                                   \
            w = cap - 1;                                                                \
    } while (0)
    SAY("%s:%d: %s \"%s\"\n", c->path, s->line, s->fire ? "fire" : "quiet", s->title);
    size_t head = w;

    char *doc = wrap(s, c->year);
    cs_dataset ds;
    cs_findings f;
    cs_findings_init(&f);
    cs_diag d;
    cs_diag_clear(&d);
    cs_bytesrc *src = NULL;
    assert_int_equal(cs_bytesrc_open_mem(&src, doc, strlen(doc), c->path, &d), CS_OK);
    if (cs_cin_read_src(src, &ds, &f, &d) != CS_OK) {
        SAY("  the XML cannot be read: line %u: %s\n", (unsigned)d.line, d.msg);
        cs_findings_free(&f);
        free(doc);
        return 0;
    }
    for (size_t i = 0; i < f.count; i++)
        SAY("  the reader says (%s): %s %s\n", cs_finding_kind_get(f.items[i].kind)->code,
            f.items[i].field ? f.items[i].field : "",
            f.items[i].original ? f.items[i].original : "");

    cs_rules_context ctx;
    cs_rules_context_init(&ctx, rs);
    cs_rule_hits hits;
    cs_rule_hits_init(&hits);
    cs_rule_sink sink = cs_rule_hits_sink(&hits);
    assert_int_equal(cs_rules_run(rs, &ds, &ctx, &sink, &d), CS_OK);
    for (size_t i = 0; i < hits.nnot_run; i++)
        SAY("  not run: %s (%s)\n", hits.not_run[i]->code, hits.not_run_reason[i]);

    got_t *got = calloc(hits.count ? hits.count : 1, sizeof *got);
    assert_non_null(got);
    size_t ngot = 0;
    for (size_t i = 0; i < hits.count; i++) {
        const cs_rule *r = hits.items[i].rule;
        if (r->group < 0) {   /* return level: only where the section names it */
            int named = c->all || names_code(c, r->code);
            for (size_t k = 0; k < s->nex && !named; k++)
                named = strcmp(s->ex[k].code, r->code) == 0;
            if (!named)
                continue;
        }
        got[ngot].rule = r;
        where_of(&ds, hits.items[i].group, hits.items[i].row, 0, got[ngot].where,
                 sizeof got[ngot].where);
        where_of(&ds, hits.items[i].group, hits.items[i].row, 1, got[ngot].where_pos,
                 sizeof got[ngot].where_pos);
        ngot++;
    }
    for (size_t k = 0; k < s->nex; k++) {
        const expect_t *e = &s->ex[k];
        if (!cs_ruleset_find(rs, e->code)) {
            SAY("  line %d: %s is not a rule of cin %s\n", e->line, e->code, c->year);
            continue;
        }
        int found = 0;
        for (size_t i = 0; i < ngot && !found; i++)
            if (!got[i].matched && strcmp(got[i].rule->code, e->code) == 0 &&
                (strcmp(got[i].where, e->where) == 0 || strcmp(got[i].where_pos, e->where) == 0))
                got[i].matched = found = 1;
        if (!found)
            SAY("  missing (line %d): %s at %s\n", e->line, e->code, e->where);
    }
    for (size_t i = 0; i < ngot; i++)
        if (!got[i].matched)
            SAY("  unexpected: %s at %s (%s)\n", got[i].rule->code, got[i].where,
                got[i].rule->message);
    free(got);
    cs_rule_hits_free(&hits);
    cs_ds_free(&ds);
    cs_findings_free(&f);
    free(doc);
#undef SAY
    if (w == head) {   /* nothing went wrong: drop the heading */
        report[start] = '\0';
        return 1;
    }
    return 0;
}

/* ---- one cmocka test per case file ------------------------------------------ */

typedef struct {
    char rel[512];     /* path under SRCROOT */
    char year[8];
    char name[64];     /* test name: "8840", "2023-24/4180" */
} case_ref;

static void test_case(void **state)
{
    const case_ref *ref = *state;
    case_t c;
    if (!load_case(&c, ref->rel, ref->year)) {
        char msg[600];
        snprintf(msg, sizeof msg, "%s", c.error);
        case_free(&c);
        fail_msg("%s", msg);
    }
    cs_ruleset *rs = ruleset_for(c.year);
    if (!rs) {
        case_free(&c);
        fail_msg("no rule set for cin %s", ref->year);
    }
    for (int i = 0; i < c.ncodes; i++)
        if (!cs_ruleset_find(rs, c.codes[i])) {
            char code[16];
            snprintf(code, sizeof code, "%s", c.codes[i]);
            case_free(&c);
            fail_msg("%s: rule %s is not in cin %s", ref->rel, code, ref->year);
        }
    size_t cap = 16384;
    char *report = calloc(1, cap);
    assert_non_null(report);
    int ok = 1;
    for (size_t i = 0; i < c.nsec; i++)
        ok &= run_section(&c, &c.sec[i], rs, report, cap);
    case_free(&c);
    if (!ok) {
        fprintf(stderr, "%s", report);
        free(report);
        fail_msg("%s: findings differ from the case (above)", ref->rel);
    }
    free(report);
}

/* ---- finding the case files -------------------------------------------------- */

static int cmp_ref(const void *a, const void *b)
{
    return strcmp(((const case_ref *)a)->rel, ((const case_ref *)b)->rel);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Every *.case in tests/rules/cin (year 2025-26) and in its year folders. */
static case_ref *find_cases(size_t *count)
{
    case_ref *refs = NULL;
    size_t n = 0, cap = 0;
    for (int level = -1; level < (int)NYEARS; level++) {
        const char *year = level < 0 ? DEFAULT_YEAR : years[level].year;
        char rel_dir[256];
        if (level < 0)
            snprintf(rel_dir, sizeof rel_dir, "tests/rules/cin");
        else
            snprintf(rel_dir, sizeof rel_dir, "tests/rules/cin/%s", year);
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/%s", srcroot(), rel_dir);
        DIR *dh = opendir(dir);
        if (!dh)
            continue;
        struct dirent *de;
        while ((de = readdir(dh))) {
            if (de->d_name[0] == '.' || !ends_with(de->d_name, ".case"))
                continue;
            if (n == cap) {
                cap = cap ? cap * 2 : 256;
                case_ref *more = realloc(refs, cap * sizeof *refs);
                assert_non_null(more);
                refs = more;
            }
            case_ref *r = &refs[n++];
            snprintf(r->rel, sizeof r->rel, "%s/%s", rel_dir, de->d_name);
            snprintf(r->year, sizeof r->year, "%s", year);
            size_t stem = strlen(de->d_name) - strlen(".case");
            if (level < 0)
                snprintf(r->name, sizeof r->name, "%.*s", (int)stem, de->d_name);
            else
                snprintf(r->name, sizeof r->name, "%s/%.*s", year, (int)stem, de->d_name);
        }
        closedir(dh);
    }
    if (n)
        qsort(refs, n, sizeof *refs, cmp_ref);
    *count = n;
    return refs;
}

/* ---- the rule sets themselves -------------------------------------------------- */

static void test_rule_counts(void **state)
{
    (void)state;
    for (size_t y = 0; y < NYEARS; y++) {
        cs_ruleset *rs = ruleset_for(years[y].year);
        assert_non_null(rs);
        if (cs_ruleset_count(rs) != years[y].nrules)
            fail_msg("cin %s has %zu rules, expected %zu", years[y].year, cs_ruleset_count(rs),
                     years[y].nrules);
        for (size_t i = 0; i < 4 && years[y].dropped[i]; i++)
            if (cs_ruleset_find(rs, years[y].dropped[i]))
                fail_msg("cin %s should not have rule %s", years[y].year, years[y].dropped[i]);
        for (size_t i = 0; i < cs_ruleset_count(rs); i++) {
            const cs_rule *r = cs_ruleset_rule(rs, i);
            int q = ends_with(r->code, "Q");
            if (q != (r->severity == CS_RULE_QUERY))
                fail_msg("cin %s rule %s is %s: codes ending in Q are the queries",
                         years[y].year, r->code, cs_rule_severity_name(r->severity));
            if (!r->message || !*r->message || !r->example || !*r->example)
                fail_msg("cin %s rule %s needs a message and an example", years[y].year,
                         r->code);
            if (strcmp(r->mirrors, r->code) != 0)
                fail_msg("cin %s rule %s mirrors %s", years[y].year, r->code, r->mirrors);
        }
    }
    /* the return-level rules and the header rule are where the DfE has them */
    cs_ruleset *rs = ruleset_for(DEFAULT_YEAR);
    const char *ret[] = {"2883", "2886Q", "2887Q", "2888Q"};
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(cs_ruleset_find(rs, ret[i])->group, -1);
    assert_string_equal(cs_ruleset_find(rs, "100")->scope, "Header");
}

/* A rule needs a fire case and a quiet case of its year: every rule of
 * 2025-26, and in an older year every rule its own folder defines and every
 * rule it changes through a code list. */
static void test_coverage(void **state)
{
    (void)state;
    size_t n = 0;
    case_ref *refs = find_cases(&n);
    int missing = 0;
    for (size_t y = 0; y < NYEARS; y++) {
        cs_ruleset *rs = ruleset_for(years[y].year);
        assert_non_null(rs);
        char own[64];
        snprintf(own, sizeof own, "/cin/%s/", years[y].year);
        case_t *cases = calloc(n ? n : 1, sizeof *cases);
        assert_non_null(cases);
        for (size_t k = 0; k < n; k++)
            if (strcmp(refs[k].year, years[y].year) == 0)
                load_case(&cases[k], refs[k].rel, refs[k].year);   /* a bad one fails its own test */
        for (size_t i = 0; i < cs_ruleset_count(rs); i++) {
            const cs_rule *r = cs_ruleset_rule(rs, i);
            int needed = strcmp(years[y].year, DEFAULT_YEAR) == 0 || strstr(r->file, own);
            for (size_t k = 0; k < 4 && years[y].changed[k]; k++)
                needed |= strcmp(years[y].changed[k], r->code) == 0;
            if (!needed)
                continue;
            int fire = 0, quiet = 0;
            for (size_t k = 0; k < n; k++)
                if (cases[k].path && names_code(&cases[k], r->code))
                    for (size_t s = 0; s < cases[k].nsec; s++) {
                        fire |= cases[k].sec[s].fire;
                        quiet |= !cases[k].sec[s].fire;
                    }
            if (!fire || !quiet) {
                fprintf(stderr, "cin %s rule %s has no %s case\n", years[y].year, r->code,
                        !fire ? "fire" : "quiet");
                missing++;
            }
        }
        for (size_t k = 0; k < n; k++)
            case_free(&cases[k]);
        free(cases);
    }
    free(refs);
    if (missing)
        fail_msg("%d rules lack a fire or a quiet case (above)", missing);
}

int main(void)
{
    size_t n = 0;
    case_ref *refs = find_cases(&n);
    struct CMUnitTest *tests = calloc(n + 2, sizeof *tests);
    if (!tests)
        return 1;
    tests[0] = (struct CMUnitTest){"rule counts and codes", test_rule_counts, NULL, NULL, NULL};
    tests[1] = (struct CMUnitTest){"every rule has fire and quiet cases", test_coverage, NULL,
                                   NULL, NULL};
    for (size_t i = 0; i < n; i++)
        tests[i + 2] = (struct CMUnitTest){refs[i].name, test_case, NULL, NULL, &refs[i]};
    int rc = _cmocka_run_group_tests("rules_cin", tests, n + 2, NULL, free_rulesets);
    free(tests);
    free(refs);
    return rc;
}
