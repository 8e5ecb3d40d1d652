/* libFuzzer target: the CIN census reader (prolog guard, libxml2 reader,
 * the element tree walk into the CIN dataset, findings) and the dataset
 * navigation rules use afterwards. Input: 1 control byte, then the document.
 *   byte 0: how many bytes each underlying read returns (0 = no cap) */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "returns/cin/cin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile size_t sink;   /* every value is looked at (for ASan) */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    cs_diag d;
    cs_diag_clear(&d);
    cs_bytesrc *src = NULL;
    if (cs_bytesrc_open_mem(&src, data + 1, size - 1, "fuzz.xml", &d) != CS_OK)
        return 0;
    cs_bytesrc_set_max_read(src, data[0] % 9);
    cs_findings f;
    cs_findings_init(&f);
    cs_dataset ds;
    if (cs_cin_read_src(src, &ds, &f, &d) == CS_OK) {
        char buf[512];
        for (int g = 0; g < CS_CIN_NGROUPS; g++)
            for (uint32_t r = 0; r < cs_ds_count(&ds, g); r++) {
                sink += cs_ds_record_path(&ds, g, r, buf, sizeof buf);
                sink += strlen(cs_ds_child_id(&ds, g, r));
                for (uint32_t k = 0; k < cs_cin_schema.groups[g].nfields; k++)
                    sink += cs_value_format(cs_ds_cell_c(&ds, g, r, (int)k), 0, buf, sizeof buf);
            }
        cs_ds_free(&ds);
    }
    for (size_t i = 0; i < f.count; i++)
        sink += strlen(f.items[i].detail ? f.items[i].detail : "");
    cs_findings_free(&f);
    return 0;
}
