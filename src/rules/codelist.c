/* Code lists and the string map. */
#include "rules/codelist.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/srcfile.h"
#include "util/intern.h"
#include "util/limits.h"

void cs_strmap_init(cs_strmap *m)
{
    memset(m, 0, sizeof *m);
}

void cs_strmap_free(cs_strmap *m)
{
    free((void *)m->keys);
    free(m->vals);
    free(m->hashes);
    memset(m, 0, sizeof *m);
}

static size_t slot_of(const cs_strmap *m, const char *key, size_t n, uint32_t h)
{
    size_t i = h & (m->cap - 1);
    while (m->keys[i]) {
        if (m->hashes[i] == h && strncmp(m->keys[i], key, n) == 0 && m->keys[i][n] == '\0')
            return i;
        i = (i + 1) & (m->cap - 1);
    }
    return i;
}

static void grow(cs_strmap *m)
{
    cs_strmap old = *m;
    m->cap = old.cap ? old.cap * 2 : 16;
    m->keys = cs_xcalloc(m->cap, sizeof *m->keys);
    m->vals = cs_xcalloc(m->cap, sizeof *m->vals);
    m->hashes = cs_xcalloc(m->cap, sizeof *m->hashes);
    for (size_t i = 0; i < old.cap; i++) {
        if (!old.keys[i])
            continue;
        size_t j = old.hashes[i] & (m->cap - 1);
        while (m->keys[j])
            j = (j + 1) & (m->cap - 1);
        m->keys[j] = old.keys[i];
        m->vals[j] = old.vals[i];
        m->hashes[j] = old.hashes[i];
    }
    free((void *)old.keys);
    free(old.vals);
    free(old.hashes);
}

int cs_strmap_put(cs_strmap *m, const char *key, uint32_t val)
{
    if ((m->count + 1) * 2 > m->cap)
        grow(m);
    size_t n = strlen(key);
    uint32_t h = cs_hash_bytes(key, n);
    size_t i = slot_of(m, key, n, h);
    if (m->keys[i])
        return 0;
    m->keys[i] = key;
    m->vals[i] = val;
    m->hashes[i] = h;
    m->count++;
    return 1;
}

int cs_strmap_get(const cs_strmap *m, const char *key, size_t n, uint32_t *val)
{
    if (!m->cap)
        return 0;
    size_t i = slot_of(m, key, n, cs_hash_bytes(key, n));
    if (!m->keys[i])
        return 0;
    *val = m->vals[i];
    return 1;
}

char *cs_rules_read_file(const char *path, size_t max, size_t *len, const char **why)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        *why = strerror(errno);
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *buf = cs_xmalloc(cap + 1);
    for (;;) {
        if (n == cap) {
            if (cap >= max) {
                fclose(f);
                free(buf);
                *why = "file is larger than the limit for rule files";
                return NULL;
            }
            cap = cap * 2 > max ? max : cap * 2;
            buf = cs_xrealloc(buf, cap + 1);
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0) {
            if (ferror(f)) {
                fclose(f);
                free(buf);
                *why = "read error";
                return NULL;
            }
            break;
        }
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

int cs_codelist_load(cs_codelist *cl, const char *name, const char *path, cs_arena *arena,
                     cs_rule_errors *errs)
{
    memset(cl, 0, sizeof *cl);
    cl->name = cs_arena_strdup(arena, name);
    cl->path = cs_arena_strdup(arena, path);
    const char *why = NULL;
    size_t len = 0;
    char *text = cs_rules_read_file(path, CS_MAX_RULE_FILE_BYTES, &len, &why);
    if (!text) {
        cs_rerr_add_at(errs, path, 0, 0, "cannot read code list: %s", why);
        return 0;
    }
    size_t cap = 32;
    cl->codes = cs_xmalloc(cap * sizeof *cl->codes);
    cl->descs = cs_xmalloc(cap * sizeof *cl->descs);
    int ok = 1;
    uint32_t lineno = 0;
    for (size_t i = 0; i < len;) {
        size_t e = i;
        while (e < len && text[e] != '\n')
            e++;
        lineno++;
        size_t a = i, b = e;
        if (lineno == 1 && b - a >= 3 && memcmp(text + a, "\xEF\xBB\xBF", 3) == 0)
            a += 3;   /* UTF-8 byte order mark */
        while (a < b && (text[a] == ' ' || text[a] == '\t'))
            a++;
        while (b > a && (text[b - 1] == ' ' || text[b - 1] == '\t' || text[b - 1] == '\r'))
            b--;
        i = e + 1;
        if (a == b || text[a] == '#')
            continue;
        size_t c = a;
        while (c < b && text[c] != ' ' && text[c] != '\t')
            c++;
        size_t d = c;
        while (d < b && (text[d] == ' ' || text[d] == '\t'))
            d++;
        const char *code = cs_arena_strndup(arena, text + a, c - a);
        if (!cs_strmap_put(&cl->set, code, cl->n)) {
            cs_rerr_add_at(errs, path, lineno, 1, "code '%s' is listed twice", code);
            ok = 0;
            continue;
        }
        if (cl->n == cap) {
            cap *= 2;
            cl->codes = cs_xrealloc(cl->codes, cap * sizeof *cl->codes);
            cl->descs = cs_xrealloc(cl->descs, cap * sizeof *cl->descs);
        }
        cl->codes[cl->n] = code;
        cl->descs[cl->n] = cs_arena_strndup(arena, text + d, b - d);
        cl->n++;
    }
    free(text);
    if (ok && cl->n == 0) {
        cs_rerr_add_at(errs, path, 0, 0, "code list has no codes");
        ok = 0;
    }
    return ok;
}

void cs_codelist_free(cs_codelist *cl)
{
    free((void *)cl->codes);
    free((void *)cl->descs);
    cs_strmap_free(&cl->set);
    memset(cl, 0, sizeof *cl);
}
