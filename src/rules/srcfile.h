/* Rule source text and positioned compile errors: every error names the
 * file, line and column and carries the source line with a caret under the
 * offending column. */
#ifndef CS_RULES_SRCFILE_H
#define CS_RULES_SRCFILE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "rules/rules.h"

typedef struct {
    const char *path;   /* as shown in errors */
    const char *text;   /* not necessarily NUL-terminated */
    size_t len;
} cs_rsrc;

/* Errors kept per list; later ones are counted in one closing error. */
#define CS_RULE_ERRORS_MAX 500

/* 1-based line and column (columns count UTF-8 characters) of a byte offset. */
void cs_rsrc_linecol(const cs_rsrc *src, size_t off, uint32_t *line, uint32_t *col);

void cs_rerr_add(cs_rule_errors *e, const cs_rsrc *src, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void cs_rerr_addv(cs_rule_errors *e, const cs_rsrc *src, size_t off, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));
/* An error not tied to rule text (ruleset.yaml, a code list line). */
void cs_rerr_add_at(cs_rule_errors *e, const char *file, uint32_t line, uint32_t col,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif
