/* Source profiles (etl/sources/<system>.yaml, libyaml): where each canonical
 * entity comes from in one case system's extracts and how to read it.
 * The YAML form is documented in etl/README.md. A profile may `extends:`
 * another (path relative to itself): the child's settings and entity maps
 * replace the parent's by entity name, and individual field mappings can be
 * overridden with `override:` so an LA changes one column without copying
 * the whole profile. */
#ifndef CS_ETL_PROFILE_H
#define CS_ETL_PROFILE_H

#include <stddef.h>

#include "etl/codemap.h"
#include "etl/values.h"
#include "io/source.h"
#include "model/model.h"
#include "read/table.h"
#include "util/arena.h"
#include "util/diag.h"

typedef enum {
    CS_MAP_COLUMN = 0,   /* value from one column */
    CS_MAP_SPLIT_DATE,   /* date from day/month/year columns */
    CS_MAP_CONST,        /* a constant value */
    CS_MAP_CONCAT        /* several columns joined with a separator (composite ids) */
} cs_map_kind;

typedef struct {
    const char *field;           /* canonical field name */
    const cs_field_desc *desc;   /* resolved against the entity */
    cs_map_kind kind;
    const char *column;          /* COLUMN */
    const char *day, *month, *year;  /* SPLIT_DATE */
    const char *constant;        /* CONST */
    const char **columns;        /* CONCAT */
    size_t ncolumns;
    const char *separator;       /* CONCAT, default "-" */
    const char *codes;           /* code map name (etl/codes/<name>.tsv) or NULL */
    const cs_codemap *codemap;   /* loaded */
    cs_date_style date_style;    /* per-field override; AUTO = entity default */
    const char *true_values;     /* BOOL: extra comma-separated spellings meaning yes */
} cs_field_map;

typedef struct {
    const char *column;
    const char **values;
    size_t nvalues;
    int exclude;                 /* 1: drop rows whose column is in values; 0: keep only those */
} cs_row_filter;

/* Entity-attribute-value source: rows (key, name, value) pivoted into one
 * record per key; field maps then name the attribute (question/control) in
 * `column`. Keeps the latest value per (key, name) by `order` when given. */
typedef struct {
    const char *key;             /* e.g. INSTANCEID / WORKFLOW_STEP_ID */
    const char *name;            /* e.g. CONTROLNAME / QUESTION_USER_CODE */
    const char *value;           /* e.g. ANSWERVALUE / ANSWER */
    const char *order;           /* optional: column that orders versions (latest wins) */
    const char **carry;          /* columns copied from the first row of the key (subject id, dates) */
    size_t ncarry;
} cs_pivot;

typedef struct {
    const char *key;             /* the map's name under `entities:` (e.g. cp_visit) */
    const char *entity_name;     /* canonical entity name (e.g. visit) */
    const cs_entity_desc *entity;
    const char *file;            /* file name or glob relative to the input dir */
    cs_table_spec table;         /* format, delimiter, encoding, layout, XML record */
    cs_date_style date_style;
    cs_row_filter *filters;
    size_t nfilters;
    cs_pivot *pivot;             /* NULL unless EAV */
    cs_field_map *fields;
    size_t nfields;
    int optional;                /* 1: a missing file is not an error (finding instead) */
} cs_entity_map;

typedef struct {
    cs_arena arena;
    const char *path;            /* the profile file */
    const char *name;            /* profile name */
    const char *system;          /* case system: ssd, liquidlogic, mosaic, eclipse, azeus, ... */
    const char *description;
    const char *codes_dir;       /* resolved directory of code tables */
    cs_encoding encoding;        /* default for entities */
    cs_invalid_policy invalid;
    cs_date_style date_style;
    char delimiter;
    cs_entity_map *entities;
    size_t nentities;
} cs_profile;

/* Load, resolve `extends`, check every entity and field name against the
 * canonical model, load the code maps. Errors name the YAML file, line and
 * column. */
cs_status cs_profile_load(cs_profile **out, const char *path, cs_diag *d);
/* The same from bytes in memory (tests, fuzzing); path names the profile in
 * messages and anchors relative paths (extends, codes). */
cs_status cs_profile_parse(cs_profile **out, const char *path, const char *data, size_t n,
                           cs_diag *d);
void cs_profile_free(cs_profile *p);

#endif
