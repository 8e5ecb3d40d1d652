/* What `cscdw validate` and `cscdw emit` print and write about a run's
 * exceptions: the summary lines (findings by severity, top rules, rules not
 * run, time per stage, peak memory), the exception files, and the exit
 * status (--strict). */
#ifndef CS_CLI_VALIDATE_REPORT_H
#define CS_CLI_VALIDATE_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "pipeline/pipeline.h"
#include "report/exceptions.h"
#include "rules/rules.h"

typedef struct {
    cs_stage_time stages[CS_PIPELINE_MAX_STAGES];
    size_t n;
    int cur;              /* running stage, -1 when none */
    double started;
} cs_cli_clock;

double cs_cli_now(void);
void cs_cli_clock_start(cs_cli_clock *c);
/* Ends the running stage (if any) and starts `name`; NULL just ends it. */
void cs_cli_clock_stage(cs_cli_clock *c, const char *name);

/* "  findings     ..., top rules, rules not run" lines. */
void cs_cli_print_findings(FILE *out, const cs_exception_list *l);
/* "  time         read 0.80s, rules 0.50s, ...; total 1.45s" and peak memory. */
void cs_cli_print_times(FILE *out, const cs_cli_clock *c);

/* Every compile error with its caret, then "N errors". */
void cs_cli_print_rule_errors(const cs_rule_errors *errs);

/* Writes the CSV and/or xlsx (either may be NULL); on failure prints the
 * message and returns CS_EXIT_FAIL, else CS_EXIT_OK. */
int cs_cli_write_exception_files(const cs_exception_list *l, const char *csv, const char *xlsx);

/* 0, or CS_EXIT_STRICT when strict and an error-severity row exists. */
int cs_cli_exception_status(const cs_exception_list *l, int strict);

/* "<path without .xml/.gz or trailing />-exceptions.csv" into buf. */
void cs_cli_beside(const char *out, const char *suffix, char *buf, size_t n);

#endif
