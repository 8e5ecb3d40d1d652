/* Small helpers the SSDA903 readers, writers and builder share: upper-casing,
 * postcode spelling, cell text for writers, the derived Header.UASC flag and
 * owner-only output files renamed into place when complete. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "returns/ssda903/internal.h"
#include "util/arena.h"
#include "util/limits.h"

size_t s903_upper(char *buf, size_t cap, const char *s, size_t n)
{
    if (cap == 0)
        return 0;
    if (n >= cap)
        n = cap - 1;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        buf[i] = c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
    }
    buf[n] = '\0';
    return n;
}

const char *s903_postcode_norm(const char *s, char *buf, size_t cap)
{
    if (!s || cap < 16)
        return NULL;
    size_t n = 0;
    for (; *s && n + 2 < cap; s++) {
        char c = *s;
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            continue;
        buf[n++] = c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
    }
    buf[n] = '\0';
    if (n == 0)
        return NULL;
    /* UK postcodes have a three-character inward code (digit, letter,
     * letter) after a two-to-four-character outward code */
    if (n >= 5 && n <= 7 && buf[n - 3] >= '0' && buf[n - 3] <= '9') {
        memmove(buf + n - 2, buf + n - 3, 4);
        buf[n - 3] = ' ';
    }
    return buf;
}

const char *s903_cell_text(const cs_value *v, char *buf, size_t n)
{
    switch ((cs_vkind)v->kind) {
    case CS_V_ABSENT:
        return NULL;
    case CS_V_DATE:
        if (n < 11)
            return NULL;
        return cs_date_dmy(v->i, buf);
    case CS_V_INT:
        snprintf(buf, n, "%ld", (long)v->i);
        return buf;
    case CS_V_BOOL:
        return v->i ? "1" : "0";
    case CS_V_STR:
    case CS_V_INVALID:
        return v->s && v->s[0] ? v->s : NULL;
    }
    return NULL;
}

void s903_set_uasc_flags(cs_dataset *ds, int only_absent)
{
    uint32_t nchild = cs_ds_count(ds, CS_903_G_CHILD);
    unsigned char *has = cs_xcalloc(nchild ? nchild : 1, 1);
    const cs_ds_rows *u = &ds->rows[CS_903_G_UASC];
    for (uint32_t i = 0; i < u->count; i++)
        if (u->parent[i] < nchild)
            has[u->parent[i]] = 1;
    const cs_ds_rows *h = &ds->rows[CS_903_G_HEADER];
    for (uint32_t i = 0; i < h->count; i++) {
        uint32_t c = h->parent[i];
        if (only_absent && cs_ds_cell(ds, CS_903_G_HEADER, i, CS_903_H_UASC)->kind != CS_V_ABSENT)
            continue;
        cs_ds_set_str(ds, CS_903_G_HEADER, i, CS_903_H_UASC, c < nchild && has[c] ? "1" : "0");
    }
    free(has);
}

/* ---- Child rows by id ---------------------------------------------------------- */

/* Keys are interned pointers packed end to end in the intern arena, so
 * neighbouring ids differ only in their low bits: mix all 64 bits (the
 * murmur3 finaliser) or they pile up in a few runs of slots. */
static size_t slot_of(const char *id, size_t cap)
{
    uint64_t x = (uint64_t)(uintptr_t)id;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return (size_t)x & (cap - 1);
}

static void map_grow(s903_child_map *m)
{
    size_t cap = m->cap ? m->cap * 2 : 1024;
    const char **keys = cs_xcalloc(cap, sizeof *keys);
    uint32_t *rows = cs_xcalloc(cap, sizeof *rows);
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i])
            continue;
        size_t j = slot_of(m->keys[i], cap);
        while (keys[j])
            j = (j + 1) & (cap - 1);
        keys[j] = m->keys[i];
        rows[j] = m->rows[i];
    }
    free((void *)m->keys);
    free(m->rows);
    m->keys = keys;
    m->rows = rows;
    m->cap = cap;
}

uint32_t s903_child_map_get(s903_child_map *m, cs_dataset *ds, const char *id, uint32_t file,
                            uint32_t line)
{
    if ((m->count + 1) * 2 > m->cap)
        map_grow(m);
    size_t j = slot_of(id, m->cap);
    while (m->keys[j]) {
        if (m->keys[j] == id)
            return m->rows[j];
        j = (j + 1) & (m->cap - 1);
    }
    uint32_t row = cs_ds_add_row(ds, CS_903_G_CHILD, 0, file, line);
    cs_ds_set_str(ds, CS_903_G_CHILD, row, CS_903_C_CHILD, id);
    m->keys[j] = id;
    m->rows[j] = row;
    m->count++;
    return row;
}

void s903_child_map_free(s903_child_map *m)
{
    free((void *)m->keys);
    free(m->rows);
    memset(m, 0, sizeof *m);
}

/* ---- output files ------------------------------------------------------------- */

cs_status s903_tmp_open(s903_tmpfile *f, const char *path, cs_diag *d)
{
    memset(f, 0, sizeof *f);
    f->fd = -1;
    size_t plen = strlen(path);
    if (plen + 16 > CS_MAX_PATH)
        return cs_diag_set(d, CS_ERR_IO, path, 0, 0, "output path too long");
    f->tmp = cs_xmalloc(plen + 16);
    snprintf(f->tmp, plen + 16, "%s.tmp.XXXXXX", path);
    f->fd = mkstemp(f->tmp);   /* mode 0600: owner only */
    if (f->fd < 0) {
        cs_status st = cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot create the output file: %s",
                                   strerror(errno));
        free(f->tmp);
        f->tmp = NULL;
        return st;
    }
    f->final = cs_xstrdup(path);
    return CS_OK;
}

static void tmp_release(s903_tmpfile *f)
{
    free(f->tmp);
    free(f->final);
    f->tmp = f->final = NULL;
    f->fd = -1;
}

cs_status s903_tmp_commit(s903_tmpfile *f, cs_diag *d)
{
    cs_status st = CS_OK;
    if (f->fd >= 0 && close(f->fd) != 0)
        st = cs_diag_set(d, CS_ERR_IO, f->final, 0, 0, "cannot write the output file: %s",
                         strerror(errno));
    f->fd = -1;
    if (st == CS_OK && rename(f->tmp, f->final) != 0)
        st = cs_diag_set(d, CS_ERR_IO, f->final, 0, 0, "cannot move the output into place: %s",
                         strerror(errno));
    if (st != CS_OK)
        unlink(f->tmp);
    tmp_release(f);
    return st;
}

void s903_tmp_abort(s903_tmpfile *f)
{
    if (f->fd >= 0)
        close(f->fd);
    if (f->tmp)
        unlink(f->tmp);
    tmp_release(f);
}
