/* Return datasets: a return in its own shape (CIN XML tree, 903 tables,
 * Annex A lists), with the DfE's and Ofsted's field names, so rule files can
 * use their words.
 *
 * A schema is a tree of groups (record types). Every group but the root has a
 * parent group; a row of a group belongs to one row of its parent. The
 * "child" group is the one whose rows are children (CIN Child, 903 CHILD);
 * exceptions name its id field. A group may be ordered by a field (903
 * Episodes by DECOM): previous/next rows are then neighbours within the
 * parent in that order. One-to-one containers of the XML (ChildIdentifiers,
 * ChildCharacteristics) are flattened into their parent; a group may list
 * such aliases so rule files can still say `on ChildIdentifiers`.
 *
 * Storage is row-major cs_value cells per group, in the dataset's arena; after
 * cs_ds_finalize the rows of each group are sorted by parent (stable), the
 * children of a parent row are one contiguous range, and ordered groups are
 * sorted by their order field inside each parent. No per-row malloc.
 *
 * Values carry their state: absent (element missing or empty), invalid (text
 * that does not parse as the field's type; the raw text is kept so exception
 * lists can show it and rules can ask for it), or a typed value. */
#ifndef CS_DATASET_DATASET_H
#define CS_DATASET_DATASET_H

#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/date.h"
#include "util/diag.h"
#include "util/intern.h"

typedef enum {
    CS_V_ABSENT = 0,
    CS_V_INVALID,   /* s = raw text */
    CS_V_DATE,      /* i = day number */
    CS_V_INT,       /* i */
    CS_V_STR,       /* s (codes: interned in the dataset, upper-case as given) */
    CS_V_BOOL       /* i = 0/1; s = raw spelling ("true", "1", ...) */
} cs_vkind;

typedef struct {
    uint8_t kind;      /* cs_vkind */
    int32_t i;
    const char *s;
} cs_value;

typedef enum { CS_DT_STR = 0, CS_DT_CODE, CS_DT_DATE, CS_DT_INT, CS_DT_BOOL } cs_dtype;

typedef struct {
    const char *name;      /* DfE/Ofsted field name: CINreferralDate, DECOM, "Date of Birth" */
    cs_dtype type;
    const char *doc;       /* plain words, for `rules explain` and docs */
} cs_ds_field;

#define CS_DS_NO_PARENT (-1)
#define CS_DS_UNORDERED (-1)

typedef struct {
    const char *name;              /* Child, CINdetails, Episodes, "List 3" */
    int parent;                    /* index of the parent group, CS_DS_NO_PARENT for the root */
    const cs_ds_field *fields;
    uint32_t nfields;
    int order_field;               /* field index, or CS_DS_UNORDERED */
    const char *const *aliases;    /* other names rule files may use for this group, NULL-terminated, or NULL */
    const char *record_label;      /* label in exception `record` paths ("CINdetails"); NULL = name */
} cs_ds_group;

typedef struct {
    const char *name;              /* "cin", "ssda903", "annexa" */
    const cs_ds_group *groups;
    uint32_t ngroups;
    int root_group;                /* usually 0 */
    int child_group;               /* group whose rows are children */
    int child_id_field;            /* field of child_group holding the child id */
    int header_group;              /* singleton group holding return-level values, or -1 */
} cs_ds_schema;

typedef struct {
    cs_value *cells;               /* rows * nfields, row-major */
    uint32_t *parent;              /* parent row per row (0 for the root group) */
    uint32_t *line;                /* source line per row (0 = unknown) */
    uint32_t *file;                /* source file index per row (into cs_dataset.files) */
    uint32_t *child_start;         /* after finalize: children of parent row p are rows [child_start[p], child_start[p+1]) */
    uint32_t count, cap;
} cs_ds_rows;

typedef struct {
    const cs_ds_schema *schema;
    cs_arena arena;
    cs_intern strings;             /* codes and repeated strings */
    cs_ds_rows *rows;              /* one per group */
    const char **files;            /* source files (index 0 = "") */
    uint32_t nfiles, files_cap;
    int finalized;
} cs_dataset;

void cs_ds_init(cs_dataset *ds, const cs_ds_schema *schema);
void cs_ds_free(cs_dataset *ds);

uint32_t cs_ds_add_file(cs_dataset *ds, const char *path);

/* Append a row of group g under parent row `parent` (ignored for the root
 * group). Cells start absent. Returns the row index (valid until finalize
 * reorders rows; add children after their parent and keep the returned
 * parent index in the pre-finalize numbering). */
uint32_t cs_ds_add_row(cs_dataset *ds, int g, uint32_t parent, uint32_t file, uint32_t line);

static inline cs_value *cs_ds_cell(cs_dataset *ds, int g, uint32_t row, int field)
{
    return &ds->rows[g].cells[(size_t)row * ds->schema->groups[g].nfields + (size_t)field];
}
static inline const cs_value *cs_ds_cell_c(const cs_dataset *ds, int g, uint32_t row, int field)
{
    return &ds->rows[g].cells[(size_t)row * ds->schema->groups[g].nfields + (size_t)field];
}

/* Set a cell from source text according to the field's declared type:
 * empty -> absent; DATE accepts yyyy-mm-dd (style CS_DS_TEXT_ISO) or
 * dd/mm/yyyy (CS_DS_TEXT_DMY); INT an optional sign and digits; BOOL
 * true/false/1/0 (any case; raw spelling kept); CODE trimmed and interned;
 * anything that does not parse -> CS_V_INVALID with the raw text. */
typedef enum { CS_DS_TEXT_ISO = 0, CS_DS_TEXT_DMY } cs_ds_text_style;
void cs_ds_set_text(cs_dataset *ds, int g, uint32_t row, int field, const char *s, size_t n,
                    cs_ds_text_style style);
void cs_ds_set_date(cs_dataset *ds, int g, uint32_t row, int field, cs_date d);
void cs_ds_set_int(cs_dataset *ds, int g, uint32_t row, int field, int32_t v);
void cs_ds_set_bool(cs_dataset *ds, int g, uint32_t row, int field, int v);
void cs_ds_set_str(cs_dataset *ds, int g, uint32_t row, int field, const char *s); /* copied/interned */

/* Sort rows by parent (top-down, remapping parents), order ordered groups
 * within each parent, build child ranges. Idempotent. */
cs_status cs_ds_finalize(cs_dataset *ds, cs_diag *d);

/* Navigation (after finalize). */
static inline uint32_t cs_ds_count(const cs_dataset *ds, int g) { return ds->rows[g].count; }
/* Rows of child group cg under row pr of its parent group: [*first, *first + *n). */
void cs_ds_children(const cs_dataset *ds, int cg, uint32_t pr, uint32_t *first, uint32_t *n);
/* The ancestor row of (g,row) in group ag (ag must be an ancestor or g itself). */
uint32_t cs_ds_ancestor(const cs_dataset *ds, int g, uint32_t row, int ag);
/* Row of the child group that (g,row) belongs to; UINT32_MAX above it (return level). */
uint32_t cs_ds_child_row(const cs_dataset *ds, int g, uint32_t row);
/* The child's id text (or "" at return level). */
const char *cs_ds_child_id(const cs_dataset *ds, int g, uint32_t row);
/* 1-based position of row among its siblings (same parent, same group). */
uint32_t cs_ds_position(const cs_dataset *ds, int g, uint32_t row);
/* Record path below the child group: "CINdetails[2]/ChildProtectionPlans[1]"
 * ("" for the child group itself). Returns bytes written. */
size_t cs_ds_record_path(const cs_dataset *ds, int g, uint32_t row, char *buf, size_t n);

/* Lookups by name (group name or alias; field name), -1 when unknown. */
int cs_ds_group_find(const cs_ds_schema *s, const char *name);
int cs_ds_field_find(const cs_ds_schema *s, int g, const char *name);

/* Index rows of the child group by child id, for lookups into another
 * dataset (last year's return). */
typedef struct cs_ds_index cs_ds_index;
cs_ds_index *cs_ds_index_build(const cs_dataset *ds);
uint32_t cs_ds_index_find(const cs_ds_index *ix, const char *child_id);  /* UINT32_MAX if none */
void cs_ds_index_free(cs_ds_index *ix);

/* Format a value for exception lists: dates ISO (or dd/mm/yyyy when dmy),
 * invalid values as their raw text, absent as "". */
size_t cs_value_format(const cs_value *v, int dmy, char *buf, size_t n);

#endif
