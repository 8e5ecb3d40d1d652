/* libFuzzer target: the bytes as one SSDA903 CSV table (recognised by its
 * columns, encoding sniffed, gzip by its magic bytes) read together with a
 * fixed Header table, to the end or the first stop. When the read succeeds
 * every row must sit under the child its CHILD cell names and no two Child
 * rows may share an id. The seed corpus is plain 903 tables. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "returns/ssda903/ssda903.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char HEADER[] = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\r\n"
                             "C1,M,01/01/2015,WBRI,UN1,,\r\n"
                             "c2 ,F,01/01/2014,wbri,UN1,0,\r\n"
                             "3.0,F,01/01/2013,WBRI,UN1,,\r\n";

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void check(const cs_dataset *ds)
{
    for (int g = CS_903_FIRST_TABLE; g < CS_903_NGROUPS; g++)
        for (uint32_t r = 0; r < cs_ds_count(ds, g); r++) {
            const cs_value *v = cs_ds_cell_c(ds, g, r, 0);
            if (v->kind == CS_V_STR && strcmp(v->s, cs_ds_child_id(ds, g, r)) != 0)
                abort();
            if (v->kind != CS_V_STR && v->kind != CS_V_ABSENT)
                abort();
        }
    uint32_t n = cs_ds_count(ds, CS_903_G_CHILD), k = 0;
    const char **ids = malloc((n ? n : 1) * sizeof *ids);
    if (!ids)
        abort();
    for (uint32_t r = 0; r < n; r++) {
        const char *id = cs_ds_child_id(ds, CS_903_G_CHILD, r);
        if (*id)
            ids[k++] = id;
    }
    qsort(ids, k, sizeof *ids, cmp_str);
    for (uint32_t i = 1; i < k; i++)
        if (strcmp(ids[i - 1], ids[i]) == 0)
            abort();
    free(ids);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cs_903_mem_file files[2] = {{"header.csv", HEADER, sizeof HEADER - 1},
                                {"fuzz.csv", data, size}};
    cs_903_year y;
    cs_diag d;
    cs_diag_clear(&d);
    if (cs_903_year_parse("2025-26", &y, &d) != CS_OK)
        abort();
    cs_findings f;
    cs_findings_init(&f);
    f.max_stored = 1000;
    cs_dataset ds;
    if (cs_903_read_csv_mem(files, 2, &y, &ds, &f, &d) == CS_OK) {
        check(&ds);
        cs_ds_free(&ds);
    }
    cs_findings_free(&f);
    return 0;
}
