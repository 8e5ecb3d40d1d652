/* The returns stage of a job: for each return the job names (CIN census,
 * SSDA903), build it from the canonical model, validate it with the year's
 * rules (exception rows with the team and worker who held each case, from
 * the model's involvement history by the job's allocation rule), and write
 * it into the job's output folder: cin-<year>.xml (checked against its XSD;
 * a file that fails becomes an XSD error row) and ssda903-<year>/ tables.
 * A return whose year has no rule set is still built and written, with a
 * note saying it was not validated. Annex A is another stage's. */
#ifndef CS_PIPELINE_JOB_RETURNS_H
#define CS_PIPELINE_JOB_RETURNS_H

#include "pipeline/built_903.h"
#include "pipeline/pipeline.h"
#include "pipeline/wh_session.h"

/* Runs inside cs_pipeline_run after the extract: appends to exc (findings),
 * res (stages, files, returns, notes). write_outputs and the output folder
 * come from o. wh: the run's warehouse (NULL when it loads none); when the
 * job gives no previous 903 return, last year's is taken from there when a
 * run of the LA stored it. Either is read only when a rule of the year reads
 * last year's return, and only the tables such rules reach. keep (may be
 * NULL) receives the built 903 return for the load. */
cs_status cs_pipeline_returns(const cs_pipeline_opts *o, const cs_model *m,
                              cs_exception_list *exc, cs_pipeline_result *res, cs_built_903 *keep,
                              cs_wh_session *wh, cs_diag *d);

#endif
