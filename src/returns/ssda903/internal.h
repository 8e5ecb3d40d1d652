/* Helpers shared by the SSDA903 readers, writers and builder (not part of
 * the public interface). */
#ifndef CS_RETURNS_SSDA903_INTERNAL_H
#define CS_RETURNS_SSDA903_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "returns/ssda903/ssda903.h"

/* Copies s[0..n) into buf (cap bytes, NUL-terminated, truncated to fit)
 * with ASCII letters upper-cased, as DfE's tool upper-cases every value.
 * Returns the length written. */
size_t s903_upper(char *buf, size_t cap, const char *s, size_t n);

/* A postcode in the form the files use: upper case, inner spaces removed
 * and one space put before the last three characters ("sw13 0aj" ->
 * "SW13 0AJ"). Shapes that are not postcodes are upper-cased and kept.
 * buf holds at least 16 bytes; returns buf, or NULL for a blank postcode. */
const char *s903_postcode_norm(const char *s, char *buf, size_t cap);

/* The text a writer puts in a file for a cell: dates dd/mm/yyyy, integers
 * in decimal, booleans 1/0, strings and invalid cells as their text.
 * NULL when the cell is absent (or an empty string). buf holds >= 16 bytes. */
const char *s903_cell_text(const cs_value *v, char *buf, size_t n);

/* Header.UASC of every Header row (only those where it is absent when
 * only_absent): 1 when the child has a UASC row, else 0 (CSV input, the
 * builder, XML without the item). Before finalize (rows' parent fields are
 * Child rows). */
void s903_set_uasc_flags(cs_dataset *ds, int only_absent);

/* A file under dir created 0600 under a temporary name; the caller writes
 * to *fd, then s903_tmp_commit renames it to its final name (or
 * s903_tmp_abort removes it). */
typedef struct {
    char *tmp;      /* malloc'd */
    char *final;    /* malloc'd */
    int fd;
} s903_tmpfile;
cs_status s903_tmp_open(s903_tmpfile *f, const char *path, cs_diag *d);
cs_status s903_tmp_commit(s903_tmpfile *f, cs_diag *d);
void s903_tmp_abort(s903_tmpfile *f);

/* Child rows by CHILD id: ids are interned in the dataset's strings, so the
 * map compares pointers. */
typedef struct {
    const char **keys;
    uint32_t *rows;
    size_t cap, count;
} s903_child_map;
void s903_child_map_free(s903_child_map *m);
/* The Child row of id (interned in ds->strings), added when new. */
uint32_t s903_child_map_get(s903_child_map *m, cs_dataset *ds, const char *id, uint32_t file,
                            uint32_t line);

/* ---- the XML element tree (spec 2.1) ---------------------------------------
 * ROW: an element that is one row of `group` (CHILD, HEADER, EPISODE,
 * AREVIEW ...). LEAF: a value, field `field` of `group`; when that group is
 * not the row being read (HEADER's DUC, OC3 and AD1 items) the value goes to
 * the child's one row of that group, made when a value first arrives. Kids
 * are in the order the writer emits them. */
typedef enum { S903_X_ROW = 0, S903_X_LEAF } s903_xkind;

typedef struct s903_xnode {
    const char *name;
    uint8_t kind;          /* s903_xkind */
    uint8_t repeat;        /* may occur more than once in its parent */
    int8_t group;
    int8_t field;
    const struct s903_xnode *kids;
    uint32_t nkids;
} s903_xnode;

extern const s903_xnode s903_xml_root;   /* EXPSSDA903 */
/* The kid of x named name (and its index), NULL when none. */
const s903_xnode *s903_xnode_kid(const s903_xnode *x, const char *name, uint32_t *index);

/* ---- building from the model ------------------------------------------------
 * Rows of one model entity sorted by person id, then a date, then model
 * order, so a person's rows are one range found by binary search. */
typedef struct {
    const cs_model *m;
    cs_entity_id e;
    size_t key_off;          /* offset of the person id (or, for workers, the id) */
    size_t date_off;         /* offset of the sorting date, SIZE_MAX for none */
    uint32_t *idx;
    size_t n;
} s903_pindex;

void s903_pindex_init(s903_pindex *ix, const cs_model *m, cs_entity_id e, size_t key_off,
                      size_t date_off);
void s903_pindex_free(s903_pindex *ix);
/* The rows whose key is `key`: ix->idx[*first .. *first + *n). */
void s903_pindex_find(const s903_pindex *ix, const char *key, size_t *first, size_t *n);
static inline const void *s903_pindex_row(const s903_pindex *ix, size_t k)
{
    return cs_model_row(ix->m, ix->e, ix->idx[k]);
}

/* One episode of care (episodes.c): derived, or held by the system. */
typedef struct {
    cs_date decom, dec;                  /* dec CS_DATE_NONE while open */
    const char *rne;                     /* S, L, P, T, U, B (held: as recorded) */
    const char *cin;                     /* category of need */
    const cs_cla_placement *pl;          /* NULL when no placement is recorded */
    const cs_legal_status *ls;           /* NULL when no legal status is recorded */
    const char *rec;                     /* X1, the period's end reason, or NULL */
    const char *reason_place_change;     /* on an episode ending with a placement move */
    const cs_prov *prov;                 /* where the episode comes from */
} s903_episode;

typedef struct {
    s903_episode *v;
    size_t n, cap;
} s903_episodes;

/* One child's care history as the model holds it, each array sorted by
 * start date (rows without a start date are ignored). */
typedef struct {
    const cs_cla_period *const *periods;
    size_t nperiods;
    const cs_cla_placement *const *placements;
    size_t nplacements;
    const cs_legal_status *const *statuses;
    size_t nstatuses;
    const cs_cla_episode *const *held;   /* the system's own 903 episodes */
    size_t nheld;
} s903_history;

/* Appends the child's episodes: the system's own (held) episodes when it
 * has any, else episodes derived from periods, placements and legal
 * statuses. See episodes.c. */
void s903_episodes_of(const s903_history *h, s903_episodes *out);

#endif
