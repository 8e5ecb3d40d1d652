/* One return through its rules, shared by `cscdw validate`, `cscdw emit`
 * and the job pipeline: find and compile the year's rule set, run it over a
 * return dataset (with last year's when there is one), turn what it found
 * into exception rows, and check a written file against the year's XSD. */
#ifndef CS_PIPELINE_RETURNS_H
#define CS_PIPELINE_RETURNS_H

#include <stddef.h>
#include <stdint.h>

#include "dataset/dataset.h"
#include "report/exceptions.h"
#include "report/rule_exceptions.h"
#include "returns/ssda903/ssda903.h"
#include "rules/rules.h"
#include "util/date.h"
#include "util/diag.h"

/* The rule set for ret ("cin", "ssda903") and year ("2025-26"):
 *   rules NULL   rules/<ret>/<year> found through cs_resource_path
 *                (./rules, $CSCDW_HOME/rules, beside the binary ...);
 *   rules DIR    DIR/<ret>/<year> when that exists, else DIR itself as the
 *                year folder (a folder holding *.rules files).
 * Local rules (<rules folder>/local/<ret>/) are added when present unless
 * no_local. The bank-holiday calendar is the rules folder's, else the
 * installed one. Compile errors go to errs (may be NULL) with CS_ERR_CONFIG;
 * a missing folder is CS_ERR_IO naming where it looked. dir_out (may be
 * NULL) receives the year folder used. */
cs_status cs_returns_rules_load(const char *ret, const char *year, const char *rules,
                                int no_local, cs_ruleset **out, cs_rule_errors *errs,
                                char *dir_out, size_t dir_n, cs_diag *d);

typedef struct {
    const char *la;                 /* LA context value, or NULL */
    cs_date reference_date;         /* CS_DATE_NONE = the year's (31 March) */
    const cs_dataset *last;         /* last year's return, or NULL */
    cs_rule_exc_ctx exc;            /* return, year, source system, allocation */
    cs_rules_profile *profile;      /* NULL, or filled with each rule's cost (timed run) */
} cs_validate_opts;

typedef struct {
    size_t rules;                   /* rules in the set */
    size_t not_run;                 /* rules not run (reported as info rows) */
    uint64_t findings;              /* rule findings (rows added, not-run rows excluded) */
} cs_validate_counts;

/* Runs rs over ds and appends one exception row per finding and per rule not
 * run to l. Operational failures only (a dataset of the wrong schema). */
cs_status cs_returns_validate(const cs_ruleset *rs, const cs_dataset *ds,
                              const cs_validate_opts *o, cs_exception_list *l,
                              cs_validate_counts *c, cs_diag *d);

/* Checks a written return file against schema/xml/<xsd_name>. A file that
 * does not pass becomes one error row (rule XSD, the first problem with its
 * line and column) in l, and *valid = 0; an XSD that cannot be found or
 * read is an operational error. */
cs_status cs_returns_xsd_check(const char *path, const char *xsd_name, const char *ret,
                               const char *year, cs_exception_list *l, int *valid,
                               cs_diag *d);

/* A 903 return from a folder of CSV tables, one XML file (.xml, .xml.gz),
 * or a list of CSV files (the readers' findings go to f, which may be NULL).
 * groups: the CSV tables to read (0 = all; see cs_903_read_csv_dir_only). */
cs_status cs_returns_read_903(char *const *paths, int n, const cs_903_year *year,
                              uint64_t groups, cs_dataset *ds, cs_findings *f, cs_diag *d);

/* The groups of last year's return some rule of the set reads, a bit each
 * (0 when none does). */
uint64_t cs_returns_last_groups(const cs_ruleset *rs);

/* 1 when a rule of the set reads last year's return (needed or optional). */
int cs_returns_uses_last(const cs_ruleset *rs);

/* The 903 derived placement fields (PL_LA, PL_LOCATION, PL_DISTANCE) for a
 * return read from files, as DfE's tool derives them: from the installed
 * postcode table (rules/ssda903/reference/postcodes.tsv); la_ons is the
 * submitting LA's ONS code (NULL leaves PL_LOCATION blank). Returns 0 when
 * there is no postcode table (the fields stay as read). */
int cs_returns_derive_903(cs_dataset *ds, const cs_903_postcodes *pc, const char *la_ons);
/* The postcode table from rules/ssda903/reference/postcodes.tsv under the
 * rule folder given (rules, may be NULL), else the installed one; not found
 * is an error naming where it looked. */
cs_status cs_returns_postcodes_load(const char *rules, cs_903_postcodes **out, cs_diag *d);

/* Children in a return dataset (rows of its child group). */
size_t cs_returns_children(const cs_dataset *ds);

#endif
