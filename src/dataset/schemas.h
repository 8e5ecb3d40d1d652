/* The schema registry: the return datasets the engine knows by name
 * ("cin", "ssda903", "annexa"), so rule sets, readers and the CLI can find a
 * schema from a return name.
 *
 * Real schemas are listed in schemas.c. Tests and tools may register extra
 * schemas at run time (cs_schema_register); a registered schema with the same
 * name as a built-in one hides it. */
#ifndef CS_DATASET_SCHEMAS_H
#define CS_DATASET_SCHEMAS_H

#include <stddef.h>

#include "dataset/dataset.h"

/* NULL when no schema has that name. */
const cs_ds_schema *cs_schema_find(const char *name);

/* Known schemas, registered ones first: index 0 .. cs_schema_count()-1. */
size_t cs_schema_count(void);
const cs_ds_schema *cs_schema_at(size_t i);

/* Make a schema (static storage, not copied) findable by its name. Returns 0
 * when the run-time table is full (16 entries). Not thread-safe: register
 * before starting work. */
int cs_schema_register(const cs_ds_schema *schema);
/* Forget every run-time registration (tests). */
void cs_schema_unregister_all(void);

#endif
