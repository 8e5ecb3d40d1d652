/* Finding the project's data files (profiles, code tables, rules, schemas,
 * calendar) whether cscdw runs from a checkout or an installed prefix. */
#ifndef CS_UTIL_RESOURCE_H
#define CS_UTIL_RESOURCE_H

#include <stddef.h>

/* Resolve a path relative to the project root ("rules/calendar/england-and-wales.tsv").
 * Tries, in order: $CSCDW_HOME/rel, ./rel, <dir of the running binary>/../rel,
 * <dir of the binary>/../share/cscdw/rel. Writes the first that exists into
 * out and returns 1; returns 0 (out = rel) when none exists. */
int cs_resource_path(const char *rel, char *out, size_t n);

#endif
