/* SSDA903 rule cases: every .case file in tests/rules/ssda903 is one test. A case
 * gives small CSV tables for this year (and optionally last year), the runner
 * writes them as CSV files in a temporary folder, reads them with the 903 CSV
 * reader, derives the placement fields from the sample postcode directory,
 * runs rules/ssda903/<year>/ and checks the case's fire/quiet lines. The case
 * format is described in rules/ssda903/README.md.
 *
 * With last year's tables the rules run twice: with last year (the case's
 * plain expectations) and without (the lines after `without last`); without
 * last year every rule needing it must be reported not run, and every rule
 * not reading last year must fire exactly as it did with it.
 *
 * CASE=142 (or CASE=142,388) runs only those case files. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "returns/ssda903/ssda903.h"
#include "rules/rules.h"

#define CASE_DIR "tests/rules/ssda903"
#define MAX_TABLES 32
#define MAX_EXPECT 512
#define MAX_COLS 32
#define MAX_RULESETS 4
#define REPORT_MAX 16384

/* ---- paths ---------------------------------------------------------------------- */

static const char *srcroot(void)
{
    const char *r = getenv("SRCROOT");
    return r && *r ? r : ".";
}

static char *path_join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/%s", a, b);
    return p;
}

/* the sample postcode directory, loaded once */
static const cs_903_postcodes *g_postcodes;

/* ---- a parsed case ------------------------------------------------------------- */

typedef struct {
    int last;                  /* 1: last year's table */
    int group;                 /* CS_903_G_... */
    int col_field[MAX_COLS];   /* field of each column in the case's header */
    int ncols;
    char **rows;               /* raw lines */
    size_t nrows, cap;
    int line;                  /* of the `table` line */
} case_table;

typedef enum { EX_FIRE, EX_QUIET, EX_COUNT, EX_NOT_RUN, EX_QUIET_ALL } expect_kind;

typedef struct {
    expect_kind kind;
    int without_last;          /* applies to the run without last year */
    char code[32];
    char child[64];            /* "" = any child */
    char path[96];             /* "" = any record */
    int n;                     /* count */
    char except[256];          /* quiet all except: " A B C " */
    char files[512];           /* quiet all in: " a.rules b.rules " */
    int line;
} expect;

typedef struct {
    const char *file;
    char year[16];
    char la[32];
    case_table tables[MAX_TABLES];
    int ntables;
    int last_given;            /* last tables or `last empty` */
    char postcodes[2048];      /* extra postcode directory rows (TSV lines) */
    size_t npostcodes;
    cs_903_postcodes *case_pc; /* the sample directory plus those rows */
    expect ex[MAX_EXPECT];
    int nex;
    char report[REPORT_MAX];   /* problems, one per line */
    size_t rlen;
    int problems;
} test_case;

static void problem(test_case *tc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(test_case *tc, const char *fmt, ...)
{
    tc->problems++;
    if (tc->rlen + 2 >= sizeof tc->report)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tc->report + tc->rlen, sizeof tc->report - tc->rlen - 1, fmt, ap);
    va_end(ap);
    if (n > 0)
        tc->rlen += (size_t)n < sizeof tc->report - tc->rlen - 1 ? (size_t)n
                                                                 : sizeof tc->report - tc->rlen - 2;
    tc->report[tc->rlen++] = '\n';
    tc->report[tc->rlen] = '\0';
}

static char *trim(char *s)
{
    while (*s && isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* Split s at commas in place; returns the number of cells (trimmed). */
static int split_commas(char *s, char **cells, int max)
{
    int n = 0;
    for (;;) {
        char *c = strchr(s, ',');
        if (c)
            *c = '\0';
        if (n < max)
            cells[n] = trim(s);
        n++;
        if (!c)
            return n;
        s = c + 1;
    }
}

static int table_header(test_case *tc, case_table *t, char *line, int lineno)
{
    char *cells[MAX_COLS + 1];
    int n = split_commas(line, cells, MAX_COLS + 1);
    if (n > MAX_COLS) {
        problem(tc, "%s:%d: more than %d columns", tc->file, lineno, MAX_COLS);
        return 0;
    }
    /* derived fields may be given too (see apply_derived) */
    uint32_t nf = cs_903_schema.groups[t->group].nfields;
    for (int i = 0; i < n; i++) {
        int f = -1;
        for (uint32_t k = 0; k < nf; k++)
            if (strcasecmp(cs_903_schema.groups[t->group].fields[k].name, cells[i]) == 0)
                f = (int)k;
        if (f < 0) {
            problem(tc, "%s:%d: %s has no column '%s'", tc->file, lineno,
                    cs_903_schema.groups[t->group].name, cells[i]);
            return 0;
        }
        t->col_field[i] = f;
    }
    t->ncols = n;
    return 1;
}

/* "at CHILD [PATH]" */
static void parse_where(expect *e, char *rest)
{
    rest = trim(rest);
    if (strncmp(rest, "at ", 3) != 0)
        return;
    rest = trim(rest + 3);
    char *sp = strpbrk(rest, " \t");
    if (sp) {
        *sp = '\0';
        char *p = trim(sp + 1);
        if (strchr(p, '[') == NULL)
            snprintf(e->path, sizeof e->path, "%s[1]", p);
        else
            snprintf(e->path, sizeof e->path, "%s", p);
    }
    snprintf(e->child, sizeof e->child, "%s", rest);
}

static int parse_expect(test_case *tc, char *line, int lineno, int without_last)
{
    if (tc->nex == MAX_EXPECT) {
        problem(tc, "%s:%d: too many expectations", tc->file, lineno);
        return 0;
    }
    expect *e = &tc->ex[tc->nex];
    memset(e, 0, sizeof *e);
    e->line = lineno;
    e->without_last = without_last;
    char word[16], code[32];
    int used = 0;
    if (sscanf(line, "%15s %31s%n", word, code, &used) < 2) {
        problem(tc, "%s:%d: expected 'fire CODE ...', 'quiet CODE ...', 'count CODE N' or "
                    "'not-run CODE'", tc->file, lineno);
        return 0;
    }
    snprintf(e->code, sizeof e->code, "%s", code);
    char *rest = line + used;
    if (strcmp(word, "fire") == 0) {
        e->kind = EX_FIRE;
        parse_where(e, rest);
    } else if (strcmp(word, "quiet") == 0 && strcmp(code, "all") == 0) {
        e->kind = EX_QUIET_ALL;
        rest = trim(rest);
        if (strncmp(rest, "except ", 7) == 0)
            snprintf(e->except, sizeof e->except, " %s ", trim(rest + 7));
        else if (strncmp(rest, "in ", 3) == 0)
            snprintf(e->files, sizeof e->files, " %s ", trim(rest + 3));
        else if (*rest) {
            problem(tc, "%s:%d: quiet all [except CODE ...] or quiet all in FILE ...",
                    tc->file, lineno);
            return 0;
        }
    } else if (strcmp(word, "quiet") == 0) {
        e->kind = EX_QUIET;
        parse_where(e, rest);
    } else if (strcmp(word, "count") == 0) {
        e->kind = EX_COUNT;
        if (sscanf(rest, "%d", &e->n) != 1) {
            problem(tc, "%s:%d: count CODE N", tc->file, lineno);
            return 0;
        }
    } else if (strcmp(word, "not-run") == 0) {
        e->kind = EX_NOT_RUN;
    } else {
        problem(tc, "%s:%d: unknown line '%s'", tc->file, lineno, word);
        return 0;
    }
    tc->nex++;
    return 1;
}

static void table_add_row(case_table *t, const char *line)
{
    if (t->nrows == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 8;
        t->rows = realloc(t->rows, t->cap * sizeof *t->rows);
        assert_non_null(t->rows);
    }
    t->rows[t->nrows++] = strdup(line);
}

/* "postcode PCD, EAST, NORTH, LA": one more row for the postcode directory, for grid
 * references the sample has not got (a distance over 999.9 miles). */
static int add_postcode(test_case *tc, char *rest, int lineno)
{
    char *cells[5];
    if (split_commas(rest, cells, 5) != 4) {
        problem(tc, "%s:%d: postcode PCD, EAST, NORTH, LA", tc->file, lineno);
        return 0;
    }
    size_t room = sizeof tc->postcodes - tc->npostcodes;
    int n = snprintf(tc->postcodes + tc->npostcodes, room, "%s\t%s\t%s\t%s\t%s\n", cells[0],
                     cells[1], cells[2], cells[3], cells[3]);
    if (n < 0 || (size_t)n >= room) {
        problem(tc, "%s:%d: too many postcode lines", tc->file, lineno);
        return 0;
    }
    tc->npostcodes += (size_t)n;
    return 1;
}

/* The postcode directory for a case: the sample, or the sample plus the case's rows
 * (written to a temporary file and loaded). NULL on failure. */
static const cs_903_postcodes *case_postcodes(test_case *tc)
{
    if (!tc->npostcodes)
        return g_postcodes;
    if (tc->case_pc)
        return tc->case_pc;
    const char *tmp = getenv("TMPDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/cs903pc.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) {
        problem(tc, "%s: cannot make a temporary file", tc->file);
        return NULL;
    }
    FILE *out = fdopen(fd, "w");
    char *sample = path_join(srcroot(), "rules/ssda903/reference/postcodes.tsv");
    FILE *in = fopen(sample, "r");
    free(sample);
    char buf[4096];
    size_t n;
    while (in && (n = fread(buf, 1, sizeof buf, in)) > 0)
        fwrite(buf, 1, n, out);
    if (in)
        fclose(in);
    fwrite(tc->postcodes, 1, tc->npostcodes, out);
    fclose(out);
    cs_diag d;
    cs_diag_clear(&d);
    if (cs_903_postcodes_load(&tc->case_pc, path, &d) != CS_OK) {
        problem(tc, "%s: postcodes: %s", tc->file, d.msg);
        tc->case_pc = NULL;
    }
    unlink(path);
    return tc->case_pc;
}

/* A line that is a directive rather than a table row. */
static int is_directive(const char *s)
{
    static const char *const words[] = {"fire ", "quiet ", "count ", "not-run ", "table ",
                                        "last ", "without last", "year ", "la ",
                                        "postcode "};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strncmp(s, words[i], strlen(words[i])) == 0)
            return 1;
    return 0;
}

static int parse_case(test_case *tc, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        problem(tc, "%s: cannot open", path);
        return 0;
    }
    snprintf(tc->year, sizeof tc->year, "2025-26");
    snprintf(tc->la, sizeof tc->la, "E09000027");
    char buf[4096];
    int lineno = 0, without_last = 0, ok = 1;
    case_table *open = NULL;   /* table whose rows are being read */
    int want_header = 0;
    while (fgets(buf, sizeof buf, f)) {
        lineno++;
        char *s = trim(buf);
        if (*s == '#')
            continue;
        if (!*s) {
            open = NULL;
            continue;
        }
        if (open && !want_header && is_directive(s))
            open = NULL;   /* a table also ends at the next directive */
        if (open) {
            if (want_header) {
                ok &= table_header(tc, open, s, lineno);
                want_header = 0;
            } else {
                table_add_row(open, s);
            }
            continue;
        }
        int last = 0;
        char *w = s;
        if (strncmp(w, "last ", 5) == 0) {
            last = 1;
            w = trim(w + 5);
        }
        if (strncmp(w, "table ", 6) == 0) {
            const char *name = trim(w + 6);
            int g = cs_ds_group_find(&cs_903_schema, name);
            if (g < 0 || !cs_903_table_of(g)) {
                problem(tc, "%s:%d: no 903 table '%s'", tc->file, lineno, name);
                ok = 0;
                continue;
            }
            if (tc->ntables == MAX_TABLES) {
                problem(tc, "%s:%d: too many tables", tc->file, lineno);
                ok = 0;
                continue;
            }
            for (int i = 0; i < tc->ntables; i++)
                if (tc->tables[i].group == g && tc->tables[i].last == last) {
                    problem(tc, "%s:%d: %stable %s given twice", tc->file, lineno,
                            last ? "last " : "", name);
                    ok = 0;
                }
            open = &tc->tables[tc->ntables++];
            memset(open, 0, sizeof *open);
            open->last = last;
            open->group = g;
            open->line = lineno;
            want_header = 1;
            tc->last_given |= last;
        } else if (last && strcmp(w, "empty") == 0) {
            tc->last_given = 1;
        } else if (strncmp(s, "year ", 5) == 0) {
            snprintf(tc->year, sizeof tc->year, "%s", trim(s + 5));
        } else if (strncmp(s, "la ", 3) == 0) {
            snprintf(tc->la, sizeof tc->la, "%s", trim(s + 3));
        } else if (strncmp(s, "postcode ", 9) == 0) {
            ok &= add_postcode(tc, s + 9, lineno);
        } else if (strcmp(s, "without last") == 0) {
            without_last = 1;
        } else {
            ok &= parse_expect(tc, s, lineno, without_last);
        }
    }
    fclose(f);
    if (without_last && !tc->last_given) {
        problem(tc, "%s: 'without last' but no last year's tables (add 'last empty')", tc->file);
        ok = 0;
    }
    if (tc->nex == 0) {
        problem(tc, "%s: no fire/quiet lines", tc->file);
        ok = 0;
    }
    return ok;
}

static void free_case(test_case *tc)
{
    for (int i = 0; i < tc->ntables; i++) {
        for (size_t r = 0; r < tc->tables[i].nrows; r++)
            free(tc->tables[i].rows[r]);
        free(tc->tables[i].rows);
    }
}

/* ---- writing the tables and reading them back ---------------------------------- */

static int write_table(test_case *tc, const case_table *t, const char *dir)
{
    const cs_903_table *tb = cs_903_table_of(t->group);
    char *path = path_join(dir, tb->file);
    FILE *f = fopen(path, "w");
    free(path);
    if (!f) {
        problem(tc, "%s: cannot write %s in %s", tc->file, tb->file, dir);
        return 0;
    }
    const cs_ds_group *grp = &cs_903_schema.groups[t->group];
    for (uint32_t k = 0; k < tb->ncsv; k++)
        fprintf(f, "%s%s", k ? "," : "", grp->fields[k].name);
    fputc('\n', f);
    int ok = 1;
    for (size_t r = 0; r < t->nrows; r++) {
        char line[4096];
        snprintf(line, sizeof line, "%s", t->rows[r]);
        char *cells[MAX_COLS + 1];
        int n = split_commas(line, cells, MAX_COLS + 1);
        if (n > t->ncols) {
            problem(tc, "%s: %s table (line %d): row %zu has %d cells, the header %d", tc->file,
                    grp->name, t->line, r + 1, n, t->ncols);
            ok = 0;
        }
        const char *by_field[MAX_COLS] = {0};
        for (int i = 0; i < n && i < t->ncols; i++)
            if ((uint32_t)t->col_field[i] < tb->ncsv)
                by_field[t->col_field[i]] = cells[i];
        for (uint32_t k = 0; k < tb->ncsv; k++)
            fprintf(f, "%s%s", k ? "," : "", by_field[k] ? by_field[k] : "");
        fputc('\n', f);
    }
    fclose(f);
    return ok;
}

/* Derived fields a case gives (Header.UASC, Episodes.PL_LA, PL_LOCATION, PL_DISTANCE)
 * replace the derived values, standing for what an XML file carries (the UASC flag) or
 * for derived data the postcodes cannot produce. The row is the child's first Header
 * row, or the child's episode with the case row's DECOM. A blank keeps the derived
 * value. */
static uint32_t find_row(const cs_dataset *ds, int g, const char *child, const char *decom)
{
    uint32_t nc = cs_ds_count(ds, CS_903_G_CHILD);
    for (uint32_t c = 0; c < nc; c++) {
        if (strcmp(cs_ds_child_id(ds, CS_903_G_CHILD, c), child) != 0)
            continue;
        uint32_t first, k;
        cs_ds_children(ds, g, c, &first, &k);
        for (uint32_t r = first; r < first + k; r++) {
            char buf[64];
            cs_value_format(cs_ds_cell_c(ds, g, r, CS_903_E_DECOM), 1, buf, sizeof buf);
            if (!decom || strcmp(buf, decom) == 0)
                return r;
        }
    }
    return UINT32_MAX;
}

static void apply_derived(test_case *tc, int last, cs_dataset *ds)
{
    for (int i = 0; i < tc->ntables; i++) {
        const case_table *t = &tc->tables[i];
        if (t->last != last)
            continue;
        uint32_t ncsv = cs_903_table_of(t->group)->ncsv;
        int ccol = -1, dcol = -1, nderived = 0;
        for (int c = 0; c < t->ncols; c++) {
            ccol = t->col_field[c] == 0 ? c : ccol;   /* CHILD is every table's first field */
            if (t->group == CS_903_G_EPISODES && t->col_field[c] == CS_903_E_DECOM)
                dcol = c;
            nderived += (uint32_t)t->col_field[c] >= ncsv;
        }
        if (!nderived || ccol < 0)
            continue;
        for (size_t r = 0; r < t->nrows; r++) {
            char line[4096];
            snprintf(line, sizeof line, "%s", t->rows[r]);
            char *cells[MAX_COLS + 1];
            int n = split_commas(line, cells, MAX_COLS + 1);
            if (ccol >= n)
                continue;
            uint32_t row = find_row(ds, t->group, cells[ccol],
                                    t->group == CS_903_G_EPISODES && dcol >= 0 && dcol < n
                                        ? cells[dcol] : NULL);
            if (row == UINT32_MAX)
                continue;
            for (int c = 0; c < t->ncols && c < n; c++)
                if ((uint32_t)t->col_field[c] >= ncsv && cells[c][0])
                    cs_ds_set_text(ds, t->group, row, t->col_field[c], cells[c],
                                   strlen(cells[c]), CS_DS_TEXT_DMY);
        }
    }
}

static void remove_dir(const char *dir)
{
    DIR *dh = opendir(dir);
    if (dh) {
        struct dirent *e;
        while ((e = readdir(dh)) != NULL) {
            if (e->d_name[0] == '.')
                continue;
            char *p = path_join(dir, e->d_name);
            unlink(p);
            free(p);
        }
        closedir(dh);
    }
    rmdir(dir);
}

/* Reads this year's (last = 0) or last year's tables into ds. An empty last year is an
 * empty finalised dataset. */
static int load_dataset(test_case *tc, int last, const cs_903_year *year, cs_dataset *ds)
{
    int n = 0;
    for (int i = 0; i < tc->ntables; i++)
        n += tc->tables[i].last == last;
    if (n == 0) {
        if (!last) {
            problem(tc, "%s: no tables for this year", tc->file);
            return 0;
        }
        cs_ds_init(ds, &cs_903_schema);
        cs_ds_add_row(ds, CS_903_G_ROOT, 0, 0, 0);
        cs_diag d;
        cs_diag_clear(&d);
        assert_int_equal(cs_ds_finalize(ds, &d), CS_OK);
        return 1;
    }
    const char *tmp = getenv("TMPDIR");
    char dir[512];
    snprintf(dir, sizeof dir, "%s/cs903case.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        problem(tc, "%s: cannot make a temporary folder", tc->file);
        return 0;
    }
    int ok = 1;
    for (int i = 0; i < tc->ntables; i++)
        if (tc->tables[i].last == last)
            ok &= write_table(tc, &tc->tables[i], dir);
    if (ok) {
        cs_diag d;
        cs_diag_clear(&d);
        if (cs_903_read_csv_dir(dir, year, ds, NULL, &d) != CS_OK) {
            problem(tc, "%s: reading %s tables: %s", tc->file, last ? "last year's" : "the",
                    d.msg);
            ok = 0;
        } else {
            const cs_903_postcodes *pc = case_postcodes(tc);
            if (pc) {
                cs_903_derive(ds, pc, tc->la);
                apply_derived(tc, last, ds);
            } else {
                cs_ds_free(ds);
                ok = 0;
            }
        }
    }
    remove_dir(dir);
    return ok;
}

/* ---- rule sets, loaded once per year ------------------------------------------- */

static struct {
    char year[16];
    cs_ruleset *rs;
} g_sets[MAX_RULESETS];
static int g_nsets;

static cs_ruleset *ruleset_for(test_case *tc)
{
    for (int i = 0; i < g_nsets; i++)
        if (strcmp(g_sets[i].year, tc->year) == 0)
            return g_sets[i].rs;
    char *rules_dir = path_join(srcroot(), "rules");
    cs_ruleset_opts o = {.rules_dir = rules_dir, .ret = "ssda903", .year = tc->year};
    cs_rule_errors errs;
    cs_rule_errors_init(&errs);
    cs_diag d;
    cs_diag_clear(&d);
    cs_ruleset *rs = NULL;
    cs_status st = cs_ruleset_load(&rs, &o, &errs, &d);
    free(rules_dir);
    if (st != CS_OK) {
        problem(tc, "rules/ssda903/%s does not compile: %s", tc->year, d.msg);
        for (size_t i = 0; i < errs.count && i < 20; i++)
            problem(tc, "%s", errs.items[i].text);
    }
    cs_rule_errors_free(&errs);
    if (rs && g_nsets < MAX_RULESETS) {
        snprintf(g_sets[g_nsets].year, sizeof g_sets[g_nsets].year, "%s", tc->year);
        g_sets[g_nsets++].rs = rs;
    }
    return rs;
}

/* ---- running and checking ------------------------------------------------------ */

static void run_rules(const cs_ruleset *rs, const cs_dataset *ds, const cs_dataset *last,
                      const char *la, cs_rule_hits *h)
{
    cs_rules_context c;
    cs_rules_context_init(&c, rs);
    c.last = last;
    c.la = la;
    cs_rule_hits_init(h);
    cs_rule_sink sink = cs_rule_hits_sink(h);
    cs_diag d;
    cs_diag_clear(&d);
    assert_int_equal(cs_rules_run(rs, ds, &c, &sink, &d), CS_OK);
}

static const char *hit_path(const cs_dataset *ds, const cs_rule_hit *h, char *buf, size_t n)
{
    cs_ds_record_path(ds, h->group, h->row, buf, n);
    return buf;
}

static int hit_matches(const cs_dataset *ds, const cs_rule_hit *h, const expect *e)
{
    if (strcmp(h->rule->code, e->code) != 0)
        return 0;
    if (e->child[0] && strcmp(cs_ds_child_id(ds, h->group, h->row), e->child) != 0)
        return 0;
    char p[128];
    return !e->path[0] || strcmp(hit_path(ds, h, p, sizeof p), e->path) == 0;
}

/* "child 1 Episodes[2], child 2 Header[1]" for a report */
static const char *hits_of(const cs_dataset *ds, const cs_rule_hits *h, const char *code)
{
    static char buf[1024];
    size_t w = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < h->count && w + 100 < sizeof buf; i++) {
        if (strcmp(h->items[i].rule->code, code) != 0)
            continue;
        char p[128];
        int n = snprintf(buf + w, sizeof buf - w, "%schild %s %s", w ? ", " : "",
                         cs_ds_child_id(ds, h->items[i].group, h->items[i].row),
                         hit_path(ds, &h->items[i], p, sizeof p));
        if (n > 0)
            w += (size_t)n;
    }
    return w ? buf : "nowhere";
}

static int was_not_run(const cs_rule_hits *h, const char *code)
{
    for (size_t i = 0; i < h->nnot_run; i++)
        if (strcmp(h->not_run[i]->code, code) == 0)
            return 1;
    return 0;
}

static void check_expectations(test_case *tc, const cs_ruleset *rs, const cs_dataset *ds,
                               const cs_rule_hits *h, int without_last, const char *run_name)
{
    for (int i = 0; i < tc->nex; i++) {
        const expect *e = &tc->ex[i];
        if (e->without_last != without_last)
            continue;
        if (e->kind == EX_QUIET_ALL) {
            for (size_t k = 0; k < h->count; k++) {
                char pad[128];
                snprintf(pad, sizeof pad, " %s ", h->items[k].rule->code);
                if (strstr(e->except, pad))
                    continue;
                if (e->files[0]) {   /* only rules from the named files */
                    const char *f = h->items[k].rule->file;
                    const char *base = f && strrchr(f, '/') ? strrchr(f, '/') + 1 : f;
                    snprintf(pad, sizeof pad, " %s ", base ? base : "");
                    if (!strstr(e->files, pad))
                        continue;
                }
                char p[128];
                problem(tc, "%s:%d: %s fired on child %s %s (%s): expected no rule to fire",
                        tc->file, e->line, h->items[k].rule->code,
                        cs_ds_child_id(ds, h->items[k].group, h->items[k].row),
                        hit_path(ds, &h->items[k], p, sizeof p), run_name);
            }
            continue;
        }
        const cs_rule *r = cs_ruleset_find(rs, e->code);
        if (!r) {
            problem(tc, "%s:%d: no rule %s in rules/ssda903/%s", tc->file, e->line, e->code,
                    tc->year);
            continue;
        }
        int n = 0;
        for (size_t k = 0; k < h->count; k++)
            n += hit_matches(ds, &h->items[k], e);
        const char *where = e->child[0] ? " at child " : "";
        const char *hint = r->last == CS_LAST_REQUIRED && !tc->last_given
                               ? " [it needs last year's return: add 'last table' or 'last empty']"
                               : was_not_run(h, e->code) ? " [it was not run]" : "";
        switch (e->kind) {
        case EX_FIRE:
            if (n == 0)
                problem(tc, "%s:%d: %s should fire%s%s%s%s (%s) but fired %s%s", tc->file,
                        e->line, e->code, where, e->child, e->path[0] ? " " : "", e->path,
                        run_name, hits_of(ds, h, e->code), hint);
            break;
        case EX_QUIET:
            if (n != 0)
                problem(tc, "%s:%d: %s should be quiet%s%s%s%s (%s) but fired %s", tc->file,
                        e->line, e->code, where, e->child, e->path[0] ? " " : "", e->path,
                        run_name, hits_of(ds, h, e->code));
            break;
        case EX_COUNT:
            if (n != e->n)
                problem(tc, "%s:%d: %s should fire %d times (%s) but fired %d: %s%s", tc->file,
                        e->line, e->code, e->n, run_name, n, hits_of(ds, h, e->code), hint);
            break;
        case EX_NOT_RUN:
            if (!was_not_run(h, e->code))
                problem(tc, "%s:%d: %s should be reported not run (%s)", tc->file, e->line,
                        e->code, run_name);
            break;
        case EX_QUIET_ALL:
            break;
        }
    }
}

/* Without last year: rules needing it are not run and fire nothing. */
static void check_needs_last(test_case *tc, const cs_ruleset *rs, const cs_rule_hits *h)
{
    for (size_t i = 0; i < cs_ruleset_count(rs); i++) {
        const cs_rule *r = cs_ruleset_rule(rs, i);
        if (r->last != CS_LAST_REQUIRED)
            continue;
        if (!was_not_run(h, r->code))
            problem(tc, "%s: %s needs last year's return but was not reported as not run",
                    tc->file, r->code);
        for (size_t k = 0; k < h->count; k++)
            if (h->items[k].rule == r) {
                problem(tc, "%s: %s needs last year's return but fired without it", tc->file,
                        r->code);
                break;
            }
    }
}

static int same_hit(const cs_rule_hit *a, const cs_rule_hit *b)
{
    return a->rule == b->rule && a->group == b->group && a->row == b->row;
}

static int has_hit(const cs_rule_hits *h, const cs_rule_hit *x)
{
    for (size_t k = 0; k < h->count; k++)
        if (same_hit(&h->items[k], x))
            return 1;
    return 0;
}

/* Rules that do not read last year fire the same with and without it. */
static void check_same_without_last(test_case *tc, const cs_dataset *ds, const cs_rule_hits *a,
                                    const cs_rule_hits *b)
{
    for (int pass = 0; pass < 2; pass++) {
        const cs_rule_hits *x = pass ? b : a, *y = pass ? a : b;
        for (size_t k = 0; k < x->count; k++) {
            if (x->items[k].rule->last != CS_LAST_NONE || has_hit(y, &x->items[k]))
                continue;
            char p[128];
            problem(tc, "%s: %s fired on child %s %s only %s last year's return, though it "
                        "does not read it",
                    tc->file, x->items[k].rule->code,
                    cs_ds_child_id(ds, x->items[k].group, x->items[k].row),
                    hit_path(ds, &x->items[k], p, sizeof p), pass ? "without" : "with");
        }
    }
}

static void run_case(void **state)
{
    const char *path = *state;
    test_case *tc = calloc(1, sizeof *tc);
    assert_non_null(tc);
    tc->file = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    cs_dataset ds, last;
    int have_ds = 0, have_last = 0;
    cs_903_year year, prev;
    cs_diag d;
    cs_diag_clear(&d);
    cs_ruleset *rs = NULL;
    if (!parse_case(tc, path))
        goto done;
    if (cs_903_year_parse(tc->year, &year, &d) != CS_OK) {
        problem(tc, "%s: year %s: %s", tc->file, tc->year, d.msg);
        goto done;
    }
    cs_903_year_previous(&year, &prev);
    rs = ruleset_for(tc);
    if (!rs)
        goto done;
    if (!(have_ds = load_dataset(tc, 0, &year, &ds)))
        goto done;
    if (tc->last_given && !(have_last = load_dataset(tc, 1, &prev, &last)))
        goto done;
    cs_rule_hits with, without;
    run_rules(rs, &ds, NULL, tc->la, &without);
    check_needs_last(tc, rs, &without);
    if (have_last) {
        run_rules(rs, &ds, &last, tc->la, &with);
        check_expectations(tc, rs, &ds, &with, 0, "with last year");
        check_expectations(tc, rs, &ds, &without, 1, "without last year");
        check_same_without_last(tc, &ds, &with, &without);
        cs_rule_hits_free(&with);
    } else {
        check_expectations(tc, rs, &ds, &without, 0, "no last year given");
    }
    cs_rule_hits_free(&without);
done:
    if (have_ds)
        cs_ds_free(&ds);
    if (have_last)
        cs_ds_free(&last);
    int problems = tc->problems;
    if (problems)
        print_error("%s", tc->report);
    free_case(tc);
    cs_903_postcodes_free(tc->case_pc);
    free(tc);
    assert_int_equal(problems, 0);
}

/* ---- discovery ------------------------------------------------------------------ */

static int group_setup(void **state)
{
    (void)state;
    char *pc = path_join(srcroot(), "rules/ssda903/reference/postcodes.tsv");
    cs_903_postcodes *p = NULL;
    cs_diag d;
    cs_diag_clear(&d);
    cs_status st = cs_903_postcodes_load(&p, pc, &d);
    free(pc);
    if (st != CS_OK) {
        print_error("postcodes: %s\n", d.msg);
        return -1;
    }
    g_postcodes = p;
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    for (int i = 0; i < g_nsets; i++)
        cs_ruleset_free(g_sets[i].rs);
    g_nsets = 0;
    cs_903_postcodes_free((cs_903_postcodes *)g_postcodes);
    g_postcodes = NULL;
    return 0;
}

static int wanted(const char *name, const char *filter)
{
    if (!filter || !*filter)
        return 1;
    size_t n = strlen(name) - strlen(".case");
    for (const char *s = filter; *s;) {
        const char *c = strchr(s, ',');
        size_t k = c ? (size_t)(c - s) : strlen(s);
        if (k == n && strncmp(s, name, n) == 0)
            return 1;
        s += k + (c != NULL);
    }
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
    char *dir = path_join(srcroot(), CASE_DIR);
    DIR *dh = opendir(dir);
    char **names = NULL;
    size_t n = 0, cap = 0;
    const char *filter = getenv("CASE");
    if (dh) {
        struct dirent *e;
        while ((e = readdir(dh)) != NULL) {
            size_t len = strlen(e->d_name);
            if (e->d_name[0] == '.' || len < 6 || strcmp(e->d_name + len - 5, ".case") != 0 ||
                !wanted(e->d_name, filter))
                continue;
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                names = realloc(names, cap * sizeof *names);
            }
            names[n++] = strdup(e->d_name);
        }
        closedir(dh);
    }
    if (n == 0) {
        fprintf(stderr, "no case files in %s%s%s\n", dir, filter ? " matching CASE=" : "",
                filter ? filter : "");
        free(dir);
        return 1;
    }
    qsort(names, n, sizeof *names, cmp_names);
    struct CMUnitTest *tests = calloc(n, sizeof *tests);
    char **paths = calloc(n, sizeof *paths);
    for (size_t i = 0; i < n; i++) {
        paths[i] = path_join(dir, names[i]);
        tests[i] = (struct CMUnitTest){names[i], run_case, NULL, NULL, paths[i]};
    }
    int rc = _cmocka_run_group_tests("rules_903", tests, n, group_setup, group_teardown);
    for (size_t i = 0; i < n; i++) {
        free(paths[i]);
        free(names[i]);
    }
    free(paths);
    free(names);
    free(tests);
    free(dir);
    return rc;
}
