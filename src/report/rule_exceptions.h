/* Rule findings and return-file reader findings as exception rows.
 *
 * A rule finding {rule, group, row} becomes one row of the exception list:
 *   child_id     the child's id (cs_ds_child_id); "" for return-level rules
 *   record       where in the child's return the row sits (cs_ds_record_path:
 *                "CINdetails[2]/ChildProtectionPlans[1]", "Episodes[3]"; ""
 *                for the child itself and for return-level findings)
 *   fields       the rule's fields that have one value on the flagged row
 *                (its own group's, an ancestor's, the header's), ';'-separated;
 *                a field of another group is written Group.Field
 *   values       their values, aligned with fields (cs_value_format: dates
 *                ISO, invalid values as written, absent as ""); a ';' inside
 *                a value is written ',' so the two lists stay aligned
 *   message      the rule's plain words; severity the rule's
 *   source_file, source_line   the dataset row's provenance
 *   source_system              given by the caller
 *   source_id    "" (cs_exceptions_fill_source_ids can add the case
 *                system's record ids from the canonical model)
 *   team, worker from the allocation when one is given, else "".
 * A rule that was not run (no previous return, a missing reference table)
 * becomes one return-level row of severity info whose message says why, so
 * the list and its summary show that the check did not happen.
 *
 * Reader findings of return files (X123 unexpected element, X125 missing
 * table, ...) become rows of the return too, with the child id the reader
 * recorded (its source id), the table or element as the record and the
 * column or element as the field. */
#ifndef CS_REPORT_RULE_EXCEPTIONS_H
#define CS_REPORT_RULE_EXCEPTIONS_H

#include "dataset/dataset.h"
#include "model/model.h"
#include "report/allocation.h"
#include "report/exceptions.h"
#include "rules/rules.h"
#include "util/findings.h"

typedef struct {
    const char *return_name;       /* "cin", "ssda903" */
    const char *year;              /* "2025-26" */
    const char *source_system;     /* "mosaic", or who produced the file; NULL = "" */
    const cs_allocation *alloc;    /* NULL: team and worker stay empty */
} cs_rule_exc_ctx;

cs_severity cs_rule_severity_to_exc(cs_rule_severity s);

/* One row per hit (in hit order), then one per rule not run. */
void cs_exceptions_from_rule_hits(cs_exception_list *l, const cs_dataset *ds,
                                  const cs_rule_hits *hits, const cs_rule_exc_ctx *c);

/* One row per stored finding of a return-file reader. */
void cs_exceptions_from_reader_findings(cs_exception_list *l, const cs_findings *f,
                                        const cs_rule_exc_ctx *c);

/* A row's rule in plain words for summaries: an X-code's title (its rows
 * carry details), else the row's message. */
const char *cs_exception_rule_title(const cs_exception *e);

/* The date of a flagged record for the `at-event` allocation rule: the
 * row's order field when it is a date, else its first present date that is
 * not a date of birth; CS_DATE_NONE for the child row and above. */
cs_date cs_ds_event_date(const cs_dataset *ds, int g, uint32_t row);

/* Rows [from, l->count) that have a source file and line but no source id
 * get the id of the canonical-model record with that provenance (the case
 * system's own id: a referral's, a plan's). One pass over the model. */
void cs_exceptions_fill_source_ids(cs_exception_list *l, size_t from, const cs_model *m);

#endif
