/* Ofsted's Annex A child-level lists (spec/annex-a.md): templates as data,
 * building the lists from the canonical model for an inspection date,
 * writing them (one xlsx workbook, one CSV per list, a pseudonymised
 * variant), reading lists produced elsewhere, and the Annex A checks.
 *
 * Templates live in rules/annexa/templates/: <name>.tsv (per list, the
 * columns in order: heading, dataset field, value type, label map) and
 * labels/<map>.tsv (label, canonical code, the templates that have the
 * label). The dataset (schema.h) holds what the sheets hold: labels as
 * text, dates, whole numbers. */
#ifndef CS_RETURNS_ANNEXA_ANNEXA_H
#define CS_RETURNS_ANNEXA_ANNEXA_H

#include <stddef.h>
#include <stdint.h>

#include "dataset/dataset.h"
#include "etl/job.h"
#include "model/model.h"
#include "report/exceptions.h"
#include "returns/annexa/schema.h"
#include "rules/rules.h"
#include "util/date.h"
#include "util/diag.h"

/* ---- templates ------------------------------------------------------------ */

typedef enum { CS_AA_TEXT = 0, CS_AA_DATE, CS_AA_INT, CS_AA_LABEL } cs_aa_vtype;

typedef struct cs_aa_labels cs_aa_labels;   /* one label map, filtered to a template */

typedef struct {
    const char *heading;           /* exactly as Ofsted writes it */
    int field;                     /* dataset field of the list's group */
    cs_aa_vtype type;
    const cs_aa_labels *labels;    /* CS_AA_LABEL columns */
} cs_aa_column;

typedef struct {
    cs_aa_column *cols;
    uint32_t ncols;
    int8_t col_of_field[CS_AA_MAX_FIELDS];   /* -1: the template has not got the field */
} cs_aa_list;

typedef struct cs_aa_template cs_aa_template;

/* Loads <rules_dir>/annexa/templates/<name>.tsv and the label maps it names.
 * Every heading's field must be a field of its list (CS_ERR_CONFIG naming
 * file:line otherwise); a name that is not a template is CS_ERR_USAGE
 * listing the ones there are. */
cs_status cs_aa_template_load(cs_aa_template **out, const char *rules_dir, const char *name,
                              cs_diag *d);
void cs_aa_template_free(cs_aa_template *t);
const char *cs_aa_template_name(const cs_aa_template *t);
const cs_aa_list *cs_aa_template_list(const cs_aa_template *t, int list);   /* 1..11 */

/* The column of a list that writes `field`, or NULL when this template has not got it. */
const cs_aa_column *cs_aa_column_of(const cs_aa_template *t, int list, int field);

/* Label of a canonical code in this template (NULL when it has none); the
 * code of a label (NULL when not a label of the template); membership. */
const char *cs_aa_label(const cs_aa_labels *m, const char *code);
const char *cs_aa_label_code(const cs_aa_labels *m, const char *label);
const char *cs_aa_labels_name(const cs_aa_labels *m);

/* ---- building ------------------------------------------------------------- */

typedef enum { CS_AA_ALLOC_LATEST = 0, CS_AA_ALLOC_AT_EVENT } cs_aa_alloc;

/* "latest" / "at-event" -> 0 and *out; -1 when neither. */
int cs_aa_alloc_parse(const char *s, cs_aa_alloc *out);

typedef struct {
    cs_date inspection_date;
    cs_date today;               /* an inspection after today is refused; CS_DATE_NONE = no check */
    const char *la_code;         /* the job's DfE 3-digit code, for Placement Location */
    const char *role;            /* involvement role of allocated workers; NULL = ALLOCATED_SW */
    cs_aa_alloc alloc[CS_AA_NLISTS + 1];   /* per list (index 1..11) */
    const char *rules_dir;       /* la-codes and postcodes are looked for here; NULL = "rules" */
} cs_aa_build_opts;

void cs_aa_build_opts_init(cs_aa_build_opts *o, cs_date inspection_date);

/* Builds Lists 1-11 for the inspection date (build.c's header comment says
 * each list's window, grain and derived columns) into *out (initialised here
 * and finalised; free with cs_ds_free). Refuses (CS_ERR_USAGE, in plain
 * words) an inspection date after opts->today or before the data begins.
 * Facts worth a data-quality officer's eye (no worker history at all, a
 * 12-month window reaching back before the first record, no postcode table)
 * are added to exc (may be NULL) as return-level findings. On failure *out
 * holds nothing to free. */
cs_status cs_annexa_build(const cs_model *m, const cs_aa_template *t, const cs_aa_build_opts *o,
                          cs_dataset *out, cs_exception_list *exc, cs_diag *d);

/* Adds the Identities rows (one per distinct child id, date of birth, gender
 * and ethnicity across Lists 1-10) to a dataset whose list rows are added but
 * which is not yet finalised. The builder and the readers call it. */
void cs_aa_derive_identities(cs_dataset *ds);

/* ---- pseudonymised variant -------------------------------------------------- */

#define CS_AA_PSEUDO_MIN_KEY 16

/* In place, on a finalised dataset: Child Unique ID, Family identifier and
 * Individual adopter identifier become the first 20 hex digits of
 * HMAC-SHA256(key, id); dates of birth become the first of their month;
 * placement postcodes keep their district (outward code); Allocated Worker
 * and Allocated Personal Advisor are emptied. Ages are left as built.
 * A key shorter than CS_AA_PSEUDO_MIN_KEY bytes is refused. */
cs_status cs_annexa_pseudonymise(cs_dataset *ds, const void *key, size_t keylen, cs_diag *d);
/* The hashed form of one id (buf >= 21 bytes). */
void cs_aa_pseudo_id(const void *key, size_t keylen, const char *id, char *buf);
/* The district (outward code) of a postcode, upper-cased: "TW1 4AR" -> "TW1". */
size_t cs_aa_postcode_district(const char *pc, char *buf, size_t n);

/* ---- writing ---------------------------------------------------------------- */

/* One workbook, sheets "List 1" .. "List 11", the template's headings in row
 * 1 (frozen, autofiltered), one row per list row; dates as real date cells
 * shown dd/mm/yyyy, counts as numbers, the rest as text. libxlsxwriter in
 * constant-memory mode; the file is made readable by the owner only. */
cs_status cs_annexa_write_xlsx(const cs_dataset *ds, const cs_aa_template *t, const char *path,
                               cs_diag *d);
/* One CSV per list, "<dir>/<prefix>List N.csv": UTF-8 with a BOM, CRLF,
 * RFC 4180 quoting, dates dd/mm/yyyy, owner-only files. */
cs_status cs_annexa_write_csv(const cs_dataset *ds, const cs_aa_template *t, const char *dir,
                              const char *prefix, cs_diag *d);

/* ---- reading lists produced elsewhere ---------------------------------------- */

/* Reads a workbook (.xlsx) or a folder of CSVs (files whose name holds
 * "List N") into *out (initialised and finalised here). Problems with the
 * shape go to exc as findings and reading goes on: a missing sheet or file
 * (AAS01), a missing column (AAS02), a column the template has not got
 * (AAS03; named with the closest heading when it looks like a misspelling,
 * AAS04), a duplicated column (AAS05), a value that does not fit its column
 * (AAS06: a date or number that does not parse). Values are read by
 * heading, so columns may come in any order. Operational problems (not an
 * xlsx, unreadable, zip or XML damage) stop with an error. */
cs_status cs_annexa_read(const char *path, const cs_aa_template *t, cs_dataset *out,
                         cs_exception_list *exc, cs_diag *d);

/* The expected heading nearest to `got` (case and spacing ignored, then edit
 * distance), or NULL when none is near enough to be a misspelling. */
const char *cs_aa_closest_heading(const cs_aa_list *l, const char *got);

/* ---- checks -------------------------------------------------------------------- */

/* Runs rules/annexa/<template> (with the label maps as reference tables)
 * over a finalised dataset; each finding becomes an exception (return
 * "annexa", year = template name, the child, "List N row R" as the record,
 * the rule's fields and values, the row's Allocated Team and Worker).
 * profile: NULL, or filled with each rule's cost (rules/profile.h). */
cs_status cs_annexa_check(const cs_dataset *ds, const char *rules_dir, const char *template_name,
                          cs_date inspection_date, const char *la_code, cs_exception_list *exc,
                          size_t *nfindings, cs_rules_profile *profile, cs_diag *d);

/* ---- the whole step: build, check, write ---------------------------------------- */

typedef struct {
    const char *rules_dir;       /* NULL = "rules" */
    const char *template_name;   /* NULL = job->annexa_template or "current" */
    int pseudonymise;            /* -1 = job->annexa_pseudonymise */
    const char *key_env;         /* NULL = job->annexa_key_env or CSCDW_PSEUDO_KEY */
    cs_date today;               /* CS_DATE_NONE = no future check */
    int have_alloc_override;     /* use alloc[] instead of the job's rule */
    cs_aa_alloc alloc[CS_AA_NLISTS + 1];
    int no_xlsx, no_csv;
    cs_rules_profile *profile;   /* NULL, or the checks' per-rule costs */
} cs_annexa_emit_opts;

typedef struct {
    uint32_t rows[CS_AA_NLISTS + 1];   /* per list */
    size_t findings;                   /* rule findings added to exc */
    char files[CS_AA_NLISTS + 2][1024];
    size_t nfiles;
    double build_seconds, check_seconds, write_seconds;
    /* memory (KiB): resident before and after writing, and the process's
     * peak before and after writing; writing streams, so it adds little */
    long rss_before_write, rss_after_write, peak_before_write, peak_after_write;
} cs_annexa_emit_result;

/* For `cscdw run` and `cscdw emit annexa`: builds the lists for
 * job->inspection_date, runs the checks into exc, and writes into out_dir
 * "Annex A.xlsx" and "Annex A - List N.csv" (or, pseudonymised, "Annex A
 * (pseudonymised).xlsx" and its CSVs; the key comes from the environment
 * variable the job or opts names and is never written anywhere). */
cs_status cs_annexa_emit(const cs_model *m, const cs_job *job, const char *out_dir,
                         cs_exception_list *exc, const cs_annexa_emit_opts *opts,
                         cs_annexa_emit_result *res, cs_diag *d);

#endif
