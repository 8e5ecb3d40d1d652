/* Annex A lists from an xlsx workbook: the zip opened with minizip, the
 * workbook's sheet list, its relationships, the shared strings and each
 * "List N" sheet parsed with the safe XML pull parser (no network, no
 * DTDs, entities refused). A zip member is read into memory with a cap
 * checked against what is actually inflated, so a zip bomb stops with an
 * error rather than filling memory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/xmlreader.h>
#include <unzip.h>

#include "read/xmlpull.h"
#include "returns/annexa/read_int.h"
#include "util/limits.h"

#define MAX_MEMBER_BYTES ((size_t)1 << 30)
#define MAX_SHEETS 256

typedef struct {
    unzFile zf;
    const char *path;
    cs_arena arena;
    const char **sst;       /* shared strings */
    uint32_t nsst;
} book;

static cs_status read_member(book *b, const char *name, char **out, size_t *len, int *missing,
                             cs_diag *d)
{
    *out = NULL;
    *len = 0;
    if (missing)
        *missing = 0;
    if (unzLocateFile(b->zf, name, 2) != UNZ_OK) {   /* 2: case-insensitive */
        if (missing) {
            *missing = 1;
            return CS_OK;
        }
        return cs_diag_set(d, CS_ERR_FORMAT, b->path, 0, 0, "not an xlsx workbook: it has no %s", name);
    }
    unz_file_info64 info;
    if (unzGetCurrentFileInfo64(b->zf, &info, NULL, 0, NULL, 0, NULL, 0) != UNZ_OK ||
        unzOpenCurrentFile(b->zf) != UNZ_OK)
        return cs_diag_set(d, CS_ERR_FORMAT, b->path, 0, 0, "cannot open %s inside the workbook", name);
    if (info.uncompressed_size > MAX_MEMBER_BYTES) {
        unzCloseCurrentFile(b->zf);
        return cs_diag_set(d, CS_ERR_LIMIT, b->path, 0, 0, "%s inside the workbook is larger than %zu MB",
                           name, MAX_MEMBER_BYTES >> 20);
    }
    size_t cap = info.uncompressed_size ? (size_t)info.uncompressed_size + 1 : 65536, n = 0;
    char *buf = cs_xmalloc(cap);
    for (;;) {
        if (n + 1 >= cap) {
            if (cap > MAX_MEMBER_BYTES) {
                free(buf);
                unzCloseCurrentFile(b->zf);
                return cs_diag_set(d, CS_ERR_LIMIT, b->path, 0, 0,
                                   "%s inside the workbook inflates to more than %zu MB", name,
                                   MAX_MEMBER_BYTES >> 20);
            }
            cap *= 2;
            buf = cs_xrealloc(buf, cap);
        }
        size_t want = cap - 1 - n;
        if (want > (1u << 30))
            want = 1u << 30;
        int got = unzReadCurrentFile(b->zf, buf + n, (unsigned)want);
        if (got < 0) {
            free(buf);
            unzCloseCurrentFile(b->zf);
            return cs_diag_set(d, CS_ERR_FORMAT, b->path, 0, 0, "%s inside the workbook is damaged (zip error %d)",
                               name, got);
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    if (unzCloseCurrentFile(b->zf) == UNZ_CRCERROR) {
        free(buf);
        return cs_diag_set(d, CS_ERR_FORMAT, b->path, 0, 0, "%s inside the workbook fails its CRC check", name);
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return CS_OK;
}

static cs_status open_xml(cs_xmlpull **x, cs_bytesrc **src, const char *data, size_t n,
                          const char *name, cs_diag *d)
{
    cs_status st = cs_bytesrc_open_mem(src, data, n, name, d);
    if (st != CS_OK)
        return st;
    st = cs_xmlpull_open(x, *src, d);
    if (st != CS_OK) {
        cs_bytesrc_close(*src);
        *src = NULL;
    }
    return st;
}

static void close_xml(cs_xmlpull *x, cs_bytesrc *src)
{
    cs_xmlpull_close(x);
    cs_bytesrc_close(src);
}

static int is_text(int type)
{
    return type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
           type == XML_READER_TYPE_CDATA;
}

/* Appends a text node to a cell's or string's text (several nodes make one
 * value: rich-text runs, CDATA next to text). */
static void acc_text(char **acc, size_t *len, size_t *cap, const char *v)
{
    size_t vl = strlen(v);
    if (*len + vl + 1 > *cap) {
        *cap = (*len + vl + 1) * 2;
        *acc = cs_xrealloc(*acc, *cap);
    }
    memcpy(*acc + *len, v, vl);
    *len += vl;
    (*acc)[*len] = '\0';
}

/* ---- shared strings ------------------------------------------------------------- */

static cs_status load_sst(book *b, cs_diag *d)
{
    char *data;
    size_t n;
    int missing;
    cs_status st = read_member(b, "xl/sharedStrings.xml", &data, &n, &missing, d);
    if (st != CS_OK || missing)
        return st;
    cs_xmlpull *x;
    cs_bytesrc *src;
    st = open_xml(&x, &src, data, n, "xl/sharedStrings.xml", d);
    if (st != CS_OK) {
        free(data);
        return st;
    }
    uint32_t cap = 0;
    char *acc = NULL;
    size_t alen = 0, acap = 0;
    int in_si = 0, in_t = 0, in_phonetic = 0;
    while ((st = cs_xmlpull_next(x, d)) == CS_OK) {
        int type = cs_xmlpull_type(x);
        const char *ln = cs_xmlpull_local_name(x);
        if (type == XML_READER_TYPE_ELEMENT) {
            if (strcmp(ln, "si") == 0) {
                in_si = 1;
                alen = 0;
            } else if (strcmp(ln, "rPh") == 0) {
                in_phonetic = !cs_xmlpull_is_empty(x);
            } else if (strcmp(ln, "t") == 0) {
                in_t = !cs_xmlpull_is_empty(x);
            }
            if (!(in_si && strcmp(ln, "si") == 0 && cs_xmlpull_is_empty(x)))
                continue;
        }
        if (is_text(type) && in_si && in_t && !in_phonetic) {
            acc_text(&acc, &alen, &acap, cs_xmlpull_value(x));
            continue;
        }
        if (type == XML_READER_TYPE_END_ELEMENT && strcmp(ln, "t") == 0)
            in_t = 0;
        else if (type == XML_READER_TYPE_END_ELEMENT && strcmp(ln, "rPh") == 0)
            in_phonetic = 0;
        else if ((type == XML_READER_TYPE_END_ELEMENT || type == XML_READER_TYPE_ELEMENT) &&
                 strcmp(ln, "si") == 0) {
            if (b->nsst == cap) {
                cap = cap ? cap * 2 : 1024;
                const char **ns = cs_arena_alloc(&b->arena, cap * sizeof *ns);
                if (b->nsst)
                    memcpy(ns, b->sst, b->nsst * sizeof *ns);
                b->sst = ns;
            }
            b->sst[b->nsst++] = cs_arena_strndup(&b->arena, acc ? acc : "", alen);
            in_si = 0;
            alen = 0;
        }
    }
    free(acc);
    close_xml(x, src);
    free(data);
    return st == CS_EOF ? CS_OK : st;
}

/* ---- workbook: sheet names -> member paths ------------------------------------------- */

typedef struct {
    char name[128];
    char rid[64];
    char target[512];
} sheet_ref;

static cs_status load_sheets(book *b, sheet_ref *refs, int *nrefs, cs_diag *d)
{
    char *data;
    size_t n;
    *nrefs = 0;
    cs_status st = read_member(b, "xl/workbook.xml", &data, &n, NULL, d);
    if (st != CS_OK)
        return st;
    cs_xmlpull *x;
    cs_bytesrc *src;
    st = open_xml(&x, &src, data, n, "xl/workbook.xml", d);
    while (st == CS_OK && (st = cs_xmlpull_next(x, d)) == CS_OK) {
        if (cs_xmlpull_type(x) != XML_READER_TYPE_ELEMENT || strcmp(cs_xmlpull_local_name(x), "sheet"))
            continue;
        if (*nrefs == MAX_SHEETS)
            break;
        sheet_ref *r = &refs[*nrefs];
        memset(r, 0, sizeof *r);
        cs_xmlpull_attr(x, "name", r->name, sizeof r->name);
        cs_xmlpull_attr(x, "id", r->rid, sizeof r->rid);
        (*nrefs)++;
    }
    if (x)
        close_xml(x, src);
    free(data);
    if (st != CS_EOF && st != CS_OK)
        return st;
    st = read_member(b, "xl/_rels/workbook.xml.rels", &data, &n, NULL, d);
    if (st != CS_OK)
        return st;
    st = open_xml(&x, &src, data, n, "xl/_rels/workbook.xml.rels", d);
    while (st == CS_OK && (st = cs_xmlpull_next(x, d)) == CS_OK) {
        if (cs_xmlpull_type(x) != XML_READER_TYPE_ELEMENT ||
            strcmp(cs_xmlpull_local_name(x), "Relationship"))
            continue;
        char id[64], target[512];
        if (!cs_xmlpull_attr(x, "Id", id, sizeof id) || !cs_xmlpull_attr(x, "Target", target, sizeof target))
            continue;
        for (int i = 0; i < *nrefs; i++)
            if (strcmp(refs[i].rid, id) == 0) {
                if (target[0] == '/')
                    snprintf(refs[i].target, sizeof refs[i].target, "%s", target + 1);
                else
                    snprintf(refs[i].target, sizeof refs[i].target, "xl/%s", target);
            }
    }
    if (x)
        close_xml(x, src);
    free(data);
    return st == CS_EOF ? CS_OK : st;
}

/* ---- a sheet ------------------------------------------------------------------------- */

/* "BC12" -> column 54 (0-based); -1 when not a cell reference. */
static int col_of_ref(const char *r)
{
    int c = 0, k = 0;
    for (; *r >= 'A' && *r <= 'Z'; r++, k++)
        c = c * 26 + (*r - 'A' + 1);
    return k && k <= 3 ? c - 1 : -1;
}

typedef struct {
    char **text;     /* per column, malloc'd; NULL = empty */
    size_t *len;
    int *numeric;
    uint32_t ncols;  /* used */
    uint32_t cap;
} row_buf;

static void row_reset(row_buf *r)
{
    for (uint32_t i = 0; i < r->ncols; i++) {
        free(r->text[i]);
        r->text[i] = NULL;
        r->len[i] = 0;
        r->numeric[i] = 0;
    }
    r->ncols = 0;
}

static void row_set(row_buf *r, uint32_t col, const char *s, size_t n, int numeric)
{
    if (col >= CS_MAX_COLUMNS)
        return;
    if (col >= r->cap) {
        uint32_t nc = r->cap ? r->cap : 64;
        while (nc <= col)
            nc *= 2;
        r->text = cs_xrealloc(r->text, nc * sizeof *r->text);
        r->len = cs_xrealloc(r->len, nc * sizeof *r->len);
        r->numeric = cs_xrealloc(r->numeric, nc * sizeof *r->numeric);
        for (uint32_t i = r->cap; i < nc; i++) {
            r->text[i] = NULL;
            r->len[i] = 0;
            r->numeric[i] = 0;
        }
        r->cap = nc;
    }
    for (uint32_t i = r->ncols; i < col; i++)
        r->text[i] = NULL;
    free(r->text[col]);
    r->text[col] = cs_xmalloc(n + 1);
    memcpy(r->text[col], s, n);
    r->text[col][n] = '\0';
    r->len[col] = n;
    r->numeric[col] = numeric;
    if (col + 1 > r->ncols)
        r->ncols = col + 1;
}

static void row_emit(aa_sheet *s, row_buf *r, uint32_t line, int *header_done, aa_cell **cells,
                     uint32_t *ncells)
{
    if (r->ncols > *ncells) {
        *cells = cs_xrealloc(*cells, r->ncols * sizeof **cells);
        *ncells = r->ncols;
    }
    for (uint32_t i = 0; i < r->ncols; i++) {
        (*cells)[i].s = r->text[i] ? r->text[i] : "";
        (*cells)[i].n = r->len[i];
        (*cells)[i].numeric = r->numeric[i];
    }
    if (!*header_done) {
        aa_sheet_header(s, *cells, r->ncols);
        *header_done = 1;
    } else {
        aa_sheet_row(s, *cells, r->ncols, line);
    }
    row_reset(r);
}

static cs_status read_sheet(book *b, const char *member, int list, const char *sheet_name,
                            const cs_aa_template *t, cs_dataset *ds, cs_exception_list *exc,
                            uint32_t file, cs_diag *d)
{
    char *data;
    size_t n;
    int missing;
    cs_status st = read_member(b, member, &data, &n, &missing, d);
    if (st != CS_OK)
        return st;
    if (missing)
        return cs_diag_set(d, CS_ERR_FORMAT, b->path, 0, 0, "sheet %s points at %s, which the workbook has not got",
                           sheet_name, member);
    cs_xmlpull *x;
    cs_bytesrc *src;
    st = open_xml(&x, &src, data, n, member, d);
    if (st != CS_OK) {
        free(data);
        return st;
    }
    aa_sheet s;
    char where[512];
    const char *base = strrchr(b->path, '/');
    snprintf(where, sizeof where, "%s sheet %s", base ? base + 1 : b->path, sheet_name);
    aa_sheet_begin(&s, ds, t, exc, list, where, file);
    row_buf rb = {0};
    aa_cell *cells = NULL;
    uint32_t ncells = 0, rownum = 0, next_col = 0;
    int header_done = 0, in_row = 0, in_cell = 0, in_value = 0, in_is_t = 0;
    char ctype[16] = "", ref[32];
    int cur_col = 0;
    char *acc = NULL;
    size_t alen = 0, acap = 0;
    while ((st = cs_xmlpull_next(x, d)) == CS_OK) {
        int type = cs_xmlpull_type(x);
        const char *ln = cs_xmlpull_local_name(x);
        if (type == XML_READER_TYPE_ELEMENT) {
            if (strcmp(ln, "row") == 0) {
                char rn[32];
                rownum = cs_xmlpull_attr(x, "r", rn, sizeof rn) ? (uint32_t)strtoul(rn, NULL, 10) : rownum + 1;
                in_row = 1;
                next_col = 0;
                if (cs_xmlpull_is_empty(x)) {
                    in_row = 0;
                    if (header_done)
                        row_reset(&rb);
                }
            } else if (in_row && strcmp(ln, "c") == 0) {
                if (!cs_xmlpull_attr(x, "t", ctype, sizeof ctype))
                    ctype[0] = '\0';
                cur_col = cs_xmlpull_attr(x, "r", ref, sizeof ref) ? col_of_ref(ref) : (int)next_col;
                if (cur_col < 0)
                    cur_col = (int)next_col;
                next_col = (uint32_t)cur_col + 1;
                in_cell = !cs_xmlpull_is_empty(x);
                alen = 0;
            } else if (in_cell && (strcmp(ln, "v") == 0 || (strcmp(ln, "t") == 0))) {
                in_value = !cs_xmlpull_is_empty(x);
                in_is_t = strcmp(ln, "t") == 0;
            }
            continue;
        }
        if (is_text(type) && in_value) {
            acc_text(&acc, &alen, &acap, cs_xmlpull_value(x));
            continue;
        }
        if (type != XML_READER_TYPE_END_ELEMENT)
            continue;
        if (strcmp(ln, "v") == 0 || strcmp(ln, "t") == 0) {
            in_value = 0;
        } else if (strcmp(ln, "c") == 0 && in_cell) {
            in_cell = 0;
            const char *val = acc ? acc : "";
            if (acc)
                acc[alen] = '\0';
            if (strcmp(ctype, "s") == 0 && !in_is_t) {
                unsigned long k = strtoul(val, NULL, 10);
                const char *sv = k < b->nsst ? b->sst[k] : "";
                row_set(&rb, (uint32_t)cur_col, sv, strlen(sv), 0);
            } else {
                int numeric = ctype[0] == '\0' || strcmp(ctype, "n") == 0;
                row_set(&rb, (uint32_t)cur_col, val, alen, numeric);
            }
            in_is_t = 0;
        } else if (strcmp(ln, "row") == 0 && in_row) {
            in_row = 0;
            row_emit(&s, &rb, rownum, &header_done, &cells, &ncells);
        }
    }
    if (!header_done) {
        aa_cell none = {"", 0, 0};
        aa_sheet_header(&s, &none, 0);
    }
    row_reset(&rb);
    free(rb.text);
    free(rb.len);
    free(rb.numeric);
    free(cells);
    free(acc);
    aa_sheet_free(&s);
    close_xml(x, src);
    free(data);
    return st == CS_EOF ? CS_OK : st;
}

cs_status aa_read_xlsx(const char *path, const cs_aa_template *t, cs_dataset *ds,
                       cs_exception_list *exc, cs_diag *d)
{
    book b = {0};
    b.path = path;
    b.zf = unzOpen64(path);
    if (!b.zf)
        return cs_diag_set(d, CS_ERR_FORMAT, path, 0, 0, "not an xlsx workbook (not a zip file)");
    cs_arena_init(&b.arena, 0);
    sheet_ref *refs = cs_xcalloc(MAX_SHEETS, sizeof *refs);
    int nrefs = 0;
    cs_status st = load_sheets(&b, refs, &nrefs, d);
    if (st == CS_OK)
        st = load_sst(&b, d);
    uint32_t file = cs_ds_add_file(ds, path);
    for (int list = 1; list <= CS_AA_NLISTS && st == CS_OK; list++) {
        char want[16];
        snprintf(want, sizeof want, "List %d", list);
        int found = -1, loose = -1;
        for (int i = 0; i < nrefs; i++) {
            if (strcmp(refs[i].name, want) == 0)
                found = i;
            char trimmed[128];
            size_t a = 0, z = strlen(refs[i].name);
            while (a < z && refs[i].name[a] == ' ')
                a++;
            while (z > a && refs[i].name[z - 1] == ' ')
                z--;
            snprintf(trimmed, sizeof trimmed, "%.*s", (int)(z - a), refs[i].name + a);
            if (strcasecmp(trimmed, want) == 0 || (strncasecmp(trimmed, "list", 4) == 0 &&
                                                   atoi(trimmed + 4) == list && trimmed[4] != ' '))
                loose = i;
        }
        if (found < 0 && loose >= 0) {
            found = loose;
            aa_note(exc, "AAS01", CS_SEV_WARNING, "", "", "sheet", refs[loose].name,
                    "sheet \"%s\" is read as \"%s\": Ofsted's tools look for the name exactly",
                    refs[loose].name, want);
        }
        if (found < 0) {
            aa_note(exc, "AAS01", CS_SEV_ERROR, "", "", "sheet", want,
                    "the workbook has no sheet \"%s\"", want);
            continue;
        }
        if (!refs[found].target[0]) {
            st = cs_diag_set(d, CS_ERR_FORMAT, path, 0, 0, "sheet %s has no part in the workbook",
                             refs[found].name);
            break;
        }
        st = read_sheet(&b, refs[found].target, list, refs[found].name, t, ds, exc, file, d);
    }
    free(refs);
    cs_arena_free(&b.arena);
    unzClose(b.zf);
    return st;
}
