/* Reading Annex A lists produced elsewhere: a workbook or a folder of CSVs
 * into the Annex A dataset, ready for the same checks as built lists. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "returns/annexa/read_int.h"

cs_status cs_annexa_read(const char *path, const cs_aa_template *t, cs_dataset *out,
                         cs_exception_list *exc, cs_diag *d)
{
    cs_ds_init(out, &cs_annexa_schema);
    struct stat st;
    if (stat(path, &st) != 0) {
        cs_ds_free(out);
        return cs_diag_set(d, CS_ERR_IO, path, 0, 0, "no such file or folder");
    }
    uint32_t root = cs_ds_add_row(out, CS_AA_G_ROOT, 0, 0, 0);
    cs_ds_set_str(out, CS_AA_G_ROOT, root, CS_AA_R_TEMPLATE, cs_aa_template_name(t));
    cs_status s = S_ISDIR(st.st_mode) ? aa_read_csv_dir(path, t, out, exc, d)
                                      : aa_read_xlsx(path, t, out, exc, d);
    if (s == CS_OK) {
        cs_aa_derive_identities(out);
        s = cs_ds_finalize(out, d);
    }
    if (s != CS_OK)
        cs_ds_free(out);
    return s;
}
