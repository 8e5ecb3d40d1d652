#include "warehouse/keymap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/intern.h"
#include "warehouse/conn.h"

void cs_keymap_init(cs_keymap *m)
{
    memset(m, 0, sizeof *m);
    cs_arena_init(&m->arena, 1u << 20);
}

void cs_keymap_free(cs_keymap *m)
{
    cs_arena_free(&m->arena);
    free(m->ids);
    free(m->hashes);
    free(m->keys);
    memset(m, 0, sizeof *m);
}

static void grow(cs_keymap *m)
{
    size_t ncap = m->cap ? m->cap * 2 : 1024;
    const char **ids = cs_xcalloc(ncap, sizeof *ids);
    uint32_t *hashes = cs_xmalloc(ncap * sizeof *hashes);
    long long *keys = cs_xmalloc(ncap * sizeof *keys);
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->ids[i])
            continue;
        size_t j = m->hashes[i] & (ncap - 1);
        while (ids[j])
            j = (j + 1) & (ncap - 1);
        ids[j] = m->ids[i];
        hashes[j] = m->hashes[i];
        keys[j] = m->keys[i];
    }
    free(m->ids);
    free(m->hashes);
    free(m->keys);
    m->ids = ids;
    m->hashes = hashes;
    m->keys = keys;
    m->cap = ncap;
}

void cs_keymap_put(cs_keymap *m, const char *id, size_t n, long long key)
{
    if ((m->count + 1) * 2 > m->cap)
        grow(m);
    uint32_t h = cs_hash_bytes(id, n);
    size_t j = h & (m->cap - 1);
    while (m->ids[j]) {
        if (m->hashes[j] == h && strncmp(m->ids[j], id, n) == 0 && m->ids[j][n] == '\0') {
            m->keys[j] = key;
            return;
        }
        j = (j + 1) & (m->cap - 1);
    }
    m->ids[j] = cs_arena_strndup(&m->arena, id, n);
    m->hashes[j] = h;
    m->keys[j] = key;
    m->count++;
}

long long cs_keymap_get(const cs_keymap *m, const char *id)
{
    if (!id || !*id || !m->cap)
        return 0;
    uint32_t h = cs_hash_bytes(id, strlen(id));
    size_t j = h & (m->cap - 1);
    while (m->ids[j]) {
        if (m->hashes[j] == h && strcmp(m->ids[j], id) == 0)
            return m->keys[j];
        j = (j + 1) & (m->cap - 1);
    }
    return 0;
}

/* COPY text escapes back to bytes, in place; returns the new length. */
static size_t unescape(char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\\' || i + 1 == n) {
            s[k++] = s[i];
            continue;
        }
        char e = s[++i];
        switch (e) {
        case 'b': s[k++] = '\b'; break;
        case 'f': s[k++] = '\f'; break;
        case 'n': s[k++] = '\n'; break;
        case 'r': s[k++] = '\r'; break;
        case 't': s[k++] = '\t'; break;
        case 'v': s[k++] = '\v'; break;
        default: s[k++] = e; break;   /* \\ and anything else: the character */
        }
    }
    return k;
}

cs_status cs_keymap_fetch(cs_keymap *m, PGconn *c, const char *select, cs_diag *d)
{
    size_t qn = strlen(select) + 32;
    char *sql = cs_xmalloc(qn);
    snprintf(sql, qn, "COPY (%s) TO STDOUT", select);
    PGresult *r = PQexec(c, sql);
    free(sql);
    if (PQresultStatus(r) != PGRES_COPY_OUT) {
        cs_status st = cs_wh_result_error(r, "cannot read keys", d);
        PQclear(r);
        return st;
    }
    PQclear(r);
    char *line;
    int len;
    while ((len = PQgetCopyData(c, &line, 0)) > 0) {
        char *tab = memchr(line, '\t', (size_t)len);
        if (tab && !(tab - line == 2 && line[0] == '\\' && line[1] == 'N')) {
            size_t idn = unescape(line, (size_t)(tab - line));
            cs_keymap_put(m, line, idn, atoll(tab + 1));
        }
        PQfreemem(line);
    }
    cs_status st = CS_OK;
    if (len == -2)
        st = cs_wh_conn_error(c, "reading keys failed", d);
    while ((r = PQgetResult(c))) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK && st == CS_OK)
            st = cs_wh_result_error(r, "reading keys failed", d);
        PQclear(r);
    }
    return st;
}

void cs_idset_init(cs_idset *s, size_t expected)
{
    s->cap = 16;
    while (s->cap < expected * 2)
        s->cap *= 2;
    s->ids = cs_xcalloc(s->cap, sizeof *s->ids);
    s->hashes = cs_xmalloc(s->cap * sizeof *s->hashes);
}

void cs_idset_free(cs_idset *s)
{
    free(s->ids);
    free(s->hashes);
    memset(s, 0, sizeof *s);
}

int cs_idset_add(cs_idset *s, const char *id)
{
    if (!id || !*id)
        return 0;
    uint32_t h = cs_hash_bytes(id, strlen(id));
    size_t j = h & (s->cap - 1);
    while (s->ids[j]) {
        if (s->hashes[j] == h && strcmp(s->ids[j], id) == 0)
            return 0;
        j = (j + 1) & (s->cap - 1);
    }
    s->ids[j] = id;
    s->hashes[j] = h;
    return 1;
}
