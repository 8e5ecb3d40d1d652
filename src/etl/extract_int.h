/* Internals shared by the extract stage's files (extract.c: files and
 * records; convert.c: typed values; pivot.c: entity-attribute-value
 * sources; checks.c: duplicate ids and orphans). Not a public interface. */
#ifndef CS_ETL_EXTRACT_INT_H
#define CS_ETL_EXTRACT_INT_H

#include <stdint.h>

#include "etl/extract.h"
#include "read/record.h"
#include "read/table.h"

/* One field map, prepared once per run; slot indexes resolved per file. */
typedef struct {
    const cs_field_map *fm;
    const cs_field_desc *desc;
    cs_date_style style;          /* field's own, else the map's */
    /* CONST, converted once: */
    const char *const_text;       /* ID/STR/CODE (model arena or interned) */
    cs_date const_date;
    int32_t const_int;
    int8_t const_bool;
    /* BOOL: the profile's extra spellings of yes */
    const char **trues;
    size_t ntrues;
    /* CODE: recently seen short values and the interned code each became */
    struct cs_code_cache *cache;
    /* ID/STR: the model's copy of the text this field held last */
    struct cs_last_text *last;
    /* Per file: where each source column is (-1: missing from the file). */
    int col;                      /* COLUMN */
    int day, month, year;         /* SPLIT_DATE */
    int *cols;                    /* CONCAT, ncolumns entries */
} cs_xfield;

typedef struct {
    const cs_entity_map *map;
    cs_xfield *fields;
    size_t nfields;
    int id;                       /* index in fields of the `id` map, -1 when none */
    int *filter_cols;             /* per file */
} cs_xmap;

typedef struct cs_pivot_state cs_pivot_state;

typedef struct {
    const cs_profile *p;
    cs_model *m;
    cs_findings *fx;
    cs_arena run;                 /* plans for the whole run */
    cs_arena file;                /* per file: slot tables, pivot groups */
    char *buf, *part;             /* value scratch, CS_MAX_ROW_BYTES + 1 each */
    size_t bufcap, partcap;
    /* the file being read */
    const char *path;
    uint32_t file_index;
    uint64_t records;             /* canonical records emitted from this file */
    struct cs_xmissing *missing;  /* (file, column) pairs already reported missing */
    unsigned char *seen;          /* per model file index: already read in this run */
    size_t seen_cap;
} cs_extractor;

/* convert.c: build one canonical record from slots (the file's fields, or
 * a pivoted key's values) with the map's resolved slot indexes. line is the
 * provenance line. */
void cs_x_emit(cs_extractor *x, const cs_xmap *xm, const cs_field *slots, size_t nslots,
               uint64_t line);
/* A row's provenance (the last member of every entity struct). */
cs_prov *cs_x_prov(const cs_entity_desc *e, void *row);
/* Prepare a map's field plans for the run (constants, yes spellings). */
void cs_x_prepare(cs_extractor *x, cs_xmap *xm, const cs_entity_map *map);

/* pivot.c */
/* Resolve the pivot's columns in this file and the field maps' slots
 * (key, carried columns, attributes). Missing key/name/value columns are
 * X120 findings and make the file unusable: returns NULL then. */
cs_pivot_state *cs_pivot_begin(cs_extractor *x, cs_xmap *xm, const cs_table_reader *t);
void cs_pivot_row(cs_extractor *x, cs_pivot_state *ps, const cs_record *rec);
/* Emit one record per key, in order of first appearance (when emit), and
 * free the state (NULL is fine). */
void cs_pivot_end(cs_extractor *x, cs_pivot_state *ps, int emit);

/* extract.c: one X120 finding per file and column. */
void cs_x_missing_column(cs_extractor *x, const cs_xmap *xm, const char *column,
                         const char *field);

/* checks.c: X118 duplicate ids per entity; X119 person_id without a person
 * (only when check_orphans). */
void cs_x_check_ids(cs_model *m, cs_findings *fx, int check_orphans);

/* Case-insensitive equality of a slice and a C string. */
int cs_x_equal_ci(const char *s, size_t n, const char *z);

#endif
