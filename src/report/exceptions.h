/* Exception lists: the findings of a run as rows a data-quality officer can
 * work from. One row per finding, naming the child, where in the child's
 * return it sits, the rule in plain words, the fields and their values, the
 * source record, and the team and worker who held the case.
 *
 * CSV columns (exactly, in this order):
 * run_id,return,year,rule,severity,child_id,record,fields,values,message,
 * source_system,source_id,source_file,source_line,team,worker */
#ifndef CS_REPORT_EXCEPTIONS_H
#define CS_REPORT_EXCEPTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/diag.h"
#include "util/findings.h"

typedef struct {
    const char *return_name;   /* cin, ssda903, annexa, extract */
    const char *year;          /* 2025-26 */
    const char *rule;          /* 8525Q, X101 */
    cs_severity severity;
    const char *message;       /* plain words */
    const char *child_id;      /* "" for return-level findings */
    const char *record;        /* CINdetails[2]/ChildProtectionPlans[1], Episodes[3]; "" = the child */
    const char *fields;        /* ';'-separated */
    const char *values;        /* ';'-separated, aligned with fields */
    const char *source_system; /* mosaic, liquidlogic, ... or the file's producer */
    const char *source_id;     /* the system's id of the record */
    const char *source_file;
    uint32_t source_line;      /* 0 = unknown */
    const char *team;          /* team name holding the case on the reference date */
    const char *worker;        /* worker name */
    const char *team_id;       /* ids for the warehouse (not written to CSV) */
    const char *worker_id;
} cs_exception;

typedef struct {
    cs_arena arena;
    cs_exception *items;
    size_t count, cap;
    char run_id[64];
} cs_exception_list;

void cs_exceptions_init(cs_exception_list *l, const char *run_id);
void cs_exceptions_free(cs_exception_list *l);
/* Copies every string into the list's arena (NULL becomes ""). */
cs_exception *cs_exceptions_add(cs_exception_list *l, const cs_exception *e);
/* Counts by severity: out[CS_SEV_ERROR] ... */
void cs_exceptions_count(const cs_exception_list *l, uint64_t out[4]);

/* A fresh run id: yyyymmddThhmmssZ-<la>-<4 hex>, unique enough per machine. */
void cs_run_id_new(char *buf, size_t n, const char *la_code);

/* CSV (RFC 4180, UTF-8, CRLF line ends as Excel expects, file mode 0600). */
cs_status cs_exceptions_write_csv(const cs_exception_list *l, const char *path, cs_diag *d);

/* The extract stage's findings as exception rows (return "extract", rule = X-code). */
void cs_exceptions_from_findings(cs_exception_list *l, const cs_findings *f,
                                 const char *source_system, const char *year);

#endif
