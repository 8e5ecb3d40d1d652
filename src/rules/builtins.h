/* Built-in functions of the rule language that are plain calls: their
 * argument and result types, and their implementations. (present, absent,
 * valid, invalid, if, coalesce, lookup and matches are special forms handled
 * by the checker and compiler.) */
#ifndef CS_RULES_BUILTINS_H
#define CS_RULES_BUILTINS_H

#include <stddef.h>

#include "rules/internal.h"
#include "util/calendar.h"

/* What builtins may use while running. */
typedef struct {
    const cs_calendar *cal;
    cs_date period_start, period_end;
    cs_arena *scratch;          /* strings made during one evaluation */
} cs_benv;

typedef void (*cs_builtin_fn)(const cs_benv *env, const cs_vval *args, cs_vval *out);

typedef struct {
    const char *name;
    /* one letter per parameter: D date, I int, S string, B bool, X bool or
     * string, * any scalar, = same type as the first (int, date or string) */
    const char *params;
    char result;                /* D I S B, or = (same as the first argument) */
    uint8_t strict;             /* any absent/invalid argument makes the result absent */
    cs_builtin_fn fn;
    const char *doc;
} cs_builtin;

extern const cs_builtin cs_builtins[];
extern const size_t cs_nbuiltins;

/* Index into cs_builtins, -1 when unknown. */
int cs_builtin_find(const char *name);

/* The names of the special forms, for "unknown function" suggestions. */
extern const char *const cs_special_forms[];

/* UPN check letter of a 13-character UPN (see cin-census.md §3), or 0 when
 * the UPN does not have the shape the check applies to. */
char cs_upn_check_letter(const char *upn, size_t n);
/* 1 when s is shaped like a UK postcode (one optional space). */
int cs_postcode_shape(const char *s, size_t n);

#endif
