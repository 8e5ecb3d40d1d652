/* cscdw inspect FILE: read a file the way the extract would and say what it
 * holds (encoding, gzip, delimiter, columns, records, blank and ragged rows),
 * or name the file, line and column where it cannot be read. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli/cli.h"
#include "read/table.h"
#include "util/findings.h"
#include "util/limits.h"

#define SHOW_LINES 5   /* ragged rows listed by line number */

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: cscdw inspect FILE [OPTIONS]\n"
            "\n"
            "Read FILE (plain or gzip) as the extract would and report its encoding,\n"
            "delimiter, columns, record count, blank rows and ragged rows.\n"
            "\n"
            "Options:\n"
            "  --format csv|fixed|xml   the file's format (default: xml for *.xml and\n"
            "                           *.xml.gz or with --record, fixed with --layout,\n"
            "                           else csv)\n"
            "  --record NAME            XML: the element that is one record (required)\n"
            "  --encoding ENC           auto (default), utf-8, utf-16le, utf-16be,\n"
            "                           windows-1252, iso-8859-1\n"
            "  --invalid error|replace  bad byte sequences: stop (default) or replace\n"
            "  --delimiter C            CSV: one character, or 'tab' (default: sniffed)\n"
            "  --no-header              CSV: the first row is data, not column names\n"
            "  --layout NAME:START:WIDTH,...\n"
            "                           fixed-width columns (1-based character positions)\n"
            "  -h, --help               this text\n"
            "\n"
            "Exit status: 0 the file was read to the end, 1 it could not be read\n"
            "(the message names the file and line), 2 usage error.\n");
}

typedef struct {
    cs_fixed_column *cols;
    size_t n;
    char *text;   /* the option's copy the names point into */
} layout_opt;

static int parse_uint(const char *s, uint32_t *out)
{
    char *end;
    if (!*s || *s == '-' || *s == '+')
        return 0;
    unsigned long v = strtoul(s, &end, 10);
    if (*end || v == 0 || v > CS_MAX_ROW_BYTES)
        return 0;
    *out = (uint32_t)v;
    return 1;
}

/* "NAME:START:WIDTH,..." (a name may itself hold ':'; the numbers are the
 * last two parts). 0 and a message on a bad spec. */
static int parse_layout(const char *arg, layout_opt *l, char *err, size_t errn)
{
    l->text = cs_xstrdup(arg);
    size_t cap = 1;
    for (const char *p = arg; *p; p++)
        cap += *p == ',';
    if (cap > CS_MAX_COLUMNS) {
        snprintf(err, errn, "--layout has more than %u columns", CS_MAX_COLUMNS);
        return 0;
    }
    l->cols = cs_xcalloc(cap, sizeof *l->cols);
    char *save = NULL;
    for (char *item = strtok_r(l->text, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *w = strrchr(item, ':');
        char *s = w ? (*w = '\0', strrchr(item, ':')) : NULL;
        if (!w || !s || s == item) {
            snprintf(err, errn, "--layout column '%s' is not NAME:START:WIDTH", item);
            return 0;
        }
        *s = '\0';
        cs_fixed_column *c = &l->cols[l->n];
        c->name = item;
        if (!parse_uint(s + 1, &c->start) || !parse_uint(w + 1, &c->width)) {
            snprintf(err, errn, "--layout column '%s': start and width must be whole numbers "
                                "from 1", item);
            return 0;
        }
        l->n++;
    }
    if (l->n == 0) {
        snprintf(err, errn, "--layout names no columns");
        return 0;
    }
    return 1;
}

static int parse_delimiter(const char *s, char *out)
{
    if (strcasecmp(s, "tab") == 0 || strcmp(s, "\\t") == 0) {
        *out = '\t';
        return 1;
    }
    if (strlen(s) != 1 || s[0] == '\n' || s[0] == '\r' || (unsigned char)s[0] >= 0x80)
        return 0;
    *out = s[0];
    return 1;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static const char *format_name(cs_table_format f)
{
    return f == CS_TABLE_FIXED ? "fixed" : f == CS_TABLE_XML ? "xml" : "csv";
}

typedef struct {
    uint64_t records, blank, ragged;
    uint64_t ragged_lines[SHOW_LINES];
} tally;

static cs_status read_all(cs_table_reader *t, tally *n, cs_diag *d)
{
    cs_record rec;
    cs_status st;
    while ((st = cs_table_next(t, &rec, d)) == CS_OK) {
        if (rec.blank) {
            n->blank++;
            continue;
        }
        n->records++;
        if (cs_table_ragged(t)) {
            if (n->ragged < SHOW_LINES)
                n->ragged_lines[n->ragged] = rec.line;
            n->ragged++;
        }
    }
    return st == CS_EOF ? CS_OK : st;
}

static void print_delimiter(char c)
{
    if (c == '\t')
        printf("tab\n");
    else
        printf("'%c'\n", c);
}

static void print_report(const cs_table_reader *t, cs_table_format fmt, const tally *n,
                         const cs_findings *findings, double seconds)
{
    printf("file:        %s\n", cs_table_path(t));
    printf("format:      %s\n", format_name(fmt));
    printf("encoding:    %s\n", cs_table_encoding(t));
    printf("gzip:        %s\n", cs_table_is_gzip(t) ? "yes" : "no");
    if (fmt == CS_TABLE_CSV) {
        printf("delimiter:   ");
        print_delimiter(cs_table_delimiter(t));
    }
    size_t ncols = cs_table_ncolumns(t);
    printf("columns:     %zu\n", ncols);
    for (size_t i = 0; i < ncols; i++) {
        const char *name = cs_table_column(t, i);
        int first = cs_table_find_column(t, name);
        printf("  %4zu  %s", i + 1, name[0] ? name : "(no name)");
        if (name[0] && first >= 0 && (size_t)first != i)
            printf("  (repeats column %d: lookups by name find that one)", first + 1);
        printf("\n");
    }
    printf("records:     %llu\n", (unsigned long long)n->records);
    if (fmt != CS_TABLE_XML) {
        printf("blank rows:  %llu\n", (unsigned long long)n->blank);
        printf("%s %llu", fmt == CS_TABLE_FIXED ? "short lines:" : "ragged rows:",
               (unsigned long long)n->ragged);
        for (uint64_t i = 0; i < n->ragged && i < SHOW_LINES; i++)
            printf("%s%llu", i == 0 ? " (lines " : ", ", (unsigned long long)n->ragged_lines[i]);
        if (n->ragged > 0)
            printf("%s)", n->ragged > SHOW_LINES ? ", ..." : "");
        printf("\n");
    }
    if (findings->per_kind[CS_FK_BAD_ENCODING])
        printf("replaced:    invalid bytes on %llu line(s)\n",
               (unsigned long long)findings->per_kind[CS_FK_BAD_ENCODING]);
    printf("elapsed:     %.3f s\n", seconds);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int inspect(const char *path, cs_table_spec *spec)
{
    double t0 = now_seconds();
    cs_findings findings;
    cs_findings_init(&findings);
    findings.max_stored = 1000;
    cs_diag d;
    cs_diag_clear(&d);
    cs_table_reader *t = NULL;
    tally n = {0};
    cs_status st = cs_table_open(&t, path, spec, &findings, &d);
    if (st == CS_OK)
        st = read_all(t, &n, &d);
    int rc;
    if (st == CS_ERR_CONFIG)
        rc = cs_cli_usage_error("inspect", "%s", d.msg);   /* options came from the command line */
    else if (st != CS_OK)
        rc = cs_cli_fail(&d);
    else {
        print_report(t, spec->format, &n, &findings, now_seconds() - t0);
        rc = CS_EXIT_OK;
    }
    cs_table_close(t);
    cs_findings_free(&findings);
    return rc;
}

int cs_cmd_inspect(int argc, char **argv)
{
    static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
                                         {"record", required_argument, NULL, 'r'},
                                         {"encoding", required_argument, NULL, 'e'},
                                         {"invalid", required_argument, NULL, 'i'},
                                         {"delimiter", required_argument, NULL, 'd'},
                                         {"no-header", no_argument, NULL, 'n'},
                                         {"layout", required_argument, NULL, 'l'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    cs_table_spec spec = {.format = CS_TABLE_CSV, .has_header = 1};
    const char *format = NULL;
    layout_opt layout = {0};
    char err[256];
    int rc = -1, c;
    optind = 1;
    opterr = 0;
    while (rc < 0 && (c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            format = optarg;
            if (strcmp(format, "csv") && strcmp(format, "fixed") && strcmp(format, "xml"))
                rc = cs_cli_usage_error("inspect", "--format must be csv, fixed or xml, not '%s'",
                                        format);
            break;
        case 'r':
            spec.record_element = optarg;
            break;
        case 'e': {
            int e = strcasecmp(optarg, "auto") == 0 ? CS_ENC_AUTO : cs_encoding_parse(optarg);
            if (e < 0)
                rc = cs_cli_usage_error("inspect", "unknown encoding '%s'", optarg);
            else
                spec.encoding = (cs_encoding)e;
            break;
        }
        case 'i':
            if (strcmp(optarg, "replace") == 0)
                spec.invalid = CS_INVALID_REPLACE;
            else if (strcmp(optarg, "error") != 0)
                rc = cs_cli_usage_error("inspect", "--invalid must be error or replace");
            break;
        case 'd':
            if (!parse_delimiter(optarg, &spec.delimiter))
                rc = cs_cli_usage_error("inspect",
                                        "--delimiter must be one character or 'tab', not '%s'",
                                        optarg);
            break;
        case 'n':
            spec.has_header = 0;
            break;
        case 'l':
            if (layout.cols)
                rc = cs_cli_usage_error("inspect", "--layout given twice");
            else if (!parse_layout(optarg, &layout, err, sizeof err))
                rc = cs_cli_usage_error("inspect", "%s", err);
            break;
        case 'h':
            usage(stdout);
            rc = CS_EXIT_OK;
            break;
        default:
            rc = cs_cli_usage_error("inspect", "unknown option '%s'", argv[optind - 1]);
            break;
        }
    }
    if (rc < 0 && optind != argc - 1)
        rc = cs_cli_usage_error("inspect", optind >= argc ? "which file?" : "one file at a time");
    if (rc < 0) {
        const char *path = argv[optind];
        if (format)
            spec.format = strcmp(format, "xml") == 0     ? CS_TABLE_XML
                          : strcmp(format, "fixed") == 0 ? CS_TABLE_FIXED
                                                         : CS_TABLE_CSV;
        else if (layout.cols)
            spec.format = CS_TABLE_FIXED;
        else if (spec.record_element || ends_with(path, ".xml") || ends_with(path, ".xml.gz"))
            spec.format = CS_TABLE_XML;
        spec.layout = layout.cols;
        spec.nlayout = layout.n;
        if (spec.format == CS_TABLE_XML && !spec.record_element)
            rc = cs_cli_usage_error("inspect", "XML needs --record NAME (the element that is "
                                               "one record)");
        else if (spec.format == CS_TABLE_FIXED && !layout.cols)
            rc = cs_cli_usage_error("inspect", "fixed-width needs --layout NAME:START:WIDTH,...");
        else
            rc = inspect(path, &spec);
    }
    free(layout.cols);
    free(layout.text);
    return rc;
}
