#include "cli/validate_report.h"

#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <time.h>

#include "cli/cli.h"
#include "report/xlsx.h"

double cs_cli_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cs_cli_clock_start(cs_cli_clock *c)
{
    memset(c, 0, sizeof *c);
    c->cur = -1;
}

void cs_cli_clock_stage(cs_cli_clock *c, const char *name)
{
    double t = cs_cli_now();
    if (c->cur >= 0)
        c->stages[c->cur].seconds += t - c->started;
    c->cur = -1;
    if (!name)
        return;
    /* a stage named again (write after write) adds to its time */
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->stages[i].name, name) == 0)
            c->cur = (int)i;
    if (c->cur < 0 && c->n < CS_PIPELINE_MAX_STAGES) {
        c->stages[c->n] = (cs_stage_time){name, 0};
        c->cur = (int)c->n++;
    }
    c->started = t;
}

void cs_cli_print_findings(FILE *out, const cs_exception_list *l)
{
    uint64_t sev[4];
    cs_exceptions_count(l, sev);
    fprintf(out, "  findings     %llu error, %llu query, %llu warning, %llu info\n",
            (unsigned long long)sev[CS_SEV_ERROR], (unsigned long long)sev[CS_SEV_QUERY],
            (unsigned long long)sev[CS_SEV_WARNING], (unsigned long long)sev[CS_SEV_INFO]);
    const char *codes[5], *msgs[5];
    size_t counts[5];
    size_t k = cs_pipeline_top_rules(l, 5, codes, counts, msgs);
    if (k) {
        fprintf(out, "  top rules\n");
        for (size_t i = 0; i < k; i++)
            fprintf(out, "    %-8s %7zu  %s\n", codes[i], counts[i], msgs[i]);
    }
    /* rules that did not run, so nobody takes silence for a pass */
    size_t not_run = 0;
    for (size_t i = 0; i < l->count; i++)
        if (l->items[i].severity == CS_SEV_INFO && strncmp(l->items[i].message, "Not run", 7) == 0)
            not_run++;
    if (not_run) {
        fprintf(out, "  not run      %zu rule%s:", not_run, not_run == 1 ? "" : "s");
        size_t shown = 0;
        for (size_t i = 0; i < l->count && shown < 12; i++) {
            const cs_exception *e = &l->items[i];
            if (e->severity == CS_SEV_INFO && strncmp(e->message, "Not run", 7) == 0) {
                fprintf(out, " %s", e->rule);
                shown++;
            }
        }
        fprintf(out, "%s (see the exception list for why)\n", shown < not_run ? " ..." : "");
    }
}

void cs_cli_print_times(FILE *out, const cs_cli_clock *c)
{
    fprintf(out, "  time        ");
    double total = 0;
    for (size_t i = 0; i < c->n; i++) {
        fprintf(out, " %s %.2fs%s", c->stages[i].name, c->stages[i].seconds,
                i + 1 < c->n ? "," : "");
        total += c->stages[i].seconds;
    }
    fprintf(out, "; total %.2fs\n", total);
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) == 0)
        fprintf(out, "  memory       peak %.1f MB\n", (double)ru.ru_maxrss / 1024.0);
}

void cs_cli_print_rule_errors(const cs_rule_errors *errs)
{
    for (size_t i = 0; i < errs->count; i++)
        fprintf(stderr, "%s\n", errs->items[i].text);
    if (errs->count)
        fprintf(stderr, "%zu error%s in the rule files\n", errs->count,
                errs->count == 1 ? "" : "s");
}

int cs_cli_write_exception_files(const cs_exception_list *l, const char *csv, const char *xlsx)
{
    cs_diag d;
    cs_diag_clear(&d);
    if (csv && cs_exceptions_write_csv(l, csv, &d) != CS_OK)
        return cs_cli_fail(&d);
    if (xlsx && cs_exceptions_write_xlsx(l, xlsx, &d) != CS_OK)
        return cs_cli_fail(&d);
    return CS_EXIT_OK;
}

int cs_cli_exception_status(const cs_exception_list *l, int strict)
{
    if (!strict)
        return CS_EXIT_OK;
    for (size_t i = 0; i < l->count; i++)
        if (l->items[i].severity == CS_SEV_ERROR)
            return CS_EXIT_STRICT;
    return CS_EXIT_OK;
}

static int ends_with(const char *s, size_t n, const char *tail)
{
    size_t k = strlen(tail);
    return n >= k && strncasecmp(s + n - k, tail, k) == 0;
}

void cs_cli_beside(const char *out, const char *suffix, char *buf, size_t n)
{
    size_t len = strlen(out);
    while (len > 1 && out[len - 1] == '/')
        len--;
    if (ends_with(out, len, ".gz"))
        len -= 3;
    if (ends_with(out, len, ".xml"))
        len -= 4;
    snprintf(buf, n, "%.*s%s", (int)len, out, suffix);
}

