/* libFuzzer target: the XML record reader (prolog guard, libxml2 reader,
 * record flattening). Input: 1 control byte, then the document.
 *   byte 0: the record element name (one of four) and how many bytes each
 *           underlying read returns (0 = no cap) */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "read/xmlrec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile size_t sink;   /* every byte handed out is read (for ASan) */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const char *records[] = {"c", "r", "Child", "a"};
    const char *record = records[data[0] & 3];
    size_t max_read = (data[0] >> 2) % 9;

    cs_diag d;
    cs_diag_clear(&d);
    cs_bytesrc *src = NULL;
    if (cs_bytesrc_open_mem(&src, data + 1, size - 1, "fuzz.xml", &d) != CS_OK)
        return 0;
    cs_bytesrc_set_max_read(src, max_read);
    cs_xmlrec *r = NULL;
    if (cs_xmlrec_open(&r, src, record, &d) != CS_OK)
        return 0;
    cs_record rec;
    const char *const *names;
    while (cs_xmlrec_next(r, &rec, &names, &d) == CS_OK)
        for (uint32_t i = 0; i < rec.nfields; i++) {
            sink += strlen(names[i]);
            for (uint32_t k = 0; k < rec.fields[i].len; k++)
                sink += (unsigned char)rec.fields[i].ptr[k];
        }
    sink += strlen(cs_xmlrec_encoding(r));
    cs_xmlrec_close(r);
    return 0;
}
