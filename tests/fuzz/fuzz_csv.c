/* libFuzzer target: memory bytes -> text source (encoding sniffed) -> CSV
 * reader, to the end or the first error. The input is the file itself, so
 * the seed corpus is plain CSV.
 *
 * Pass 1 uses the REPLACE policy and whole reads; pass 2 the ERROR policy
 * with reads of 1-7 bytes, so every record crosses buffer boundaries. The
 * record invariants are checked in both, and when pass 1 replaced nothing
 * the two passes must yield exactly the same records, positions and ending. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/source.h"
#include "read/csv.h"
#include "util/findings.h"
#include "util/limits.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
    uint64_t hash, records;
    cs_status end;
    uint64_t line, col;
} outcome;

static uint64_t mix(uint64_t h, uint64_t v)
{
    return (h ^ v) * 0x100000001B3ull;
}

static outcome run(const uint8_t *data, size_t size, cs_invalid_policy policy, size_t max_read,
                   cs_findings *findings)
{
    outcome o = {0xCBF29CE484222325ull, 0, CS_OK, 0, 0};
    cs_diag d;
    cs_diag_clear(&d);
    cs_bytesrc *src;
    cs_textsrc *text;
    cs_csv *csv;
    if (cs_bytesrc_open_mem(&src, data, size, "fuzz.csv", &d) != CS_OK)
        abort();   /* a memory source cannot fail to open */
    cs_bytesrc_set_max_read(src, max_read);
    if ((o.end = cs_textsrc_open(&text, src, CS_ENC_AUTO, policy, findings, &d)) != CS_OK ||
        (o.end = cs_csv_open(&csv, text, NULL, &d)) != CS_OK)
        return o;
    cs_record rec;
    while ((o.end = cs_csv_next(csv, &rec, &d)) == CS_OK) {
        if (rec.nfields < 1 || rec.nfields > CS_MAX_COLUMNS || rec.index != o.records ||
            rec.line < 1)
            abort();
        o.records++;
        o.hash = mix(mix(o.hash, rec.line), rec.nfields);
        for (uint32_t i = 0; i < rec.nfields; i++) {
            const cs_field *f = &rec.fields[i];
            if (f->len > CS_MAX_FIELD_BYTES || f->col < 1 || f->line < rec.line)
                abort();
            o.hash = mix(mix(mix(o.hash, f->len), f->col), f->line);
            for (uint32_t k = 0; k < f->len; k++)
                o.hash = mix(o.hash, (unsigned char)f->ptr[k]);
        }
    }
    if (o.end != CS_EOF) {
        if (d.status != o.end || !d.msg[0] || (policy == CS_INVALID_REPLACE &&
                                               o.end == CS_ERR_ENCODING))
            abort();
        o.line = d.line;
        o.col = d.col;
    }
    cs_csv_close(csv);
    return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cs_findings findings;
    cs_findings_init(&findings);
    findings.max_stored = 64;
    outcome a = run(data, size, CS_INVALID_REPLACE, 0, &findings);
    outcome b = run(data, size, CS_INVALID_ERROR, 1 + size % 7, NULL);
    if (findings.total == 0 &&
        (a.hash != b.hash || a.records != b.records || a.end != b.end || a.line != b.line ||
         a.col != b.col))
        abort();
    cs_findings_free(&findings);
    return 0;
}
