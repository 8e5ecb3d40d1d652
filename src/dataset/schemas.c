/* The schema registry. Add each real return schema to `builtin` below. */
#include "dataset/schemas.h"

#include <string.h>

#include "returns/annexa/schema.h"
#include "returns/cin/schema.h"
#include "returns/ssda903/ssda903.h"

/* Real schemas, e.g. &cs_cin_schema (declare it in the return's header). */
static const cs_ds_schema *const builtin[] = {
    &cs_cin_schema,
    &cs_903_schema,
    &cs_annexa_schema,
    NULL,
};

#define CS_SCHEMA_RUNTIME_MAX 16
static const cs_ds_schema *runtime[CS_SCHEMA_RUNTIME_MAX];
static size_t nruntime;

static size_t nbuiltin(void)
{
    size_t n = 0;
    for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++)
        if (builtin[i])
            n++;
    return n;
}

size_t cs_schema_count(void)
{
    return nruntime + nbuiltin();
}

const cs_ds_schema *cs_schema_at(size_t i)
{
    if (i < nruntime)
        return runtime[i];
    i -= nruntime;
    for (size_t k = 0; k < sizeof builtin / sizeof builtin[0]; k++) {
        if (!builtin[k])
            continue;
        if (i == 0)
            return builtin[k];
        i--;
    }
    return NULL;
}

const cs_ds_schema *cs_schema_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < cs_schema_count(); i++) {
        const cs_ds_schema *s = cs_schema_at(i);
        if (s && strcmp(s->name, name) == 0)
            return s;
    }
    return NULL;
}

int cs_schema_register(const cs_ds_schema *schema)
{
    for (size_t i = 0; i < nruntime; i++)
        if (runtime[i] == schema)
            return 1;
    if (nruntime == CS_SCHEMA_RUNTIME_MAX)
        return 0;
    runtime[nruntime++] = schema;
    return 1;
}

void cs_schema_unregister_all(void)
{
    nruntime = 0;
}
