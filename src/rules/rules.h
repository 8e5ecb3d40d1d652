/* The rule language: rule files compiled once against a dataset schema and
 * run over return datasets (CIN, SSDA903, Annex A). The language itself is
 * documented in rules/README.md.
 *
 * Life cycle:
 *   cs_ruleset_load()   read a year folder (with `inherits:`), its code lists,
 *                       the local rules, and compile every rule to bytecode;
 *                       compile errors go to a cs_rule_errors list, each with
 *                       file:line:col, the source line and a caret.
 *   cs_rules_run()      evaluate every rule over every row of its group (or
 *                       once for `on return`) and hand each finding to a sink.
 *
 * A finding is {rule, group, row}: the exception-list layer turns it into a
 * row with cs_ds_child_id(), cs_ds_record_path(), the rule's field list and
 * cs_value_format(). Findings are data; only operational failures (a bad
 * dataset) return an error status. */
#ifndef CS_RULES_RULES_H
#define CS_RULES_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "dataset/dataset.h"
#include "util/calendar.h"
#include "util/date.h"
#include "util/diag.h"

typedef enum { CS_RULE_ERROR = 0, CS_RULE_QUERY, CS_RULE_WARNING } cs_rule_severity;
const char *cs_rule_severity_name(cs_rule_severity s);   /* "error", "query", "warning" */

/* A field a rule reads. on_row: the field has one value for a flagged row
 * (it belongs to the rule's group, one of its ancestors, or the header), so
 * an exception list can show it with cs_ds_ancestor(). */
typedef struct {
    int group;
    int field;
    uint8_t declared;   /* named in the rule's `fields` clause; 0 = added by the checker */
    uint8_t on_row;
} cs_rule_field;

typedef enum {
    CS_LAST_NONE = 0,     /* does not read last year's return */
    CS_LAST_REQUIRED,     /* not run (and reported) without last year's return */
    CS_LAST_OPTIONAL      /* `optional last`: runs anyway, `last` is then absent */
} cs_rule_last;

typedef struct {
    const char *name;     /* let name */
    const char *text;     /* its expression as written (whitespace collapsed) */
} cs_rule_let;

typedef struct {
    const char *code;            /* "8525Q", "LA001" */
    const char *mirrors;         /* DfE/Ofsted code it mirrors (default: code) */
    cs_rule_severity severity;
    const char *message;         /* plain words */
    const char *explain;         /* longer plain words, or NULL */
    const char *example;         /* a failing example, or NULL */
    int group;                   /* scope group; -1 for `on return` */
    const char *scope;           /* scope as written: "ChildIdentifiers", "return" */
    const cs_rule_field *fields; /* declared first, then the ones the checker added */
    uint32_t nfields;
    cs_rule_last last;
    uint64_t last_groups;        /* groups of last year's return it reads, a bit each */
    const char *const *tables;   /* reference tables the rule reads */
    uint32_t ntables;
    const cs_rule_let *lets;
    uint32_t nlets;
    const char *when_text;       /* NULL when the rule has no `when` */
    const char *require_text;
    const char *file;            /* rule file it came from */
    uint32_t line, col;
    int local;                   /* from rules/local/<return>/ */
} cs_rule;

/* ---- compile errors ---------------------------------------------------- */

typedef struct {
    char *file;
    uint32_t line, col;          /* 1-based; 0 when not about a position */
    char *message;               /* plain message */
    char *text;                  /* "file:line:col: message\n<source line>\n<caret line>" */
} cs_rule_error;

typedef struct {
    cs_rule_error *items;
    size_t count, cap;
} cs_rule_errors;

void cs_rule_errors_init(cs_rule_errors *e);
void cs_rule_errors_free(cs_rule_errors *e);

/* ---- loading ----------------------------------------------------------- */

typedef struct cs_ruleset cs_ruleset;

typedef struct {
    /* Which folder: either rules_dir + ret + year ("rules", "cin",
     * "2025-26" -> rules/cin/2025-26), or dir (a year folder, for
     * `rules check DIR`). */
    const char *rules_dir;
    const char *ret;
    const char *year;
    const char *dir;
    /* Extra rule text compiled as one more file of the set (tests, fuzzing);
     * with neither dir nor year given it is compiled alone. */
    const char *text;
    size_t text_len;
    const char *text_name;       /* name used in errors; default "<text>" */
    /* Schema; NULL = cs_schema_find() of ruleset.yaml's `schema:`, else ret. */
    const cs_ds_schema *schema;
    int include_local;           /* also load <rules_dir>/local/<ret>/ */
    const char *reference_dir;   /* searched first for reference tables, or NULL */
    const char *calendar_path;   /* NULL: <rules_dir>/calendar/england-and-wales.tsv if it exists */
} cs_ruleset_opts;

/* On compile errors returns CS_ERR_CONFIG, *out = NULL, every error in errs
 * (which may be NULL) and a summary in d. Operational problems (a folder
 * that cannot be read) also return an error status and fill d. */
cs_status cs_ruleset_load(cs_ruleset **out, const cs_ruleset_opts *opts, cs_rule_errors *errs,
                          cs_diag *d);
void cs_ruleset_free(cs_ruleset *rs);

size_t cs_ruleset_count(const cs_ruleset *rs);
const cs_rule *cs_ruleset_rule(const cs_ruleset *rs, size_t i);   /* in file order */
const cs_rule *cs_ruleset_find(const cs_ruleset *rs, const char *code);
const cs_ds_schema *cs_ruleset_schema(const cs_ruleset *rs);
const char *cs_ruleset_year(const cs_ruleset *rs);       /* "2025-26", or "" */
/* The folders the set was built from, base year first (for run records). */
size_t cs_ruleset_source_count(const cs_ruleset *rs);
const char *cs_ruleset_source(const cs_ruleset *rs, size_t i);

/* Plain-words description of a rule for `rules explain` (malloc'd). */
char *cs_rule_explain(const cs_ruleset *rs, const cs_rule *r);

/* "2025-26" -> 2025-04-01 .. 2026-03-31; "2026" -> 2025-04-01 .. 2026-03-31
 * as well (a year named by its end). Returns 0 when the name is neither. */
int cs_rules_year_period(const char *year, cs_date *start, cs_date *end);

/* ---- running ----------------------------------------------------------- */

typedef struct cs_rules_profile cs_rules_profile;

typedef struct {
    cs_date reference_date;      /* ReferenceDate */
    cs_date collection_start;    /* CollectionStart */
    cs_date collection_end;      /* CollectionEnd */
    int collection_year;         /* CollectionYear: the year the period ends (2026) */
    const char *la;              /* LA: the submitting LA's code, or NULL */
    const cs_calendar *calendar; /* bank holidays; NULL = weekends only */
    const cs_dataset *last;      /* last year's return (same schema), or NULL */
    cs_rules_profile *profile;   /* NULL, or filled with each rule's cost (rules/profile.h) */
} cs_rules_context;

/* Defaults from the rule set: period from its year name, its calendar. */
void cs_rules_context_init(cs_rules_context *c, const cs_ruleset *rs);

typedef struct {
    /* a rule failed on a row; group/row = the rule's group and row, or the
     * root group's row 0 for `on return` rules (rule->group == -1) */
    void (*finding)(void *user, const cs_rule *rule, int group, uint32_t row);
    /* a rule was not run; reason in plain words ("needs last year's return") */
    void (*not_run)(void *user, const cs_rule *rule, const char *reason);
    void *user;
} cs_rule_sink;

/* ds (and ctx->last) must be finalized. Rules that cannot run are reported
 * first (in rule order); then findings of `on return` rules, then group by
 * group (schema order) and row by row, the rules of the group in rule order.
 * Returns CS_ERR_CONFIG when the dataset's schema is not the rule set's. */
cs_status cs_rules_run(const cs_ruleset *rs, const cs_dataset *ds, const cs_rules_context *ctx,
                       const cs_rule_sink *sink, cs_diag *d);

/* A ready-made sink that keeps everything in growable arrays. */
typedef struct {
    const cs_rule *rule;
    int group;
    uint32_t row;
} cs_rule_hit;

typedef struct {
    cs_rule_hit *items;
    size_t count, cap;
    const cs_rule **not_run;
    const char **not_run_reason;
    size_t nnot_run, not_run_cap;
} cs_rule_hits;

void cs_rule_hits_init(cs_rule_hits *h);
void cs_rule_hits_free(cs_rule_hits *h);
cs_rule_sink cs_rule_hits_sink(cs_rule_hits *h);

#endif
