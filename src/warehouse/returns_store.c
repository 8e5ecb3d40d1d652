#include "warehouse/returns_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "returns/ssda903/ssda903.h"
#include "util/arena.h"
#include "util/sha256.h"
#include "warehouse/bulk.h"
#include "warehouse/conn.h"
#include "warehouse/copy_pipe.h"

/* ---- storing ------------------------------------------------------------- */

/* data as one gzip member in a malloc'd buffer (*out_len bytes). */
static unsigned char *gzip_bytes(const unsigned char *data, size_t len, size_t *out_len)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    /* fastest level: it runs inside the load's transaction; CSV still shrinks ~4x */
    if (deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return NULL;
    size_t cap = deflateBound(&z, len) + 64;
    unsigned char *out = cs_xmalloc(cap);
    z.next_out = out;
    z.avail_out = 0;
    size_t in_left = len, out_left = cap;
    z.next_in = (unsigned char *)data;
    int rc;
    do {   /* avail_in/out are 32-bit: feed large files in pieces */
        if (z.avail_in == 0) {
            z.avail_in = in_left > (1u << 30) ? (1u << 30) : (unsigned)in_left;
            in_left -= z.avail_in;
        }
        if (z.avail_out == 0) {
            z.avail_out = out_left > (1u << 30) ? (1u << 30) : (unsigned)out_left;
            out_left -= z.avail_out;
        }
        rc = deflate(&z, in_left ? Z_NO_FLUSH : Z_FINISH);
    } while (rc == Z_OK || rc == Z_BUF_ERROR);
    *out_len = z.total_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END) {
        free(out);
        return NULL;
    }
    return out;
}

void cs_wh_return_pack(const cs_wh_return *r, cs_wh_packed_return *out)
{
    out->nfiles = r->nfiles;
    out->files = cs_xcalloc(r->nfiles ? r->nfiles : 1, sizeof *out->files);
    for (size_t i = 0; i < r->nfiles; i++) {
        cs_wh_packed_file *p = &out->files[i];
        p->gz = gzip_bytes(r->files[i].data, r->files[i].len, &p->gzlen);
        cs_sha256_hex(r->files[i].data, r->files[i].len, p->sha256);
    }
}

void cs_wh_packed_return_free(cs_wh_packed_return *p)
{
    for (size_t i = 0; p->files && i < p->nfiles; i++)
        free(p->files[i].gz);
    free(p->files);
    memset(p, 0, sizeof *p);
}

static cs_status store_file(PGconn *c, const cs_wh_return *r, const cs_wh_return_file *f,
                            const cs_wh_packed_file *packed, const cs_wh_keys *k, cs_diag *d)
{
    if (!packed->gz)
        return cs_diag_set(d, CS_ERR_NOMEM, f->file, 0, 0, "cannot compress the %s %s file",
                           r->name, r->year);
    char run[24], la[24], rows[24], bytes[24];
    snprintf(run, sizeof run, "%lld", k->run_id);
    snprintf(la, sizeof la, "%lld", k->la_key);
    snprintf(rows, sizeof rows, "%llu", (unsigned long long)f->rows);
    snprintf(bytes, sizeof bytes, "%zu", f->len);
    const char *values[11] = {run,  la,    r->name,         r->year,          f->table,
                              f->file, rows, bytes, packed->sha256, r->source_system,
                              (const char *)packed->gz};
    int lengths[11] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (int)packed->gzlen};
    int formats[11] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    if (packed->gzlen > 0x7fffffff)
        return cs_diag_set(d, CS_ERR_LIMIT, f->file, 0, 0,
                           "the %s %s file is over 2 GB compressed: not stored", r->name, r->year);
    PGresult *res = PQexecParams(
        c,
        "INSERT INTO meta_run_return (run_id, la_key, return_name, collection_year, "
        "table_name, file_name, row_count, bytes, sha256, source_system, content) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        11, NULL, values, lengths, formats, 0);
    cs_status st = CS_OK;
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        char doing[256];
        snprintf(doing, sizeof doing, "storing %s %s", r->name, f->file);
        st = cs_wh_result_error(res, doing, d);
    }
    PQclear(res);
    return st;
}

/* A cell as COPY text: a date column's valid date, else \N; codes and text
 * as given (an invalid value as its raw text), \N when absent. */
static void copy_cell(cs_copy *o, const cs_value *v, int date_column)
{
    if (date_column && v->kind == CS_V_DATE)
        cs_copy_date(o, v->i);
    else if (!date_column && (v->kind == CS_V_STR || v->kind == CS_V_INVALID) && v->s && *v->s)
        cs_copy_text(o, v->s);
    else
        cs_copy_null(o);
}

/* fact_cla_episode: the LA's rows replaced by the return's episodes. The
 * key is (la_key, CHILD, DECOM): an episode without a CHILD or a valid DECOM
 * is left out, and of two with the same DECOM (rows are in DECOM order
 * within a child) the first is kept, as the rules report. */
void cs_wh_return_encode(cs_copy *enc, const cs_wh_return *r, const cs_wh_keys *k,
                         uint64_t *rows)
{
    if (!r->episodes)
        return;
    cs_copy_pipe_stream(enc, "fact_cla_episode");
    const cs_dataset *ds = r->episodes;
    cs_copy *o = enc;
    /* the columns after child_key, in order */
    static const int fields[] = {CS_903_E_RNE,   CS_903_E_LS,  CS_903_E_CIN,
                                 CS_903_E_PLACE, CS_903_E_PLACE_PROVIDER, CS_903_E_DEC,
                                 CS_903_E_REC,   CS_903_E_REASON_PLACE_CHANGE};
    const int g = CS_903_G_EPISODES;
    const cs_ds_field *desc = cs_903_schema.groups[g].fields;
    uint32_t last_parent = UINT32_MAX;
    int32_t last_decom = 0;
    const char *child = NULL;
    long long child_key = 0;
    for (uint32_t row = 0; row < cs_ds_count(ds, g) && !o->failed; row++) {
        const cs_value *decom = cs_ds_cell_c(ds, g, row, CS_903_E_DECOM);
        uint32_t parent = ds->rows[g].parent[row];
        if (decom->kind != CS_V_DATE)
            continue;
        if (parent == last_parent && decom->i == last_decom)
            continue;
        if (parent != last_parent) {
            child = cs_ds_child_id(ds, g, row);
            child_key = cs_keymap_get(&k->child, child);
        }
        last_parent = parent;
        last_decom = decom->i;
        if (!child || !*child)
            continue;
        cs_copy_int(o, k->la_key);
        cs_copy_sep(o);
        cs_copy_text(o, child);
        cs_copy_sep(o);
        cs_copy_date(o, decom->i);
        cs_copy_sep(o);
        if (child_key)
            cs_copy_int(o, child_key);
        else
            cs_copy_null(o);
        for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
            cs_copy_sep(o);
            copy_cell(o, cs_ds_cell_c(ds, g, row, fields[i]), desc[fields[i]].type == CS_DT_DATE);
        }
        cs_copy_eol(o);
        (*rows)++;
    }
}

cs_status cs_wh_store_episodes(cs_copy *o, cs_copy_pipe *pipe, const cs_wh_return *r,
                               const cs_wh_keys *k, cs_diag *d)
{
    if (!r->episodes)
        return CS_OK;
    char sql[128];
    snprintf(sql, sizeof sql, "DELETE FROM fact_cla_episode WHERE la_key = %lld", k->la_key);
    cs_status st = cs_wh_exec(o->conn, sql, d);
    if (st != CS_OK)
        return st;
    return cs_wh_bulk_copy_stream(o, pipe, "fact_cla_episode",
                                  "(la_key, person_id, decom, child_key, rne, legal_status, "
                                  "category_of_need, placement_type, placement_provider, dec, "
                                  "rec, reason_place_change)",
                                  d);
}

cs_status cs_wh_store_files(PGconn *c, const cs_wh_return *r, const cs_wh_packed_return *packed,
                            const cs_wh_keys *k, cs_diag *d)
{
    cs_status st = CS_OK;
    for (size_t i = 0; i < r->nfiles && st == CS_OK; i++)
        st = i < packed->nfiles ? store_file(c, r, &r->files[i], &packed->files[i], k, d)
                                : cs_diag_set(d, CS_ERR_INTERNAL, r->files[i].file, 0, 0,
                                              "warehouse: the %s file was not packed", r->name);
    return st;
}

/* ---- fetching ------------------------------------------------------------ */

void cs_wh_stored_return_free(cs_wh_stored_return *r)
{
    free(r->files);
    if (r->result)
        PQclear(r->result);
    memset(r, 0, sizeof *r);
}

cs_status cs_wh_fetch_return(PGconn *c, const char *la_code, const char *name, const char *year,
                             cs_wh_stored_return *out, cs_diag *d)
{
    memset(out, 0, sizeof *out);
    char has[8];
    cs_status st = cs_wh_query_value(c, "SELECT to_regclass('meta_run_return') IS NOT NULL", has,
                                     sizeof has, d);
    if (st != CS_OK || has[0] != 't')
        return st;
    const char *params[3] = {la_code, name, year};
    /* every column as text but content; binary results give bytea raw */
    PGresult *res = PQexecParams(
        c,
        "SELECT t.run_id::text, r.run_uid, to_char(r.finished_at, 'YYYY-MM-DD HH24:MI'), "
        "t.table_name, t.file_name, t.row_count::text, t.content "
        "FROM meta_run_return t JOIN meta_run r USING (run_id) "
        "WHERE t.run_id = (SELECT max(x.run_id) FROM meta_run_return x JOIN dim_la l USING (la_key) "
        "                  WHERE l.la_code = $1 AND x.return_name = $2 AND x.collection_year = $3) "
        "AND t.return_name = $2 ORDER BY t.file_name",
        3, NULL, params, NULL, NULL, 1);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        char doing[256];
        snprintf(doing, sizeof doing, "looking up the %s %s return", name, year);
        st = cs_wh_result_error(res, doing, d);
        PQclear(res);
        return st;
    }
    int n = PQntuples(res);
    if (n == 0) {
        PQclear(res);
        return CS_OK;
    }
    out->result = res;
    out->run_id = atoll(PQgetvalue(res, 0, 0));
    snprintf(out->run_uid, sizeof out->run_uid, "%s", PQgetvalue(res, 0, 1));
    snprintf(out->loaded_at, sizeof out->loaded_at, "%s", PQgetvalue(res, 0, 2));
    out->files = cs_xcalloc((size_t)n, sizeof *out->files);
    out->nfiles = (size_t)n;
    for (int i = 0; i < n; i++) {
        cs_wh_return_file *f = &out->files[i];
        f->table = PQgetvalue(res, i, 3);
        f->file = PQgetvalue(res, i, 4);
        f->rows = strtoull(PQgetvalue(res, i, 5), NULL, 10);
        f->data = (const unsigned char *)PQgetvalue(res, i, 6);
        f->len = (size_t)PQgetlength(res, i, 6);
    }
    return CS_OK;
}
