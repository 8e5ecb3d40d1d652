/* cscdw extract: a source system's extracts -> the canonical model, with a
 * summary of what was read and what was repaired, an optional dump of the
 * model (one CSV per entity) and the findings as CSV. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "etl/extract.h"
#include "etl/profile.h"
#include "model/model.h"
#include "util/findings.h"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: cscdw extract --profile FILE --input DIR [--dump OUTDIR]\n"
            "                     [--findings FILE.csv] [--quiet]\n"
            "       cscdw extract --list-entities\n"
            "       cscdw extract --list-findings\n"
            "\n"
            "Reads a case system's extracts (CSV, fixed-width or XML, any encoding, gzip\n"
            "or plain) into the canonical model as the source profile says, and prints\n"
            "what it read and what it had to repair.\n"
            "\n"
            "  --profile FILE      source profile (etl/sources/<system>.yaml)\n"
            "  --input DIR         folder holding the extract files\n"
            "  --dump OUTDIR       write the model: one CSV per entity (folder 0700, files 0600)\n"
            "  --findings FILE     write every finding as CSV (code, severity, file, line, ...)\n"
            "  --quiet             print nothing but errors\n"
            "  --list-entities     the canonical entities and their fields\n"
            "  --list-findings     the finding codes (X101...) with severity and meaning\n"
            "  --help              this text\n"
            "\n"
            "Exit status: 0 done, 1 the extract could not be read (the message names the\n"
            "file, line and column), 2 usage error. Findings never change the exit status.\n");
}

static int list_entities(void)
{
    for (size_t i = 0; i < CS_ENTITY_COUNT; i++) {
        const cs_entity_desc *e = &cs_entities[i];
        printf("%s\n    %s\n", e->name, e->doc);
        for (size_t k = 0; k < e->nfields; k++) {
            const cs_field_desc *f = &e->fields[k];
            char type[64];
            if (f->codeset)
                snprintf(type, sizeof type, "code (%s)", f->codeset);
            else
                snprintf(type, sizeof type, "%s", cs_field_type_name(f->type));
            printf("  %-26s %-26s %s\n", f->name, type, f->doc);
        }
        printf("\n");
    }
    return CS_EXIT_OK;
}

static int list_findings(void)
{
    for (int k = 0; k < CS_FK_COUNT; k++) {
        const cs_finding_kind_info *i = cs_finding_kind_get((cs_finding_kind)k);
        if (i)
            printf("%s  %-8s %s\n", i->code, cs_severity_name(i->severity), i->title);
    }
    return CS_EXIT_OK;
}

/* Progress on a terminal: one line rewritten in place. */
static void show_progress(void *ctx, const char *file, uint64_t done, uint64_t total)
{
    (void)ctx;
    if (done > total)
        done = total;
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    if (!file[0]) {
        fprintf(stderr, "\r%-72s\r", "");
        return;
    }
    fprintf(stderr, "\rextract: %3d%%  %-40.40s", total ? (int)(done * 100 / total) : 100, base);
    fflush(stderr);
}

static const char *relative(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    if (strncmp(path, dir, n) == 0 && path[n] == '/')
        return path + n + 1;
    return path;
}

static double mb(uint64_t bytes)
{
    return (double)bytes / (1024.0 * 1024.0);
}

static void summary(const cs_profile *p, const char *input, const cs_model *m,
                    const cs_findings *fx, const cs_extract_stats *s)
{
    printf("profile: %s (system %s) from %s\n", p->name, p->system, p->path);
    printf("files read: %zu (%.2f MB)\n", s->nfiles, mb(s->bytes_total));
    for (size_t i = 0; i < s->nfiles; i++) {
        const cs_extract_file_stat *f = &s->files[i];
        printf("  %-32s %-13s %10llu records %9.2f MB  -> %s\n", relative(f->path, input),
               f->encoding && f->encoding[0] ? f->encoding : "-",
               (unsigned long long)f->records, mb(f->bytes), f->entity);
    }
    printf("records per entity:\n");
    uint64_t total = 0;
    for (size_t e = 0; e < CS_ENTITY_COUNT; e++) {
        if (!m->tables[e].count)
            continue;
        printf("  %-26s %10zu\n", cs_entities[e].name, m->tables[e].count);
        total += m->tables[e].count;
    }
    printf("  %-26s %10llu\n", "(total)", (unsigned long long)total);
    printf("findings per kind: %llu\n", (unsigned long long)fx->total);
    for (int k = 0; k < CS_FK_COUNT; k++) {
        if (!fx->per_kind[k])
            continue;
        const cs_finding_kind_info *i = cs_finding_kind_get((cs_finding_kind)k);
        printf("  %s %-8s %10llu  %s\n", i->code, cs_severity_name(i->severity),
               (unsigned long long)fx->per_kind[k], i->title);
    }
    if (fx->max_stored && fx->count < fx->total)
        printf("  (only the first %zu findings are kept for --findings)\n", fx->count);
    double secs = s->seconds > 0 ? s->seconds : 1e-9;
    printf("time: %.2f s, %.1f MB/s\n", s->seconds, mb(s->bytes_total) / secs);
}

int cs_cmd_extract(int argc, char **argv)
{
    enum { O_PROFILE = 1, O_INPUT, O_DUMP, O_FINDINGS, O_QUIET, O_LIST_E, O_LIST_F, O_HELP };
    static const struct option opts[] = {
        {"profile", required_argument, NULL, O_PROFILE},
        {"input", required_argument, NULL, O_INPUT},
        {"dump", required_argument, NULL, O_DUMP},
        {"findings", required_argument, NULL, O_FINDINGS},
        {"quiet", no_argument, NULL, O_QUIET},
        {"list-entities", no_argument, NULL, O_LIST_E},
        {"list-findings", no_argument, NULL, O_LIST_F},
        {"help", no_argument, NULL, O_HELP},
        {NULL, 0, NULL, 0},
    };
    const char *profile = NULL, *input = NULL, *dump = NULL, *findings_csv = NULL;
    int quiet = 0, list_e = 0, list_f = 0;
    optind = 1;
    opterr = 0;
    int ch;
    while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (ch) {
        case O_PROFILE: profile = optarg; break;
        case O_INPUT: input = optarg; break;
        case O_DUMP: dump = optarg; break;
        case O_FINDINGS: findings_csv = optarg; break;
        case O_QUIET: quiet = 1; break;
        case O_LIST_E: list_e = 1; break;
        case O_LIST_F: list_f = 1; break;
        case 'h':
        case O_HELP: usage(stdout); return CS_EXIT_OK;
        case ':':
            return cs_cli_usage_error("extract", "option '%s' needs a value", argv[optind - 1]);
        default:
            return cs_cli_usage_error("extract", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cs_cli_usage_error("extract", "unexpected argument '%s'", argv[optind]);
    if (list_e)
        return list_entities();
    if (list_f)
        return list_findings();
    if (!profile)
        return cs_cli_usage_error("extract", "--profile FILE is required");
    if (!input)
        return cs_cli_usage_error("extract", "--input DIR is required");

    cs_diag d;
    cs_diag_clear(&d);
    cs_profile *p = NULL;
    if (cs_profile_load(&p, profile, &d) != CS_OK)
        return cs_cli_fail(&d);
    cs_model m;
    cs_model_init(&m);
    cs_findings fx;
    cs_findings_init(&fx);
    cs_extract_stats stats;
    int show = !quiet && cs_cli_stderr_is_tty();
    cs_status st = cs_extract(p, input, &m, &fx, &stats, show ? show_progress : NULL, NULL, &d);
    if (st == CS_OK && dump)
        st = cs_model_dump(&m, dump, &d);
    if (st == CS_OK && findings_csv)
        st = cs_findings_write_csv(&fx, findings_csv, &d);
    int rc = CS_EXIT_OK;
    if (st != CS_OK)
        rc = cs_cli_fail(&d);
    else if (!quiet)
        summary(p, input, &m, &fx, &stats);
    cs_extract_stats_free(&stats);
    cs_findings_free(&fx);
    cs_model_free(&m);
    cs_profile_free(p);
    return rc;
}
