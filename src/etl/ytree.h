/* A YAML document as a small tree with source positions, built from
 * libyaml's event stream so that every configuration error can name
 * file:line:col. Configuration files (profiles, jobs) are small, so the
 * whole tree lives in one arena.
 *
 * Deliberate restrictions: one document per file, aliases (*name) refused
 * (no exponential expansion, and a profile reads better without them),
 * mapping keys must be scalars and unique, nesting is capped, and scalars
 * must not contain NUL. */
#ifndef CS_ETL_YTREE_H
#define CS_ETL_YTREE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/diag.h"

#define CS_YAML_MAX_DEPTH 64u

typedef enum { CS_Y_SCALAR = 0, CS_Y_SEQ, CS_Y_MAP } cs_ynode_kind;

typedef struct cs_ynode cs_ynode;
struct cs_ynode {
    cs_ynode_kind kind;
    uint32_t line, col;          /* 1-based position of the node's start */
    const char *str;             /* SCALAR: NUL-terminated text ("" otherwise) */
    size_t len;
    int is_null;                 /* SCALAR: plain ~, null or nothing */
    const cs_ynode *key;         /* for a mapping's value: its key (a scalar) */
    cs_ynode *first, *last;      /* children: sequence items or mapping values */
    cs_ynode *next;
    size_t n;                    /* number of children */
};

typedef struct {
    cs_arena arena;
    const char *path;            /* as given, for messages */
    cs_ynode *root;              /* NULL for an empty document */
} cs_ydoc;

/* Parse data (n bytes) as one YAML document. Errors are CS_ERR_FORMAT with
 * the position libyaml reports. */
cs_status cs_ydoc_parse(cs_ydoc *doc, const char *path, const char *data, size_t n,
                        cs_diag *d);
/* Read a file (at most max_bytes: larger is CS_ERR_LIMIT) and parse it. */
cs_status cs_ydoc_load(cs_ydoc *doc, const char *path, size_t max_bytes, cs_diag *d);
void cs_ydoc_free(cs_ydoc *doc);

/* Value for key in a mapping, NULL when absent (or map is not a mapping). */
const cs_ynode *cs_ymap_get(const cs_ynode *map, const char *key);

/* "a sequence" / "a mapping" / "a text value", for messages. */
const char *cs_ynode_kind_name(const cs_ynode *n);

/* Set a CS_ERR_CONFIG diag at node's position in doc's file. */
cs_status cs_yerr(cs_diag *d, const char *path, const cs_ynode *n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The same with an explicit status and position, for callers with their
 * own printf-style wrappers. */
cs_status cs_yerr_va(cs_diag *d, cs_status st, const char *path, uint32_t line, uint32_t col,
                     const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));

#endif
