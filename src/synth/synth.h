/* The synthetic local authority: a realistic canonical model for N children,
 * deterministic for a seed, with a controllable share of injected defects of
 * the kinds the DfE and Ofsted rules catch, and a ground-truth manifest
 * listing each defect (and each Excel-style damage the writer adds). */
#ifndef CS_SYNTH_SYNTH_H
#define CS_SYNTH_SYNTH_H

#include <stddef.h>
#include <stdint.h>

#include "etl/profile.h"
#include "model/model.h"
#include "util/arena.h"
#include "util/date.h"
#include "util/diag.h"

typedef struct {
    uint64_t seed;
    uint32_t children;        /* children in the LA's history (people in the model) */
    double defect_rate;       /* share of children given one or more data defects (0..1) */
    cs_date reference_date;   /* end of the latest collection year (31 March); history runs ~6 years back */
    const char *la_code;      /* DfE 3-digit LA code, e.g. "999" */
} cs_synth_opts;

typedef struct {
    const char *id;           /* D000001 ... */
    const char *kind;         /* short name: "cpp-before-referral", "excel-id-float", ... */
    const char *entity;       /* canonical entity affected */
    const char *record_id;    /* the record's id */
    const char *person_id;
    const char *field;        /* canonical field (or source column for damage) */
    const char *rules;        /* rule codes expected to catch it, ';'-separated (e.g. "1105"), or finding codes (X101) */
    const char *detail;       /* plain words */
} cs_synth_defect;

typedef struct {
    cs_arena arena;
    cs_synth_defect *items;
    size_t count, cap;
} cs_synth_manifest;

void cs_synth_manifest_init(cs_synth_manifest *m);
void cs_synth_manifest_free(cs_synth_manifest *m);
/* Strings are copied. */
void cs_synth_manifest_add(cs_synth_manifest *m, const char *kind, const char *entity,
                           const char *record_id, const char *person_id, const char *field,
                           const char *rules, const char *detail);
/* TSV with a header: id kind entity record_id person_id field rules detail */
cs_status cs_synth_manifest_write(const cs_synth_manifest *m, const char *path, cs_diag *d);

/* Fill an initialised, empty model. */
cs_status cs_synth_generate(const cs_synth_opts *o, cs_model *m, cs_synth_manifest *manifest,
                            cs_diag *d);

typedef struct {
    uint64_t seed;
    double damage_rate;       /* share of eligible cells given Excel-style damage (0..1) */
} cs_synth_write_opts;

/* Write the model as the profile's system would hand it over: its files and
 * columns, encoding, date style, split dates, form-answer (EAV) rows, local
 * codes (reverse code tables), plus Excel-style damage recorded in the
 * manifest. out_dir is created 0700; files 0600. */
cs_status cs_synth_write(const cs_model *m, const cs_profile *p, const char *out_dir,
                         const cs_synth_write_opts *o, cs_synth_manifest *manifest, cs_diag *d);

#endif
