/* The SSDA903 return (children looked after): collection years, the dataset
 * the 903 rules run on, readers for existing 903 files (a folder of CSV
 * tables, or one XML file), writers (CSV tables as DfE's COLLECT loads them,
 * XML checked against an XSD), the derived placement location fields and the
 * builder that derives the return from the canonical model.
 * spec/ssda903.md has the return; the rules are spec/ssda903-rules.tsv.
 *
 * Dataset shape (group -> parent):
 *   SSDA903 (root, no fields)
 *   Child (one row per CHILD seen in any table; id field CHILD)
 *     Header, Episodes (ordered by DECOM), Reviews (by REVIEW), UASC, OC2,
 *     OC3, AD1, PlacedAdoption (by DATE_PLACED), PrevPerm, Missing (by
 *     MIS_START), SWEpisodes, DoLo (by DOLO_START)
 * Each table group has the CSV table's columns, in DfE's column order, with
 * the names of the CSV files (CHILD, DECOM, PLACE, ...); the CHILD (and DOB,
 * and UASC's SEX) cells are repeated in every row as in the CSV files, so a
 * rule can compare them with the Header's. After the CSV columns come
 * derived fields that are never written to a CSV file:
 *   Header.UASC       1 when the child has a UASC row, else 0 (the XML
 *                     carries it; for CSV input it is derived, as DfE does)
 *   Episodes.PL_LA, PL_LOCATION, PL_DISTANCE  from the postcodes (derive.c)
 * A child whose CHILD cell is blank in a CSV row gets a Child row of its own
 * (blank id) per such row, so blank-id rows never chain into one child.
 *
 * Value types: dates are dd/mm/yyyy text in the files (cs_ds_set_text with
 * CS_DS_TEXT_DMY), so any other spelling is CS_V_INVALID for the rules to
 * report; DATE_PERM and the SWEpisodes dates may hold ZZ/ZZZZ for unknown
 * parts and are STR; codes (including the 0/1 flags, which DfE checks as
 * codes) are CODE, upper-cased on load as DfE's tool does; SDQ_SCORE is INT;
 * postcodes, UPN, URN, SW_ID and LA_PERM are STR; PL_DISTANCE is STR with one
 * decimal ("12.3"), since datasets have no decimal type. */
#ifndef CS_RETURNS_SSDA903_SSDA903_H
#define CS_RETURNS_SSDA903_SSDA903_H

#include <stddef.h>
#include <stdint.h>

#include "dataset/dataset.h"
#include "io/source.h"
#include "model/model.h"
#include "util/date.h"
#include "util/diag.h"
#include "util/findings.h"

/* ---- groups and fields ------------------------------------------------------
 * Keep in step with the tables in schema.c (designated initialisers). */
enum {
    CS_903_G_ROOT = 0,
    CS_903_G_CHILD,
    CS_903_G_HEADER,
    CS_903_G_EPISODES,
    CS_903_G_REVIEWS,
    CS_903_G_UASC,
    CS_903_G_OC2,
    CS_903_G_OC3,
    CS_903_G_AD1,
    CS_903_G_PLACED,       /* PlacedAdoption */
    CS_903_G_PREVPERM,
    CS_903_G_MISSING,
    CS_903_G_SW,           /* SWEpisodes */
    CS_903_G_DOLO,
    CS_903_NGROUPS
};
#define CS_903_FIRST_TABLE CS_903_G_HEADER
#define CS_903_NTABLES (CS_903_NGROUPS - CS_903_FIRST_TABLE)

enum { CS_903_C_CHILD, CS_903_C_NFIELDS };
enum { /* Header */
    CS_903_H_CHILD, CS_903_H_SEX, CS_903_H_DOB, CS_903_H_ETHNIC, CS_903_H_UPN,
    CS_903_H_MOTHER, CS_903_H_MC_DOB,
    CS_903_H_UASC,                         /* derived */
    CS_903_H_NFIELDS
};
enum { /* Episodes */
    CS_903_E_CHILD, CS_903_E_DECOM, CS_903_E_RNE, CS_903_E_LS, CS_903_E_CIN, CS_903_E_PLACE,
    CS_903_E_PLACE_PROVIDER, CS_903_E_DEC, CS_903_E_REC, CS_903_E_REASON_PLACE_CHANGE,
    CS_903_E_HOME_POST, CS_903_E_PL_POST, CS_903_E_URN,
    CS_903_E_PL_LA, CS_903_E_PL_LOCATION, CS_903_E_PL_DISTANCE,   /* derived */
    CS_903_E_NFIELDS
};
enum { CS_903_R_CHILD, CS_903_R_DOB, CS_903_R_REVIEW, CS_903_R_REVIEW_CODE, CS_903_R_NFIELDS };
enum { CS_903_U_CHILD, CS_903_U_SEX, CS_903_U_DOB, CS_903_U_DUC, CS_903_U_NFIELDS };
enum { /* OC2 */
    CS_903_O2_CHILD, CS_903_O2_DOB, CS_903_O2_SDQ_SCORE, CS_903_O2_SDQ_REASON,
    CS_903_O2_CONVICTED, CS_903_O2_HEALTH_CHECK, CS_903_O2_IMMUNISATIONS,
    CS_903_O2_TEETH_CHECK, CS_903_O2_HEALTH_ASSESSMENT, CS_903_O2_SUBSTANCE_MISUSE,
    CS_903_O2_INTERVENTION_RECEIVED, CS_903_O2_INTERVENTION_OFFERED, CS_903_O2_NFIELDS
};
enum { CS_903_O3_CHILD, CS_903_O3_DOB, CS_903_O3_IN_TOUCH, CS_903_O3_ACTIV, CS_903_O3_ACCOM,
       CS_903_O3_NFIELDS };
enum { /* AD1 */
    CS_903_A_CHILD, CS_903_A_DOB, CS_903_A_DATE_INT, CS_903_A_DATE_MATCH, CS_903_A_FOSTER_CARE,
    CS_903_A_NB_ADOPTR, CS_903_A_SEX_ADOPTR, CS_903_A_LS_ADOPTR, CS_903_A_NFIELDS
};
enum { /* PlacedAdoption */
    CS_903_PA_CHILD, CS_903_PA_DOB, CS_903_PA_DATE_PLACED, CS_903_PA_DATE_PLACED_CEASED,
    CS_903_PA_REASON_PLACED_CEASED, CS_903_PA_NFIELDS
};
enum { CS_903_PP_CHILD, CS_903_PP_DOB, CS_903_PP_PREV_PERM, CS_903_PP_LA_PERM,
       CS_903_PP_DATE_PERM, CS_903_PP_NFIELDS };
enum { CS_903_M_CHILD, CS_903_M_DOB, CS_903_M_MISSING, CS_903_M_MIS_START, CS_903_M_MIS_END,
       CS_903_M_NFIELDS };
enum { CS_903_SW_CHILD, CS_903_SW_DOB, CS_903_SW_ID, CS_903_SW_DECOM, CS_903_SW_DEC,
       CS_903_SW_REASON, CS_903_SW_NFIELDS };
enum { CS_903_DL_CHILD, CS_903_DL_DOB, CS_903_DL_DOLO_START, CS_903_DL_DOLO_END,
       CS_903_DL_NFIELDS };

extern const cs_ds_schema cs_903_schema;

/* ---- collection years -------------------------------------------------------
 * A year is named by its financial year, "2025-26": collection_start
 * 01/04/2025, collection_end 31/03/2026, end_year 2026 (DfE's tool names the
 * same year "2026"). */
typedef struct {
    int start_year;            /* 2025 */
    int end_year;              /* 2026 */
    cs_date collection_start;  /* 2025-04-01 */
    cs_date collection_end;    /* 2026-03-31 */
    char label[8];             /* "2025-26" */
} cs_903_year;

#define CS_903_FIRST_END_YEAR 2014
#define CS_903_LAST_END_YEAR 2099

/* "2025-26", "2025/26" or the end year alone ("2026"); anything else is
 * CS_ERR_USAGE with a message. Note "2025" means 2024-25 (the year ending
 * in 2025), as DfE's tool reads it. */
cs_status cs_903_year_parse(const char *text, cs_903_year *out, cs_diag *d);
cs_status cs_903_year_from_end(int end_year, cs_903_year *out, cs_diag *d);
/* The year before (for last year's return). */
void cs_903_year_previous(const cs_903_year *y, cs_903_year *out);

/* Which code lists the year uses (spec section 4). */
/* 1 when SEX is M/F/U (from 2024-25), 0 when it is 1/2. */
int cs_903_year_sex_mfu(const cs_903_year *y);
/* The year's PLACE codes, NULL-terminated: up to 2023-24 (A3..Z1 with H5,
 * P2), 2024-25 (adds K3), from 2025-26 (H5, P2, Z1 gone; Z11-Z14 added). */
const char *const *cs_903_place_codes(const cs_903_year *y);
/* "ssda903-2025-26.xsd" (the files are in schema/xml/). */
const char *cs_903_xsd_name(const cs_903_year *y, char *buf, size_t n);

/* ---- CSV tables --------------------------------------------------------------
 * One per group from Header on: file name when written, how many of the
 * group's fields are CSV columns (the first ncsv, in DfE's order), and the
 * first year that has the table. */
typedef struct {
    int group;             /* CS_903_G_... */
    const char *file;      /* "episodes.csv" */
    uint32_t ncsv;
    int since_end_year;    /* 0 = every year; SWEpisodes 2024 (2023-24); DoLo 2027 */
} cs_903_table;

const cs_903_table *cs_903_table_at(size_t i);        /* i < CS_903_NTABLES */
const cs_903_table *cs_903_table_of(int group);       /* NULL for Root/Child */
/* 1 when the year has the table (y NULL: 1). */
int cs_903_table_in_year(const cs_903_table *t, const cs_903_year *y);

/* ---- reading a folder of CSV tables ----------------------------------------
 * Every file in dir whose name ends .csv, .txt or .tsv (any case, optionally
 * followed by .gz) is a candidate; other files are left alone. Each is read
 * with the table reader (encoding sniffed: UTF-8 with or without BOM,
 * UTF-16 LE/BE, Windows-1252; gzip by its magic bytes; delimiter sniffed)
 * and recognised by its SET OF COLUMN NAMES (case and order free, spaces
 * around names ignored), whatever it is called: the table all of whose
 * columns it has, preferring the one with most columns. *out is initialised
 * here with cs_903_schema and, on success, finalised (cs_ds_free it); on
 * failure it has been freed already.
 *
 * Stops (CS_ERR_*, with file, line and column where there is one):
 *   - the folder cannot be listed, or holds no candidate file;
 *   - no candidate file is a 903 table;
 *   - two files hold the same table (both named: keep one);
 *   - a file cannot be read: bad gzip, unterminated quote, a field or row
 *     over the caps (the CSV reader's error and position).
 * Records a reader finding (findings may be NULL) and goes on:
 *   - X125 a table the year needs has no file (read as empty);
 *   - X126 a file matching no table: not read; names the closest table
 *     with the columns it lacks and those it has extra;
 *   - X127 a column the recognised table has not got (or a derived one,
 *     PL_LA ...): ignored;
 *   - X128 a column named twice: the first is read;
 *   - X107 a table with no data rows; X106 a blank row (skipped);
 *   - X112 a row with more or fewer fields than the header (read);
 *   - X115 a row with a blank CHILD: kept under a Child row of its own;
 *   - X101 a CHILD or URN stored as a float ("123456.0"), X102 a code or
 *     SDQ_SCORE written "1.0": repaired;
 *   - X103 an Excel serial date, X129 an ISO date (yyyy-mm-dd, optionally
 *     with a time): repaired to the date (in the text fields DATE_PERM,
 *     SW_DECOM and SW_DEC to its dd/mm/yyyy text). Any other spelling of a
 *     date is kept as CS_V_INVALID (text fields: as written) for the rules,
 *     with no finding.
 * All values are trimmed and upper-cased (as DfE's tool does). */
cs_status cs_903_read_csv_dir(const char *dir, const cs_903_year *year, cs_dataset *out,
                              cs_findings *findings, cs_diag *d);
/* The same for an explicit list of files (any names, any extensions). */
cs_status cs_903_read_csv_files(const char *const *paths, size_t npaths, const cs_903_year *year,
                                cs_dataset *out, cs_findings *findings, cs_diag *d);

/* The same for files held in memory (gzip allowed, by its magic bytes), e.g.
 * last year's return as the warehouse stored it; name stands for the path. */
typedef struct {
    const char *name;
    const void *data;
    size_t len;
} cs_903_mem_file;
cs_status cs_903_read_csv_mem(const cs_903_mem_file *files, size_t nfiles, const cs_903_year *year,
                              cs_dataset *out, cs_findings *findings, cs_diag *d);

/* The same, reading only the tables of `groups` (a bit per CS_903_G_ group;
 * 0 = all), e.g. of last year's return only what some rule reads
 * (cs_rule.last_groups): the other tables are recognised but neither read nor
 * reported missing. Header and UASC are always read. */
cs_status cs_903_read_csv_dir_only(const char *dir, const cs_903_year *year, uint64_t groups,
                                   cs_dataset *out, cs_findings *findings, cs_diag *d);
cs_status cs_903_read_csv_files_only(const char *const *paths, size_t npaths,
                                     const cs_903_year *year, uint64_t groups, cs_dataset *out,
                                     cs_findings *findings, cs_diag *d);
cs_status cs_903_read_csv_mem_only(const cs_903_mem_file *files, size_t nfiles,
                                   const cs_903_year *year, uint64_t groups, cs_dataset *out,
                                   cs_findings *findings, cs_diag *d);

/* ---- reading an XML file -----------------------------------------------------
 * Streams EXPSSDA903 (spec 2.1) with libxml2's xmlTextReader, network, DTD
 * loading and entity expansion off, entity declarations refused before the
 * parser sees them. CHILDID is read as CHILD and PL as PLACE; HEADER's flat
 * OC3 items (IN_TOUCH, ACTIV, ACCOM) and AD1 items (DATE_INT ... LS_ADOPTR)
 * make an OC3 / AD1 row when at least one of them has a value, as UASC=1 or a
 * DUC value makes a UASC row; AREVIEW, AMISSING, AD_PLACED, PERMANENCE and
 * OC2 are rows of Reviews, Missing, PlacedAdoption, PrevPerm and OC2;
 * EPISODE rows of Episodes. CHILD, DOB (and UASC's SEX) are copied from the
 * HEADER into every row, as the CSV tables carry them.
 *
 * Stops (CS_ERR_FORMAT unless said, with line and column): XML that is not
 * well formed, an empty file, a root other than EXPSSDA903, a DOCTYPE with
 * entities or an external DTD, an entity reference, nesting deeper than
 * CS_MAX_XML_DEPTH or a value over CS_MAX_FIELD_BYTES (CS_ERR_LIMIT), an
 * unreadable file.
 * Finds and goes on: X123 an element that has no place there (skipped with
 * its content), a second copy of a once-only element (the first is kept),
 * text between elements, a CHILD without HEADER or CHILDID. Element order is
 * not judged (DfE's XSD order is not known here; the peer tool's files vary
 * it). Values are trimmed and upper-cased; empty elements are blanks. */
cs_status cs_903_read_xml(const char *path, cs_dataset *out, cs_findings *findings, cs_diag *d);
/* The same from a byte source (takes ownership of src). */
cs_status cs_903_read_xml_src(cs_bytesrc *src, cs_dataset *out, cs_findings *findings,
                              cs_diag *d);

/* ---- writing -----------------------------------------------------------------
 * CSV: one file per table the year has, named as cs_903_table.file
 * (header.csv, episodes.csv, reviews.csv, uasc.csv, oc2.csv, oc3.csv,
 * ad1.csv, placed_for_adoption.csv, previous_permanence.csv, missing.csv,
 * sw_episodes.csv from 2023-24, dolo.csv from 2026-27), in dir (created
 * 0700 when missing). A header row of the CSV columns in DfE's order, then
 * one line per row (children in dataset order, rows in group order); dates
 * dd/mm/yyyy, invalid cells as their raw text, fields quoted only when they
 * hold a comma, quote or line break; CRLF line ends; UTF-8 without BOM. Each
 * file is written under a temporary name, created 0600, and renamed into
 * place when complete. Derived fields (Header.UASC, PL_LA ...) are not
 * written. A table with no rows is written as its header line. */
cs_status cs_903_write_csv(const cs_dataset *ds, const char *dir, const cs_903_year *year,
                           cs_diag *d);

/* XML: EXPSSDA903 streamed with xmlTextWriter, UTF-8. Element order: HEADER
 * = CHILDID, SEX, DOB, ETHNIC, UPN, MOTHER, MC_DOB (the CSV column order,
 * since DfE's XSD order was not available), UASC, DUC, IN_TOUCH, ACTIV,
 * ACCOM, DATE_INT, DATE_MATCH, FOSTER_CARE, NB_ADOPTR, SEX_ADOPTR, LS_ADOPTR,
 * AREVIEW*, AMISSING*, AD_PLACED*, PERMANENCE?, OC2?; then EPISODE* with
 * the Episodes CSV order (PL for PLACE). Absent values are left out (no
 * empty elements). SWEpisodes and DoLo are not written: DfE's social-worker
 * XML was a separate schema and no XML form of DoLo is published, so those
 * tables go as CSV. A child with more than one Header, UASC, OC3 or AD1 row
 * cannot be expressed (their items are flat in HEADER): CS_ERR_FORMAT
 * naming the child. When xsd_path is given the written file is validated
 * against it before it is renamed into place; a file that fails is removed
 * and the first problem returned (CS_ERR_FORMAT, line and column). Created
 * 0600. */
cs_status cs_903_write_xml(const cs_dataset *ds, const char *path, const cs_903_year *year,
                           const char *xsd_path, cs_diag *d);
/* Validates a file against an XSD (libxml2 xmlschemas, streamed, safe parse
 * options, network off). CS_OK when valid; CS_ERR_FORMAT with line and
 * column when not; CS_ERR_IO / CS_ERR_CONFIG for an unreadable file or XSD. */
cs_status cs_903_xsd_validate(const char *path, const char *xsd_path, cs_diag *d);

/* ---- postcodes and derived placement fields --------------------------------
 * The reference table (rules/ssda903/reference/postcodes.tsv; a full ONS
 * Postcode Directory extract in a real deployment) is a TSV, plain or gzip,
 * with a header naming at least pcd, oseast1m, osnrth1m and pl_la (the
 * upper-tier LA code, or WAL/SCO/NIR); other columns are ignored. Postcodes
 * are matched upper-cased with spaces removed. */
typedef struct cs_903_postcodes cs_903_postcodes;

typedef struct {
    int32_t east, north;       /* OS grid reference in metres */
    int has_grid;              /* 0 when the directory gives none */
    const char *la;            /* PL_LA code, or NULL */
} cs_903_postcode;

cs_status cs_903_postcodes_load(cs_903_postcodes **out, const char *path, cs_diag *d);
void cs_903_postcodes_free(cs_903_postcodes *p);
size_t cs_903_postcodes_count(const cs_903_postcodes *p);
/* 1 and *out filled when the postcode is in the table. */
int cs_903_postcode_find(const cs_903_postcodes *p, const char *postcode, cs_903_postcode *out);
/* Straight-line distance in miles between two grid references, in tenths
 * (sqrt(dE^2 + dN^2) / 1000 / 1.6093, rounded to 0.1). */
int32_t cs_903_distance_tenths(int32_t e1, int32_t n1, int32_t e2, int32_t n2);

/* Fills PL_LA, PL_LOCATION and PL_DISTANCE of every episode (spec section
 * 5): PL_LA from PL_POST; PL_LOCATION IN when PL_LA is la_code, else OUT
 * (blank when PL_LA is, or la_code is NULL); PL_DISTANCE between HOME_POST
 * and PL_POST, one decimal, blank when either is missing or unknown. Cells
 * already set are overwritten. ds must be a 903 dataset. */
void cs_903_derive(cs_dataset *ds, const cs_903_postcodes *pc, const char *la_code);

/* ---- building from the canonical model ---------------------------------------
 * Derives the return for `year` (the choices are listed in build.c's header):
 * every child looked after at some time in the year (an episode with
 * DECOM <= collection_end and DEC >= collection_start or open), with the
 * system's own episodes (cla_episode) when it holds them, else episodes
 * derived from periods of care, placements and legal statuses; care leavers
 * whose 17th to 21st birthday falls in the year (OC3). *out is initialised
 * here and finalised; free it with cs_ds_free. Rows carry the model's
 * provenance (file, line). la_code (long form, E09000027) is the submitting
 * LA; with postcodes given (may be NULL) the derived placement fields are
 * filled as cs_903_derive does. */
cs_status cs_903_build(const cs_model *m, const cs_903_year *year, const char *la_code,
                       cs_dataset *out, cs_diag *d);
cs_status cs_903_build_with(const cs_model *m, const cs_903_year *year, const char *la_code,
                            const cs_903_postcodes *postcodes, cs_dataset *out, cs_diag *d);

#endif
