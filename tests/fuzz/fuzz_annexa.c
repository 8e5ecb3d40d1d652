/* libFuzzer target: the Annex A workbook reader (minizip, the safe XML pull
 * parser over the workbook, relationships, shared strings and sheets, the
 * heading matcher and the typed cells) and the Identities it derives.
 * Input: an xlsx file as bytes, written to a scratch file because the
 * reader opens a path. Templates come from $SRCROOT/rules (default ./rules). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "returns/annexa/annexa.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile size_t sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static cs_aa_template *t;
    static char path[64];
    if (!t) {
        const char *root = getenv("SRCROOT");
        char rules[4096];
        snprintf(rules, sizeof rules, "%s/rules", root && *root ? root : ".");
        cs_diag d;
        if (cs_aa_template_load(&t, rules, "current", &d) != CS_OK)
            abort();   /* run from the repository root */
        snprintf(path, sizeof path, "/tmp/fuzz-annexa-%ld.xlsx", (long)getpid());
    }
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    cs_dataset ds;
    cs_exception_list exc;
    cs_exceptions_init(&exc, "fuzz");
    cs_diag d;
    if (cs_annexa_read(path, t, &ds, &exc, &d) == CS_OK) {
        char buf[512];
        for (int g = 0; g < CS_AA_NGROUPS; g++)
            for (uint32_t r = 0; r < cs_ds_count(&ds, g); r++)
                for (uint32_t k = 0; k < cs_annexa_schema.groups[g].nfields; k++)
                    sink += cs_value_format(cs_ds_cell_c(&ds, g, r, (int)k), 1, buf, sizeof buf);
        cs_ds_free(&ds);
    }
    for (size_t i = 0; i < exc.count; i++)
        sink += strlen(exc.items[i].message);
    cs_exceptions_free(&exc);
    unlink(path);
    return 0;
}
