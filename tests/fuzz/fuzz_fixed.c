/* libFuzzer target: the fixed-width reader over the text source.
 * Input: 4 control bytes, then the file.
 *   byte 0: number of columns (1-6), encoding (auto/utf-8/utf-16le/cp1252)
 *           and the invalid-byte policy
 *   byte 1: how many bytes each underlying read returns (0 = no cap)
 *   bytes 2-3: seeds for the column positions and widths */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "read/fixed.h"
#include "util/findings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile size_t sink;   /* every byte handed out is read (for ASan) */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4)
        return 0;
    static const cs_encoding encs[] = {CS_ENC_AUTO, CS_ENC_UTF8, CS_ENC_UTF16LE, CS_ENC_CP1252};
    size_t ncols = 1 + data[0] % 6;
    cs_encoding enc = encs[(data[0] >> 3) & 3];
    cs_invalid_policy policy = (data[0] & 0x20) ? CS_INVALID_REPLACE : CS_INVALID_ERROR;
    size_t max_read = data[1] % 9;

    cs_fixed_column layout[6];
    static const char *names[] = {"A", "B", "C", "D", "E", "F"};
    uint32_t pos = 1 + data[2] % 3;
    for (size_t i = 0; i < ncols; i++) {
        uint32_t width = 1 + (uint32_t)((data[3] >> i) & 7) + (uint32_t)i;
        layout[i] = (cs_fixed_column){names[i], pos, width};
        pos += width + ((data[2] >> i) & 1);   /* sometimes a gap */
    }

    cs_diag d;
    cs_diag_clear(&d);
    cs_findings findings;
    cs_findings_init(&findings);
    findings.max_stored = 16;
    cs_bytesrc *src = NULL;
    if (cs_bytesrc_open_mem(&src, data + 4, size - 4, "fuzz.txt", &d) != CS_OK)
        return 0;
    cs_bytesrc_set_max_read(src, max_read);
    cs_textsrc *text = NULL;
    cs_fixed *r = NULL;
    if (cs_textsrc_open(&text, src, enc, policy, &findings, &d) == CS_OK &&
        cs_fixed_open(&r, text, layout, ncols, &d) == CS_OK) {
        cs_record rec;
        int short_line;
        while (cs_fixed_next(r, &rec, &short_line, &d) == CS_OK)
            for (uint32_t i = 0; i < rec.nfields; i++)
                for (uint32_t k = 0; k < rec.fields[i].len; k++)
                    sink += (unsigned char)rec.fields[i].ptr[k];
        cs_fixed_close(r);
    }
    cs_findings_free(&findings);
    return 0;
}
