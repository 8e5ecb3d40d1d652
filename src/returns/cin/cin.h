/* The CIN census return: census years, reading an existing CIN XML file
 * into the CIN dataset, deriving the dataset from the canonical model,
 * writing it as XML and checking a file against the XSD.
 * spec/cin-census.md has the return; schema.h has the dataset's groups. */
#ifndef CS_RETURNS_CIN_CIN_H
#define CS_RETURNS_CIN_CIN_H

#include "dataset/dataset.h"
#include "io/source.h"
#include "model/model.h"
#include "returns/cin/schema.h"
#include "util/date.h"
#include "util/diag.h"
#include "util/findings.h"

/* ---- census years ------------------------------------------------------
 * A census year is named by its financial year, "2025-26": the period runs
 * 1 April 2025 to 31 March 2026 inclusive, the header Year is 2026 and the
 * ReferenceDate 2026-03-31 (spec section 1). */
typedef struct {
    int start_year;            /* 2025 */
    int end_year;              /* 2026: header Year */
    cs_date period_start;      /* 2025-04-01 */
    cs_date reference_date;    /* 2026-03-31 */
    char label[8];             /* "2025-26" */
} cs_cin_year;

#define CS_CIN_FIRST_END_YEAR 2010
#define CS_CIN_LAST_END_YEAR 2099

/* Accepts "2025-26", "2025/26" or the end year alone ("2026"); anything else
 * (or a year outside CS_CIN_FIRST_END_YEAR..CS_CIN_LAST_END_YEAR) is
 * CS_ERR_USAGE with a message. */
cs_status cs_cin_year_parse(const char *text, cs_cin_year *out, cs_diag *d);
/* The census year ending on 31 March of end_year. */
cs_status cs_cin_year_from_end(int end_year, cs_cin_year *out, cs_diag *d);

/* Which gender element the year's Child carries: GenderCurrent (0/1/2/9)
 * up to 2023-24, Sex (M/F/U) from 2024-25. */
typedef enum { CS_CIN_GENDER_CURRENT = 0, CS_CIN_SEX } cs_cin_gender_element;
cs_cin_gender_element cs_cin_year_gender(const cs_cin_year *y);
/* The dataset field that holds it (CS_CIN_C_GENDER_CURRENT or CS_CIN_C_SEX). */
int cs_cin_year_gender_field(const cs_cin_year *y);
/* The XSD file name for the year, "cin-2025-26.xsd". */
const char *cs_cin_xsd_name(const cs_cin_year *y, char *buf, size_t n);

/* ---- reading an existing CIN XML file ------------------------------------
 * Streams the file (plain or gzip; any encoding the XML declaration or a BOM
 * names) with libxml2's xmlTextReader, network and entity expansion off,
 * into a CIN dataset: *out is initialised here with cs_cin_schema and, on
 * success, finalised; the caller frees it with cs_ds_free. On failure *out
 * has been freed already.
 *
 * Stops with an error (CS_ERR_FORMAT unless said otherwise, with line and
 * column) when the file is not a CIN return one can read:
 *   - XML that is not well formed (unclosed tags, bad characters, text after
 *     the root), an empty file;
 *   - a root element other than Message;
 *   - a DOCTYPE that declares entities or names an external DTD, an entity
 *     reference (billion laughs, external entities): refused outright;
 *   - nesting deeper than CS_MAX_XML_DEPTH or a value longer than
 *     CS_MAX_FIELD_BYTES (CS_ERR_LIMIT);
 *   - an unreadable or truncated file (the byte source's error).
 * Records a reader finding (in `findings`, may be NULL) and goes on where
 * the DfE would see a data error in a readable file, so the rules and the
 * exception list can still speak about the rest:
 *   - an element the CIN schema does not have at that place (unknown name,
 *     or a known name under the wrong parent): X123, skipped with its
 *     content;
 *   - an element out of the schema's order inside its parent (ReferralNFA
 *     before Assessments, ...): X124, read as if in order;
 *   - a second copy of an element that occurs once (two CINreferralDate):
 *     X123, the first is kept;
 *   - text where only elements belong (stray words between elements), or
 *     elements inside a value element: X123, ignored;
 *   - no Header: X123, an empty Header row is added so header rules run.
 * Values go through cs_ds_set_text (ISO dates), so `2025-02-30`, words in a
 * date or a bad yes/no become CS_V_INVALID cells for the rules, never an
 * error. Values are trimmed of surrounding whitespace; an empty element is
 * an absent value. An empty FactorsIdentifiedAtAssessment sets the
 * assessment's FactorsIdentifiedAtAssessmentEmpty flag; an empty Reviews
 * gives one Reviews row with no CPPreviewDate (rule 8842Q). Element names
 * are matched by local name (a namespace prefix is ignored); attributes are
 * ignored. Elements of any census year are accepted (GenderCurrent and Sex,
 * CINPlanDates, PreProceedingsandFGDM): the rules for the year judge them. */
cs_status cs_cin_read(const char *path, cs_dataset *out, cs_findings *findings, cs_diag *d);
/* The same from a byte source (takes ownership of src), for tests and fuzzing. */
cs_status cs_cin_read_src(cs_bytesrc *src, cs_dataset *out, cs_findings *findings, cs_diag *d);

/* ---- writing ---------------------------------------------------------------
 * Streams a finalised CIN dataset to path as the year's XML (libxml2
 * xmlTextWriter, UTF-8, indented): the spec's element order, dates
 * yyyy-mm-dd, yes/no values true/false, GenderCurrent up to 2023-24 and Sex
 * from 2024-25 (the other one is not written), CINPlanDates from 2021-22,
 * PreProceedingsandFGDM from 2026-27. Absent optional values are left out
 * (no empty elements); wrappers with nothing inside (Disabilities,
 * FactorsIdentifiedAtAssessment, Reviews) are left out; one Reviews wrapper
 * per plan holds all its CPPreviewDate rows. An invalid cell is written as
 * its raw text (the XSD check then names it). The file is written beside
 * path under a temporary name, created readable by the owner only, and
 * renamed over path when complete. */
cs_status cs_cin_write(const cs_dataset *ds, const char *path, const cs_cin_year *year,
                       cs_diag *d);

/* ---- XSD -------------------------------------------------------------------
 * Validates the file at path against xsd_path (libxml2 xmlschemas, streamed
 * through the reader with the safe parse options: no network, no entity
 * expansion). CS_OK when valid; CS_ERR_FORMAT with the first problem's
 * line and column (and how many more there were) when not; CS_ERR_IO /
 * CS_ERR_CONFIG when the file or the XSD cannot be read or parsed. */
cs_status cs_cin_xsd_validate(const char *path, const char *xsd_path, cs_diag *d);

/* ---- building from the canonical model --------------------------------------
 * Derives the census for `year` (spec section 1): the children with a
 * referral in the period or an episode open on its first day; each of their
 * referrals open at some point in the period is a CINdetails, with its
 * assessments (+factors), CIN plans, S47 enquiries (+ the date of the ICPC
 * that came from each), the CINdetails-level DateOfInitialCPC (an ICPC not
 * tied to a written S47), CP plans (+NumberOfPreviousCPP counted from the
 * child's earlier plans, + reviews held in the period). End dates after the
 * ReferenceDate are left out (still open at the census date), and so are the
 * records that ended before the period. Header from la_code and the year.
 * Rows carry the model's provenance (file, line). *out is initialised here
 * and finalised; free it with cs_ds_free. build.c's header comment lists
 * every choice made where the model is silent. */
cs_status cs_cin_build(const cs_model *m, const cs_cin_year *year, const char *la_code,
                       cs_dataset *out, cs_diag *d);

#endif
