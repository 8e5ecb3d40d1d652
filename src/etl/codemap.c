/* Code tables: loaded once per profile, looked up once per coded field, so the
 * lookup is an open-addressing hash on the case-folded, trimmed code. Every
 * string and both tables live in the caller's arena. */
#include "etl/codemap.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/limits.h"

typedef struct {
    const char *local, *dfe;
    size_t local_n, dfe_n;
    uint64_t line;
} entry;

struct cs_codemap {
    const char *name;
    entry *entries;        /* file order */
    size_t count;
    uint32_t *by_local;    /* slot -> entry index + 1; 0 = empty */
    uint32_t *by_dfe;      /* first entry for each DfE code */
    size_t mask;           /* table size - 1 (power of two) */
    int pass_through;      /* "*<TAB>=" seen */
};

static int fold(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static uint32_t hash_folded(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (uint32_t)fold((unsigned char)s[i]);
        h *= 16777619u;
    }
    return h;
}

static int equal_folded(const char *a, size_t an, const char *b, size_t bn)
{
    if (an != bn)
        return 0;
    for (size_t i = 0; i < an; i++)
        if (fold((unsigned char)a[i]) != fold((unsigned char)b[i]))
            return 0;
    return 1;
}

/* Trim ASCII whitespace and UTF-8 no-break spaces (C2 A0) from both ends. */
static const char *trim(const char *s, size_t n, size_t *out_n)
{
    for (;;) {
        if (n > 0 && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
            s++, n--;
        else if (n > 1 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0)
            s += 2, n -= 2;
        else
            break;
    }
    for (;;) {
        if (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
            n--;
        else if (n > 1 && (unsigned char)s[n - 2] == 0xC2 && (unsigned char)s[n - 1] == 0xA0)
            n -= 2;
        else
            break;
    }
    *out_n = n;
    return s;
}

/* Slot holding an entry whose key (local or DfE) equals s, or the empty slot
 * where it would go. */
static size_t probe(const cs_codemap *m, const uint32_t *table, int by_dfe, const char *s,
                    size_t n)
{
    size_t i = hash_folded(s, n) & m->mask;
    for (;;) {
        uint32_t e = table[i];
        if (e == 0)
            return i;
        const entry *x = &m->entries[e - 1];
        if (by_dfe ? equal_folded(x->dfe, x->dfe_n, s, n) : equal_folded(x->local, x->local_n, s, n))
            return i;
        i = (i + 1) & m->mask;
    }
}

const char *cs_codemap_lookup(const cs_codemap *m, const char *code, size_t n)
{
    if (!m || !code)
        return NULL;
    code = trim(code, n, &n);
    if (n == 0)
        return NULL;
    uint32_t e = m->by_local[probe(m, m->by_local, 0, code, n)];
    if (e)
        return m->entries[e - 1].dfe;
    if (m->pass_through) {
        e = m->by_dfe[probe(m, m->by_dfe, 1, code, n)];
        if (e)
            return m->entries[e - 1].dfe;
    }
    return NULL;
}

const char *cs_codemap_reverse(const cs_codemap *m, const char *dfe)
{
    if (!m || !dfe)
        return NULL;
    size_t n;
    dfe = trim(dfe, strlen(dfe), &n);
    if (n == 0)
        return NULL;
    uint32_t e = m->by_dfe[probe(m, m->by_dfe, 1, dfe, n)];
    return e ? m->entries[e - 1].local : NULL;
}

const char *cs_codemap_name(const cs_codemap *m)
{
    return m ? m->name : NULL;
}

/* ---- loading ---------------------------------------------------------- */

typedef struct {
    cs_codemap *m;
    size_t cap;            /* of m->entries while loading (malloc) */
    int header_seen;
    const char *path;
    cs_arena *arena;
} loader;

/* One non-blank, non-comment line, already trimmed. */
static cs_status take_line(loader *L, const char *s, size_t n, uint64_t line, cs_diag *d)
{
    const char *tab = memchr(s, '\t', n);
    size_t columns = 1;
    for (const char *p = s; (p = memchr(p, '\t', (size_t)(s + n - p))) != NULL; p++)
        columns++;
    size_t ln = 0, dn = 0;
    const char *local = NULL, *dfe = NULL;
    if (columns == 2) {
        local = trim(s, (size_t)(tab - s), &ln);
        dfe = trim(tab + 1, (size_t)(s + n - tab - 1), &dn);
    }
    if (!L->header_seen) {
        if (columns != 2 || !equal_folded(local, ln, "local", 5) || !equal_folded(dfe, dn, "dfe", 3))
            return cs_diag_set(d, CS_ERR_CONFIG, L->path, line, 1,
                               "expected the header line 'local<TAB>dfe'");
        L->header_seen = 1;
        return CS_OK;
    }
    if (columns != 2)
        return cs_diag_set(d, CS_ERR_CONFIG, L->path, line, 1,
                           "%zu column%s; expected 2 (local<TAB>dfe)", columns,
                           columns == 1 ? "" : "s");
    uint64_t dfe_col = (uint64_t)(tab - s) + 2;
    if (ln == 0)
        return cs_diag_set(d, CS_ERR_CONFIG, L->path, line, 1, "empty local code");
    if (dn == 0)
        return cs_diag_set(d, CS_ERR_CONFIG, L->path, line, dfe_col, "empty DfE code");
    int star = ln == 1 && *local == '*', same = dn == 1 && *dfe == '=';
    if (star || same) {
        if (!(star && same))
            return cs_diag_set(d, CS_ERR_CONFIG, L->path, line, star ? dfe_col : 1,
                               "'*' and '=' only go together, as the line '*<TAB>=' "
                               "(DfE codes pass through)");
        L->m->pass_through = 1;
        return CS_OK;
    }
    if (L->m->count == L->cap) {
        L->cap = L->cap ? L->cap * 2 : 64;
        L->m->entries = cs_xrealloc(L->m->entries, L->cap * sizeof *L->m->entries);
    }
    L->m->entries[L->m->count++] = (entry){
        .local = cs_arena_strndup(L->arena, local, ln), .local_n = ln,
        .dfe = cs_arena_strndup(L->arena, dfe, dn), .dfe_n = dn, .line = line};
    return CS_OK;
}

static cs_status read_lines(loader *L, FILE *fp, cs_diag *d)
{
    char *buf = NULL;
    size_t bufcap = 0;
    ssize_t len;
    uint64_t line = 0;
    cs_status st = CS_OK;
    while (st == CS_OK && (len = getline(&buf, &bufcap, fp)) >= 0) {
        line++;
        const char *s = buf;
        size_t n = (size_t)len;
        if (line == 1 && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
            s += 3, n -= 3;
        while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
            n--;
        size_t tn;
        const char *t = trim(s, n, &tn);
        if (tn == 0 || *t == '#')
            continue;
        st = take_line(L, s, n, line, d);
    }
    if (st == CS_OK && ferror(fp))
        st = cs_diag_set(d, CS_ERR_IO, L->path, line, 0, "cannot read: %s", strerror(errno));
    if (st == CS_OK && !L->header_seen)
        st = cs_diag_set(d, CS_ERR_CONFIG, L->path, 0, 0,
                         "no header line 'local<TAB>dfe': the file is empty");
    free(buf);
    return st;
}

/* Hash the entries into the arena; a local code twice with different DfE
 * codes is an error, twice with the same one is harmless. */
static cs_status index_entries(loader *L, cs_diag *d)
{
    cs_codemap *m = L->m;
    if (m->count >= UINT32_MAX / 2)
        return cs_diag_set(d, CS_ERR_LIMIT, L->path, 0, 0, "too many codes");
    size_t size = 16;
    while (size < m->count * 2)
        size *= 2;
    m->mask = size - 1;
    m->by_local = cs_arena_alloc(L->arena, size * sizeof *m->by_local);
    m->by_dfe = cs_arena_alloc(L->arena, size * sizeof *m->by_dfe);
    for (size_t i = 0; i < m->count; i++) {
        const entry *x = &m->entries[i];
        size_t slot = probe(m, m->by_local, 0, x->local, x->local_n);
        uint32_t e = m->by_local[slot];
        if (e) {
            const entry *y = &m->entries[e - 1];
            if (!equal_folded(x->dfe, x->dfe_n, y->dfe, y->dfe_n))
                return cs_diag_set(d, CS_ERR_CONFIG, L->path, x->line, 1,
                                   "local code '%s' maps to '%s' here but to '%s' on line %llu",
                                   x->local, x->dfe, y->dfe, (unsigned long long)y->line);
            continue;
        }
        m->by_local[slot] = (uint32_t)i + 1;
        slot = probe(m, m->by_dfe, 1, x->dfe, x->dfe_n);
        if (!m->by_dfe[slot])
            m->by_dfe[slot] = (uint32_t)i + 1;
    }
    return CS_OK;
}

static const char *table_name(cs_arena *a, const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (n > 4 && strcmp(base + n - 4, ".tsv") == 0)
        n -= 4;
    return cs_arena_strndup(a, base, n);
}

cs_status cs_codemap_load(cs_codemap **out, const char *path, cs_arena *arena, cs_diag *d)
{
    *out = NULL;
    FILE *fp = fopen(path, "r");
    if (!fp)
        return cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot open code table: %s",
                           strerror(errno));
    struct stat sb;
    if (fstat(fileno(fp), &sb) == 0 && sb.st_size > (off_t)CS_MAX_RULE_FILE_BYTES) {
        fclose(fp);
        return cs_diag_set(d, CS_ERR_LIMIT, path, 0, 0, "code table is larger than %u bytes",
                           CS_MAX_RULE_FILE_BYTES);
    }
    cs_codemap *m = cs_arena_alloc(arena, sizeof *m);
    loader L = {.m = m, .path = path, .arena = arena};
    cs_status st = read_lines(&L, fp, d);
    fclose(fp);
    if (st == CS_OK)
        st = index_entries(&L, d);
    /* the entries move into the arena so the map needs no free function */
    entry *tmp = m->entries;
    m->entries = NULL;
    if (st == CS_OK && m->count) {
        m->entries = cs_arena_alloc_raw(arena, m->count * sizeof *m->entries);
        memcpy(m->entries, tmp, m->count * sizeof *m->entries);
    }
    free(tmp);
    if (st != CS_OK)
        return st;
    m->name = table_name(arena, path);
    *out = m;
    return CS_OK;
}
