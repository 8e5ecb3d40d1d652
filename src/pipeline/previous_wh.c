#include "pipeline/previous_wh.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pipeline/returns.h"
#include "warehouse/cluster.h"
#include "warehouse/returns_store.h"

/* 1 when t is the local warehouse and initdb has not made it yet. */
static int no_local_warehouse(const cs_wh_target *t)
{
    if ((t->url && *t->url) || (t->use_env && cs_wh_env_configured()))
        return 0;
    const char *dir = t->local_dir ? t->local_dir : "var/warehouse";
    struct stat sb;
    if (stat(dir, &sb) != 0)   /* not even its folder (locating would make it) */
        return 1;
    cs_cluster cl;
    cs_diag d;
    cs_diag_clear(&d);
    if (cs_cluster_locate(&cl, dir, NULL, 0, &d) != CS_OK)
        return 0;   /* connecting will say what is wrong */
    return !cs_cluster_exists(&cl);
}

void cs_previous_903_from_warehouse(cs_wh_session *wh, const char *la_code,
                                    const cs_903_year *last, uint64_t groups,
                                    const cs_903_postcodes *pc,
                                    const char *la_ons, cs_dataset *out, cs_previous_wh *info)
{
    memset(info, 0, sizeof *info);
    if (!wh->tried && no_local_warehouse(&wh->target))
        return;
    cs_diag d;
    cs_diag_clear(&d);
    PGconn *c = NULL;
    if (cs_wh_session_conn(wh, &c, &d) != CS_OK) {
        snprintf(info->problem, sizeof info->problem, "%s", d.msg);
        return;
    }
    cs_wh_stored_return sr;
    if (cs_wh_fetch_return(c, la_code, "ssda903", last->label, &sr, &d) != CS_OK) {
        snprintf(info->problem, sizeof info->problem, "%s", d.msg);
    } else if (sr.run_id) {
        cs_903_mem_file files[CS_903_NTABLES];
        size_t n = sr.nfiles < CS_903_NTABLES ? sr.nfiles : CS_903_NTABLES;
        for (size_t i = 0; i < n; i++)
            files[i] = (cs_903_mem_file){sr.files[i].file, sr.files[i].data, sr.files[i].len};
        /* The tables are the writer's own: a table missing or a file that is
         * no table means the stored bytes are damaged, not an odd return, and
         * reading on would compare this year with empty tables. */
        cs_findings f;
        cs_findings_init(&f);
        cs_status st = cs_903_read_csv_mem_only(files, n, last, groups, out, &f, &d);
        const cs_finding *bad = NULL;
        for (size_t i = 0; st == CS_OK && !bad && i < f.count; i++) {
            cs_finding_kind k = f.items[i].kind;
            if (k == CS_FK_TABLE_MISSING || k == CS_FK_FILE_UNRECOGNISED)
                bad = &f.items[i];
        }
        if (bad) {
            snprintf(info->problem, sizeof info->problem,
                     "the %s return stored by warehouse run %lld is damaged (%s%s%s); not used",
                     last->label, sr.run_id, bad->file ? bad->file : "",
                     bad->file && bad->detail ? ": " : "", bad->detail ? bad->detail : "");
            cs_ds_free(out);
        } else if (st == CS_OK) {
            cs_returns_derive_903(out, pc, la_ons);
            info->found = 1;
            info->run_id = sr.run_id;
            snprintf(info->run_uid, sizeof info->run_uid, "%s", sr.run_uid);
            snprintf(info->loaded_at, sizeof info->loaded_at, "%s", sr.loaded_at);
        } else {
            snprintf(info->problem, sizeof info->problem,
                     "the %s return stored by warehouse run %lld cannot be read: %s%s%s",
                     last->label, sr.run_id, d.file, d.file[0] ? ": " : "", d.msg);
        }
        cs_findings_free(&f);
    }
    cs_wh_stored_return_free(&sr);
}

void cs_previous_wh_describe(const cs_previous_wh *p, const cs_903_year *last, char *buf,
                             size_t n)
{
    snprintf(buf, n, "%s from the warehouse: run %lld (%s), loaded %s", last->label, p->run_id,
             p->run_uid, p->loaded_at);
}
